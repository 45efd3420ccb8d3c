//! JSON entry points: path lookups (`mg_json_get` and the typed getters),
//! string unescaping and iteration over objects and arrays.
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::str::{str_arg, sub};
use super::{cstr, entry, guard, nonnull};
use crate::json::{self, JsonError};
use crate::str::mg_str;
use std::os::raw::{c_char, c_int, c_long};

/// The document and path arguments every getter takes; None (logged) when
/// either is unusable.
///
/// # Safety
/// `json` must be a valid view; `path` NULL or NUL-terminated.
unsafe fn args<'a>(func: &str, json: mg_str, path: *const c_char) -> Option<(&'a [u8], &'a [u8])> {
    // SAFETY: per this function's contract.
    let doc = unsafe { str_arg(func, "json", json) }?;
    // SAFETY: per this function's contract.
    let path = unsafe { cstr(func, "path", path) }?;
    Some((doc, path))
}

/// Copies `data` into new memory from malloc() with a NUL after it; NULL
/// (logged) when out of memory.
pub(crate) fn malloc_copy(func: &str, data: &[u8]) -> *mut c_char {
    let size = data.len().saturating_add(1);
    // SAFETY: plain C allocation, checked for NULL.
    let p = unsafe { libc::malloc(size) } as *mut u8;
    if p.is_null() {
        crate::log_error!(func, "out of memory ({size} bytes)");
        return std::ptr::null_mut();
    }
    // SAFETY: p holds data.len() + 1 bytes and is distinct from data.
    unsafe {
        std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len());
        *p.add(data.len()) = 0;
    }
    p as *mut c_char
}

/// Stores `v` through `out` when `out` is not NULL.
///
/// # Safety
/// `out` must be NULL or valid for writes.
unsafe fn store<T>(out: *mut T, v: T) {
    if !out.is_null() {
        // SAFETY: per this function's contract.
        unsafe { out.write(v) };
    }
}

/// Finds the value at path in json. Paths start with `$` (the whole
/// document) followed by `.key` and `[index]` steps, e.g. `$.items[3].name`.
/// Returns the value's offset in json.buf and stores its length in *toklen
/// (strings include their quotes; toklen may be NULL). On failure returns
/// MG_JSON_NOT_FOUND, MG_JSON_INVALID (malformed document or path) or
/// MG_JSON_TOO_DEEP (nesting deeper than MG_JSON_MAX_DEPTH), and stores 0.
/// Scanning stops once the value is complete; text after it is not checked.
#[no_mangle]
pub unsafe extern "C" fn mg_json_get(
    json: mg_str,
    path: *const c_char,
    toklen: *mut c_int,
) -> c_int {
    guard!("mg_json_get", json::MG_JSON_INVALID, || {
        // SAFETY: the caller passes a valid view and a C string.
        let result = match unsafe { args("mg_json_get", json, path) } {
            Some((doc, path)) => json::get(doc, path),
            None => Err(JsonError::Invalid),
        };
        let (ofs, len) = match result {
            Ok(r) => match (c_int::try_from(r.start), c_int::try_from(r.len())) {
                (Ok(o), Ok(l)) => (o, l),
                _ => (JsonError::Invalid.code(), 0),
            },
            Err(e) => (e.code(), 0),
        };
        // SAFETY: NULL or the caller's int.
        unsafe { store(toklen, len) };
        ofs
    })
}

/// The raw text of the value at path (see mg_json_get()), pointing into
/// json; {NULL, 0} if there is none. Strings keep their quotes and escapes.
#[no_mangle]
pub unsafe extern "C" fn mg_json_get_tok(json: mg_str, path: *const c_char) -> mg_str {
    entry!("mg_json_get_tok", || {
        // SAFETY: the caller passes a valid view and a C string.
        let Some((doc, path)) = (unsafe { args("mg_json_get_tok", json, path) }) else {
            return mg_str::empty();
        };
        match json::get(doc, path) {
            Ok(r) => sub(json.buf, r),
            Err(_) => mg_str::empty(),
        }
    })
}

/// Reads the number at path into *v (v may be NULL). Returns false if there
/// is no number there. Numbers beyond the range of double give +/-HUGE_VAL.
#[no_mangle]
pub unsafe extern "C" fn mg_json_get_num(json: mg_str, path: *const c_char, v: *mut f64) -> bool {
    entry!("mg_json_get_num", || {
        // SAFETY: the caller passes a valid view and a C string.
        let Some((doc, path)) = (unsafe { args("mg_json_get_num", json, path) }) else {
            return false;
        };
        let Some(n) = json::get_num(doc, path) else {
            return false;
        };
        // SAFETY: NULL or the caller's double.
        unsafe { store(v, n) };
        true
    })
}

/// Reads the boolean (`true` or `false`) at path into *v (v may be NULL).
/// Returns false if there is no boolean there.
#[no_mangle]
pub unsafe extern "C" fn mg_json_get_bool(json: mg_str, path: *const c_char, v: *mut bool) -> bool {
    entry!("mg_json_get_bool", || {
        // SAFETY: the caller passes a valid view and a C string.
        let Some((doc, path)) = (unsafe { args("mg_json_get_bool", json, path) }) else {
            return false;
        };
        let Some(b) = json::get_bool(doc, path) else {
            return false;
        };
        // SAFETY: NULL or the caller's bool.
        unsafe { store(v, b) };
        true
    })
}

/// The number at path converted to long (truncated toward zero, saturating
/// at LONG_MIN/LONG_MAX), or dflt if there is no number there.
#[no_mangle]
pub unsafe extern "C" fn mg_json_get_long(
    json: mg_str,
    path: *const c_char,
    dflt: c_long,
) -> c_long {
    guard!("mg_json_get_long", dflt, || {
        // SAFETY: the caller passes a valid view and a C string.
        let Some((doc, path)) = (unsafe { args("mg_json_get_long", json, path) }) else {
            return dflt;
        };
        json::get_long(doc, path).map_or(dflt, |v| v as c_long)
    })
}

/// The string at path, unescaped (`\uXXXX` as UTF-8), in new NUL-terminated
/// memory from malloc(): release it with free() or mg_free(). NULL if there
/// is no string there.
#[no_mangle]
pub unsafe extern "C" fn mg_json_get_str(json: mg_str, path: *const c_char) -> *mut c_char {
    entry!("mg_json_get_str", || {
        // SAFETY: the caller passes a valid view and a C string.
        let Some((doc, path)) = (unsafe { args("mg_json_get_str", json, path) }) else {
            return std::ptr::null_mut();
        };
        match json::get_str(doc, path) {
            Some(s) => malloc_copy("mg_json_get_str", &s),
            None => std::ptr::null_mut(),
        }
    })
}

/// Shared tail of the decoding getters: the bytes in malloc() memory with a
/// NUL after them, their count in *len (when not NULL); NULL and 0 if None.
///
/// # Safety
/// `len` must be NULL or valid for writes.
unsafe fn decoded(func: &str, data: Option<Vec<u8>>, len: *mut c_int) -> *mut c_char {
    let (p, n) = match data {
        Some(d) => match c_int::try_from(d.len()) {
            Ok(n) => (malloc_copy(func, &d), n),
            Err(_) => (std::ptr::null_mut(), 0),
        },
        None => (std::ptr::null_mut(), 0),
    };
    // SAFETY: per this function's contract.
    unsafe { store(len, if p.is_null() { 0 } else { n }) };
    p
}

/// The string at path decoded from hex digits, in new memory from malloc()
/// (NUL-terminated; release with free()), its length in *len (len may be
/// NULL). NULL if there is no string there or it is not valid hex.
#[no_mangle]
pub unsafe extern "C" fn mg_json_get_hex(
    json: mg_str,
    path: *const c_char,
    len: *mut c_int,
) -> *mut c_char {
    entry!("mg_json_get_hex", || {
        // SAFETY: the caller passes a valid view and a C string.
        let data = unsafe { args("mg_json_get_hex", json, path) }
            .and_then(|(doc, path)| json::get_hex(doc, path));
        // SAFETY: NULL or the caller's int.
        unsafe { decoded("mg_json_get_hex", data, len) }
    })
}

/// The string at path decoded from base64, in new memory from malloc()
/// (NUL-terminated; release with free()), its length in *len (len may be
/// NULL). NULL if there is no string there or it is not valid base64.
#[no_mangle]
pub unsafe extern "C" fn mg_json_get_b64(
    json: mg_str,
    path: *const c_char,
    len: *mut c_int,
) -> *mut c_char {
    entry!("mg_json_get_b64", || {
        // SAFETY: the caller passes a valid view and a C string.
        let data = unsafe { args("mg_json_get_b64", json, path) }
            .and_then(|(doc, path)| json::get_b64(doc, path));
        // SAFETY: NULL or the caller's int.
        unsafe { decoded("mg_json_get_b64", data, len) }
    })
}

/// Writes the string at path, unescaped and NUL-terminated, into buf (room
/// for len bytes). Returns its length; 0 when there is no string there, it
/// is empty, or it does not fit (buf then holds "" when len > 0).
#[no_mangle]
pub unsafe extern "C" fn mg_json_unescape(
    json: mg_str,
    path: *const c_char,
    buf: *mut c_char,
    len: usize,
) -> usize {
    entry!("mg_json_unescape", || {
        nonnull!(buf);
        // SAFETY: the caller provides len writable bytes at buf.
        let out = unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, len) };
        // SAFETY: the caller passes a valid view and a C string.
        let s = unsafe { args("mg_json_unescape", json, path) }
            .and_then(|(doc, path)| json::get_str(doc, path));
        match s {
            Some(s) if s.len() < out.len() => {
                out[..s.len()].copy_from_slice(&s);
                out[s.len()] = 0;
                s.len()
            }
            _ => {
                if let Some(first) = out.first_mut() {
                    *first = 0;
                }
                0
            }
        }
    })
}

/// Iterates over the object or array obj (its whole text, e.g. from
/// mg_json_get_tok()). Start with ofs 0 and pass each return value to the
/// next call; 0 means no more entries. Each call sets *key to the member's
/// key with its quotes ({NULL, 0} for arrays) and *val to the raw value;
/// key and val may be NULL.
///
///   size_t ofs = 0;
///   struct mg_str key, val;
///   while ((ofs = mg_json_next(obj, ofs, &key, &val)) > 0) { ... }
#[no_mangle]
pub unsafe extern "C" fn mg_json_next(
    obj: mg_str,
    ofs: usize,
    key: *mut mg_str,
    val: *mut mg_str,
) -> usize {
    entry!("mg_json_next", || {
        // SAFETY: the caller passes a valid view.
        let Some(doc) = (unsafe { str_arg("mg_json_next", "obj", obj) }) else {
            return 0;
        };
        let Some(e) = json::next(doc, ofs) else {
            return 0;
        };
        // SAFETY: NULL or the caller's mg_str variables.
        unsafe {
            store(key, e.key.map_or(mg_str::empty(), |k| sub(obj.buf, k)));
            store(val, sub(obj.buf, e.val));
        }
        e.next
    })
}
