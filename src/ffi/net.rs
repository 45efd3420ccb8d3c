//! Entry points of the event manager and connections.
use super::{bytes, cstr, entry, guard, nonnull};
use crate::conn::{self, mg_connection, mg_event_handler_t};
use crate::mgr::{self, mg_mgr};
use crate::net;
use std::os::raw::{c_char, c_int, c_ulong, c_void};
use std::ptr;

/// Initialises an event manager. Call before anything else uses it.
#[no_mangle]
pub unsafe extern "C" fn mg_mgr_init(mgr: *mut mg_mgr) {
    entry!("mg_mgr_init", || {
        nonnull!(mgr);
        // SAFETY: non-NULL; the caller provides memory for a mg_mgr.
        unsafe { mgr::init(mgr) };
    })
}

/// Closes all connections (each gets MG_EV_CLOSE), frees the timers made by
/// mg_timer_add() and releases the manager.
#[no_mangle]
pub unsafe extern "C" fn mg_mgr_free(mgr: *mut mg_mgr) {
    entry!("mg_mgr_free", || {
        nonnull!(mgr);
        // SAFETY: non-NULL manager given by the program.
        unsafe { mgr::free(mgr) };
    })
}

/// Runs one iteration of the event loop: each connection gets MG_EV_POLL
/// and its I/O once. Waits at most `ms` milliseconds for I/O, serving
/// sockets as they become ready within that time; returns earlier when a
/// timer or an mg_wakeup() message is due.
#[no_mangle]
pub unsafe extern "C" fn mg_mgr_poll(mgr: *mut mg_mgr, ms: c_int) {
    entry!("mg_mgr_poll", || {
        // SAFETY: checked for NULL / uninitialised by state().
        if unsafe { mgr::state(mgr) }.is_none() {
            crate::log_error!("mg_mgr_poll", "mgr is NULL or not initialised");
            return;
        }
        // SAFETY: initialised manager, driven from this thread.
        unsafe { mgr::poll(mgr, ms) };
    })
}

/// Checks the manager and URL arguments shared by listen and connect.
pub(crate) unsafe fn mgr_and_url<'a>(
    func: &str,
    mgr: *mut mg_mgr,
    url: *const c_char,
) -> Option<&'a str> {
    // SAFETY: NULL-checked; url is a C string per the API.
    unsafe {
        if mgr::state(mgr).is_none() {
            crate::log_error!(func, "mgr is NULL or not initialised");
            return None;
        }
        let url = cstr(func, "url", url)?;
        match std::str::from_utf8(url) {
            Ok(s) => Some(s),
            Err(_) => {
                crate::log_error!(func, "url is not valid UTF-8");
                None
            }
        }
    }
}

/// Creates a listening connection on `url`, e.g. "tcp://0.0.0.0:1234" or
/// "udp://127.0.0.1:0" (port 0 picks a free port; see `c->loc`). Sends
/// MG_EV_OPEN, then MG_EV_ACCEPT for each client. NULL on error (logged).
#[no_mangle]
pub unsafe extern "C" fn mg_listen(
    mgr: *mut mg_mgr,
    url: *const c_char,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    entry!("mg_listen", || {
        // SAFETY: arguments checked; mgr initialised.
        unsafe {
            let Some(url) = mgr_and_url("mg_listen", mgr, url) else {
                return ptr::null_mut();
            };
            net::listen(mgr, url, r#fn, fn_data)
        }
    })
}

/// Opens a connection to `url`, e.g. "tcp://127.0.0.1:1234" or "udp://...".
/// Sends MG_EV_OPEN and MG_EV_RESOLVE, then MG_EV_CONNECT from mg_mgr_poll(),
/// or MG_EV_ERROR and MG_EV_CLOSE when the connection fails.
#[no_mangle]
pub unsafe extern "C" fn mg_connect(
    mgr: *mut mg_mgr,
    url: *const c_char,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    entry!("mg_connect", || {
        // SAFETY: arguments checked; mgr initialised.
        unsafe {
            let Some(url) = mgr_and_url("mg_connect", mgr, url) else {
                return ptr::null_mut();
            };
            net::connect(mgr, url, r#fn, fn_data)
        }
    })
}

/// Like mg_connect(), with a protocol handler: `pfn(c, ev, ev_data)` (with
/// `c->pfn_data` = pfn_data) is set before MG_EV_OPEN and runs before `fn`
/// for every event, as the library's own protocols do.
#[no_mangle]
pub unsafe extern "C" fn mg_connect_svc(
    mgr: *mut mg_mgr,
    url: *const c_char,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
    pfn: mg_event_handler_t,
    pfn_data: *mut c_void,
) -> *mut mg_connection {
    guard!("mg_connect_svc", ptr::null_mut(), || {
        // SAFETY: arguments checked; mgr initialised.
        unsafe {
            let Some(url) = mgr_and_url("mg_connect_svc", mgr, url) else {
                return ptr::null_mut();
            };
            net::connect_svc(mgr, url, r#fn, fn_data, pfn, pfn_data)
        }
    })
}

/// Wraps an open, connected descriptor (a socket or one end of a
/// socketpair) into a connection served like a TCP stream: it is made
/// non-blocking, sent MG_EV_OPEN and closed with the connection. `c->loc` and
/// `c->rem` are empty. NULL on error (logged); the descriptor stays the
/// caller's then.
#[no_mangle]
pub unsafe extern "C" fn mg_wrapfd(
    mgr: *mut mg_mgr,
    fd: c_int,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    entry!("mg_wrapfd", || {
        // SAFETY: checked to be initialised.
        unsafe {
            if mgr::state(mgr).is_none() {
                crate::log_error!("mg_wrapfd", "mgr is NULL or not initialised");
                return ptr::null_mut();
            }
            if fd < 0 {
                crate::log_error!("mg_wrapfd", "invalid descriptor {fd}");
                return ptr::null_mut();
            }
            net::wrap_fd(mgr, fd, r#fn, fn_data)
        }
    })
}

/// Gives a connection from mg_alloc_conn() a listening socket for `url`
/// (sets `c->is_listening`, `c->is_udp` and `c->loc`). False on error
/// (logged). mg_listen() is mg_alloc_conn() plus this plus MG_EV_OPEN.
#[no_mangle]
pub unsafe extern "C" fn mg_open_listener(c: *mut mg_connection, url: *const c_char) -> bool {
    entry!("mg_open_listener", || {
        nonnull!(c);
        // SAFETY: c is a live connection; url a C string per the API.
        unsafe {
            let Some(url) = mgr_and_url("mg_open_listener", (*c).mgr, url) else {
                return false;
            };
            if conn::private(c).sock.is_some() {
                crate::log_error!("mg_open_listener", "{} already has a socket", (*c).id);
                return false;
            }
            conn::Conn::from_raw(c).is_some_and(|mut c| net::open_listener(&mut c, url))
        }
    })
}

/// Connects `c` to the address in `c->rem` (UDP when `c->is_udp`), for
/// programs that resolve names themselves: sends MG_EV_RESOLVE, then
/// MG_EV_CONNECT or MG_EV_ERROR follows from mg_mgr_poll().
#[no_mangle]
pub unsafe extern "C" fn mg_connect_resolved(c: *mut mg_connection) {
    entry!("mg_connect_resolved", || {
        nonnull!(c);
        // SAFETY: c is a live connection of its manager.
        unsafe {
            if mgr::state((*c).mgr).is_none() {
                return crate::log_error!("mg_connect_resolved", "c->mgr is not initialised");
            }
            if conn::private(c).sock.is_some() {
                return crate::log_error!(
                    "mg_connect_resolved",
                    "{} already has a socket",
                    (*c).id
                );
            }
            if let Some(mut c) = conn::Conn::from_raw(c) {
                net::connect_resolved(&mut c);
            }
        }
    })
}

/// Queues `len` bytes for sending (a UDP connection sends them at once as one
/// datagram). False on NULL arguments, OOM or a failed datagram.
#[no_mangle]
pub unsafe extern "C" fn mg_send(c: *mut mg_connection, buf: *const c_void, len: usize) -> bool {
    entry!("mg_send", || {
        nonnull!(c);
        // SAFETY: c is a live connection; buf holds len bytes per the API.
        unsafe {
            let Some(data) = bytes("mg_send", "buf", buf.cast(), len) else {
                return false;
            };
            net::send(c, data)
        }
    })
}

/// Sends MG_EV_CLOSE, closes the socket and frees the connection at once.
/// Prefer setting `c->is_closing = 1`, which closes it at the next poll.
#[no_mangle]
pub unsafe extern "C" fn mg_close_conn(c: *mut mg_connection) {
    entry!("mg_close_conn", || {
        nonnull!(c);
        // SAFETY: a live connection of an initialised manager.
        unsafe { net::close_conn(c) };
    })
}

/// Sends event `ev` with `ev_data` to the connection's protocol handler
/// (`c->pfn`) and then its user handler (`c->fn`).
#[no_mangle]
pub unsafe extern "C" fn mg_call(c: *mut mg_connection, ev: c_int, ev_data: *mut c_void) {
    entry!("mg_call", || {
        nonnull!(c);
        // SAFETY: a live connection.
        unsafe { conn::call(c, ev, ev_data) };
    })
}

/// Allocates a connection with `mgr->extraconnsize` zeroed bytes after it and
/// links it into `mgr->conns`, without a socket. NULL on OOM.
#[no_mangle]
pub unsafe extern "C" fn mg_alloc_conn(mgr: *mut mg_mgr) -> *mut mg_connection {
    entry!("mg_alloc_conn", || {
        // SAFETY: checked to be initialised.
        unsafe {
            if mgr::state(mgr).is_none() {
                crate::log_error!("mg_alloc_conn", "mgr is NULL or not initialised");
                return ptr::null_mut();
            }
            net::new_conn(mgr, None, ptr::null_mut())
        }
    })
}

/// Enables mg_wakeup() for this manager. Call once after mg_mgr_init(),
/// before other threads use mg_wakeup().
#[no_mangle]
pub unsafe extern "C" fn mg_wakeup_init(mgr: *mut mg_mgr) -> bool {
    entry!("mg_wakeup_init", || {
        // SAFETY: checked to be initialised.
        unsafe {
            if mgr::state(mgr).is_none() {
                crate::log_error!("mg_wakeup_init", "mgr is NULL or not initialised");
                return false;
            }
            mgr::init_wakeup(mgr)
        }
    })
}

/// Sends `len` bytes to connection `id`, from any thread: its handler gets
/// MG_EV_WAKEUP with a `struct mg_str *` holding a copy of the data (also
/// NUL-terminated). Messages are never dropped or truncated and arrive in
/// the order each thread sent them. False when mg_wakeup_init() was not
/// called, on NULL data with a non-zero length, or when id is 0.
#[no_mangle]
pub unsafe extern "C" fn mg_wakeup(
    mgr: *mut mg_mgr,
    id: c_ulong,
    buf: *const c_void,
    len: usize,
) -> bool {
    entry!("mg_wakeup", || {
        nonnull!(mgr);
        // SAFETY: a live manager; the channel is shared between threads.
        unsafe {
            let Some(ch) = mgr::channel(mgr) else {
                crate::log_error!("mg_wakeup", "call mg_wakeup_init() first");
                return false;
            };
            if id == 0 {
                crate::log_error!("mg_wakeup", "connection id 0");
                return false;
            }
            let Some(data) = bytes("mg_wakeup", "buf", buf.cast(), len) else {
                return false;
            };
            ch.send(id, data)
        }
    })
}

/// Sets the manager-wide cap on bytes held in its connections' receive
/// buffers (0: no cap; the default is 256 MiB). While the connections hold
/// more, the ones holding the most (at least an even share) are refused
/// more input: an HTTP server connection is answered 503 and closed, any
/// other connection is closed with an error. Below the cap nothing changes.
/// An addition to Mongoose's API.
#[no_mangle]
pub unsafe extern "C" fn mg_mgr_set_recv_cap(mgr: *mut crate::mgr::mg_mgr, bytes: usize) {
    super::guard!("mg_mgr_set_recv_cap", (), || {
        // SAFETY: NULL or an initialised manager from the caller.
        match unsafe { crate::mgr::state(mgr) } {
            Some(st) => st.recv_cap = bytes,
            None => super::null_arg("mg_mgr_set_recv_cap", "mgr"),
        }
    })
}
