//! URL parsing: splits `scheme://user:pass@host:port/uri` into its parts for
//! the `mg_url_*` functions and for the networking core (`mg_listen`,
//! `mg_connect`, ...).
//!
//! Every part is a subslice of the input, so its pointer lies inside the
//! caller's string; a part that is absent is an empty slice at the place it
//! would have been.

/// The parts of a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Url<'a> {
    /// Scheme before `://`, e.g. `http`; empty when there is none.
    pub scheme: &'a [u8],
    /// User name from `user:pass@`; empty when absent.
    pub user: &'a [u8],
    /// Password from `user:pass@`; empty when absent.
    pub pass: &'a [u8],
    /// Host name or address; an IPv6 literal is given without its brackets.
    pub host: &'a [u8],
    /// The port written in the URL, if any (0 when it is not a valid number).
    pub port: Option<u16>,
    /// Path and everything after it, starting at `/`; empty when there is none.
    pub uri: &'a [u8],
    /// True for a TLS scheme: https, wss, mqtts, ssl, tls, tcps.
    pub is_ssl: bool,
    /// True for the `udp` scheme.
    pub is_udp: bool,
    /// False when the port is not a number up to 65535 or an IPv6 bracket is
    /// not closed. The `mg_url_*` functions read such URLs leniently (port
    /// 0); sockets refuse them.
    pub well_formed: bool,
}

impl Url<'_> {
    /// The explicit port, else the scheme's default (see [`default_port`]),
    /// else 0.
    pub fn port_or_default(&self) -> u16 {
        self.port.or_else(|| default_port(self.scheme)).unwrap_or(0)
    }
}

/// The well-known port of a scheme: http/ws 80, https/wss 443, mqtt 1883,
/// mqtts 8883. Schemes compare without regard to case.
pub fn default_port(scheme: &[u8]) -> Option<u16> {
    const PORTS: [(&[u8], u16); 6] = [
        (b"http", 80),
        (b"ws", 80),
        (b"https", 443),
        (b"wss", 443),
        (b"mqtt", 1883),
        (b"mqtts", 8883),
    ];
    PORTS.iter().find(|(s, _)| s.eq_ignore_ascii_case(scheme)).map(|&(_, p)| p)
}

/// True if `scheme` is one that runs over TLS.
pub fn is_ssl_scheme(scheme: &[u8]) -> bool {
    const TLS: [&[u8]; 6] = [b"https", b"wss", b"mqtts", b"ssl", b"tls", b"tcps"];
    TLS.iter().any(|s| s.eq_ignore_ascii_case(scheme))
}

/// The scheme, if `url` starts with one followed by `://`.
fn scheme_of(url: &[u8]) -> Option<&[u8]> {
    let colon = url.iter().position(|&c| c == b':')?;
    let scheme = &url[..colon];
    let valid = !scheme.is_empty()
        && scheme.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'-' || c == b'.');
    (valid && url[colon + 1..].starts_with(b"//")).then_some(scheme)
}

/// Reads a port number: digits only and at most 65535, otherwise 0.
fn parse_port(s: &[u8]) -> Option<u16> {
    if s.is_empty() {
        return None;
    }
    let valid = s.iter().all(u8::is_ascii_digit);
    Some(if valid {
        std::str::from_utf8(s).ok().and_then(|t| t.parse().ok()).unwrap_or(0)
    } else {
        0
    })
}

/// Splits `url` into its parts. Accepts full URLs (`http://h:1/x`), URLs
/// without a scheme (`//h`, `h:1`, `:1`) and IPv6 literals in brackets
/// (`tcp://[::1]:80`). Never fails: missing parts are empty.
pub fn parse(url: &[u8]) -> Url<'_> {
    let (scheme, start) = match scheme_of(url) {
        Some(s) => (s, s.len() + 3),
        None if url.starts_with(b"//") => (&url[..0], 2),
        None => (&url[..0], 0),
    };
    // The authority runs up to the path, query or fragment.
    let end = url[start..]
        .iter()
        .position(|&c| matches!(c, b'/' | b'?' | b'#'))
        .map_or(url.len(), |i| start + i);
    let uri = if url.get(end) == Some(&b'/') { &url[end..] } else { &url[url.len()..] };

    let authority = &url[start..end];
    let (user, pass, hostport) = match authority.iter().rposition(|&c| c == b'@') {
        Some(at) => {
            let info = &authority[..at];
            let (user, pass) = match info.iter().position(|&c| c == b':') {
                Some(i) => (&info[..i], &info[i + 1..]),
                None => (info, &info[info.len()..]),
            };
            (user, pass, &authority[at + 1..])
        }
        None => (&authority[..0], &authority[..0], authority),
    };

    let (host, port_text, bracket_ok) = if let Some(inner) = hostport.strip_prefix(b"[") {
        match inner.iter().position(|&c| c == b']') {
            Some(close) => (&inner[..close], inner[close + 1..].strip_prefix(b":"), true),
            None => (inner, None, false),
        }
    } else {
        let colons = hostport.iter().filter(|&&c| c == b':').count();
        match hostport.iter().position(|&c| c == b':') {
            // A lone colon separates the port; several mean a bare IPv6 address.
            Some(i) if colons == 1 => (&hostport[..i], Some(&hostport[i + 1..]), true),
            _ => (hostport, None, true),
        }
    };
    let port = port_text.and_then(parse_port);
    let port_ok =
        port_text.is_none_or(|t| t.is_empty() || port != Some(0) || t.iter().all(|&c| c == b'0'));

    Url {
        scheme,
        user,
        pass,
        host,
        port,
        uri,
        is_ssl: is_ssl_scheme(scheme),
        is_udp: scheme.eq_ignore_ascii_case(b"udp"),
        well_formed: bracket_ok && port_ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(u: &str) -> &str {
        std::str::from_utf8(parse(u.as_bytes()).host).unwrap()
    }

    #[test]
    fn hosts() {
        let cases = [
            ("foo", "foo"),
            ("//foo", "foo"),
            ("foo:1234", "foo"),
            (":1234", ""),
            ("//foo:1234", "foo"),
            ("p://foo", "foo"),
            ("p://foo/", "foo"),
            ("p://foo/x//", "foo"),
            ("p://foo///x", "foo"),
            ("p://bar:1234/a", "bar"),
            ("p://u@bar:1234/a", "bar"),
            ("p://u:p@bar:1234/a", "bar"),
            ("p://u:p@[::1]:1234/a", "::1"),
            ("p://u:p@[1:2::3]:1234/a", "1:2::3"),
            ("p://foo/x:y/z", "foo"),
            ("p://foo?q=1", "foo"),
            ("udp://::1", "::1"),
            ("", ""),
        ];
        for (url, want) in cases {
            assert_eq!(host(url), want, "{url}");
        }
    }

    #[test]
    fn ports() {
        let cases = [
            ("foo:1234", 1234),
            (":1234", 1234),
            ("x://foo:1234/xx", 1234),
            ("p://bar:1234/a:b", 1234),
            ("http://bar", 80),
            ("HTTP://bar", 80),
            ("ws://bar", 80),
            ("https://bar", 443),
            ("wss://u:p@bar", 443),
            ("wss://u:p@bar:123/abc", 123),
            ("mqtt://b", 1883),
            ("mqtts://b", 8883),
            ("http://u:p@[::1]/abc", 80),
            ("http://u:p@[::1]:2121/abc/cd:ef", 2121),
            ("tcp://x", 0),
            ("x://h:65535", 65535),
            ("x://h:65536", 0),
            ("x://h:12ab", 0),
            ("http://h:", 80),
        ];
        for (url, want) in cases {
            assert_eq!(parse(url.as_bytes()).port_or_default(), want, "{url}");
        }
    }

    #[test]
    fn credentials_and_uri() {
        let u = parse(b"p://u:p@foo//a@b");
        assert_eq!(
            (u.user, u.pass, u.host, u.uri),
            (&b"u"[..], &b"p"[..], &b"foo"[..], &b"//a@b"[..])
        );
        let u = parse(b"p://foo/q?mail=a@b.c");
        assert_eq!((u.user, u.pass, u.uri), (&b""[..], &b""[..], &b"/q?mail=a@b.c"[..]));
        let u = parse(b"p://:p@foo");
        assert_eq!((u.user, u.pass), (&b""[..], &b"p"[..]));
        let u = parse(b"p://u@foo");
        assert_eq!((u.user, u.pass), (&b"u"[..], &b""[..]));
        // The last '@' ends the credentials; the first ':' splits them.
        let u = parse(b"p://a@b:c:d@host:1");
        assert_eq!(
            (u.user, u.pass, u.host, u.port),
            (&b"a@b"[..], &b"c:d"[..], &b"host"[..], Some(1))
        );
        assert_eq!(parse(b"p://foo").uri, b"");
        assert_eq!(parse(b"p://[ab::1]:12/a/b/c").uri, b"/a/b/c");
    }

    #[test]
    fn flags_and_scheme() {
        for s in
            ["https://a", "wss://a", "mqtts://a", "ssl://a", "tls://a", "tcps://a", "HTTPS://a"]
        {
            assert!(parse(s.as_bytes()).is_ssl, "{s}");
        }
        for s in ["http://a", "ws://a", "mqtt://a", "tcp://a", "udp://a", "a", "https:a"] {
            assert!(!parse(s.as_bytes()).is_ssl, "{s}");
        }
        assert!(parse(b"udp://8.8.8.8:53").is_udp);
        assert!(!parse(b"tcp://8.8.8.8:53").is_udp);
        assert_eq!(parse(b"udp://8.8.8.8:53").scheme, b"udp");
        assert_eq!(parse(b"foo:1234").scheme, b"");
    }

    #[test]
    fn parts_point_into_the_input() {
        let url = b"http://user:pw@[::1]:80/x";
        let u = parse(url);
        let base = url.as_ptr() as usize;
        assert_eq!(u.host.as_ptr() as usize - base, 16);
        assert_eq!(u.user.as_ptr() as usize - base, 7);
        let none = parse(b"http://h");
        assert!(none.user.is_empty() && none.pass.is_empty() && none.uri.is_empty());
    }
}
