//! Static file entry points: mg_http_serve_dir, mg_http_serve_file, mg_http_serve_ssi.
use super::{conn_arg, cstr, cstr_or_empty, entry, null_arg};
use crate::conn::mg_connection;
use crate::conn::Conn;
use crate::fs::Fs;
use crate::http::{self, mg_http_message};
use crate::serve::{self, mg_http_serve_opts, Opts};
use std::os::raw::c_char;

/// Reads the C options; NULL strings become empty, a NULL `fs` POSIX.
///
/// # Safety
/// `o` must point to valid options whose strings and `fs` outlive `'a`.
unsafe fn opts<'a>(o: &mg_http_serve_opts) -> Opts<'a> {
    // SAFETY: per the contract.
    unsafe {
        Opts {
            root_dir: cstr_or_empty(o.root_dir),
            ssi_pattern: cstr_or_empty(o.ssi_pattern),
            extra_headers: cstr_or_empty(o.extra_headers),
            mime_types: cstr_or_empty(o.mime_types),
            page404: cstr_or_empty(o.page404),
            fs: Fs::from_ptr(o.fs),
        }
    }
}

/// Checks the arguments common to the serve functions. On a NULL `hm` or
/// `opts` it logs and answers 500, so the client is not left waiting.
///
/// # Safety
/// Pointers are NULL or valid, as the C API documents.
unsafe fn args<'a>(
    func: &str,
    c: &mut Conn,
    hm: *mut mg_http_message,
    o: *const mg_http_serve_opts,
) -> Option<(&'a mg_http_message, Opts<'a>)> {
    // SAFETY: non-NULL pointers are valid per the contract.
    unsafe {
        if hm.is_null() || o.is_null() {
            null_arg(func, if hm.is_null() { "hm" } else { "opts" });
            http::reply(c, 500, b"", b"Internal Server Error\n");
            return None;
        }
        Some((&*hm, opts(&*o)))
    }
}

/// Serves the file or directory that `hm->uri` names under
/// `opts->root_dir`: the file itself (ETag/Last-Modified, If-None-Match and
/// If-Modified-Since give 304, a single Range 206 or 416, a `.gz` sibling is
/// sent with Content-Encoding: gzip to clients that accept it), a
/// directory's index.html, or an HTML listing; 301 adds the missing slash of
/// a directory URI; 400 for paths that try to leave the root, 404 for
/// missing files (with `opts->page404` as the body if set). Large files are
/// streamed; `c->is_resp` clears when the last byte is handed to the socket.
/// Call from an MG_EV_HTTP_MSG handler.
#[no_mangle]
pub unsafe extern "C" fn mg_http_serve_dir(
    c: *mut mg_connection,
    hm: *mut mg_http_message,
    opts: *const mg_http_serve_opts,
) {
    entry!("mg_http_serve_dir", || {
        let c = &mut conn_arg!(c);
        // SAFETY: arguments checked.
        unsafe {
            if let Some((hm, o)) = args("mg_http_serve_dir", c, hm, opts) {
                serve::serve_dir(c, hm, &o);
            }
        }
    })
}

/// Serves the file at `path` (on `opts->fs`) as mg_http_serve_dir() serves
/// a file, whatever `hm->uri` says: 404 when it is missing.
#[no_mangle]
pub unsafe extern "C" fn mg_http_serve_file(
    c: *mut mg_connection,
    hm: *mut mg_http_message,
    path: *const c_char,
    opts: *const mg_http_serve_opts,
) {
    entry!("mg_http_serve_file", || {
        let c = &mut conn_arg!(c);
        // SAFETY: arguments checked.
        unsafe {
            let Some((hm, o)) = args("mg_http_serve_file", c, hm, opts) else { return };
            let Some(path) = cstr("mg_http_serve_file", "path", path) else {
                return http::reply(c, 500, b"", b"Internal Server Error\n");
            };
            serve::serve_file(c, hm, path, &o);
        }
    })
}

/// Sends the POSIX file `fullpath` as an HTML page after processing its
/// `<!--#include file="..." -->` (relative to the file) and
/// `<!--#include virtual="..." -->` (relative to `root`) directives.
#[no_mangle]
pub unsafe extern "C" fn mg_http_serve_ssi(
    c: *mut mg_connection,
    root: *const c_char,
    fullpath: *const c_char,
) {
    entry!("mg_http_serve_ssi", || {
        let c = &mut conn_arg!(c);
        // SAFETY: strings are NULL or C strings.
        unsafe {
            let Some(path) = cstr("mg_http_serve_ssi", "fullpath", fullpath) else {
                return http::reply(c, 500, b"", b"Internal Server Error\n");
            };
            let o = Opts {
                root_dir: b"",
                ssi_pattern: b"",
                extra_headers: b"",
                mime_types: b"",
                page404: b"",
                fs: Fs::posix(),
            };
            serve::serve_ssi(c, cstr_or_empty(root), path, &o);
        }
    })
}
