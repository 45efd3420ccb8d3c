//! Static files over HTTP: `mg_http_serve_dir` / `mg_http_serve_file`.
//!
//! A request URI is mapped under a root directory (or one of several
//! `/prefix=dir` mappings), checked so that it can never leave that root, and
//! answered with the file, an `index.html`, a directory listing, a redirect
//! or an error. Conditional requests (ETag, Last-Modified), single byte
//! ranges, precompressed `.gz` siblings and SSI includes are handled here.
//!
//! Small files go out in one piece with their headers. Larger ones are
//! streamed by a [`Transfer`] kept in the connection's private state:
//! [`pump`], called from the event loop's write path, moves the next part
//! with sendfile(2) (POSIX files on plain TCP) or reads it through the
//! connection's `mg_fs` into `c->send` when that runs low. Either way the
//! server never holds more than a bounded part of a file, however slow the
//! client. The response ends (`c->is_resp` cleared) when the last byte has
//! been handed over, and waiting pipelined requests are then served.
use crate::conn::Conn;
use crate::fs::{mg_fs, Fs, FsFile, Stat, MG_FS_READ};
use crate::http::{self, mg_http_message};
use std::io::Write as _;
use std::os::raw::c_char;

/// Options of mg_http_serve_dir() and mg_http_serve_file().
#[repr(C)]
pub struct mg_http_serve_opts {
    /// Web root, e.g. "web_root"; or comma-separated entries
    /// "web_root,/prefix=dir,..." in any order: the longest matching prefix
    /// wins, an entry without '=' is the root for the rest. NULL: ".".
    pub root_dir: *const c_char,
    /// Glob for files processed for SSI includes, e.g. "#.shtml"; NULL: none.
    pub ssi_pattern: *const c_char,
    /// Extra headers for every response, each ending in "\r\n"; NULL: none.
    pub extra_headers: *const c_char,
    /// Extra MIME types, "ext1=type1,ext2=type2"; "*=type" sets the
    /// default. NULL: the built-in table only.
    pub mime_types: *const c_char,
    /// Path of a file (on `fs`) sent with status 404 when a file is not
    /// found; NULL: a short text.
    pub page404: *const c_char,
    /// Filesystem to serve from; NULL: mg_fs_posix.
    pub fs: *mut mg_fs,
}

/// [`mg_http_serve_opts`] as Rust reads it; absent strings are empty.
#[derive(Clone, Copy)]
pub struct Opts<'a> {
    /// `root_dir`: the web root or the `/prefix=dir` list.
    pub root_dir: &'a [u8],
    /// `ssi_pattern`: the glob of files processed for SSI includes.
    pub ssi_pattern: &'a [u8],
    /// `extra_headers`: added to every response.
    pub extra_headers: &'a [u8],
    /// `mime_types`: extra `ext=type` entries.
    pub mime_types: &'a [u8],
    /// `page404`: the file sent with a 404.
    pub page404: &'a [u8],
    /// `fs`: the filesystem to serve from.
    pub fs: Fs,
}

/// Files up to this size are sent with their headers in one write; larger
/// ones are streamed.
const INLINE_MAX: u64 = 64 * 1024;

// ---------------------------------------------------------------------------
// Entry points

/// Serves the file or directory `hm->uri` names under `o.root_dir`.
///
/// # Safety
/// `hm` must be a message whose strings are valid.
pub unsafe fn serve_dir(c: &mut Conn, hm: &mg_http_message, o: &Opts) {
    // SAFETY: hm's strings are valid during the call.
    let uri = unsafe { hm.uri.as_bytes() };
    let (root, path) = match map_uri(uri, o.root_dir) {
        Ok(r) => r,
        Err((status, why)) => {
            return reply(c, &Request::new(hm), status, b"", o.extra_headers, why.as_bytes());
        }
    };
    let req = Request::new(hm);
    match stat_under(o.fs, Some(&root), &path) {
        Some(st) if st.is_dir() => serve_directory(c, &req, o, &root, &path, uri),
        Some(st) => serve_path(c, &req, &path, o, Some(&root), Some(st)),
        // A missing file may still exist precompressed.
        None if req.accepts_gzip() => serve_path(c, &req, &path, o, Some(&root), None),
        None => not_found(c, &req, o),
    }
}

/// Serves the file at `path` (on `o.fs`), whatever the request URI.
///
/// # Safety
/// As for [`serve_dir`].
pub unsafe fn serve_file(c: &mut Conn, hm: &mg_http_message, path: &[u8], o: &Opts) {
    serve_path(c, &Request::new(hm), path, o, None, None)
}

/// Sends the SSI-processed file `path` as an HTML page; `virtual` includes
/// resolve under `root`.
pub fn serve_ssi(c: &mut Conn, root: &[u8], path: &[u8], o: &Opts) {
    let mut out = Vec::new();
    ssi::ssi(o.fs, root, path, 0, &mut out);
    let mut headers = b"Content-Type: text/html; charset=utf-8\r\n".to_vec();
    headers.extend_from_slice(o.extra_headers);
    http::reply(c, 200, &headers, &out);
}

// ---------------------------------------------------------------------------
// The request

/// What the file server needs from a request.
pub(super) struct Request<'a> {
    method: &'a [u8],
    hm: &'a mg_http_message,
}

impl<'a> Request<'a> {
    fn new(hm: &'a mg_http_message) -> Self {
        // SAFETY: hm's strings are valid while it is.
        Request { method: unsafe { hm.method.as_bytes() }, hm }
    }

    fn header(&self, name: &[u8]) -> Option<&'a [u8]> {
        // SAFETY: header values point into the message.
        self.hm.header(name).map(|v| unsafe { v.as_bytes() })
    }

    fn is_head(&self) -> bool {
        self.method == b"HEAD"
    }

    /// The client accepts gzip (Accept-Encoding lists it without q=0).
    fn accepts_gzip(&self) -> bool {
        self.header(b"accept-encoding").is_some_and(|v| {
            v.split(|&b| b == b',').any(|item| {
                let mut parts = item.split(|&b| b == b';');
                let name = http::trim(parts.next().unwrap_or(b""));
                let zero_q = parts.any(|p| {
                    let p = http::trim(p);
                    p.len() > 2
                        && p[..2].eq_ignore_ascii_case(b"q=")
                        && p[2..].iter().all(|&b| b == b'0' || b == b'.')
                });
                name.eq_ignore_ascii_case(b"gzip") && !zero_q
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Responses

/// 404: the page404 file if configured and present, else a short text.
fn not_found(c: &mut Conn, req: &Request, o: &Opts) {
    if !o.page404.is_empty() {
        if let Some(st) = o.fs.stat(o.page404).filter(|s| !s.is_dir()) {
            if let Some(file) = o.fs.open(o.page404, MG_FS_READ) {
                let ctype = mime_type(o.page404, o.mime_types);
                let mut fields = Vec::with_capacity(128);
                field(&mut fields, b"Content-Type", &ctype);
                return send_body(c, req, 404, fields, o, file, 0, st.size);
            }
        }
    }
    reply(c, req, 404, b"", o.extra_headers, b"Not found\n");
}

fn serve_directory(c: &mut Conn, req: &Request, o: &Opts, root: &[u8], path: &[u8], uri: &[u8]) {
    if !uri.ends_with(b"/") {
        let mut h = Vec::with_capacity(uri.len() + 16);
        h.extend_from_slice(b"Location: ");
        h.extend_from_slice(uri);
        h.extend_from_slice(b"/\r\n");
        return reply(c, req, 301, &h, o.extra_headers, b"");
    }
    let mut index = path.to_vec();
    if !index.ends_with(b"/") {
        index.push(b'/');
    }
    let base = index.len();
    let mut candidates: Vec<&[u8]> = vec![b"index.html"];
    if !o.ssi_pattern.is_empty() {
        candidates.push(b"index.shtml");
    }
    for name in candidates {
        index.truncate(base);
        index.extend_from_slice(name);
        let st = stat_under(o.fs, Some(root), &index).filter(|s| !s.is_dir());
        let gz = || {
            let mut g = index.clone();
            g.extend_from_slice(b".gz");
            stat_under(o.fs, Some(root), &g).is_some_and(|s| !s.is_dir())
        };
        if st.is_some() || (req.accepts_gzip() && gz()) {
            return serve_path(c, req, &index, o, Some(root), st);
        }
    }
    let body = listing::listing(o, path, uri);
    reply(c, req, 200, b"Content-Type: text/html; charset=utf-8\r\n", o.extra_headers, &body);
}

/// Serves one file (or its `.gz` sibling) with conditionals and ranges.
/// With `root`, every path opened is checked against it for escaping links;
/// `known` is what [`stat_under`] already said about `path`.
fn serve_path(
    c: &mut Conn,
    req: &Request,
    path: &[u8],
    o: &Opts,
    root: Option<&[u8]>,
    known: Option<Stat>,
) {
    let fs = o.fs;
    let file_stat = |p: &[u8]| stat_under(fs, root, p).filter(|s| !s.is_dir());
    let plain_stat = || known.filter(|s| !s.is_dir()).or_else(|| file_stat(path));
    if transfer::active(c) {
        crate::log_error!("mg_http_serve_file", "{} a file is already being sent", c.id);
        return;
    }
    if is_ssi(path, o.ssi_pattern) {
        if plain_stat().is_none() {
            return not_found(c, req, o);
        }
        let root = root.map_or_else(|| parent(path).to_vec(), <[u8]>::to_vec);
        return serve_ssi(c, &root, path, o);
    }
    let mut gz_path = path.to_vec();
    gz_path.extend_from_slice(b".gz");
    let gz = if req.accepts_gzip() { file_stat(&gz_path) } else { None };
    let (open_path, st, gzip) = match gz {
        Some(st) => (&gz_path[..], st, true),
        None => match plain_stat() {
            Some(st) => (path, st, false),
            None => return not_found(c, req, o),
        },
    };
    let Some(file) = fs.open(open_path, MG_FS_READ) else {
        return not_found(c, req, o);
    };
    let etag = etag(&st);
    // A 304 carries the validators (and Vary) only: RFC 9110 section 15.4.5.
    let mut fields = Vec::with_capacity(256);
    field(&mut fields, b"Etag", etag.as_bytes());
    if st.mtime > 0 {
        field(&mut fields, b"Last-Modified", http_date(st.mtime).as_bytes());
    }
    if gzip {
        fields.extend_from_slice(b"Vary: Accept-Encoding\r\n");
    }
    if not_modified(req, &etag, st.mtime) {
        return send_head(c, req, 304, &fields, o.extra_headers, None);
    }
    field(&mut fields, b"Content-Type", &mime_type(path, o.mime_types));
    fields.extend_from_slice(b"Accept-Ranges: bytes\r\n");
    if gzip {
        fields.extend_from_slice(b"Content-Encoding: gzip\r\n");
    }
    let mut status = 200;
    let (mut start, mut len) = (0, st.size);
    if req.method == b"GET" && if_range_holds(req, &etag, st.mtime) {
        match req.header(b"range").map(|v| parse_range(v, st.size)) {
            Some(Range::Satisfiable(a, b)) => {
                status = 206;
                (start, len) = (a, b - a + 1);
                let v = format!("bytes {a}-{b}/{}", st.size);
                field(&mut fields, b"Content-Range", v.as_bytes());
            }
            Some(Range::Unsatisfiable) => {
                let h = format!("Content-Range: bytes */{}\r\n", st.size);
                return reply(
                    c,
                    req,
                    416,
                    h.as_bytes(),
                    o.extra_headers,
                    b"Range Not Satisfiable\n",
                );
            }
            Some(Range::Ignore) | None => {}
        }
    }
    send_body(c, req, status, fields, o, file, start, len);
}

/// A complete response with `body` (only its length for HEAD).
fn reply(c: &mut Conn, req: &Request, status: i32, fields: &[u8], extra: &[u8], body: &[u8]) {
    if req.is_head() {
        send_head(c, req, status, fields, extra, Some(body.len() as u64));
    } else {
        let mut h = Vec::with_capacity(fields.len() + extra.len());
        h.extend_from_slice(fields);
        h.extend_from_slice(extra);
        http::reply(c, status, &h, body);
    }
}

/// Sends the head (status line, `fields`, Content-Length when given,
/// extra headers) without ending the response.
fn send_head(
    c: &mut Conn,
    req: &Request,
    status: i32,
    fields: &[u8],
    extra: &[u8],
    length: Option<u64>,
) {
    let mut h = Vec::with_capacity(64 + fields.len() + extra.len());
    let _ = write!(h, "HTTP/1.1 {} {}\r\n", status, http::reason(status));
    h.extend_from_slice(fields);
    if let Some(n) = length {
        let _ = write!(h, "Content-Length: {n}\r\n");
    }
    h.extend_from_slice(http::connection_field(c, extra));
    h.extend_from_slice(extra);
    h.extend_from_slice(b"\r\n");
    if !c.send_data(&h) {
        return;
    }
    if length.is_none() || req.is_head() {
        http::end_response(c);
    }
}

/// Sends the head and `len` bytes of `file` from `start`: at once when
/// small, else as a streamed [`Transfer`].
#[allow(clippy::too_many_arguments)]
fn send_body(
    c: &mut Conn,
    req: &Request,
    status: i32,
    fields: Vec<u8>,
    o: &Opts,
    mut file: FsFile,
    start: u64,
    len: u64,
) {
    send_head(c, req, status, &fields, o.extra_headers, Some(len));
    if req.is_head() || c.is_closing() {
        return;
    }
    // sendfile(2) reads at explicit offsets; everything else reads on
    // from the file position.
    let raw = file.raw_fd().filter(|_| len > INLINE_MAX);
    if raw.is_none() && start > 0 && !file.seek(start) && !skip(&mut file, start) {
        c.error(crate::log::MG_LL_ERROR, b"cannot seek in file");
        return;
    }
    let mut t = Transfer { file, offset: start, remaining: len, raw, corked: false };
    if len <= INLINE_MAX {
        while t.remaining > 0 {
            if let Err(e) = refill(&mut c.send, &mut t) {
                c.error(crate::log::MG_LL_ERROR, e.as_bytes());
                return;
            }
        }
        return http::end_response(c);
    }
    transfer::start(c, t);
}

/// Reads and drops `n` bytes: seeking for a filesystem without `sk`.
pub(super) fn skip(file: &mut FsFile, mut n: u64) -> bool {
    let mut buf = [0u8; 8192];
    while n > 0 {
        let k = file.read(&mut buf[..n.min(8192) as usize]);
        if k == 0 {
            return false;
        }
        n -= k as u64;
    }
    true
}

pub(super) fn field(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

pub(super) fn parent(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(0) => b"/",
        Some(i) => &path[..i],
        None => b".",
    }
}

mod conditions;
mod listing;
mod mime;
mod path;
mod ssi;
mod transfer;

use conditions::{etag, http_date, if_range_holds, not_modified, parse_range, Range};
use mime::mime_type;
use path::{map_uri, stat_under};
use ssi::is_ssi;
use transfer::refill;
pub use transfer::{pump, Transfer};
