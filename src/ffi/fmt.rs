//! Formatting entry points: the `v` variants the C shim calls with `va_list *`,
//! the character output functions, and the `va_list` argument source.
// Pointer contracts are stated in each doc comment, which cbindgen copies into
// mongoose.h for C callers; a Rust-style "# Safety" heading would only clutter it.
#![allow(clippy::missing_safety_doc)]
use super::{cstr, entry, mut_ref, null_arg};
use crate::conn::mg_connection;
use crate::fmt::ArgSource;
use crate::log::mg_pfn_t;
use std::os::raw::{c_char, c_int, c_void};

/// Opaque stand-in for C's `va_list`; only pointers to it cross the boundary.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct va_list {
    _private: [u8; 0],
}

/// One-line `va_arg` accessors defined in csrc/shim.c: stable Rust cannot read
/// a `va_list` itself. Private to the library, so kept out of the header.
/// cbindgen:ignore
mod shim {
    use super::va_list;
    use std::os::raw::{c_int, c_long, c_longlong, c_uint, c_ulong, c_ulonglong, c_void};

    extern "C" {
        pub(super) fn mgshim_va_int(ap: *mut va_list) -> c_int;
        pub(super) fn mgshim_va_uint(ap: *mut va_list) -> c_uint;
        pub(super) fn mgshim_va_long(ap: *mut va_list) -> c_long;
        pub(super) fn mgshim_va_ulong(ap: *mut va_list) -> c_ulong;
        pub(super) fn mgshim_va_llong(ap: *mut va_list) -> c_longlong;
        pub(super) fn mgshim_va_ullong(ap: *mut va_list) -> c_ulonglong;
        pub(super) fn mgshim_va_size(ap: *mut va_list) -> usize;
        pub(super) fn mgshim_va_double(ap: *mut va_list) -> f64;
        pub(super) fn mgshim_va_ldouble(ap: *mut va_list) -> f64;
        pub(super) fn mgshim_va_ptr(ap: *mut va_list) -> *mut c_void;
    }
}
use shim::*;

/// A `%M` printer as C sees it: `size_t (*)(mg_pfn_t, void *, va_list *)`.
type Printer = unsafe extern "C" fn(mg_pfn_t, *mut c_void, *mut va_list) -> usize;

/// Reads format arguments from a C `va_list`.
pub(crate) struct VaArgs {
    ap: *mut va_list,
}

impl VaArgs {
    /// # Safety
    /// `ap` must point to a started `va_list` whose remaining arguments have
    /// the types that the reads made through this value ask for; this is the
    /// C caller's promise that the arguments match the format string.
    pub(crate) unsafe fn new(ap: *mut va_list) -> Self {
        VaArgs { ap }
    }
}

impl ArgSource for VaArgs {
    fn int(&mut self) -> i32 {
        // SAFETY: `ap` is valid and the next argument has the type read,
        // per the contract of `VaArgs::new` (as in every read below).
        unsafe { mgshim_va_int(self.ap) }
    }
    fn uint(&mut self) -> u32 {
        // SAFETY: see `int`.
        unsafe { mgshim_va_uint(self.ap) }
    }
    fn long(&mut self) -> i64 {
        // SAFETY: see `int`.
        unsafe { mgshim_va_long(self.ap) as i64 }
    }
    fn ulong(&mut self) -> u64 {
        // SAFETY: see `int`.
        unsafe { mgshim_va_ulong(self.ap) as u64 }
    }
    fn llong(&mut self) -> i64 {
        // SAFETY: see `int`.
        unsafe { mgshim_va_llong(self.ap) }
    }
    fn ullong(&mut self) -> u64 {
        // SAFETY: see `int`.
        unsafe { mgshim_va_ullong(self.ap) }
    }
    fn size(&mut self) -> usize {
        // SAFETY: see `int`.
        unsafe { mgshim_va_size(self.ap) }
    }
    fn double(&mut self) -> f64 {
        // SAFETY: see `int`.
        unsafe { mgshim_va_double(self.ap) }
    }
    fn long_double(&mut self) -> f64 {
        // SAFETY: see `int`; the C accessor converts to double.
        unsafe { mgshim_va_ldouble(self.ap) }
    }
    fn ptr(&mut self) -> usize {
        // SAFETY: see `int`.
        unsafe { mgshim_va_ptr(self.ap) as usize }
    }
    fn string(&mut self, max: Option<usize>) -> Option<&[u8]> {
        // SAFETY: see `int`; the argument is a `char *`.
        let p = unsafe { mgshim_va_ptr(self.ap) } as *const u8;
        if p.is_null() {
            return None;
        }
        let max = max.unwrap_or(usize::MAX);
        let mut n = 0;
        // SAFETY: C guarantees the string is NUL-terminated or, with a
        // precision, has at least `max` readable bytes; we stop at either.
        while n < max && unsafe { *p.add(n) } != 0 {
            n += 1;
        }
        // SAFETY: the `n` bytes just scanned are readable and outlive the call.
        Some(unsafe { std::slice::from_raw_parts(p, n) })
    }
    fn printer(&mut self, out: &mut dyn FnMut(u8)) {
        // SAFETY: see `int`; the argument is a printer function pointer.
        let f = unsafe { mgshim_va_ptr(self.ap) };
        if f.is_null() {
            null_arg("mg_vxprintf", "%M printer");
            return;
        }
        // SAFETY: `%M`/`%m` take a `size_t (*)(mg_pfn_t, void *, va_list *)`,
        // which has this ABI; function and data pointers share a size on every
        // platform this library supports.
        let f: Printer = unsafe { std::mem::transmute::<*mut c_void, Printer>(f) };
        let mut sink: &mut dyn FnMut(u8) = out;
        let sink_ptr = &mut sink as *mut &mut dyn FnMut(u8) as *mut c_void;
        // SAFETY: the printer pulls its own arguments from the same `va_list`
        // and writes through `forward`, which gets back `sink` for the
        // duration of this call only.
        unsafe { f(Some(forward), sink_ptr, self.ap) };
    }
}

/// The `mg_pfn_t` handed to `%M` printers: forwards each character to the
/// Rust sink whose address is `arg`.
unsafe extern "C" fn forward(ch: c_char, arg: *mut c_void) {
    // SAFETY: `arg` is the `&mut dyn FnMut(u8)` that `VaArgs::printer` passed,
    // alive and otherwise unused while the printer runs.
    let sink = unsafe { &mut *(arg as *mut &mut dyn FnMut(u8)) };
    sink(ch as u8);
}

/// Formats with a C format string and `va_list`, after the NULL checks every
/// entry point needs. None when `fmt` or `ap` is NULL (logged).
///
/// # Safety
/// `fmt` must be NULL or a NUL-terminated string; `ap` NULL or a `va_list`
/// whose arguments match `fmt`.
unsafe fn format_c(
    func: &str,
    fmt: *const c_char,
    ap: *mut va_list,
    out: &mut dyn FnMut(u8),
) -> Option<usize> {
    // SAFETY: per this function's contract.
    let fmt = unsafe { cstr(func, "fmt", fmt) }?;
    if ap.is_null() {
        null_arg(func, "ap");
        return None;
    }
    // SAFETY: per this function's contract.
    let mut args = unsafe { VaArgs::new(ap) };
    Some(crate::fmt::format(fmt, &mut args, out))
}

/// Formats into a vector; None when `fmt` or `ap` is NULL.
///
/// # Safety
/// As for [`format_c`].
pub(crate) unsafe fn format_c_vec(
    func: &str,
    fmt: *const c_char,
    ap: *mut va_list,
) -> Option<Vec<u8>> {
    let mut v = Vec::new();
    // SAFETY: per this function's contract.
    unsafe { format_c(func, fmt, ap, &mut |b| v.push(b)) }?;
    Some(v)
}

thread_local! {
    /// A buffer reused by [`format_c_scratch`], so formatting a response
    /// costs no allocation.
    static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Formats into a reused per-thread buffer and hands the result to `f`.
/// None when `fmt` or `ap` is NULL. Re-entrant: a nested call (from a `%M`
/// printer, say) finds the buffer taken and uses a fresh one.
///
/// # Safety
/// As for [`format_c`].
pub(crate) unsafe fn format_c_scratch<R>(
    func: &str,
    fmt: *const c_char,
    ap: *mut va_list,
    f: impl FnOnce(&[u8]) -> R,
) -> Option<R> {
    /// Larger buffers are not kept, so one big message does not pin memory.
    const KEEP: usize = 64 * 1024;
    let mut v = SCRATCH.with(|s| s.take());
    v.clear();
    // SAFETY: per this function's contract.
    let r = unsafe { format_c(func, fmt, ap, &mut |b| v.push(b)) }.map(|_| f(&v));
    if v.capacity() <= KEEP {
        SCRATCH.with(|s| s.set(v));
    }
    r
}

/// Formats `fmt` with the arguments in `ap`, calling `fn(ch, arg)` for each
/// output character. Returns the number of characters produced.
#[no_mangle]
pub unsafe extern "C" fn mg_vxprintf(
    r#fn: mg_pfn_t,
    arg: *mut c_void,
    fmt: *const c_char,
    ap: *mut va_list,
) -> usize {
    entry!("mg_vxprintf", || {
        let Some(f) = r#fn else {
            null_arg("mg_vxprintf", "fn");
            return 0;
        };
        // SAFETY: `f` is the program's output function for `arg`; fmt and ap
        // come from the C caller, which vouches for them.
        unsafe { format_c("mg_vxprintf", fmt, ap, &mut |b| f(b as c_char, arg)) }.unwrap_or(0)
    })
}

/// Formats into `buf`, writing at most `len` bytes including the terminating
/// NUL (so the output is truncated to `len - 1` characters). Returns the length
/// the whole output has, like snprintf(). `buf` may be NULL when `len` is 0, to
/// measure.
#[no_mangle]
pub unsafe extern "C" fn mg_vsnprintf(
    buf: *mut c_char,
    len: usize,
    fmt: *const c_char,
    ap: *mut va_list,
) -> usize {
    entry!("mg_vsnprintf", || {
        let dst: &mut [u8] = if buf.is_null() {
            if len > 0 {
                null_arg("mg_vsnprintf", "buf");
            }
            &mut []
        } else {
            // SAFETY: the caller provides `len` writable bytes at `buf`.
            unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, len) }
        };
        let mut pos = 0;
        let room = dst.len().saturating_sub(1);
        let mut put = |b: u8| {
            if pos < room {
                dst[pos] = b;
                pos += 1;
            }
        };
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        let n = unsafe { format_c("mg_vsnprintf", fmt, ap, &mut put) }.unwrap_or(0);
        if let Some(end) = dst.get_mut(pos) {
            *end = 0;
        }
        n
    })
}

/// Formats into memory from malloc(); release it with free() or mg_free().
/// Returns NULL when out of memory.
#[no_mangle]
pub unsafe extern "C" fn mg_vmprintf(fmt: *const c_char, ap: *mut va_list) -> *mut c_char {
    entry!("mg_vmprintf", || {
        let to_c = |v: &[u8]| {
            // SAFETY: plain C allocation, checked for NULL; v.len() + 1 bytes
            // are written, the last one the terminating NUL.
            unsafe {
                let p = libc::malloc(v.len() + 1) as *mut u8;
                if p.is_null() {
                    crate::log_error!("mg_vmprintf", "out of memory ({} bytes)", v.len() + 1);
                    return std::ptr::null_mut();
                }
                std::ptr::copy_nonoverlapping(v.as_ptr(), p, v.len());
                *p.add(v.len()) = 0;
                p as *mut c_char
            }
        };
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        unsafe { format_c_scratch("mg_vmprintf", fmt, ap, to_c) }.unwrap_or_else(|| to_c(b""))
    })
}

/// Formats and appends the output to `c->send`. Returns the number of bytes
/// appended: 0 when out of memory or when `c` is NULL.
#[no_mangle]
pub unsafe extern "C" fn mg_vprintf(
    c: *mut mg_connection,
    fmt: *const c_char,
    ap: *mut va_list,
) -> usize {
    entry!("mg_vprintf", || {
        // SAFETY: NULL or a live connection owned by the calling program.
        let Some(c) = (unsafe { mut_ref("mg_vprintf", "c", c) }) else {
            return 0;
        };
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        let appended = unsafe {
            format_c_scratch("mg_vprintf", fmt, ap, |v| {
                if c.send.append(v) {
                    crate::net::touch(c);
                    v.len()
                } else {
                    crate::log_error!("mg_vprintf", "{} out of memory ({} bytes)", c.id, v.len());
                    0
                }
            })
        };
        appended.unwrap_or(0)
    })
}

/// Called by the shim's mg_log(): prints the message and "\r\n" to the log.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_vlog(fmt: *const c_char, ap: *mut va_list) {
    entry!("mg_log", || {
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        let v = unsafe { format_c_vec("mg_log", fmt, ap) };
        let mut line = v.unwrap_or_default();
        line.extend_from_slice(b"\r\n");
        crate::log::write(&line);
    })
}

/// Called by the shim's mg_error(): logs the message, marks `c` for closing
/// and sends it MG_EV_ERROR with the message as `ev_data`.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_verror(c: *mut mg_connection, fmt: *const c_char, ap: *mut va_list) {
    entry!("mg_error", || {
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        let msg = unsafe { format_c_vec("mg_error", fmt, ap) }.unwrap_or_default();
        if c.is_null() {
            null_arg("mg_error", "c");
            crate::log_error!("mg_error", "{}", String::from_utf8_lossy(&msg));
            return;
        }
        // SAFETY: a live connection owned by the calling program.
        unsafe { crate::net::raise_error(c, crate::log::MG_LL_ERROR, &msg) };
    })
}

/// An output function for mg_xprintf() and friends that appends `ch` to the
/// `struct mg_iobuf *` given as `param`, growing it as needed and keeping the
/// data NUL-terminated. Characters are dropped when memory runs out.
#[no_mangle]
pub unsafe extern "C" fn mg_pfn_iobuf(ch: c_char, param: *mut c_void) {
    entry!("mg_pfn_iobuf", || {
        // SAFETY: NULL or the program's iobuf, as documented.
        let Some(io) =
            (unsafe { mut_ref("mg_pfn_iobuf", "param", param as *mut crate::iobuf::mg_iobuf) })
        else {
            return;
        };
        if io.reserve(2) {
            let spare = io.spare_mut();
            spare[0] = ch as u8;
            spare[1] = 0;
            io.len += 1;
        }
    })
}

/// An output function that writes `ch` to stdout; `param` is ignored.
#[no_mangle]
pub extern "C" fn mg_pfn_stdout(ch: c_char, param: *mut c_void) {
    let _ = param;
    entry!("mg_pfn_stdout", || {
        // SAFETY: putchar() on the C library's stdout.
        unsafe { libc::putchar(ch as u8 as c_int) };
    })
}
