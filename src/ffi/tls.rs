//! TLS entry points (`mg_tls_*`) and the raw socket I/O beneath them
//! (`mg_io_send`, `mg_io_recv`).
use super::{bytes, entry, guard, nonnull, null_arg};
use crate::conn::mg_connection;
use crate::mgr::mg_mgr;
use crate::tls::{self, mg_tls_opts, MG_IO_ERR};
use std::os::raw::{c_long, c_void};

/// Starts TLS on a connection: call it from the handler's MG_EV_CONNECT (a
/// client) or MG_EV_ACCEPT (a server). `opts` is read during the call only.
/// A client verifies the server's certificate chain against `opts->ca` when
/// given, and its host name against `opts->name` when given (also sent as
/// SNI); `skip_verification` turns both checks off. A server needs `cert` and
/// `key`; a non-empty `ca` makes it require and verify client certificates.
/// The handshake runs with `c->is_tls_hs` set; MG_EV_TLS_HS follows once it
/// completes. Plaintext queued in `c->send` goes out encrypted after it, and
/// decrypted data arrives in `c->recv` with MG_EV_READ. NULL or unusable
/// options, a failed handshake or a bad record give MG_EV_ERROR, then the
/// connection closes.
#[no_mangle]
pub unsafe extern "C" fn mg_tls_init(c: *mut mg_connection, opts: *const mg_tls_opts) {
    entry!("mg_tls_init", || {
        nonnull!(c);
        // SAFETY: a live connection; opts is NULL or valid per the API.
        unsafe { tls::init(c, opts.as_ref()) };
    })
}

/// Releases a connection's TLS state; the library calls it when the
/// connection closes.
#[no_mangle]
pub unsafe extern "C" fn mg_tls_free(c: *mut mg_connection) {
    entry!("mg_tls_free", || {
        nonnull!(c);
        // SAFETY: a live connection.
        unsafe { tls::free(c) };
    })
}

/// Encrypts up to `len` bytes and writes them to the socket. Returns how many
/// bytes were taken, MG_IO_WAIT when none could be now, or MG_IO_ERR.
#[no_mangle]
pub unsafe extern "C" fn mg_tls_send(
    c: *mut mg_connection,
    buf: *const c_void,
    len: usize,
) -> c_long {
    guard!("mg_tls_send", MG_IO_ERR, || {
        if c.is_null() {
            null_arg("mg_tls_send", "c");
            return MG_IO_ERR;
        }
        // SAFETY: a live connection; buf holds len bytes per the API.
        unsafe {
            match bytes("mg_tls_send", "buf", buf.cast(), len) {
                Some(data) => tls::send(c, data),
                None => MG_IO_ERR,
            }
        }
    })
}

/// Reads from the socket and decrypts up to `len` bytes into `buf`. Returns
/// the number of bytes, MG_IO_WAIT when none are available yet, or MG_IO_ERR
/// (also when the peer closed).
#[no_mangle]
pub unsafe extern "C" fn mg_tls_recv(
    c: *mut mg_connection,
    buf: *mut c_void,
    len: usize,
) -> c_long {
    guard!("mg_tls_recv", MG_IO_ERR, || {
        if c.is_null() {
            null_arg("mg_tls_recv", "c");
            return MG_IO_ERR;
        }
        if buf.is_null() && len > 0 {
            null_arg("mg_tls_recv", "buf");
            return MG_IO_ERR;
        }
        // SAFETY: a live connection; buf has room for len bytes per the API.
        unsafe {
            let out = if len == 0 {
                &mut [][..]
            } else {
                std::slice::from_raw_parts_mut(buf.cast::<u8>(), len)
            };
            tls::recv(c, out)
        }
    })
}

/// Number of decrypted bytes already received and not yet read with
/// mg_tls_recv().
#[no_mangle]
pub unsafe extern "C" fn mg_tls_pending(c: *mut mg_connection) -> usize {
    entry!("mg_tls_pending", || {
        nonnull!(c);
        // SAFETY: a live connection.
        unsafe { tls::pending(c) }
    })
}

/// Moves the TLS handshake on as far as the socket allows, without blocking
/// (the event loop does this by itself); MG_EV_TLS_HS when it completes.
#[no_mangle]
pub unsafe extern "C" fn mg_tls_handshake(c: *mut mg_connection) {
    entry!("mg_tls_handshake", || {
        nonnull!(c);
        // SAFETY: a live connection.
        unsafe { tls::handshake(c) };
    })
}

/// Prepares a manager's shared TLS state. Nothing to do in this library
/// (TLS state is per connection); kept for programs that call it.
#[no_mangle]
pub unsafe extern "C" fn mg_tls_ctx_init(mgr: *mut mg_mgr) {
    let _ = mgr;
}

/// Releases what mg_tls_ctx_init() prepared (nothing in this library).
#[no_mangle]
pub unsafe extern "C" fn mg_tls_ctx_free(mgr: *mut mg_mgr) {
    let _ = mgr;
}

/// Writes up to `len` bytes straight to the connection's socket, bypassing
/// `c->send` and TLS. Returns the number written, MG_IO_WAIT when the socket
/// is full, MG_IO_RESET when the peer reset the connection, or MG_IO_ERR.
#[no_mangle]
pub unsafe extern "C" fn mg_io_send(
    c: *mut mg_connection,
    buf: *const c_void,
    len: usize,
) -> c_long {
    guard!("mg_io_send", MG_IO_ERR, || {
        if c.is_null() {
            null_arg("mg_io_send", "c");
            return MG_IO_ERR;
        }
        // SAFETY: a live connection; buf holds len bytes per the API.
        unsafe {
            match bytes("mg_io_send", "buf", buf.cast(), len) {
                Some(data) => tls::io_send(c, data),
                None => MG_IO_ERR,
            }
        }
    })
}

/// Reads up to `len` bytes straight from the connection's socket, bypassing
/// `c->recv` and TLS. Returns the number read, MG_IO_WAIT when nothing is
/// there yet, MG_IO_RESET when the peer reset the connection, or MG_IO_ERR
/// (also when the peer closed).
#[no_mangle]
pub unsafe extern "C" fn mg_io_recv(c: *mut mg_connection, buf: *mut c_void, len: usize) -> c_long {
    guard!("mg_io_recv", MG_IO_ERR, || {
        if c.is_null() {
            null_arg("mg_io_recv", "c");
            return MG_IO_ERR;
        }
        if buf.is_null() && len > 0 {
            null_arg("mg_io_recv", "buf");
            return MG_IO_ERR;
        }
        // SAFETY: a live connection; buf has room for len bytes per the API.
        unsafe {
            let out = if len == 0 {
                &mut [][..]
            } else {
                std::slice::from_raw_parts_mut(buf.cast::<u8>(), len)
            };
            tls::io_recv(c, out)
        }
    })
}
