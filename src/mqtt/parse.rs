//! The MQTT packet parser: fixed header, the variable header of every packet
//! type, and MQTT 5 properties. It checks what a receiver must check (the
//! remaining length, reserved flags, QoS, lengths inside the packet,
//! properties, topic names) so that a hostile peer gets a clear error.
use super::*;
use crate::config::MG_MAX_RECV_SIZE;
use std::ops::Range;

/// A packet read from the front of a buffer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Packet {
    /// Packet type (MQTT_CMD_*).
    pub cmd: u8,
    /// The low four bits of the first byte.
    pub flags: u8,
    /// PUBLISH: QoS.
    pub qos: u8,
    /// Length of the whole packet, fixed header included.
    pub len: usize,
    /// Packet id, for the types that carry one.
    pub id: u16,
    /// Return or reason code (see `mg_mqtt_message.ack`).
    pub ack: u8,
    /// PUBLISH: topic.
    pub topic: Range<usize>,
    /// PUBLISH: payload.
    pub data: Range<usize>,
    /// MQTT 5 properties (without their length field).
    pub props: Range<usize>,
    /// CONNECT: the protocol level the client asks for.
    pub level: u8,
}

/// What [`parse`] found at the front of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A whole, valid packet.
    Ok(Packet),
    /// More bytes are needed.
    Incomplete,
    /// Not a valid packet: why.
    Malformed(String),
}

/// Value type of a property id (MQTT_PROP_TYPE_*), None for an unknown id.
pub fn prop_type(id: u8) -> Option<u8> {
    Some(match id {
        MQTT_PROP_PAYLOAD_FORMAT_INDICATOR
        | MQTT_PROP_REQUEST_PROBLEM_INFORMATION
        | MQTT_PROP_REQUEST_RESPONSE_INFORMATION
        | MQTT_PROP_MAXIMUM_QOS
        | MQTT_PROP_RETAIN_AVAILABLE
        | MQTT_PROP_WILDCARD_SUBSCRIPTION_AVAILABLE
        | MQTT_PROP_SUBSCRIPTION_IDENTIFIER_AVAILABLE
        | MQTT_PROP_SHARED_SUBSCRIPTION_AVAILABLE => MQTT_PROP_TYPE_BYTE,
        MQTT_PROP_MESSAGE_EXPIRY_INTERVAL
        | MQTT_PROP_SESSION_EXPIRY_INTERVAL
        | MQTT_PROP_WILL_DELAY_INTERVAL
        | MQTT_PROP_MAXIMUM_PACKET_SIZE => MQTT_PROP_TYPE_INT,
        MQTT_PROP_CONTENT_TYPE
        | MQTT_PROP_RESPONSE_TOPIC
        | MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER
        | MQTT_PROP_AUTHENTICATION_METHOD
        | MQTT_PROP_RESPONSE_INFORMATION
        | MQTT_PROP_SERVER_REFERENCE
        | MQTT_PROP_REASON_STRING => MQTT_PROP_TYPE_STRING,
        MQTT_PROP_CORRELATION_DATA | MQTT_PROP_AUTHENTICATION_DATA => MQTT_PROP_TYPE_BINARY_DATA,
        MQTT_PROP_SUBSCRIPTION_IDENTIFIER => MQTT_PROP_TYPE_VARIABLE_INT,
        MQTT_PROP_SERVER_KEEP_ALIVE
        | MQTT_PROP_RECEIVE_MAXIMUM
        | MQTT_PROP_TOPIC_ALIAS_MAXIMUM
        | MQTT_PROP_TOPIC_ALIAS => MQTT_PROP_TYPE_SHORT,
        MQTT_PROP_USER_PROPERTY => MQTT_PROP_TYPE_STRING_PAIR,
        _ => return None,
    })
}

/// A variable byte integer read from the front of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Varint {
    /// The value and the number of bytes it took.
    Value(u32, usize),
    /// The buffer ends inside it.
    Short,
    /// It runs past four bytes.
    TooLong,
}

/// Reads the variable byte integer at the front of `buf`.
pub fn varint(buf: &[u8]) -> Varint {
    let mut value = 0u32;
    for (i, &b) in buf.iter().enumerate() {
        if i == 4 {
            return Varint::TooLong;
        }
        value |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Varint::Value(value, i + 1);
        }
    }
    if buf.len() >= 4 {
        Varint::TooLong
    } else {
        Varint::Short
    }
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// One decoded property: id, the integer value, and the key and value
/// ranges (relative to the buffer given to [`next_prop`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)] // as described above
pub struct Prop {
    pub id: u8,
    pub iv: u32,
    pub key: Range<usize>,
    pub val: Range<usize>,
}

/// The property starting at `at` in `props`, with the offset of the next
/// one; Err says what is wrong with it.
pub fn next_prop(props: &[u8], at: usize) -> Result<(Prop, usize), String> {
    let id = props[at];
    let mut p = Prop { id, ..Default::default() };
    let mut i = at + 1;
    let need = |i: usize, n: usize| {
        if i + n > props.len() {
            Err(format!("property 0x{id:02x} runs past the end of the properties"))
        } else {
            Ok(())
        }
    };
    let Some(ty) = prop_type(id) else {
        return Err(format!("unknown property 0x{id:02x}"));
    };
    match ty {
        MQTT_PROP_TYPE_BYTE => {
            need(i, 1)?;
            p.iv = u32::from(props[i]);
            i += 1;
        }
        MQTT_PROP_TYPE_SHORT => {
            need(i, 2)?;
            p.iv = u32::from(be16(props, i));
            i += 2;
        }
        MQTT_PROP_TYPE_INT => {
            need(i, 4)?;
            p.iv = u32::from_be_bytes(props[i..i + 4].try_into().expect("4 bytes"));
            i += 4;
        }
        MQTT_PROP_TYPE_VARIABLE_INT => match varint(&props[i..]) {
            Varint::Value(v, n) => {
                p.iv = v;
                i += n;
            }
            _ => return Err(format!("property 0x{id:02x}: bad variable byte integer")),
        },
        _ => {
            if ty == MQTT_PROP_TYPE_STRING_PAIR {
                need(i, 2)?;
                let n = usize::from(be16(props, i));
                need(i + 2, n)?;
                p.key = i + 2..i + 2 + n;
                i += 2 + n;
            }
            need(i, 2)?;
            let n = usize::from(be16(props, i));
            need(i + 2, n)?;
            p.val = i + 2..i + 2 + n;
            i += 2 + n;
            if ty != MQTT_PROP_TYPE_BINARY_DATA {
                for r in [p.key.clone(), p.val.clone()] {
                    check_utf8(&props[r]).map_err(|e| format!("property 0x{id:02x}: {e}"))?;
                }
            }
        }
    }
    Ok((p, i))
}

/// Checks a UTF-8 string field: valid UTF-8, no U+0000 (MQTT 1.5.4).
pub fn check_utf8(s: &[u8]) -> Result<(), String> {
    match std::str::from_utf8(s) {
        Err(_) => Err("invalid UTF-8".into()),
        Ok(t) if t.contains('\0') => Err("U+0000 in a string".into()),
        Ok(_) => Ok(()),
    }
}

/// Reads the property section at `at` (length, then properties) that must
/// end by `end`: the range of the properties, every one checked.
fn props_at(b: &[u8], at: usize, end: usize) -> Result<Range<usize>, String> {
    let Varint::Value(n, w) = varint(&b[at..end]) else {
        return Err("bad property length".into());
    };
    let start = at + w;
    let stop = start.checked_add(n as usize).filter(|&s| s <= end);
    let Some(stop) = stop else {
        return Err(format!("property length {n} runs past the end of the packet"));
    };
    let props = &b[start..stop];
    let mut i = 0;
    while i < props.len() {
        i = next_prop(props, i)?.1;
    }
    Ok(start..stop)
}

/// Parses the packet at the front of `buf`, reading version-dependent parts
/// (properties) as `version` (4 or 5) says. CONNECT is read as the version
/// it names itself.
pub fn parse(buf: &[u8], version: u8) -> Parsed {
    match parse_inner(buf, version) {
        Ok(Some(p)) => Parsed::Ok(p),
        Ok(None) => Parsed::Incomplete,
        Err(e) => Parsed::Malformed(e),
    }
}

fn parse_inner(b: &[u8], version: u8) -> Result<Option<Packet>, String> {
    if b.is_empty() {
        return Ok(None);
    }
    let cmd = b[0] >> 4;
    let flags = b[0] & 15;
    let v5 = version == 5;
    if cmd == 0 || (cmd == MQTT_CMD_AUTH && !v5) {
        return Err(format!("reserved packet type {cmd}"));
    }
    let (rem, w) = match varint(&b[1..]) {
        Varint::TooLong => return Err("remaining length longer than 4 bytes".into()),
        Varint::Short => return Ok(None),
        Varint::Value(v, w) => (v, w),
    };
    let hdr = 1 + w;
    let total = hdr + rem as usize;
    if total > MG_MAX_RECV_SIZE {
        return Err(format!("packet of {total} bytes, over MG_MAX_RECV_SIZE ({MG_MAX_RECV_SIZE})"));
    }
    let want_flags = match cmd {
        MQTT_CMD_PUBLISH => flags,
        MQTT_CMD_PUBREL | MQTT_CMD_SUBSCRIBE | MQTT_CMD_UNSUBSCRIBE => 2,
        _ => 0,
    };
    if flags != want_flags {
        return Err(format!("packet type {cmd} with reserved flags 0x{flags:x}"));
    }
    if b.len() < total {
        return Ok(None);
    }
    let mut p = Packet { cmd, flags, len: total, ..Default::default() };
    let end = total;
    let short = || format!("packet type {cmd} too short ({rem} bytes after the fixed header)");
    let mut at = hdr;
    match cmd {
        MQTT_CMD_CONNECT => {
            // Protocol name (2 + n), level, flags, keepalive.
            if rem < 2 {
                return Err(short());
            }
            let n = usize::from(be16(b, at));
            if at + 2 + n + 4 > end {
                return Err(short());
            }
            p.level = b[at + 2 + n];
            if b[at + 2 + n + 1] & 1 != 0 {
                return Err("CONNECT with the reserved flag set".into());
            }
            at += 2 + n + 4;
            if p.level == 5 {
                p.props = props_at(b, at, end)?;
            }
        }
        MQTT_CMD_CONNACK => {
            if rem < 2 {
                return Err(short());
            }
            p.ack = b[at + 1];
            if v5 && rem > 2 {
                p.props = props_at(b, at + 2, end)?;
            }
        }
        MQTT_CMD_PUBLISH => {
            p.qos = (flags >> 1) & 3;
            if p.qos == 3 {
                return Err("PUBLISH with QoS 3".into());
            }
            if rem < 2 {
                return Err(short());
            }
            let n = usize::from(be16(b, at));
            at += 2;
            if at + n > end {
                return Err(format!("topic length {n} runs past the end of the packet"));
            }
            p.topic = at..at + n;
            at += n;
            if p.qos > 0 {
                if at + 2 > end {
                    return Err(short());
                }
                p.id = be16(b, at);
                if p.id == 0 {
                    return Err("PUBLISH with QoS > 0 and packet id 0".into());
                }
                at += 2;
            }
            let mut alias = false;
            if v5 && at < end {
                p.props = props_at(b, at, end)?;
                let props = &b[p.props.clone()];
                let mut i = 0;
                while i < props.len() {
                    let (prop, next) = next_prop(props, i)?;
                    alias |= prop.id == MQTT_PROP_TOPIC_ALIAS;
                    i = next;
                }
                at = p.props.end;
            }
            let topic = &b[p.topic.clone()];
            if topic.is_empty() && !alias {
                return Err("PUBLISH with an empty topic".into());
            }
            check_utf8(topic).map_err(|e| format!("PUBLISH topic: {e}"))?;
            if topic.iter().any(|&c| c == b'+' || c == b'#') {
                return Err("PUBLISH topic with a wildcard".into());
            }
            p.data = at..end;
        }
        MQTT_CMD_PUBACK | MQTT_CMD_PUBREC | MQTT_CMD_PUBREL | MQTT_CMD_PUBCOMP => {
            if rem < 2 {
                return Err(short());
            }
            p.id = be16(b, at);
            if v5 && rem > 2 {
                p.ack = b[at + 2];
                if rem > 3 {
                    p.props = props_at(b, at + 3, end)?;
                }
            }
        }
        MQTT_CMD_SUBSCRIBE | MQTT_CMD_SUBACK | MQTT_CMD_UNSUBSCRIBE | MQTT_CMD_UNSUBACK => {
            if rem < 2 {
                return Err(short());
            }
            p.id = be16(b, at);
            at += 2;
            if v5 {
                p.props = props_at(b, at, end)?;
                at = p.props.end;
            }
            if cmd == MQTT_CMD_SUBACK || (cmd == MQTT_CMD_UNSUBACK && v5) {
                p.ack = if at < end { b[at] } else { 0 };
            }
        }
        MQTT_CMD_DISCONNECT | MQTT_CMD_AUTH => {
            if v5 && rem > 0 {
                p.ack = b[at];
                if rem > 1 {
                    p.props = props_at(b, at + 1, end)?;
                }
            }
        }
        _ => {
            // PINGREQ and PINGRESP have nothing after the fixed header.
            if rem != 0 {
                return Err(format!("packet type {cmd} with {rem} bytes after the fixed header"));
            }
        }
    }
    Ok(Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(b: &[u8], v: u8) -> Packet {
        match parse(b, v) {
            Parsed::Ok(p) => p,
            other => panic!("{b:02x?}: {other:?}"),
        }
    }

    fn bad(b: &[u8], v: u8) -> String {
        match parse(b, v) {
            Parsed::Malformed(e) => e,
            other => panic!("{b:02x?}: {other:?}"),
        }
    }

    #[test]
    fn varints() {
        assert_eq!(varint(&[0]), Varint::Value(0, 1));
        assert_eq!(varint(&[0x7f]), Varint::Value(127, 1));
        assert_eq!(varint(&[0x80, 1]), Varint::Value(128, 2));
        assert_eq!(varint(&[0xff, 0xff, 0xff, 0x7f]), Varint::Value(268_435_455, 4));
        assert_eq!(varint(&[0xff, 0xff, 0xff, 0xff]), Varint::TooLong);
        assert_eq!(varint(&[0xff, 0xff]), Varint::Short);
    }

    #[test]
    fn publish_both_versions() {
        let v4 = [0x32, 9, 0, 3, b'a', b'/', b'b', 0, 7, b'h', b'i'];
        let p = ok(&v4, 4);
        assert_eq!((p.cmd, p.qos, p.id, p.len), (3, 1, 7, 11));
        assert_eq!((p.topic, p.data), (4..7, 9..11));
        // MQTT 5: property length 2, payload format indicator 1.
        let v5 = [0x30, 8, 0, 1, b't', 2, 1, 1, b'h', b'i'];
        let p = ok(&v5, 5);
        assert_eq!((p.props, p.data), (6..8, 8..10));
        // Empty properties and a one-byte payload (Mongoose reads the
        // property length as payload here).
        let p = ok(&[0x30, 5, 0, 1, b't', 0, b'x'], 5);
        assert_eq!(p.data, 6..7);
    }

    #[test]
    fn incomplete_and_malformed() {
        assert_eq!(parse(&[0x30], 4), Parsed::Incomplete);
        assert_eq!(parse(&[0x30, 0x80], 4), Parsed::Incomplete);
        assert_eq!(parse(&[0x30, 5, 0, 1], 4), Parsed::Incomplete);
        assert!(bad(&[0x30, 0xff, 0xff, 0xff, 0xff, 1], 4).contains("longer than 4"));
        assert!(bad(&[0x30, 0xff, 0xff, 0xff, 0x7f], 4).contains("MG_MAX_RECV_SIZE"));
        assert!(bad(&[0x00, 0], 4).contains("reserved packet type 0"));
        assert!(bad(&[0xf0, 0], 4).contains("reserved packet type 15"));
        assert_eq!(ok(&[0xf0, 0], 5).cmd, 15);
        assert!(bad(&[0x40, 1, 0], 4).contains("too short"));
        assert!(bad(&[0x30, 3, 0, 9, b'a'], 4).contains("topic length"));
        assert!(bad(&[0x30, 2, 0, 0], 4).contains("empty topic"));
        assert!(bad(&[0x30, 4, 0, 2, 0xc3, 0x28], 4).contains("UTF-8"));
        assert!(bad(&[0x30, 3, 0, 1, b'#'], 4).contains("wildcard"));
        assert!(bad(&[0x36, 3, 0, 1, b'a'], 4).contains("QoS 3"));
        assert!(bad(&[0x42, 2, 0, 1], 4).contains("reserved flags"));
        assert!(bad(&[0x60, 2, 0, 1], 4).contains("reserved flags"));
        assert!(bad(&[0x30, 5, 0, 1, b't', 9, 1], 5).contains("runs past"));
        assert!(bad(&[0x30, 6, 0, 1, b't', 2, 0x23, 0], 5).contains("runs past"));
        assert!(bad(&[0x30, 6, 0, 1, b't', 2, 0x7f, 0], 5).contains("unknown property"));
        assert!(bad(&[0xc0, 1, 0], 4).contains("bytes after"));
        // An empty topic with a topic alias is fine in MQTT 5.
        assert_eq!(ok(&[0x30, 6, 0, 0, 3, 0x23, 0, 1], 5).topic, 4..4);
    }

    #[test]
    fn connack_and_acks() {
        assert_eq!(ok(&[0x20, 2, 0, 5], 4).ack, 5);
        let p = ok(&[0x20, 5, 0, 0x87, 2, 0x24, 1], 5);
        assert_eq!((p.ack, p.props), (0x87, 5..7));
        // A property id 0 after Maximum QoS: not a property.
        assert!(bad(&[0x20, 6, 0, 0, 3, 0x24, 1, 0], 5).contains("unknown property 0x00"));
        let p = ok(&[0x40, 4, 0, 9, 0x10, 0], 5);
        assert_eq!((p.id, p.ack), (9, 0x10));
        let p = ok(&[0x90, 3, 0, 2, 0x80], 4);
        assert_eq!((p.id, p.ack), (2, 0x80));
    }

    #[test]
    fn connect_level_and_props() {
        let v5 = [0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 5, 2, 0, 60, 0, 0, 0];
        let p = ok(&v5, 4);
        assert_eq!((p.level, p.props), (5, 13..13));
        assert!(bad(&[0x10, 3, 0, 4, b'M'], 4).contains("too short"));
    }
}
