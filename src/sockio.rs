//! Socket I/O of the event loop, as Mongoose's `sock.c`: the poller
//! registration of each connection, and what readiness does to it (accept,
//! connect completion, reads into `c->recv`, writes from `c->send`, datagrams).
use crate::addr::mg_addr;
use crate::config::{MG_IO_SIZE, MG_MAX_RECV_SIZE};
use crate::conn::{self, ev, mg_connection, Conn, Interest};
use crate::log::{MG_LL_DEBUG, MG_LL_ERROR};
use crate::mgr::{self};
use crate::net::{close_conn, new_conn};
use crate::sock::{self};
use std::io;
use std::net::SocketAddr;
use std::os::fd::RawFd;
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

/// Attaches a socket to a connection and registers it with the poller (the
/// registration is removed in close_conn() before the descriptor is closed).
pub(crate) fn attach(c: &mut Conn, fd: RawFd, interest: Interest) -> io::Result<()> {
    c.fd = fd as usize as *mut c_void;
    let (token, mgr) = (c.as_ptr() as usize, c.mgr);
    c.private().sock = Some(fd);
    // SAFETY: the manager of a live connection is NULL or initialised; its
    // state is not held across any call.
    let st =
        unsafe { mgr::state(mgr) }.ok_or_else(|| io::Error::other("manager not initialised"))?;
    st.poller.register(fd, token, interest)?;
    let p = c.private();
    p.registered = true;
    p.interest = interest;
    Ok(())
}

/// Keeps a connection's poller registration in step with its flags, and says
/// when it next needs the loop's attention: `Some(t)` to wake by time `t`
/// (`t <= now` means at once), `None` when only I/O readiness matters.
/// Part of the event loop's walk over every connection (the hottest loop
/// with many idle ones), so it works on the walk's raw pointer.
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn sync_interest(c: *mut mg_connection, now: u64) -> Option<u64> {
    let token = c as usize;
    // SAFETY: c is live per the contract; the private block lies outside
    // the C struct, so the two references do not overlap.
    let (cr, p) = unsafe { (&*c, conn::private(c)) };
    // Output still to go: bytes in `send` (for TLS, also ciphertext, and
    // `send` only once the handshake is done), or a file being streamed.
    let plain_out = if cr.flags & crate::conn::flag::IS_TLS == 0 {
        cr.send.len > 0
    } else {
        crate::tls::has_output(cr)
    };
    let out = plain_out || p.pump.is_some();
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
        // SAFETY: the manager of a live connection is NULL or initialised;
        // its state is held for this call of the poller only.
        if let (Some(fd), Some(st)) = (p.sock, unsafe { mgr::state(cr.mgr) }) {
            if st.poller.reregister(fd, token, want).is_ok() {
                p.interest = want;
            }
        }
    }
    wake
}

/// Does one connection's work for this iteration: MG_EV_POLL, then its I/O
/// ([`service_io`]). False when the connection was closed (and freed).
///
/// # Safety
/// `c` must be a live connection of an initialised manager.
pub unsafe fn service(c: *mut mg_connection, now: u64) -> bool {
    // SAFETY: c is live per the contract; handlers may change it but not
    // free it.
    let Some(mut conn) = (unsafe { Conn::from_raw(c) }) else { return false };
    release_idle_buffer(&mut conn);
    let mut now_ms = now;
    conn.call(ev::POLL, (&mut now_ms as *mut u64).cast());
    serve_io(conn, now)
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
    // SAFETY: c is live per the contract.
    unsafe { Conn::from_raw(c) }.is_some_and(|conn| serve_io(conn, now))
}

/// [`service_io`] on a handle; the handle is consumed, since the connection
/// may be freed.
fn serve_io(mut conn: Conn, now: u64) -> bool {
    let c = &mut conn;
    if c.private().resp_seen && !c.is_resp() {
        // The response in progress ended: the protocol handler parses
        // what waited in `recv` (a pipelined request) as a fresh read.
        c.private().resp_seen = false;
        let mut n: c_long = 0;
        c.call(ev::READ, (&mut n as *mut c_long).cast());
    }
    if !c.is_closing() {
        if c.is_listening() {
            if c.is_readable() {
                if c.is_udp() {
                    read_datagram(c);
                } else {
                    accept_all(c, now);
                }
            }
            if c.is_udp() && c.send.len > 0 {
                write_datagram(c);
            }
        } else if c.is_connecting() {
            if c.is_readable() || c.is_writable() {
                finish_connect(c);
            }
        } else if c.flags & crate::conn::flag::IS_TLS != 0 {
            // Reads, decrypts, encrypts and writes (tls/io.rs).
            if c.is_readable() || c.is_writable() || !c.private().write_blocked {
                crate::tls::io(c);
            }
            if !c.is_closing() {
                pump(c);
            }
        } else {
            if c.is_readable() && !c.is_full() {
                if c.is_udp() {
                    read_datagram(c);
                } else {
                    read_stream(c);
                }
            }
            if c.send.len > 0 && (c.is_writable() || !c.private().write_blocked) {
                if c.is_udp() {
                    write_datagram(c);
                } else {
                    write_stream(c);
                }
            }
            // Output a layer holds outside `send` goes out from here (a
            // static file: sendfile(2) once `send` is flushed, or a
            // refill of `send`).
            pump(c);
        }
    }
    // Idle connections are only read here, never written: with thousands
    // of them, dirtying each one's cache lines every iteration shows.
    const READY: u32 = crate::conn::flag::IS_READABLE | crate::conn::flag::IS_WRITABLE;
    if c.flags & READY != 0 {
        c.flags &= !READY;
    }
    if c.is_draining()
        && c.send.len == 0
        && c.private().pump.is_none()
        && (c.flags & crate::conn::flag::IS_TLS == 0 || !crate::tls::has_output(c))
    {
        c.set_closing(true);
    }
    if c.is_closing() {
        // SAFETY: live and linked into its manager; the handle is not used
        // after this.
        unsafe { close_conn(conn.as_ptr()) };
        return false;
    }
    let resp = c.is_resp();
    let p = c.private();
    if p.resp_seen != resp {
        p.resp_seen = resp;
    }
    true
}

/// Runs the output pump of the layer that holds output outside `c->send`,
/// if any (see `ConnPrivate::pump`).
fn pump(c: &mut Conn) {
    if let Some(f) = c.private().pump {
        f(c);
    }
}

fn accept_all(lc: &mut Conn, now: u64) {
    let Some(lfd) = lc.private().sock else {
        return;
    };
    for _ in 0..ACCEPT_BATCH {
        match sock::accept(lfd) {
            Ok(Some((fd, peer))) => accept_one(lc, fd, peer),
            Ok(None) => break,
            Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE)) => {
                crate::log_error!("accept", "{} accept: {e}; pausing {ACCEPT_PAUSE_MS} ms", lc.id);
                lc.private().paused_until = now + ACCEPT_PAUSE_MS;
                break;
            }
            Err(e) => {
                crate::log_debug!("accept", "{} accept: {e}", lc.id);
                break;
            }
        }
    }
}

fn accept_one(lc: &mut Conn, fd: RawFd, peer: Option<SocketAddr>) {
    // SAFETY: the listener's manager is initialised (it has a listener).
    let raw = unsafe { new_conn(lc.mgr, lc.fn_, lc.fn_data) };
    // SAFETY: NULL or the fresh, live connection just made.
    let Some(mut conn) = (unsafe { Conn::from_raw(raw) }) else {
        sock::close(fd);
        crate::log_error!("accept", "out of memory");
        return;
    };
    let c = &mut conn;
    c.pfn = lc.pfn;
    c.pfn_data = lc.pfn_data;
    c.set_accepted(true);
    // A listener's traffic dump (`-H` in many programs) covers its clients.
    c.set_hexdumping(lc.is_hexdumping());
    c.set_tls(lc.is_tls());
    if let Some(peer) = peer {
        c.rem = mg_addr::from_socket_addr(&peer);
    }
    if let Some(local) = sock::local_addr(fd) {
        c.loc = mg_addr::from_socket_addr(&local);
    }
    sock::set_nodelay(fd);
    if let Err(e) = attach(c, fd, Interest { read: true, write: false }) {
        crate::log_error!("accept", "{e}");
        c.set_closing(true);
    }
    c.call(ev::OPEN, ptr::null_mut());
    c.call(ev::ACCEPT, ptr::null_mut());
}

fn finish_connect(c: &mut Conn) {
    let Some(fd) = c.private().sock else {
        return;
    };
    match sock::take_error(fd) {
        Ok(None) => {
            c.set_connecting(false);
            if let Some(local) = sock::local_addr(fd) {
                c.loc = mg_addr::from_socket_addr(&local);
            }
            c.call(ev::CONNECT, ptr::null_mut());
        }
        Ok(Some(e)) | Err(e) => c.error(MG_LL_ERROR, format!("connect: {e}").as_bytes()),
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

/// The manager's receive buffers hold more than its cap and `c` is one of
/// the biggest holders: refuse it more input. Its protocol layer answers
/// and closes (`over_cap`, e.g. HTTP's 503); without one it is closed with
/// an error.
fn over_recv_cap(c: &mut Conn) -> bool {
    // SAFETY: a live connection's manager is live.
    let above = unsafe { mgr::state(c.mgr) }.map_or(usize::MAX, |st| st.recv_refuse_above);
    if c.recv.len == 0 || c.recv.len < above {
        return false;
    }
    let refused = c.private().over_cap.is_some_and(|refuse| refuse(c));
    if !refused {
        c.error(MG_LL_ERROR, b"receive memory cap reached");
    }
    true
}

fn read_stream(c: &mut Conn) {
    let Some(fd) = c.private().sock else {
        return;
    };
    if over_recv_cap(c) {
        return;
    }
    let filled = c.private().read_filled;
    let Some(room) = recv_room(c, filled) else {
        let why = if c.recv.len >= MG_MAX_RECV_SIZE {
            "MG_MAX_RECV_SIZE exceeded"
        } else {
            "out of memory"
        };
        c.error(MG_LL_ERROR, why.as_bytes());
        return;
    };
    let spare = &mut c.recv.spare_mut()[..room];
    match sock::recv(fd, spare) {
        Ok(0) => {
            // The peer finished sending: flush what is queued, then close.
            c.set_draining(true);
        }
        Ok(n) => {
            c.recv.len += n;
            c.private().read_filled = n == room;
            if c.is_hexdumping() {
                hexdump(c, "<-", &c.recv.data()[c.recv.len - n..]);
            }
            let mut n = n as c_long;
            c.call(ev::READ, (&mut n as *mut c_long).cast());
            c.private().read_since_pass = true;
        }
        Err(e) if sock::would_block(&e) => {}
        Err(e) => c.error(MG_LL_DEBUG, format!("recv: {e}").as_bytes()),
    }
}

/// Gives back a receive buffer larger than a few MG_IO_SIZE once it is
/// empty and the connection read nothing since the last pass over all
/// connections, so thousands of connections that once received a big message
/// do not keep its memory, while a busy one keeps its buffer from message to
/// message (rather than growing it again, page by page, for each).
fn release_idle_buffer(c: &mut Conn) {
    // recv is checked first so idle small connections do not touch their
    // private state.
    if c.recv.len != 0 || c.recv.size <= 4 * MG_IO_SIZE {
        return;
    }
    let p = c.private();
    if std::mem::take(&mut p.read_since_pass) {
        return;
    }
    p.read_filled = false;
    c.recv.free();
}

fn read_datagram(c: &mut Conn) {
    let Some(fd) = c.private().sock else {
        return;
    };
    let Some(room) = recv_room(c, false) else {
        c.error(MG_LL_ERROR, b"MG_MAX_RECV_SIZE exceeded");
        return;
    };
    let spare = &mut c.recv.spare_mut()[..room];
    match sock::recv_from(fd, spare) {
        Ok((n, from)) => {
            c.recv.len += n;
            if let Some(from) = from {
                c.rem = mg_addr::from_socket_addr(&from);
            }
            if c.is_hexdumping() {
                hexdump(c, "<-", &c.recv.data()[c.recv.len - n..]);
            }
            let mut n = n as c_long;
            c.call(ev::READ, (&mut n as *mut c_long).cast());
        }
        Err(e) if sock::would_block(&e) => {}
        Err(e) => crate::log_debug!("recvfrom", "{} {e}", c.id),
    }
}

fn write_stream(c: &mut Conn) {
    let Some(fd) = c.private().sock else {
        return;
    };
    match sock::send(fd, c.send.data()) {
        Ok(n) => {
            if c.is_hexdumping() {
                hexdump(c, "->", &c.send.data()[..n]);
            }
            c.send.del(0, n);
            c.private().write_blocked = c.send.len > 0;
            let mut n = n as c_long;
            c.call(ev::WRITE, (&mut n as *mut c_long).cast());
        }
        Err(e) if sock::would_block(&e) => c.private().write_blocked = true,
        Err(e) => c.error(MG_LL_DEBUG, format!("send: {e}").as_bytes()),
    }
}

pub(crate) fn send_datagram(c: &mut Conn, data: &[u8]) -> bool {
    match datagram_to_peer(c, data) {
        Ok(n) => {
            if c.is_hexdumping() {
                hexdump(c, "->", &data[..n]);
            }
            // As in Mongoose, a sent datagram is reported at once with the
            // bytes sent (programs count datagrams this way).
            let mut sent = n as c_long;
            c.call(ev::WRITE, (&mut sent as *mut c_long).cast());
            n == data.len()
        }
        Err(e) => {
            crate::log_debug!("mg_send", "{} sendto: {e}", c.id);
            false
        }
    }
}

/// One datagram to the connection's peer: the connected address of a UDP
/// client, or `c->rem` (the sender of the last datagram) of a UDP listener.
fn datagram_to_peer(c: &mut Conn, data: &[u8]) -> io::Result<usize> {
    let (c, p) = c.parts();
    peer_send(p.sock, c, data)
}

/// [`datagram_to_peer`] on the connection's socket `sock`.
fn peer_send(sock: Option<RawFd>, c: &mg_connection, data: &[u8]) -> io::Result<usize> {
    let Some(fd) = sock else {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    };
    if c.is_listening() {
        return sock::send_to(fd, data, &c.rem.to_socket_addr());
    }
    match sock::send(fd, data) {
        // An unconnected (multicast) client sends to `c->rem`.
        Err(e) if e.raw_os_error() == Some(libc::EDESTADDRREQ) => {
            sock::send_to(fd, data, &c.rem.to_socket_addr())
        }
        r => r,
    }
}

/// Output a handler queued in a UDP connection's `c->send` (`mg_printf`, a
/// direct `mg_iobuf_add`) goes out as one datagram, as in Mongoose; a
/// datagram the kernel refuses is dropped, as UDP drops it anyway, so the
/// loop never spins on it.
fn write_datagram(c: &mut Conn) {
    let (cr, p) = c.parts();
    match peer_send(p.sock, cr, cr.send.data()) {
        Err(e) if sock::would_block(&e) => c.private().write_blocked = true,
        r => {
            let n = c.send.len;
            if c.is_hexdumping() {
                hexdump(c, "->", c.send.data());
            }
            c.send.len = 0;
            c.private().write_blocked = false;
            match r {
                Ok(_) => {
                    let mut n = n as c_long;
                    c.call(ev::WRITE, (&mut n as *mut c_long).cast());
                }
                Err(e) => crate::log_debug!("sendto", "{} {e}", c.id),
            }
        }
    }
}

/// The traffic dump of a connection with `c->is_hexdumping`: a line in
/// Mongoose's shape, `-- ID LOCAL -> REMOTE BYTES` (`<-` for received
/// data), then the bytes.
pub(crate) fn hexdump(c: &mg_connection, dir: &str, data: &[u8]) {
    let (id, loc, rem) = (c.id, c.loc.to_socket_addr(), c.rem.to_socket_addr());
    crate::log::write(format!("-- {id} {loc} {dir} {rem} {}\n", data.len()).as_bytes());
    crate::log::hexdump(data);
}
