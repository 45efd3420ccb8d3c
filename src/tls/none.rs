//! The library built without TLS (`cargo build --no-default-features`, CMake
//! `-DMG_ENABLE_TLS=OFF`): the same API as [`super`]'s rustls build, so C
//! programs link unchanged, but `mg_tls_init()` fails on the connection
//! (MG_EV_ERROR, then it closes) and a connection with `is_tls` set (an
//! `https://` listener's, a `wss://` client) is closed with an error at its
//! first I/O. `mg_io_send()`/`mg_io_recv()`, which are plain socket I/O,
//! work as in the TLS build.
use crate::conn::mg_connection;
use crate::log::MG_LL_ERROR;
use crate::net::raise_error;
use crate::str::mg_str;
use std::os::raw::{c_int, c_long};

/// cbindgen:ignore
pub const MG_TLS_NONE: c_int = 0;
/// cbindgen:ignore
pub const MG_TLS_MBED: c_int = 1;
/// cbindgen:ignore
pub const MG_TLS_OPENSSL: c_int = 2;
/// cbindgen:ignore
pub const MG_TLS_BUILTIN: c_int = 3;
/// cbindgen:ignore
pub const MG_TLS_CUSTOM: c_int = 4;
/// cbindgen:ignore
pub const MG_TLS_WOLFSSL: c_int = 5;
/// This build's TLS: none.
/// cbindgen:ignore
pub const MG_TLS: c_int = MG_TLS_NONE;
/// cbindgen:ignore
pub const MG_IO_ERR: c_long = -1;
/// cbindgen:ignore
pub const MG_IO_WAIT: c_long = -2;
/// cbindgen:ignore
pub const MG_IO_RESET: c_long = -3;

/// The same layout as the TLS build's `struct mg_tls_opts` (the header is
/// the same for both builds).
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_tls_opts {
    /// Trusted CA certificate(s) (unused here).
    pub ca: mg_str,
    /// Own certificate (unused here).
    pub cert: mg_str,
    /// Private key of `cert` (unused here).
    pub key: mg_str,
    /// The server's host name (unused here).
    pub name: mg_str,
    /// Non-zero: no peer verification (unused here).
    pub skip_verification: c_int,
}

const NO_TLS: &[u8] = b"TLS is not built into this library (built without the tls feature)";

/// Fails: there is no TLS to start.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn init(c: *mut mg_connection, _opts: Option<&mg_tls_opts>) {
    // SAFETY: c is live per the contract.
    unsafe { raise_error(c, MG_LL_ERROR, NO_TLS) }
}

/// Nothing to free.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn free(_c: *mut mg_connection) {}

/// A TLS connection's output is only its plaintext, which is never sent.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn has_output(c: *mut mg_connection) -> bool {
    // SAFETY: c is live per the contract.
    unsafe { (*c).send.len > 0 }
}

/// A connection with `is_tls` set cannot be served: it is closed with an error.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn io(c: *mut mg_connection) {
    // SAFETY: c is live per the contract.
    unsafe {
        if !(*c).is_closing() {
            raise_error(c, MG_LL_ERROR, NO_TLS);
        }
    }
}

/// As in the TLS build.
pub fn io_result(r: std::io::Result<usize>) -> c_long {
    match r {
        Ok(0) => MG_IO_ERR,
        Ok(n) => n as c_long,
        Err(e) if crate::sock::would_block(&e) => MG_IO_WAIT,
        Err(e) if matches!(e.raw_os_error(), Some(libc::ECONNRESET) | Some(libc::EPIPE)) => {
            MG_IO_RESET
        }
        Err(_) => MG_IO_ERR,
    }
}

/// Writes `buf` straight to the connection's socket, as in the TLS build.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn io_send(c: *mut mg_connection, buf: &[u8]) -> c_long {
    // SAFETY: c is live per the contract.
    let Some(fd) = (unsafe { crate::conn::private(c) }).sock else {
        return MG_IO_ERR;
    };
    if buf.is_empty() {
        return 0;
    }
    io_result(crate::sock::send(fd, buf))
}

/// Reads from the connection's socket, as in the TLS build.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn io_recv(c: *mut mg_connection, buf: &mut [u8]) -> c_long {
    // SAFETY: c is live per the contract.
    let Some(fd) = (unsafe { crate::conn::private(c) }).sock else {
        return MG_IO_ERR;
    };
    if buf.is_empty() {
        return 0;
    }
    io_result(crate::sock::recv(fd, buf))
}

/// No TLS session: an error.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn send(_c: *mut mg_connection, _buf: &[u8]) -> c_long {
    MG_IO_ERR
}

/// No TLS session: an error.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn recv(_c: *mut mg_connection, _buf: &mut [u8]) -> c_long {
    MG_IO_ERR
}

/// No TLS session: nothing pending.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn pending(_c: *mut mg_connection) -> usize {
    0
}

/// No TLS session: nothing to do.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn handshake(_c: *mut mg_connection) {}
