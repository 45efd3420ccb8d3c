//! TLS over rustls (with the ring crypto provider): `struct mg_tls_opts`,
//! `mg_tls_init()`, and the record layer between a connection's socket and
//! its `recv`/`send` buffers.
//!
//! A TLS connection keeps the C view Mongoose gives: the program queues
//! plaintext in `c->send` and reads plaintext from `c->recv`. Ciphertext
//! read from the socket waits in `c->rtls` until rustls takes it; ciphertext
//! to send waits inside rustls (at most [`OUT_LIMIT`] bytes) until the
//! socket takes it. The event loop calls [`io`] instead of its plaintext
//! read and write for connections with `is_tls` set; that flag is the only
//! cost TLS adds to plaintext connections.
//!
//! - [`config`]: `struct mg_tls_opts`, certificate and key parsing, peer
//!   verification and the cache of rustls configs;
//! - [`io`]: a connection's TLS session and the record layer between its
//!   socket and its buffers.
//!
//! Without the `tls` cargo feature (on by default), [`none`] stands in: the
//! same API, every TLS operation failing with an error.
use crate::conn::Conn;
use crate::str::mg_str;
use std::os::raw::{c_int, c_long};

#[cfg(feature = "tls")]
mod config;
#[cfg(feature = "tls")]
mod io;
/// cbindgen:ignore
#[cfg(not(feature = "tls"))]
mod none;

#[cfg(feature = "tls")]
pub use config::*;
#[cfg(feature = "tls")]
pub use io::*;
#[cfg(not(feature = "tls"))]
pub use none::*;

// What follows is the same with and without the `tls` feature. The back-end
// numbers and the MG_IO_* results are written out in csrc/header_prelude.h
// (Mongoose spells them as macros and an anonymous enum), so they stay out
// of cbindgen's output; tests/layout.rs checks that both agree.

// One definition for both builds: the header, and so the layout, is the same.
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

/// mg_io_send()/mg_io_recv(): a socket error (or, for a read, the peer closed).
/// cbindgen:ignore
pub const MG_IO_ERR: c_long = -1;
/// mg_io_send()/mg_io_recv(): the socket is not ready; try again later.
/// cbindgen:ignore
pub const MG_IO_WAIT: c_long = -2;
/// mg_io_send()/mg_io_recv(): the peer reset the connection.
/// cbindgen:ignore
pub const MG_IO_RESET: c_long = -3;

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
pub fn io_send(c: &mut Conn, buf: &[u8]) -> c_long {
    let Some(fd) = c.private().sock else {
        return MG_IO_ERR;
    };
    if buf.is_empty() {
        return 0;
    }
    io_result(crate::sock::send(fd, buf))
}

/// Reads from the connection's socket into `buf` (no TLS).
pub fn io_recv(c: &mut Conn, buf: &mut [u8]) -> c_long {
    let Some(fd) = c.private().sock else {
        return MG_IO_ERR;
    };
    if buf.is_empty() {
        return 0;
    }
    io_result(crate::sock::recv(fd, buf))
}
