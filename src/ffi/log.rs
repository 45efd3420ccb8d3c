//! Logging entry points.
// Pointer contracts are stated in each doc comment, which cbindgen copies into
// mongoose.h for C callers; a Rust-style "# Safety" heading would only clutter it.
#![allow(clippy::missing_safety_doc)]
use super::{cstr_or_empty, guard};
use crate::log::mg_pfn_t;
use std::os::raw::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicI32, Ordering};

/// Current log level, one of MG_LL_*; set it with mg_log_set(level).
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static mut mg_log_level: c_int = crate::log::MG_LL_INFO;

/// Mirror of `mg_log_level` that threads other than the C program's can read
/// without a data race on the `static mut`.
static LEVEL_SEEN: AtomicI32 = AtomicI32::new(crate::log::MG_LL_INFO);

/// The current level, as set by C through `mg_log_level`.
pub(crate) fn current_level() -> c_int {
    // SAFETY: an aligned int read; C writes it only from the thread driving
    // the library, the same thread that logs.
    let v = unsafe { std::ptr::addr_of!(mg_log_level).read_volatile() };
    LEVEL_SEEN.store(v, Ordering::Relaxed);
    v
}

/// Sets `mg_log_level`, as `mg_log_set(level)` does in C.
pub(crate) fn set_level(level: c_int) {
    // SAFETY: an aligned int write on the thread driving the library, which
    // is the only one that writes it.
    unsafe { std::ptr::addr_of_mut!(mg_log_level).write_volatile(level) };
    LEVEL_SEEN.store(level, Ordering::Relaxed);
}

/// Prints the start of a log line: time, level, source file, line and function.
/// Used by the MG_ERROR/MG_INFO/... macros before mg_log().
#[no_mangle]
pub unsafe extern "C" fn mg_log_prefix(
    level: c_int,
    file: *const c_char,
    line: c_int,
    fname: *const c_char,
) {
    guard("mg_log_prefix", (), || {
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
    guard("mg_log_set_fn", (), || crate::log::set_sink(r#fn, param))
}

/// Writes a hex dump of `len` bytes at `buf` to the log output, one line per
/// 16 bytes: offset, the bytes in hex, then the printable characters.
#[no_mangle]
pub unsafe extern "C" fn mg_hexdump(buf: *const c_void, len: usize) {
    guard("mg_hexdump", (), || {
        // SAFETY: the caller provides `len` readable bytes at `buf`.
        if let Some(data) = unsafe { super::bytes("mg_hexdump", "buf", buf as *const u8, len) } {
            crate::log::hexdump(data);
        }
    })
}
