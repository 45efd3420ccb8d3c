//! TLS: `struct mg_tls_opts`, the TLS back-end constants, and the raw socket
//! I/O primitives (`mg_io_send`/`mg_io_recv`) a TLS layer sits on.
//!
//! This build has no TLS back-end: `mg_tls_init()` reports an error on the
//! connection, so a `https://` or `wss://` connection never runs in plaintext
//! by mistake.
use crate::conn::mg_connection;
use crate::log::MG_LL_ERROR;
use crate::str::mg_str;
use std::os::raw::{c_int, c_long};

// The back-end numbers and the MG_IO_* results are written out in
// csrc/header_prelude.h (Mongoose spells them as macros and an anonymous
// enum), so they stay out of cbindgen's output; tests/layout.rs checks that
// both agree.

/// No TLS back-end.
/// cbindgen:ignore
pub const MG_TLS_NONE: c_int = 0;
/// mbedTLS back-end.
/// cbindgen:ignore
pub const MG_TLS_MBED: c_int = 1;
/// OpenSSL back-end.
/// cbindgen:ignore
pub const MG_TLS_OPENSSL: c_int = 2;
/// The library's own back-end.
/// cbindgen:ignore
pub const MG_TLS_BUILTIN: c_int = 3;
/// A back-end provided by the program.
/// cbindgen:ignore
pub const MG_TLS_CUSTOM: c_int = 4;
/// WolfSSL back-end.
/// cbindgen:ignore
pub const MG_TLS_WOLFSSL: c_int = 5;
/// The back-end this library is built with (`MG_TLS` in the header).
/// cbindgen:ignore
pub const MG_TLS: c_int = MG_TLS_NONE;

/// mg_io_send()/mg_io_recv(): a socket error (or, for a read, the peer closed).
/// cbindgen:ignore
pub const MG_IO_ERR: c_long = -1;
/// mg_io_send()/mg_io_recv(): the socket is not ready; try again later.
/// cbindgen:ignore
pub const MG_IO_WAIT: c_long = -2;
/// mg_io_send()/mg_io_recv(): the peer reset the connection.
/// cbindgen:ignore
pub const MG_IO_RESET: c_long = -3;

/// TLS settings for mg_tls_init(). Certificates and keys are the PEM text or
/// the DER bytes themselves (not file names); empty fields are unset.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_tls_opts {
    /// Trusted CA certificate(s). On a client, the peer's chain must lead to
    /// one of them; on a server, a non-empty `ca` requires client certificates
    /// signed by it (two-way TLS).
    pub ca: mg_str,
    /// Own certificate (chain): required on a server, optional on a client.
    pub cert: mg_str,
    /// Private key of `cert`.
    pub key: mg_str,
    /// Client: the server's host name, sent as SNI; when not empty, the
    /// server certificate must be valid for it.
    pub name: mg_str,
    /// Non-zero: do not verify the peer's certificate or host name.
    pub skip_verification: c_int,
}

/// Starts TLS on a connection. Without a TLS back-end this reports the error
/// on the connection (MG_EV_ERROR, then close).
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn init(c: *mut mg_connection, _opts: Option<&mg_tls_opts>) {
    // SAFETY: c is live per the contract.
    unsafe { crate::net::raise_error(c, MG_LL_ERROR, b"TLS is not supported by this build") };
}

/// Maps a socket call's result to mg_io_send()/mg_io_recv() conventions: the
/// byte count, or one of the `MG_IO_*` codes. A read of 0 bytes (the peer
/// closed) is [`MG_IO_ERR`].
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

/// Writes `buf` straight to the connection's socket (no TLS, no buffering).
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

/// Reads from the connection's socket into `buf` (no TLS).
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

/// Releases a connection's TLS state (none in this build).
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn free(_c: *mut mg_connection) {}

/// Encrypts and sends plaintext; without TLS state, [`MG_IO_ERR`].
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn send(_c: *mut mg_connection, _buf: &[u8]) -> c_long {
    MG_IO_ERR
}

/// Receives and decrypts; without TLS state, [`MG_IO_ERR`].
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn recv(_c: *mut mg_connection, _buf: &mut [u8]) -> c_long {
    MG_IO_ERR
}

/// Decrypted bytes waiting to be read with [`recv`].
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn pending(_c: *mut mg_connection) -> usize {
    0
}

/// Moves the handshake on as far as the socket allows.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn handshake(_c: *mut mg_connection) {}
