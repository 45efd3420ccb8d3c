//! The library built without TLS (`cargo build --no-default-features`, CMake
//! `-DMG_ENABLE_TLS=OFF`): the same API as [`super`]'s rustls build, so C
//! programs link unchanged, but `mg_tls_init()` fails on the connection
//! (MG_EV_ERROR, then it closes) and a connection with `is_tls` set (an
//! `https://` listener's, a `wss://` client) is closed with an error at its
//! first I/O. `mg_io_send()`/`mg_io_recv()`, which are plain socket I/O,
//! work as in the TLS build (they live in [`super`]).
use super::{mg_tls_opts, MG_IO_ERR, MG_TLS_NONE};
use crate::conn::{mg_connection, Conn};
use crate::log::MG_LL_ERROR;
use std::os::raw::{c_int, c_long};

/// This build's TLS: none.
/// cbindgen:ignore
pub const MG_TLS: c_int = MG_TLS_NONE;

const NO_TLS: &[u8] = b"TLS is not built into this library (built without the tls feature)";

/// Fails: there is no TLS to start.
///
/// # Safety
/// None beyond the TLS build's signature (the options are not read).
pub unsafe fn init(c: &mut Conn, _opts: Option<&mg_tls_opts>) {
    c.error(MG_LL_ERROR, NO_TLS);
}

/// Nothing to free.
pub fn free(_c: &mut Conn) {}

/// A TLS connection's output is only its plaintext, which is never sent.
pub fn has_output(c: &mg_connection) -> bool {
    c.send.len > 0
}

/// A connection with `is_tls` set cannot be served: it is closed with an error.
pub fn io(c: &mut Conn) {
    if !c.is_closing() {
        c.error(MG_LL_ERROR, NO_TLS);
    }
}

/// No TLS session: an error.
pub fn send(_c: &mut Conn, _buf: &[u8]) -> c_long {
    MG_IO_ERR
}

/// No TLS session: an error.
pub fn recv(_c: &mut Conn, _buf: &mut [u8]) -> c_long {
    MG_IO_ERR
}

/// No TLS session: nothing pending.
pub fn pending(_c: &mut Conn) -> usize {
    0
}

/// No TLS session: nothing to do.
pub fn handshake(_c: &mut Conn) {}
