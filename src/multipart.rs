//! `multipart/form-data` bodies (RFC 7578), walked one part at a time the way
//! `mg_http_next_multipart` does: the caller keeps an offset, starting at 0,
//! and each call returns the next part plus the offset of the boundary line
//! that follows it.
//!
//! The body is only ever sliced, never indexed past its end, so truncated or
//! garbage input ends the walk (None) instead of reading out of bounds.
use crate::http_util::header_var;
use crate::str::mg_str;

/// One part of a multipart body, as `mg_http_next_multipart` fills it in.
/// The views point into the body that was parsed.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_http_part {
    /// Form field name (`name=` of `Content-Disposition`); `{NULL, 0}` if absent.
    pub name: mg_str,
    /// File name for file uploads (`filename=`); `{NULL, 0}` if absent.
    pub filename: mg_str,
    /// Part contents.
    pub body: mg_str,
}

impl mg_http_part {
    /// All three views empty, as a failed call leaves the part.
    pub const fn empty() -> Self {
        mg_http_part { name: mg_str::empty(), filename: mg_str::empty(), body: mg_str::empty() }
    }
}

impl From<Part<'_>> for mg_http_part {
    fn from(p: Part<'_>) -> Self {
        let view = |v: Option<&[u8]>| v.map_or(mg_str::empty(), mg_str::from_bytes);
        mg_http_part {
            name: view(p.name),
            filename: view(p.filename),
            body: mg_str::from_bytes(p.body),
        }
    }
}

/// One part of a multipart body; every field borrows from the body.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Part<'a> {
    /// The `name` parameter of `Content-Disposition`, if present.
    pub name: Option<&'a [u8]>,
    /// The `filename` parameter of `Content-Disposition`, if present.
    pub filename: Option<&'a [u8]>,
    /// The part's content, without the CRLF that precedes the next boundary.
    pub body: &'a [u8],
}

const CRLF: &[u8] = b"\r\n";
const DISPOSITION: &[u8] = b"content-disposition";

/// Position of the first CRLF in `s` at or after `from`.
fn find_crlf(s: &[u8], from: usize) -> Option<usize> {
    s.get(from..)?.windows(2).position(|w| w == CRLF).map(|p| p + from)
}

/// The value of a `Content-Disposition` header line, or None for other lines.
fn disposition_value(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    if !line[..colon].eq_ignore_ascii_case(DISPOSITION) {
        return None;
    }
    let value = &line[colon + 1..];
    let skip = value.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    Some(&value[skip..])
}

/// Parses the part whose boundary line starts at `ofs`.
///
/// The boundary line is everything from `ofs` up to the first CRLF (normally
/// `--` plus the boundary from `Content-Type`); the part's headers follow, up
/// to an empty line; the content runs up to the next CRLF + boundary line,
/// which must be followed by at least two more bytes (the `--` that closes
/// the body, or the CRLF ending a boundary line). Returns the part and the
/// offset of that next boundary line, to pass to the following call; None
/// when there is no complete part at `ofs` (end of body, a missing or empty
/// boundary, headers without their empty line, no closing boundary).
pub fn next_part(body: &[u8], ofs: usize) -> Option<(Part<'_>, usize)> {
    let boundary_end = find_crlf(body, ofs)?;
    let boundary = &body[ofs..boundary_end];
    if boundary.is_empty() {
        return None;
    }
    let mut part = Part::default();
    // Header lines, each ending in CRLF, up to an empty line.
    let mut line_start = boundary_end + 2;
    loop {
        let line_end = find_crlf(body, line_start)?;
        if line_end == line_start {
            break;
        }
        if let Some(value) = disposition_value(&body[line_start..line_end]) {
            part.name = header_var(value, b"name");
            part.filename = header_var(value, b"filename");
        }
        line_start = line_end + 2;
    }
    let content_start = line_start + 2;
    // The delimiter is CRLF + boundary, followed by at least two bytes.
    let rest = body.get(content_start..)?;
    let delimiter_len = 2 + boundary.len();
    let found = rest
        .windows(delimiter_len + 2)
        .position(|w| w.starts_with(CRLF) && &w[2..delimiter_len] == boundary)?;
    part.body = &rest[..found];
    Some((part, content_start + found + 2))
}

/// Every part of `body`, in order, as `mg_http_next_multipart` would yield them.
pub fn parts(body: &[u8]) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut ofs = 0;
    while let Some((part, next)) = next_part(body, ofs) {
        out.push(part);
        ofs = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &[u8] = b"--xyz\r\n\
Content-Disposition: form-data; name=\"val\"\r\n\
\r\n\
abcdef\r\n\
--xyz\r\n\
Content-Disposition: form-data; name=\"foo\"; filename=\"a b.txt\"\r\n\
Content-Type: text/plain\r\n\
\r\n\
hello world\r\n\
\r\n\
--xyz--\r\n";

    #[test]
    fn walks_a_form() {
        let p = parts(FORM);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name, Some(&b"val"[..]));
        assert_eq!(p[0].filename, None);
        assert_eq!(p[0].body, b"abcdef");
        assert_eq!(p[1].name, Some(&b"foo"[..]));
        assert_eq!(p[1].filename, Some(&b"a b.txt"[..]));
        assert_eq!(p[1].body, b"hello world\r\n");
    }

    #[test]
    fn offsets_point_at_boundaries() {
        let (_, next) = next_part(FORM, 0).unwrap();
        assert!(FORM[next..].starts_with(b"--xyz\r\n"));
        let (_, last) = next_part(FORM, next).unwrap();
        assert!(FORM[last..].starts_with(b"--xyz--"));
        assert_eq!(next_part(FORM, last), None);
    }

    #[test]
    fn every_truncation_ends_cleanly() {
        for n in 0..FORM.len() {
            let p = parts(&FORM[..n]);
            assert!(p.len() <= 2, "prefix {n}");
            for part in p {
                assert!(part.body.len() <= 13);
            }
        }
        for ofs in 0..FORM.len() + 3 {
            let _ = next_part(FORM, ofs);
        }
    }

    #[test]
    fn bad_boundaries() {
        assert_eq!(next_part(b"", 0), None);
        assert_eq!(next_part(b"\r\n\r\n\r\nx\r\n", 0), None); // empty boundary line
        assert_eq!(next_part(b"--xyz", 0), None);
        assert_eq!(next_part(b"--xyz\r\nContent-Disposition: x\r\n", 0), None);
        assert_eq!(next_part(b"--xyz\r\n\r\nbody without end", 0), None);
        assert_eq!(next_part(b"--xyz\r\n\r\nbody\r\n--abc--\r\n", 0), None);
        // The closing boundary needs its two trailing bytes.
        assert_eq!(next_part(b"--xyz\r\n\r\nbody\r\n--xyz", 0), None);
        assert!(next_part(b"--xyz\r\n\r\nbody\r\n--xyz--", 0).is_some());
    }

    #[test]
    fn header_spelling() {
        let body = b"--b\r\ncontent-disposition:form-data;name=n;filename=f\r\n\r\nx\r\n--b--";
        let (p, _) = next_part(body, 0).unwrap();
        assert_eq!((p.name, p.filename, p.body), (Some(&b"n"[..]), Some(&b"f"[..]), &b"x"[..]));
    }
}
