//! Logging entry points.
// Pointer contracts are stated in each doc comment, which cbindgen copies into
// mongoose.h for C callers; a Rust-style "# Safety" heading would only clutter it.
#![allow(clippy::missing_safety_doc)]
use super::{cstr_or_empty, entry};
use crate::log::mg_pfn_t;
use std::os::raw::{c_char, c_int, c_void};

/// Prints the start of a log line: time, level, source file, line and function.
/// Used by the MG_ERROR/MG_INFO/... macros before mg_log().
#[no_mangle]
pub unsafe extern "C" fn mg_log_prefix(
    level: c_int,
    file: *const c_char,
    line: c_int,
    fname: *const c_char,
) {
    entry!("mg_log_prefix", || {
        // SAFETY: NULL or NUL-terminated strings from the logging macro.
        let (file, fname) = unsafe { (cstr_or_empty(file), cstr_or_empty(fname)) };
        let p = crate::log::prefix(
            level,
            &String::from_utf8_lossy(file),
            line,
            &String::from_utf8_lossy(fname),
        );
        crate::log::write(p.as_bytes());
    })
}

/// Sends log output to `fn(ch, param)`, one character per call, instead of
/// stdout. A NULL `fn` restores stdout.
#[no_mangle]
pub extern "C" fn mg_log_set_fn(r#fn: mg_pfn_t, param: *mut c_void) {
    entry!("mg_log_set_fn", || crate::log::set_sink(r#fn, param))
}

/// Writes a hex dump of `len` bytes at `buf` to the log output, one line per
/// 16 bytes: offset, the bytes in hex, then the printable characters.
#[no_mangle]
pub unsafe extern "C" fn mg_hexdump(buf: *const c_void, len: usize) {
    entry!("mg_hexdump", || {
        // SAFETY: the caller provides `len` readable bytes at `buf`.
        if let Some(data) = unsafe { super::bytes("mg_hexdump", "buf", buf as *const u8, len) } {
            crate::log::hexdump(data);
        }
    })
}
