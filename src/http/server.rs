//! The HTTP protocol handler: turns bytes in `c->recv` into
//! MG_EV_HTTP_HDRS / MG_EV_HTTP_MSG events, and writes responses.
use super::client::deliver_until_close;
use super::limits;
use super::mg_http_message;
use super::parse::{
    chunked_extent_from, dechunk_in_place, err, parse_head, reason, view, Framing, HttpError,
};
use crate::config::MG_MAX_RECV_SIZE;
use crate::conn::{self, ev, mg_connection, Conn};
use crate::layer::{self, Handler, Layer};
use std::os::raw::{c_int, c_void};

/// Per-connection HTTP state, kept in the connection's private area.
#[derive(Debug, Default)]
pub struct HttpState {
    /// Close once the response in progress is complete.
    pub close_after_resp: bool,
    /// The request being answered is HTTP/1.0 with keep-alive, so the
    /// response must say `Connection: keep-alive`.
    pub http10_keepalive: bool,
    /// MG_EV_HTTP_HDRS was sent for the message at the start of `c->recv`.
    pub hdrs_sent: bool,
    /// The peer sent something unacceptable; its further input is ignored.
    pub failed: bool,
    /// Client: the last response ended the connection (`Connection: close`,
    /// or HTTP/1.0 without keep-alive), so the server sends no further
    /// response; bytes after it are ignored, never read as one.
    pub last_response: bool,
    /// How far the chunked body of the message in `c->recv` was checked,
    /// and `c->recv.len` then (a shorter buffer means the program changed
    /// it: the scan starts over).
    pub chunk_scan: (super::parse::ChunkScan, usize),
    /// Back-pressure, timeouts and lingering close (see `limits.rs`).
    pub limits: limits::LimitState,
}

crate::layer_handler!(
    /// HTTP: requests in, responses out (server), or responses in (client).
    http_handler,
    HttpState
);

impl Layer for HttpState {
    const HANDLER: Handler = http_handler;

    fn on_read(c: &mut Conn, n: usize) {
        if !c.is_client() {
            c.private().over_cap = Some(refuse_over_cap);
        }
        limits::on_read(c, n);
        process(c);
    }

    fn on_poll(c: &mut Conn, now: u64) {
        if limits::on_tick(c, now) {
            process(c);
        }
    }

    fn on_write_done(c: &mut Conn, _n: usize) {
        if limits::on_tick(c, crate::util::millis()) {
            process(c);
        }
    }

    fn on_close(c: &mut Conn) {
        if c.is_client() {
            deliver_until_close(c);
        }
    }
}

/// True while the HTTP handler is the connection's protocol handler (a
/// handler may detach it, or another protocol may take over).
pub(super) fn is_http(c: &Conn) -> bool {
    layer::is_active::<HttpState>(c)
}

/// Turns complete messages at the start of `c->recv` into events, one after
/// another (pipelining), stopping while a response is in progress.
fn process(c: &mut Conn) {
    loop {
        let http = c.state_or_default::<HttpState>();
        if http.failed || http.last_response {
            c.recv.len = 0;
            return;
        }
        let (close_after_resp, hdrs_sent) = (http.close_after_resp, http.hdrs_sent);
        if c.is_resp() {
            return;
        }
        if close_after_resp {
            c.set_draining(true);
            return;
        }
        if c.recv.len == 0 {
            return;
        }
        if limits::must_wait(c) {
            return; // back-pressure: the client is not reading its answers
        }
        let is_request = !c.is_client();
        let mut head = match parse_head(c.recv.data(), is_request) {
            Ok(Some(h)) => h,
            Ok(None) => return,
            Err(e) => return fail(c, e),
        };
        if !hdrs_sent {
            c.state_or_default::<HttpState>().hdrs_sent = true;
            let (buf, len, sent) = (c.recv.buf, c.recv.len, c.send.len);
            head.announce_body(buf, len);
            c.call(ev::HTTP_HDRS, (&mut head.hm as *mut mg_http_message).cast());
            if !is_http(c) || c.recv.buf != buf || c.recv.len != len {
                return; // the handler took over the connection or its bytes
            }
            // Checked only now, after MG_EV_HTTP_HDRS: a handler that
            // streams the body itself (taking the connection over) may
            // accept any length; buffering it here may not.
            if let Framing::Length(n) = head.framing {
                if n > MG_MAX_RECV_SIZE.saturating_sub(head.len) {
                    return fail(c, err(413, "body too large"));
                }
            }
            if head.expect_continue && c.send.len == sent && !c.is_closing() {
                c.send.append(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
        }
        let (raw_len, body_len) = match head.framing {
            Framing::Length(n) => {
                if c.recv.len < head.len + n {
                    return;
                }
                (head.len + n, n)
            }
            Framing::Chunked => match scan_chunked(c, head.len) {
                Ok(Some((raw, _))) => {
                    let body = dechunk_in_place(&mut c.recv.data_mut()[head.len..head.len + raw]);
                    (head.len + raw, body)
                }
                Ok(None) => return,
                Err(e) => return fail(c, e),
            },
            Framing::UntilClose => return,
        };
        let data = c.recv.data();
        head.hm.body = view(&data[head.len..head.len + body_len]);
        head.hm.message = view(&data[head.start..head.len + body_len]);
        let http = c.state_or_default::<HttpState>();
        http.hdrs_sent = false;
        if is_request {
            http.close_after_resp = !head.keep_alive;
            // SAFETY: proto points into recv, unchanged since parse_head.
            let http10 = unsafe { head.hm.proto.as_bytes() } == b"HTTP/1.0";
            http.http10_keepalive = head.keep_alive && http10;
            c.set_resp(true);
        } else {
            http.last_response = !head.keep_alive;
        }
        c.call(ev::HTTP_MSG, (&mut head.hm as *mut mg_http_message).cast());
        c.recv.del(0, raw_len);
        c.state_or_default::<HttpState>().chunk_scan = Default::default();
        limits::on_consumed(c);
        if !is_http(c) {
            // mg_ws_upgrade(): what follows the request is WebSocket frames.
            crate::ws::resume_after_switch(c);
            return;
        }
    }
}

/// Checks the chunked body after the head of `head_len` bytes at the start
/// of `c->recv`, resuming where the previous read's check stopped.
fn scan_chunked(c: &mut Conn, head_len: usize) -> Result<Option<(usize, usize)>, HttpError> {
    let len = c.recv.len;
    let mut scan = {
        let (scan, seen_len) = &mut c.state_or_default::<HttpState>().chunk_scan;
        if len < *seen_len {
            *scan = Default::default();
        }
        *seen_len = len;
        *scan
    };
    let r = chunked_extent_from(&c.recv.data()[head_len..], &mut scan);
    c.state_or_default::<HttpState>().chunk_scan.0 = scan;
    r
}

/// The manager's receive memory cap is exceeded and `c` holds much of it:
/// an HTTP server connection is answered 503 and closed (lingering). False
/// when `c` is not one (the caller then closes it some other way).
pub fn refuse_over_cap(c: &mut Conn) -> bool {
    if !is_http(c) || c.is_client() || c.state_or_default::<HttpState>().failed {
        return false;
    }
    crate::log_error!("http", "{} receive memory cap reached: 503", c.id);
    fail(c, err(503, "server busy"));
    true
}

/// Refuses a message: a server answers with the error status and closes
/// (with a lingering close, see `limits.rs`); a client reports MG_EV_ERROR.
/// Further input on the connection is ignored.
pub(super) fn fail(c: &mut Conn, e: HttpError) {
    c.state_or_default::<HttpState>().failed = true;
    c.recv.len = 0;
    if c.is_client() {
        c.error(crate::log::MG_LL_ERROR, format!("bad HTTP response: {}", e.reason).as_bytes());
        return;
    }
    crate::log_debug!("http", "{} {} {}", c.id, e.status, e.reason);
    // Kept short (no Content-Type, a few words of body): programs read
    // such answers into small buffers, 100 bytes in Mongoose's tests.
    let body = format!("{}\n", e.reason);
    let resp = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        e.status,
        reason(e.status as c_int),
        body.len(),
        body
    );
    c.send.append(resp.as_bytes());
    c.set_resp(false);
    limits::start_linger(c);
}

/// Appends a complete response (status line, `headers` as given, a
/// Content-Length for `body`, and `body`) to `c->send` and ends the response
/// in progress.
pub fn reply(c: &mut Conn, status: c_int, headers: &[u8], body: &[u8]) {
    use std::io::Write;
    let mut head = [0u8; 128];
    let mut w = &mut head[..];
    let _ = write!(w, "HTTP/1.1 {} {}\r\n", status, reason(status));
    let status_len = 128 - w.len();
    let mut tail = [0u8; 64];
    let mut w = &mut tail[..];
    let _ = w.write_all(connection_field(c, headers));
    let _ = write!(w, "Content-Length: {}\r\n\r\n", body.len());
    let tail_len = 64 - w.len();
    let s = &mut c.send;
    let total = status_len + headers.len() + tail_len + body.len();
    if !s.reserve(total) {
        c.error(crate::log::MG_LL_ERROR, b"out of memory");
        return;
    }
    s.append(&head[..status_len]);
    s.append(headers);
    s.append(&tail[..tail_len]);
    s.append(body);
    end_response(c);
}

/// The `Connection` field a response to the request in progress needs,
/// unless the program's own `headers` have one: `close` when the
/// connection closes after it (RFC 9112 section 9.6: the client then knows
/// not to send another request on it), `keep-alive` for an HTTP/1.0 client
/// that asked to keep it open, else nothing.
pub fn connection_field(c: &mut Conn, headers: &[u8]) -> &'static [u8] {
    const NAME: &[u8] = b"connection:";
    let is_client = c.is_client();
    let (close, http10_keepalive) = match c.state::<HttpState>() {
        Some(http) => (http.close_after_resp, http.http10_keepalive),
        None => (false, false),
    };
    let field: &'static [u8] = if is_client {
        b""
    } else if close {
        b"Connection: close\r\n"
    } else if http10_keepalive {
        b"Connection: keep-alive\r\n"
    } else {
        return b""; // the common case: nothing to scan the headers for
    };
    let has_own = headers
        .split(|&b| b == b'\n')
        .any(|line| line.len() >= NAME.len() && line[..NAME.len()].eq_ignore_ascii_case(NAME));
    if has_own {
        b""
    } else {
        field
    }
}

/// Marks the response in progress as complete (`is_resp = 0`); a connection
/// whose request asked to close is then drained and closed.
pub fn end_response(c: &mut Conn) {
    c.touch();
    c.set_resp(false);
    let close = c.state::<HttpState>().is_some_and(|h| h.close_after_resp);
    if close && !c.is_client() {
        c.set_draining(true);
    }
}

/// Sends one chunk of a chunked response; an empty chunk ends the response.
pub fn write_chunk(c: &mut Conn, data: &[u8]) {
    use std::io::Write;
    let mut size = [0u8; 24];
    let mut w = &mut size[..];
    let _ = write!(w, "{:x}\r\n", data.len());
    let n = 24 - w.len();
    let s = &mut c.send;
    s.reserve(n + data.len() + 2);
    s.append(&size[..n]);
    s.append(data);
    s.append(b"\r\n");
    if data.is_empty() {
        end_response(c);
    } else {
        c.touch();
    }
}

/// Makes `c` (when not NULL) an HTTP connection and returns it.
pub(super) fn speak_http(c: *mut mg_connection) -> *mut mg_connection {
    // SAFETY: NULL or a live connection just created by the caller.
    if let Some(mut conn) = unsafe { Conn::from_raw(c) } {
        layer::speak::<HttpState>(&mut conn);
    }
    c
}

/// Creates an HTTP listener: a TCP listener whose accepted connections parse
/// HTTP and send MG_EV_HTTP_HDRS/MG_EV_HTTP_MSG.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn listen(
    mgr: *mut crate::mgr::mg_mgr,
    url: &str,
    f: conn::mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: per the contract.
    speak_http(unsafe { crate::net::listen(mgr, url, f, fn_data) })
}

/// A ready-made test server (`mg_hello`): serves HTTP on `url` until a
/// request to `/quit` arrives. `/quit` answers "ok", `/debug` sets the log
/// level to the body's `{"level": N}` (MG_LL_DEBUG without one), anything
/// else answers "hi". Returns at once when `url` cannot be listened on.
pub fn hello(url: &str) {
    let mut mgr = std::mem::MaybeUninit::<crate::mgr::mg_mgr>::zeroed();
    let mgr = mgr.as_mut_ptr();
    let mut done = false;
    // SAFETY: mgr is zeroed memory for a manager that lives in this frame
    // until mg_mgr_free; `done` outlives every connection of it.
    unsafe {
        if !crate::mgr::init(mgr) {
            return;
        }
        let flag = (&mut done as *mut bool).cast();
        if listen(mgr, url, Some(hello_handler), flag).is_null() {
            done = true;
        }
        while !std::ptr::read_volatile(&done) {
            crate::mgr::poll(mgr, 100);
        }
        crate::mgr::free(mgr);
    }
}

/// The handler of [`hello`]; `fn_data` of the listener (inherited by each
/// accepted connection) is the `done` flag.
unsafe extern "C" fn hello_handler(c: *mut mg_connection, ev: c_int, ev_data: *mut c_void) {
    // SAFETY: c is live during the event; ev_data of MG_EV_HTTP_MSG is the
    // message, whose strings point into c->recv.
    unsafe {
        let Some(mut conn) = Conn::from_raw(c) else { return };
        let c = &mut conn;
        if ev == ev::HTTP_MSG {
            let hm = &*(ev_data as *const mg_http_message);
            match hm.uri.as_bytes() {
                b"/quit" => {
                    reply(c, 200, b"", b"ok\n");
                    c.set_draining(true);
                    // Stop once this answer is out and the connection closed.
                    c.data[0] = b'X' as _;
                }
                b"/debug" => {
                    let level = crate::json::get_long(hm.body.as_bytes(), b"$.level")
                        .map_or(crate::log::MG_LL_DEBUG, |l| l as c_int);
                    crate::log::set_level(level);
                    reply(c, 200, b"", format!("Debug level set to {level}\n").as_bytes());
                }
                _ => reply(c, 200, b"", b"hi\n"),
            }
        } else if ev == ev::CLOSE && c.data[0] == b'X' as _ {
            *c.fn_data.cast::<bool>() = true;
        }
    }
}
