//! Limits an HTTP server needs under hostile load, beyond Mongoose:
//!
//! - back-pressure: while more than [`HTTP_SEND_HIGH_WATER`] bytes of
//!   answers wait in `c->send` (a client that pipelines requests and does
//!   not read), further requests are not parsed and the socket is not read
//!   (`c->is_full`); both resume once `c->send` is below half of that;
//! - timeouts ([`HttpTimeouts`]): a request head must arrive within 60 s of
//!   its first byte, an idle keep-alive connection is closed after 75 s, a
//!   request body that makes no progress for 60 s ends the connection
//!   (nginx's defaults). They never apply while the program owns the
//!   connection: a response in progress (deferred replies, server-sent
//!   events, file transfers), WebSocket, or a handler that took the
//!   connection over (`c->pfn` changed);
//! - lingering close: after an error answer (400, 413, 431, 408...) the
//!   server shuts down its sending side once the answer is out, then reads
//!   and discards the client's input until the client closes or
//!   [`LINGER_MS`] pass, so the answer is not lost to a reset caused by
//!   unread input (as nginx's lingering close does).
use super::server::{fail, is_http, HttpState};
use crate::conn::Conn;
use crate::util::millis;

/// Above this many bytes queued in `c->send`, pipelined requests wait.
/// cbindgen:ignore
pub const HTTP_SEND_HIGH_WATER: usize = 1024 * 1024;
/// Parsing and reading resume once `c->send` is below this.
/// cbindgen:ignore
pub const HTTP_SEND_LOW_WATER: usize = HTTP_SEND_HIGH_WATER / 2;
/// How long a connection that was answered with an error keeps reading
/// (and discarding) before it closes.
/// cbindgen:ignore
pub const LINGER_MS: u64 = 2000;

/// HTTP server timeouts in milliseconds; 0 turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpTimeouts {
    /// From the first byte of a request head to its end.
    pub head_ms: u64,
    /// Between requests on a keep-alive connection (and before the first).
    pub idle_ms: u64,
    /// Longest time without progress while a request body arrives.
    pub body_ms: u64,
}

impl Default for HttpTimeouts {
    fn default() -> Self {
        HttpTimeouts { head_ms: 60_000, idle_ms: 75_000, body_ms: 60_000 }
    }
}

/// Per-connection state of the limits, part of the HTTP state.
#[derive(Debug, Default)]
pub struct LimitState {
    /// The library set `c->is_full` for back-pressure (and will clear it).
    throttled: bool,
    /// Timeouts of this connection, if the program set them
    /// (mg_http_set_timeouts); else the manager's.
    pub timeouts: Option<HttpTimeouts>,
    /// When the bytes at the start of `c->recv` began to arrive.
    head_since: u64,
    /// When the connection last made progress (a read, or output).
    active_since: u64,
    /// After an error answer: close at this time (mg_millis).
    linger_until: Option<u64>,
    /// Our sending side was shut down during the lingering close.
    shut_wr: bool,
}

/// The limits' state of `c`.
fn st(c: &mut Conn) -> &mut LimitState {
    &mut c.state_or_default::<HttpState>().limits
}

/// True when parsing must wait for the client to read what is queued: sets
/// `c->is_full` (the event loop then stops reading the socket).
pub(super) fn must_wait(c: &mut Conn) -> bool {
    if c.is_client() || c.send.len <= HTTP_SEND_HIGH_WATER {
        return false;
    }
    if !c.is_full() {
        st(c).throttled = true;
        c.set_full(true);
    }
    true
}

/// Notes the arrival of `n` new bytes at the end of `c->recv`.
pub(super) fn on_read(c: &mut Conn, n: usize) {
    let now = millis();
    let fresh = c.recv.len == n; // the buffer was empty: a new message starts
    let st = st(c);
    st.active_since = now;
    if fresh {
        st.head_since = now;
    }
}

/// A message was consumed from the start of `c->recv`; what is left (a
/// pipelined request) starts now.
pub(super) fn on_consumed(c: &mut Conn) {
    let now = millis();
    let st = st(c);
    st.head_since = now;
    st.active_since = now;
}

/// Starts the lingering close after an error answer was queued.
pub(super) fn start_linger(c: &mut Conn) {
    let st = st(c);
    st.linger_until = Some(millis() + LINGER_MS);
    if std::mem::take(&mut st.throttled) {
        c.set_full(false);
    }
}

/// MG_EV_POLL and MG_EV_WRITE: resumes a throttled connection, advances a
/// lingering close, enforces the timeouts. Returns true when parsing should
/// resume (back-pressure released).
pub(super) fn on_tick(c: &mut Conn, now: u64) -> bool {
    if c.is_client() || c.is_listening() {
        return false;
    }
    let send_len = c.send.len;
    let st = st(c);
    if st.active_since == 0 {
        st.active_since = now;
    }
    if let Some(until) = st.linger_until {
        linger(c, until, now);
        return false;
    }
    if st.throttled {
        st.active_since = now;
        if send_len < HTTP_SEND_LOW_WATER {
            st.throttled = false;
            c.set_full(false);
            return true;
        }
        return false;
    }
    check_timeouts(c, now);
    false
}

/// The lingering close: once the error answer is out, shut down our
/// sending side (the client sees the end of the answer); keep reading and
/// dropping input (the HTTP state is `failed`) until the client closes (the
/// event loop then closes) or time is up.
fn linger(c: &mut Conn, until: u64, now: u64) {
    // (Over TLS, the answer may still be ciphertext held by rustls.)
    let out = c.send.len > 0 || (c.is_tls() && crate::tls::has_output(c));
    let sock = c.private().sock;
    let st = st(c);
    if !out && !st.shut_wr {
        st.shut_wr = true;
        if let Some(fd) = sock {
            // SAFETY: the connection's own open socket; shutdown(2) does not
            // free it (the connection closes it later).
            unsafe { libc::shutdown(fd, libc::SHUT_WR) };
        }
    }
    if now >= until {
        c.set_closing(true);
    }
}

/// The timeouts of `c`: its own, or its manager's.
fn timeouts_of(c: &mut Conn) -> HttpTimeouts {
    if let Some(t) = st(c).timeouts {
        return t;
    }
    // SAFETY: a live connection's manager is live.
    unsafe { crate::mgr::state(c.mgr) }.map_or_else(HttpTimeouts::default, |m| m.http_timeouts)
}

fn check_timeouts(c: &mut Conn, now: u64) {
    // The program owns the connection: a response in progress, output
    // still going out (a file too), WebSocket or a handler that took it over.
    if c.is_resp()
        || !is_http(c)
        || c.send.len > 0
        || c.private().pump.is_some()
        || c.is_closing()
        || c.is_draining()
    {
        st(c).active_since = now;
        return;
    }
    let t = timeouts_of(c);
    let idle = c.recv.len == 0;
    let http = c.state_or_default::<HttpState>();
    let st = &http.limits;
    let (limit, since, status) = if idle {
        (t.idle_ms, st.active_since, 0)
    } else if http.hdrs_sent {
        (t.body_ms, st.active_since, 408)
    } else {
        (t.head_ms, st.head_since.max(1), 408)
    };
    if limit == 0 || now.saturating_sub(since) < limit {
        return;
    }
    if status == 0 {
        crate::log_debug!("http", "{} idle for {} ms: closing", c.id, limit);
        c.set_closing(true);
    } else {
        crate::log_debug!("http", "{} request timed out after {} ms", c.id, limit);
        fail(c, super::parse::err(408, "request timeout"));
    }
}
