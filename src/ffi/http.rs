//! HTTP entry points.
use super::{bytes, conn_arg, cstr, entry, guard, nonnull, null_arg};
use crate::conn::{mg_connection, mg_event_handler_t};
use crate::http::{self, mg_http_message};
use crate::mgr::mg_mgr;
use crate::str::mg_str;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// Creates an HTTP server listening on `url`, e.g. "http://0.0.0.0:8000".
/// The handler gets MG_EV_HTTP_HDRS when a request's headers have arrived and
/// MG_EV_HTTP_MSG with the whole request (`struct mg_http_message *`).
/// NULL on error (logged).
/// Back-pressure (not in Mongoose): while more than 1 MiB of answers waits
/// in a connection's `c->send` (a client pipelining requests without
/// reading), further requests are not parsed and the socket is not read
/// (`c->is_full` is set); both resume once `c->send` is below 512 KiB.
/// Timeouts: see mg_mgr_set_http_timeouts(); memory: mg_mgr_set_recv_cap().
/// After an error answer the connection closes lingering: the answer is
/// sent, the sending side shut down, input read and dropped for up to 2 s.
#[no_mangle]
pub unsafe extern "C" fn mg_http_listen(
    mgr: *mut mg_mgr,
    url: *const c_char,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    entry!("mg_http_listen", || {
        // SAFETY: arguments checked.
        unsafe {
            let Some(url) = super::net::mgr_and_url("mg_http_listen", mgr, url) else {
                return ptr::null_mut();
            };
            http::listen(mgr, url, r#fn, fn_data)
        }
    })
}

/// Runs a small test HTTP server on `url` until a request to `/quit`:
/// every other URI answers "hi", `/debug` sets the log level from the JSON
/// body's `level`. Blocks the calling thread; returns at once if `url`
/// cannot be listened on.
#[no_mangle]
pub unsafe extern "C" fn mg_hello(url: *const c_char) {
    entry!("mg_hello", || {
        // SAFETY: url is a C string per the API (NULL-checked).
        let Some(url) = (unsafe { super::cstr("mg_hello", "url", url) }) else { return };
        match std::str::from_utf8(url) {
            Ok(url) => http::hello(url),
            Err(_) => crate::log_error!("mg_hello", "url is not valid UTF-8"),
        }
    })
}

/// Opens an HTTP client connection to `url`. Send the request on
/// MG_EV_CONNECT; each response arrives as MG_EV_HTTP_MSG.
#[no_mangle]
pub unsafe extern "C" fn mg_http_connect(
    mgr: *mut mg_mgr,
    url: *const c_char,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    entry!("mg_http_connect", || {
        // SAFETY: arguments checked.
        unsafe {
            let Some(url) = super::net::mgr_and_url("mg_http_connect", mgr, url) else {
                return ptr::null_mut();
            };
            http::connect(mgr, url, r#fn, fn_data)
        }
    })
}

/// Parses the HTTP request or response in `s` into `hm`. Returns the length
/// of the head, 0 when the head is incomplete, or -1 when it is malformed
/// (or starts with bytes no request can start with). Lines may end with
/// CRLF or LF. `hm->body.len` is the announced body length, which may
/// exceed what `s` holds yet; a request without Content-Length has an empty
/// body. A response without Content-Length or chunked coding (its body runs
/// until the close) reports the bytes that follow the head in `s`, 0 when
/// none, where Mongoose reports (size_t) -1. A chunked body is reported raw.
#[no_mangle]
pub unsafe extern "C" fn mg_http_parse(
    s: *const c_char,
    len: usize,
    hm: *mut mg_http_message,
) -> c_int {
    guard!("mg_http_parse", -1, || {
        if hm.is_null() {
            null_arg("mg_http_parse", "hm");
            return -1;
        }
        // SAFETY: s holds len bytes; hm is the program's struct.
        unsafe {
            let Some(buf) = bytes("mg_http_parse", "s", s.cast(), len) else { return -1 };
            let is_request = !http::is_response(buf);
            match http::parse_head(buf, is_request) {
                Ok(Some(mut head)) => {
                    head.announce_body(buf.as_ptr(), len);
                    *hm = head.hm;
                    head.len as c_int
                }
                Ok(None) => 0,
                Err(_) => -1,
            }
        }
    })
}

/// Length of the head at the start of `buf` (through the blank line after
/// the headers), 0 when incomplete, -1 when it holds bytes no head may hold.
#[no_mangle]
pub unsafe extern "C" fn mg_http_get_request_len(buf: *const u8, buf_len: usize) -> c_int {
    guard!("mg_http_get_request_len", -1, || {
        // SAFETY: buf holds buf_len bytes per the API.
        let Some(b) = (unsafe { bytes("mg_http_get_request_len", "buf", buf, buf_len) }) else {
            return -1;
        };
        for (i, &ch) in b.iter().enumerate() {
            if ch < b' ' && ch != b'\r' && ch != b'\n' && ch != b'\t' || ch == 0x7f {
                return -1;
            }
            if ch == b'\n' {
                if i >= 1 && b[i - 1] == b'\n' {
                    return (i + 1) as c_int;
                }
                if i >= 2 && b[i - 1] == b'\r' && b[i - 2] == b'\n' {
                    return (i + 1) as c_int;
                }
            }
        }
        0
    })
}

/// The status code of a parsed response (from `hm->uri`), or 0.
#[no_mangle]
pub unsafe extern "C" fn mg_http_status(hm: *const mg_http_message) -> c_int {
    entry!("mg_http_status", || {
        nonnull!(hm);
        // SAFETY: hm points to a parsed message whose strings are alive.
        let uri = unsafe { (*hm).uri.as_bytes() };
        std::str::from_utf8(uri).ok().and_then(|s| s.parse().ok()).unwrap_or(0)
    })
}

/// The value of header `name` (case-insensitive), pointing into `hm`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn mg_http_get_header(
    hm: *mut mg_http_message,
    name: *const c_char,
) -> *mut mg_str {
    entry!("mg_http_get_header", || {
        nonnull!(hm);
        // SAFETY: hm is a parsed message; name a C string.
        unsafe {
            let Some(name) = cstr("mg_http_get_header", "name", name) else {
                return ptr::null_mut();
            };
            for h in (*hm).headers.iter_mut() {
                if h.name.len == 0 {
                    break;
                }
                if h.name.as_bytes().eq_ignore_ascii_case(name) {
                    return &mut h.value;
                }
            }
            ptr::null_mut()
        }
    })
}

/// Sends `len` bytes as one chunk of a chunked response; `len` 0 sends the
/// last chunk and ends the response (clears `c->is_resp`).
#[no_mangle]
pub unsafe extern "C" fn mg_http_write_chunk(
    c: *mut mg_connection,
    buf: *const c_char,
    len: usize,
) {
    entry!("mg_http_write_chunk", || {
        let c = &mut conn_arg!(c);
        // SAFETY: live connection; buf holds len bytes.
        unsafe {
            let Some(data) = bytes("mg_http_write_chunk", "buf", buf.cast(), len) else { return };
            http::write_chunk(c, data);
        }
    })
}

/// Called by the shim's mg_http_reply().
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_http_vreply(
    c: *mut mg_connection,
    status: c_int,
    headers: *const c_char,
    fmt: *const c_char,
    ap: *mut super::fmt::va_list,
) {
    entry!("mg_http_reply", || {
        let c = &mut conn_arg!(c);
        // SAFETY: live connection; strings and ap from the C caller.
        unsafe {
            let headers = super::cstr_or_empty(headers);
            let sent = super::fmt::format_c_scratch("mg_http_reply", fmt, ap, |body| {
                http::reply(c, status, headers, body)
            });
            if sent.is_none() {
                http::reply(c, status, headers, b"");
            }
        }
    })
}

/// Called by the shim's mg_http_printf_chunk().
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_http_vprintf_chunk(
    c: *mut mg_connection,
    fmt: *const c_char,
    ap: *mut super::fmt::va_list,
) {
    entry!("mg_http_printf_chunk", || {
        let c = &mut conn_arg!(c);
        // SAFETY: live connection; fmt and ap from the C caller.
        unsafe {
            super::fmt::format_c_scratch("mg_http_printf_chunk", fmt, ap, |data| {
                http::write_chunk(c, data)
            });
        }
    })
}

/// Sets the HTTP server timeouts of every connection of mgr whose listener
/// has none of its own (see mg_http_set_timeouts()), in milliseconds; 0
/// turns one off. head_ms: from the first byte of a request head to its end
/// (default 60000; answered 408); idle_ms: a keep-alive connection waiting
/// for its next request (75000; closed); body_ms: a request body that makes
/// no progress (60000; answered 408). None applies while the program owns
/// the connection: a response in progress (deferred reply, server-sent
/// events, file transfer), WebSocket, or a handler that took it over.
/// An addition to Mongoose's API (which has no timeouts).
#[no_mangle]
pub unsafe extern "C" fn mg_mgr_set_http_timeouts(
    mgr: *mut mg_mgr,
    head_ms: u64,
    idle_ms: u64,
    body_ms: u64,
) {
    guard!("mg_mgr_set_http_timeouts", (), || {
        // SAFETY: NULL or an initialised manager from the caller.
        match unsafe { crate::mgr::state(mgr) } {
            Some(st) => st.http_timeouts = http::HttpTimeouts { head_ms, idle_ms, body_ms },
            None => null_arg("mg_mgr_set_http_timeouts", "mgr"),
        }
    })
}

/// Sets the HTTP server timeouts (as mg_mgr_set_http_timeouts()) of one
/// accepted HTTP connection, instead of its manager's; call it on
/// MG_EV_ACCEPT to give a listener's connections their own. Returns false
/// when c is NULL. An addition to Mongoose's API.
#[no_mangle]
pub unsafe extern "C" fn mg_http_set_timeouts(
    c: *mut mg_connection,
    head_ms: u64,
    idle_ms: u64,
    body_ms: u64,
) -> bool {
    guard!("mg_http_set_timeouts", false, || {
        // SAFETY: NULL or a live connection from the caller.
        let Some(mut c) = (unsafe { crate::conn::Conn::from_raw(c) }) else {
            null_arg("mg_http_set_timeouts", "c");
            return false;
        };
        c.state_or_default::<http::HttpState>().limits.timeouts =
            Some(http::HttpTimeouts { head_ms, idle_ms, body_ms });
        true
    })
}
