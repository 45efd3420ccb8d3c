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
