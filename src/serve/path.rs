//! From a request URI to a file path under a root, never outside it.
#![forbid(unsafe_code)]
use crate::fs::{Fs, Stat};
/// Longest file path built from a request.
const PATH_MAX: usize = crate::config::MG_PATH_MAX;
// ---------------------------------------------------------------------------
// From URI to path

/// (root, path) of a request: the root directory it falls under and the
/// path of the file it names.
pub(super) type Mapped = (Vec<u8>, Vec<u8>);

/// Maps a request URI to (root, path) using `root_dir`: of the entries
/// whose prefix matches (at a '/' boundary) the longest prefix wins, so the
/// order of the entries does not matter; an entry without '=' is the root
/// for every URI no mapping claims. The rest of the URI is percent-decoded and must
/// be a sane path (no "..", NUL, leading "~"): otherwise 400.
pub(super) fn map_uri(uri: &[u8], root_dir: &[u8]) -> Result<Mapped, (i32, &'static str)> {
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
pub(super) fn stat_under(fs: Fs, root: Option<&[u8]>, path: &[u8]) -> Option<Stat> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
