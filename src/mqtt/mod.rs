//! MQTT 3.1.1 and 5.0 (OASIS standards) with Mongoose's API: the packet
//! parser ([`parse`]), the packet builders ([`build`]) and the protocol
//! handler ([`proto`]) that `mg_mqtt_connect()` and `mg_mqtt_listen()` put on
//! `c->pfn`.
//!
//! As in Mongoose, a connection keeps no MQTT state beyond `c->is_mqtt5`:
//! packets are parsed straight out of `c->recv`, and packet ids come from the
//! manager's `mqtt_id` counter.
pub mod build;
pub mod parse;
pub mod proto;

use crate::str::mg_str;

/// CONNECT: a client asks to connect.
pub const MQTT_CMD_CONNECT: u8 = 1;
/// CONNACK: the server's answer to CONNECT.
pub const MQTT_CMD_CONNACK: u8 = 2;
/// PUBLISH: an application message.
pub const MQTT_CMD_PUBLISH: u8 = 3;
/// PUBACK: QoS 1 acknowledgement.
pub const MQTT_CMD_PUBACK: u8 = 4;
/// PUBREC: QoS 2, publish received.
pub const MQTT_CMD_PUBREC: u8 = 5;
/// PUBREL: QoS 2, publish release.
pub const MQTT_CMD_PUBREL: u8 = 6;
/// PUBCOMP: QoS 2, publish complete.
pub const MQTT_CMD_PUBCOMP: u8 = 7;
/// SUBSCRIBE: a client subscribes to topic filters.
pub const MQTT_CMD_SUBSCRIBE: u8 = 8;
/// SUBACK: the server's answer to SUBSCRIBE.
pub const MQTT_CMD_SUBACK: u8 = 9;
/// UNSUBSCRIBE: a client unsubscribes from topic filters.
pub const MQTT_CMD_UNSUBSCRIBE: u8 = 10;
/// UNSUBACK: the server's answer to UNSUBSCRIBE.
pub const MQTT_CMD_UNSUBACK: u8 = 11;
/// PINGREQ: keepalive request.
pub const MQTT_CMD_PINGREQ: u8 = 12;
/// PINGRESP: keepalive answer.
pub const MQTT_CMD_PINGRESP: u8 = 13;
/// DISCONNECT: orderly disconnection.
pub const MQTT_CMD_DISCONNECT: u8 = 14;
/// AUTH: MQTT 5 authentication exchange.
pub const MQTT_CMD_AUTH: u8 = 15;

/// MQTT 5 property: payload format indicator (byte).
pub const MQTT_PROP_PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
/// MQTT 5 property: message expiry interval (four-byte integer).
pub const MQTT_PROP_MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
/// MQTT 5 property: content type (string).
pub const MQTT_PROP_CONTENT_TYPE: u8 = 0x03;
/// MQTT 5 property: response topic (string).
pub const MQTT_PROP_RESPONSE_TOPIC: u8 = 0x08;
/// MQTT 5 property: correlation data (binary).
pub const MQTT_PROP_CORRELATION_DATA: u8 = 0x09;
/// MQTT 5 property: subscription identifier (variable byte integer).
pub const MQTT_PROP_SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
/// MQTT 5 property: session expiry interval (four-byte integer).
pub const MQTT_PROP_SESSION_EXPIRY_INTERVAL: u8 = 0x11;
/// MQTT 5 property: assigned client identifier (string).
pub const MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
/// MQTT 5 property: server keep alive (two-byte integer).
pub const MQTT_PROP_SERVER_KEEP_ALIVE: u8 = 0x13;
/// MQTT 5 property: authentication method (string).
pub const MQTT_PROP_AUTHENTICATION_METHOD: u8 = 0x15;
/// MQTT 5 property: authentication data (binary).
pub const MQTT_PROP_AUTHENTICATION_DATA: u8 = 0x16;
/// MQTT 5 property: request problem information (byte).
pub const MQTT_PROP_REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
/// MQTT 5 property: will delay interval (four-byte integer).
pub const MQTT_PROP_WILL_DELAY_INTERVAL: u8 = 0x18;
/// MQTT 5 property: request response information (byte).
pub const MQTT_PROP_REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
/// MQTT 5 property: response information (string).
pub const MQTT_PROP_RESPONSE_INFORMATION: u8 = 0x1A;
/// MQTT 5 property: server reference (string).
pub const MQTT_PROP_SERVER_REFERENCE: u8 = 0x1C;
/// MQTT 5 property: reason string (string).
pub const MQTT_PROP_REASON_STRING: u8 = 0x1F;
/// MQTT 5 property: receive maximum (two-byte integer).
pub const MQTT_PROP_RECEIVE_MAXIMUM: u8 = 0x21;
/// MQTT 5 property: topic alias maximum (two-byte integer).
pub const MQTT_PROP_TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
/// MQTT 5 property: topic alias (two-byte integer).
pub const MQTT_PROP_TOPIC_ALIAS: u8 = 0x23;
/// MQTT 5 property: maximum QoS (byte).
pub const MQTT_PROP_MAXIMUM_QOS: u8 = 0x24;
/// MQTT 5 property: retain available (byte).
pub const MQTT_PROP_RETAIN_AVAILABLE: u8 = 0x25;
/// MQTT 5 property: user property (string pair).
pub const MQTT_PROP_USER_PROPERTY: u8 = 0x26;
/// MQTT 5 property: maximum packet size (four-byte integer).
pub const MQTT_PROP_MAXIMUM_PACKET_SIZE: u8 = 0x27;
/// MQTT 5 property: wildcard subscription available (byte).
pub const MQTT_PROP_WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
/// MQTT 5 property: subscription identifier available (byte).
pub const MQTT_PROP_SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
/// MQTT 5 property: shared subscription available (byte).
pub const MQTT_PROP_SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;

/// Property value type: one byte (`iv`).
pub const MQTT_PROP_TYPE_BYTE: u8 = 0;
/// Property value type: UTF-8 string (`val`).
pub const MQTT_PROP_TYPE_STRING: u8 = 1;
/// Property value type: UTF-8 string pair (`key`, `val`).
pub const MQTT_PROP_TYPE_STRING_PAIR: u8 = 2;
/// Property value type: binary data (`val`).
pub const MQTT_PROP_TYPE_BINARY_DATA: u8 = 3;
/// Property value type: variable byte integer (`iv`).
pub const MQTT_PROP_TYPE_VARIABLE_INT: u8 = 4;
/// Property value type: four-byte integer (`iv`).
pub const MQTT_PROP_TYPE_INT: u8 = 5;
/// Property value type: two-byte integer (`iv`).
pub const MQTT_PROP_TYPE_SHORT: u8 = 6;

/// mg_mqtt_parse(): a whole, valid packet.
pub const MQTT_OK: i32 = 0;
/// mg_mqtt_parse(): the packet is not complete yet.
pub const MQTT_INCOMPLETE: i32 = 1;
/// mg_mqtt_parse(): the packet is malformed.
pub const MQTT_MALFORMED: i32 = 2;

/// One MQTT 5 property, for `mg_mqtt_opts.props`/`will_props` and from
/// mg_mqtt_next_prop().
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct mg_mqtt_prop {
    /// Property id, one of MQTT_PROP_*.
    pub id: u8,
    /// Value of BYTE, SHORT, INT and VARIABLE_INT properties.
    pub iv: u32,
    /// Key of a USER_PROPERTY pair.
    pub key: mg_str,
    /// Value of STRING, BINARY_DATA and USER_PROPERTY properties.
    pub val: mg_str,
}

/// Options of mg_mqtt_connect(), mg_mqtt_login(), mg_mqtt_pub(),
/// mg_mqtt_sub(), mg_mqtt_unsub() and mg_mqtt_disconnect(). Zero it and set
/// what the call uses.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct mg_mqtt_opts {
    /// CONNECT: user name; empty leaves it out.
    pub user: mg_str,
    /// CONNECT: password; empty leaves it out.
    pub pass: mg_str,
    /// CONNECT: client id; empty makes a random one.
    pub client_id: mg_str,
    /// CONNECT: will topic (empty: no will); PUBLISH, SUBSCRIBE,
    /// UNSUBSCRIBE: the topic.
    pub topic: mg_str,
    /// CONNECT: will message; PUBLISH: the payload.
    pub message: mg_str,
    /// QoS: 0, 1 or 2 (CONNECT: of the will).
    pub qos: u8,
    /// CONNECT: protocol version, 4 (3.1.1, also for 0) or 5.
    pub version: u8,
    /// CONNECT: keepalive in seconds; 0 turns it off.
    pub keepalive: u16,
    /// PUBLISH: the id of a message to send again (with DUP); 0 for a new one.
    pub retransmit_id: u16,
    /// PUBLISH, CONNECT will: the retain flag.
    pub retain: bool,
    /// CONNECT: clean session (3.1.1) / clean start (5).
    pub clean: bool,
    /// MQTT 5: properties of the packet; NULL for none.
    pub props: *mut mg_mqtt_prop,
    /// MQTT 5: number of `props`.
    pub num_props: usize,
    /// MQTT 5 CONNECT: will properties; NULL for none.
    pub will_props: *mut mg_mqtt_prop,
    /// MQTT 5: number of `will_props`.
    pub num_will_props: usize,
}

/// A received MQTT packet: the `ev_data` of MG_EV_MQTT_CMD and
/// MG_EV_MQTT_MSG. `topic`, `data` and `dgram` point into the received
/// bytes and are valid during the event only.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct mg_mqtt_message {
    /// PUBLISH: the topic.
    pub topic: mg_str,
    /// PUBLISH: the payload.
    pub data: mg_str,
    /// The whole packet, fixed header included.
    pub dgram: mg_str,
    /// Packet id of PUBLISH (QoS > 0), PUBACK, PUBREC, PUBREL, PUBCOMP,
    /// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK.
    pub id: u16,
    /// Packet type, one of MQTT_CMD_*.
    pub cmd: u8,
    /// PUBLISH: QoS of the message.
    pub qos: u8,
    /// CONNACK: the return (reason) code, 0 for success. Also the reason
    /// code of MQTT 5 PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and AUTH,
    /// and the first return code of SUBACK and MQTT 5 UNSUBACK.
    pub ack: u8,
    /// MQTT 5: offset of the properties from `dgram.buf`.
    pub props_start: usize,
    /// MQTT 5: length of the properties.
    pub props_size: usize,
}
