//! MQTT entry points.
use super::{bytes, conn_arg, guard, nonnull, null_arg};
use crate::conn::{mg_connection, mg_event_handler_t};
use crate::mgr::mg_mgr;
use crate::mqtt::parse::{self, Parsed};
use crate::mqtt::{self, mg_mqtt_message, mg_mqtt_opts, mg_mqtt_prop, proto};
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// Opens an MQTT client connection to `url` (mqtt://, mqtts:// with
/// mg_tls_init() in MG_EV_CONNECT) and sends CONNECT with `opts` (NULL:
/// MQTT 3.1.1, a random client id, no will, no credentials). `fn` gets
/// MG_EV_MQTT_OPEN (`int *` CONNACK code) on CONNACK, MG_EV_MQTT_MSG for
/// each PUBLISH and MG_EV_MQTT_CMD for every packet. NULL on error (logged).
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_connect(
    mgr: *mut mg_mgr,
    url: *const c_char,
    opts: *const mg_mqtt_opts,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    guard!("mg_mqtt_connect", ptr::null_mut(), || {
        // SAFETY: arguments checked; opts NULL or valid per the API.
        unsafe {
            let Some(url) = super::net::mgr_and_url("mg_mqtt_connect", mgr, url) else {
                return ptr::null_mut();
            };
            proto::connect(mgr, url, &proto::opts_from(opts), r#fn, fn_data)
        }
    })
}

/// Listens for MQTT clients on `url`. Every packet they send reaches `fn`
/// as MG_EV_MQTT_CMD (PUBLISH also as MG_EV_MQTT_MSG); the library answers
/// the QoS handshakes, the program answers the rest (CONNACK, SUBACK, ...).
/// A CONNECT asking for MQTT 5 sets `c->is_mqtt5`. NULL on error (logged).
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_listen(
    mgr: *mut mg_mgr,
    url: *const c_char,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    guard!("mg_mqtt_listen", ptr::null_mut(), || {
        // SAFETY: arguments checked.
        unsafe {
            let Some(url) = super::net::mgr_and_url("mg_mqtt_listen", mgr, url) else {
                return ptr::null_mut();
            };
            proto::listen(mgr, url, r#fn, fn_data)
        }
    })
}

/// Sends CONNECT with `opts` on `c` and sets `c->is_mqtt5` to its version
/// (mg_mqtt_connect() does it; call it yourself for MQTT over WebSocket).
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_login(c: *mut mg_connection, opts: *const mg_mqtt_opts) {
    guard!("mg_mqtt_login", (), || {
        let c = &mut conn_arg!(c);
        // SAFETY: opts is NULL or valid per the API.
        proto::login(c, &unsafe { proto::opts_from(opts) });
    })
}

/// Sends PUBLISH of `opts->message` to `opts->topic` with `opts->qos`,
/// `opts->retain` and (MQTT 5) `opts->props`. Returns the packet id: a new
/// one for QoS 1 and 2, `opts->retransmit_id` when resending (DUP set), 0
/// for QoS 0 or on error.
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_pub(c: *mut mg_connection, opts: *const mg_mqtt_opts) -> u16 {
    guard!("mg_mqtt_pub", 0, || {
        let c = &mut conn_arg!(c);
        nonnull!(opts);
        // SAFETY: opts is valid per the API.
        proto::publish(c, &unsafe { proto::opts_from(opts) })
    })
}

/// Sends SUBSCRIBE to `opts->topic` (a topic filter) with `opts->qos`.
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_sub(c: *mut mg_connection, opts: *const mg_mqtt_opts) {
    // SAFETY: forwarded; NULL is checked there.
    unsafe { sub_unsub("mg_mqtt_sub", c, opts, mqtt::MQTT_CMD_SUBSCRIBE) };
}

/// Sends UNSUBSCRIBE from `opts->topic`.
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_unsub(c: *mut mg_connection, opts: *const mg_mqtt_opts) {
    // SAFETY: forwarded; NULL is checked there.
    unsafe { sub_unsub("mg_mqtt_unsub", c, opts, mqtt::MQTT_CMD_UNSUBSCRIBE) };
}

unsafe fn sub_unsub(func: &'static str, c: *mut mg_connection, opts: *const mg_mqtt_opts, cmd: u8) {
    // The name is the caller's, known only at run time, so the checks are
    // written out rather than taken from conn_arg!/nonnull!.
    crate::panic::guard(func, (), || {
        // SAFETY: a non-NULL connection from C is live (the API contract).
        let Some(mut c) = (unsafe { crate::conn::Conn::from_raw(c) }) else {
            return super::null_arg(func, "c");
        };
        if opts.is_null() {
            return super::null_arg(func, "opts");
        }
        // SAFETY: opts is valid per the API.
        proto::sub_unsub(&mut c, &unsafe { proto::opts_from(opts) }, cmd);
    })
}

/// Parses the MQTT packet at the start of `buf` (`len` bytes), reading
/// properties as `version` (4 or 5) says, into `m` (pointing into `buf`).
/// Returns MQTT_OK, MQTT_INCOMPLETE (more bytes needed) or MQTT_MALFORMED
/// (the reason is logged at debug level).
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_parse(
    buf: *const u8,
    len: usize,
    version: u8,
    m: *mut mg_mqtt_message,
) -> c_int {
    guard!("mg_mqtt_parse", mqtt::MQTT_MALFORMED, || {
        if m.is_null() {
            null_arg("mg_mqtt_parse", "m");
            return mqtt::MQTT_MALFORMED;
        }
        // SAFETY: `len` readable bytes per the contract.
        let Some(b) = (unsafe { bytes("mg_mqtt_parse", "buf", buf, len) }) else {
            return mqtt::MQTT_MALFORMED;
        };
        let empty = parse::Packet::default();
        let (rc, p) = match parse::parse(b, version) {
            Parsed::Ok(p) => (mqtt::MQTT_OK, p),
            Parsed::Incomplete => (mqtt::MQTT_INCOMPLETE, empty),
            Parsed::Malformed(why) => {
                crate::log_debug!("mg_mqtt_parse", "malformed: {why}");
                (mqtt::MQTT_MALFORMED, empty)
            }
        };
        let mut mm = proto::message(buf, &p);
        if rc != mqtt::MQTT_OK {
            // As Mongoose: the first byte's fields are filled in any case.
            if let Some(&b0) = b.first() {
                mm.cmd = b0 >> 4;
                mm.qos = (b0 >> 1) & 3;
            }
            mm.dgram.len = 0;
        }
        // SAFETY: m is valid for writing per the contract.
        unsafe { m.write(mm) };
        rc
    })
}

/// Sends a fixed header: packet type `cmd` (MQTT_CMD_*), the low four bits
/// `flags` and the remaining length `len`; the program sends the rest.
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_send_header(c: *mut mg_connection, cmd: u8, flags: u8, len: u32) {
    guard!("mg_mqtt_send_header", (), || {
        proto::send_header(&mut conn_arg!(c), cmd, flags, len);
    })
}

/// Sends PINGREQ.
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_ping(c: *mut mg_connection) {
    // SAFETY: forwarded; NULL is checked there.
    unsafe { mg_mqtt_send_header(c, mqtt::MQTT_CMD_PINGREQ, 0, 0) };
}

/// Sends PINGRESP.
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_pong(c: *mut mg_connection) {
    // SAFETY: forwarded; NULL is checked there.
    unsafe { mg_mqtt_send_header(c, mqtt::MQTT_CMD_PINGRESP, 0, 0) };
}

/// Sends DISCONNECT; MQTT 5 adds reason code 0 and `opts->props` (`opts`
/// may be NULL).
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_disconnect(c: *mut mg_connection, opts: *const mg_mqtt_opts) {
    guard!("mg_mqtt_disconnect", (), || {
        let c = &mut conn_arg!(c);
        // SAFETY: opts is NULL or valid per the API.
        proto::disconnect(c, &unsafe { proto::opts_from(opts) });
    })
}

/// Reads the MQTT 5 property at offset `ofs` of `msg`'s properties into
/// `prop` (strings point into `msg->dgram`). Start with 0 and pass back
/// what it returns; 0 means no more properties (or a malformed one).
#[no_mangle]
pub unsafe extern "C" fn mg_mqtt_next_prop(
    msg: *mut mg_mqtt_message,
    prop: *mut mg_mqtt_prop,
    ofs: usize,
) -> usize {
    guard!("mg_mqtt_next_prop", 0, || {
        if msg.is_null() || prop.is_null() {
            null_arg("mg_mqtt_next_prop", if msg.is_null() { "msg" } else { "prop" });
            return 0;
        }
        // SAFETY: msg valid; its dgram describes readable memory.
        let (m, dgram) = unsafe { (&*msg, (*msg).dgram.as_bytes()) };
        let Some(end) = m.props_start.checked_add(m.props_size).filter(|&e| e <= dgram.len())
        else {
            return 0;
        };
        let props = &dgram[m.props_start..end];
        if ofs >= props.len() {
            return 0;
        }
        match parse::next_prop(props, ofs) {
            Ok((p, next)) => {
                let base = props.as_ptr();
                let s = |r: std::ops::Range<usize>| {
                    if r.is_empty() {
                        crate::str::mg_str::empty()
                    } else {
                        crate::str::mg_str {
                            buf: base.wrapping_add(r.start) as *mut c_char,
                            len: r.len(),
                        }
                    }
                };
                let out = mg_mqtt_prop { id: p.id, iv: p.iv, key: s(p.key), val: s(p.val) };
                // SAFETY: prop is valid for writing per the contract.
                unsafe { prop.write(out) };
                next
            }
            Err(why) => {
                crate::log_debug!("mg_mqtt_next_prop", "{why}");
                0
            }
        }
    })
}
