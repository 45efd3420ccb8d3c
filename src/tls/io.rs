//! A connection's TLS session: the record layer between its socket, `c->rtls`
//! and its `recv`/`send` buffers, and the handshake.
use super::config::{client_conn, server_conn, Opts};
use super::mg_tls_opts;
use super::{MG_IO_ERR, MG_IO_WAIT};
use crate::config::MG_IO_SIZE;
use crate::conn::{ev, mg_connection, Conn, ConnPrivate};
use crate::log::{MG_LL_DEBUG, MG_LL_ERROR};
use std::io::{self, Read, Write};
use std::os::fd::RawFd;
use std::os::raw::{c_long, c_void};

/// Most ciphertext rustls holds for the socket; beyond it, plaintext stays
/// in `c->send` (back-pressure, as for plaintext connections).
pub const OUT_LIMIT: usize = 64 * 1024;
/// Most bytes read from the socket at once into `c->rtls`: several records.
const READ_CHUNK: usize = 64 * 1024;
/// Most plaintext taken from `c->send` in one call of [`io`], so one fast
/// connection does not hold up the loop.
const WRITE_BUDGET: usize = 1024 * 1024;

/// A connection's TLS state, behind `c->tls`.
pub struct Tls {
    conn: rustls::Connection,
    /// MG_EV_TLS_HS was sent.
    hs_reported: bool,
    /// rustls may hold decrypted data not yet moved to `c->recv` (it was
    /// full, or mg_tls_handshake() read past the handshake).
    leftover: bool,
}

/// A connection's TLS state with its C struct and private block, if it has
/// one: three disjoint places (the state is an allocation of its own), all
/// borrowed from the handle, so none of them can be held across
/// [`Conn::call`].
#[inline]
fn session(c: &mut Conn) -> Option<(&mut mg_connection, &mut ConnPrivate, &mut Tls)> {
    let (cc, p) = c.parts();
    // SAFETY: `c->tls` is NULL or the Box made by [`start`], which only
    // [`free`] releases (clearing it first); the library alone writes it (C
    // programs treat it as opaque). It points outside the connection's
    // block, so the reference overlaps neither `cc` nor `p`.
    let t = unsafe { cc.tls.cast::<Tls>().as_mut() }?;
    Some((cc, p, t))
}

/// The TLS state of a connection, if it has one (see [`session`]).
#[inline]
fn state(c: &mut Conn) -> Option<&mut Tls> {
    session(c).map(|(_, _, t)| t)
}

/// Starts TLS on a connection with the given C options (see [`start`]).
///
/// # Safety
/// The option strings must be readable for the duration of the call.
pub unsafe fn init(c: &mut Conn, opts: Option<&mg_tls_opts>) {
    // SAFETY: the strings are readable per the contract.
    let opts = opts.map(|o| unsafe { Opts::from_c(o) });
    start(c, opts.as_ref());
}

/// Starts TLS on a connection: a client or a server session, depending on
/// the connection. Errors (NULL or unusable options, a connection that
/// cannot carry TLS) are raised on the connection.
fn start(c: &mut Conn, opts: Option<&Opts>) {
    let Some(o) = opts else {
        return c.error(MG_LL_ERROR, b"mg_tls_init: opts is NULL");
    };
    if c.is_listening() || c.is_udp() {
        let msg = b"mg_tls_init: TLS needs an accepted or outbound TCP connection";
        return c.error(MG_LL_ERROR, msg);
    }
    if !c.tls.is_null() {
        crate::log_error!("mg_tls_init", "{} TLS is already initialised", c.id);
        return;
    }
    let made =
        if c.is_client() { client_conn(o, c.rem.to_socket_addr().ip()) } else { server_conn(o) };
    let mut tls_conn = match made {
        Ok(t) => t,
        Err(e) => return c.error(MG_LL_ERROR, format!("TLS setup: {e}").as_bytes()),
    };
    tls_conn.set_buffer_limit(Some(OUT_LIMIT));
    let t = Box::new(Tls { conn: tls_conn, hs_reported: false, leftover: false });
    c.tls = Box::into_raw(t).cast::<c_void>();
    c.set_tls(true);
    c.set_tls_hs(true);
    // A client's hello is output: have the loop write it promptly.
    c.touch();
}

/// Releases a connection's TLS state, first telling the peer the session
/// ends (one non-blocking attempt).
pub fn free(c: &mut Conn) {
    let t = c.tls.cast::<Tls>();
    if t.is_null() {
        return;
    }
    c.tls = std::ptr::null_mut();
    // SAFETY: a non-NULL `c->tls` is the Box made by start(); it is unlinked
    // from the connection above, so it is freed once.
    let mut t = unsafe { Box::from_raw(t) };
    if let Some(fd) = c.private().sock {
        if !t.conn.is_handshaking() {
            t.conn.send_close_notify();
        }
        let _ = flush(&mut t, fd);
    }
    c.set_tls_hs(false);
}

/// The socket as a byte stream for rustls.
struct Sock(RawFd);

impl Read for Sock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        crate::sock::recv(self.0, buf)
    }
}

impl Write for Sock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        crate::sock::send(self.0, buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes what ciphertext rustls holds to the socket. Ok(true) when all of
/// it went; Ok(false) when the socket is full.
fn flush(t: &mut Tls, fd: RawFd) -> io::Result<bool> {
    while t.conn.wants_write() {
        match t.conn.write_tls(&mut Sock(fd)) {
            Ok(_) => {}
            Err(e) if crate::sock::would_block(&e) => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Whether the connection has output the event loop should write: ciphertext
/// held by rustls, or plaintext in `c->send` once the handshake is done.
#[inline]
pub fn has_output(c: &mg_connection) -> bool {
    // SAFETY: as in [`session`]; the shared reference lives only for this
    // expression, and nothing here changes the connection.
    match unsafe { c.tls.cast::<Tls>().as_ref() } {
        Some(t) => t.conn.wants_write() || (!t.conn.is_handshaking() && c.send.len > 0),
        None => c.send.len > 0,
    }
}

/// A TLS connection's I/O for one turn of the event loop: reads and decrypts
/// what the socket has (MG_EV_TLS_HS when the handshake completes, then
/// MG_EV_READ for plaintext), then encrypts `c->send` and writes it out.
/// Errors are raised on the connection.
pub fn io(c: &mut Conn) {
    let Some(t) = state(c) else {
        if c.is_readable() || c.send.len > 0 {
            let msg = b"TLS connection without TLS state: call mg_tls_init() in \
                        MG_EV_CONNECT or MG_EV_ACCEPT";
            c.error(MG_LL_ERROR, msg);
        }
        return;
    };
    let leftover = t.leftover;
    if !c.is_full() {
        if c.is_readable() {
            read_in(c);
        } else if c.rtls.len > 0 || leftover {
            // Left over from a full buffer or from mg_tls_handshake().
            feed(c, false);
        }
    }
    if !c.is_closing() {
        write_out(c);
    }
}

/// The handshake is complete: a debug line telling the protocol and whether
/// the session was resumed, then MG_EV_TLS_HS. The TLS state is let go
/// before the handlers run (they may change the connection, even free its
/// TLS state with mg_tls_free()).
fn handshake_done(c: &mut Conn) {
    let id = c.id;
    let Some(t) = state(c) else { return };
    t.hs_reported = true;
    let kind = match t.conn.handshake_kind() {
        Some(rustls::HandshakeKind::Resumed) => "resumed",
        _ => "full",
    };
    crate::log_debug!(
        "tls",
        "{} TLS handshake done: {:?}, {kind}",
        id,
        t.conn.protocol_version().unwrap_or(rustls::ProtocolVersion::Unknown(0))
    );
    c.set_tls_hs(false);
    c.call(ev::TLS_HS, std::ptr::null_mut());
}

fn pending_plaintext(t: &mut Tls) -> usize {
    t.conn.process_new_packets().map_or(0, |s| s.plaintext_bytes_to_read())
}

/// Reads the socket into `c->rtls` once, then decrypts.
fn read_in(c: &mut Conn) {
    let Some(fd) = c.private().sock else { return };
    let rtls = &mut c.rtls;
    if rtls.size - rtls.len < MG_IO_SIZE && !rtls.reserve(READ_CHUNK.max(MG_IO_SIZE)) {
        return c.error(MG_LL_ERROR, b"out of memory");
    }
    let room = (rtls.size - rtls.len).min(READ_CHUNK);
    let mut eof = false;
    match crate::sock::recv(fd, &mut rtls.spare_mut()[..room]) {
        Ok(0) => eof = true,
        Ok(n) => rtls.len += n,
        Err(e) if crate::sock::would_block(&e) => {}
        Err(e) => return c.error(MG_LL_DEBUG, format!("recv: {e}").as_bytes()),
    }
    feed(c, eof);
}

/// Hands `c->rtls` to rustls, reports a completed handshake, and moves
/// plaintext into `c->recv` (MG_EV_READ). `eof`: the peer closed its side.
fn feed(c: &mut Conn, eof: bool) {
    let mut total = 0usize;
    let mut closed = false;
    let mut eof_told = false;
    loop {
        // Fetched again each turn: a handler may have run since.
        let Some((cc, p, t)) = session(c) else { return };
        let rtls = &mut cc.rtls;
        let mut took = 0;
        if rtls.len > 0 {
            match t.conn.read_tls(&mut rtls.data()) {
                Ok(n) => {
                    rtls.del(0, n);
                    took = n;
                }
                // rustls holds as much plaintext as it will: deliver first.
                Err(e) if e.kind() == io::ErrorKind::Other => {}
                Err(e) => return c.error(MG_LL_ERROR, format!("TLS: {e}").as_bytes()),
            }
        } else if eof && !eof_told {
            eof_told = true;
            let _ = t.conn.read_tls(&mut io::empty());
        }
        if let Err(e) = t.conn.process_new_packets() {
            // Send the alert rustls queued, then report.
            if let Some(fd) = p.sock {
                let _ = flush(t, fd);
            }
            let what = if t.hs_reported { "TLS" } else { "TLS handshake" };
            return c.error(MG_LL_ERROR, format!("{what}: {e}").as_bytes());
        }
        if !t.hs_reported && !t.conn.is_handshaking() {
            handshake_done(c);
            if c.is_closing() {
                return;
            }
        }
        let Some((n, end)) = take_plaintext(c) else { return };
        total += n;
        closed |= end;
        let full = c.is_full();
        if let Some(t) = state(c) {
            t.leftover = full;
        }
        if closed || full {
            break;
        }
        let rtls_left = c.rtls.len > 0;
        let more = rtls_left && (took > 0 || n > 0);
        let tell_eof = eof && !eof_told && !rtls_left;
        if !(more || tell_eof) {
            break;
        }
    }
    if total > 0 {
        if c.is_hexdumping() {
            crate::sockio::hexdump(c, "<-", &c.recv.data()[c.recv.len - total..]);
        }
        let mut n = total as c_long;
        c.call(ev::READ, (&mut n as *mut c_long).cast());
        c.private().read_since_pass = true;
    }
    if eof || closed {
        // The peer finished sending: flush what is queued, then close.
        c.set_draining(true);
    }
}

/// Moves the plaintext rustls holds into `c->recv`. Returns the bytes moved
/// and whether the peer ended the session; None after raising an error.
fn take_plaintext(c: &mut Conn) -> Option<(usize, bool)> {
    let mut moved = 0;
    loop {
        let (cc, p, t) = session(c)?;
        let Some(room) = crate::sockio::recv_room(cc, p.read_filled) else {
            let why = if cc.recv.len >= crate::config::MG_MAX_RECV_SIZE {
                "MG_MAX_RECV_SIZE exceeded"
            } else {
                "out of memory"
            };
            c.error(MG_LL_ERROR, why.as_bytes());
            return None;
        };
        let spare = &mut cc.recv.spare_mut()[..room];
        match t.conn.reader().read(spare) {
            Ok(0) => return Some((moved, true)),
            Ok(n) => {
                cc.recv.len += n;
                p.read_filled = n == room;
                moved += n;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Some((moved, false)),
            // The socket closed without a close_notify.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Some((moved, true)),
            Err(e) => {
                c.error(MG_LL_ERROR, format!("TLS: {e}").as_bytes());
                return None;
            }
        }
    }
}

/// Encrypts what `c->send` holds (once the handshake is done) and writes the
/// ciphertext to the socket until it is full. MG_EV_WRITE tells how much
/// plaintext went.
fn write_out(c: &mut Conn) {
    let Some((cc, p, t)) = session(c) else { return };
    let Some(fd) = p.sock else { return };
    // Plaintext is taken from the front of `send`, which is shifted once
    // at the end (not per record: it may hold megabytes).
    let mut taken = 0usize;
    let mut all_out;
    loop {
        all_out = match flush(t, fd) {
            Ok(done) => done,
            Err(e) => {
                cc.send.del(0, taken);
                return c.error(MG_LL_DEBUG, format!("send: {e}").as_bytes());
            }
        };
        let left = cc.send.len - taken;
        if !all_out || t.conn.is_handshaking() || left == 0 || taken >= WRITE_BUDGET {
            break;
        }
        let chunk = &cc.send.data()[taken..taken + left.min(WRITE_BUDGET - taken)];
        let n = match t.conn.writer().write(chunk) {
            Ok(n) => n,
            Err(e) => {
                cc.send.del(0, taken);
                return c.error(MG_LL_ERROR, format!("TLS: {e}").as_bytes());
            }
        };
        if n == 0 {
            break;
        }
        if cc.is_hexdumping() {
            crate::sockio::hexdump(cc, "->", &chunk[..n]);
        }
        taken += n;
    }
    cc.send.del(0, taken);
    p.write_blocked = !all_out;
    if taken > 0 {
        let mut n = taken as c_long;
        c.call(ev::WRITE, (&mut n as *mut c_long).cast());
    }
}

/// Encrypts up to `buf.len()` bytes and writes what the socket takes.
/// Returns the bytes taken, [`MG_IO_WAIT`] when none could be, or
/// [`MG_IO_ERR`] (also without TLS state).
pub fn send(c: &mut Conn, buf: &[u8]) -> c_long {
    let Some((_, p, t)) = session(c) else { return MG_IO_ERR };
    let Some(fd) = p.sock else { return MG_IO_ERR };
    if flush(t, fd).is_err() {
        return MG_IO_ERR;
    }
    let n = match t.conn.writer().write(buf) {
        Ok(n) => n,
        Err(_) => return MG_IO_ERR,
    };
    match flush(t, fd) {
        Err(_) => MG_IO_ERR,
        Ok(_) if n == 0 && !buf.is_empty() => MG_IO_WAIT,
        Ok(_) => n as c_long,
    }
}

/// Reads and decrypts into `buf`: plaintext already decrypted first, else
/// what one read of the socket gives. Returns the bytes, [`MG_IO_WAIT`] when
/// there are none yet, or [`MG_IO_ERR`] (errors, the peer closed, no TLS).
pub fn recv(c: &mut Conn, buf: &mut [u8]) -> c_long {
    let Some((cc, p, t)) = session(c) else { return MG_IO_ERR };
    let Some(fd) = p.sock else { return MG_IO_ERR };
    if buf.is_empty() {
        return 0;
    }
    for attempt in 0..2 {
        match t.conn.reader().read(buf) {
            Ok(0) => return MG_IO_ERR,
            Ok(n) => return n as c_long,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return MG_IO_ERR,
        }
        if attempt == 1 {
            break;
        }
        // Ciphertext waiting in c->rtls first, then the socket.
        let rtls = &mut cc.rtls;
        let r = if rtls.len > 0 {
            t.conn.read_tls(&mut rtls.data()).inspect(|&n| {
                rtls.del(0, n);
            })
        } else {
            t.conn.read_tls(&mut Sock(fd))
        };
        match r {
            Ok(0) => return MG_IO_ERR,
            Ok(_) => {}
            Err(e) if crate::sock::would_block(&e) => return MG_IO_WAIT,
            Err(_) => return MG_IO_ERR,
        }
        if t.conn.process_new_packets().is_err() {
            let _ = flush(t, fd);
            return MG_IO_ERR;
        }
    }
    MG_IO_WAIT
}

/// Decrypted bytes waiting to be read with [`recv`].
pub fn pending(c: &mut Conn) -> usize {
    state(c).map_or(0, pending_plaintext)
}

/// Moves the handshake on as far as the socket allows without waiting;
/// MG_EV_TLS_HS when it completes (errors are raised on the connection).
/// Data that arrives after the handshake stays for the event loop.
pub fn handshake(c: &mut Conn) {
    let Some((_, p, t)) = session(c) else { return };
    let Some(fd) = p.sock else { return };
    let step = |t: &mut Tls| -> Result<(), String> {
        while t.conn.is_handshaking() {
            flush(t, fd).map_err(|e| format!("send: {e}"))?;
            match t.conn.read_tls(&mut Sock(fd)) {
                Ok(0) => return Err("the peer closed during the handshake".into()),
                Ok(_) => {}
                Err(e) if crate::sock::would_block(&e) => break,
                Err(e) => return Err(format!("recv: {e}")),
            }
            if let Err(e) = t.conn.process_new_packets() {
                let _ = flush(t, fd);
                return Err(format!("TLS handshake: {e}"));
            }
        }
        flush(t, fd).map_err(|e| format!("send: {e}"))?;
        Ok(())
    };
    if let Err(e) = step(t) {
        return c.error(MG_LL_ERROR, e.as_bytes());
    }
    t.leftover = true;
    if !t.hs_reported && !t.conn.is_handshaking() {
        handshake_done(c);
    }
}
