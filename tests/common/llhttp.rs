//! Reading the test vectors of llhttp, the Node.js HTTP parser (MIT data,
//! vendored with its LICENSE in `tests/data/llhttp-vectors/{request,response}/*.md`), for the
//! data-driven parser tests `tests/llhttp_vectors.rs` (requests) and
//! `tests/llhttp_response_vectors.rs` (responses).
//!
//! Each vector is a markdown section with a `<!-- meta={...} -->` line, an
//! `http` block holding the raw input and a `log` block holding what llhttp
//! reported: spans (method, url, protocol, version, status, header fields
//! and values, body) and either `message complete` or `error code=N`. The
//! input block uses llhttp's conventions: each line break is CRLF, a
//! trailing `\` joins two lines (on the last line it is a literal `\`), and
//! `\r \n \t \f \xHH` are escapes (any other backslash is a literal byte;
//! the text, `\xHH` included, is UTF-8 encoded as llhttp's runner does).
//! Log lines this reader does not know (`pause`, `reset`, chunk and
//! chunk-extension events) are ignored.
use mongoose::http::{chunked_extent, dechunk_in_place, Framing, HttpError};
use std::path::PathBuf;

/// One vector.
pub struct Case {
    pub file: String,
    pub title: String,
    pub meta: String,
    pub input: Vec<u8>,
    pub log: Vec<String>,
}

/// Reads every vector of `tests/data/llhttp-vectors/<kind>/*.md`, in
/// file name order; panics when there are fewer than `min`.
pub fn load(kind: &str, min: usize) -> Vec<Case> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/llhttp-vectors").join(kind);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(d) => d
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect(),
        Err(e) => panic!(
            "llhttp vectors not found at {} ({e}); they are part of the repository",
            dir.display()
        ),
    };
    files.sort();
    let cases: Vec<Case> = files
        .iter()
        .flat_map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            parse_md(&name, &std::fs::read_to_string(p).unwrap())
        })
        .collect();
    assert!(cases.len() >= min, "only {} vectors found in {}", cases.len(), dir.display());
    cases
}

/// The llhttp input encoding: lines joined by CRLF, `\` at a line's end
/// joins it to the next, `\r \n \t \f \xHH` escapes.
fn decode_input(lines: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let b = line.as_bytes();
        let mut j = 0;
        let mut joined = false;
        while j < b.len() {
            if b[j] == b'\\' {
                match b.get(j + 1) {
                    Some(b'r') => out.push(b'\r'),
                    Some(b'n') => out.push(b'\n'),
                    Some(b't') => out.push(b'\t'),
                    Some(b'f') => out.push(0x0c),
                    Some(b'x')
                        if b.len() >= j + 4
                            && b[j + 2].is_ascii_hexdigit()
                            && b[j + 3].is_ascii_hexdigit() =>
                    {
                        // llhttp's runner encodes its input as UTF-8, so
                        // `\xff` is the code point U+00FF (two bytes).
                        let hex = std::str::from_utf8(&b[j + 2..j + 4]).unwrap();
                        let c = char::from(u8::from_str_radix(hex, 16).unwrap());
                        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        j += 4;
                        continue;
                    }
                    // On the last line, llhttp's runner keeps it literally.
                    None if i + 1 < lines.len() => {
                        joined = true;
                        j += 1;
                        continue;
                    }
                    _ => {
                        out.push(b'\\');
                        j += 1;
                        continue;
                    }
                }
                j += 2;
            } else {
                out.push(b[j]);
                j += 1;
            }
        }
        if !joined && i + 1 < lines.len() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

fn parse_md(file: &str, text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.lines().collect();
    let (mut cases, mut title, mut meta) = (Vec::new(), String::new(), String::new());
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.starts_with('#') {
            title = l.trim_start_matches('#').trim().to_string();
        } else if let Some(m) = l.strip_prefix("<!-- meta=") {
            meta = m.trim_end_matches("-->").trim().to_string();
        } else if l == "```http" {
            let end = i + 1 + lines[i + 1..].iter().position(|l| *l == "```").expect("http block");
            let input = decode_input(&lines[i + 1..end]);
            let log_start = end + lines[end..].iter().position(|l| *l == "```log").expect("log");
            let log_end = log_start
                + 1
                + lines[log_start + 1..].iter().position(|l| *l == "```").expect("log end");
            let log = lines[log_start + 1..log_end].iter().map(|s| s.to_string()).collect();
            cases.push(Case {
                file: file.to_string(),
                title: title.clone(),
                meta: meta.clone(),
                input,
                log,
            });
            i = log_end;
        }
        i += 1;
    }
    cases
}

/// A message as llhttp reported it.
#[derive(Default, Debug)]
pub struct LogMsg {
    /// Which of method, url, version and status (the reason phrase) llhttp
    /// finished before any error.
    pub method_done: bool,
    pub url_done: bool,
    pub version_done: bool,
    pub status_done: bool,
    pub method: Vec<u8>,
    pub url: Vec<u8>,
    /// Protocol and version, e.g. `HTTP/1.1`.
    pub proto: Vec<u8>,
    /// A response's reason phrase.
    pub reason: Vec<u8>,
    /// A response's status code, from the `headers complete` line.
    pub status: Option<u16>,
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub headers_complete: bool,
    pub body: Vec<u8>,
    pub complete: bool,
}

#[derive(Default, Debug)]
pub struct Log {
    pub msgs: Vec<LogMsg>,
    pub error: Option<u32>,
    /// What `llhttp_finish()` reported at the end of input: 0 safe, 1 safe
    /// with a callback (a message read until EOF completes), 2 unsafe.
    pub finish: Option<u32>,
}

fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split(' ').find_map(|w| w.strip_prefix(key))
}

/// Reads a log; span contents are taken from the input by offset and length.
pub fn parse_log(case: &Case) -> Log {
    let mut log = Log::default();
    let (mut name, mut value) = (Vec::new(), Vec::new());
    for line in &case.log {
        let off: Option<usize> = field(line, "off=").and_then(|v| v.parse().ok());
        if line.contains(" message begin") {
            log.msgs.push(LogMsg::default());
            continue;
        }
        if let Some(f) = field(line, "finish=") {
            log.finish = f.parse().ok();
            continue;
        }
        if let Some(code) = field(line, "code=") {
            log.error = code.parse().ok();
            continue;
        }
        let Some(m) = log.msgs.last_mut() else { continue };
        if let (Some(kind), Some(off), Some(len)) = (
            line.split("span[").nth(1).and_then(|s| s.split(']').next()),
            off,
            field(line, "len=").and_then(|v| v.parse::<usize>().ok()),
        ) {
            let bytes = &case.input[off..off + len];
            match kind {
                "method" => m.method.extend_from_slice(bytes),
                "url" => m.url.extend_from_slice(bytes),
                "protocol" => m.proto.extend_from_slice(bytes),
                "version" => {
                    m.proto.push(b'/');
                    m.proto.extend_from_slice(bytes);
                }
                "status" => m.reason.extend_from_slice(bytes),
                "header_field" if !m.headers_complete => name.extend_from_slice(bytes),
                "header_value" if !m.headers_complete => value.extend_from_slice(bytes),
                "body" => m.body.extend_from_slice(bytes),
                _ => {}
            }
        } else if line.ends_with(" method complete") {
            m.method_done = true;
        } else if line.ends_with(" url complete") {
            m.url_done = true;
        } else if line.ends_with(" version complete") {
            m.version_done = true;
        } else if line.ends_with(" status complete") {
            m.status_done = true;
        } else if line.ends_with(" header_value complete") && !m.headers_complete {
            m.headers.push((std::mem::take(&mut name), trim(&std::mem::take(&mut value)).to_vec()));
        } else if line.contains(" headers complete ") {
            m.headers_complete = true;
            m.status = field(line, "status=").and_then(|s| s.parse().ok()).filter(|&s| s != 0);
        } else if line.ends_with(" message complete") {
            m.complete = true;
        }
    }
    log
}

/// `b` without leading and trailing spaces and tabs.
pub fn trim(mut b: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = b {
        b = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = b {
        b = rest;
    }
    b
}

/// Bytes as an escaped string, for messages.
pub fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).escape_debug().to_string()
}

/// How our parse of a vector's whole input ended.
#[derive(Debug, PartialEq)]
pub enum End {
    /// Every byte was part of a complete message.
    Consumed,
    /// Waiting for more bytes of a body.
    Incomplete,
    /// Waiting for more bytes of a head.
    IncompleteHead,
    /// Refused with this status and reason.
    Error(u16, &'static str),
    /// The last message ended the connection (it asked to close); the bytes
    /// after it are never read.
    Closed,
    /// CONNECT, Upgrade or 101 Switching Protocols: the bytes after the
    /// message belong to another protocol.
    Upgraded,
}

/// The body at the start of `rest` of a message framed by Content-Length or
/// chunked coding, as the library delivers it (de-chunked), and the bytes
/// it took; or how the parse ends there (incomplete, or refused).
pub fn framed_body(framing: Framing, rest: &[u8]) -> Result<(Vec<u8>, usize), End> {
    match framing {
        Framing::Length(n) if rest.len() >= n => Ok((rest[..n].to_vec(), n)),
        Framing::Length(_) => Err(End::Incomplete),
        Framing::Chunked => match chunked_extent(rest) {
            Ok(Some((raw, len))) => {
                let mut body = rest[..raw].to_vec();
                let n = dechunk_in_place(&mut body);
                assert_eq!(n, len, "dechunk_in_place and chunked_extent disagree");
                body.truncate(n);
                Ok((body, raw))
            }
            Ok(None) => Err(End::Incomplete),
            Err(HttpError { status, reason }) => Err(End::Error(status, reason)),
        },
        Framing::UntilClose | Framing::LengthRequired => {
            unreachable!("{framing:?} has no framed body")
        }
    }
}
