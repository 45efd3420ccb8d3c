//! Data-driven test of HTTP response parsing, as HTTP client connections
//! (`mg_http_connect`) do it: `http::parse_head(buf, false)`, its
//! [`Framing`], `http::chunked_extent` and `http::dechunk_in_place`,
//! against the response vectors of llhttp, the Node.js parser:
//! `tests/data/llhttp-vectors/response/*.md` (MIT data; the format and
//! its reader are in `tests/common/llhttp.rs`).
//!
//! We run the input through our parser the way a client connection's
//! `http::process()` and `http::deliver_until_close()` do: responses one
//! after another; a response without a length (`Framing::UntilClose`) is
//! everything up to the close, and the end of the input is taken as the
//! close; after a response that ends the connection (`Connection: close`,
//! HTTP/1.0 without keep-alive) nothing more is read; after a 101 Switching
//! Protocols the bytes belong to the new protocol, which the application
//! takes over at MG_EV_HTTP_MSG (`process()` reads on only while the HTTP
//! handler is left in place), so we stop there, as the request test does at
//! an Upgrade. We check:
//! - valid vectors parse to the same responses: version, status code,
//!   reason phrase, header names and values, and body (for a response read
//!   until close, the bytes llhttp saw before the end of input);
//! - error vectors, and every `lenient-*` vector (we have no lenient modes),
//!   are refused: the parse ends in an error, or with the bytes after a
//!   response that ended the connection left unread. Responses completed
//!   before that point must still match.
//!
//! A few vectors exercise behaviour where we deliberately differ from llhttp;
//! they are listed in [`OVERRIDES`] with the reason and our expectation is
//! checked instead. Vectors that test llhttp API features with no
//! counterpart here are listed in [`SKIPS`]. (The `pause` vectors are run:
//! pausing is an llhttp API feature, but it does not change what is parsed,
//! and their `pause` log lines are ignored.)
use mongoose::http::{parse_head, Framing, HttpError};

mod common;
use common::llhttp::{framed_body, load, parse_log, show, Case, End, LogMsg};

/// What a vector must do with our parser.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Parse to the responses in the log.
    Accept,
    /// Parse to the responses in the log, the last a 101 Switching
    /// Protocols after which the bytes belong to another protocol.
    Upgrade,
    /// Be refused (error, or the rest left unread after a response that
    /// ended the connection), after at most the responses llhttp completed.
    Reject,
}

/// Vectors where our expectation differs from llhttp's, and why.
const OVERRIDES: &[(&str, Expect, &str)] = &[
    ("RTSP response", Expect::Reject, "RTSP/1.1 is not HTTP; llhttp also parses RTSP"),
    ("ICE response", Expect::Reject, "ICE/1.1 is not HTTP; llhttp also parses ICE"),
    (
        "HTTP version 0.9",
        Expect::Reject,
        "a status line saying HTTP/0.9 (which has no status line at all): we speak HTTP/1.x only",
    ),
    (
        "`chunked` before other transfer-encoding",
        Expect::Reject,
        "we implement no transfer coding but chunked and refuse responses with any other \
         (README: strict parsing). RFC 9112 6.3 lets a client read such a response until \
         close, as llhttp does, but its body would still be deflate-coded, which we cannot \
         decode; refusing misreads no byte",
    ),
    (
        "multiple transfer-encoding where chunked is not the last one",
        Expect::Reject,
        "`chunked, identity`: chunked is not the final coding and identity is no transfer \
         coding (RFC 9112 removed it); we refuse unknown codings where llhttp reads until close",
    ),
    (
        "`chunkedchunked` transfer-encoding does not enable chunked enconding",
        Expect::Reject,
        "`chunkedchunked` is an unknown coding: we refuse it where llhttp reads until close; \
         either way chunked is not enabled, which is what the vector is about",
    ),
];

/// Vectors that test llhttp API features with no counterpart in our parser.
const SKIPS: &[(&str, &str)] = &[(
    "Content-Length reset when no body is received",
    "skipBody: the llhttp caller declares that the response has no body (on_headers_complete \
     returning 1, for a response to HEAD), which cannot be told from the response itself; \
     parse_head has no such mode (it sees responses only), so a client that sends HEAD gets \
     Framing::Length(123) here",
)];

/// A response as our parser saw it.
#[derive(Debug)]
struct Got {
    /// `hm.method`: the version, e.g. `HTTP/1.1`.
    proto: Vec<u8>,
    /// `hm.uri` as a number (what `mg_http_status()` reads).
    status: Option<u16>,
    /// `Head::status` (what the library itself goes by).
    head_status: u16,
    /// `hm.proto`: the reason phrase.
    reason: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// None: the body did not arrive in full (or was refused).
    body: Option<Vec<u8>>,
    /// The body was read until the close (the end of the input).
    until_close: bool,
}

/// Parses `input` as a client connection does: response after response.
fn run(input: &[u8]) -> (Vec<Got>, End) {
    let mut got = Vec::new();
    let mut pos = 0;
    loop {
        if pos == input.len() {
            return (got, End::Consumed);
        }
        let buf = &input[pos..];
        let head = match parse_head(buf, false) {
            Ok(Some(h)) => h,
            Ok(None) => return (got, End::IncompleteHead),
            Err(HttpError { status, reason }) => return (got, End::Error(status, reason)),
        };
        let hm = head.hm;
        // SAFETY: every string of hm points into `buf`.
        let (proto, uri, reason) =
            unsafe { (hm.method.as_bytes(), hm.uri.as_bytes(), hm.proto.as_bytes()) };
        let status = std::str::from_utf8(uri).ok().and_then(|s| s.parse().ok());
        let headers = hm
            .headers
            .iter()
            .take_while(|h| h.name.len > 0)
            // SAFETY: as above.
            .map(|h| unsafe { (h.name.as_bytes().to_vec(), h.value.as_bytes().to_vec()) })
            .collect();
        let mut msg = Got {
            proto: proto.to_vec(),
            status,
            head_status: head.status,
            reason: reason.to_vec(),
            headers,
            body: None,
            until_close: false,
        };
        let rest = &buf[head.len..];
        let used = match head.framing {
            Framing::UntilClose => {
                // The end of the input is the close: deliver_until_close().
                msg.body = Some(rest.to_vec());
                msg.until_close = true;
                rest.len()
            }
            Framing::LengthRequired => unreachable!("responses never need a length"),
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
        if head.status == 101 {
            return (got, End::Upgraded);
        }
        if !head.keep_alive && pos < input.len() {
            return (got, End::Closed);
        }
    }
}

/// Compares our response with llhttp's; an error string when they differ.
fn compare(g: &Got, m: &LogMsg) -> Result<(), String> {
    if m.version_done && g.proto != m.proto {
        return Err(format!("version {:?} != {:?}", show(&g.proto), show(&m.proto)));
    }
    if m.headers_complete && (g.status != m.status || Some(g.head_status) != m.status) {
        return Err(format!("status {:?} (Head {}) != {:?}", g.status, g.head_status, m.status));
    }
    if m.status_done && g.reason != m.reason {
        return Err(format!("reason {:?} != {:?}", show(&g.reason), show(&m.reason)));
    }
    if m.headers_complete && g.headers != m.headers {
        return Err(format!("headers {:?} != {:?}", g.headers, m.headers));
    }
    // A body read until close is what llhttp saw before the end of input.
    if m.complete || g.until_close {
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
        Expect::Reject => {
            // llhttp judges a head byte by byte; we judge it once it is
            // complete. For an input that stops inside a head, complete it
            // with an empty line: then it must be refused.
            if end == End::IncompleteHead {
                (got, end) = run(&[&case.input[..], b"\r\n\r\n"].concat());
            }
            if !matches!(end, End::Error(..) | End::Closed) {
                return Err(format!("accepted ({end:?}); expected a refusal"));
            }
            let complete: Vec<&Got> = got.iter().filter(|g| g.body.is_some()).collect();
            let allowed = log.msgs.iter().filter(|m| m.complete).count();
            if complete.len() > allowed {
                return Err(format!("{} responses accepted before the refusal", complete.len()));
            }
            for (g, m) in complete.iter().zip(&log.msgs) {
                compare(g, m)?;
            }
        }
        Expect::Accept | Expect::Upgrade => {
            if let End::Error(status, reason) = end {
                return Err(format!("refused: {status} {reason}"));
            }
            if (expect == Expect::Upgrade) != (end == End::Upgraded) {
                return Err(format!("ended with {end:?}; expected {expect:?}"));
            }
            let waiting = matches!(end, End::Incomplete | End::IncompleteHead);
            let until_close = got.last().is_some_and(|g| g.until_close);
            let finish_ok = match log.finish {
                None => true,
                Some(0) => end == End::Consumed && !until_close,
                Some(1) => end == End::Consumed && until_close,
                Some(_) => waiting,
            };
            if !finish_ok {
                return Err(format!("finish={:?} but ended with {end:?}", log.finish));
            }
            // The responses whose head llhttp finished.
            let want: Vec<&LogMsg> = log.msgs.iter().filter(|m| m.headers_complete).collect();
            if got.len() != want.len() {
                return Err(format!("{} responses, expected {} ({end:?})", got.len(), want.len()));
            }
            for (g, m) in got.iter().zip(want) {
                compare(g, m)?;
            }
        }
    }
    Ok(())
}

#[test]
fn llhttp_response_vectors() {
    let cases = load("response", 85);
    let (mut passed, mut skipped, mut overridden) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        if let Some((_, why)) = SKIPS.iter().find(|(t, _)| *t == case.title) {
            println!("skip {}: {}: {why}", case.file, case.title);
            skipped += 1;
            continue;
        }
        let log = parse_log(case);
        let mut expect = match log.error {
            _ if case.meta.contains("response-lenient") => Expect::Reject,
            Some(22) => Expect::Upgrade, // llhttp pauses after a 101 with Upgrade
            Some(_) => Expect::Reject,
            None => Expect::Accept,
        };
        if let Some((_, e, _)) = OVERRIDES.iter().find(|(t, _, _)| *t == case.title) {
            expect = *e;
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
        "llhttp response vectors: {passed} passed ({overridden} with a documented expectation of \
         our own), {skipped} skipped, {} failed, of {}",
        failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{} vectors failed:\n{}", failures.len(), failures.join("\n"));
    // Every table entry names a vector (titles are unique), so none is stale.
    assert_eq!(skipped, SKIPS.len(), "a SKIPS entry matches no vector");
    assert_eq!(overridden, OVERRIDES.len(), "an OVERRIDES entry matches no vector");
}
