//! `mg_http_upload`: a file arrives in parts, one request each, named by the
//! query (`?file=NAME&offset=N`); each part's body is appended to `DIR/NAME`
//! through an `mg_fs` table. Offset 0 starts the file afresh; a later offset
//! must equal the size stored so far, so parts cannot be skipped or repeated.
use crate::conn::Conn;
use crate::fs::{Fs, MG_FS_WRITE};
use crate::http::{self, mg_http_message};
use crate::http_util::get_var;
use crate::util::path_is_sane;
use std::os::raw::{c_char, c_long};

/// Why a part was refused: the status, the reply body and the (negative)
/// value `mg_http_upload` returns, as Mongoose numbers them.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What `mg_http_upload` returns.
    pub code: c_long,
    /// The HTTP status of the reply.
    pub status: i32,
    /// The reply body.
    pub message: String,
}

fn refuse(code: c_long, message: String) -> Refusal {
    Refusal { code, status: 400, message }
}

/// Query variable `name`, URL-decoded, as bytes (empty when absent, when it
/// does not decode or when it is longer than `max`).
fn query_var(query: &[u8], name: &[u8], max: usize) -> Vec<u8> {
    let mut buf = vec![0u8; max + 1];
    match usize::try_from(get_var(query, name, &mut buf)) {
        Ok(n) => {
            buf.truncate(n);
            buf
        }
        Err(_) => Vec::new(),
    }
}

/// The `offset` value read as C's `strtol(s, NULL, 0)` reads it (decimal,
/// `0x` hex or leading-0 octal; garbage reads as 0; overflow saturates), so
/// that clients written for Mongoose see the same numbers.
fn parse_offset(s: &[u8]) -> c_long {
    let mut z = s.to_vec();
    z.push(0);
    // SAFETY: z is NUL-terminated; endptr may be NULL.
    unsafe { libc::strtol(z.as_ptr().cast::<c_char>(), std::ptr::null_mut(), 0) }
}

/// Stores one part. Returns the file's size after the write, or a refusal.
/// An empty body stores nothing and returns 0, as Mongoose does.
pub fn store_part(
    query: &[u8],
    body: &[u8],
    fs: Fs,
    dir: &[u8],
    max_size: usize,
) -> Result<c_long, Refusal> {
    // The sizes Mongoose uses for these two variables.
    let offset = parse_offset(&query_var(query, b"offset", 19));
    let file = query_var(query, b"file", crate::config::MG_PATH_MAX - 1);
    let mut path = dir.to_vec();
    path.push(b'/');
    path.extend_from_slice(&file);
    let shown = String::from_utf8_lossy(&path).into_owned();
    if body.is_empty() {
        return Ok(0);
    }
    if file.is_empty() {
        return Err(refuse(-1, "file required".into()));
    }
    if !path_is_sane(&file) {
        // Shown as C's %s shows it: up to a NUL byte.
        let shown = file.split(|&b| b == 0).next().unwrap_or_default();
        return Err(refuse(-2, format!("{}: invalid file", String::from_utf8_lossy(shown))));
    }
    if offset < 0 {
        return Err(refuse(-3, "offset required".into()));
    }
    let end = usize::try_from(offset).ok().and_then(|o| o.checked_add(body.len()));
    if end.is_none_or(|e| e > max_size) {
        // Refused parts leave nothing behind: the earlier parts of this
        // upload are removed too. (Mongoose leaves them.)
        if offset > 0 {
            fs.remove(&path);
        }
        return Err(refuse(-4, format!("{shown}: over max size of {max_size}")));
    }
    if offset == 0 {
        fs.remove(&path);
    }
    let current = fs.stat(&path).map_or(0, |s| s.size);
    if offset > 0 && current != offset as u64 {
        return Err(refuse(-5, format!("{shown}: offset mismatch")));
    }
    let Some(mut f) = fs.open(&path, MG_FS_WRITE) else {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        return Err(refuse(-6, format!("open({shown}): {errno}")));
    };
    let written = f.write(body);
    drop(f);
    Ok(offset + written as c_long)
}

/// `mg_http_upload`: stores the part in `hm` and replies: 200 with the new
/// size as the body, or 400 with the reason.
///
/// # Safety
/// `hm` must be a message whose views are valid.
pub unsafe fn upload(
    c: &mut Conn,
    hm: &mg_http_message,
    fs: Fs,
    dir: &[u8],
    max_size: usize,
) -> c_long {
    // SAFETY: per the contract, hm's views are valid.
    let (query, body) = unsafe { (hm.query.as_bytes(), hm.body.as_bytes()) };
    let result = store_part(query, body, fs, dir, max_size);
    let (status, text, value) = match result {
        Ok(n) => (200, n.to_string(), n),
        Err(r) => {
            crate::log_debug!("mg_http_upload", "{}", r.message);
            (r.status, r.message, r.code)
        }
    };
    http::reply(c, status, b"", text.as_bytes());
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_like_strtol() {
        assert_eq!(parse_offset(b"123"), 123);
        assert_eq!(parse_offset(b"0x10"), 16);
        assert_eq!(parse_offset(b"010"), 8);
        assert_eq!(parse_offset(b"-5"), -5);
        assert_eq!(parse_offset(b"abc"), 0);
        assert_eq!(parse_offset(b""), 0);
        assert_eq!(parse_offset(b"99999999999999999999"), c_long::MAX);
    }

    #[test]
    fn refusals() {
        let fs = Fs::posix();
        let dir = b"/nonexistent-dir-for-test";
        let code = |q: &str, body: &[u8]| store_part(q.as_bytes(), body, fs, dir, 10);
        assert_eq!(code("file=a", b""), Ok(0));
        assert_eq!(code("offset=0", b"x").unwrap_err().code, -1);
        assert_eq!(code("file=../a", b"x").unwrap_err().code, -2);
        assert_eq!(code("file=a%2f..%2fb", b"x").unwrap_err().code, -2);
        assert_eq!(code("file=a%00b", b"x").unwrap_err().code, -2);
        assert_eq!(code("file=a&offset=-1", b"x").unwrap_err().code, -3);
        assert_eq!(code("file=a", b"01234567890").unwrap_err().code, -4);
        assert_eq!(code("file=a&offset=10", b"x").unwrap_err().code, -4);
        assert_eq!(code("file=a&offset=3", b"x").unwrap_err().code, -5);
        assert_eq!(code("file=a", b"x").unwrap_err().code, -6);
    }
}
