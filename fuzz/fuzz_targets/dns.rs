//! DNS messages: mg_dns_parse() and mg_dns_parse_rr() at every offset, and
//! the whole-message parser the resolver uses, on any bytes. Nothing may
//! read out of bounds or loop; the name comes back NUL-terminated; a record
//! never claims more bytes than are left; a question built from the input
//! parses back to the same name.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose::dns::msg::{self, mg_dns_message, mg_dns_rr, Message};
use mongoose::ffi::dns::{mg_dns_parse, mg_dns_parse_rr};

fuzz_target!(|data: &[u8]| {
    mongoose::log::set_level(0);
    // SAFETY: all-zero is a valid mg_dns_message; the pointers are valid.
    unsafe {
        let mut dm: mg_dns_message = std::mem::zeroed();
        if mg_dns_parse(data.as_ptr(), data.len(), &mut dm) {
            assert!(dm.name.contains(&0), "name is NUL-terminated");
        }
        let mut rr = mg_dns_rr::default();
        for ofs in 0..data.len().min(600) {
            for q in [true, false] {
                let n = mg_dns_parse_rr(data.as_ptr(), data.len(), ofs, q, &mut rr);
                assert!(n <= data.len() - ofs, "record past the end");
            }
        }
    }
    if let Some(m) = Message::parse(data) {
        for r in m.questions.iter().chain(&m.records) {
            assert!(r.name.len() <= 255);
            assert!(r.data_ofs <= data.len());
        }
        let _ = m.answers();
    }
    // Query builder round trip, on a name made of the input.
    let name: Vec<u8> = data.iter().take(300).map(|&b| if b == 0 { b'.' } else { b }).collect();
    if let Some(q) = msg::build_query(0x1234, 0x100, &name, msg::MG_DNS_RTYPE_A) {
        let m = Message::parse(&q).expect("our own query parses");
        assert!(msg::name_eq(&m.questions[0].name, &name));
    }
});
