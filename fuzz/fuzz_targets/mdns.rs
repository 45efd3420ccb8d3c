//! mDNS: answers heard by the listener condensed into MG_EV_MDNS_RESP (any
//! bytes), and our own answers (built from the input as host name, service
//! and TXT) condensed back to what was put in.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose::addr::mg_addr;
use mongoose::dns::mdns::{build_answer, condense};
use mongoose::dns::msg::{mg_dnssd_record, MG_DNS_RTYPE_A, MG_DNS_RTYPE_PTR, MG_DNS_RTYPE_SRV};
use mongoose::str::mg_str;

fuzz_target!(|data: &[u8]| {
    mongoose::log::set_level(0);
    if let Some(c) = condense(data) {
        assert!(c.name.len() <= 255 && c.srvcproto.len() <= 255);
    }
    // Split the input into host, TXT and port; a host must be one label.
    let mut parts = data.splitn(3, |&b| b == 0);
    let host: Vec<u8> =
        parts.next().unwrap_or(&[]).iter().copied().filter(|&b| b != b'.').take(63).collect();
    let txt = parts.next().unwrap_or(&[]);
    let port = parts
        .next()
        .map_or(0, |p| p.iter().fold(0u16, |a, &b| a.wrapping_mul(31).wrapping_add(b as u16)));
    if host.is_empty() || host.len() + 17 > 255 {
        return;
    }
    let mut addr = mg_addr::default();
    addr.parse_ip(b"10.1.2.3");
    let sd = mg_dnssd_record {
        srvcproto: mg_str::from_bytes(b"_http._tcp"),
        txt: mg_str::from_bytes(txt),
        port,
    };
    for qtype in [MG_DNS_RTYPE_A, MG_DNS_RTYPE_PTR, MG_DNS_RTYPE_SRV] {
        let Some(m) = build_answer(qtype, Some(7), &host, Some(sd), &addr) else { continue };
        let c = condense(&m).expect("our own answer condenses");
        assert!(c.name.eq_ignore_ascii_case(&host));
        assert_eq!(c.addr, Some([10, 1, 2, 3]));
        if qtype != MG_DNS_RTYPE_A {
            assert_eq!(c.port, port);
            assert_eq!(c.srvcproto, b"_http._tcp");
        }
    }
});
