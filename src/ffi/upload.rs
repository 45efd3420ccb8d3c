//! `mg_http_upload`; the work is done by `crate::upload`.
use super::{conn_arg, cstr, guard, null_arg};
use crate::conn::mg_connection;
use crate::fs::{mg_fs, Fs};
use crate::http::{self, mg_http_message};
use std::os::raw::{c_char, c_long};

/// Stores one part of a file upload sent as the body of `hm`: the query
/// names the file and where the part goes, `?file=NAME&offset=N`. The body
/// is appended to `dir/NAME` on `fs`; offset 0 (or none) starts the file
/// afresh, any other offset must equal the size stored so far. Replies 200
/// with the file's new size as the body and returns that size; an empty body
/// stores nothing (200, returns 0). Refused parts get 400 and a negative
/// return: -1 no file name, -2 a name that is not sane (mg_path_is_sane),
/// -3 a negative offset, -4 the file would exceed `max_size` bytes (the
/// upload's earlier parts are then deleted, so no partial file is left),
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
