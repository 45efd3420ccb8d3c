//! Fuzz target: the MQTT packet parser, as MQTT 3.1.1 and as MQTT 5, through
//! the Rust core and through `mg_mqtt_parse()` / `mg_mqtt_next_prop()`.
//! Whatever the input, nothing panics, every range stays inside the input,
//! and the properties of a packet the parser accepted all decode.
//!   cargo +nightly fuzz run mqtt fuzz/corpus/mqtt
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose::ffi::mqtt::{mg_mqtt_next_prop, mg_mqtt_parse};
use mongoose::mqtt::parse::{next_prop, parse, Parsed};
use mongoose::mqtt::{mg_mqtt_message, mg_mqtt_prop, MQTT_OK};

fuzz_target!(|data: &[u8]| {
    for version in [4u8, 5] {
        let parsed = parse(data, version);
        if let Parsed::Ok(p) = &parsed {
            assert!(p.len <= data.len());
            for r in [&p.topic, &p.data, &p.props] {
                assert!(r.start <= r.end && r.end <= p.len);
            }
            let props = &data[p.props.clone()];
            let mut i = 0;
            while i < props.len() {
                let (_, next) = next_prop(props, i).expect("accepted properties decode");
                assert!(next > i && next <= props.len());
                i = next;
            }
        }
        // SAFETY: data is a live slice; m and prop are written by the calls.
        unsafe {
            let mut m = std::mem::zeroed::<mg_mqtt_message>();
            let rc = mg_mqtt_parse(data.as_ptr(), data.len(), version, &mut m);
            assert_eq!(rc == MQTT_OK, matches!(parsed, Parsed::Ok(_)));
            let mut prop = std::mem::zeroed::<mg_mqtt_prop>();
            let mut ofs = 0;
            let mut n = 0;
            loop {
                let next = mg_mqtt_next_prop(&mut m, &mut prop, ofs);
                if next == 0 {
                    break;
                }
                assert!(next > ofs && next <= m.props_size);
                ofs = next;
                n += 1;
                assert!(n <= data.len());
            }
        }
    }
});
