//! `mg_http_upload`: a file arrives in parts, one request each, named by the
//! query (`?file=NAME&offset=N`); each part's body is appended to `DIR/NAME`
//! through an `mg_fs` table. Offset 0 starts the file afresh; a later offset
//! must equal the size stored so far, so parts cannot be skipped or repeated.
use crate::conn::{mg_connection, Conn};
use crate::fs::{Fs, FsFile, MG_FS_WRITE};
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
        // The file keeps its earlier parts, as in Mongoose: a client can
        // retry from the last good offset.
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

/// The callback of a streaming upload: NULL status on success, else a short
/// reason.
pub(crate) type UploadCb =
    Option<unsafe extern "C" fn(c: *mut mg_connection, status: *const c_char)>;

/// A streaming upload started by [`start_upload`], kept in the connection's
/// slots until it ends.
pub struct StreamUpload {
    expected: usize,
    received: usize,
    file: Option<FsFile>,
    cb: UploadCb,
}

/// The callback used when the program gives none: replies 200 "ok" or 500
/// with the reason, as Mongoose's default does.
unsafe extern "C" fn default_cb(c: *mut mg_connection, status: *const c_char) {
    // SAFETY: c is live during the callback; status is NULL or a C string.
    unsafe {
        let Some(mut conn) = Conn::from_raw(c) else { return };
        let text = if status.is_null() {
            b"ok".to_vec()
        } else {
            std::ffi::CStr::from_ptr(status).to_bytes().to_vec()
        };
        crate::log_info!("mg_http_start_upload", "{} {}", conn.id, String::from_utf8_lossy(&text));
        let mut body = text;
        body.push(b'\n');
        http::reply(&mut conn, if status.is_null() { 200 } else { 500 }, b"", &body);
    }
}

/// Ends the upload: the file is closed and the callback told `status`.
///
/// # Safety
/// `c` must be live.
unsafe fn finish(c: *mut mg_connection, st: StreamUpload, status: Option<&std::ffi::CStr>) {
    drop(st.file);
    if let Some(cb) = st.cb {
        // SAFETY: the program's callback with a live connection.
        unsafe { cb(c, status.map_or(std::ptr::null(), |s| s.as_ptr())) };
    }
}

/// The connection handler while a streaming upload runs (it replaces
/// `c->fn`): body bytes go to the file as they arrive.
unsafe extern "C" fn stream_handler(
    c: *mut mg_connection,
    ev: std::os::raw::c_int,
    ev_data: *mut std::os::raw::c_void,
) {
    use crate::conn::ev as e;
    // SAFETY: called by the library with a live connection.
    let Some(mut conn) = (unsafe { Conn::from_raw(c) }) else { return };
    if ev == e::READ {
        let (cbuf, p) = conn.parts();
        let Some(st) = p.layers.get::<StreamUpload>() else {
            cbuf.recv.len = 0; // done: whatever else arrives is not the body
            return;
        };
        let take = (st.expected - st.received).min(cbuf.recv.len);
        let data = &cbuf.recv.data()[..take];
        let ok = st.file.as_mut().is_some_and(|f| f.write(data) == take);
        st.received += take;
        let done = st.received >= st.expected;
        cbuf.recv.del(0, take);
        if !ok || done {
            let Some(st) = conn.private().layers.remove::<StreamUpload>() else { return };
            // SAFETY: c is live.
            unsafe { finish(c, st, (!ok).then_some(c"write error")) };
        }
    } else if ev == e::ERROR || ev == e::CLOSE {
        if let Some(st) = conn.private().layers.remove::<StreamUpload>() {
            let msg = if ev == e::ERROR && !ev_data.is_null() {
                // SAFETY: MG_EV_ERROR carries a C string.
                unsafe { std::ffi::CStr::from_ptr(ev_data as *const c_char) }.to_owned()
            } else {
                c"connection closed".to_owned()
            };
            // SAFETY: c is live until MG_EV_CLOSE returns.
            unsafe { finish(c, st, Some(&msg)) };
        }
    }
}

/// `mg_http_start_upload`: takes the connection over and streams the body
/// announced by `hm` (from MG_EV_HTTP_HDRS or MG_EV_HTTP_MSG) into
/// `dir/name` on `fs`, then tells `cb` (default: reply 200 "ok" / 500).
///
/// # Safety
/// `c` live, `hm` a message whose views are valid.
pub unsafe fn start_upload(
    c: *mut mg_connection,
    hm: &mg_http_message,
    name: &[u8],
    dir: &[u8],
    fs: Fs,
    cb: UploadCb,
) {
    let cb = cb.or(Some(default_cb));
    let fail = |msg: &std::ffi::CStr| {
        if let Some(f) = cb {
            // SAFETY: the program's callback, with a live connection.
            unsafe { f(c, msg.as_ptr()) };
        }
    };
    if !path_is_sane(name) || name.is_empty() || name.contains(&b'/') {
        return fail(c"bad name");
    }
    let mut path = dir.to_vec();
    path.push(b'/');
    path.extend_from_slice(name);
    // A new upload starts a new file (the library's posix files append).
    fs.remove(&path);
    let Some(file) = fs.open(&path, MG_FS_WRITE) else {
        return fail(c"open failed");
    };
    // SAFETY: c is live; hm's views are valid.
    unsafe {
        let Some(mut conn) = Conn::from_raw(c) else { return };
        // The head (and empty lines before it) leaves c->recv, when hm is
        // the message at its start.
        let start = conn.recv.buf as usize;
        let head = hm.head.buf as usize;
        if conn.recv.len > 0 && head >= start && head + hm.head.len <= start + conn.recv.len {
            conn.recv.del(0, head - start + hm.head.len);
        }
        conn.private().layers.insert(StreamUpload {
            expected: hm.body.len,
            received: 0,
            file: Some(file),
            cb,
        });
        conn.fn_ = Some(stream_handler);
        conn.pfn = None;
        conn.pfn_data = std::ptr::null_mut();
        let mut n: std::os::raw::c_long = 0;
        crate::conn::call(c, crate::conn::ev::READ, (&mut n as *mut std::os::raw::c_long).cast());
    }
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
