//! The life of a connection: listening, connecting, sending and closing.
//! What socket readiness does to a connection (accepting, reading, writing)
//! is in `sockio.rs`; `mgr.rs` drives both from the event loop.
use crate::addr::mg_addr;
use crate::config::MG_IO_SIZE;
use crate::conn::{self, ev, mg_connection, mg_event_handler_t, Conn, Interest};
use crate::log::MG_LL_ERROR;
use crate::mgr::{self, mg_mgr};
use crate::sock::{self, Proto};
use crate::sockio::{attach, send_datagram};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::RawFd;
use std::os::raw::c_void;
use std::ptr;

/// Where a URL points: protocol, host and port.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    /// TCP or UDP.
    pub proto: Proto,
    /// The scheme asks for TLS (https, wss, mqtts, ssl, tls, tcps).
    pub is_tls: bool,
    /// Host name or address, without brackets.
    pub host: String,
    /// Port, the scheme's default when the URL has none.
    pub port: u16,
}

/// Reads a URL for a socket: `udp://` gives UDP, anything else TCP; a
/// missing port is the scheme's default or 0. None for a malformed port or
/// IPv6 literal, which `mg_listen`/`mg_connect` refuse.
pub fn parse_target(url: &str) -> Option<Target> {
    let u = crate::url::parse(url.as_bytes());
    u.well_formed.then(|| Target {
        proto: if u.is_udp { Proto::Udp } else { Proto::Tcp },
        is_tls: u.is_ssl,
        host: String::from_utf8_lossy(u.host).into_owned(),
        port: u.port_or_default(),
    })
}

/// The address of a host that needs no lookup: an IP literal, `localhost`,
/// or the empty host (any address for a listener, else localhost).
pub fn resolve_literal(host: &str, port: u16, for_listen: bool) -> Option<SocketAddr> {
    if host.is_empty() {
        let any = if for_listen { Ipv4Addr::UNSPECIFIED } else { Ipv4Addr::LOCALHOST };
        return Some(SocketAddr::new(IpAddr::V4(any), port));
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(SocketAddr::new(ip, port));
    }
    let (ip, scope) = host.split_once('%')?;
    let (ip, scope) = (ip.parse::<Ipv6Addr>().ok()?, scope.parse::<u32>().ok()?);
    Some(SocketAddr::V6(std::net::SocketAddrV6::new(ip, port, 0, scope)))
}

/// Resolves a host for a listener: a literal (see [`resolve_literal`]) or a
/// name in /etc/hosts (listeners are set up at once, so no DNS).
pub fn resolve(host: &str, port: u16, for_listen: bool) -> io::Result<SocketAddr> {
    if let Some(a) = resolve_literal(host, port, for_listen) {
        return Ok(a);
    }
    crate::dns::sysconf::hosts_lookup(host.as_bytes(), false)
        .map(|ip| SocketAddr::new(ip, port))
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "host not found in /etc/hosts"))
}

/// Allocates a connection, gives it an id and links it at the head of the
/// manager's list. NULL when out of memory.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn new_conn(
    mgr: *mut mg_mgr,
    f: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: mgr is initialised per the contract; `c` is fresh.
    unsafe {
        let c = conn::alloc(mgr, (*mgr).extraconnsize);
        if c.is_null() {
            return c;
        }
        (*mgr).nextid += 1;
        (*c).id = (*mgr).nextid;
        (*c).recv.align = MG_IO_SIZE;
        (*c).send.align = MG_IO_SIZE;
        (*c).rtls.align = MG_IO_SIZE;
        (*c).fn_ = f;
        (*c).fn_data = fn_data;
        (*c).fd = usize::MAX as *mut c_void; // MG_INVALID_SOCKET until a socket is attached
        (*c).next = (*mgr).conns;
        (*mgr).conns = c;
        conn::private(c).registered_id = (*c).id;
        if let Some(st) = mgr::state(mgr) {
            st.by_id.insert((*c).id, c);
            conn::private(c).slot = st.all.len();
            st.all.push(c);
        }
        c
    }
}

/// Reports an error on a connection: logs it, sends MG_EV_ERROR with the
/// message, and marks the connection for closing.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn raise_error(c: *mut mg_connection, level: i32, msg: &[u8]) {
    // SAFETY: c is live per the contract.
    if let Some(mut c) = unsafe { Conn::from_raw(c) } {
        c.error(level, msg);
    }
}

/// Creates a listening connection for `url` (`tcp://`, `udp://`, or any
/// scheme for TCP). Sends MG_EV_OPEN. NULL (with the reason logged) on failure.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn listen(
    mgr: *mut mg_mgr,
    url: &str,
    f: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: mgr is initialised; c is fresh and live.
    unsafe {
        let c = new_conn(mgr, f, fn_data);
        if c.is_null() {
            crate::log_error!("mg_listen", "out of memory");
            return c;
        }
        if !open_listener(c, url) {
            discard(c);
            return ptr::null_mut();
        }
        conn::call(c, ev::OPEN, ptr::null_mut());
        c
    }
}

/// Gives a connection without a socket (from `mg_alloc_conn`) a listening
/// socket for `url`: bound, listening (TCP), registered with the poller,
/// `c->loc` set. False (with the reason logged) on failure.
///
/// # Safety
/// `c` must be a live connection of an initialised manager, with no socket.
pub unsafe fn open_listener(c: *mut mg_connection, url: &str) -> bool {
    let Some(t) = parse_target(url) else {
        crate::log_error!("mg_listen", "invalid URL: {url}");
        return false;
    };
    let addr = match resolve(&t.host, t.port, true) {
        Ok(a) => a,
        Err(e) => {
            crate::log_error!("mg_listen", "{url}: {e}");
            return false;
        }
    };
    let fd = match sock::listen(&addr, t.proto, libc::SOMAXCONN) {
        Ok(fd) => fd,
        Err(e) => {
            crate::log_error!("mg_listen", "{url}: bind/listen on {addr}: {e}");
            return false;
        }
    };
    // SAFETY: c is live per the contract; fd is ours until attached.
    unsafe {
        (*c).set_listening(true);
        (*c).set_udp(t.proto == Proto::Udp);
        // Accepted connections inherit it; the program starts TLS on each
        // with mg_tls_init() in MG_EV_ACCEPT.
        (*c).set_tls(t.is_tls);
        if let Some(local) = sock::local_addr(fd) {
            (*c).loc = mg_addr::from_socket_addr(&local);
        }
        if t.proto == Proto::Udp && addr.ip().is_multicast() {
            // As in Mongoose, `c->loc` of a group member is the group: what
            // mg_multicast_restore() points `c->rem` back at.
            (*c).loc = mg_addr::from_socket_addr(&addr);
        }
        if let Err(e) = attach(c, fd, Interest { read: true, write: false }) {
            crate::log_error!("mg_listen", "{url}: {e}");
            sock::close(fd);
            conn::private(c).sock = None;
            (*c).fd = usize::MAX as *mut c_void;
            return false;
        }
    }
    true
}

/// Creates an outbound connection to `url` and starts connecting. Sends
/// MG_EV_OPEN and MG_EV_RESOLVE; MG_EV_CONNECT (or MG_EV_ERROR) follows from
/// mg_mgr_poll(). NULL only when out of memory.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn connect(
    mgr: *mut mg_mgr,
    url: &str,
    f: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: mgr is initialised; c is fresh and live.
    unsafe {
        let c = new_conn(mgr, f, fn_data);
        if c.is_null() {
            crate::log_error!("mg_connect", "out of memory");
            return c;
        }
        (*c).set_client(true);
        conn::call(c, ev::OPEN, ptr::null_mut());
        if (*c).is_closing() {
            return c;
        }
        let Some(t) = parse_target(url) else {
            raise_error(c, MG_LL_ERROR, format!("invalid URL: {url}").as_bytes());
            return c;
        };
        (*c).set_udp(t.proto == Proto::Udp);
        // The program starts TLS with mg_tls_init() in MG_EV_CONNECT.
        (*c).set_tls(t.is_tls);
        match resolve_literal(&t.host, t.port, false) {
            Some(addr) => {
                (*c).rem = mg_addr::from_socket_addr(&addr);
                connect_resolved(c);
            }
            // A name: resolved without blocking; the connect follows.
            None => crate::dns::resolver::resolve_host(c, t.host.as_bytes(), t.port),
        }
        c
    }
}

/// Connects a client connection to the address already in `c->rem` (UDP
/// when `c->is_udp`): sends MG_EV_RESOLVE and starts connecting, or raises
/// MG_EV_ERROR.
///
/// # Safety
/// `c` must be a live connection of an initialised manager, with no socket.
pub unsafe fn connect_resolved(c: *mut mg_connection) {
    // SAFETY: c is live per the contract.
    unsafe {
        let addr = (*c).rem.to_socket_addr();
        let proto = if (*c).is_udp() { Proto::Udp } else { Proto::Tcp };
        (*c).set_client(true);
        conn::call(c, ev::RESOLVE, ptr::null_mut());
        if let Err(e) = start_connect(c, &addr, proto) {
            raise_error(c, MG_LL_ERROR, format!("connect {addr}: {e}").as_bytes());
        }
    }
}

/// Makes a connection of an existing descriptor (a connected socket, one
/// end of a socketpair, a socket handed over by systemd), served as a TCP
/// stream: it is made non-blocking, registered, sent MG_EV_OPEN, and closed
/// with the connection. `c->loc` and `c->rem` stay empty. NULL when the
/// descriptor cannot be registered (it is then left open).
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn wrap_fd(
    mgr: *mut mg_mgr,
    fd: RawFd,
    f: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: mgr is initialised; c is fresh and live.
    unsafe {
        let c = new_conn(mgr, f, fn_data);
        if c.is_null() {
            crate::log_error!("mg_wrapfd", "out of memory");
            return c;
        }
        let registered = sock::set_nonblocking(fd)
            .and_then(|()| attach(c, fd, Interest { read: true, write: false }));
        if let Err(e) = registered {
            crate::log_error!("mg_wrapfd", "fd {fd}: {e}");
            // The caller keeps the descriptor it could not hand over.
            conn::private(c).sock = None;
            (*c).fd = usize::MAX as *mut c_void;
            discard(c);
            return ptr::null_mut();
        }
        conn::call(c, ev::OPEN, ptr::null_mut());
        c
    }
}

unsafe fn start_connect(c: *mut mg_connection, addr: &SocketAddr, proto: Proto) -> io::Result<()> {
    let fd = sock::socket(addr, proto)?;
    // SAFETY: c is live; fd is ours until attached.
    unsafe {
        if let Err(e) = attach(c, fd, Interest { read: true, write: true }) {
            sock::close(fd);
            conn::private(c).sock = None;
            return Err(e);
        }
        if proto == Proto::Tcp {
            sock::set_nodelay(fd);
        }
        // Completion, even an immediate one, is reported by the next poll, so
        // handlers always see MG_EV_CONNECT after mg_connect() has returned.
        // A UDP client of a multicast group stays unconnected, to hear the
        // members' unicast answers (it sends to `c->rem`, as in Mongoose).
        if !(proto == Proto::Udp && addr.ip().is_multicast()) {
            sock::connect(fd, addr)?;
        }
        (*c).set_connecting(true);
    }
    Ok(())
}

/// Notes that `c` has new output or a finished response that no handler of
/// its own produced (a handler of another connection, a timer, a wakeup), so
/// that the event loop writes it within the current `mg_mgr_poll` instead of
/// leaving it until the next one. Every library call that queues output
/// calls this.
///
/// # Safety
/// `c` must be a live connection (or one outside any manager).
pub unsafe fn touch(c: *mut mg_connection) {
    // SAFETY: c is live per the contract.
    if let Some(mut c) = unsafe { Conn::from_raw(c) } {
        c.touch();
    }
}

/// Sends data: appended to `c->send` for TCP (written by the event loop),
/// sent at once as one datagram for UDP. False on OOM or a failed datagram.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn send(c: *mut mg_connection, data: &[u8]) -> bool {
    // SAFETY: c is live per the contract.
    unsafe { Conn::from_raw(c) }.is_some_and(|mut c| c.send_data(data))
}

impl Conn {
    /// Reports an error on the connection: logs it, sends MG_EV_ERROR with
    /// the message, and marks the connection for closing.
    pub fn error(&mut self, level: i32, msg: &[u8]) {
        let shown = String::from_utf8_lossy(msg);
        let fd = self.fd as isize;
        crate::log::log(
            level,
            file!(),
            line!(),
            "mg_error",
            format_args!("{} {} {}", self.id, fd, shown),
        );
        self.set_closing(true);
        let mut text = msg.to_vec();
        text.push(0);
        self.call(ev::ERROR, text.as_mut_ptr().cast());
    }

    /// Notes that the connection has new output or a finished response that
    /// no handler of its own produced (a handler of another connection, a
    /// timer, a wakeup), so that the event loop writes it within the current
    /// `mg_mgr_poll` instead of leaving it until the next one. Every library
    /// call that queues output calls this.
    pub fn touch(&mut self) {
        let (c, mgr) = (self.as_ptr(), self.mgr);
        // SAFETY: the manager of a live connection is NULL or initialised;
        // its state is not held across any call.
        let Some(st) = (unsafe { mgr::state(mgr) }) else { return };
        if !st.tracking || st.serving == c {
            return;
        }
        let p = self.private();
        if !p.touched {
            p.touched = true;
            st.touched.push((c, p.registered_id));
        }
    }

    /// Sends data: appended to `c->send` for TCP (written by the event
    /// loop), sent at once as one datagram for UDP. False on OOM or a
    /// failed datagram.
    pub fn send_data(&mut self, data: &[u8]) -> bool {
        if self.is_udp() {
            return send_datagram(self, data);
        }
        if self.send.append(data) {
            self.touch();
            true
        } else {
            self.error(MG_LL_ERROR, b"out of memory");
            false
        }
    }
}

/// Unlinks and frees a connection that never opened (no MG_EV_OPEN was
/// sent), without sending it any event.
///
/// # Safety
/// `c` must be a live connection linked into its manager; it is freed.
pub(crate) unsafe fn discard(c: *mut mg_connection) {
    // SAFETY: per the contract.
    unsafe {
        (*c).fn_ = None;
        (*c).pfn = None;
        close_conn(c);
    }
}

/// Closes and frees a connection: MG_EV_CLOSE to its handlers, then the socket
/// is unregistered and closed, the connection unlinked and its memory freed.
///
/// # Safety
/// `c` must be a live connection linked into its manager; it is freed.
pub unsafe fn close_conn(c: *mut mg_connection) {
    // SAFETY: c is live and linked per the contract; freed last.
    unsafe {
        conn::call(c, ev::CLOSE, ptr::null_mut());
        if !(*c).tls.is_null() {
            crate::tls::free(c);
        }
        let mgr = (*c).mgr;
        let mut link = &mut (*mgr).conns as *mut *mut mg_connection;
        while !(*link).is_null() {
            if *link == c {
                *link = (*c).next;
                break;
            }
            link = &mut (**link).next;
        }
        let p = conn::private(c);
        if let Some(st) = mgr::state(mgr) {
            if st.by_id.get(&p.registered_id) == Some(&c) {
                st.by_id.remove(&p.registered_id);
            }
            if st.all.get(p.slot) == Some(&c) {
                st.all.swap_remove(p.slot);
                if let Some(&moved) = st.all.get(p.slot) {
                    conn::private(moved).slot = p.slot;
                }
            }
            if let (true, Some(fd)) = (p.registered, p.sock) {
                let _ = st.poller.deregister(fd);
            }
        }
        if let Some(fd) = p.sock.take() {
            sock::close(fd);
        }
        conn::free(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        let t = parse_target("tcp://127.0.0.1:8000").unwrap();
        assert_eq!((t.proto, t.host.as_str(), t.port), (Proto::Tcp, "127.0.0.1", 8000));
        let t = parse_target("udp://[::1]:53").unwrap();
        assert_eq!((t.proto, t.host.as_str(), t.port), (Proto::Udp, "::1", 53));
        let t = parse_target("http://localhost/x").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.is_tls), ("localhost", 80, false));
        let t = parse_target("https://localhost/x").unwrap();
        assert_eq!((t.port, t.is_tls), (443, true));
        assert!(parse_target("wss://h:1/").unwrap().is_tls);
        let t = parse_target("http://u:p@h:1/").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("h", 1));
        assert!(parse_target("tcp://h:99999").is_none());
        assert!(parse_target("tcp://[::1").is_none());
    }
}
