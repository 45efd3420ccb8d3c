//! Content types by file extension.
#![forbid(unsafe_code)]
use std::borrow::Cow;
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
pub(super) fn mime_type<'a>(path: &[u8], extra: &'a [u8]) -> Cow<'a, [u8]> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
