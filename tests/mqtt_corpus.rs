//! The fuzz seed corpus (`fuzz/corpus/mqtt`) holds real packets of both
//! versions: those a client sent to mosquitto 2.0 and mosquitto's answers
//! (CONNACK, SUBACK, PUBLISH with properties, PUBREC, PUBREL, PUBCOMP,
//! UNSUBACK, PINGRESP). The parser reads each as one whole, valid packet.
use mongoose::mqtt::parse::{next_prop, parse, Parsed};

#[test]
fn real_packets_of_both_versions_parse() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/mqtt");
    let mut seen = [0usize; 2];
    for entry in std::fs::read_dir(&dir).expect("fuzz/corpus/mqtt") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let version = if name.contains("-v5-") { 5 } else { 4 };
        let bytes = std::fs::read(&path).unwrap();
        let Parsed::Ok(p) = parse(&bytes, version) else {
            panic!("{name}: {:?}", parse(&bytes, version));
        };
        assert_eq!(p.len, bytes.len(), "{name}");
        let props = &bytes[p.props.clone()];
        let mut i = 0;
        while i < props.len() {
            i = next_prop(props, i).unwrap_or_else(|e| panic!("{name}: {e}")).1;
        }
        seen[usize::from(version == 5)] += 1;
    }
    assert!(seen[0] >= 10 && seen[1] >= 10, "{seen:?}");
}
