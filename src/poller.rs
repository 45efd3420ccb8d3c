//! Waiting for socket readiness: an epoll instance of our own, in the
//! manner of mio's epoll `Selector`. Registration (register, reregister,
//! deregister), the wait and the cross-thread wakeup (notify) are all here,
//! on descriptors this module creates and owns, so nothing depends on
//! another crate's private details.
//!
//! Sockets are registered level-triggered under a token (the address of
//! their connection). A wakeup is an eventfd registered under a token no
//! connection can have; [`Selector::wait`] resets it and leaves it out of
//! the events, so callers only ever see sockets. One wait is one
//! epoll_wait(2), plus one read(2) of the eventfd after a wakeup.
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// The token of the wakeup eventfd; never a connection's address.
const NOTIFY_TOKEN: u64 = u64::MAX;
/// Most events taken from the kernel per wait.
const MAX_EVENTS: usize = 1024;

/// epoll flags for readability: data, a hang-up or an error to read.
const READ_FLAGS: u32 = (libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLHUP | libc::EPOLLERR) as u32;
/// epoll flags for writability (a failed socket is "writable" too).
const WRITE_FLAGS: u32 = (libc::EPOLLOUT | libc::EPOLLHUP | libc::EPOLLERR) as u32;

/// Calls a libc function that returns -1 and sets errno on failure, as
/// mio's `syscall!` does, turning that into an `io::Error`.
macro_rules! syscall {
    ($fn:ident ( $($arg:expr),* $(,)? )) => {{
        // SAFETY: each call site passes arguments valid for the call (see
        // the comment at the call site).
        let r = unsafe { libc::$fn($($arg),*) };
        if r == -1 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r)
        }
    }};
}

/// Which readiness a socket is registered for.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Interest {
    /// Wake when it can be read (or has failed).
    pub read: bool,
    /// Wake when it can be written (or has failed).
    pub write: bool,
}

impl Interest {
    fn flags(self) -> u32 {
        (if self.read { READ_FLAGS } else { 0 }) | (if self.write { WRITE_FLAGS } else { 0 })
    }
}

/// An epoll instance and its wakeup eventfd.
#[derive(Debug)]
pub struct Selector {
    ep: OwnedFd,
    notify: OwnedFd,
}

impl Selector {
    /// A new epoll instance with its wakeup registered.
    pub fn new() -> io::Result<Selector> {
        // epoll_create1 and eventfd take no pointers.
        let ep = syscall!(epoll_create1(libc::EPOLL_CLOEXEC))?;
        // SAFETY: a fresh descriptor that nothing else owns.
        let ep = unsafe { OwnedFd::from_raw_fd(ep) };
        let notify = syscall!(eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK))?;
        // SAFETY: as above.
        let notify = unsafe { OwnedFd::from_raw_fd(notify) };
        let sel = Selector { ep, notify };
        sel.ctl(libc::EPOLL_CTL_ADD, sel.notify.as_raw_fd(), NOTIFY_TOKEN, READ_FLAGS)?;
        Ok(sel)
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd, token: u64, events: u32) -> io::Result<()> {
        let mut ev = libc::epoll_event { events, u64: token };
        // The event is a valid local; epoll copies it.
        syscall!(epoll_ctl(self.ep.as_raw_fd(), op, fd, &mut ev))?;
        Ok(())
    }

    /// Registers socket `fd` under `token` (level-triggered). The socket
    /// must be deregistered (or closed) before its token is reused.
    pub fn register(&self, fd: RawFd, token: usize, interest: Interest) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_ADD, fd, token as u64, interest.flags())
    }

    /// Changes what a registered socket is watched for.
    pub fn reregister(&self, fd: RawFd, token: usize, interest: Interest) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_MOD, fd, token as u64, interest.flags())
    }

    /// Stops watching a registered socket (before it is closed).
    pub fn deregister(&self, fd: RawFd) -> io::Result<()> {
        // A non-NULL event pointer, for kernels before 2.6.9.
        self.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Wakes a thread blocked in [`Selector::wait`] (or the next wait).
    /// Callable from any thread.
    pub fn notify(&self) -> io::Result<()> {
        let one: u64 = 1;
        // The buffer is a valid local of the 8 bytes an eventfd takes.
        match syscall!(write(self.notify.as_raw_fd(), (&one as *const u64).cast(), 8)) {
            Ok(_) => Ok(()),
            // The counter is saturated: a wakeup is pending anyway.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Waits up to `timeout_ms` (0: just looks) for registered sockets to be
    /// ready, fills `events` with them and returns how many there are. A
    /// wakeup ends the wait early and is not listed; an interrupted wait
    /// finds nothing.
    pub fn wait(&self, events: &mut Events, timeout_ms: u64) -> io::Result<usize> {
        let timeout = timeout_ms.min(i32::MAX as u64) as i32;
        let buf = &mut events.buf;
        // The buffer holds MAX_EVENTS entries for the kernel to fill.
        let n = match syscall!(epoll_wait(
            self.ep.as_raw_fd(),
            buf.as_mut_ptr(),
            MAX_EVENTS as i32,
            timeout
        )) {
            Ok(n) => n as usize,
            Err(e) => {
                events.len = 0;
                return if e.kind() == io::ErrorKind::Interrupted { Ok(0) } else { Err(e) };
            }
        };
        // The wakeup's event is taken out, so the list holds only sockets.
        let mut kept = 0;
        let mut notified = false;
        for i in 0..n {
            if buf[i].u64 == NOTIFY_TOKEN {
                notified = true;
            } else {
                buf[kept] = buf[i];
                kept += 1;
            }
        }
        events.len = kept;
        if notified {
            // Reset the counter so that the next notify wakes again.
            let mut count: u64 = 0;
            // The buffer is a valid local of 8 bytes; the fd is non-blocking.
            let _ = syscall!(read(self.notify.as_raw_fd(), (&mut count as *mut u64).cast(), 8));
        }
        Ok(kept)
    }
}

impl AsRawFd for Selector {
    /// The epoll descriptor (`mgr->epoll_fd`, as Mongoose exposes it).
    fn as_raw_fd(&self) -> RawFd {
        self.ep.as_raw_fd()
    }
}

/// One socket found ready.
#[derive(Clone, Copy, Debug)]
pub struct Ready {
    /// The token the socket was registered with (its connection's address).
    pub key: usize,
    /// Data, a hang-up or an error is there to read.
    pub readable: bool,
    /// The socket can take more data (or has failed).
    pub writable: bool,
}

/// The events of the last wait.
pub struct Events {
    buf: Vec<libc::epoll_event>,
    len: usize,
}

impl Default for Events {
    fn default() -> Self {
        Events { buf: vec![libc::epoll_event { events: 0, u64: 0 }; MAX_EVENTS], len: 0 }
    }
}

impl Events {
    /// The sockets found ready by the last wait.
    pub fn iter(&self) -> impl Iterator<Item = Ready> + '_ {
        self.buf[..self.len].iter().map(|e| {
            let flags = e.events;
            Ready {
                key: e.u64 as usize,
                readable: flags & READ_FLAGS != 0,
                writable: flags & WRITE_FLAGS != 0,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;
    use std::time::{Duration, Instant};

    #[test]
    fn reports_ready_sockets_and_wakeups() {
        let sel = Selector::new().unwrap();
        let (a, b) = UnixStream::pair().unwrap();
        sel.register(a.as_raw_fd(), 7, Interest { read: true, write: false }).unwrap();
        let mut list = Events::default();
        assert_eq!(sel.wait(&mut list, 0).unwrap(), 0);
        std::io::Write::write_all(&mut &b, b"x").unwrap();
        assert_eq!(sel.wait(&mut list, 1000).unwrap(), 1);
        let r: Vec<_> = list.iter().collect();
        assert_eq!((r[0].key, r[0].readable, r[0].writable), (7, true, false));
        // Level-triggered: still ready until read.
        assert_eq!(sel.wait(&mut list, 0).unwrap(), 1);
        sel.reregister(a.as_raw_fd(), 7, Interest { read: true, write: true }).unwrap();
        assert_eq!(sel.wait(&mut list, 0).unwrap(), 1);
        let r = list.iter().next().unwrap();
        assert!(r.readable && r.writable);
        // Each notify must wake a wait, not just the first one.
        let mut buf = [0u8; 1];
        std::io::Read::read_exact(&mut &a, &mut buf).unwrap();
        sel.reregister(a.as_raw_fd(), 7, Interest::default()).unwrap();
        for _ in 0..3 {
            sel.notify().unwrap();
            sel.notify().unwrap();
            let t = Instant::now();
            assert_eq!(sel.wait(&mut list, 5000).unwrap(), 0);
            assert!(t.elapsed() < Duration::from_secs(4), "notify did not wake the wait");
        }
        // Reset: with no notify pending, a short wait times out.
        let t = Instant::now();
        assert_eq!(sel.wait(&mut list, 50).unwrap(), 0);
        assert!(t.elapsed() >= Duration::from_millis(40), "a stale wakeup woke the wait");
        sel.deregister(a.as_raw_fd()).unwrap();
        assert!(sel.deregister(a.as_raw_fd()).is_err(), "already deregistered");
    }

    #[test]
    fn notify_from_another_thread() {
        let sel = std::sync::Arc::new(Selector::new().unwrap());
        let s2 = sel.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            s2.notify().unwrap();
        });
        let start = Instant::now();
        assert_eq!(sel.wait(&mut Events::default(), 5000).unwrap(), 0);
        assert!(start.elapsed() < Duration::from_secs(4));
        t.join().unwrap();
    }
}
