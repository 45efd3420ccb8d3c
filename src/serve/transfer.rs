//! Streaming a file as the body of a response: a [`Transfer`] kept in the
//! connection's private state, moved by [`pump`] with sendfile(2) or through
//! the connection's `mg_fs`.
use crate::conn::{ev, Conn};
use crate::fs::FsFile;
use crate::http;
use std::os::fd::RawFd;
use std::os::raw::c_long;
/// Buffered streaming reads this much at a time, and only while `c->send`
/// holds less than this, so a slow client costs at most twice this.
const CHUNK: usize = 128 * 1024;
/// Most bytes one sendfile(2) call is asked for, so one fast download does
/// not monopolise an iteration of the event loop.
const SENDFILE_MAX: usize = 4 << 20;

/// A file being streamed to a connection (see [`pump`]).
#[derive(Debug)]
pub struct Transfer {
    pub(super) file: FsFile,
    /// Offset in the file of the next byte to send.
    pub(super) offset: u64,
    /// Bytes still to send.
    pub(super) remaining: u64,
    /// The descriptor sendfile(2) reads, when it can be used.
    pub(super) raw: Option<RawFd>,
    /// TCP_CORK is on for the socket while sendfile(2) streams the file.
    pub(super) corked: bool,
}
/// Starts streaming `t` as the rest of the response in progress: the
/// transport calls [`pump`] whenever the socket may take more.
pub(super) fn start(c: &mut Conn, t: Transfer) {
    let p = c.private();
    p.layers.insert(t);
    p.pump = Some(pump);
}

/// Whether the connection is streaming a file.
pub(super) fn active(c: &mut Conn) -> bool {
    c.private().layers.has::<Transfer>()
}

/// Ends the transfer: the file is closed.
fn stop(c: &mut Conn) {
    let p = c.private();
    p.layers.remove::<Transfer>();
    p.pump = None;
}

/// Moves the next part of the connection's file transfer, if any: with
/// sendfile(2) once `c->send` is empty, or by refilling `c->send` when it
/// runs low. Ends the response when the last byte is out, and serves any
/// pipelined requests that waited for it. Called by the event loop when the
/// socket may take data.
pub fn pump(c: &mut Conn) {
    let (cr, p) = c.parts();
    let (sock, write_blocked) = (p.sock, &mut p.write_blocked);
    let Some(t) = p.layers.get::<Transfer>() else { return };
    let sendfile_ok = !cr.is_tls() && !cr.is_hexdumping();
    let moved = match (t.raw, sock, sendfile_ok) {
        (Some(src), Some(sock), true) => {
            if cr.send.len > 0 || (*write_blocked && !cr.is_writable()) {
                return;
            }
            let want = t.remaining.min(SENDFILE_MAX as u64) as usize;
            if !t.corked {
                // Full-size segments while the file streams (TCP_NODELAY
                // would push each sendfile's tail as a short one); the
                // cork comes off, flushing the rest, at the end.
                t.corked = crate::sock::set_cork(sock, true);
            }
            match sendfile(sock, src, t.offset, want) {
                Ok(0) => Err("file shrank while being sent".to_string()),
                Ok(n) => {
                    t.offset += n as u64;
                    t.remaining -= n as u64;
                    // Less than asked: the socket buffer is full.
                    *write_blocked = n < want;
                    Ok(n)
                }
                Err(e) if crate::sock::would_block(&e) => {
                    *write_blocked = true;
                    Ok(0)
                }
                Err(e) => Err(format!("sendfile: {e}")),
            }
        }
        _ => {
            if cr.send.len >= CHUNK {
                return;
            }
            refill(&mut cr.send, t).map(|_| 0)
        }
    };
    match moved {
        Err(why) => {
            stop(c);
            c.error(crate::log::MG_LL_DEBUG, why.as_bytes());
            return;
        }
        Ok(n) if n > 0 => {
            let mut n = n as c_long;
            c.call(ev::WRITE, (&mut n as *mut c_long).cast());
        }
        Ok(_) => {}
    }
    let p = c.private();
    let sock = p.sock;
    if let Some(t) = p.layers.get::<Transfer>().filter(|t| t.remaining == 0) {
        if let (true, Some(sock)) = (t.corked, sock) {
            crate::sock::set_cork(sock, false);
        }
        stop(c); // closes the file
        http::end_response(c);
        if c.recv.len > 0 && !c.is_draining() && !c.is_closing() {
            // Requests that arrived meanwhile waited for this response.
            let mut n: c_long = 0;
            c.call(ev::READ, (&mut n as *mut c_long).cast());
        }
    }
}

/// Reads the next part of a buffered transfer into `send`.
pub(super) fn refill(send: &mut crate::iobuf::mg_iobuf, t: &mut Transfer) -> Result<(), String> {
    let want = t.remaining.min(CHUNK as u64) as usize;
    if !send.reserve(want) {
        return Err("out of memory".into());
    }
    let n = t.file.read(&mut send.spare_mut()[..want]);
    if n == 0 {
        return Err("file shrank while being sent".into());
    }
    send.len += n;
    t.offset += n as u64;
    t.remaining -= n as u64;
    Ok(())
}

/// sendfile(2): up to `len` bytes of `src` from `offset` to socket `sock`.
fn sendfile(sock: RawFd, src: RawFd, offset: u64, len: usize) -> std::io::Result<usize> {
    let mut off = offset as libc::off_t;
    loop {
        // SAFETY: plain syscall on descriptors we hold; `off` is ours.
        let n = unsafe { libc::sendfile(sock, src, &mut off, len) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}
