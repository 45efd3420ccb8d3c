//! Data-driven test of the HTTP request parser (`http::parse_head` and
//! `http::chunked_extent`) against the request vectors of llhttp, the
//! Node.js parser: `tests/data/llhttp-vectors/request/*.md` (MIT data).
//! The vector format and its reader are in `tests/common/llhttp.rs`; the
//! response vectors are run by `tests/llhttp_response_vectors.rs`.
//!
//! We run the input through our parser the way the server does (messages
//! one after another, stopping after `Connection: close` or a protocol
//! upgrade) and check:
//! - valid vectors parse to the same messages: method, URL, version, header
//!   names and values, and body;
//! - error vectors, and every `lenient-*` vector (we have no lenient modes),
//!   are refused: the parse ends in an error, or in the connection closing
//!   before the offending bytes are read as a message. Messages completed
//!   before that point must still match.
//!
//! A few vectors exercise behaviour where we deliberately differ from llhttp;
//! they are listed in [`OVERRIDES`] with the reason and our expectation is
//! checked instead. Vectors that test llhttp API features with no
//! counterpart here are listed in [`SKIPS`].
use mongoose::http::{parse_head, Framing, HttpError, LENGTH_REQUIRED};

mod common;
use common::llhttp::{framed_body, load, parse_log, show, trim, Case, End, Log, LogMsg};

/// What a vector must do with our parser.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Parse to the messages in the log.
    Accept,
    /// Parse the head, then stop: CONNECT or `Upgrade` switches protocols.
    Upgrade,
    /// Be refused (error, or close before the bad bytes are a message),
    /// after at most `after` messages (None: those llhttp completed), with
    /// `status` when given.
    Reject { after: Option<usize>, status: Option<u16> },
}

const REJECT: Expect = Expect::Reject { after: None, status: None };

const fn refuse(status: u16) -> Expect {
    Expect::Reject { after: None, status: Some(status) }
}

/// Vectors where our expectation differs from llhttp's, and why. Besides
/// these, every POST or PUT without Content-Length or Transfer-Encoding is
/// expected to get 411 (our rule, see `http::parse_head`): llhttp gives it an
/// empty body.
const OVERRIDES: &[(&str, Expect, &str)] = &[
    (
        "No HTTP version",
        refuse(400),
        "an HTTP/0.9-style request line without a version: we speak HTTP/1.x only",
    ),
    (
        "PRI request HTTP2",
        Expect::Reject { after: Some(1), status: Some(400) },
        "the vector's `PRI * HTTP/1.1` is an ordinary request with an unknown method (the \
         application answers it), then the rest of the HTTP/2 preface, `SM`, is refused; the \
         real preface says HTTP/2.0 and gets 505",
    ),
    ("SOURCE request with ICE", refuse(400), "ICE/1.0 is not HTTP; llhttp also parses ICE"),
    ("OPTIONS request with RTSP", refuse(400), "RTSP/1.0 is not HTTP; llhttp also parses RTSP"),
    ("ANNOUNCE request with RTSP", refuse(400), "RTSP/1.0 is not HTTP; llhttp also parses RTSP"),
    (
        "POST with `chunked` as last transfer-encoding",
        refuse(501),
        "deflate before chunked: we implement no coding but chunked (RFC 9112 6.1: 501)",
    ),
    (
        "POST with `chunked` as last transfer-encoding (multiple headers)",
        refuse(501),
        "deflate before chunked: we implement no coding but chunked (RFC 9112 6.1: 501)",
    ),
    (
        "HTTP protocol and ANNOUNCE method",
        Expect::Accept,
        "methods are an open set of tokens (RFC 9110 9.1); llhttp refuses RTSP's methods with \
         HTTP, we accept any token and leave it to the application, as Mongoose does",
    ),
    (
        "Invalid method",
        Expect::Accept,
        "MKCOLA is a valid token; llhttp refuses methods it does not know, we leave them to \
         the application, as Mongoose does",
    ),
    (
        "Disallow UTF-8 in URI path in strict mode",
        Expect::Accept,
        "like Mongoose (its unit test parses `/слеш`) we accept obs-text in the request \
         target; it cannot change where a message ends",
    ),
];

/// Vectors that test llhttp API features with no counterpart in our parser.
const SKIPS: &[(&str, &str)] = &[(
    "Content-Length reset when no body is received",
    "skipBody: the llhttp caller declares that the message has no body \
     (on_headers_complete returning 1, for responses to HEAD); requests have no such mode",
)];

/// A message as our parser saw it.
#[derive(Debug)]
struct Got {
    method: Vec<u8>,
    url: Vec<u8>,
    proto: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// None: the body did not arrive in full (or was refused).
    body: Option<Vec<u8>>,
}

fn has_token(value: &[u8], token: &[u8]) -> bool {
    value.split(|&b| b == b',').any(|t| trim(t).eq_ignore_ascii_case(token))
}

/// Parses `input` as the server does: message after message.
fn run(input: &[u8]) -> (Vec<Got>, End) {
    let mut got = Vec::new();
    let mut pos = 0;
    loop {
        if pos == input.len() {
            return (got, End::Consumed);
        }
        let buf = &input[pos..];
        let head = match parse_head(buf, true) {
            Ok(Some(h)) => h,
            Ok(None) => return (got, End::IncompleteHead),
            Err(HttpError { status, reason }) => return (got, End::Error(status, reason)),
        };
        let hm = head.hm;
        // SAFETY: every string of hm points into `buf`.
        let (method, uri, query, proto) = unsafe {
            (hm.method.as_bytes(), hm.uri.as_bytes(), hm.query.as_bytes(), hm.proto.as_bytes())
        };
        // The request target is the URI, then '?' and the query if present.
        let url = if hm.query.buf.is_null() { uri.to_vec() } else { [uri, b"?", query].concat() };
        let headers: Vec<(Vec<u8>, Vec<u8>)> = hm
            .headers
            .iter()
            .take_while(|h| h.name.len > 0)
            // SAFETY: as above.
            .map(|h| unsafe { (h.name.as_bytes().to_vec(), h.value.as_bytes().to_vec()) })
            .collect();
        let upgrade = method == b"CONNECT"
            || headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(b"upgrade"))
                && headers.iter().any(|(n, v)| {
                    n.eq_ignore_ascii_case(b"connection") && has_token(v, b"upgrade")
                });
        let mut msg =
            Got { method: method.to_vec(), url, proto: proto.to_vec(), headers, body: None };
        let rest = &buf[head.len..];
        let used = match head.framing {
            Framing::UntilClose => unreachable!("requests have no read-until-close bodies"),
            Framing::LengthRequired => {
                return (got, End::Error(LENGTH_REQUIRED.status, LENGTH_REQUIRED.reason));
            }
            framing => match framed_body(framing, rest) {
                Ok((body, used)) => {
                    msg.body = Some(body);
                    used
                }
                Err(end) => {
                    got.push(msg);
                    return (got, end);
                }
            },
        };
        got.push(msg);
        pos += head.len + used;
        if upgrade {
            return (got, End::Upgraded);
        }
        if !head.keep_alive && pos < input.len() {
            return (got, End::Closed);
        }
    }
}

/// Compares our message with llhttp's; an error string when they differ.
fn compare(g: &Got, m: &LogMsg) -> Result<(), String> {
    if m.method_done && g.method != m.method {
        return Err(format!("method {:?} != {:?}", show(&g.method), show(&m.method)));
    }
    if m.url_done && g.url != m.url {
        return Err(format!("url {:?} != {:?}", show(&g.url), show(&m.url)));
    }
    if m.version_done && g.proto != m.proto {
        return Err(format!("proto {:?} != {:?}", show(&g.proto), show(&m.proto)));
    }
    if m.headers_complete && g.headers != m.headers {
        return Err(format!("headers {:?} != {:?}", g.headers, m.headers));
    }
    if m.complete {
        match &g.body {
            Some(b) if *b == m.body => {}
            b => return Err(format!("body {:?} != {:?}", b.as_deref().map(show), show(&m.body))),
        }
    }
    Ok(())
}

/// Checks one vector; an error string when it fails.
fn check(case: &Case, expect: Expect) -> Result<(), String> {
    let log = parse_log(case);
    let (mut got, mut end) = run(&case.input);
    match expect {
        Expect::Reject { after, status } => {
            // llhttp judges a head byte by byte; we judge it once it is
            // complete. For an input that stops inside a head, complete it
            // with an empty line: then it must be refused.
            if end == End::IncompleteHead {
                (got, end) = run(&[&case.input[..], b"\r\n\r\n"].concat());
            }
            if !matches!(end, End::Error(..) | End::Closed) {
                return Err(format!("accepted ({end:?}); expected a refusal"));
            }
            if let (Some(want), End::Error(got_status, reason)) = (status, &end) {
                if *got_status != want {
                    return Err(format!("refused with {got_status} ({reason}), expected {want}"));
                }
            }
            let complete: Vec<&Got> = got.iter().filter(|g| g.body.is_some()).collect();
            let allowed = after.unwrap_or(log.msgs.iter().filter(|m| m.complete).count());
            if complete.len() > allowed {
                return Err(format!("{} messages accepted before the refusal", complete.len()));
            }
            for (g, m) in complete.iter().zip(&log.msgs) {
                compare(g, m)?;
            }
        }
        Expect::Accept | Expect::Upgrade => {
            if let End::Error(status, reason) = end {
                return Err(format!("refused: {status} {reason}"));
            }
            if expect == Expect::Upgrade && end != End::Upgraded {
                return Err(format!("ended with {end:?}; expected a protocol upgrade"));
            }
            let waiting = matches!(end, End::Incomplete | End::IncompleteHead);
            match log.finish {
                Some(0) if end != End::Consumed => return Err(format!("finish: {end:?}")),
                Some(f) if f != 0 && !waiting => {
                    return Err(format!("finish={f} but ended with {end:?}"))
                }
                _ => {}
            }
            if log.error.is_some() && expect == Expect::Accept {
                // An error overridden: llhttp's log stops short, so check
                // the one request against its request line.
                let line = case.input.split(|&b| b == b'\r').next().unwrap_or(b"");
                let words: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
                return match got.as_slice() {
                    [g] if words.len() == 3 && g.method == words[0] && g.url == words[1] => Ok(()),
                    _ => Err(format!("parsed as {got:?}")),
                };
            }
            // The messages whose head llhttp finished.
            let want: Vec<&LogMsg> = log.msgs.iter().filter(|m| m.headers_complete).collect();
            if got.len() != want.len() {
                return Err(format!("{} messages, expected {} ({end:?})", got.len(), want.len()));
            }
            for (g, m) in got.iter().zip(want) {
                compare(g, m)?;
            }
        }
    }
    Ok(())
}

/// Our 411 rule: the index of the first POST/PUT in the log that has
/// neither Content-Length nor Transfer-Encoding.
fn needs_length(log: &Log) -> Option<usize> {
    log.msgs.iter().position(|m| {
        m.headers_complete
            && (m.method == b"POST" || m.method == b"PUT")
            && !m.headers.iter().any(|(n, _)| {
                n.eq_ignore_ascii_case(b"content-length")
                    || n.eq_ignore_ascii_case(b"transfer-encoding")
            })
    })
}

#[test]
fn llhttp_request_vectors() {
    let cases = load("request", 150);

    let (mut passed, mut skipped, mut overridden) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        if let Some((_, why)) = SKIPS.iter().find(|(t, _)| *t == case.title) {
            println!("skip {}: {}: {why}", case.file, case.title);
            skipped += 1;
            continue;
        }
        let lenient = case.meta.contains("request-lenient");
        let log = parse_log(case);
        let mut expect = match log.error {
            _ if lenient => REJECT,
            Some(22) => Expect::Upgrade, // llhttp pauses on CONNECT/Upgrade
            Some(_) => REJECT,
            None => Expect::Accept,
        };
        if let Some((_, e, _)) = OVERRIDES.iter().find(|(t, _, _)| *t == case.title) {
            expect = *e;
            overridden += 1;
        } else if let (Some(i), false) = (needs_length(&log), lenient) {
            expect = Expect::Reject { after: Some(i), status: Some(411) };
            overridden += 1;
        }
        match check(case, expect) {
            Ok(()) => passed += 1,
            Err(why) => failures.push(format!(
                "{}: {} [{}] expected {expect:?}: {why}\n    input: {:?}",
                case.file,
                case.title,
                case.meta,
                show(&case.input)
            )),
        }
    }
    println!(
        "llhttp request vectors: {passed} passed ({overridden} with a documented expectation of \
         our own), {skipped} skipped, {} failed, of {}",
        failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{} vectors failed:\n{}", failures.len(), failures.join("\n"));
    assert!(skipped <= SKIPS.len());
}
