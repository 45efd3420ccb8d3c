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
use crate::conn::{self, ev, mg_connection};
use crate::fs::{mg_fs, Fs, FsFile, Stat, MG_FS_READ};
use crate::http::{self, mg_http_message};
use std::borrow::Cow;
use std::io::Write as _;
use std::os::fd::RawFd;
use std::os::raw::{c_char, c_long};

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
    pub root_dir: &'a [u8],
    pub ssi_pattern: &'a [u8],
    pub extra_headers: &'a [u8],
    pub mime_types: &'a [u8],
    pub page404: &'a [u8],
    pub fs: Fs,
}

/// Files up to this size are sent with their headers in one write; larger
/// ones are streamed.
const INLINE_MAX: u64 = 64 * 1024;
/// Buffered streaming reads this much at a time, and only while `c->send`
/// holds less than this, so a slow client costs at most twice this.
const CHUNK: usize = 128 * 1024;
/// Most bytes one sendfile(2) call is asked for, so one fast download does
/// not monopolise an iteration of the event loop.
const SENDFILE_MAX: usize = 4 << 20;
/// Nesting limit of SSI includes (a file including itself stops here).
const SSI_MAX_DEPTH: usize = 5;
/// Largest output of one SSI page, in bytes.
const SSI_MAX_OUTPUT: usize = 8 << 20;
/// Longest file path built from a request.
const PATH_MAX: usize = crate::config::MG_PATH_MAX;

/// A file being streamed to a connection (see [`pump`]).
#[derive(Debug)]
pub struct Transfer {
    file: FsFile,
    /// Offset in the file of the next byte to send.
    offset: u64,
    /// Bytes still to send.
    remaining: u64,
    /// The descriptor sendfile(2) reads, when it can be used.
    raw: Option<RawFd>,
    /// TCP_CORK is on for the socket while sendfile(2) streams the file.
    corked: bool,
}

// ---------------------------------------------------------------------------
// Entry points

/// Serves the file or directory `hm->uri` names under `o.root_dir`.
///
/// # Safety
/// `c` must be a live connection; `hm` a message whose strings are valid.
pub unsafe fn serve_dir(c: *mut mg_connection, hm: &mg_http_message, o: &Opts) {
    // SAFETY: hm's strings are valid during the call.
    let uri = unsafe { hm.uri.as_bytes() };
    let (root, path) = match map_uri(uri, o.root_dir) {
        Ok(r) => r,
        Err((status, why)) => {
            // SAFETY: c is live.
            return unsafe {
                reply(c, &Request::new(hm), status, b"", o.extra_headers, why.as_bytes())
            };
        }
    };
    let req = Request::new(hm);
    // SAFETY: c is live.
    unsafe {
        match stat_under(o.fs, Some(&root), &path) {
            Some(st) if st.is_dir() => serve_directory(c, &req, o, &root, &path, uri),
            Some(st) => serve_path(c, &req, &path, o, Some(&root), Some(st)),
            // A missing file may still exist precompressed.
            None if req.accepts_gzip() => serve_path(c, &req, &path, o, Some(&root), None),
            None => not_found(c, &req, o),
        }
    }
}

/// Serves the file at `path` (on `o.fs`), whatever the request URI.
///
/// # Safety
/// As for [`serve_dir`].
pub unsafe fn serve_file(c: *mut mg_connection, hm: &mg_http_message, path: &[u8], o: &Opts) {
    // SAFETY: per the contract.
    unsafe { serve_path(c, &Request::new(hm), path, o, None, None) }
}

/// Sends the SSI-processed file `path` as an HTML page; `virtual` includes
/// resolve under `root`.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn serve_ssi(c: *mut mg_connection, root: &[u8], path: &[u8], o: &Opts) {
    let mut out = Vec::new();
    ssi(o.fs, root, path, 0, &mut out);
    let mut headers = b"Content-Type: text/html; charset=utf-8\r\n".to_vec();
    headers.extend_from_slice(o.extra_headers);
    // SAFETY: c is live.
    unsafe { http::reply(c, 200, &headers, &out) };
}

/// Moves the next part of the connection's file transfer, if any: with
/// sendfile(2) once `c->send` is empty, or by refilling `c->send` when it
/// runs low. Ends the response when the last byte is out, and serves any
/// pipelined requests that waited for it. Called by the event loop when the
/// socket may take data.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn pump(c: *mut mg_connection) {
    // SAFETY: c is live; the private state is re-fetched after handler calls.
    unsafe {
        let p = conn::private(c);
        let Some(t) = p.file.as_mut() else { return };
        let sendfile_ok = !(*c).is_tls() && !(*c).is_hexdumping();
        let moved = match (t.raw, p.sock, sendfile_ok) {
            (Some(src), Some(sock), true) => {
                if (*c).send.len > 0 || (p.write_blocked && !(*c).is_writable()) {
                    return;
                }
                let want = t.remaining.min(SENDFILE_MAX as u64) as usize;
                if !t.corked {
                    // Full-size segments while the file streams (TCP_NODELAY
                    // would push each sendfile's tail as a short one); the
                    // cork comes off, flushing the rest, at the end.
                    t.corked = crate::sock::set_cork(sock, true);
                }
                match sendfile(sock, src, t.offset, want) {
                    Ok(0) => Err("file shrank while being sent".to_string()),
                    Ok(n) => {
                        t.offset += n as u64;
                        t.remaining -= n as u64;
                        // Less than asked: the socket buffer is full.
                        p.write_blocked = n < want;
                        Ok(n)
                    }
                    Err(e) if crate::sock::would_block(&e) => {
                        p.write_blocked = true;
                        Ok(0)
                    }
                    Err(e) => Err(format!("sendfile: {e}")),
                }
            }
            _ => {
                if (*c).send.len >= CHUNK {
                    return;
                }
                refill(&mut (*c).send, t).map(|_| 0)
            }
        };
        match moved {
            Err(why) => {
                p.file = None;
                crate::net::raise_error(c, crate::log::MG_LL_DEBUG, why.as_bytes());
                return;
            }
            Ok(n) if n > 0 => {
                let mut n = n as c_long;
                conn::call(c, ev::WRITE, (&mut n as *mut c_long).cast());
            }
            Ok(_) => {}
        }
        let p = conn::private(c);
        if p.file.as_ref().is_some_and(|t| t.remaining == 0) {
            if let (Some(t), Some(sock)) = (p.file.as_ref(), p.sock) {
                if t.corked {
                    crate::sock::set_cork(sock, false);
                }
            }
            p.file = None; // closes the file
            http::end_response(c);
            if (*c).recv.len > 0 && !(*c).is_draining() && !(*c).is_closing() {
                // Requests that arrived meanwhile waited for this response.
                let mut n: c_long = 0;
                conn::call(c, ev::READ, (&mut n as *mut c_long).cast());
            }
        }
    }
}

/// Reads the next part of a buffered transfer into `send`.
fn refill(send: &mut crate::iobuf::mg_iobuf, t: &mut Transfer) -> Result<(), String> {
    let want = t.remaining.min(CHUNK as u64) as usize;
    if !send.reserve(want) {
        return Err("out of memory".into());
    }
    let n = t.file.read(&mut send.spare_mut()[..want]);
    if n == 0 {
        return Err("file shrank while being sent".into());
    }
    send.len += n;
    t.offset += n as u64;
    t.remaining -= n as u64;
    Ok(())
}

/// sendfile(2): up to `len` bytes of `src` from `offset` to socket `sock`.
fn sendfile(sock: RawFd, src: RawFd, offset: u64, len: usize) -> std::io::Result<usize> {
    let mut off = offset as libc::off_t;
    loop {
        // SAFETY: plain syscall on descriptors we hold; `off` is ours.
        let n = unsafe { libc::sendfile(sock, src, &mut off, len) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

// ---------------------------------------------------------------------------
// The request

/// What the file server needs from a request.
struct Request<'a> {
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
// From URI to path

/// (root, path) of a request: the root directory it falls under and the
/// path of the file it names.
type Mapped = (Vec<u8>, Vec<u8>);

/// Maps a request URI to (root, path) using `root_dir`: of the entries
/// whose prefix matches (at a '/' boundary) the longest prefix wins, so the
/// order of the entries does not matter; an entry without '=' is the root
/// for every URI no mapping claims. The rest of the URI is percent-decoded and must
/// be a sane path (no "..", NUL, leading "~"): otherwise 400.
fn map_uri(uri: &[u8], root_dir: &[u8]) -> Result<Mapped, (i32, &'static str)> {
    let root_dir = if root_dir.is_empty() { b"." as &[u8] } else { root_dir };
    let mut chosen: Option<(usize, &[u8])> = None;
    for entry in root_dir.split(|&b| b == b',') {
        let (prefix, dir) = match entry.iter().position(|&b| b == b'=') {
            Some(i) => (&entry[..i], &entry[i + 1..]),
            None => (&b""[..], entry),
        };
        let prefix = prefix.strip_suffix(b"/").unwrap_or(prefix);
        let boundary = uri.len() == prefix.len() || uri.get(prefix.len()) == Some(&b'/');
        let longer = chosen.is_none_or(|(len, _)| prefix.len() > len);
        if uri.starts_with(prefix) && boundary && !dir.is_empty() && longer {
            chosen = Some((prefix.len(), dir));
        }
    }
    let Some((skip, dir)) = chosen else { return Err((404, "Not found\n")) };
    let rest = &uri[skip..];
    let mut decoded = vec![0u8; rest.len() + 1];
    let Some(n) = crate::http_util::url_decode(rest, &mut decoded, false) else {
        return Err((400, "Invalid URI encoding\n"));
    };
    decoded.truncate(n);
    if !crate::util::path_is_sane(&decoded) {
        return Err((400, "Invalid path\n"));
    }
    let dir = if dir.len() > 1 { dir.strip_suffix(b"/").unwrap_or(dir) } else { dir };
    let mut path = dir.to_vec();
    match (dir.ends_with(b"/"), decoded.starts_with(b"/")) {
        (true, true) => path.extend_from_slice(&decoded[1..]),
        (false, false) if !decoded.is_empty() => {
            path.push(b'/');
            path.extend_from_slice(&decoded);
        }
        _ => path.extend_from_slice(&decoded),
    }
    if path.len() >= PATH_MAX {
        return Err((400, "Path too long\n"));
    }
    Ok((dir.to_vec(), path))
}

/// Stats `path` for serving. Under a `root` on the POSIX filesystem this is
/// also where symbolic links are checked: ".." never reaches here (see
/// [`map_uri`]), so only a link can lead outside the root, and a path that
/// goes through one that does is treated as missing. Each component below
/// the root is looked at with lstat(2), which for a path without links also
/// gives the answer; only a path with a link is resolved and compared.
fn stat_under(fs: Fs, root: Option<&[u8]>, path: &[u8]) -> Option<Stat> {
    use std::os::unix::ffi::OsStrExt;
    let Some(root) = root.filter(|r| path.starts_with(r) && fs.is_posix()) else {
        return fs.stat(path);
    };
    let os = |b: &[u8]| std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b));
    let mut cur = root.to_vec();
    let mut last = None;
    for comp in path[root.len()..].split(|&b| b == b'/').filter(|c| !c.is_empty()) {
        cur.push(b'/');
        cur.extend_from_slice(comp);
        let m = std::fs::symlink_metadata(os(&cur)).ok()?;
        if m.file_type().is_symlink() {
            // Dangling links fail to resolve: missing, too.
            let r = std::fs::canonicalize(os(root)).ok()?;
            let p = std::fs::canonicalize(os(path)).ok()?;
            return if p.starts_with(r) { fs.stat(path) } else { None };
        }
        last = Some(m);
    }
    match last {
        Some(m) => Some(crate::fs::stat_of(&m)),
        None => fs.stat(path),
    }
}

/// `path` matches the SSI glob; the common "#.ext" form without the glob
/// engine, as it is asked on every request.
fn is_ssi(path: &[u8], pattern: &[u8]) -> bool {
    match pattern.strip_prefix(b"#") {
        Some(suffix) if !suffix.iter().any(|b| b"#*?".contains(b)) => path.ends_with(suffix),
        _ => !pattern.is_empty() && crate::str::glob_match(path, pattern),
    }
}

// ---------------------------------------------------------------------------
// Responses

/// 404: the page404 file if configured and present, else a short text.
unsafe fn not_found(c: *mut mg_connection, req: &Request, o: &Opts) {
    // SAFETY: c is live.
    unsafe {
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
}

unsafe fn serve_directory(
    c: *mut mg_connection,
    req: &Request,
    o: &Opts,
    root: &[u8],
    path: &[u8],
    uri: &[u8],
) {
    // SAFETY: c is live.
    unsafe {
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
        let body = listing(o, path, uri);
        reply(c, req, 200, b"Content-Type: text/html; charset=utf-8\r\n", o.extra_headers, &body);
    }
}

/// Serves one file (or its `.gz` sibling) with conditionals and ranges.
/// With `root`, every path opened is checked against it for escaping links;
/// `known` is what [`stat_under`] already said about `path`.
unsafe fn serve_path(
    c: *mut mg_connection,
    req: &Request,
    path: &[u8],
    o: &Opts,
    root: Option<&[u8]>,
    known: Option<Stat>,
) {
    let fs = o.fs;
    let file_stat = |p: &[u8]| stat_under(fs, root, p).filter(|s| !s.is_dir());
    let plain_stat = || known.filter(|s| !s.is_dir()).or_else(|| file_stat(path));
    // SAFETY: c is live.
    unsafe {
        if conn::private(c).file.is_some() {
            crate::log_error!("mg_http_serve_file", "{} a file is already being sent", (*c).id);
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
}

/// A complete response with `body` (only its length for HEAD).
unsafe fn reply(
    c: *mut mg_connection,
    req: &Request,
    status: i32,
    fields: &[u8],
    extra: &[u8],
    body: &[u8],
) {
    // SAFETY: c is live.
    unsafe {
        if req.is_head() {
            send_head(c, req, status, fields, extra, Some(body.len() as u64));
        } else {
            let mut h = Vec::with_capacity(fields.len() + extra.len());
            h.extend_from_slice(fields);
            h.extend_from_slice(extra);
            http::reply(c, status, &h, body);
        }
    }
}

/// Sends the head (status line, `fields`, Content-Length when given,
/// extra headers) without ending the response.
unsafe fn send_head(
    c: *mut mg_connection,
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
    // SAFETY: c is live.
    unsafe {
        h.extend_from_slice(http::connection_field(c, extra));
        h.extend_from_slice(extra);
        h.extend_from_slice(b"\r\n");
        if !crate::net::send(c, &h) {
            return;
        }
        if length.is_none() || req.is_head() {
            http::end_response(c);
        }
    }
}

/// Sends the head and `len` bytes of `file` from `start`: at once when
/// small, else as a streamed [`Transfer`].
#[allow(clippy::too_many_arguments)]
unsafe fn send_body(
    c: *mut mg_connection,
    req: &Request,
    status: i32,
    fields: Vec<u8>,
    o: &Opts,
    mut file: FsFile,
    start: u64,
    len: u64,
) {
    // SAFETY: c is live.
    unsafe {
        send_head(c, req, status, &fields, o.extra_headers, Some(len));
        if req.is_head() || (*c).is_closing() {
            return;
        }
        // sendfile(2) reads at explicit offsets; everything else reads on
        // from the file position.
        let raw = file.raw_fd().filter(|_| len > INLINE_MAX);
        if raw.is_none() && start > 0 && !file.seek(start) && !skip(&mut file, start) {
            crate::net::raise_error(c, crate::log::MG_LL_ERROR, b"cannot seek in file");
            return;
        }
        let mut t = Transfer { file, offset: start, remaining: len, raw, corked: false };
        if len <= INLINE_MAX {
            while t.remaining > 0 {
                if let Err(e) = refill(&mut (*c).send, &mut t) {
                    crate::net::raise_error(c, crate::log::MG_LL_ERROR, e.as_bytes());
                    return;
                }
            }
            return http::end_response(c);
        }
        conn::private(c).file = Some(Box::new(t));
    }
}

/// Reads and drops `n` bytes: seeking for a filesystem without `sk`.
fn skip(file: &mut FsFile, mut n: u64) -> bool {
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

fn field(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

fn parent(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(0) => b"/",
        Some(i) => &path[..i],
        None => b".",
    }
}

// ---------------------------------------------------------------------------
// Validators, conditionals and ranges

/// A strong validator from the modification time and size.
fn etag(st: &Stat) -> String {
    format!("\"{}.{}\"", st.mtime, st.size)
}

/// If-None-Match (weak comparison, "*" matches) or, without it,
/// If-Modified-Since says the client's copy is current.
fn not_modified(req: &Request, etag: &str, mtime: libc::time_t) -> bool {
    if let Some(inm) = req.header(b"if-none-match") {
        let ours = etag.as_bytes();
        return inm.split(|&b| b == b',').any(|t| {
            let t = http::trim(t);
            t == b"*" || t.strip_prefix(b"W/").unwrap_or(t) == ours
        });
    }
    match req.header(b"if-modified-since").and_then(parse_http_date) {
        Some(since) => mtime > 0 && mtime <= since,
        None => false,
    }
}

/// If-Range: the Range applies only when the validator given is current
/// (an exact strong ETag, or exactly the Last-Modified date).
fn if_range_holds(req: &Request, etag: &str, mtime: libc::time_t) -> bool {
    match req.header(b"if-range") {
        None => true,
        Some(v) if v.starts_with(b"\"") => v == etag.as_bytes(),
        Some(v) => parse_http_date(v).is_some_and(|d| d == mtime && mtime > 0),
    }
}

/// What a Range header asks of a representation.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// Bytes `a..=b`, already clipped to the size.
    Satisfiable(u64, u64),
    /// A valid single range outside the content: 416.
    Unsatisfiable,
    /// Not a single valid byte range: serve the whole content (RFC 9110
    /// section 14.2 lets a server ignore such a Range).
    Ignore,
}

/// Parses a single `bytes=` range (RFC 9110 section 14.1.2) for content of
/// `size` bytes. Several ranges, other units, reversed or malformed ranges
/// are ignored; a first position at or past the end (however large) or a
/// zero-length suffix is unsatisfiable; a last position past the end is
/// clipped.
fn parse_range(v: &[u8], size: u64) -> Range {
    let v = http::trim(v);
    if v.len() < 6 || !v[..6].eq_ignore_ascii_case(b"bytes=") {
        return Range::Ignore;
    }
    let spec = http::trim(&v[6..]);
    if spec.contains(&b',') {
        return Range::Ignore;
    }
    let Some(dash) = spec.iter().position(|&b| b == b'-') else { return Range::Ignore };
    let (first, last) = (&spec[..dash], &spec[dash + 1..]);
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    // Digits that do not fit in u64 are still a (huge) valid position.
    let num = |s: &[u8]| {
        std::str::from_utf8(s).ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or(u64::MAX)
    };
    match (first.is_empty(), last.is_empty()) {
        (true, false) if digits(last) => {
            let n = num(last);
            if n == 0 || size == 0 {
                Range::Unsatisfiable
            } else {
                Range::Satisfiable(size.saturating_sub(n), size - 1)
            }
        }
        (false, _) if digits(first) && (last.is_empty() || digits(last)) => {
            let a = num(first);
            let b = if last.is_empty() { u64::MAX } else { num(last) };
            if b < a {
                Range::Ignore
            } else if a >= size {
                Range::Unsatisfiable
            } else {
                Range::Satisfiable(a, b.min(size - 1))
            }
        }
        _ => Range::Ignore,
    }
}

// ---------------------------------------------------------------------------
// Dates (RFC 9110 section 5.6.7, IMF-fixdate)

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month 1-12, day) to days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `t` (seconds since the epoch) as an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
fn http_date(t: libc::time_t) -> String {
    #[allow(clippy::useless_conversion)] // time_t is not i64 everywhere
    let t = i64::from(t);
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[m as usize - 1],
        y,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Parses an IMF-fixdate; None for anything else (the obsolete formats are
/// ignored, which only costs a full response).
fn parse_http_date(s: &[u8]) -> Option<libc::time_t> {
    let s = std::str::from_utf8(http::trim(s)).ok()?;
    let mut it = s.split(' ');
    let (_wd, d, mon, y, hms, gmt) =
        (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || gmt != "GMT" || d.len() != 2 || y.len() != 4 || hms.len() != 8 {
        return None;
    }
    let m = MONTHS.iter().position(|&x| x == mon)? as u32 + 1;
    let num =
        |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<i64>().ok()).flatten();
    let (d, y) = (num(d)?, num(y)?);
    let mut t = hms.split(':');
    let (hh, mm, ss) = (num(t.next()?)?, num(t.next()?)?, num(t.next()?)?);
    if !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = days_from_civil(y, m, d as u32);
    libc::time_t::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

// ---------------------------------------------------------------------------
// MIME types

/// Built-in types by extension (lowercase).
const MIME: &[(&str, &str)] = &[
    ("html", "text/html; charset=utf-8"),
    ("htm", "text/html; charset=utf-8"),
    ("shtml", "text/html; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("json", "application/json"),
    ("map", "application/json"),
    ("txt", "text/plain; charset=utf-8"),
    ("md", "text/markdown; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("xml", "application/xml"),
    ("ico", "image/x-icon"),
    ("gif", "image/gif"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("svg", "image/svg+xml"),
    ("webp", "image/webp"),
    ("avif", "image/avif"),
    ("bmp", "image/bmp"),
    ("wasm", "application/wasm"),
    ("pdf", "application/pdf"),
    ("zip", "application/zip"),
    ("gz", "application/gzip"),
    ("tgz", "application/gzip"),
    ("tar", "application/x-tar"),
    ("7z", "application/x-7z-compressed"),
    ("rar", "application/vnd.rar"),
    ("bin", "application/octet-stream"),
    ("exe", "application/octet-stream"),
    ("mp3", "audio/mpeg"),
    ("wav", "audio/wav"),
    ("ogg", "audio/ogg"),
    ("mp4", "video/mp4"),
    ("webm", "video/webm"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("ttf", "font/ttf"),
    ("otf", "font/otf"),
];

/// The Content-Type for `path`: an entry of `extra` ("ext=type,...", the
/// extension matched case-insensitively against the end of the name, "*"
/// for any), else the built-in table, else text/plain.
fn mime_type<'a>(path: &[u8], extra: &'a [u8]) -> Cow<'a, [u8]> {
    let name = &path[path.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1)..];
    let mut default = None;
    for entry in extra.split(|&b| b == b',') {
        let Some(eq) = entry.iter().position(|&b| b == b'=') else { continue };
        let (ext, ty) = (&entry[..eq], &entry[eq + 1..]);
        if ext == b"*" {
            default = default.or(Some(ty));
        } else if name.len() > ext.len()
            && name[name.len() - ext.len() - 1] == b'.'
            && name[name.len() - ext.len()..].eq_ignore_ascii_case(ext)
        {
            return Cow::Borrowed(ty);
        }
    }
    if let Some(ty) = default {
        return Cow::Borrowed(ty);
    }
    let ext = match name.iter().rposition(|&b| b == b'.') {
        Some(i) => &name[i + 1..],
        None => b"",
    };
    let ty = MIME
        .iter()
        .find(|(e, _)| e.as_bytes().eq_ignore_ascii_case(ext))
        .map_or("text/plain; charset=utf-8", |(_, t)| t);
    Cow::Borrowed(ty.as_bytes())
}

// ---------------------------------------------------------------------------
// Directory listing

fn html_escape(out: &mut Vec<u8>, s: &[u8]) {
    for &b in s {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            _ => out.push(b),
        }
    }
}

fn url_escape(out: &mut Vec<u8>, s: &[u8]) {
    let mut buf = vec![0u8; s.len() * 3 + 1];
    if let Some(n) = crate::http_util::url_encode(s, &mut buf) {
        out.extend_from_slice(&buf[..n]);
    }
}

/// An HTML page listing directory `dir` (shown as `uri`): each entry with a
/// link (percent-encoded), its name (HTML-escaped), modification time and
/// size; directories first, then files, each by name.
fn listing(o: &Opts, dir: &[u8], uri: &[u8]) -> Vec<u8> {
    let mut entries = Vec::new();
    o.fs.list(dir, |name| entries.push(name.to_vec()));
    let mut rows = Vec::with_capacity(entries.len());
    let mut path = dir.to_vec();
    if !path.ends_with(b"/") {
        path.push(b'/');
    }
    let base = path.len();
    for name in entries {
        path.truncate(base);
        path.extend_from_slice(&name);
        if let Some(st) = o.fs.stat(&path) {
            rows.push((!st.is_dir(), name, st));
        }
    }
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut out = Vec::with_capacity(512 + rows.len() * 160);
    out.extend_from_slice(b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ");
    html_escape(&mut out, uri);
    out.extend_from_slice(
        b"</title><style>td,th{padding:0 1em 0 0;text-align:left}td.s{text-align:right}</style>\
          </head>\n<body><h1>Index of ",
    );
    html_escape(&mut out, uri);
    out.extend_from_slice(
        b"</h1>\n<table><tr><th>Name</th><th>Modified</th><th>Size</th></tr>\n\
          <tr><td><a href=\"../\">..</a></td><td></td><td class=\"s\">[DIR]</td></tr>\n",
    );
    for (is_file, name, st) in rows {
        let slash: &[u8] = if is_file { b"" } else { b"/" };
        out.extend_from_slice(b"<tr><td><a href=\"");
        url_escape(&mut out, &name);
        out.extend_from_slice(slash);
        out.extend_from_slice(b"\">");
        html_escape(&mut out, &name);
        out.extend_from_slice(slash);
        out.extend_from_slice(b"</a></td><td>");
        let date = http_date(st.mtime);
        out.extend_from_slice(date.as_bytes());
        out.extend_from_slice(b"</td><td class=\"s\">");
        if is_file {
            let _ = write!(out, "{}", st.size);
        } else {
            out.extend_from_slice(b"[DIR]");
        }
        out.extend_from_slice(b"</td></tr>\n");
    }
    out.extend_from_slice(b"</table></body></html>\n");
    out
}

// ---------------------------------------------------------------------------
// SSI

/// Appends `path` to `out` with each `<!--#include file="x" -->` (relative
/// to the including file) or `<!--#include virtual="x" -->` (relative to
/// `root`) replaced by that file, processed the same way, SSI_MAX_DEPTH
/// levels deep at most. Include paths must be sane (no ".."), and the
/// output is capped at SSI_MAX_OUTPUT bytes.
fn ssi(fs: Fs, root: &[u8], path: &[u8], depth: usize, out: &mut Vec<u8>) {
    let Some(data) = fs.read_all(path) else { return };
    const OPEN: &[u8] = b"<!--#include ";
    let mut rest = &data[..];
    while let Some(i) = find(rest, OPEN) {
        append_capped(out, &rest[..i]);
        let tail = &rest[i + OPEN.len()..];
        let Some(end) = find(tail, b"-->") else {
            append_capped(out, &rest[i..]);
            return;
        };
        let directive = http::trim(&tail[..end]);
        rest = &tail[end + 3..];
        if depth + 1 >= SSI_MAX_DEPTH {
            continue;
        }
        let arg = |key: &[u8]| {
            let d = directive.strip_prefix(key)?.strip_prefix(b"=\"")?;
            let q = d.iter().position(|&b| b == b'"')?;
            Some(&d[..q])
        };
        let target = match (arg(b"file"), arg(b"virtual")) {
            (Some(f), _) => Some((parent(path), f)),
            (None, Some(v)) => Some((root, v)),
            _ => None,
        };
        if let Some((base, name)) = target {
            if crate::util::path_is_sane(name) {
                let mut p = base.to_vec();
                if !name.starts_with(b"/") {
                    p.push(b'/');
                }
                p.extend_from_slice(name);
                ssi(fs, root, &p, depth + 1, out);
            }
        }
    }
    append_capped(out, rest);
}

fn append_capped(out: &mut Vec<u8>, data: &[u8]) {
    let room = SSI_MAX_OUTPUT.saturating_sub(out.len());
    out.extend_from_slice(&data[..data.len().min(room)]);
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use Range::*;
        let r = |v: &str| parse_range(v.as_bytes(), 100);
        assert_eq!(r("bytes=0-9"), Satisfiable(0, 9));
        assert_eq!(r("bytes=90-"), Satisfiable(90, 99));
        assert_eq!(r("bytes=90-1000"), Satisfiable(90, 99));
        assert_eq!(r("bytes=-10"), Satisfiable(90, 99));
        assert_eq!(r("bytes=-1000"), Satisfiable(0, 99));
        assert_eq!(r("Bytes = 5-5 "), Ignore);
        assert_eq!(r("BYTES=5-5"), Satisfiable(5, 5));
        assert_eq!(r("bytes=100-"), Unsatisfiable);
        assert_eq!(r("bytes=100-200"), Unsatisfiable);
        assert_eq!(r("bytes=-0"), Unsatisfiable);
        assert_eq!(r("bytes=99999999999999999999999-"), Unsatisfiable);
        assert_eq!(r("bytes=1-99999999999999999999999"), Satisfiable(1, 99));
        assert_eq!(r("bytes=9-5"), Ignore);
        assert_eq!(r("bytes=-5-10"), Ignore);
        assert_eq!(r("bytes=0-1,5-6"), Ignore);
        assert_eq!(r("bytes=a-b"), Ignore);
        assert_eq!(r("bytes=-"), Ignore);
        assert_eq!(r("items=0-1"), Ignore);
        assert_eq!(r("bytes=+1-2"), Ignore);
        assert_eq!(parse_range(b"bytes=0-", 0), Unsatisfiable);
        assert_eq!(parse_range(b"bytes=-1", 0), Unsatisfiable);
    }

    #[test]
    fn dates() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        for t in [0, 784_111_777, 951_782_400, 1_700_000_000, 4_102_444_800] {
            assert_eq!(parse_http_date(http_date(t).as_bytes()), Some(t));
        }
        assert_eq!(parse_http_date(b"Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date(b"Sun Nov  6 08:49:37 1994"), None);
        assert_eq!(parse_http_date(b"Sun, 06 Nov 1994 25:49:37 GMT"), None);
    }

    #[test]
    fn mime() {
        let m = |p: &str, x: &str| {
            String::from_utf8(mime_type(p.as_bytes(), x.as_bytes()).into_owned()).unwrap()
        };
        assert_eq!(m("a/b.HTML", ""), "text/html; charset=utf-8");
        assert_eq!(m("x.js", ""), "text/javascript; charset=utf-8");
        assert_eq!(m("noext", ""), "text/plain; charset=utf-8");
        assert_eq!(m("a.dir/noext", ""), "text/plain; charset=utf-8");
        assert_eq!(m("a.txt", "foo=a/b,txt=c/d"), "c/d");
        assert_eq!(m("a.txt", "*=a/b,txt=c/d"), "c/d");
        assert_eq!(m("a.png", "*=a/b,txt=c/d"), "a/b");
        assert_eq!(m("a.tar.gz", "tar.gz=x/y"), "x/y");
        assert_eq!(m("atar.gz", "tar.gz=x/y"), "application/gzip");
    }

    #[test]
    fn uri_mapping() {
        let ok = |u: &str, r: &str| {
            let (root, p) = map_uri(u.as_bytes(), r.as_bytes()).unwrap();
            (String::from_utf8(root).unwrap(), String::from_utf8(p).unwrap())
        };
        let status = |u: &str, r: &str| map_uri(u.as_bytes(), r.as_bytes()).unwrap_err().0;
        assert_eq!(ok("/a.txt", "web"), ("web".into(), "web/a.txt".into()));
        assert_eq!(ok("/a.txt", ""), (".".into(), "./a.txt".into()));
        assert_eq!(ok("/%61.txt", "web/"), ("web".into(), "web/a.txt".into()));
        assert_eq!(ok("/x/y", "/x=/srv/x,web"), ("/srv/x".into(), "/srv/x/y".into()));
        assert_eq!(ok("/x", "/x=/srv/x,web"), ("/srv/x".into(), "/srv/x".into()));
        assert_eq!(ok("/xy", "/x=/srv/x,web"), ("web".into(), "web/xy".into()));
        assert_eq!(ok("/x/y", "web,/x=/srv/x"), ("/srv/x".into(), "/srv/x/y".into()));
        assert_eq!(ok("/x/y/z", "/x=a,/x/y=b,c"), ("b".into(), "b/z".into()));
        assert_eq!(ok("/x/y/z", "/x/y=b,/x=a"), ("b".into(), "b/z".into()));
        assert_eq!(ok("/x/q", "/x/y=b,/x=a"), ("a".into(), "a/q".into()));
        assert_eq!(ok("/", "/"), ("/".into(), "/".into()));
        assert_eq!(status("/xy", "/x=/srv/x"), 404);
        for bad in ["/../a", "/%2e%2e/a", "/..%2fa", "/a%00b", "/a/..%5cb", "/%zz"] {
            assert_eq!(status(bad, "web"), 400, "{bad}");
        }
    }
}
