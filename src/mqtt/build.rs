//! Builders of the packets a client or server sends. They check what would
//! otherwise make a malformed packet (fields over 65 535 bytes, unknown
//! property ids, a remaining length over the protocol's maximum) and say so
//! instead of sending it.
use super::parse::prop_type;
use super::*;

/// Largest remaining length a fixed header can carry (four varint bytes).
pub const MAX_REMAINING: usize = 268_435_455;

/// CONNECT flags.
const CLEAN: u8 = 0x02;
const WILL: u8 = 0x04;
const WILL_RETAIN: u8 = 0x20;
const PASSWORD: u8 = 0x40;
const USER: u8 = 0x80;

/// A property to send, read out of a `struct mg_mqtt_prop`.
#[derive(Debug, Clone, Copy, Default)]
#[allow(missing_docs)] // the fields of struct mg_mqtt_prop
pub struct Prop<'a> {
    pub id: u8,
    pub iv: u32,
    pub key: &'a [u8],
    pub val: &'a [u8],
}

/// The options of a packet, read out of a `struct mg_mqtt_opts`.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)] // the fields of struct mg_mqtt_opts
pub struct Opts<'a> {
    pub user: &'a [u8],
    pub pass: &'a [u8],
    pub client_id: &'a [u8],
    pub topic: &'a [u8],
    pub message: &'a [u8],
    pub qos: u8,
    pub version: u8,
    pub keepalive: u16,
    pub retransmit_id: u16,
    pub retain: bool,
    pub clean: bool,
    pub props: Vec<Prop<'a>>,
    pub will_props: Vec<Prop<'a>>,
}

/// Appends a variable byte integer.
pub fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    loop {
        let b = (v % 128) as u8;
        v /= 128;
        if v > 0 {
            out.push(b | 0x80);
        } else {
            out.push(b);
            return;
        }
    }
}

/// The fixed header: type and flags, then the remaining length.
pub fn header(cmd: u8, flags: u8, len: usize) -> Result<Vec<u8>, String> {
    if len > MAX_REMAINING {
        return Err(format!("remaining length {len} over the maximum {MAX_REMAINING}"));
    }
    let mut out = Vec::with_capacity(5 + len.min(256));
    out.push((cmd << 4) | (flags & 15));
    put_varint(&mut out, len);
    Ok(out)
}

/// Appends a two-byte length and the bytes.
fn put_str(out: &mut Vec<u8>, what: &str, s: &[u8]) -> Result<(), String> {
    let n =
        u16::try_from(s.len()).map_err(|_| format!("{what} of {} bytes (max 65535)", s.len()))?;
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(s);
    Ok(())
}

/// The property section: its length, then each property.
pub fn props(props: &[Prop]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    for p in props {
        let Some(ty) = prop_type(p.id) else {
            return Err(format!("unknown MQTT 5 property id 0x{:02x}", p.id));
        };
        body.push(p.id);
        match ty {
            MQTT_PROP_TYPE_BYTE => body.push(p.iv as u8),
            MQTT_PROP_TYPE_SHORT => body.extend_from_slice(&(p.iv as u16).to_be_bytes()),
            MQTT_PROP_TYPE_INT => body.extend_from_slice(&p.iv.to_be_bytes()),
            MQTT_PROP_TYPE_VARIABLE_INT => {
                if p.iv as usize > MAX_REMAINING {
                    return Err(format!("property 0x{:02x} value {} too large", p.id, p.iv));
                }
                put_varint(&mut body, p.iv as usize);
            }
            MQTT_PROP_TYPE_STRING_PAIR => {
                put_str(&mut body, "property key", p.key)?;
                put_str(&mut body, "property value", p.val)?;
            }
            _ => put_str(&mut body, "property value", p.val)?,
        }
    }
    let mut out = Vec::with_capacity(body.len() + 4);
    put_varint(&mut out, body.len());
    out.extend_from_slice(&body);
    Ok(out)
}

/// Prefixes `body` with the fixed header.
fn packet(cmd: u8, flags: u8, body: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut out = header(cmd, flags, body.len())?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// The protocol level CONNECT asks for: 4 unless 5 is set.
pub fn level(o: &Opts) -> u8 {
    if o.version == 0 {
        4
    } else {
        o.version
    }
}

/// CONNECT, with `client_id` (the caller makes one up when the options have
/// none). Will QoS and will retain are only set with a will, as MQTT
/// requires (3.1.2-11, 3.1.2-13, 3.1.2-15).
pub fn connect(o: &Opts, client_id: &[u8]) -> Result<Vec<u8>, String> {
    let level = level(o);
    if level != 4 && level != 5 {
        return Err(format!("unsupported MQTT version {level} (4 or 5)"));
    }
    let v5 = level == 5;
    let mut flags = 0u8;
    let will = !o.topic.is_empty();
    if will {
        flags |= WILL | ((o.qos & 3) << 3);
        if o.retain {
            flags |= WILL_RETAIN;
        }
    }
    if !o.user.is_empty() {
        flags |= USER;
    }
    if !o.pass.is_empty() {
        flags |= PASSWORD;
    }
    if o.clean {
        flags |= CLEAN;
    }
    let mut b = Vec::with_capacity(64);
    put_str(&mut b, "protocol name", b"MQTT")?;
    b.push(level);
    b.push(flags);
    b.extend_from_slice(&o.keepalive.to_be_bytes());
    if v5 {
        b.extend_from_slice(&props(&o.props)?);
    }
    put_str(&mut b, "client id", client_id)?;
    if will {
        if v5 {
            b.extend_from_slice(&props(&o.will_props)?);
        }
        put_str(&mut b, "will topic", o.topic)?;
        put_str(&mut b, "will message", o.message)?;
    }
    if !o.user.is_empty() {
        put_str(&mut b, "user name", o.user)?;
    }
    if !o.pass.is_empty() {
        put_str(&mut b, "password", o.pass)?;
    }
    packet(MQTT_CMD_CONNECT, 0, b)
}

/// PUBLISH with packet id `id` (used for QoS > 0); DUP is set when the
/// options resend a message (`retransmit_id`).
pub fn publish(o: &Opts, id: u16, v5: bool) -> Result<Vec<u8>, String> {
    let qos = o.qos & 3;
    if qos == 3 {
        return Err("QoS 3".into());
    }
    let mut flags = (qos << 1) | u8::from(o.retain);
    if qos > 0 && o.retransmit_id != 0 {
        flags |= 8;
    }
    let props = if v5 { props(&o.props)? } else { Vec::new() };
    let len = 2 + o.topic.len() + if qos > 0 { 2 } else { 0 } + props.len() + o.message.len();
    let mut out = header(MQTT_CMD_PUBLISH, flags, len)?;
    put_str(&mut out, "topic", o.topic)?;
    if qos > 0 {
        out.extend_from_slice(&id.to_be_bytes());
    }
    out.extend_from_slice(&props);
    out.extend_from_slice(o.message);
    Ok(out)
}

/// SUBSCRIBE (with the options' QoS) or UNSUBSCRIBE of one topic filter.
pub fn sub_unsub(o: &Opts, cmd: u8, id: u16, v5: bool) -> Result<Vec<u8>, String> {
    let mut b = Vec::with_capacity(8 + o.topic.len());
    b.extend_from_slice(&id.to_be_bytes());
    if v5 {
        b.extend_from_slice(&props(&o.props)?);
    }
    put_str(&mut b, "topic", o.topic)?;
    if cmd == MQTT_CMD_SUBSCRIBE {
        b.push(o.qos & 3);
    }
    packet(cmd, 2, b)
}

/// DISCONNECT: MQTT 5 adds reason code 0 and the properties.
pub fn disconnect(o: &Opts, v5: bool) -> Result<Vec<u8>, String> {
    let mut b = Vec::new();
    if v5 {
        b.push(0);
        b.extend_from_slice(&props(&o.props)?);
    }
    packet(MQTT_CMD_DISCONNECT, 0, b)
}

/// The answer to a PUBLISH, PUBREC or PUBREL with packet id `id`, as
/// Mongoose sends it: PUBACK/PUBREC carry reason code 0 and no properties
/// in MQTT 5, PUBREL (flags 2) and PUBCOMP only the id.
pub fn ack(cmd: u8, id: u16, v5: bool) -> Vec<u8> {
    let flags = if cmd == MQTT_CMD_PUBREL { 2 } else { 0 };
    let long = v5 && (cmd == MQTT_CMD_PUBACK || cmd == MQTT_CMD_PUBREC);
    let mut out = vec![(cmd << 4) | flags, if long { 4 } else { 2 }];
    out.extend_from_slice(&id.to_be_bytes());
    if long {
        out.extend_from_slice(&[0, 0]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse::{parse, Parsed};
    use super::*;

    #[test]
    fn connect_v4_with_will_user_pass() {
        let o = Opts {
            user: b"u",
            pass: b"p",
            topic: b"w",
            message: b"bye",
            qos: 1,
            keepalive: 30,
            retain: true,
            clean: true,
            ..Default::default()
        };
        let pkt = connect(&o, b"id").unwrap();
        let want = [
            0x10, 28, 0, 4, b'M', b'Q', b'T', b'T', 4, 0xee, 0, 30, 0, 2, b'i', b'd', 0, 1, b'w',
            0, 3, b'b', b'y', b'e', 0, 1, b'u', 0, 1, b'p',
        ];
        assert_eq!(pkt, want);
    }

    #[test]
    fn will_qos_only_with_a_will() {
        let o = Opts { qos: 2, retain: true, ..Default::default() };
        let pkt = connect(&o, b"x").unwrap();
        assert_eq!(pkt[9], 0);
    }

    #[test]
    fn publish_v5_round_trips() {
        let o = Opts {
            topic: b"a/b",
            message: b"hello",
            qos: 1,
            props: vec![
                Prop { id: MQTT_PROP_USER_PROPERTY, key: b"k", val: b"v", ..Default::default() },
                Prop { id: MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, iv: 60, ..Default::default() },
            ],
            ..Default::default()
        };
        let pkt = publish(&o, 7, true).unwrap();
        let Parsed::Ok(p) = parse(&pkt, 5) else { panic!("{pkt:?}") };
        assert_eq!(&pkt[p.topic], b"a/b");
        assert_eq!(&pkt[p.data], b"hello");
        assert_eq!(p.id, 7);
        assert_eq!(p.props.len(), 7 + 5);
    }

    #[test]
    fn refuses_what_would_be_malformed() {
        let long = vec![b'a'; 70_000];
        let o = Opts { topic: &long, ..Default::default() };
        assert!(publish(&o, 0, false).unwrap_err().contains("65535"));
        let o = Opts {
            topic: b"t",
            props: vec![Prop { id: 0x7f, ..Default::default() }],
            ..Default::default()
        };
        assert!(publish(&o, 0, true).unwrap_err().contains("0x7f"));
        assert!(header(3, 0, MAX_REMAINING + 1).is_err());
    }
}
