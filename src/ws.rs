//! WebSocket (RFC 6455): the opening handshake on both sides, framing and
//! masking, reassembly of fragmented messages, control frames, the close
//! handshake, and the protocol handler that turns frames in `c->recv` into
//! MG_EV_WS_MSG / MG_EV_WS_CTL events.
//!
//! Frames are parsed in place in `c->recv`. A fragmented message is gathered
//! at the start of the buffer while later frames wait behind it, so
//! `mg_ws_message.data` always points into `c->recv`, as in Mongoose.
//!
//! Back-pressure: while a WebSocket connection's `c->send` holds more than
//! [`SEND_HIGH_WATER`] bytes, the library stops delivering its frames and stops
//! reading its socket (it sets `c->is_full`); both resume once the peer has
//! taken enough that `c->send` is below [`SEND_LOW_WATER`]. So a peer that
//! sends but does not read cannot make an echoing program queue without
//! bound: the connection's memory stays within about `SEND_HIGH_WATER` plus
//! one reply plus `MG_MAX_RECV_SIZE`, and the peer's own sends block in TCP.
use crate::base64::{self, Variant};
use crate::config::MG_MAX_RECV_SIZE;
use crate::conn::{self, ev, mg_connection};
use crate::hash::mg_sha1_ctx;
use crate::http::{self, mg_http_message};
use crate::str::mg_str;
use std::cell::RefCell;
use std::os::raw::{c_int, c_long, c_void};

/// Continuation frame of a fragmented message.
pub const WEBSOCKET_OP_CONTINUE: c_int = 0;
/// Text (UTF-8) data frame.
pub const WEBSOCKET_OP_TEXT: c_int = 1;
/// Binary data frame.
pub const WEBSOCKET_OP_BINARY: c_int = 2;
/// Close control frame.
pub const WEBSOCKET_OP_CLOSE: c_int = 8;
/// Ping control frame (answered with a pong automatically).
pub const WEBSOCKET_OP_PING: c_int = 9;
/// Pong control frame.
pub const WEBSOCKET_OP_PONG: c_int = 10;

/// A WebSocket message, the `ev_data` of MG_EV_WS_MSG and MG_EV_WS_CTL.
/// `data` points into `c->recv` and is valid only during the event.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mg_ws_message {
    /// Payload (a whole message, fragments joined).
    pub data: mg_str,
    /// First byte of the frame header: FIN (bit 7) | opcode (bits 3:0); for
    /// a reassembled message, FIN and the opcode of its first frame.
    pub flags: u8,
}

/// Close status codes this library sends (RFC 6455 section 7.4.1).
/// cbindgen:ignore
pub mod close_code {
    /// Normal closure.
    pub const NORMAL: u16 = 1000;
    /// The peer broke the protocol.
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// A text message (or close reason) that is not valid UTF-8.
    pub const INVALID_DATA: u16 = 1007;
    /// A message larger than this side accepts (`MG_MAX_RECV_SIZE`).
    pub const TOO_BIG: u16 = 1009;
}

/// Above this many queued bytes in `c->send`, frames are not read (see the
/// module documentation).
/// cbindgen:ignore
pub const SEND_HIGH_WATER: usize = 1024 * 1024;
/// Reading resumes once `c->send` is below this.
/// cbindgen:ignore
pub const SEND_LOW_WATER: usize = SEND_HIGH_WATER / 2;

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

/// A decoded frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// The first byte: FIN, RSV1-3 and the opcode.
    pub b0: u8,
    /// Masking key, when the frame is masked.
    pub mask: Option<[u8; 4]>,
    /// Header length in bytes (2 to 14).
    pub header_len: usize,
    /// Payload length as announced (up to 2^63 - 1).
    pub payload_len: u64,
}

impl FrameHeader {
    /// Final fragment of its message.
    pub fn fin(&self) -> bool {
        self.b0 & 0x80 != 0
    }
    /// The RSV1-3 bits.
    pub fn rsv(&self) -> u8 {
        self.b0 & 0x70
    }
    /// The opcode.
    pub fn op(&self) -> u8 {
        self.b0 & 0x0f
    }
    /// Close, ping, pong and the reserved 0xB-0xF.
    pub fn is_control(&self) -> bool {
        self.op() & 0x08 != 0
    }
}

/// Why a frame header is refused: the close code to send.
pub type CloseCode = u16;

/// Decodes the frame header at the start of `buf`. `Ok(None)`: incomplete.
/// A 64-bit length with its top bit set, or a length not in its shortest
/// form, is a protocol error (RFC 6455 section 5.2).
pub fn parse_header(buf: &[u8]) -> Result<Option<FrameHeader>, CloseCode> {
    let [b0, b1, ..] = *buf else { return Ok(None) };
    let (mut len, mut at) = (u64::from(b1 & 0x7f), 2);
    if len == 126 {
        let Some(b) = buf.get(2..4) else { return Ok(None) };
        len = u64::from(u16::from_be_bytes([b[0], b[1]]));
        if len < 126 {
            return Err(close_code::PROTOCOL_ERROR);
        }
        at = 4;
    } else if len == 127 {
        let Some(b) = buf.get(2..10) else { return Ok(None) };
        len = u64::from_be_bytes(b.try_into().expect("8 bytes"));
        if len >> 63 != 0 || len <= 0xffff {
            return Err(close_code::PROTOCOL_ERROR);
        }
        at = 10;
    }
    let mask = if b1 & 0x80 != 0 {
        let Some(m) = buf.get(at..at + 4) else { return Ok(None) };
        at += 4;
        Some([m[0], m[1], m[2], m[3]])
    } else {
        None
    };
    Ok(Some(FrameHeader { b0, mask, header_len: at, payload_len: len }))
}

/// Writes a frame header for a `len`-byte payload into `out`; returns its
/// length. The length uses the shortest of the 7-, 16- and 64-bit forms.
pub fn encode_header(out: &mut [u8; 14], b0: u8, len: usize, mask: Option<[u8; 4]>) -> usize {
    out[0] = b0;
    let mbit = if mask.is_some() { 0x80 } else { 0 };
    let mut n = if len < 126 {
        out[1] = mbit | len as u8;
        2
    } else if len <= 0xffff {
        out[1] = mbit | 126;
        out[2..4].copy_from_slice(&(len as u16).to_be_bytes());
        4
    } else {
        out[1] = mbit | 127;
        out[2..10].copy_from_slice(&(len as u64).to_be_bytes());
        10
    };
    if let Some(m) = mask {
        out[n..n + 4].copy_from_slice(&m);
        n += 4;
    }
    n
}

/// XORs `data` with the masking key (masking and unmasking are the same).
pub fn apply_mask(data: &mut [u8], mask: [u8; 4]) {
    let m8 = u64::from_ne_bytes([
        mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
    ]);
    let mut words = data.chunks_exact_mut(8);
    for w in &mut words {
        let v = u64::from_ne_bytes((&*w).try_into().expect("8 bytes")) ^ m8;
        w.copy_from_slice(&v.to_ne_bytes());
    }
    // Eight is a multiple of four, so the tail starts at mask phase 0.
    for (b, m) in words.into_remainder().iter_mut().zip(mask.iter().cycle()) {
        *b ^= m;
    }
}

/// Checks a close frame's payload: empty, or a valid status code followed by
/// a UTF-8 reason (RFC 6455 sections 5.5.1 and 7.4).
pub fn check_close_payload(p: &[u8]) -> Result<(), CloseCode> {
    match p {
        [] => Ok(()),
        [_] => Err(close_code::PROTOCOL_ERROR),
        [hi, lo, reason @ ..] => {
            let code = u16::from_be_bytes([*hi, *lo]);
            let known = matches!(code, 1000..=1003 | 1007..=1011 | 3000..=4999);
            if !known {
                Err(close_code::PROTOCOL_ERROR)
            } else if std::str::from_utf8(reason).is_err() {
                Err(close_code::INVALID_DATA)
            } else {
                Ok(())
            }
        }
    }
}

/// Four masking-key bytes from the system's random source. Keys are drawn
/// from a small per-thread pool so that a busy client does not make one
/// getrandom(2) call per frame.
fn mask_key() -> [u8; 4] {
    thread_local! {
        static POOL: RefCell<([u8; 256], usize)> = const { RefCell::new(([0; 256], 256)) };
    }
    POOL.with(|p| {
        let (pool, used) = &mut *p.borrow_mut();
        if *used + 4 > pool.len() {
            crate::util::random(pool);
            *used = 0;
        }
        let k = [pool[*used], pool[*used + 1], pool[*used + 2], pool[*used + 3]];
        *used += 4;
        k
    })
}

/// Per-connection WebSocket state, kept in the connection's private area.
#[derive(Debug, Default)]
pub struct WsState {
    /// Client: the `Sec-WebSocket-Accept` the server must answer with, until
    /// the handshake is done.
    pub expect_accept: Option<String>,
    /// Opcode of the fragmented message being gathered, if any.
    frag_op: Option<u8>,
    /// Bytes of that message gathered at the start of `c->recv`.
    frag_len: usize,
    /// How much of a text message gathered so far is known to be UTF-8.
    utf8_ok: usize,
    /// A close frame was sent.
    pub close_sent: bool,
    /// A close frame was received, or the peer broke the protocol: its
    /// further input is ignored.
    done: bool,
    /// The library set `c->is_full` for back-pressure (and will clear it).
    throttled: bool,
    /// After a protocol error: frames are read and dropped until the peer's
    /// close frame, or until this time (mg_millis); see [`fail`].
    linger_until: Option<u64>,
    /// Payload bytes of a dropped frame still to come.
    skip: u64,
    /// The input can no longer be split into frames: all of it is dropped.
    garbled: bool,
    /// Our sending side was shut down (garbled input: the peer learns of the
    /// end from EOF, as it cannot send a close frame we could find).
    shut_wr: bool,
}

/// The WebSocket state of a connection, created on first use.
///
/// # Safety
/// As for [`conn::private`].
unsafe fn state<'a>(c: *mut mg_connection) -> &'a mut WsState {
    // SAFETY: per the contract.
    unsafe { conn::private(c).ws.get_or_insert_with(Default::default) }
}

/// Appends one frame to `c->send`: masked on client connections, as RFC 6455
/// requires, unmasked on server ones. Returns the bytes appended (header plus
/// payload), 0 when out of memory.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn send(c: *mut mg_connection, data: &[u8], op: c_int) -> usize {
    // SAFETY: c is live.
    unsafe {
        let mask = (*c).is_client().then(mask_key);
        let mut hdr = [0u8; 14];
        let b0 = 0x80 | (op as u8 & 0x0f);
        let n = encode_header(&mut hdr, b0, data.len(), mask);
        let s = &mut (*c).send;
        if !s.reserve(n + data.len()) {
            crate::net::raise_error(c, crate::log::MG_LL_ERROR, b"out of memory");
            return 0;
        }
        s.append(&hdr[..n]);
        let start = s.len;
        s.append(data);
        if let Some(m) = mask {
            apply_mask(&mut s.data_mut()[start..], m);
        }
        if op == WEBSOCKET_OP_CLOSE {
            state(c).close_sent = true;
        }
        crate::net::touch(c);
        n + data.len()
    }
}

/// Frames the last `len` bytes of `c->send` as one message with opcode `op`:
/// a header goes in before them (and they are masked on a client). Returns
/// the new `c->send.len`.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn wrap(c: *mut mg_connection, len: usize, op: c_int) -> usize {
    // SAFETY: c is live.
    unsafe {
        let len = len.min((*c).send.len);
        let start = (*c).send.len - len;
        let mask = (*c).is_client().then(mask_key);
        let mut hdr = [0u8; 14];
        let n = encode_header(&mut hdr, 0x80 | (op as u8 & 0x0f), len, mask);
        if (*c).send.add(start, Some(&hdr[..n]), n) != n {
            crate::net::raise_error(c, crate::log::MG_LL_ERROR, b"out of memory");
            return (*c).send.len;
        }
        if let Some(m) = mask {
            apply_mask(&mut (*c).send.data_mut()[start + n..], m);
        }
        crate::net::touch(c);
        if op == WEBSOCKET_OP_CLOSE {
            state(c).close_sent = true;
        }
        (*c).send.len
    }
}

fn has_token(v: &[u8], token: &[u8]) -> bool {
    v.split(|&b| b == b',').any(|t| http::trim(t).eq_ignore_ascii_case(token))
}

/// Why an upgrade request is refused, or its `Sec-WebSocket-Key`.
fn check_upgrade_request(hm: &mg_http_message) -> Result<mg_str, &'static str> {
    // SAFETY (for the as_bytes calls): the message's strings point into the
    // request being handled, alive for this call.
    let get = |name: &[u8]| hm.header(name).map(|v| unsafe { v.as_bytes() });
    if unsafe { hm.method.as_bytes() } != b"GET" {
        return Err("WebSocket upgrade needs GET");
    }
    if !get(b"Upgrade").is_some_and(|v| has_token(v, b"websocket")) {
        return Err("missing Upgrade: websocket");
    }
    if !get(b"Connection").is_some_and(|v| has_token(v, b"upgrade")) {
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
/// `c` must be a live connection and `hm` a request whose strings are alive.
pub unsafe fn upgrade(c: *mut mg_connection, hm: *mut mg_http_message, extra_headers: &[u8]) {
    // SAFETY: per the contract.
    unsafe {
        let key = match check_upgrade_request(&*hm) {
            Ok(k) => k,
            Err(why) => {
                crate::log_debug!("ws", "{} upgrade refused: {why}", (*c).id);
                conn::private(c).http.close_after_resp = true;
                let body = format!("{why}\n");
                http::reply(c, 400, b"Sec-WebSocket-Version: 13\r\n", body.as_bytes());
                return;
            }
        };
        let accept = accept_key(key.as_bytes());
        let mut resp = Vec::with_capacity(160 + extra_headers.len());
        resp.extend_from_slice(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
        );
        resp.extend_from_slice(b"Sec-WebSocket-Accept: ");
        resp.extend_from_slice(accept.as_bytes());
        resp.extend_from_slice(b"\r\n");
        resp.extend_from_slice(extra_headers);
        resp.extend_from_slice(b"\r\n");
        if !crate::net::send(c, &resp) {
            return;
        }
        let p = conn::private(c);
        p.http = Default::default();
        p.ws = Some(Box::default());
        (*c).set_resp(false);
        (*c).set_websocket(true);
        (*c).pfn = Some(ws_handler);
        (*c).pfn_data = std::ptr::null_mut();
        conn::call(c, ev::WS_OPEN, hm.cast());
    }
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
    // SAFETY: per the contract; c is live once created.
    unsafe {
        let c = crate::net::connect(mgr, url, f, fn_data);
        if c.is_null() {
            return c;
        }
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
        (*c).set_websocket(true);
        (*c).pfn = Some(ws_handler);
        (*c).pfn_data = std::ptr::null_mut();
        conn::private(c).ws = Some(Box::new(WsState {
            expect_accept: Some(accept_key(key.as_bytes())),
            ..Default::default()
        }));
        crate::net::send(c, &req);
        c
    }
}

/// The protocol handler (`c->pfn`) of WebSocket connections.
///
/// # Safety
/// Called by the library with a live connection.
pub unsafe extern "C" fn ws_handler(c: *mut mg_connection, ev: c_int, _ev_data: *mut c_void) {
    // SAFETY: c is live for the duration of the event.
    unsafe {
        if ev == ev::READ {
            process(c);
        } else if ev == ev::WRITE || ev == ev::POLL {
            linger(c);
            let st = state(c);
            if st.throttled && (*c).send.len < SEND_LOW_WATER {
                st.throttled = false;
                (*c).set_full(false);
                process(c);
            }
        }
    }
}

/// True while the WebSocket handler is the connection's protocol handler.
fn is_ws(c: &mg_connection) -> bool {
    let ours: unsafe extern "C" fn(*mut mg_connection, c_int, *mut c_void) = ws_handler;
    c.pfn.is_some_and(|f| std::ptr::fn_addr_eq(f, ours))
}

/// Client: checks the server's answer to the upgrade request. Returns true
/// once the handshake is done (MG_EV_WS_OPEN sent, the head removed from
/// `c->recv`), false while it is incomplete or when it failed.
unsafe fn client_handshake(c: *mut mg_connection) -> bool {
    // SAFETY: c is live.
    unsafe {
        let head = match http::parse_head((*c).recv.data(), false) {
            Ok(Some(h)) => h,
            Ok(None) => return false,
            Err(e) => {
                handshake_error(c, e.reason);
                return false;
            }
        };
        let mut hm = head.hm;
        let expect = state(c).expect_accept.take().unwrap_or_default();
        let get = |name: &[u8]| hm.header(name).map(|v| v.as_bytes());
        let why = if head.status != 101 {
            Some(format!("status {}", head.status))
        } else if !get(b"Upgrade").is_some_and(|v| has_token(v, b"websocket")) {
            Some("no Upgrade: websocket".into())
        } else if !get(b"Connection").is_some_and(|v| has_token(v, b"upgrade")) {
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
        conn::call(c, ev::WS_OPEN, (&mut hm as *mut mg_http_message).cast());
        (*c).recv.del(0, head.len);
        true
    }
}

unsafe fn handshake_error(c: *mut mg_connection, why: &str) {
    // SAFETY: c is live.
    unsafe {
        state(c).done = true;
        (*c).recv.len = 0;
        let msg = format!("WebSocket handshake error: {why}");
        crate::net::raise_error(c, crate::log::MG_LL_ERROR, msg.as_bytes());
    }
}

/// How long a connection that failed waits for its peer's close frame.
const LINGER_MS: u64 = 2000;

/// Ends the connection after a protocol violation with a close frame
/// carrying `code`. Then, as RFC 6455 section 7.1.7 asks, the peer's close
/// frame is awaited (other frames are dropped unread) before the TCP
/// connection is closed; closing at once with unread input would reset the
/// connection, and the peer could lose our close frame. `rest` says where
/// the unconsumed input starts in `c->recv` and how many bytes of it belong
/// to the offending frame; None when the input cannot be split into frames
/// any more (it is then all dropped, and our side shut down once the close
/// frame is out). After [`LINGER_MS`] the connection closes regardless.
unsafe fn fail(c: *mut mg_connection, code: CloseCode, why: &str, rest: Option<(usize, u64)>) {
    // SAFETY: c is live.
    unsafe {
        crate::log_debug!("ws", "{} closing with {code}: {why}", (*c).id);
        let st = state(c);
        st.done = true;
        st.frag_op = None;
        st.frag_len = 0;
        st.linger_until = Some(crate::util::millis() + LINGER_MS);
        if st.throttled {
            st.throttled = false;
            (*c).set_full(false);
        }
        match rest {
            Some((at, skip)) => {
                (*c).recv.del(0, at);
                st.skip = skip;
            }
            None => {
                st.garbled = true;
                (*c).recv.len = 0;
            }
        }
        if !st.close_sent {
            send(c, &code.to_be_bytes(), WEBSOCKET_OP_CLOSE);
        }
        await_close(c);
        linger(c);
    }
}

/// After [`fail`]: drops input frame by frame until the peer's close frame,
/// which ends the connection (once our queued output is sent).
unsafe fn await_close(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        let st = state(c);
        loop {
            if st.garbled {
                (*c).recv.len = 0;
                return;
            }
            if st.skip > 0 {
                let n = st.skip.min((*c).recv.len as u64);
                (*c).recv.del(0, n as usize);
                st.skip -= n;
                if st.skip > 0 {
                    return;
                }
            }
            match parse_header((*c).recv.data()) {
                Ok(None) => return,
                Err(_) => st.garbled = true,
                Ok(Some(h)) if c_int::from(h.op()) == WEBSOCKET_OP_CLOSE => {
                    (*c).recv.len = 0;
                    st.linger_until = None;
                    (*c).set_draining(true);
                    return;
                }
                Ok(Some(h)) => st.skip = h.header_len as u64 + h.payload_len,
            }
        }
    }
}

/// The lingering close after [`fail`]: shut down our side once the close
/// frame is out if the input is garbled; close for good when time is up.
unsafe fn linger(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        let st = state(c);
        let Some(until) = st.linger_until else { return };
        // (Over TLS, the frame may still be ciphertext held by rustls.)
        let out = (*c).send.len > 0 || ((*c).is_tls() && crate::tls::has_output(c));
        if st.garbled && !out && !st.shut_wr {
            st.shut_wr = true;
            if let Some(fd) = conn::private(c).sock {
                // SAFETY: the connection's own open socket; shutdown(2) does
                // not free it (close_conn() closes it later).
                libc::shutdown(fd, libc::SHUT_WR);
            }
        }
        if crate::util::millis() >= until {
            (*c).set_closing(true);
        }
    }
}

/// Checks a complete frame header against the protocol and the state.
fn check_frame(
    h: &FrameHeader,
    server: bool,
    st: &WsState,
) -> Result<(), (CloseCode, &'static str)> {
    use close_code::*;
    if h.rsv() != 0 {
        return Err((PROTOCOL_ERROR, "reserved bits set"));
    }
    if server && h.mask.is_none() {
        return Err((PROTOCOL_ERROR, "unmasked client frame"));
    }
    if !server && h.mask.is_some() {
        return Err((PROTOCOL_ERROR, "masked server frame"));
    }
    let op = c_int::from(h.op());
    if h.is_control() {
        if !matches!(op, WEBSOCKET_OP_CLOSE | WEBSOCKET_OP_PING | WEBSOCKET_OP_PONG) {
            return Err((PROTOCOL_ERROR, "unknown opcode"));
        }
        if !h.fin() {
            return Err((PROTOCOL_ERROR, "fragmented control frame"));
        }
        if h.payload_len > 125 {
            return Err((PROTOCOL_ERROR, "control frame longer than 125 bytes"));
        }
        return Ok(());
    }
    match op {
        WEBSOCKET_OP_CONTINUE if st.frag_op.is_none() => {
            return Err((PROTOCOL_ERROR, "continuation with nothing to continue"))
        }
        WEBSOCKET_OP_TEXT | WEBSOCKET_OP_BINARY if st.frag_op.is_some() => {
            return Err((PROTOCOL_ERROR, "new message inside a fragmented one"))
        }
        WEBSOCKET_OP_CONTINUE | WEBSOCKET_OP_TEXT | WEBSOCKET_OP_BINARY => {}
        _ => return Err((PROTOCOL_ERROR, "unknown opcode")),
    }
    // The frame must fit in c->recv behind what is gathered already.
    let room = (MG_MAX_RECV_SIZE - st.frag_len).saturating_sub(h.header_len) as u64;
    if h.payload_len > room {
        return Err((TOO_BIG, "message larger than MG_MAX_RECV_SIZE"));
    }
    Ok(())
}

/// How much of `data` (a text message so far, `checked` bytes of it already
/// known good) is valid UTF-8, or None when it is invalid. A sequence cut at
/// the end counts as not yet valid, not as invalid, unless `complete`.
fn utf8_progress(data: &[u8], checked: usize, complete: bool) -> Option<usize> {
    match std::str::from_utf8(&data[checked..]) {
        Ok(_) => Some(data.len()),
        Err(e) if e.error_len().is_none() && !complete => Some(checked + e.valid_up_to()),
        Err(_) => None,
    }
}

/// What a pass over `c->recv` does next with the frame at `pos`.
enum Step {
    /// Not enough bytes for the next frame: stop until more arrive.
    Wait,
    /// The frame was consumed; go on after it.
    Next(usize),
    /// The frame was consumed, but stop here: the handler is closing the
    /// connection or gave it to another protocol handler.
    Done(usize),
    /// Stop now, leaving `c->recv` alone (the connection failed, or the
    /// handler changed the buffer).
    Stop,
}

/// Turns complete frames in `c->recv` into events.
unsafe fn process(c: *mut mg_connection) {
    // SAFETY: c is live; state is re-fetched after every handler call.
    unsafe {
        if state(c).linger_until.is_some() {
            return await_close(c);
        }
        if state(c).done {
            (*c).recv.len = 0;
            return;
        }
        if state(c).expect_accept.is_some() && !client_handshake(c) {
            return;
        }
        let mut pos = state(c).frag_len;
        loop {
            if (*c).send.len > SEND_HIGH_WATER {
                let st = state(c);
                if !(*c).is_full() {
                    st.throttled = true;
                    (*c).set_full(true);
                }
                break;
            }
            match frame(c, pos) {
                Step::Wait => break,
                Step::Next(p) => pos = p,
                Step::Done(p) => {
                    pos = p;
                    break;
                }
                Step::Stop => return,
            }
        }
        // Drop the frames consumed in this pass; a gathered message stays in front.
        let keep = state(c).frag_len;
        (*c).recv.del(keep, pos - keep);
    }
}

/// Handles the frame at `pos` in `c->recv`.
unsafe fn frame(c: *mut mg_connection, pos: usize) -> Step {
    // SAFETY: c is live; the handler calls are checked for interference.
    unsafe {
        let server = !(*c).is_client();
        let h = match parse_header(&(*c).recv.data()[pos..]) {
            Ok(Some(h)) => h,
            Ok(None) => return Step::Wait,
            Err(code) => {
                fail(c, code, "malformed frame length", None);
                return Step::Stop;
            }
        };
        if let Err((code, why)) = check_frame(&h, server, state(c)) {
            fail(c, code, why, Some((pos, h.header_len as u64 + h.payload_len)));
            return Step::Stop;
        }
        let plen = h.payload_len as usize; // bounded by check_frame
        let start = pos + h.header_len;
        let end = start + plen;
        if end > (*c).recv.len {
            return Step::Wait;
        }
        if let Some(m) = h.mask {
            apply_mask(&mut (*c).recv.data_mut()[start..end], m);
        }
        let op = c_int::from(h.op());
        if h.is_control() {
            return control(c, h.b0, start, end);
        }
        let st = state(c);
        if op != WEBSOCKET_OP_CONTINUE && h.fin() {
            // A whole message in one frame: delivered in place.
            let data = &(*c).recv.data()[start..end];
            if op == WEBSOCKET_OP_TEXT && std::str::from_utf8(data).is_err() {
                fail(
                    c,
                    close_code::INVALID_DATA,
                    "invalid UTF-8 in a text message",
                    Some((end, 0)),
                );
                return Step::Stop;
            }
            return deliver(c, ev::WS_MSG, h.b0, start, end, end);
        }
        // A fragment: gather it behind the earlier ones.
        if op != WEBSOCKET_OP_CONTINUE {
            st.frag_op = Some(h.op());
            st.utf8_ok = 0;
        }
        let at = st.frag_len;
        (*c).recv.data_mut().copy_within(start..end, at);
        st.frag_len += plen;
        let first_op = st.frag_op.unwrap_or(0);
        if c_int::from(first_op) == WEBSOCKET_OP_TEXT {
            match utf8_progress(&(*c).recv.data()[..st.frag_len], st.utf8_ok, h.fin()) {
                Some(n) => st.utf8_ok = n,
                None => {
                    let why = "invalid UTF-8 in a text message";
                    fail(c, close_code::INVALID_DATA, why, Some((end, 0)));
                    return Step::Stop;
                }
            }
        }
        if !h.fin() {
            return Step::Next(end);
        }
        let len = st.frag_len;
        st.frag_op = None;
        st.frag_len = 0;
        st.utf8_ok = 0;
        deliver(c, ev::WS_MSG, 0x80 | first_op, 0, len, end)
    }
}

/// Handles a complete control frame whose payload is `recv[start..end]`.
unsafe fn control(c: *mut mg_connection, b0: u8, start: usize, end: usize) -> Step {
    // SAFETY: c is live.
    unsafe {
        let op = c_int::from(b0 & 0x0f);
        if op == WEBSOCKET_OP_CLOSE {
            if let Err(code) = check_close_payload(&(*c).recv.data()[start..end]) {
                fail(c, code, "invalid close frame", Some((end, 0)));
                return Step::Stop;
            }
        }
        // Copied before the handler runs, which may do anything with c->recv
        // (a control payload is at most 125 bytes, checked by the framing).
        let mut copy = [0u8; 125];
        let payload = &mut copy[..end - start];
        payload.copy_from_slice(&(*c).recv.data()[start..end]);
        let payload = &*payload;
        let step = deliver(c, ev::WS_CTL, b0, start, end, end);
        match op {
            WEBSOCKET_OP_PING if matches!(step, Step::Next(_)) && !state(c).close_sent => {
                send(c, payload, WEBSOCKET_OP_PONG);
            }
            WEBSOCKET_OP_CLOSE => {
                // Echo the status code (not the reason), unless this side
                // started the close; either way the handshake is complete.
                if !state(c).close_sent {
                    send(c, payload.get(..2).unwrap_or(&[]), WEBSOCKET_OP_CLOSE);
                }
                state(c).done = true;
                (*c).set_draining(true);
                (*c).recv.len = 0;
                return Step::Stop;
            }
            _ => {}
        }
        step
    }
}

/// Sends `ev` with the message `recv[start..end]`; the next frame is at
/// `next`. Stops when the handler took the connection over, touched
/// `c->recv`, or is closing it.
unsafe fn deliver(
    c: *mut mg_connection,
    ev: c_int,
    flags: u8,
    start: usize,
    end: usize,
    next: usize,
) -> Step {
    // SAFETY: c is live; the message points into recv for the call.
    unsafe {
        let data = &(*c).recv.data()[start..end];
        let mut wm = mg_ws_message { data: mg_str::from_bytes(data), flags };
        let (buf, len) = ((*c).recv.buf, (*c).recv.len);
        conn::call(c, ev, (&mut wm as *mut mg_ws_message).cast());
        if (*c).recv.buf != buf || (*c).recv.len != len {
            return Step::Stop;
        }
        if !is_ws(&*c) || (*c).is_closing() {
            return Step::Done(next);
        }
        Step::Next(next)
    }
}

/// Hands bytes left in `c->recv` after an HTTP request to the protocol
/// handler the request switched to (a WebSocket client may send its first
/// frames right behind the upgrade request).
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn resume_after_switch(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        if is_ws(&*c) && (*c).recv.len > 0 {
            let mut n: c_long = 0;
            ws_handler(c, ev::READ, (&mut n as *mut c_long).cast());
        }
    }
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

    #[test]
    fn header_round_trip() {
        for len in [0usize, 1, 125, 126, 65535, 65536, 10 << 20] {
            for mask in [None, Some([1, 2, 3, 4])] {
                let mut out = [0u8; 14];
                let n = encode_header(&mut out, 0x81, len, mask);
                let h = parse_header(&out[..n]).unwrap().unwrap();
                assert_eq!((h.header_len, h.payload_len as usize, h.mask), (n, len, mask));
                assert!(parse_header(&out[..n - 1]).unwrap().is_none());
            }
        }
        // Non-minimal lengths are refused.
        assert_eq!(parse_header(&[0x81, 126, 0, 5]), Err(1002));
        assert_eq!(parse_header(&[0x82, 127, 0, 0, 0, 0, 0, 0, 1, 0]), Err(1002));
        assert_eq!(parse_header(&[0x82, 127, 0x80, 0, 0, 0, 0, 1, 0, 0]), Err(1002));
    }

    #[test]
    fn masking_is_its_own_inverse() {
        let orig: Vec<u8> = (0..1003u32).map(|i| (i * 7) as u8).collect();
        let mut d = orig.clone();
        apply_mask(&mut d, [0xde, 0xad, 0xbe, 0xef]);
        for (i, (a, b)) in d.iter().zip(&orig).enumerate() {
            assert_eq!(*a, b ^ [0xde, 0xad, 0xbe, 0xef][i % 4]);
        }
        apply_mask(&mut d, [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(d, orig);
    }

    #[test]
    fn close_payloads() {
        assert_eq!(check_close_payload(b""), Ok(()));
        assert_eq!(check_close_payload(b"\x03"), Err(1002));
        assert_eq!(check_close_payload(b"\x03\xe8bye"), Ok(()));
        assert_eq!(check_close_payload(b"\x03\xed"), Err(1002)); // 1005
        assert_eq!(check_close_payload(b"\x03\xe8\xff"), Err(1007));
        assert_eq!(check_close_payload(b"\x0b\xb8"), Ok(())); // 3000
    }

    #[test]
    fn utf8_across_fragments() {
        let euro = "€".as_bytes(); // 3 bytes
        assert_eq!(utf8_progress(&euro[..2], 0, false), Some(0));
        assert_eq!(utf8_progress(euro, 0, false), Some(3));
        assert_eq!(utf8_progress(&euro[..2], 0, true), None);
        assert_eq!(utf8_progress(b"ab\xff", 0, false), None);
    }
}
