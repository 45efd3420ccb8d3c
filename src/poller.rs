//! Waiting for socket readiness. Sockets are registered with the `polling`
//! crate's epoll instance, but the event loop waits on it with a plain
//! epoll_wait(2): `Poller::wait` makes four more system calls per wait (it
//! re-arms a timerfd and its notifier every time), which cost more than the
//! request itself once the loop waits several times per request.
use polling::{Events, Poller};
use std::io;
use std::os::fd::AsRawFd;
use std::time::Duration;

/// The key `polling` gives its own notifier and timer; never a connection.
const NOTIFY_KEY: u64 = usize::MAX as u64;
/// Most events taken from the kernel per wait.
const MAX_EVENTS: usize = 1024;

/// One socket found ready.
#[derive(Clone, Copy)]
pub struct Ready {
    /// The key the socket was registered with (its connection's address).
    pub key: usize,
    /// Data, a hang-up or an error is there to read.
    pub readable: bool,
    /// The socket can take more data (or has failed).
    pub writable: bool,
}

/// The events of the last wait.
pub struct ReadyList {
    buf: Vec<libc::epoll_event>,
    len: usize,
    /// For `Poller::wait`, called only to reset its notifier after a wakeup.
    scratch: Events,
}

impl Default for ReadyList {
    fn default() -> Self {
        ReadyList {
            buf: vec![libc::epoll_event { events: 0, u64: 0 }; MAX_EVENTS],
            len: 0,
            scratch: Events::new(),
        }
    }
}

impl ReadyList {
    /// Waits up to `timeout_ms` (0: just looks) for sockets of `poller` to be
    /// ready, and returns how many are. An interrupted wait finds none.
    pub fn wait(&mut self, poller: &Poller, timeout_ms: u64) -> io::Result<usize> {
        let timeout = timeout_ms.min(i32::MAX as u64) as i32;
        // SAFETY: the buffer holds MAX_EVENTS entries for the kernel to fill.
        let n = unsafe {
            libc::epoll_wait(poller.as_raw_fd(), self.buf.as_mut_ptr(), MAX_EVENTS as i32, timeout)
        };
        if n < 0 {
            self.len = 0;
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted { Ok(0) } else { Err(e) };
        }
        self.len = n as usize;
        // The notifier's event is taken out first, so the list holds only
        // sockets even when resetting the notifier fails.
        let mut kept = 0;
        for i in 0..self.len {
            if self.buf[i].u64 != NOTIFY_KEY {
                self.buf[kept] = self.buf[i];
                kept += 1;
            }
        }
        let notified = kept != self.len;
        self.len = kept;
        if notified {
            // A wakeup from another thread: only `Poller::wait` can reset
            // the notifier so that the next `Poller::notify` signals again.
            // Sockets it reports stay ready (level-triggered) for the next wait.
            self.scratch.clear();
            poller.wait(&mut self.scratch, Some(Duration::ZERO))?;
        }
        Ok(self.len)
    }

    /// The sockets found ready by the last wait.
    pub fn iter(&self) -> impl Iterator<Item = Ready> + '_ {
        const READ: u32 = (libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLHUP | libc::EPOLLERR) as u32;
        const WRITE: u32 = (libc::EPOLLOUT | libc::EPOLLHUP | libc::EPOLLERR) as u32;
        self.buf[..self.len].iter().map(|e| {
            let flags = e.events;
            Ready { key: e.u64 as usize, readable: flags & READ != 0, writable: flags & WRITE != 0 }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polling::{Event, PollMode};
    use std::os::unix::net::UnixStream;

    #[test]
    fn reports_ready_sockets_and_wakeups() {
        let poller = Poller::new().unwrap();
        let (a, b) = UnixStream::pair().unwrap();
        // SAFETY: `a` outlives its registration (deleted below).
        unsafe { poller.add_with_mode(&a, Event::readable(7), PollMode::Level).unwrap() };
        let mut list = ReadyList::default();
        assert_eq!(list.wait(&poller, 0).unwrap(), 0);
        std::io::Write::write_all(&mut &b, b"x").unwrap();
        assert_eq!(list.wait(&poller, 1000).unwrap(), 1);
        let r: Vec<_> = list.iter().collect();
        assert_eq!((r[0].key, r[0].readable, r[0].writable), (7, true, false));
        // Each notify must wake a wait, not just the first one.
        let mut buf = [0u8; 1];
        std::io::Read::read_exact(&mut &a, &mut buf).unwrap();
        for _ in 0..3 {
            poller.notify().unwrap();
            let t = std::time::Instant::now();
            assert_eq!(list.wait(&poller, 5000).unwrap(), 0);
            assert!(t.elapsed() < Duration::from_secs(4), "notify did not wake the wait");
        }
        poller.delete(&a).unwrap();
    }
}
