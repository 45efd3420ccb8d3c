//! Directory listings as HTML pages.
#![forbid(unsafe_code)]
use super::conditions::http_date;
use super::Opts;
use std::io::Write as _;
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
pub(super) fn listing(o: &Opts, dir: &[u8], uri: &[u8]) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_for_html_and_urls() {
        let mut out = Vec::new();
        html_escape(&mut out, b"<a href=\"x\">&'");
        assert_eq!(out, b"&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        let mut out = Vec::new();
        url_escape(&mut out, b"a b/%");
        assert_eq!(out, b"a%20b%2f%25");
    }
}
