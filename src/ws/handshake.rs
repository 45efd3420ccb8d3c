//! The WebSocket opening handshake (RFC 6455 section 4), server and client.
use super::connection::{state, WsState};
use crate::base64::{self, Variant};
use crate::conn::{self, ev, mg_connection, Conn};
use crate::hash::mg_sha1_ctx;
use crate::http::{self, mg_http_message, HttpState};
use crate::layer;
use crate::str::mg_str;
use std::os::raw::c_void;
/// RFC 6455 section 1.3: appended to the client's key before hashing.
const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)).
pub fn accept_key(key: &[u8]) -> String {
    let mut h = mg_sha1_ctx::new();
    h.update(key);
    h.update(GUID);
    base64::encode(&h.finish(), Variant::Standard)
}

/// A `Sec-WebSocket-Key` must be the base64 encoding of 16 bytes.
pub fn valid_key(key: &[u8]) -> bool {
    key.len() == 24 && base64::decode(key, Variant::Standard).is_some_and(|k| k.len() == 16)
}

/// Why an upgrade request is refused, or its `Sec-WebSocket-Key`.
fn check_upgrade_request(hm: &mg_http_message) -> Result<mg_str, &'static str> {
    // SAFETY: the message's strings point into the request being handled,
    // alive for this call (as for every as_bytes below).
    let get = |name: &[u8]| hm.header(name).map(|v| unsafe { v.as_bytes() });
    // SAFETY: as above.
    if unsafe { hm.method.as_bytes() } != b"GET" {
        return Err("WebSocket upgrade needs GET");
    }
    if !get(b"Upgrade").is_some_and(|v| http::has_token(v, b"websocket")) {
        return Err("missing Upgrade: websocket");
    }
    if !get(b"Connection").is_some_and(|v| http::has_token(v, b"upgrade")) {
        return Err("missing Connection: Upgrade");
    }
    if get(b"Sec-WebSocket-Version") != Some(b"13") {
        return Err("Sec-WebSocket-Version must be 13");
    }
    match hm.header(b"Sec-WebSocket-Key") {
        // SAFETY: as above.
        Some(k) if valid_key(unsafe { k.as_bytes() }) => Ok(k),
        Some(_) => Err("invalid Sec-WebSocket-Key"),
        None => Err("missing Sec-WebSocket-Key"),
    }
}

/// Server side of the opening handshake, called from MG_EV_HTTP_MSG with
/// that event's request. A valid upgrade request is answered with 101 (plus
/// `extra_headers`), the connection becomes a WebSocket one and
/// MG_EV_WS_OPEN is sent; an invalid one is answered with 400 and closed.
///
/// # Safety
/// `hm` must be a request whose strings are alive.
pub unsafe fn upgrade(c: &mut Conn, hm: *mut mg_http_message, extra_headers: &[u8]) {
    // SAFETY: hm is alive per the contract.
    let key = match check_upgrade_request(unsafe { &*hm }) {
        Ok(k) => k,
        Err(why) => {
            crate::log_debug!("ws", "{} upgrade refused: {why}", c.id);
            c.state_or_default::<HttpState>().close_after_resp = true;
            let body = format!("{why}\n");
            http::reply(c, 400, b"Sec-WebSocket-Version: 13\r\n", body.as_bytes());
            return;
        }
    };
    // SAFETY: the key points into the request, alive per the contract.
    let accept = accept_key(unsafe { key.as_bytes() });
    let mut resp = Vec::with_capacity(160 + extra_headers.len());
    resp.extend_from_slice(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
    );
    resp.extend_from_slice(b"Sec-WebSocket-Accept: ");
    resp.extend_from_slice(accept.as_bytes());
    resp.extend_from_slice(b"\r\n");
    resp.extend_from_slice(extra_headers);
    resp.extend_from_slice(b"\r\n");
    if !c.send_data(&resp) {
        return;
    }
    c.private().layers.insert(HttpState::default());
    c.set_resp(false);
    c.set_websocket(true);
    layer::attach(c, WsState::default());
    c.pfn_data = std::ptr::null_mut();
    c.call(ev::WS_OPEN, hm.cast());
}

/// Opens a client connection to `url` and queues the upgrade request (with
/// `extra_headers`, each ending in CRLF); MG_EV_WS_OPEN follows once the
/// server has accepted it.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn connect(
    mgr: *mut crate::mgr::mg_mgr,
    url: &str,
    f: conn::mg_event_handler_t,
    fn_data: *mut c_void,
    extra_headers: &[u8],
) -> *mut mg_connection {
    // SAFETY: per the contract; the connection is live once created.
    let raw = unsafe { crate::net::connect(mgr, url, f, fn_data) };
    // SAFETY: NULL or the live connection just made.
    let Some(mut conn) = (unsafe { Conn::from_raw(raw) }) else { return raw };
    let c = &mut conn;
    let u = crate::url::parse(url.as_bytes());
    let mut raw_key = [0u8; 16];
    crate::util::random(&mut raw_key);
    let key = base64::encode(&raw_key, Variant::Standard);
    let uri: &[u8] = if u.uri.is_empty() { b"/" } else { u.uri };
    let default_port = crate::url::default_port(u.scheme).unwrap_or(0);
    let mut req = Vec::with_capacity(256 + extra_headers.len());
    req.extend_from_slice(b"GET ");
    req.extend_from_slice(uri);
    req.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    let host_is_v6 = u.host.contains(&b':');
    if host_is_v6 {
        req.push(b'[');
    }
    req.extend_from_slice(u.host);
    if host_is_v6 {
        req.push(b']');
    }
    let port = u.port_or_default();
    if port != default_port {
        req.extend_from_slice(format!(":{port}").as_bytes());
    }
    req.extend_from_slice(b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
    req.extend_from_slice(b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
    req.extend_from_slice(key.as_bytes());
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(extra_headers);
    req.extend_from_slice(b"\r\n");
    c.set_websocket(true);
    let mut st = WsState::default();
    st.expect_accept = Some(accept_key(key.as_bytes()));
    layer::attach(c, st);
    c.pfn_data = std::ptr::null_mut();
    c.send_data(&req);
    raw
}

/// Client: checks the server's answer to the upgrade request. Returns true
/// once the handshake is done (MG_EV_WS_OPEN sent, the head removed from
/// `c->recv`), false while it is incomplete or when it failed.
pub(super) fn client_handshake(c: &mut Conn) -> bool {
    let head = match http::parse_head(c.recv.data(), false) {
        Ok(Some(h)) => h,
        Ok(None) => return false,
        Err(e) => {
            handshake_error(c, e.reason);
            return false;
        }
    };
    let mut hm = head.hm;
    let expect = state(c).expect_accept.take().unwrap_or_default();
    // SAFETY: the head's strings point into c->recv, unchanged meanwhile.
    let get = |name: &[u8]| hm.header(name).map(|v| unsafe { v.as_bytes() });
    let why = if head.status != 101 {
        Some(format!("status {}", head.status))
    } else if !get(b"Upgrade").is_some_and(|v| http::has_token(v, b"websocket")) {
        Some("no Upgrade: websocket".into())
    } else if !get(b"Connection").is_some_and(|v| http::has_token(v, b"upgrade")) {
        Some("no Connection: Upgrade".into())
    } else if get(b"Sec-WebSocket-Accept") != Some(expect.as_bytes()) {
        Some("wrong Sec-WebSocket-Accept".into())
    } else {
        None
    };
    if let Some(why) = why {
        handshake_error(c, &why);
        return false;
    }
    c.call(ev::WS_OPEN, (&mut hm as *mut mg_http_message).cast());
    c.recv.del(0, head.len);
    true
}

fn handshake_error(c: &mut Conn, why: &str) {
    state(c).done = true;
    c.recv.len = 0;
    let msg = format!("WebSocket handshake error: {why}");
    c.error(crate::log::MG_LL_ERROR, msg.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_key_rfc_example() {
        // RFC 6455 section 1.3.
        assert_eq!(accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert!(valid_key(b"dGhlIHNhbXBsZSBub25jZQ=="));
        assert!(!valid_key(b"dGhlIHNhbXBsZSBub25jZQ="));
        assert!(!valid_key(b"not base64 at all!!!!!!!"));
    }
}
