//! HTTP helpers on byte slices: variables in query strings and form bodies,
//! parameters in header values (`Cookie`, `Content-Disposition`), URL
//! percent-encoding, and credentials (Basic, Bearer, `access_token`).
//!
//! Everything here is safe Rust; `ffi::http_util` adapts it to the C API.
use crate::base64;
use crate::http::mg_http_message;

/// `mg_http_get_var` result: `buf` or `name` missing (or `buf` empty).
pub(crate) const VAR_BAD_SOURCE: i32 = -1;
/// `mg_http_get_var` result: no destination buffer.
pub(crate) const VAR_BAD_DEST: i32 = -2;
/// `mg_http_get_var` result: the value does not decode, or does not fit.
pub(crate) const VAR_DECODE_FAILED: i32 = -3;
/// `mg_http_get_var` result: no such variable.
pub(crate) const VAR_NOT_FOUND: i32 = -4;

use crate::http::trim;

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The value of parameter `name` in a header value made of `name=value`
/// pairs separated by `;` or `,`, as in `Cookie: a=1; b=2`,
/// `Content-Disposition: form-data; name="f"; filename="a b.txt"` or
/// `Authorization: Digest username="a", realm="b"`.
///
/// Names compare exactly (cookie names are case-sensitive) and a whole
/// parameter name is preferred: `id` finds `id=2` in `xid=1; id=2`. Items
/// without `=` (like `form-data` or the scheme `Digest`) are skipped. A
/// quoted value is returned without its quotes (backslash escapes are kept
/// as they are, the result is a view); an unquoted value ends at `;`, `,` or
/// whitespace. When no parameter has that exact name, Mongoose's rule
/// applies, which programs rely on: the first `name=` anywhere, so that
/// `access_token` finds the value of `secure_access_token` (Mongoose's
/// device-dashboard reads its login cookie that way). None when absent.
pub fn header_var<'a>(s: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    if name.is_empty() {
        return None;
    }
    exact_var(s, name).or_else(|| suffix_var(s, name))
}

/// The value starting at `s[i]` (just after `=` and any whitespace), and the
/// offset after it.
fn value_at(s: &[u8], mut i: usize) -> (&[u8], usize) {
    if s.get(i) == Some(&b'"') {
        let begin = i + 1;
        let mut j = begin;
        while j < s.len() && s[j] != b'"' {
            j += if s[j] == b'\\' { 2 } else { 1 };
        }
        let end = j.min(s.len());
        (&s[begin..end], (end + 1).min(s.len()))
    } else {
        let begin = i;
        while i < s.len() && !matches!(s[i], b';' | b',') && !is_ws(s[i]) {
            i += 1;
        }
        (&s[begin..i], i)
    }
}

/// [`header_var`] by whole parameter names.
fn exact_var<'a>(s: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    loop {
        while i < s.len() && (is_ws(s[i]) || s[i] == b';' || s[i] == b',') {
            i += 1;
        }
        if i >= s.len() {
            return None;
        }
        let start = i;
        while i < s.len() && !matches!(s[i], b'=' | b';' | b',') && !is_ws(s[i]) {
            i += 1;
        }
        let key = &s[start..i];
        while i < s.len() && is_ws(s[i]) {
            i += 1;
        }
        if i >= s.len() || s[i] != b'=' {
            // A bare item (a scheme such as `Digest`, or `form-data`): the
            // next item may follow after whitespace alone.
            continue;
        }
        i += 1;
        while i < s.len() && is_ws(s[i]) {
            i += 1;
        }
        let (value, next) = value_at(s, i);
        i = next;
        if key == name {
            return Some(value);
        }
        // Skip whatever follows the value up to the next separator.
        while i < s.len() && s[i] != b';' && s[i] != b',' && !is_ws(s[i]) {
            i += 1;
        }
    }
}

/// Mongoose's rule: the value after the first `name=` anywhere in `s`.
fn suffix_var<'a>(s: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = s
        .windows(name.len() + 1)
        .position(|w| w[..name.len()] == *name && w[name.len()] == b'=')?;
    Some(value_at(s, at + name.len() + 1).0)
}

/// The raw (still percent-encoded) value of variable `name` in a query
/// string or `application/x-www-form-urlencoded` body: `a=1&b=2`. Names
/// compare case-insensitively and must match a whole name. A variable
/// without `=` has no value and is not found. None when absent.
pub fn var<'a>(buf: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    if name.is_empty() {
        return None;
    }
    buf.split(|&b| b == b'&').find_map(|pair| {
        let eq = pair.iter().position(|&b| b == b'=')?;
        pair[..eq].eq_ignore_ascii_case(name).then_some(&pair[eq + 1..])
    })
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `src` into `dst` and NUL-terminates it. With `form`, `+`
/// decodes to a space. Returns the decoded length, or None when a `%` is
/// not followed by two hex digits or `dst` has no room for the result and
/// its NUL (then `dst`, if not empty, holds an empty string).
pub fn url_decode(src: &[u8], dst: &mut [u8], form: bool) -> Option<usize> {
    let result = decode_into(src, dst, form);
    if result.is_none() {
        if let Some(first) = dst.first_mut() {
            *first = 0;
        }
    }
    result
}

fn decode_into(src: &[u8], dst: &mut [u8], form: bool) -> Option<usize> {
    let (mut i, mut n) = (0, 0);
    while i < src.len() {
        let c = match src[i] {
            b'%' => {
                let hi = hex_value(*src.get(i + 1)?)?;
                let lo = hex_value(*src.get(i + 2)?)?;
                i += 3;
                hi << 4 | lo
            }
            b'+' if form => {
                i += 1;
                b' '
            }
            c => {
                i += 1;
                c
            }
        };
        if n + 1 >= dst.len() {
            return None;
        }
        dst[n] = c;
        n += 1;
    }
    *dst.get_mut(n)? = 0;
    Some(n)
}

/// Percent-encodes `src` into `dst` and NUL-terminates it: letters, digits
/// and `-._~` are kept, every other byte becomes `%xx` (lowercase hex).
/// Returns the encoded length, or None when the result and its NUL do not
/// fit (then `dst`, if not empty, holds an empty string).
pub fn url_encode(src: &[u8], dst: &mut [u8]) -> Option<usize> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
    let len: usize = src.iter().map(|&b| if keep(b) { 1 } else { 3 }).sum();
    if len >= dst.len() {
        if let Some(first) = dst.first_mut() {
            *first = 0;
        }
        return None;
    }
    let mut n = 0;
    for &b in src {
        if keep(b) {
            dst[n] = b;
            n += 1;
        } else {
            dst[n..n + 3].copy_from_slice(&[
                b'%',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
            n += 3;
        }
    }
    dst[n] = 0;
    Some(n)
}

/// `mg_http_get_var` on slices: decodes variable `name` of `buf` (form
/// encoding, so `+` is a space) into `dst`, NUL-terminated. Returns its
/// length or one of the `VAR_*` codes; `dst` holds an empty string on error.
pub fn get_var(buf: &[u8], name: &[u8], dst: &mut [u8]) -> i32 {
    let Some(first) = dst.first_mut() else {
        return VAR_BAD_DEST;
    };
    *first = 0;
    if buf.is_empty() {
        return VAR_BAD_SOURCE;
    }
    let Some(value) = var(buf, name) else {
        return VAR_NOT_FOUND;
    };
    match url_decode(value, dst, true) {
        Some(n) => i32::try_from(n).unwrap_or(VAR_DECODE_FAILED),
        None => VAR_DECODE_FAILED,
    }
}

fn strip_scheme<'a>(v: &'a [u8], scheme: &[u8]) -> Option<&'a [u8]> {
    let n = scheme.len();
    (v.len() > n && v[..n].eq_ignore_ascii_case(scheme) && v[n] == b' ').then(|| &v[n + 1..])
}

/// Credentials of a request: (user, password). Looked up in order:
/// - `Authorization: Basic <base64 of user:pass>` gives both (the user ends
///   at the first `:`); a Basic value that does not decode gives nothing;
/// - `Authorization: Bearer <token>` gives the token as the password;
/// - otherwise the `access_token` cookie, then the `access_token` query
///   variable (percent-decoded), give the password.
///
/// Scheme names compare case-insensitively (RFC 9110 section 11.1).
pub fn creds(hm: &mg_http_message) -> (Vec<u8>, Vec<u8>) {
    let header = |name: &[u8]| {
        // SAFETY: the message's strings point into its live buffer.
        hm.header(name).map(|v| unsafe { v.as_bytes() })
    };
    if let Some(auth) = header(b"Authorization") {
        let auth = trim(auth);
        if let Some(b64) = strip_scheme(auth, b"Basic") {
            let Some(plain) = base64::decode(trim(b64), base64::Variant::Standard) else {
                return (Vec::new(), Vec::new());
            };
            return match plain.iter().position(|&b| b == b':') {
                Some(colon) => (plain[..colon].to_vec(), plain[colon + 1..].to_vec()),
                None => (Vec::new(), Vec::new()),
            };
        }
        if let Some(token) = strip_scheme(auth, b"Bearer") {
            return (Vec::new(), trim(token).to_vec());
        }
    }
    if let Some(token) = header(b"Cookie").and_then(|c| header_var(c, b"access_token")) {
        if !token.is_empty() {
            return (Vec::new(), token.to_vec());
        }
    }
    // SAFETY: as above.
    let query = unsafe { hm.query.as_bytes() };
    if let Some(token) = var(query, b"access_token") {
        let mut buf = vec![0u8; token.len() + 1];
        if let Some(n) = url_decode(token, &mut buf, true) {
            buf.truncate(n);
            return (Vec::new(), buf);
        }
    }
    (Vec::new(), Vec::new())
}

/// The header line `Authorization: Basic <base64 of user:pass>\r\n`.
pub fn basic_auth_line(user: &[u8], pass: &[u8]) -> Vec<u8> {
    let mut line = b"Authorization: Basic ".to_vec();
    let plain = [user, b":", pass].concat();
    line.extend_from_slice(base64::encode(&plain, base64::Variant::Standard).as_bytes());
    line.extend_from_slice(b"\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_vars() {
        let cd = b"form-data; name=\"foo\"; filename=\"a b.txt\"";
        assert_eq!(header_var(cd, b"name"), Some(&b"foo"[..]));
        assert_eq!(header_var(cd, b"filename"), Some(&b"a b.txt"[..]));
        assert_eq!(header_var(cd, b"form-data"), None);
        assert_eq!(header_var(b"blah; access_token=hello", b"access_token"), Some(&b"hello"[..]));
        assert_eq!(header_var(b"xid=1; id=2", b"id"), Some(&b"2"[..]));
        assert_eq!(header_var(b"xid=1", b"id"), Some(&b"1"[..]));
        assert_eq!(header_var(br#"Digest username="a", realm="b""#, b"username"), Some(&b"a"[..]));
        assert_eq!(header_var(b"a=", b"a"), Some(&b""[..]));
        assert_eq!(header_var(b"a=\"x;y\"; b=2", b"b"), Some(&b"2"[..]));
        assert_eq!(header_var(b"a=\"unterminated", b"a"), Some(&b"unterminated"[..]));
        assert_eq!(header_var(b"a=1", b""), None);
        assert_eq!(header_var(b"", b"a"), None);
    }

    #[test]
    fn vars_and_decoding() {
        let q = b"key1=value1&key2=value2&key3=value%203&key4=value+4";
        let mut buf = [0u8; 32];
        assert_eq!(get_var(q, b"KEY1", &mut buf), 6);
        assert_eq!(get_var(q, b"key3", &mut buf), 7);
        assert_eq!(&buf[..8], b"value 3\0");
        assert_eq!(get_var(q, b"key4", &mut buf), 7);
        assert_eq!(get_var(q, b"key", &mut buf), VAR_NOT_FOUND);
        assert_eq!(get_var(q, b"key1", &mut buf[..1]), VAR_DECODE_FAILED);
        assert_eq!(get_var(q, b"key1", &mut buf[..0]), VAR_BAD_DEST);
        assert_eq!(get_var(b"", b"key1", &mut buf), VAR_BAD_SOURCE);
        assert_eq!(get_var(b"k=%", b"k", &mut buf), VAR_DECODE_FAILED);
        assert_eq!(url_decode(b"a=%123", &mut buf, false), Some(4));
        assert_eq!(&buf[..5], b"a=\x123\0");
        assert_eq!(url_decode(b"foo", &mut buf[..3], false), None);
        assert_eq!(url_decode(b"foo", &mut buf[..4], false), Some(3));
        let mut out = [0u8; 16];
        assert_eq!(url_encode(b"a@%>", &mut out), Some(10));
        assert_eq!(&out[..11], b"a%40%25%3e\0");
        assert_eq!(url_encode(b"a@%>", &mut out[..10]), None);
        assert_eq!(out[0], 0);
    }

    #[test]
    fn basic_auth() {
        assert_eq!(basic_auth_line(b"foo", b"bar"), b"Authorization: Basic Zm9vOmJhcg==\r\n");
    }
}
