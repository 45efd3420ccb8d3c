//! The life of a connection: listening, connecting, accepting, reading,
//! writing and closing, and keeping its poller registration in step with its
//! flags. `mgr.rs` drives these from the event loop.
use crate::addr::mg_addr;
use crate::config::{MG_IO_SIZE, MG_MAX_RECV_SIZE};
use crate::conn::{self, ev, mg_connection, mg_event_handler_t, Interest};
use crate::log::{MG_LL_DEBUG, MG_LL_ERROR};
use crate::mgr::{self, mg_mgr};
use crate::sock::{self, Proto};
use polling::{Event, PollMode};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{BorrowedFd, RawFd};
use std::os::raw::{c_long, c_void};
use std::ptr;

/// Connections accepted per listener per poll iteration, so one busy listener
/// cannot starve the rest of the loop.
const ACCEPT_BATCH: usize = 256;
/// How long a listener stops accepting after the process ran out of
/// descriptors, so a full backlog does not become a busy loop.
const ACCEPT_PAUSE_MS: u64 = 100;
/// Most a receive buffer grows by at once; larger reads amortise syscalls.
const READ_CHUNK: usize = 64 * 1024;

/// Where a URL points: protocol, host and port.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub proto: Proto,
    /// The scheme asks for TLS (https, wss, mqtts, ssl, tls, tcps).
    pub is_tls: bool,
    pub host: String,
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

/// Attaches a socket to a connection and registers it with the poller.
unsafe fn attach(c: *mut mg_connection, fd: RawFd, interest: Interest) -> io::Result<()> {
    // SAFETY: c is live; the poller registration is removed in close_conn()
    // before the descriptor is closed.
    unsafe {
        (*c).fd = fd as usize as *mut c_void;
        let p = conn::private(c);
        p.sock = Some(fd);
        let st = mgr::state((*c).mgr).ok_or_else(|| io::Error::other("manager not initialised"))?;
        st.poller.add_with_mode(fd, event(c, interest), PollMode::Level)?;
        p.registered = true;
        p.interest = interest;
    }
    Ok(())
}

fn event(c: *mut mg_connection, i: Interest) -> Event {
    let key = c as usize;
    match (i.read, i.write) {
        (true, true) => Event::all(key),
        (true, false) => Event::readable(key),
        (false, true) => Event::writable(key),
        (false, false) => Event::none(key),
    }
}

/// Reports an error on a connection: logs it, sends MG_EV_ERROR with the
/// message, and marks the connection for closing.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn raise_error(c: *mut mg_connection, level: i32, msg: &[u8]) {
    // SAFETY: c is live per the contract.
    unsafe {
        let shown = String::from_utf8_lossy(msg);
        let fd = (*c).fd as isize;
        crate::log::log(
            level,
            file!(),
            line!(),
            "mg_error",
            format_args!("{} {} {}", (*c).id, fd, shown),
        );
        (*c).set_closing(true);
        let mut text = msg.to_vec();
        text.push(0);
        conn::call(c, ev::ERROR, text.as_mut_ptr().cast());
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

/// Keeps a connection's poller registration in step with its flags, and says
/// when it next needs the loop's attention: `Some(t)` to wake by time `t`
/// (`t <= now` means at once), `None` when only I/O readiness matters.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn sync_interest(c: *mut mg_connection, now: u64) -> Option<u64> {
    // SAFETY: c is live per the contract.
    unsafe {
        let cr = &*c;
        let p = conn::private(c);
        // Output still to go: bytes in `send` (for TLS, also ciphertext, and
        // `send` only once the handshake is done), or a file being streamed.
        let plain_out = if cr.flags & crate::conn::flag::IS_TLS == 0 {
            cr.send.len > 0
        } else {
            crate::tls::has_output(c)
        };
        let out = plain_out || p.file.is_some();
        let mut wake = None;
        if cr.is_closing()
            || (cr.is_draining() && !out)
            || (out && !p.write_blocked && !cr.is_connecting())
            || (p.resp_seen && !cr.is_resp())
        {
            wake = Some(now);
        }
        let paused = p.paused_until > now;
        if paused {
            wake = Some(p.paused_until);
        }
        let want = Interest {
            read: !cr.is_full() && !cr.is_closing() && !paused,
            write: cr.is_connecting() || (out && p.write_blocked),
        };
        if p.registered && want != p.interest {
            if let (Some(fd), Some(st)) = (p.sock, mgr::state(cr.mgr)) {
                let bfd = BorrowedFd::borrow_raw(fd);
                if st.poller.modify_with_mode(bfd, event(c, want), PollMode::Level).is_ok() {
                    p.interest = want;
                }
            }
        }
        wake
    }
}

/// Does one connection's work for this iteration: MG_EV_POLL, then its I/O
/// ([`service_io`]). False when the connection was closed (and freed).
///
/// # Safety
/// `c` must be a live connection of an initialised manager.
pub unsafe fn service(c: *mut mg_connection, now: u64) -> bool {
    // SAFETY: c is live; handlers may change it but not free it.
    unsafe {
        release_idle_buffer(c);
        let mut now_ms = now;
        conn::call(c, ev::POLL, (&mut now_ms as *mut u64).cast());
        service_io(c, now)
    }
}

/// Whether serving `c` may have changed what its poller registration should
/// be: it was ready, or it has output or a full buffer. Other connections
/// cannot have changed, short of a handler writing their fields directly.
pub fn may_need_sync(c: &mg_connection) -> bool {
    const READY: u32 = crate::conn::flag::IS_READABLE | crate::conn::flag::IS_WRITABLE;
    c.flags & READY != 0 || c.send.len > 0 || c.is_full()
}

/// The I/O half of [`service`]: resume a protocol whose response finished,
/// accept, connect, read and write on a ready socket, then close the
/// connection if it is done. The event loop also calls it alone for sockets
/// that become ready between its passes. False when the connection was
/// closed (and freed).
///
/// # Safety
/// `c` must be a live connection of an initialised manager.
pub unsafe fn service_io(c: *mut mg_connection, now: u64) -> bool {
    // SAFETY: c is live; handlers may change it but not free it.
    unsafe {
        if conn::private(c).resp_seen && !(*c).is_resp() {
            // The response in progress ended: the protocol handler parses
            // what waited in `recv` (a pipelined request) as a fresh read.
            conn::private(c).resp_seen = false;
            let mut n: c_long = 0;
            conn::call(c, ev::READ, (&mut n as *mut c_long).cast());
        }
        if !(*c).is_closing() {
            if (*c).is_listening() {
                if (*c).is_readable() {
                    if (*c).is_udp() {
                        read_datagram(c);
                    } else {
                        accept_all(c, now);
                    }
                }
                if (*c).is_udp() && (*c).send.len > 0 {
                    write_datagram(c);
                }
            } else if (*c).is_connecting() {
                if (*c).is_readable() || (*c).is_writable() {
                    finish_connect(c);
                }
            } else if (*c).flags & crate::conn::flag::IS_TLS != 0 {
                // Reads, decrypts, encrypts and writes (tls.rs).
                let p = conn::private(c);
                if (*c).is_readable() || (*c).is_writable() || !p.write_blocked {
                    crate::tls::io(c);
                }
                if conn::private(c).file.is_some() && !(*c).is_closing() {
                    crate::serve::pump(c);
                }
            } else {
                if (*c).is_readable() && !(*c).is_full() {
                    if (*c).is_udp() {
                        read_datagram(c);
                    } else {
                        read_stream(c);
                    }
                }
                let p = conn::private(c);
                if (*c).send.len > 0 && ((*c).is_writable() || !p.write_blocked) {
                    if (*c).is_udp() {
                        write_datagram(c);
                    } else {
                        write_stream(c);
                    }
                }
                // A static file being served (serve.rs) goes out from here:
                // sendfile(2) once `send` is flushed, or a refill of `send`.
                if conn::private(c).file.is_some() {
                    crate::serve::pump(c);
                }
            }
        }
        // Idle connections are only read here, never written: with thousands
        // of them, dirtying each one's cache lines every iteration shows.
        const READY: u32 = crate::conn::flag::IS_READABLE | crate::conn::flag::IS_WRITABLE;
        if (*c).flags & READY != 0 {
            (*c).flags &= !READY;
        }
        if (*c).is_draining()
            && (*c).send.len == 0
            && conn::private(c).file.is_none()
            && ((*c).flags & crate::conn::flag::IS_TLS == 0 || !crate::tls::has_output(c))
        {
            (*c).set_closing(true);
        }
        if (*c).is_closing() {
            close_conn(c);
            return false;
        }
        if conn::private(c).resp_seen != (*c).is_resp() {
            conn::private(c).resp_seen = (*c).is_resp();
        }
        true
    }
}

unsafe fn accept_all(lc: *mut mg_connection, now: u64) {
    // SAFETY: lc is a live listener; new connections are fresh.
    unsafe {
        let Some(lfd) = conn::private(lc).sock else {
            return;
        };
        for _ in 0..ACCEPT_BATCH {
            match sock::accept(lfd) {
                Ok(Some((fd, peer))) => accept_one(lc, fd, peer),
                Ok(None) => break,
                Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE)) => {
                    crate::log_error!(
                        "accept",
                        "{} accept: {e}; pausing {ACCEPT_PAUSE_MS} ms",
                        (*lc).id
                    );
                    conn::private(lc).paused_until = now + ACCEPT_PAUSE_MS;
                    break;
                }
                Err(e) => {
                    crate::log_debug!("accept", "{} accept: {e}", (*lc).id);
                    break;
                }
            }
        }
    }
}

unsafe fn accept_one(lc: *mut mg_connection, fd: RawFd, peer: Option<SocketAddr>) {
    // SAFETY: lc is a live listener; c is fresh.
    unsafe {
        let c = new_conn((*lc).mgr, (*lc).fn_, (*lc).fn_data);
        if c.is_null() {
            sock::close(fd);
            crate::log_error!("accept", "out of memory");
            return;
        }
        (*c).pfn = (*lc).pfn;
        (*c).pfn_data = (*lc).pfn_data;
        (*c).set_accepted(true);
        // A listener's traffic dump (`-H` in many programs) covers its clients.
        (*c).set_hexdumping((*lc).is_hexdumping());
        (*c).set_tls((*lc).is_tls());
        if let Some(peer) = peer {
            (*c).rem = mg_addr::from_socket_addr(&peer);
        }
        if let Some(local) = sock::local_addr(fd) {
            (*c).loc = mg_addr::from_socket_addr(&local);
        }
        sock::set_nodelay(fd);
        if let Err(e) = attach(c, fd, Interest { read: true, write: false }) {
            crate::log_error!("accept", "{e}");
            (*c).set_closing(true);
        }
        conn::call(c, ev::OPEN, ptr::null_mut());
        conn::call(c, ev::ACCEPT, ptr::null_mut());
    }
}

unsafe fn finish_connect(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        let Some(fd) = conn::private(c).sock else {
            return;
        };
        match sock::take_error(fd) {
            Ok(None) => {
                (*c).set_connecting(false);
                if let Some(local) = sock::local_addr(fd) {
                    (*c).loc = mg_addr::from_socket_addr(&local);
                }
                conn::call(c, ev::CONNECT, ptr::null_mut());
            }
            Ok(Some(e)) | Err(e) => raise_error(c, MG_LL_ERROR, format!("connect: {e}").as_bytes()),
        }
    }
}

/// Makes room in `recv` for the next read, within MG_MAX_RECV_SIZE. Returns
/// the room, or None when the limit is reached or memory ran out.
///
/// The buffer starts at MG_IO_SIZE and grows as data accumulates (up to
/// READ_CHUNK more per read), so idle and small connections stay small while
/// large transfers need few reads. When the last read filled all the room,
/// more is probably waiting: the room doubles (up to READ_CHUNK) even if the
/// handler consumed everything, so a handler that streams `c->recv` away on
/// each MG_EV_READ is not held to MG_IO_SIZE bytes per read.
pub(crate) fn recv_room(c: &mut mg_connection, last_read_filled: bool) -> Option<usize> {
    let limit_left = MG_MAX_RECV_SIZE.saturating_sub(c.recv.len);
    if limit_left == 0 {
        return None;
    }
    let free = c.recv.size - c.recv.len;
    let wanted =
        if last_read_filled { (2 * free).clamp(MG_IO_SIZE, READ_CHUNK) } else { MG_IO_SIZE };
    if free < wanted.min(limit_left) {
        let room = wanted.max(c.recv.len.clamp(MG_IO_SIZE, READ_CHUNK)).min(limit_left);
        if !c.recv.reserve(room) {
            return None;
        }
    }
    Some((c.recv.size - c.recv.len).min(limit_left))
}

unsafe fn read_stream(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        let Some(fd) = conn::private(c).sock else {
            return;
        };
        let Some(room) = recv_room(&mut *c, conn::private(c).read_filled) else {
            let why = if (*c).recv.len >= MG_MAX_RECV_SIZE {
                "MG_MAX_RECV_SIZE exceeded"
            } else {
                "out of memory"
            };
            raise_error(c, MG_LL_ERROR, why.as_bytes());
            return;
        };
        let spare = &mut (*c).recv.spare_mut()[..room];
        match sock::recv(fd, spare) {
            Ok(0) => {
                // The peer finished sending: flush what is queued, then close.
                (*c).set_draining(true);
            }
            Ok(n) => {
                (*c).recv.len += n;
                conn::private(c).read_filled = n == room;
                if (*c).is_hexdumping() {
                    hexdump(c, "<-", &(*c).recv.data()[(*c).recv.len - n..]);
                }
                let mut n = n as c_long;
                conn::call(c, ev::READ, (&mut n as *mut c_long).cast());
                conn::private(c).read_since_pass = true;
            }
            Err(e) if sock::would_block(&e) => {}
            Err(e) => raise_error(c, MG_LL_DEBUG, format!("recv: {e}").as_bytes()),
        }
    }
}

/// Gives back a receive buffer larger than a few MG_IO_SIZE once it is
/// empty and the connection read nothing since the last pass over all
/// connections, so thousands of connections that once received a big message
/// do not keep its memory, while a busy one keeps its buffer from message to
/// message (rather than growing it again, page by page, for each).
///
/// # Safety
/// `c` must be a live connection.
unsafe fn release_idle_buffer(c: *mut mg_connection) {
    // SAFETY: c is live; recv is checked first so idle small connections do
    // not touch their private state.
    unsafe {
        if (*c).recv.len != 0 || (*c).recv.size <= 4 * MG_IO_SIZE {
            return;
        }
        let p = conn::private(c);
        if std::mem::take(&mut p.read_since_pass) {
            return;
        }
        p.read_filled = false;
        (*c).recv.free();
    }
}

unsafe fn read_datagram(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        let Some(fd) = conn::private(c).sock else {
            return;
        };
        let Some(room) = recv_room(&mut *c, false) else {
            raise_error(c, MG_LL_ERROR, b"MG_MAX_RECV_SIZE exceeded");
            return;
        };
        let spare = &mut (*c).recv.spare_mut()[..room];
        match sock::recv_from(fd, spare) {
            Ok((n, from)) => {
                (*c).recv.len += n;
                if let Some(from) = from {
                    (*c).rem = mg_addr::from_socket_addr(&from);
                }
                if (*c).is_hexdumping() {
                    hexdump(c, "<-", &(*c).recv.data()[(*c).recv.len - n..]);
                }
                let mut n = n as c_long;
                conn::call(c, ev::READ, (&mut n as *mut c_long).cast());
            }
            Err(e) if sock::would_block(&e) => {}
            Err(e) => crate::log_debug!("recvfrom", "{} {e}", (*c).id),
        }
    }
}

unsafe fn write_stream(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        let Some(fd) = conn::private(c).sock else {
            return;
        };
        match sock::send(fd, (*c).send.data()) {
            Ok(n) => {
                if (*c).is_hexdumping() {
                    hexdump(c, "->", &(*c).send.data()[..n]);
                }
                (*c).send.del(0, n);
                conn::private(c).write_blocked = (*c).send.len > 0;
                let mut n = n as c_long;
                conn::call(c, ev::WRITE, (&mut n as *mut c_long).cast());
            }
            Err(e) if sock::would_block(&e) => conn::private(c).write_blocked = true,
            Err(e) => raise_error(c, MG_LL_DEBUG, format!("send: {e}").as_bytes()),
        }
    }
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
    // SAFETY: c is live; the state is not held across any call.
    unsafe {
        let Some(st) = mgr::state((*c).mgr) else { return };
        if !st.tracking || st.serving == c {
            return;
        }
        let p = conn::private(c);
        if !p.touched {
            p.touched = true;
            st.touched.push((c, p.registered_id));
        }
    }
}

/// Sends data: appended to `c->send` for TCP (written by the event loop),
/// sent at once as one datagram for UDP. False on OOM or a failed datagram.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn send(c: *mut mg_connection, data: &[u8]) -> bool {
    // SAFETY: c is live.
    unsafe {
        if (*c).is_udp() {
            return send_datagram(c, data);
        }
        if (*c).send.append(data) {
            touch(c);
            true
        } else {
            raise_error(c, MG_LL_ERROR, b"out of memory");
            false
        }
    }
}

unsafe fn send_datagram(c: *mut mg_connection, data: &[u8]) -> bool {
    // SAFETY: c is live.
    match unsafe { datagram_to_peer(c, data) } {
        Ok(n) => n == data.len(),
        Err(e) => {
            // SAFETY: c is live.
            crate::log_debug!("mg_send", "{} sendto: {e}", unsafe { (*c).id });
            false
        }
    }
}

/// One datagram to the connection's peer: the connected address of a UDP
/// client, or `c->rem` (the sender of the last datagram) of a UDP listener.
unsafe fn datagram_to_peer(c: *mut mg_connection, data: &[u8]) -> io::Result<usize> {
    // SAFETY: c is live.
    unsafe {
        let Some(fd) = conn::private(c).sock else {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        };
        if (*c).is_listening() {
            return sock::send_to(fd, data, &(*c).rem.to_socket_addr());
        }
        match sock::send(fd, data) {
            // An unconnected (multicast) client sends to `c->rem`.
            Err(e) if e.raw_os_error() == Some(libc::EDESTADDRREQ) => {
                sock::send_to(fd, data, &(*c).rem.to_socket_addr())
            }
            r => r,
        }
    }
}

/// Output a handler queued in a UDP connection's `c->send` (`mg_printf`, a
/// direct `mg_iobuf_add`) goes out as one datagram, as in Mongoose; a
/// datagram the kernel refuses is dropped, as UDP drops it anyway, so the
/// loop never spins on it.
unsafe fn write_datagram(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        match datagram_to_peer(c, (*c).send.data()) {
            Err(e) if sock::would_block(&e) => conn::private(c).write_blocked = true,
            r => {
                let n = (*c).send.len;
                if (*c).is_hexdumping() {
                    hexdump(c, "->", (*c).send.data());
                }
                (*c).send.len = 0;
                conn::private(c).write_blocked = false;
                match r {
                    Ok(_) => {
                        let mut n = n as c_long;
                        conn::call(c, ev::WRITE, (&mut n as *mut c_long).cast());
                    }
                    Err(e) => crate::log_debug!("sendto", "{} {e}", (*c).id),
                }
            }
        }
    }
}

/// The traffic dump of a connection with `c->is_hexdumping`: a line in
/// Mongoose's shape, `-- ID LOCAL -> REMOTE BYTES` (`<-` for received
/// data), then the bytes.
pub(crate) fn hexdump(c: *const mg_connection, dir: &str, data: &[u8]) {
    // SAFETY: c is live (callers hold it).
    let (id, loc, rem) = unsafe { ((*c).id, (*c).loc.to_socket_addr(), (*c).rem.to_socket_addr()) };
    crate::log::write(format!("-- {id} {loc} {dir} {rem} {}\n", data.len()).as_bytes());
    crate::log::hexdump(data);
}

/// Unlinks and frees a connection that never opened (no MG_EV_OPEN was
/// sent), without sending it any event.
///
/// # Safety
/// `c` must be a live connection linked into its manager; it is freed.
unsafe fn discard(c: *mut mg_connection) {
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
                let _ = st.poller.delete(BorrowedFd::borrow_raw(fd));
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
