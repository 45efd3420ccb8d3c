//! The MQTT protocol handler and the operations on a connection: what
//! `mg_mqtt_connect()`, `mg_mqtt_listen()` and the `mg_mqtt_*` senders do.
//!
//! The handler parses whole packets out of `c->recv`, answers the QoS
//! handshakes as Mongoose does (PUBACK or PUBREC for an incoming PUBLISH,
//! PUBREL for PUBREC, PUBCOMP for PUBREL) and passes every packet to the
//! program. A malformed packet is an MG_EV_ERROR that says what is wrong,
//! and the connection closes.
use super::build::{self, Opts, Prop};
use super::parse::{self, Packet, Parsed};
use super::*;
use crate::conn::{self, mg_connection, mg_event, mg_event_handler_t, Conn};
use crate::layer::{self, Handler, Layer};
use crate::log::MG_LL_ERROR;
use crate::mgr::mg_mgr;
use std::os::raw::{c_int, c_void};

/// The MQTT layer. It keeps no state per connection (as Mongoose's MQTT
/// does) besides `c->is_mqtt5`, so the type is empty.
#[derive(Debug, Default)]
pub struct Mqtt;

crate::layer_handler!(
    /// MQTT: packets in `c->recv` become MG_EV_MQTT_* events.
    mqtt_handler,
    Mqtt
);

impl Layer for Mqtt {
    const HANDLER: Handler = mqtt_handler;

    fn on_read(c: &mut Conn, _n: usize) {
        read_packets(c);
    }
}

/// The protocol version packets on `c` are read as.
fn version(c: &Conn) -> u8 {
    if c.flags & conn::flag::IS_MQTT5 != 0 {
        5
    } else {
        4
    }
}

/// Sets or clears `c->is_mqtt5`.
fn set_mqtt5(c: &mut Conn, on: bool) {
    if on {
        c.flags |= conn::flag::IS_MQTT5;
    } else {
        c.flags &= !conn::flag::IS_MQTT5;
    }
}

/// The properties of a `struct mg_mqtt_prop` array.
///
/// # Safety
/// `p` must be NULL or point to `n` properties whose strings are readable.
unsafe fn props_from<'a>(p: *const mg_mqtt_prop, n: usize) -> Vec<Prop<'a>> {
    if p.is_null() || n == 0 {
        return Vec::new();
    }
    // SAFETY: n readable properties per the contract.
    let all = unsafe { std::slice::from_raw_parts(p, n) };
    all.iter()
        // SAFETY: each key/val describes readable memory per the contract.
        .map(|q| Prop {
            id: q.id,
            iv: q.iv,
            // SAFETY: as above.
            key: unsafe { q.key.as_bytes() },
            // SAFETY: as above.
            val: unsafe { q.val.as_bytes() },
        })
        .collect()
}

/// Reads a `struct mg_mqtt_opts` (NULL reads as all zero).
///
/// # Safety
/// `o` must be NULL or valid, with readable strings and property arrays.
pub unsafe fn opts_from<'a>(o: *const mg_mqtt_opts) -> Opts<'a> {
    if o.is_null() {
        return Opts::default();
    }
    // SAFETY: valid per the contract, and so are the memory it points to.
    unsafe {
        let o = &*o;
        Opts {
            user: o.user.as_bytes(),
            pass: o.pass.as_bytes(),
            client_id: o.client_id.as_bytes(),
            topic: o.topic.as_bytes(),
            message: o.message.as_bytes(),
            qos: o.qos,
            version: o.version,
            keepalive: o.keepalive,
            retransmit_id: o.retransmit_id,
            retain: o.retain,
            clean: o.clean,
            props: props_from(o.props, o.num_props),
            will_props: props_from(o.will_props, o.num_will_props),
        }
    }
}

/// A fresh packet id from the manager's counter (never 0).
fn next_id(c: &mut Conn) -> u16 {
    // SAFETY: the manager of a live connection outlives it; nothing else
    // holds a reference to it during this call (one thread drives it).
    let mgr = unsafe { &mut *c.mgr };
    mgr.mqtt_id = mgr.mqtt_id.wrapping_add(1);
    if mgr.mqtt_id == 0 {
        mgr.mqtt_id = 1;
    }
    mgr.mqtt_id
}

/// Appends bytes to `c->send` (the buffer's own amortized growth keeps a
/// fan-out backlog of many small packets linear; see iobuf.rs).
fn send(c: &mut Conn, bytes: &[u8]) -> bool {
    c.send_data(bytes)
}

/// Appends a built packet to `c->send`, or logs why it was not built.
fn send_built(c: &mut Conn, func: &str, pkt: Result<Vec<u8>, String>) -> bool {
    match pkt {
        Ok(p) => send(c, &p),
        Err(e) => {
            crate::log_error!(func, "{} MQTT: {e}; nothing sent", c.id);
            false
        }
    }
}

/// `mg_mqtt_login()`: sends CONNECT and sets `c->is_mqtt5` to the version.
/// A CONNECT that cannot be built is an error on the connection.
pub fn login(c: &mut Conn, o: &Opts) {
    let mut random = [0u8; 20];
    let cid = if o.client_id.is_empty() {
        crate::util::random_alnum(&mut random);
        &random[..]
    } else {
        o.client_id
    };
    set_mqtt5(c, build::level(o) == 5);
    match build::connect(o, cid) {
        Ok(p) => {
            send(c, &p);
        }
        Err(e) => c.error(MG_LL_ERROR, format!("MQTT CONNECT: {e}").as_bytes()),
    }
}

/// `mg_mqtt_pub()`: sends PUBLISH; returns the packet id (0 for QoS 0).
pub fn publish(c: &mut Conn, o: &Opts) -> u16 {
    let id = if o.qos & 3 == 0 {
        0
    } else if o.retransmit_id != 0 {
        o.retransmit_id
    } else {
        next_id(c)
    };
    if crate::log::level() >= crate::log::MG_LL_DEBUG {
        crate::log_debug!(
            "mg_mqtt_pub",
            "{} [{}] <- [{}]",
            c.id,
            String::from_utf8_lossy(o.topic),
            String::from_utf8_lossy(&o.message[..o.message.len().min(10)])
        );
    }
    let v5 = version(c) == 5;
    send_built(c, "mg_mqtt_pub", build::publish(o, id, v5));
    id
}

/// `mg_mqtt_sub()` / `mg_mqtt_unsub()`.
pub fn sub_unsub(c: &mut Conn, o: &Opts, cmd: u8) {
    let id = next_id(c);
    let func = if cmd == MQTT_CMD_SUBSCRIBE { "mg_mqtt_sub" } else { "mg_mqtt_unsub" };
    let v5 = version(c) == 5;
    send_built(c, func, build::sub_unsub(o, cmd, id, v5));
}

/// `mg_mqtt_disconnect()`.
pub fn disconnect(c: &mut Conn, o: &Opts) {
    let v5 = version(c) == 5;
    send_built(c, "mg_mqtt_disconnect", build::disconnect(o, v5));
}

/// `mg_mqtt_send_header()`: a fixed header; the program sends the rest.
pub fn send_header(c: &mut Conn, cmd: u8, flags: u8, len: u32) {
    send_built(c, "mg_mqtt_send_header", build::header(cmd, flags, len as usize));
}

/// The `struct mg_mqtt_message` of a parsed packet at `base`.
pub fn message(base: *const u8, p: &Packet) -> mg_mqtt_message {
    let at = |r: &std::ops::Range<usize>| crate::str::mg_str {
        buf: base.wrapping_add(r.start) as *mut _,
        len: r.len(),
    };
    mg_mqtt_message {
        topic: if p.cmd == MQTT_CMD_PUBLISH { at(&p.topic) } else { crate::str::mg_str::empty() },
        data: if p.cmd == MQTT_CMD_PUBLISH { at(&p.data) } else { crate::str::mg_str::empty() },
        dgram: at(&(0..p.len)),
        id: p.id,
        cmd: p.cmd,
        qos: p.qos,
        ack: p.ack,
        props_start: p.props.start,
        props_size: p.props.len(),
    }
}

/// `mg_mqtt_connect()`: a client connection that sends CONNECT.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn connect(
    mgr: *mut mg_mgr,
    url: &str,
    o: &Opts,
    f: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: mgr is initialised per the contract.
    let raw = unsafe { crate::net::connect(mgr, url, f, fn_data) };
    // SAFETY: NULL or the live connection just made.
    let Some(mut c) = (unsafe { Conn::from_raw(raw) }) else { return raw };
    layer::speak::<Mqtt>(&mut c);
    c.pfn_data = std::ptr::null_mut();
    if !c.is_closing() {
        login(&mut c, o);
    }
    raw
}

/// `mg_mqtt_listen()`: a listener whose connections speak MQTT.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn listen(
    mgr: *mut mg_mgr,
    url: &str,
    f: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: mgr is initialised per the contract.
    let raw = unsafe { crate::net::listen(mgr, url, f, fn_data) };
    // SAFETY: NULL or the live listener just made.
    if let Some(mut c) = unsafe { Conn::from_raw(raw) } {
        layer::speak::<Mqtt>(&mut c);
        c.pfn_data = mgr.cast();
    }
    raw
}

/// Handles every whole packet in `c->recv`, then removes them from it in
/// one go (not one deletion per packet, which would move the rest of a
/// large burst each time).
fn read_packets(c: &mut Conn) {
    let mut done = 0usize;
    while !c.is_closing() && done < c.recv.len {
        let parsed = parse::parse(&c.recv.data()[done..], version(c));
        let p = match parsed {
            Parsed::Incomplete => break,
            Parsed::Malformed(why) => {
                c.error(MG_LL_ERROR, format!("MQTT: malformed packet: {why}").as_bytes());
                break;
            }
            Parsed::Ok(p) => p,
        };
        // The packet stays where it is in c->recv (handlers do not resize
        // it) until the deletion below.
        let base = c.recv.buf.wrapping_add(done);
        let len = p.len;
        dispatch(c, base, &p);
        done += len;
        if done > c.recv.len {
            break; // a handler consumed c->recv itself
        }
    }
    let n = done.min(c.recv.len);
    if n > 0 {
        c.recv.del(0, n);
    }
}

/// Answers and reports one packet, at `base` in `c->recv`.
fn dispatch(c: &mut Conn, base: *const u8, p: &Packet) {
    let v5 = version(c) == 5;
    let mut mm = message(base, p);
    let mm_ptr: *mut c_void = (&mut mm as *mut mg_mqtt_message).cast();
    match p.cmd {
        MQTT_CMD_CONNECT if c.is_accepted() => set_mqtt5(c, p.level == 5),
        MQTT_CMD_CONNACK => {
            // An int whose first byte (little endian) is also the code,
            // for programs reading ev_data as uint8_t * as Mongoose gives it.
            let mut code = c_int::from(p.ack);
            c.call(mg_event::MG_EV_MQTT_OPEN as c_int, (&mut code as *mut c_int).cast());
            if p.ack == 0 {
                crate::log_debug!("mqtt", "{} Connected", c.id);
            } else {
                crate::log_error!("mqtt", "{} MQTT auth failed, code {}", c.id, p.ack);
                c.set_closing(true);
            }
        }
        MQTT_CMD_PUBLISH => {
            if crate::log::level() >= crate::log::MG_LL_DEBUG {
                // SAFETY: base points to the packet's p.len bytes in c->recv.
                let pkt = unsafe { std::slice::from_raw_parts(base, p.len) };
                let topic = String::from_utf8_lossy(&pkt[p.topic.clone()]);
                crate::log_debug!("mqtt", "{} [{topic}] -> {} bytes", c.id, p.data.len());
            }
            match p.qos {
                1 => drop(send(c, &build::ack(MQTT_CMD_PUBACK, p.id, v5))),
                2 => drop(send(c, &build::ack(MQTT_CMD_PUBREC, p.id, v5))),
                _ => {}
            }
            c.call(mg_event::MG_EV_MQTT_MSG as c_int, mm_ptr);
        }
        MQTT_CMD_PUBREC => drop(send(c, &build::ack(MQTT_CMD_PUBREL, p.id, v5))),
        MQTT_CMD_PUBREL => drop(send(c, &build::ack(MQTT_CMD_PUBCOMP, p.id, v5))),
        _ => {}
    }
    c.call(mg_event::MG_EV_MQTT_CMD as c_int, mm_ptr);
}
