//! The WebSocket protocol handler and per-connection state: frames in
//! `c->recv` become MG_EV_WS_MSG / MG_EV_WS_CTL events; sending, the close
//! handshake and back-pressure.
use super::frame::{
    apply_mask, check_close_payload, close_code, encode_header, mask_key, mg_ws_message,
    parse_header, utf8_progress, CloseCode, FrameHeader, WEBSOCKET_OP_BINARY, WEBSOCKET_OP_CLOSE,
    WEBSOCKET_OP_CONTINUE, WEBSOCKET_OP_PING, WEBSOCKET_OP_PONG, WEBSOCKET_OP_TEXT,
};
use super::handshake::client_handshake;
use crate::config::MG_MAX_RECV_SIZE;
use crate::conn::{ev, Conn};
use crate::layer::{self, Handler, Layer};
use crate::str::mg_str;
use std::os::raw::c_int;

/// Above this many queued bytes in `c->send`, frames are not read (see the
/// module documentation).
/// cbindgen:ignore
pub const SEND_HIGH_WATER: usize = 1024 * 1024;
/// Reading resumes once `c->send` is below this.
/// cbindgen:ignore
pub const SEND_LOW_WATER: usize = SEND_HIGH_WATER / 2;

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
    pub(super) done: bool,
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
pub(super) fn state(c: &mut Conn) -> &mut WsState {
    c.state_or_default::<WsState>()
}

/// Appends one frame to `c->send`: masked on client connections, as RFC 6455
/// requires, unmasked on server ones. Returns the bytes appended (header plus
/// payload), 0 when out of memory.
pub fn send(c: &mut Conn, data: &[u8], op: c_int) -> usize {
    let mask = c.is_client().then(mask_key);
    let mut hdr = [0u8; 14];
    let b0 = 0x80 | (op as u8 & 0x0f);
    let n = encode_header(&mut hdr, b0, data.len(), mask);
    let s = &mut c.send;
    if !s.reserve(n + data.len()) {
        c.error(crate::log::MG_LL_ERROR, b"out of memory");
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
    c.touch();
    n + data.len()
}

/// Frames the last `len` bytes of `c->send` as one message with opcode `op`:
/// a header goes in before them (and they are masked on a client). Returns
/// the new `c->send.len`.
pub fn wrap(c: &mut Conn, len: usize, op: c_int) -> usize {
    let len = len.min(c.send.len);
    let start = c.send.len - len;
    let mask = c.is_client().then(mask_key);
    let mut hdr = [0u8; 14];
    let n = encode_header(&mut hdr, 0x80 | (op as u8 & 0x0f), len, mask);
    if c.send.add(start, Some(&hdr[..n]), n) != n {
        c.error(crate::log::MG_LL_ERROR, b"out of memory");
        return c.send.len;
    }
    if let Some(m) = mask {
        apply_mask(&mut c.send.data_mut()[start + n..], m);
    }
    c.touch();
    if op == WEBSOCKET_OP_CLOSE {
        state(c).close_sent = true;
    }
    c.send.len
}

crate::layer_handler!(
    /// WebSocket: frames in, events out, after the opening handshake.
    ws_handler,
    WsState
);

impl Layer for WsState {
    const HANDLER: Handler = ws_handler;

    fn on_read(c: &mut Conn, _n: usize) {
        process(c);
    }

    fn on_write_done(c: &mut Conn, _n: usize) {
        resume(c);
    }

    fn on_poll(c: &mut Conn, _now: u64) {
        resume(c);
    }
}

/// After output went out, or once per poll: the lingering close, and frames
/// held back while `c->send` was over [`SEND_HIGH_WATER`].
fn resume(c: &mut Conn) {
    linger(c);
    let (cr, st) = c.split::<WsState>();
    if st.throttled && cr.send.len < SEND_LOW_WATER {
        st.throttled = false;
        cr.set_full(false);
        process(c);
    }
}

/// True while the WebSocket handler is the connection's protocol handler.
fn is_ws(c: &Conn) -> bool {
    layer::is_active::<WsState>(c)
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
fn fail(c: &mut Conn, code: CloseCode, why: &str, rest: Option<(usize, u64)>) {
    crate::log_debug!("ws", "{} closing with {code}: {why}", c.id);
    let (cr, st) = c.split::<WsState>();
    st.done = true;
    st.frag_op = None;
    st.frag_len = 0;
    st.linger_until = Some(crate::util::millis() + LINGER_MS);
    if st.throttled {
        st.throttled = false;
        cr.set_full(false);
    }
    match rest {
        Some((at, skip)) => {
            cr.recv.del(0, at);
            st.skip = skip;
        }
        None => {
            st.garbled = true;
            cr.recv.len = 0;
        }
    }
    if !st.close_sent {
        send(c, &code.to_be_bytes(), WEBSOCKET_OP_CLOSE);
    }
    await_close(c);
    linger(c);
}

/// After [`fail`]: drops input frame by frame until the peer's close frame,
/// which ends the connection (once our queued output is sent).
fn await_close(c: &mut Conn) {
    let (c, st) = c.split::<WsState>();
    loop {
        if st.garbled {
            c.recv.len = 0;
            return;
        }
        if st.skip > 0 {
            let n = st.skip.min(c.recv.len as u64);
            c.recv.del(0, n as usize);
            st.skip -= n;
            if st.skip > 0 {
                return;
            }
        }
        match parse_header(c.recv.data()) {
            Ok(None) => return,
            Err(_) => st.garbled = true,
            Ok(Some(h)) if c_int::from(h.op()) == WEBSOCKET_OP_CLOSE => {
                c.recv.len = 0;
                st.linger_until = None;
                c.set_draining(true);
                return;
            }
            Ok(Some(h)) => st.skip = h.header_len as u64 + h.payload_len,
        }
    }
}

/// The lingering close after [`fail`]: shut down our side once the close
/// frame is out if the input is garbled; close for good when time is up.
fn linger(c: &mut Conn) {
    let Some(until) = state(c).linger_until else { return };
    // (Over TLS, the frame may still be ciphertext held by rustls.)
    // SAFETY: the connection is live (the handle's contract).
    let out = c.send.len > 0 || (c.is_tls() && unsafe { crate::tls::has_output(c.as_ptr()) });
    let sock = c.private().sock;
    let st = state(c);
    if st.garbled && !out && !st.shut_wr {
        st.shut_wr = true;
        if let Some(fd) = sock {
            // SAFETY: the connection's own open socket; shutdown(2) does
            // not free it (close_conn() closes it later).
            unsafe { libc::shutdown(fd, libc::SHUT_WR) };
        }
    }
    if crate::util::millis() >= until {
        c.set_closing(true);
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
fn process(c: &mut Conn) {
    if state(c).linger_until.is_some() {
        return await_close(c);
    }
    if state(c).done {
        c.recv.len = 0;
        return;
    }
    if state(c).expect_accept.is_some() && !client_handshake(c) {
        return;
    }
    let mut pos = state(c).frag_len;
    loop {
        if c.send.len > SEND_HIGH_WATER {
            let (cr, st) = c.split::<WsState>();
            if !cr.is_full() {
                st.throttled = true;
                cr.set_full(true);
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
    c.recv.del(keep, pos - keep);
}

/// Handles the frame at `pos` in `c->recv`.
fn frame(c: &mut Conn, pos: usize) -> Step {
    let server = !c.is_client();
    let h = match parse_header(&c.recv.data()[pos..]) {
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
    if end > c.recv.len {
        return Step::Wait;
    }
    if let Some(m) = h.mask {
        apply_mask(&mut c.recv.data_mut()[start..end], m);
    }
    let op = c_int::from(h.op());
    if h.is_control() {
        return control(c, h.b0, start, end);
    }
    if op != WEBSOCKET_OP_CONTINUE && h.fin() {
        // A whole message in one frame: delivered in place.
        let data = &c.recv.data()[start..end];
        if op == WEBSOCKET_OP_TEXT && std::str::from_utf8(data).is_err() {
            fail(c, close_code::INVALID_DATA, "invalid UTF-8 in a text message", Some((end, 0)));
            return Step::Stop;
        }
        return deliver(c, ev::WS_MSG, h.b0, start, end, end);
    }
    // A fragment: gather it behind the earlier ones.
    let (cr, st) = c.split::<WsState>();
    if op != WEBSOCKET_OP_CONTINUE {
        st.frag_op = Some(h.op());
        st.utf8_ok = 0;
    }
    let at = st.frag_len;
    cr.recv.data_mut().copy_within(start..end, at);
    st.frag_len += plen;
    let first_op = st.frag_op.unwrap_or(0);
    if c_int::from(first_op) == WEBSOCKET_OP_TEXT {
        match utf8_progress(&cr.recv.data()[..st.frag_len], st.utf8_ok, h.fin()) {
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

/// Handles a complete control frame whose payload is `recv[start..end]`.
fn control(c: &mut Conn, b0: u8, start: usize, end: usize) -> Step {
    let op = c_int::from(b0 & 0x0f);
    if op == WEBSOCKET_OP_CLOSE {
        if let Err(code) = check_close_payload(&c.recv.data()[start..end]) {
            fail(c, code, "invalid close frame", Some((end, 0)));
            return Step::Stop;
        }
    }
    // Copied before the handler runs, which may do anything with c->recv
    // (a control payload is at most 125 bytes, checked by the framing).
    let mut copy = [0u8; 125];
    let payload = &mut copy[..end - start];
    payload.copy_from_slice(&c.recv.data()[start..end]);
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
            c.set_draining(true);
            c.recv.len = 0;
            return Step::Stop;
        }
        _ => {}
    }
    step
}

/// Sends `ev` with the message `recv[start..end]`; the next frame is at
/// `next`. Stops when the handler took the connection over, touched
/// `c->recv`, or is closing it.
fn deliver(c: &mut Conn, ev: c_int, flags: u8, start: usize, end: usize, next: usize) -> Step {
    let data = &c.recv.data()[start..end];
    let mut wm = mg_ws_message { data: mg_str::from_bytes(data), flags };
    let (buf, len) = (c.recv.buf, c.recv.len);
    c.call(ev, (&mut wm as *mut mg_ws_message).cast());
    if c.recv.buf != buf || c.recv.len != len {
        return Step::Stop;
    }
    if !is_ws(c) || c.is_closing() {
        return Step::Done(next);
    }
    Step::Next(next)
}

/// Hands bytes left in `c->recv` after an HTTP request to the protocol
/// handler the request switched to (a WebSocket client may send its first
/// frames right behind the upgrade request).
pub fn resume_after_switch(c: &mut Conn) {
    if is_ws(c) && c.recv.len > 0 {
        WsState::on_read(c, 0);
    }
}
