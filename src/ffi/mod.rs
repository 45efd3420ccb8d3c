//! The `extern "C"` surface. Each function checks its pointers, converts them
//! to Rust types with the helpers below and calls into the core. No panic
//! crosses into C: every entry point runs inside [`guard`].
//!
//! The safety contract of each entry point is the C API's: the pointers a C
//! caller passes are NULL or valid, as the header documents; the entry points
//! check for NULL themselves. So the per-function `# Safety` sections clippy
//! asks for would only repeat that, in every header comment.
#![allow(clippy::missing_safety_doc)]
pub mod base64;
pub mod dns;
pub mod fmt;
pub mod fs;
pub mod fs_packed;
pub mod hash;
pub mod http;
pub mod http_util;
pub mod iobuf;
pub mod json;
pub mod log;
pub mod mqtt;
pub mod multipart;
pub mod net;
pub mod print;
pub mod queue;
pub mod rpc;
pub mod serve;
pub mod sntp;
pub mod str;
pub mod timer;
pub mod tls;
pub mod upload;
pub mod url;
pub mod util;
pub mod ws;

use std::ffi::CStr;
use std::os::raw::c_char;

/// Runs an entry point's body inside the panic guard
/// ([`crate::panic::entry`], or [`crate::panic::guard`] with a fallback
/// given), naming the C function `$func` for the log line and, as the
/// constant `FUNC`, for the NULL-check macros in the body. No runtime cost.
macro_rules! entry {
    ($func:expr, $body:expr) => {{
        const FUNC: &str = $func;
        $crate::panic::entry(FUNC, $body)
    }};
}
pub(crate) use entry;

/// [`entry!`] with a given fallback instead of the return type's.
macro_rules! guard {
    ($func:expr, $fallback:expr, $body:expr) => {{
        const FUNC: &str = $func;
        $crate::panic::guard(FUNC, $fallback, $body)
    }};
}
pub(crate) use guard;

/// Returns the return type's fallback from the enclosing `entry!`/`guard!`
/// body (after logging `FUNC: p is NULL`) when the pointer argument `$p` is
/// NULL.
macro_rules! nonnull {
    ($($p:ident),+) => {$(
        if $p.is_null() {
            $crate::ffi::null_arg(FUNC, stringify!($p));
            return $crate::panic::Fallback::fallback();
        }
    )+};
}
pub(crate) use nonnull;

/// The connection handle for the connection argument `$c`, or, when it is
/// NULL, a return of the fallback (after the `c is NULL` line), as
/// [`nonnull!`]. The handle is made here, at the boundary: the C API's
/// contract is that a non-NULL connection pointer is a live connection.
macro_rules! conn_arg {
    ($c:ident) => {{
        // SAFETY: a non-NULL connection from C is live (the API contract),
        // and entry points run on the thread driving its manager.
        #[allow(unused_unsafe)]
        let handle = unsafe { $crate::conn::Conn::from_raw($c) };
        match handle {
            Some(c) => c,
            None => {
                $crate::ffi::null_arg(FUNC, stringify!($c));
                return $crate::panic::Fallback::fallback();
            }
        }
    }};
}
pub(crate) use conn_arg;

/// Logs the standard error line for a NULL argument that may not be NULL.
pub(crate) fn null_arg(func: &str, name: &str) {
    crate::log_error!(func, "{name} is NULL");
}

/// A C string as bytes, or None (logged) when NULL.
///
/// # Safety
/// `s` must be NULL or point to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn cstr<'a>(func: &str, name: &str, s: *const c_char) -> Option<&'a [u8]> {
    if s.is_null() {
        null_arg(func, name);
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    Some(unsafe { CStr::from_ptr(s) }.to_bytes())
}

/// A C string as bytes, with NULL read as "".
///
/// # Safety
/// As for [`cstr`].
pub(crate) unsafe fn cstr_or_empty<'a>(s: *const c_char) -> &'a [u8] {
    if s.is_null() {
        b""
    } else {
        // SAFETY: non-NULL and NUL-terminated per the contract.
        unsafe { CStr::from_ptr(s) }.to_bytes()
    }
}

/// A mutable reference from a pointer, or None (logged) when NULL.
///
/// # Safety
/// `p` must be NULL or valid and unaliased for `'a`.
pub(crate) unsafe fn mut_ref<'a, T>(func: &str, name: &str, p: *mut T) -> Option<&'a mut T> {
    if p.is_null() {
        null_arg(func, name);
        None
    } else {
        // SAFETY: non-NULL, valid and unaliased per the contract.
        Some(unsafe { &mut *p })
    }
}

/// A byte slice from a pointer and length; NULL is accepted only with length 0.
///
/// # Safety
/// `p` must be NULL or point to `len` readable bytes valid for `'a`.
pub(crate) unsafe fn bytes<'a>(
    func: &str,
    name: &str,
    p: *const u8,
    len: usize,
) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if p.is_null() {
        null_arg(func, name);
        return None;
    }
    // SAFETY: per the contract.
    Some(unsafe { std::slice::from_raw_parts(p, len) })
}
