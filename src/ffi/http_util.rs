//! HTTP helper entry points: variables, header parameters, URL encoding and
//! credentials. The work is done by `crate::http_util` on slices.
use super::{bytes, cstr, cstr_or_empty, entry, guard, nonnull, null_arg};
use crate::conn::mg_connection;
use crate::http::mg_http_message;
use crate::http_util::{self, VAR_BAD_DEST, VAR_BAD_SOURCE};
use crate::str::mg_str;
use std::os::raw::{c_char, c_int};

/// A caller's output buffer; NULL is accepted only with length 0.
///
/// # Safety
/// `p` must be NULL or point to `len` writable bytes valid for `'a`.
unsafe fn out_buf<'a>(func: &str, name: &str, p: *mut c_char, len: usize) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if p.is_null() {
        null_arg(func, name);
        return None;
    }
    // SAFETY: per the contract.
    Some(unsafe { std::slice::from_raw_parts_mut(p.cast::<u8>(), len) })
}

/// Copies `v` and a NUL into `buf` when both fit; otherwise `buf` gets an
/// empty string (a credential is never truncated).
fn put_cstr(buf: &mut [u8], v: &[u8]) {
    if v.len() < buf.len() {
        buf[..v.len()].copy_from_slice(v);
        buf[v.len()] = 0;
    } else if let Some(first) = buf.first_mut() {
        *first = 0;
    }
}

/// Returns the value of parameter `v` in the header value `s`, which is a
/// list of `name=value` pairs separated by `;` or `,`, as in a `Cookie`
/// header (`a=1; b=2`) or `Content-Disposition` (`form-data; name="x"`).
/// The name must match exactly; a quoted value is returned without its
/// quotes. The result points into `s`; `{NULL, 0}` when there is no such
/// parameter (an empty value gives a non-NULL `buf` with `len` 0).
#[no_mangle]
pub unsafe extern "C" fn mg_http_get_header_var(s: mg_str, v: mg_str) -> mg_str {
    entry!("mg_http_get_header_var", || {
        // SAFETY: both views describe readable memory per the API.
        let (s, v) = unsafe { (s.as_bytes(), v.as_bytes()) };
        http_util::header_var(s, v).map_or(mg_str::empty(), mg_str::from_bytes)
    })
}

/// Returns the raw, still URL-encoded value of variable `name` in `buf`, a
/// query string or form body (`a=1&b=2`); names compare case-insensitively.
/// The result points into `buf` and is not NUL-terminated; `{NULL, 0}` when
/// the variable is absent. Decode it with mg_url_decode().
#[no_mangle]
pub unsafe extern "C" fn mg_http_var(buf: mg_str, name: mg_str) -> mg_str {
    entry!("mg_http_var", || {
        // SAFETY: both views describe readable memory per the API.
        let (buf, name) = unsafe { (buf.as_bytes(), name.as_bytes()) };
        http_util::var(buf, name).map_or(mg_str::empty(), mg_str::from_bytes)
    })
}

/// URL-decodes variable `name` of `buf` (a query string or form body; `+`
/// decodes to a space) into `dst`, NUL-terminated. Returns the decoded
/// length, or: -1 when `buf` or `name` is NULL or `buf` is empty, -2 when
/// `dst` is NULL or `dst_len` is 0, -3 when the value does not decode or does
/// not fit, -4 when there is no such variable. On error `dst` (when usable)
/// holds an empty string.
#[no_mangle]
pub unsafe extern "C" fn mg_http_get_var(
    buf: *const mg_str,
    name: *const c_char,
    dst: *mut c_char,
    dst_len: usize,
) -> c_int {
    const F: &str = "mg_http_get_var";
    guard!(F, VAR_BAD_SOURCE, || {
        if dst.is_null() {
            null_arg(F, "dst");
            return VAR_BAD_DEST;
        }
        // SAFETY: dst holds dst_len bytes; buf and name are NULL or valid.
        unsafe {
            let Some(dst) = out_buf(F, "dst", dst, dst_len) else { return VAR_BAD_DEST };
            if dst.is_empty() {
                return VAR_BAD_DEST;
            }
            dst[0] = 0;
            if buf.is_null() {
                null_arg(F, "buf");
                return VAR_BAD_SOURCE;
            }
            let Some(name) = cstr(F, "name", name) else { return VAR_BAD_SOURCE };
            http_util::get_var((*buf).as_bytes(), name, dst)
        }
    })
}

/// URL-decodes `n` bytes at `s` into `to`, NUL-terminated; with `form`
/// non-zero, `+` decodes to a space. Returns the decoded length, or -1 when
/// a `%` is not followed by two hex digits or `to` (`to_len` bytes) has no
/// room for the result and its NUL.
#[no_mangle]
pub unsafe extern "C" fn mg_url_decode(
    s: *const c_char,
    n: usize,
    to: *mut c_char,
    to_len: usize,
    form: c_int,
) -> c_int {
    const F: &str = "mg_url_decode";
    guard!(F, -1, || {
        // SAFETY: s holds n bytes and to holds to_len bytes per the API.
        unsafe {
            let Some(src) = bytes(F, "s", s.cast(), n) else { return -1 };
            let Some(dst) = out_buf(F, "to", to, to_len) else { return -1 };
            http_util::url_decode(src, dst, form != 0)
                .and_then(|len| c_int::try_from(len).ok())
                .unwrap_or(-1)
        }
    })
}

/// URL-encodes `n` bytes at `s` into `buf`, NUL-terminated: letters, digits
/// and `-._~` are kept, other bytes become `%xx` (lowercase hex). Returns the
/// encoded length, or 0 when the result and its NUL do not fit in `len`
/// bytes (then `buf`, if `len` > 0, holds an empty string).
#[no_mangle]
pub unsafe extern "C" fn mg_url_encode(
    s: *const c_char,
    n: usize,
    buf: *mut c_char,
    len: usize,
) -> usize {
    const F: &str = "mg_url_encode";
    entry!(F, || {
        // SAFETY: s holds n bytes and buf holds len bytes per the API.
        unsafe {
            let Some(src) = bytes(F, "s", s.cast(), n) else { return 0 };
            let Some(dst) = out_buf(F, "buf", buf, len) else { return 0 };
            http_util::url_encode(src, dst).unwrap_or(0)
        }
    })
}

/// Fetches the credentials of request `hm` into `user` and `pass` (buffers
/// of `userlen` and `passlen` bytes), NUL-terminated. Looked up in order:
/// `Authorization: Basic` (fills both), `Authorization: Bearer` (fills
/// `pass` with the token), the `access_token` cookie, then the
/// `access_token` query variable (each fills `pass`). Missing credentials,
/// and values that do not fit their buffer, give empty strings.
#[no_mangle]
pub unsafe extern "C" fn mg_http_creds(
    hm: *mut mg_http_message,
    user: *mut c_char,
    userlen: usize,
    pass: *mut c_char,
    passlen: usize,
) {
    const F: &str = "mg_http_creds";
    entry!(F, || {
        // SAFETY: the buffers hold their lengths; hm is NULL or a parsed
        // message whose strings are alive.
        unsafe {
            let Some(user) = out_buf(F, "user", user, userlen) else { return };
            let Some(pass) = out_buf(F, "pass", pass, passlen) else { return };
            put_cstr(user, b"");
            put_cstr(pass, b"");
            nonnull!(hm);
            let (u, p) = http_util::creds(&*hm);
            put_cstr(user, &u);
            put_cstr(pass, &p);
        }
    })
}

/// Appends the request header line `Authorization: Basic <credentials>\r\n`
/// for `user` and `pass` (NULL means "") to `c->send`: call it between the
/// request line and the blank line that ends the headers.
#[no_mangle]
pub unsafe extern "C" fn mg_http_bauth(
    c: *mut mg_connection,
    user: *const c_char,
    pass: *const c_char,
) {
    const F: &str = "mg_http_bauth";
    entry!(F, || {
        nonnull!(c);
        // SAFETY: c is a connection (possibly a zeroed one outside any
        // manager: only c->send is touched); strings are NULL or C strings.
        unsafe {
            let Some(user) = cstr(F, "user", user) else { return };
            let line = http_util::basic_auth_line(user, cstr_or_empty(pass));
            if !(*c).send.append(&line) {
                crate::log_error!(F, "out of memory");
            }
        }
    })
}
