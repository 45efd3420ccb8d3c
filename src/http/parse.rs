//! HTTP/1.1 message parsing: request and response heads (with `httparse`),
//! body framing and the chunked coding. Pure functions over byte slices,
//! without `unsafe` (its tests read the C views of what was parsed).
#![deny(unsafe_code)]
use crate::config::{MG_MAX_HTTP_HEADERS, MG_MAX_RECV_SIZE};
use crate::str::mg_str;
use std::os::raw::c_int;

/// Largest request or response head accepted, in bytes.
pub const MAX_HEAD_SIZE: usize = 16 * 1024;

/// One header: name and value, pointing into the message.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mg_http_header {
    /// Header name, e.g. "Content-Type".
    pub name: mg_str,
    /// Header value, without surrounding whitespace.
    pub value: mg_str,
}

/// A parsed HTTP request or response; every field points into `c->recv` and
/// is valid only during the event. For a response, `method` is the version
/// ("HTTP/1.1"), `uri` the status code and `proto` the reason phrase.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mg_http_message {
    /// Request method, e.g. "GET".
    pub method: mg_str,
    /// Request path, without the query string.
    pub uri: mg_str,
    /// Query string, without the '?'.
    pub query: mg_str,
    /// Protocol, e.g. "HTTP/1.1".
    pub proto: mg_str,
    /// Headers; unused entries have a zero-length name.
    pub headers: [mg_http_header; MG_MAX_HTTP_HEADERS],
    /// Body (de-chunked for chunked messages).
    pub body: mg_str,
    /// Request or status line plus headers, up to and including the blank line.
    pub head: mg_str,
    /// Head plus body.
    pub message: mg_str,
}

impl Default for mg_http_message {
    fn default() -> Self {
        let e = mg_str::empty();
        mg_http_message {
            method: e,
            uri: e,
            query: e,
            proto: e,
            headers: [mg_http_header { name: e, value: e }; MG_MAX_HTTP_HEADERS],
            body: e,
            head: e,
            message: e,
        }
    }
}

/// How the body of a message is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Exactly this many bytes (0 for none).
    Length(usize),
    /// Chunked transfer coding.
    Chunked,
    /// Everything until the peer closes (responses only).
    UntilClose,
}

/// Why a message is refused: the status to answer with and a short reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpError {
    /// The status code to answer with.
    pub status: u16,
    /// A short reason, for the body and the log.
    pub reason: &'static str,
}

pub(super) const fn err(status: u16, reason: &'static str) -> HttpError {
    HttpError { status, reason }
}

/// A parsed head.
pub struct Head {
    /// Empty lines (CRLF) skipped before a request or status line; `hm.head`
    /// starts here.
    pub start: usize,
    /// Bytes up to the end of the head (including `start` and the final
    /// blank line): the body starts at this offset.
    pub len: usize,
    /// How the body is delimited.
    pub framing: Framing,
    /// The sender wants the connection kept open after this message.
    pub keep_alive: bool,
    /// The request carries `Expect: 100-continue`.
    pub expect_continue: bool,
    /// Status code (responses).
    pub status: u16,
    /// The message as C sees it; its strings point into the parsed buffer.
    pub hm: mg_http_message,
}

pub(super) fn view(b: &[u8]) -> mg_str {
    mg_str::from_bytes(b)
}

/// `b` without leading and trailing spaces and tabs (HTTP's optional whitespace).
pub(crate) fn trim(mut b: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = b {
        b = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = b {
        b = rest;
    }
    b
}

/// Finds the end of the head: the offset just past the empty line that ends
/// it. A line ends with CRLF or, as RFC 9112 section 2.2 allows and
/// Mongoose and nginx accept, a bare LF. A CR followed by anything but LF
/// is refused at once, because peers that disagree on line endings can be
/// made to see different messages. (Chunked framing stays strict: see
/// [`chunked_extent`].)
fn head_end(buf: &[u8]) -> Result<Option<usize>, HttpError> {
    let mut line_start = 0;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'\n' => {
                let content = if i > line_start && buf[i - 1] == b'\r' { i - 1 } else { i };
                if content == line_start && line_start > 0 {
                    return Ok(Some(i + 1));
                }
                line_start = i + 1;
            }
            b'\r' if buf.get(i + 1).is_some_and(|&n| n != b'\n') => {
                return Err(err(400, "bare CR in head"));
            }
            _ => {}
        }
    }
    Ok(None)
}

/// Bytes of empty lines (CRLF or LF) before a request or status line. RFC
/// 9112 section 2.2: a server should ignore at least one empty line before
/// the request line (some clients send a CRLF after a POST body); some
/// servers likewise send one after a response body (or after a 100
/// Continue), which a client skips in the same way.
fn empty_lines(buf: &[u8]) -> usize {
    let mut i = 0;
    loop {
        if buf[i..].starts_with(b"\r\n") {
            i += 2;
        } else if buf[i..].starts_with(b"\n") {
            i += 1;
        } else {
            return i;
        }
    }
}

/// The start of a request that cannot become valid: a method character
/// that is not a token character (`"\b23"`), so that mg_http_parse()
/// reports an error at once rather than waiting for more bytes.
fn bad_method_start(buf: &[u8]) -> bool {
    buf.iter().take_while(|&&b| b != b' ').any(|&b| !is_tchar(b))
}

/// RFC 9112 section 3.2: the request-target is origin-form (`/path`),
/// absolute-form (`http://host/path`), `*` (OPTIONS, or an extension
/// method) or authority-form (`host:port`, CONNECT only).
fn valid_target(method: &[u8], target: &[u8]) -> bool {
    if method == b"CONNECT" {
        return !target.is_empty() && !target.starts_with(b"/") && target.contains(&b':');
    }
    if target == b"*" {
        // OPTIONS, or an extension method that may define it (SSDP's
        // M-SEARCH and NOTIFY); never the other standard methods.
        const STANDARD: [&[u8]; 7] =
            [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"TRACE", b"PATCH"];
        return !STANDARD.contains(&method);
    }
    if target.starts_with(b"/") {
        return true;
    }
    // absolute-form: scheme "://" ...
    match target.windows(3).position(|w| w == b"://") {
        Some(i) if i > 0 => {
            let scheme = &target[..i];
            scheme[0].is_ascii_alphabetic()
                && scheme.iter().all(|&c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
        }
        _ => false,
    }
}

/// Whether `buf` holds a response (a status line, after any empty lines)
/// rather than a request: what mg_http_parse() is given can be either.
pub fn is_response(buf: &[u8]) -> bool {
    buf[empty_lines(buf)..].starts_with(b"HTTP/")
}

/// The status for a request line that httparse refused for its version: 505
/// for a well-formed `HTTP/d.d` we do not speak (HTTP/2.0, HTTP/0.9, ...),
/// 400 for anything else.
fn version_error(line: &[u8]) -> HttpError {
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    match parts.as_slice() {
        [_, _, [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            err(505, "unsupported HTTP version")
        }
        _ => err(400, "malformed request line"),
    }
}

/// Parses a decimal Content-Length strictly: digits only, no sign, no overflow.
fn parse_length(v: &[u8]) -> Option<usize> {
    if v.is_empty() || v.len() > 19 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// `value` is a comma-separated list with `token` in it (case-insensitive).
pub(crate) fn has_token(value: &[u8], token: &[u8]) -> bool {
    value.split(|&b| b == b',').any(|t| trim(t).eq_ignore_ascii_case(token))
}

/// What the Transfer-Encoding header fields of a message say, all fields
/// read as one comma-separated list of codings.
#[derive(Default)]
struct TransferCodings {
    /// At least one Transfer-Encoding field was present.
    seen: bool,
    /// Non-empty list elements.
    count: usize,
    /// Elements that are "chunked".
    chunked: usize,
    /// The last element is "chunked".
    last_chunked: bool,
}

impl TransferCodings {
    fn add(&mut self, value: &[u8]) {
        self.seen = true;
        for element in value.split(|&b| b == b',') {
            // A coding may carry parameters: `gzip;q=1` names gzip.
            let name = trim(element.split(|&b| b == b';').next().unwrap_or(b""));
            if trim(element).is_empty() {
                continue; // empty list elements are allowed and ignored
            }
            self.count += 1;
            self.last_chunked = name.eq_ignore_ascii_case(b"chunked");
            if self.last_chunked {
                self.chunked += 1;
            }
        }
    }

    /// RFC 9112 section 6.1 and 6.3: chunked must be the final coding and
    /// may appear only once, or the body length cannot be known (400). Any
    /// other coding is one we do not implement (501).
    fn check(&self) -> Result<(), HttpError> {
        if self.count == 0 {
            return Err(err(400, "empty Transfer-Encoding"));
        }
        if !self.last_chunked {
            return Err(err(400, "chunked is not the final transfer coding"));
        }
        if self.chunked > 1 {
            return Err(err(400, "chunked applied more than once"));
        }
        if self.count > 1 {
            return Err(err(501, "unsupported transfer coding"));
        }
        Ok(())
    }
}

/// Parses a request (`is_request`) or response head at the start of `buf`.
/// `Ok(None)`: incomplete. Every string in the result points into `buf`.
///
/// Rules beyond httparse's syntax checks (each refusal closes the
/// connection, so nothing after a bad message is ever read as a message):
/// - Lines end with CRLF or a bare LF; a bare CR anywhere in the head: 400.
///   Empty lines before a request or status line are skipped.
/// - A request-target that is not origin-form, absolute-form, `*` (OPTIONS)
///   or authority-form (CONNECT): 400.
/// - Heads over 16 KiB or with more than MG_MAX_HTTP_HEADERS fields: 431.
/// - A well-formed but unsupported version (`HTTP/2.0`): 505; other
///   malformed request lines: 400.
/// - Content-Length: digits only, at most one field (400); above
///   MG_MAX_RECV_SIZE with the head: 413.
/// - Transfer-Encoding together with Content-Length: 400; see
///   [`TransferCodings::check`] for the codings themselves.
/// - More than one Host field in a request: 400 (RFC 9112 section 3.2).
/// - A request with neither Content-Length nor Transfer-Encoding has an
///   empty body (RFC 9112 section 6.3, rule 7), POST and PUT too, as in
///   Mongoose (`curl -X POST` without data sends no length).
/// - Expect other than 100-continue: 417.
/// - A CONNECT request has no body, whatever its headers say; nor has a
///   1xx, 204 or 304 response.
pub fn parse_head(buf: &[u8], is_request: bool) -> Result<Option<Head>, HttpError> {
    let start = empty_lines(buf);
    if is_request && bad_method_start(&buf[start..]) {
        return Err(err(400, "malformed request line"));
    }
    let limit = buf.len().min(MAX_HEAD_SIZE + 4);
    let Some(end) = head_end(&buf[start.min(limit)..limit])? else {
        if buf.len() > MAX_HEAD_SIZE {
            return Err(err(431, "head too large"));
        }
        return Ok(None);
    };
    let len = start + end;
    if len > MAX_HEAD_SIZE {
        return Err(err(431, "head too large"));
    }
    let head = &buf[start..len];
    let line = &head[..head.iter().position(|&b| b == b'\n').unwrap_or(0)];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut raw = [httparse::EMPTY_HEADER; MG_MAX_HTTP_HEADERS];
    let mut hm = mg_http_message { head: view(head), ..Default::default() };
    let (version, status, n_headers);
    let mut method: &[u8] = b"";
    if is_request {
        let mut req = httparse::Request::new(&mut raw);
        match req.parse(head) {
            Ok(httparse::Status::Complete(_)) => {}
            Ok(httparse::Status::Partial) => return Err(err(400, "malformed request")),
            Err(httparse::Error::TooManyHeaders) => return Err(err(431, "too many headers")),
            Err(httparse::Error::Version) => return Err(version_error(line)),
            Err(_) => return Err(err(400, "malformed request")),
        }
        let mut parts = line.split(|&b| b == b' ');
        let (Some(m), Some(target), Some(proto), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err(400, "malformed request line"));
        };
        // httparse has checked the same line; make sure we read it alike.
        if Some(m) != req.method.map(str::as_bytes) || Some(target) != req.path.map(str::as_bytes) {
            return Err(err(400, "malformed request line"));
        }
        if !valid_target(m, target) {
            return Err(err(400, "invalid request-target"));
        }
        hm.method = view(m);
        method = m;
        match target.iter().position(|&b| b == b'?') {
            Some(q) => {
                hm.uri = view(&target[..q]);
                hm.query = view(&target[q + 1..]);
            }
            None => hm.uri = view(target),
        }
        hm.proto = view(proto);
        version = req.version.unwrap_or(1);
        status = 0;
        n_headers = req.headers.len();
    } else {
        let mut res = httparse::Response::new(&mut raw);
        match res.parse(head) {
            Ok(httparse::Status::Complete(_)) => {}
            Ok(httparse::Status::Partial) => return Err(err(400, "malformed response")),
            Err(httparse::Error::TooManyHeaders) => return Err(err(431, "too many headers")),
            Err(_) => return Err(err(400, "malformed response")),
        }
        let mut parts = line.splitn(3, |&b| b == b' ');
        hm.method = view(parts.next().unwrap_or(b""));
        hm.uri = view(parts.next().unwrap_or(b""));
        hm.proto = view(parts.next().unwrap_or(b""));
        version = res.version.unwrap_or(1);
        status = res.code.unwrap_or(0);
        n_headers = res.headers.len();
    }
    let mut length: Option<usize> = None;
    let mut codings = TransferCodings::default();
    let mut hosts = 0;
    let mut keep_alive = version >= 1;
    let mut expect_continue = false;
    for (i, h) in raw.iter().take(n_headers).enumerate() {
        let name = h.name.as_bytes();
        let value = trim(h.value);
        hm.headers[i] = mg_http_header { name: view(name), value: view(value) };
        if name.eq_ignore_ascii_case(b"content-length") {
            let n = parse_length(value).ok_or(err(400, "invalid Content-Length"))?;
            if length.is_some() {
                return Err(err(400, "duplicate Content-Length"));
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            codings.add(value);
        } else if name.eq_ignore_ascii_case(b"host") {
            hosts += 1;
        } else if name.eq_ignore_ascii_case(b"connection") {
            if has_token(value, b"close") {
                keep_alive = false;
            } else if has_token(value, b"keep-alive") {
                keep_alive = true;
            }
        } else if name.eq_ignore_ascii_case(b"expect") {
            if !value.eq_ignore_ascii_case(b"100-continue") {
                return Err(err(417, "unsupported Expect"));
            }
            expect_continue = true;
        }
    }
    if is_request && hosts > 1 {
        return Err(err(400, "more than one Host"));
    }
    let chunked = codings.seen;
    if chunked {
        if length.is_some() {
            return Err(err(400, "both Content-Length and Transfer-Encoding"));
        }
        codings.check()?;
        // RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 message
        // means its framing is suspect; close after this message.
        if version == 0 {
            keep_alive = false;
        }
    }
    let framing = if is_request && method == b"CONNECT" {
        // RFC 9110 section 9.3.6: a CONNECT request has no content; what
        // follows its head is tunnel data, whatever the headers say.
        Framing::Length(0)
    } else if !is_request && (status < 200 || status == 204 || status == 304) {
        // RFC 9112 section 6.3: these end at the empty line after the
        // head, whatever Content-Length or Transfer-Encoding say (a 304
        // announces the length the full response would have).
        Framing::Length(0)
    } else if chunked {
        Framing::Chunked
    } else if let Some(n) = length {
        Framing::Length(n)
    } else if is_request {
        Framing::Length(0)
    } else {
        Framing::UntilClose
    };
    Ok(Some(Head { start, len, framing, keep_alive, expect_continue, status, hm }))
}

impl Head {
    /// Points `hm.body` and `hm.message` at the body as the head announces
    /// it, before it has all arrived (what MG_EV_HTTP_HDRS and
    /// mg_http_parse() report, as in Mongoose): a Content-Length body is
    /// that long; any other is what follows the head in the `available`
    /// bytes so far. `base` is the start of the buffer the head was parsed
    /// from. The lengths may reach past the bytes received.
    pub fn announce_body(&mut self, base: *const u8, available: usize) {
        let len = match self.framing {
            Framing::Length(n) => n,
            Framing::Chunked | Framing::UntilClose => available - self.len,
        };
        self.hm.body = mg_str { buf: base.wrapping_add(self.len) as *mut _, len };
        self.hm.message = mg_str {
            buf: base.wrapping_add(self.start) as *mut _,
            len: (self.len - self.start).saturating_add(len),
        };
    }
}

/// Longest chunk-size line (size and extensions) accepted.
const MAX_CHUNK_LINE: usize = 4096;

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn skip_ws(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    &s[n..]
}

fn token_len(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| is_tchar(b)).count()
}

/// Length of the quoted-string at the start of `s` (which starts with '"'),
/// or None when it is unterminated or holds a byte it may not hold.
fn quoted_len(s: &[u8]) -> Option<usize> {
    let text = |b: u8| b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80;
    let mut i = 1;
    loop {
        match *s.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' if s.get(i + 1).is_some_and(|&b| text(b)) => i += 2,
            b if text(b) => i += 1,
            _ => return None,
        }
    }
}

/// RFC 9112 section 7.1.1:
/// `chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )` with
/// `ext-val = token / quoted-string`.
fn valid_chunk_ext(mut s: &[u8]) -> bool {
    while !s.is_empty() {
        let Some(rest) = skip_ws(s).strip_prefix(b";") else { return false };
        s = skip_ws(rest);
        let n = token_len(s);
        if n == 0 {
            return false;
        }
        s = &s[n..];
        if let Some(rest) = skip_ws(s).strip_prefix(b"=") {
            s = skip_ws(rest);
            let n = if s.first() == Some(&b'"') { quoted_len(s) } else { Some(token_len(s)) };
            match n {
                Some(n) if n > 0 => s = &s[n..],
                _ => return false,
            }
        }
    }
    true
}

/// Parses a chunk-size line without its CRLF: `1*HEXDIG [ chunk-ext ]`.
fn chunk_size(line: &[u8]) -> Option<usize> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let (hex, ext) = line.split_at(digits);
    let significant = &hex[hex.iter().take_while(|&&b| b == b'0').count()..];
    if digits == 0 || significant.len() > 15 || !valid_chunk_ext(ext) {
        return None;
    }
    usize::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

/// A trailer field line: `token ":" OWS value`, the value without controls.
fn valid_trailer(line: &[u8]) -> bool {
    let n = token_len(line);
    n > 0
        && line.get(n) == Some(&b':')
        && line[n + 1..].iter().all(|&b| b == b'\t' || b >= 0x20 && b != 0x7f)
}

/// The line at the start of `buf`, without its CRLF, and the length with it.
/// `Ok(None)`: incomplete. A bare LF, or a line longer than `max`, is refused.
fn crlf_line<'a>(
    buf: &'a [u8],
    max: usize,
    what: &'static str,
) -> Result<Option<(&'a [u8], usize)>, HttpError> {
    let window = &buf[..buf.len().min(max + 2)];
    match window.iter().position(|&b| b == b'\n') {
        Some(lf) if lf > 0 && window[lf - 1] == b'\r' => Ok(Some((&window[..lf - 1], lf + 1))),
        Some(_) => Err(err(400, what)),
        None if window.len() >= max + 2 => Err(err(400, what)),
        None => Ok(None),
    }
}

/// Checks a chunked body starting at `buf[0]`. `Ok(None)`: incomplete.
/// Otherwise returns (raw length including the last chunk and trailers,
/// decoded body length). Chunk-size lines, extensions and trailer fields
/// are checked against the RFC 9112 grammar; anything else is refused.
pub fn chunked_extent(buf: &[u8]) -> Result<Option<(usize, usize)>, HttpError> {
    chunked_extent_from(buf, &mut ChunkScan::default())
}

/// Where the scan of a chunked body stopped: the body arrives a read at a
/// time, and each scan resumes here instead of rescanning it all (a body
/// of many small chunks, trickled, would otherwise cost quadratic time).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ChunkScan {
    /// Offset of the first element (chunk or trailer line) not yet checked.
    pub pos: usize,
    /// Decoded body bytes before `pos`.
    pub body: usize,
    /// `pos` is inside the trailer section (the last chunk was seen).
    pub trailers: bool,
}

/// [`chunked_extent`] resuming at `scan`, which it advances past every
/// complete chunk and trailer line. `buf` must hold the same bytes as at
/// the previous call, with more appended.
pub fn chunked_extent_from(
    buf: &[u8],
    scan: &mut ChunkScan,
) -> Result<Option<(usize, usize)>, HttpError> {
    loop {
        if scan.trailers {
            // Trailer fields, then an empty line.
            let Some((line, n)) = crlf_line(&buf[scan.pos..], MAX_HEAD_SIZE, "invalid trailer")?
            else {
                return Ok(None);
            };
            if line.is_empty() {
                return Ok(Some((scan.pos + n, scan.body)));
            }
            if !valid_trailer(line) {
                return Err(err(400, "invalid trailer"));
            }
            scan.pos += n;
            continue;
        }
        let pos = scan.pos;
        let Some((line, n)) = crlf_line(&buf[pos..], MAX_CHUNK_LINE, "invalid chunk size")? else {
            return Ok(None);
        };
        let size = chunk_size(line).ok_or(err(400, "invalid chunk size"))?;
        if size == 0 {
            scan.pos = pos + n;
            scan.trailers = true;
            continue;
        }
        let body = scan.body.checked_add(size).ok_or(err(413, "body too large"))?;
        if body > MG_MAX_RECV_SIZE {
            return Err(err(413, "body too large"));
        }
        let end = pos + n + size;
        match buf.get(end..(end + 2).min(buf.len())) {
            None | Some([]) => return Ok(None),
            Some(b"\r") => return Ok(None),
            Some(b"\r\n") => {
                scan.pos = end + 2;
                scan.body = body;
            }
            Some(_) => return Err(err(400, "invalid chunk terminator")),
        }
    }
}

/// Decodes a complete chunked body in place: the data ends up contiguous at
/// the start of `buf`. Returns its length.
pub fn dechunk_in_place(buf: &mut [u8]) -> usize {
    let (mut rd, mut wr) = (0, 0);
    loop {
        let eol = buf[rd..].windows(2).position(|w| w == b"\r\n").unwrap_or(0);
        let line = &buf[rd..rd + eol];
        let size_part = trim(line.split(|&b| b == b';').next().unwrap_or(b""));
        let size = std::str::from_utf8(size_part)
            .ok()
            .and_then(|s| usize::from_str_radix(s, 16).ok())
            .unwrap_or(0);
        rd += eol + 2;
        if size == 0 {
            return wr;
        }
        buf.copy_within(rd..rd + size, wr);
        wr += size;
        rd += size + 2;
    }
}

/// The reason phrase for a status code.
pub fn reason(status: c_int) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[cfg(test)]
#[allow(unsafe_code)]
mod tests {
    use super::*;

    fn status(req: &[u8]) -> Option<u16> {
        match parse_head(req, true) {
            Ok(Some(_)) => None,
            Ok(None) => Some(0),
            Err(e) => Some(e.status),
        }
    }

    #[test]
    fn transfer_codings() {
        let te = |v: &str| {
            status(format!("POST / HTTP/1.1\r\nTransfer-Encoding: {v}\r\n\r\n").as_bytes())
        };
        assert_eq!(te("chunked"), None);
        assert_eq!(te("Chunked "), None);
        assert_eq!(te("gzip, chunked"), Some(501));
        assert_eq!(te("chunked, gzip"), Some(400));
        assert_eq!(te("gzip"), Some(400));
        assert_eq!(te("identity"), Some(400));
        assert_eq!(te("xchunked"), Some(400));
        assert_eq!(te("chunked, chunked"), Some(400));
        assert_eq!(te(""), Some(400));
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
            Some(400)
        );
    }

    #[test]
    fn request_lines_and_lengths() {
        assert_eq!(status(b"\r\n\r\nGET / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(status(b"GET / HTTP/2.0\r\n\r\n"), Some(505));
        assert_eq!(status(b"GET / HTTP/1.x\r\n\r\n"), Some(400));
        assert_eq!(status(b"GET / HTTP/1.1\rX: y\r\n\r\n"), Some(400));
        assert_eq!(status(b"POST / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(status(b"PUT / HTTP/1.0\r\n\r\n"), None);
        assert_eq!(status(b"GET / HTTP/1.0\n\n"), None);
        assert_eq!(status(b"GET / HTTP/1.1\nHost: x\r\n\n"), None);
        assert_eq!(status(b"GET / HTTP/1.1\nHost: x\n"), Some(0));
        assert_eq!(status(b"GET ! HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(status(b"GET * HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(status(b"OPTIONS * HTTP/1.1\r\n\r\n"), None);
        assert_eq!(status(b"GET http://a/b HTTP/1.1\r\n\r\n"), None);
        assert_eq!(status(b"GET a:443 HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(status(b"\x0823"), Some(400));
        assert_eq!(status(b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), None);
        assert_eq!(status(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), Some(400));
        let h = parse_head(b"\r\nCONNECT a:443 HTTP/1.1\r\nContent-Length: 5\r\n\r\n", true);
        let h = h.unwrap().unwrap();
        assert_eq!((h.start, h.framing), (2, Framing::Length(0)));
    }

    #[test]
    fn empty_lines_before_status_line() {
        let h = parse_head(b"\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
        let h = h.unwrap().unwrap();
        assert_eq!((h.start, h.len, h.status, h.framing), (4, 42, 200, Framing::Length(2)));
        // SAFETY: the strings point into the literal.
        let (version, code, reason, head) = unsafe {
            (
                h.hm.method.as_bytes(),
                h.hm.uri.as_bytes(),
                h.hm.proto.as_bytes(),
                h.hm.head.as_bytes(),
            )
        };
        assert_eq!((version, code, reason), (&b"HTTP/1.1"[..], &b"200"[..], &b"OK"[..]));
        assert!(head.starts_with(b"HTTP/1.1 200 OK\r\n"));
        // A bare LF is an empty line too; a bare CR is not.
        assert!(parse_head(b"\nHTTP/1.1 200 OK\r\n\r\n", false).unwrap().is_some());
        assert!(parse_head(b"\rHTTP/1.1 200 OK\r\n\r\n", false).is_err());
    }

    #[test]
    fn responses_without_body() {
        let framing = |r: &str| parse_head(r.as_bytes(), false).unwrap().unwrap().framing;
        let te = "Transfer-Encoding: chunked";
        for status in
            ["100 Continue", "101 Switching Protocols", "204 No Content", "304 Not Modified"]
        {
            assert_eq!(
                framing(&format!("HTTP/1.1 {status}\r\nContent-Length: 10\r\n\r\n")),
                Framing::Length(0)
            );
            assert_eq!(framing(&format!("HTTP/1.1 {status}\r\n{te}\r\n\r\n")), Framing::Length(0));
            assert_eq!(framing(&format!("HTTP/1.1 {status}\r\n\r\n")), Framing::Length(0));
        }
        assert_eq!(framing("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), Framing::Length(10));
        assert_eq!(framing(&format!("HTTP/1.1 200 OK\r\n{te}\r\n\r\n")), Framing::Chunked);
        assert_eq!(framing("HTTP/1.1 200 OK\r\n\r\n"), Framing::UntilClose);
    }

    #[test]
    fn chunk_lines() {
        let ext = |b: &[u8]| chunked_extent(b).map_err(|e| e.status);
        assert_eq!(ext(b"3\r\nabc\r\n0\r\n\r\n"), Ok(Some((13, 3))));
        assert_eq!(
            ext(b"3;a=b;c=\"x;\\\"y\"\r\nabc\r\n000\r\nT: v\r\n\r\n").map(|r| r.map(|r| r.1)),
            Ok(Some(3))
        );
        assert_eq!(ext(b"3 \r\nabc\r\n0\r\n\r\n"), Err(400));
        assert_eq!(ext(b"3;\r\nabc\r\n0\r\n\r\n"), Err(400));
        assert_eq!(ext(b"3;a=\"x\r\nabc\r\n0\r\n\r\n"), Err(400));
        assert_eq!(ext(b"-3\r\nabc\r\n0\r\n\r\n"), Err(400));
        assert_eq!(ext(b"3\nabc\r\n0\r\n\r\n"), Err(400));
        assert_eq!(ext(b"3\r\nabcX"), Err(400));
        assert_eq!(ext(b"3\r\nabc\r"), Ok(None));
        assert_eq!(ext(b"0\r\n bad\r\n\r\n"), Err(400));
        assert_eq!(ext(b"1000000000000000\r\n"), Err(400));
        assert_eq!(ext(b"0000000000000000001\r\nx\r\n0\r\n\r\n"), Ok(Some((29, 1))));
    }

    #[test]
    fn chunked_scan_resumes_where_it_stopped() {
        let mut body = Vec::new();
        for _ in 0..500 {
            body.extend_from_slice(b"1\r\nx\r\n");
        }
        body.extend_from_slice(b"0\r\nA: b\r\n\r\n");
        // Fed in pieces of every size from 1 to 13 bytes, the resumed scan
        // gives the answers of a full scan of each prefix...
        for step in 1..14 {
            let mut scan = ChunkScan::default();
            let mut end = 0;
            while end < body.len() {
                end = (end + step).min(body.len());
                let resumed = chunked_extent_from(&body[..end], &mut scan);
                assert_eq!(resumed, chunked_extent(&body[..end]), "prefix {end}");
                // ...having checked everything but the last partial element.
                assert!(scan.pos + 15 >= end || end == body.len(), "{} < {end}", scan.pos);
            }
            assert_eq!(scan.body, 500);
        }
    }
}
