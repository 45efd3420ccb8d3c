//! Server-side includes: `<!--#include file=... -->` and `virtual=`.
#![forbid(unsafe_code)]
use super::parent;
use crate::fs::Fs;
use crate::http::{self};
/// Nesting limit of SSI includes (a file including itself stops here).
const SSI_MAX_DEPTH: usize = 5;
/// Largest output of one SSI page, in bytes.
const SSI_MAX_OUTPUT: usize = 8 << 20;
/// `path` matches the SSI glob; the common "#.ext" form without the glob
/// engine, as it is asked on every request.
pub(super) fn is_ssi(path: &[u8], pattern: &[u8]) -> bool {
    match pattern.strip_prefix(b"#") {
        Some(suffix) if !suffix.iter().any(|b| b"#*?".contains(b)) => path.ends_with(suffix),
        _ => !pattern.is_empty() && crate::str::glob_match(path, pattern),
    }
}
// ---------------------------------------------------------------------------
// SSI

/// Appends `path` to `out` with each `<!--#include file="x" -->` (relative
/// to the including file) or `<!--#include virtual="x" -->` (relative to
/// `root`) replaced by that file, processed the same way, SSI_MAX_DEPTH
/// levels deep at most. Include paths must be sane (no ".."), and the
/// output is capped at SSI_MAX_OUTPUT bytes.
pub(super) fn ssi(fs: Fs, root: &[u8], path: &[u8], depth: usize, out: &mut Vec<u8>) {
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
    fn ssi_patterns() {
        assert!(is_ssi(b"a/b.shtml", b"#.shtml"));
        assert!(!is_ssi(b"a/b.html", b"#.shtml"));
        assert!(is_ssi(b"x/page.inc", b"#.in?"));
        assert!(!is_ssi(b"x.shtml", b""));
        assert_eq!(find(b"abc<!--x", b"<!--"), Some(3));
        assert_eq!(find(b"abc", b"<!--"), None);
    }

    #[test]
    fn output_is_capped() {
        let mut out = vec![0u8; SSI_MAX_OUTPUT - 2];
        append_capped(&mut out, b"abcdef");
        assert_eq!(out.len(), SSI_MAX_OUTPUT);
        assert_eq!(&out[SSI_MAX_OUTPUT - 2..], b"ab");
    }
}
