//! `mg_http_upload`; the work is done by `crate::upload`.
use super::{conn_arg, cstr, guard, null_arg};
use crate::conn::mg_connection;
use crate::fs::{mg_fs, Fs};
use crate::http::{self, mg_http_message};
use crate::str::mg_str;
use std::os::raw::{c_char, c_long};

/// Stores one part of a file upload sent as the body of `hm`: the query
/// names the file and where the part goes, `?file=NAME&offset=N`. The body
/// is appended to `dir/NAME` on `fs`; offset 0 (or none) starts the file
/// afresh, any other offset must equal the size stored so far. Replies 200
/// with the file's new size as the body and returns that size; an empty body
/// stores nothing (200, returns 0). Refused parts get 400 and a negative
/// return: -1 no file name, -2 a name that is not sane (mg_path_is_sane),
/// -3 a negative offset, -4 the file would exceed `max_size` bytes (the
/// file keeps its earlier parts, so the client can retry from there),
/// -5 the offset differs from the stored size, -6 the file cannot be opened.
#[no_mangle]
pub unsafe extern "C" fn mg_http_upload(
    c: *mut mg_connection,
    hm: *mut mg_http_message,
    fs: *mut mg_fs,
    dir: *const c_char,
    max_size: usize,
) -> c_long {
    const F: &str = "mg_http_upload";
    guard!(F, -1, || {
        if c.is_null() || hm.is_null() {
            null_arg(F, if c.is_null() { "c" } else { "hm" });
            return -1;
        }
        // SAFETY: dir is NULL or a C string; fs NULL or the program's table.
        let args = unsafe { cstr(F, "dir", dir) }.zip((!fs.is_null()).then_some(fs));
        let Some((dir, fs)) = args else {
            if fs.is_null() {
                null_arg(F, "fs");
            }
            // The client must not be left waiting.
            http::reply(&mut conn_arg!(c), 500, b"", b"upload not configured");
            return -1;
        };
        // SAFETY: hm is a parsed message, fs a valid table.
        unsafe { crate::upload::upload(&mut conn_arg!(c), &*hm, Fs::from_ptr(fs), dir, max_size) }
    })
}

/// Streams the body of the request `hm` (call it from MG_EV_HTTP_HDRS, or
/// MG_EV_HTTP_MSG) into the file `dir/name` on `fs` while it arrives, and
/// takes the connection over: `c->fn` becomes the library's upload handler
/// and `c->pfn` is cleared. Once the announced body is stored, or on a
/// failure, `fn(c, status)` is called with status NULL on success or a short
/// reason ("bad name", "open failed", "write error", "connection closed").
/// With `fn` NULL the library replies 200 "ok" or 500 with the reason. A
/// name that is not a plain file name (mg_path_is_sane, no `/`) is refused;
/// the file is written afresh.
#[no_mangle]
pub unsafe extern "C" fn mg_http_start_upload(
    c: *mut mg_connection,
    hm: *mut mg_http_message,
    name: mg_str,
    dir: mg_str,
    fs: *mut mg_fs,
    r#fn: Option<unsafe extern "C" fn(c: *mut mg_connection, status: *const c_char)>,
) {
    const F: &str = "mg_http_start_upload";
    guard!(F, (), || {
        if c.is_null() || hm.is_null() || fs.is_null() {
            return null_arg(
                F,
                if c.is_null() {
                    "c"
                } else if hm.is_null() {
                    "hm"
                } else {
                    "fs"
                },
            );
        }
        // SAFETY: views from the caller; fs is the program's table.
        unsafe {
            let (Some(name), Some(dir)) = (
                super::bytes(F, "name", name.buf as *const u8, name.len),
                super::bytes(F, "dir", dir.buf as *const u8, dir.len),
            ) else {
                return;
            };
            crate::upload::start_upload(c, &*hm, name, dir, Fs::from_ptr(fs), r#fn);
        }
    })
}
