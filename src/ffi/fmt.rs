//! Formatting entry points: the `v` variants the C shim calls with `va_list *`.
use crate::conn::mg_connection;
use crate::log::mg_pfn_t;
use std::os::raw::{c_char, c_void};

/// Opaque stand-in for C's `va_list`; only pointers to it cross the boundary.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct va_list {
    _private: [u8; 0],
}

/// Formats `fmt` with the arguments in `ap`, calling `fn(ch, arg)` per character.
#[no_mangle]
pub unsafe extern "C" fn mg_vxprintf(
    r#fn: mg_pfn_t,
    arg: *mut c_void,
    fmt: *const c_char,
    ap: *mut va_list,
) -> usize {
    let _ = (r#fn, arg, fmt, ap);
    0
}

/// Formats into `buf`, at most `len` bytes including the NUL.
#[no_mangle]
pub unsafe extern "C" fn mg_vsnprintf(
    buf: *mut c_char,
    len: usize,
    fmt: *const c_char,
    ap: *mut va_list,
) -> usize {
    let _ = (buf, len, fmt, ap);
    0
}

/// Formats into memory from malloc(); free it with free() or mg_free().
#[no_mangle]
pub unsafe extern "C" fn mg_vmprintf(fmt: *const c_char, ap: *mut va_list) -> *mut c_char {
    let _ = (fmt, ap);
    std::ptr::null_mut()
}

/// Formats and appends to `c->send`; returns the bytes appended.
#[no_mangle]
pub unsafe extern "C" fn mg_vprintf(
    c: *mut mg_connection,
    fmt: *const c_char,
    ap: *mut va_list,
) -> usize {
    let _ = (c, fmt, ap);
    0
}

/// Called by the shim's mg_log().
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_vlog(fmt: *const c_char, ap: *mut va_list) {
    let _ = (fmt, ap);
}

/// Called by the shim's mg_error().
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_verror(c: *mut mg_connection, fmt: *const c_char, ap: *mut va_list) {
    let _ = (c, fmt, ap);
}
