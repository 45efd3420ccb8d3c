//! String entry points: building, comparing, copying, matching, splitting and
//! parsing `struct mg_str`.
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::{cstr, entry, nonnull, null_arg};
use crate::str::mg_str;
use std::ops::Range;
use std::os::raw::{c_char, c_int, c_void};

/// The bytes an `mg_str` argument describes, or None (logged) for the
/// invalid `{NULL, n > 0}`.
///
/// # Safety
/// A non-NULL `s.buf` must point to `s.len` readable bytes valid for `'a`.
pub(crate) unsafe fn str_arg<'a>(func: &str, name: &str, s: mg_str) -> Option<&'a [u8]> {
    if s.buf.is_null() && s.len > 0 {
        crate::log_error!(func, "{name}.buf is NULL but {name}.len is {}", s.len);
        return None;
    }
    // SAFETY: per the contract.
    Some(unsafe { s.as_bytes() })
}

/// The part `range` of the string that starts at `base`, as an `mg_str`.
/// Built from `base` itself so that the result points into the caller's
/// memory (never at a dangling Rust pointer); NULL `base` gives `{NULL, 0}`.
pub(crate) fn sub(base: *const c_char, range: Range<usize>) -> mg_str {
    if base.is_null() {
        return mg_str::empty();
    }
    mg_str { buf: base.wrapping_add(range.start) as *mut c_char, len: range.len() }
}

/// Makes an mg_str from a NUL-terminated string, which is not copied.
/// NULL gives {NULL, 0}. C code calls it as mg_str(s).
#[no_mangle]
pub unsafe extern "C" fn mg_str_s(s: *const c_char) -> mg_str {
    entry!("mg_str_s", || {
        if s.is_null() {
            return mg_str::empty();
        }
        // SAFETY: non-NULL; the caller passes a NUL-terminated string.
        let len = unsafe { std::ffi::CStr::from_ptr(s) }.to_bytes().len();
        mg_str { buf: s as *mut c_char, len }
    })
}

/// Makes an mg_str from the n bytes at s, which are not copied. A NULL s
/// gives {NULL, 0} (logged when n > 0).
#[no_mangle]
pub extern "C" fn mg_str_n(s: *const c_char, n: usize) -> mg_str {
    entry!("mg_str_n", || {
        if s.is_null() {
            if n > 0 {
                null_arg("mg_str_n", "s");
            }
            return mg_str::empty();
        }
        mg_str { buf: s as *mut c_char, len: n }
    })
}

/// Compares two NUL-terminated strings ignoring ASCII case, like
/// strcasecmp(): 0 when equal, otherwise the difference of the first
/// differing lower-cased bytes. A NULL argument is logged and read as "".
#[no_mangle]
pub unsafe extern "C" fn mg_casecmp(s1: *const c_char, s2: *const c_char) -> c_int {
    entry!("mg_casecmp", || {
        // SAFETY: NULL or NUL-terminated strings from the caller.
        let (a, b) = unsafe { (cstr("mg_casecmp", "s1", s1), cstr("mg_casecmp", "s2", s2)) };
        crate::str::casecmp(a.unwrap_or_default(), b.unwrap_or_default())
    })
}

/// Compares two strings byte by byte: 0 if identical, -1 if str1 sorts first,
/// 1 if str2 does. A string that is a prefix of the other sorts first.
#[no_mangle]
pub unsafe extern "C" fn mg_strcmp(str1: mg_str, str2: mg_str) -> c_int {
    entry!("mg_strcmp", || {
        // SAFETY: the caller passes valid mg_str views.
        let (a, b) =
            unsafe { (str_arg("mg_strcmp", "str1", str1), str_arg("mg_strcmp", "str2", str2)) };
        crate::str::strcmp(a.unwrap_or_default(), b.unwrap_or_default())
    })
}

/// Like mg_strcmp() but ignores ASCII case.
#[no_mangle]
pub unsafe extern "C" fn mg_strcasecmp(str1: mg_str, str2: mg_str) -> c_int {
    entry!("mg_strcasecmp", || {
        // SAFETY: the caller passes valid mg_str views.
        let (a, b) = unsafe {
            (str_arg("mg_strcasecmp", "str1", str1), str_arg("mg_strcasecmp", "str2", str2))
        };
        crate::str::strcasecmp(a.unwrap_or_default(), b.unwrap_or_default())
    })
}

/// Copies s into new NUL-terminated memory from calloc(); release result.buf
/// with free() or mg_free(). Returns {NULL, 0} when s is empty or on OOM.
#[no_mangle]
pub unsafe extern "C" fn mg_strdup(s: mg_str) -> mg_str {
    entry!("mg_strdup", || {
        // SAFETY: the caller passes a valid mg_str view.
        let src = unsafe { str_arg("mg_strdup", "s", s) }.unwrap_or_default();
        crate::str::dup(src).unwrap_or_else(|| {
            crate::log_error!("mg_strdup", "out of memory ({} bytes)", src.len() + 1);
            mg_str::empty()
        })
    })
}

/// True if all of str matches pattern: `?` matches any one character, `*`
/// any run without '/', `#` any run including '/'. If caps is not NULL it
/// receives what each wildcard matched, in order (each wildcard takes the
/// shortest run that lets the rest match), followed by {NULL, 0}; it needs
/// room for the number of wildcards plus one. On no match caps[0] is {NULL, 0}.
#[no_mangle]
pub unsafe extern "C" fn mg_match(str: mg_str, pattern: mg_str, caps: *mut mg_str) -> bool {
    entry!("mg_match", || {
        // SAFETY: the caller passes valid mg_str views.
        let (s, p) =
            unsafe { (str_arg("mg_match", "str", str), str_arg("mg_match", "pattern", pattern)) };
        if caps.is_null() {
            return matches!((s, p), (Some(s), Some(p)) if crate::str::glob_match(s, p));
        }
        let found = match (s, p) {
            (Some(s), Some(p)) => crate::str::glob_captures(s, p),
            _ => None,
        };
        let ranges = found.as_deref().unwrap_or_default();
        for (i, r) in ranges.iter().enumerate() {
            // SAFETY: the caller provides one element per wildcard plus one.
            unsafe { caps.add(i).write(sub(str.buf, r.clone())) };
        }
        // SAFETY: as above; this is the terminating element.
        unsafe { caps.add(ranges.len()).write(mg_str::empty()) };
        found.is_some()
    })
}

/// Splits s at the first sep: *a gets the part before it and *b the part
/// after it (both point into s; either may be NULL). Without a sep, *a is all
/// of s and *b is empty. Returns false, touching neither, if s is empty.
#[no_mangle]
pub unsafe extern "C" fn mg_span(s: mg_str, a: *mut mg_str, b: *mut mg_str, sep: c_char) -> bool {
    entry!("mg_span", || {
        // SAFETY: the caller passes a valid mg_str view.
        let bytes = unsafe { str_arg("mg_span", "s", s) }.unwrap_or_default();
        let Some((head, rest)) = crate::str::span(bytes, sep as u8) else {
            return false;
        };
        if !a.is_null() {
            // SAFETY: non-NULL; the caller passes a writable mg_str.
            unsafe { a.write(sub(s.buf, 0..head)) };
        }
        if !b.is_null() {
            // SAFETY: as above.
            unsafe { b.write(sub(s.buf, rest..bytes.len())) };
        }
        true
    })
}

/// Parses all of str as an unsigned number into the val_len-byte integer at
/// val (val_len 1, 2, 4 or 8). base is 2, 10 or 16, or 0 to pick it from a
/// "0x" or "0b" prefix (decimal otherwise). Returns false, leaving *val
/// alone, on an empty string, a bad digit, overflow, or a bad base/val_len.
#[no_mangle]
pub unsafe extern "C" fn mg_str_to_num(
    str: mg_str,
    base: c_int,
    val: *mut c_void,
    val_len: usize,
) -> bool {
    entry!("mg_str_to_num", || {
        nonnull!(val);
        // SAFETY: the caller passes a valid mg_str view.
        let s = unsafe { str_arg("mg_str_to_num", "str", str) }.unwrap_or_default();
        let Ok(base) = u32::try_from(base) else {
            return false;
        };
        let Some(v) = crate::str::parse_num(s, base, val_len) else {
            return false;
        };
        // SAFETY: val points to val_len writable bytes; parse_num accepted
        // val_len and v fits in it. Unaligned writes, as C gives no guarantee.
        unsafe {
            match val_len {
                1 => (val as *mut u8).write_unaligned(v as u8),
                2 => (val as *mut u16).write_unaligned(v as u16),
                4 => (val as *mut u32).write_unaligned(v as u32),
                _ => (val as *mut u64).write_unaligned(v),
            }
        }
        true
    })
}
