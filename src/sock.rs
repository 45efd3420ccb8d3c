//! Socket I/O: creating, binding, connecting, accepting, reading and writing
//! non-blocking sockets. Thin, safe wrappers over the libc calls; errors come
//! back as `io::Error` so callers can report them.
use std::io;
use std::mem::{size_of, zeroed};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::RawFd;

/// What kind of socket a URL asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    /// A stream socket.
    Tcp,
    /// A datagram socket.
    Udp,
}

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn cvt_size(ret: libc::ssize_t) -> io::Result<usize> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret as usize)
    }
}

/// A `sockaddr_storage` for `addr`, with its length.
fn to_raw(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain data; all-zero is valid.
    let mut ss: libc::sockaddr_storage = unsafe { zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is large and aligned enough for sockaddr_in.
            let sin = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr.s_addr = u32::from_ne_bytes(a.ip().octets());
            size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_addr.s6_addr = a.ip().octets();
            sin6.sin6_scope_id = a.scope_id();
            size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

/// The socket address in a `sockaddr_storage` filled by the kernel.
fn from_raw(ss: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match ss.ss_family as libc::c_int {
        libc::AF_INET => {
            // SAFETY: the family says this is a sockaddr_in.
            let sin = unsafe { &*(ss as *const _ as *const libc::sockaddr_in) };
            let ip = std::net::Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
            Some(SocketAddr::V4(SocketAddrV4::new(ip, u16::from_be(sin.sin_port))))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says this is a sockaddr_in6.
            let sin6 = unsafe { &*(ss as *const _ as *const libc::sockaddr_in6) };
            let ip = std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            Some(SocketAddr::V6(SocketAddrV6::new(
                ip,
                u16::from_be(sin6.sin6_port),
                sin6.sin6_flowinfo,
                sin6.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

/// A new non-blocking, close-on-exec socket for `addr`'s family.
pub fn socket(addr: &SocketAddr, proto: Proto) -> io::Result<RawFd> {
    let family = if addr.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 };
    let ty = match proto {
        Proto::Tcp => libc::SOCK_STREAM,
        Proto::Udp => libc::SOCK_DGRAM,
    };
    // SAFETY: plain syscall.
    cvt(unsafe { libc::socket(family, ty | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0) })
}

fn set_int_opt(
    fd: RawFd,
    level: libc::c_int,
    name: libc::c_int,
    val: libc::c_int,
) -> io::Result<()> {
    // SAFETY: passing a pointer to a local int of the stated size.
    cvt(unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            &val as *const _ as *const libc::c_void,
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    })
    .map(|_| ())
}

/// Makes a descriptor non-blocking (descriptors the library did not open).
pub fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor number has no memory effects.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    // SAFETY: as above.
    cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) }).map(drop)
}

/// Turns off Nagle's algorithm: the library writes whole messages at once.
pub fn set_nodelay(fd: RawFd) {
    let _ = set_int_opt(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, 1);
}

/// Sets or clears TCP_CORK (hold partial segments until uncorked). True
/// when the option took.
pub fn set_cork(fd: RawFd, on: bool) -> bool {
    set_int_opt(fd, libc::IPPROTO_TCP, libc::TCP_CORK, i32::from(on)).is_ok()
}

/// Creates a socket bound to `addr`, listening when it is TCP.
pub fn listen(addr: &SocketAddr, proto: Proto, backlog: i32) -> io::Result<RawFd> {
    let fd = socket(addr, proto)?;
    let setup = || -> io::Result<()> {
        set_int_opt(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)?;
        if addr.is_ipv6() {
            // Like Mongoose: an IPv6 listener also takes IPv4 clients.
            let _ = set_int_opt(fd, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 0);
        }
        if proto == Proto::Udp {
            let _ = set_int_opt(fd, libc::SOL_SOCKET, libc::SO_BROADCAST, 1);
        }
        let multicast = proto == Proto::Udp && addr.ip().is_multicast();
        if multicast {
            // Other members of the group (an mDNS daemon, say) share the port.
            let _ = set_int_opt(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT, 1);
        }
        // A group member binds the wildcard address: a socket bound to the
        // group address itself would send from 0.0.0.0, which peers drop.
        let bind_to = if multicast {
            let any: IpAddr = if addr.is_ipv4() {
                Ipv4Addr::UNSPECIFIED.into()
            } else {
                std::net::Ipv6Addr::UNSPECIFIED.into()
            };
            SocketAddr::new(any, addr.port())
        } else {
            *addr
        };
        let (ss, len) = to_raw(&bind_to);
        // SAFETY: ss/len describe a valid sockaddr.
        cvt(unsafe { libc::bind(fd, &ss as *const _ as *const libc::sockaddr, len) })?;
        if multicast {
            join_group(fd, addr)?;
        }
        if proto == Proto::Tcp {
            // SAFETY: plain syscall on our socket.
            cvt(unsafe { libc::listen(fd, backlog) })?;
        }
        Ok(())
    };
    match setup() {
        Ok(()) => Ok(fd),
        Err(e) => {
            close(fd);
            Err(e)
        }
    }
}

/// Joins the multicast group `addr` on the default interface, and loops our
/// own datagrams back (so peers on this host hear them too).
pub fn join_group(fd: RawFd, addr: &SocketAddr) -> io::Result<()> {
    match addr {
        SocketAddr::V4(a) => {
            let mreq = libc::ip_mreq {
                imr_multiaddr: libc::in_addr { s_addr: u32::from_ne_bytes(a.ip().octets()) },
                imr_interface: libc::in_addr { s_addr: libc::INADDR_ANY },
            };
            // SAFETY: mreq is a valid ip_mreq for the call's duration.
            cvt(unsafe {
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_IP,
                    libc::IP_ADD_MEMBERSHIP,
                    &mreq as *const _ as *const libc::c_void,
                    std::mem::size_of::<libc::ip_mreq>() as libc::socklen_t,
                )
            })?;
            let _ = set_int_opt(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP, 1);
        }
        SocketAddr::V6(a) => {
            let mreq = libc::ipv6_mreq {
                ipv6mr_multiaddr: libc::in6_addr { s6_addr: a.ip().octets() },
                ipv6mr_interface: 0,
            };
            // SAFETY: mreq is a valid ipv6_mreq for the call's duration.
            cvt(unsafe {
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_IPV6,
                    libc::IPV6_ADD_MEMBERSHIP,
                    &mreq as *const _ as *const libc::c_void,
                    std::mem::size_of::<libc::ipv6_mreq>() as libc::socklen_t,
                )
            })?;
        }
    }
    Ok(())
}

/// Starts a non-blocking connect. `Ok(true)` when already connected,
/// `Ok(false)` when in progress.
pub fn connect(fd: RawFd, addr: &SocketAddr) -> io::Result<bool> {
    let (ss, len) = to_raw(addr);
    // SAFETY: ss/len describe a valid sockaddr.
    match cvt(unsafe { libc::connect(fd, &ss as *const _ as *const libc::sockaddr, len) }) {
        Ok(_) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The pending error of a socket (the result of a non-blocking connect).
pub fn take_error(fd: RawFd) -> io::Result<Option<io::Error>> {
    let mut err: libc::c_int = 0;
    let mut len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: err/len are locals of the stated size.
    cvt(unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            &mut err as *mut _ as *mut _,
            &mut len,
        )
    })?;
    Ok((err != 0).then(|| io::Error::from_raw_os_error(err)))
}

/// Accepts one connection: `Ok(None)` when none is pending.
pub fn accept(fd: RawFd) -> io::Result<Option<(RawFd, Option<SocketAddr>)>> {
    // SAFETY: zeroed storage is valid; the kernel fills it.
    let mut ss: libc::sockaddr_storage = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: ss/len are ours and sized correctly.
    let r = unsafe {
        libc::accept4(
            fd,
            &mut ss as *mut _ as *mut libc::sockaddr,
            &mut len,
            libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        )
    };
    match cvt(r) {
        Ok(nfd) => Ok(Some((nfd, from_raw(&ss)))),
        Err(e) if would_block(&e) || e.raw_os_error() == Some(libc::ECONNABORTED) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The local address of a socket.
pub fn local_addr(fd: RawFd) -> Option<SocketAddr> {
    // SAFETY: zeroed storage is valid; the kernel fills it.
    let mut ss: libc::sockaddr_storage = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: ss/len are ours and sized correctly.
    let r = unsafe { libc::getsockname(fd, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) };
    if r == 0 {
        from_raw(&ss)
    } else {
        None
    }
}

/// True for the errors that mean "try again later".
pub fn would_block(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EAGAIN) | Some(libc::EINTR))
}

/// Reads into `buf`. `Ok(0)` means the peer closed the stream.
pub fn recv(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for writes of its length.
    cvt_size(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) })
}

/// Receives one datagram into `buf`, with the sender's address.
pub fn recv_from(fd: RawFd, buf: &mut [u8]) -> io::Result<(usize, Option<SocketAddr>)> {
    // SAFETY: zeroed storage is valid; the kernel fills it.
    let mut ss: libc::sockaddr_storage = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: buf, ss and len are ours and sized correctly.
    let n = cvt_size(unsafe {
        libc::recvfrom(
            fd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            0,
            &mut ss as *mut _ as *mut libc::sockaddr,
            &mut len,
        )
    })?;
    Ok((n, from_raw(&ss)))
}

/// Writes from `buf`; never raises SIGPIPE.
pub fn send(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for reads of its length.
    cvt_size(unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) })
}

/// Sends one datagram to `to`.
pub fn send_to(fd: RawFd, buf: &[u8], to: &SocketAddr) -> io::Result<usize> {
    let (ss, len) = to_raw(to);
    // SAFETY: buf and the sockaddr are valid for the stated lengths.
    cvt_size(unsafe {
        libc::sendto(
            fd,
            buf.as_ptr().cast(),
            buf.len(),
            libc::MSG_NOSIGNAL,
            &ss as *const _ as *const libc::sockaddr,
            len,
        )
    })
}

/// Closes a descriptor, ignoring errors (there is nothing useful to do).
pub fn close(fd: RawFd) {
    // SAFETY: the caller owns fd and does not use it again.
    unsafe { libc::close(fd) };
}
