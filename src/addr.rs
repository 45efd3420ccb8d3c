//! `struct mg_addr`: an IPv4 or IPv6 address and port, in network byte order,
//! and its conversions to and from the socket API's addresses.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The address bytes of `struct mg_addr`, viewable three ways.
#[repr(C)]
#[derive(Clone, Copy)]
pub union mg_addr_bytes {
    /// Raw bytes; an IPv4 address uses the first 4.
    pub ip: [u8; 16],
    /// IPv4 address, network byte order.
    pub ip4: u32,
    /// IPv6 address as two 64-bit words.
    pub ip6: [u64; 2],
}

/// An IP address and port. All values are in network byte order.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mg_addr {
    /// Address bytes.
    pub addr: mg_addr_bytes,
    /// Port, network byte order.
    pub port: u16,
    /// IPv6 scope id.
    pub scope_id: u8,
    /// True for an IPv6 address.
    pub is_ip6: bool,
}

impl Default for mg_addr {
    fn default() -> Self {
        mg_addr { addr: mg_addr_bytes { ip: [0; 16] }, port: 0, scope_id: 0, is_ip6: false }
    }
}

impl mg_addr {
    /// The 16 address bytes.
    pub fn bytes(&self) -> [u8; 16] {
        // SAFETY: every view of the union is plain bytes; all bit patterns are valid.
        unsafe { self.addr.ip }
    }

    /// Builds an `mg_addr` from a socket address.
    pub fn from_socket_addr(sa: &SocketAddr) -> Self {
        let mut a = mg_addr::default();
        let mut ip = [0u8; 16];
        match sa {
            SocketAddr::V4(v4) => ip[..4].copy_from_slice(&v4.ip().octets()),
            SocketAddr::V6(v6) => {
                ip.copy_from_slice(&v6.ip().octets());
                a.is_ip6 = true;
                a.scope_id = v6.scope_id() as u8;
            }
        }
        a.addr = mg_addr_bytes { ip };
        a.port = sa.port().to_be();
        a
    }

    /// The socket address this `mg_addr` describes.
    pub fn to_socket_addr(&self) -> SocketAddr {
        let ip = self.bytes();
        let port = u16::from_be(self.port);
        if self.is_ip6 {
            let v6 = Ipv6Addr::from(ip);
            SocketAddr::V6(std::net::SocketAddrV6::new(v6, port, 0, self.scope_id as u32))
        } else {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3])), port)
        }
    }
}

/// A dotted-quad IPv4 address: four decimal parts, each at most 255.
fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split(|&c| c == b'.');
    for o in out.iter_mut() {
        let part = parts.next()?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut v: u32 = 0;
        for &d in part {
            v = v * 10 + u32::from(d - b'0');
            if v > 255 {
                return None;
            }
        }
        *o = v as u8;
    }
    parts.next().is_none().then_some(out)
}

/// An IPv6 address, optionally in brackets and with a numeric `%scope`
/// suffix (0-255). An IPv4 tail such as `::ffff:1.2.3.4` is accepted.
fn parse_ipv6(s: &[u8]) -> Option<([u8; 16], u8)> {
    let s = match s.strip_prefix(b"[") {
        Some(inner) => inner.strip_suffix(b"]")?,
        None => s,
    };
    let (ip, scope) = match s.iter().position(|&c| c == b'%') {
        Some(i) => {
            let digits = &s[i + 1..];
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            (&s[..i], std::str::from_utf8(digits).ok()?.parse::<u8>().ok()?)
        }
        None => (s, 0),
    };
    let v6: Ipv6Addr = std::str::from_utf8(ip).ok()?.parse().ok()?;
    Some((v6.octets(), scope))
}

impl mg_addr {
    /// Parses an IP address (no port) into `ip`, `is_ip6` and `scope_id`,
    /// leaving `port` alone. Accepts `localhost` (127.0.0.1, any case), the
    /// empty string (0.0.0.0), IPv4 dotted quads, and IPv6 addresses with
    /// optional brackets and `%scope`. On failure `self` is not changed.
    pub fn parse_ip(&mut self, s: &[u8]) -> bool {
        let mut ip = [0u8; 16];
        let (is_ip6, scope) = if s.is_empty() {
            (false, 0)
        } else if s.eq_ignore_ascii_case(b"localhost") {
            ip[..4].copy_from_slice(&[127, 0, 0, 1]);
            (false, 0)
        } else if let Some(v4) = parse_ipv4(s) {
            ip[..4].copy_from_slice(&v4);
            (false, 0)
        } else if let Some((v6, scope)) = parse_ipv6(s) {
            ip = v6;
            (true, scope)
        } else {
            return false;
        };
        self.addr = mg_addr_bytes { ip };
        self.is_ip6 = is_ip6;
        self.scope_id = scope;
        true
    }
}

/// Checks `ip` against an access list of comma-separated entries `+NET` (allow)
/// or `-NET` (deny), NET being `a.b.c.d` or `a.b.c.d/bits`; the last entry
/// that matches decides. Mongoose's rules: an empty list allows everyone,
/// any other list denies by default, and an entry matches when the address
/// masked to `bits` equals `a.b.c.d` exactly. Returns 1 (allowed), 0
/// (denied), -1 (an entry not starting with `+` or `-`, or an IPv6 address:
/// IPv4 lists only) or -2 (a malformed network).
pub fn check_ip_acl(acl: &[u8], ip: &mg_addr) -> i32 {
    let mut allowed = false;
    if ip.is_ip6 {
        return -1;
    }
    let b = ip.bytes();
    let v4 = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    if acl.is_empty() {
        return 1;
    }
    for entry in acl.split(|&c| c == b',') {
        let allow = match entry.first() {
            Some(b'+') => true,
            Some(b'-') => false,
            _ => return -1,
        };
        let Some((net, mask)) = parse_net(&entry[1..]) else {
            return -2;
        };
        if v4 & mask == net {
            allowed = allow;
        }
    }
    i32::from(allowed)
}

/// `a.b.c.d` or `a.b.c.d/bits` (0-32) as (address, mask).
fn parse_net(s: &[u8]) -> Option<(u32, u32)> {
    let (addr, bits) = match s.iter().position(|&c| c == b'/') {
        Some(i) => {
            let b = &s[i + 1..];
            if b.is_empty() || b.len() > 2 || !b.iter().all(u8::is_ascii_digit) {
                return None;
            }
            (&s[..i], std::str::from_utf8(b).ok()?.parse::<u32>().ok().filter(|&n| n <= 32)?)
        }
        None => (s, 32),
    };
    let net = u32::from_be_bytes(parse_ipv4(addr)?);
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    Some((net, mask))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<mg_addr> {
        let mut a = mg_addr {
            addr: mg_addr_bytes { ip: [0xa5; 16] },
            port: 0x1234,
            scope_id: 9,
            is_ip6: true,
        };
        a.parse_ip(s.as_bytes()).then_some(a)
    }

    #[test]
    fn ipv4() {
        let a = parse("127.0.0.1").unwrap();
        assert!(!a.is_ip6);
        assert_eq!(a.bytes(), [127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        // SAFETY: plain integer view of the bytes.
        assert_eq!(unsafe { a.addr.ip4 }, u32::from_be(0x7f00_0001));
        assert_eq!((a.port, a.scope_id), (0x1234, 0));
        assert_eq!(parse("LocalHost").unwrap().bytes()[..4], [127, 0, 0, 1]);
        assert_eq!(parse("").unwrap().bytes(), [0; 16]);
        assert_eq!(parse("255.255.255.255").unwrap().bytes()[..4], [255; 4]);
        assert_eq!(parse("001.2.3.4").unwrap().bytes()[..4], [1, 2, 3, 4]);
        for bad in [
            "0",
            "0.0.0.",
            "0.0.0.256",
            "0.0.0.-1",
            "1.2.3",
            "1.2.3.4.5",
            ".1.2.3",
            "1..2.3",
            "a.b.c.d",
            " 1.2.3.4",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn ipv6() {
        let cases: [(&str, [u8; 16], u8); 9] = [
            ("1:2:3:4:5:6:7:8", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8], 0),
            ("1:2::3", [0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3], 0),
            ("1::1", [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 0),
            ("::fFff:1.2.3.4", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4], 0),
            ("::1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 0),
            ("1::", [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0),
            (
                "2001:4860:4860::8888",
                [0x20, 1, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88],
                0,
            ),
            ("[::1]", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 0),
            (
                "[abcd::aabb:ccdd%17]",
                [0xab, 0xcd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd],
                17,
            ),
        ];
        for (s, ip, scope) in cases {
            let a = parse(s).unwrap_or_else(|| panic!("{s}"));
            assert!(a.is_ip6, "{s}");
            assert_eq!(a.bytes(), ip, "{s}");
            assert_eq!(a.scope_id, scope, "{s}");
            assert_eq!(a.port, 0x1234);
        }
        assert_eq!(parse("::1%1").unwrap().scope_id, 1);
        assert_eq!(parse("::1%255").unwrap().scope_id, 255);
        for bad in [
            "::1%256",
            "::1%",
            "::1%eth0",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            ":::",
            "[::1",
            "::1]",
            "12345::1",
            "::g",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn failure_leaves_address_alone() {
        let mut a = mg_addr::default();
        assert!(a.parse_ip(b"10.0.0.1"));
        assert!(!a.parse_ip(b"10.0.0.300"));
        assert_eq!(a.bytes()[..4], [10, 0, 0, 1]);
    }
}
