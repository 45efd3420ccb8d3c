//! `struct mg_queue`: a lock-free single-producer single-consumer message
//! queue in a buffer the program provides, as Mongoose documents it. One
//! thread (or interrupt) adds messages, another takes them, with no lock.
//!
//! Layout of the buffer: each message is a 32-bit length (native byte order)
//! followed by the message bytes. `head` is where the producer writes next,
//! `tail` where the consumer reads next; `head == tail` means empty. When a
//! message does not fit between `head` and the end, the producer writes a
//! zero length there (the wrap marker) and continues at the start; the
//! consumer, reading a zero length, wraps too. A zero-length message is
//! therefore impossible. The producer always leaves room for a marker after
//! its message, and never lets `head` catch up with `tail` from behind.
//!
//! Ordering: only the producer stores `head`, only the consumer stores
//! `tail`. The producer writes a message (and its length) and then publishes
//! it by storing `head` with Release; the consumer loads `head` with Acquire
//! before reading. Symmetrically, the consumer stores `tail` with Release
//! after it is done with a message, and the producer loads `tail` with
//! Acquire before reusing that space.

use std::os::raw::c_char;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The queue as C sees it. Initialise it with mg_queue_init().
#[repr(C)]
pub struct mg_queue {
    /// The program's buffer.
    pub buf: *mut c_char,
    /// Its size in bytes.
    pub size: usize,
    /// Where the consumer reads next (stored only by the consumer).
    pub tail: usize,
    /// Where the producer writes next (stored only by the producer).
    pub head: usize,
}

/// Bytes of the length prefix (and of the wrap marker).
const LEN: usize = 4;

/// The queue seen from one side. It works on raw pointers because producer
/// and consumer use the same `mg_queue` at the same time from two threads, so
/// neither may hold a Rust reference to it.
pub struct Queue {
    buf: *mut u8,
    size: usize,
    tail: *const AtomicUsize,
    head: *const AtomicUsize,
}

/// A reservation from [`Queue::book`]: where the message goes and how large
/// it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Booking {
    /// Offset of the message bytes in the buffer.
    pub offset: usize,
    /// The largest message that fits there now.
    pub space: usize,
}

impl Queue {
    /// Sets up `q` over `size` bytes at `buf`, empty.
    ///
    /// # Safety
    /// `q` must be valid for writes and not in use by another thread.
    pub unsafe fn init(q: *mut mg_queue, buf: *mut c_char, size: usize) {
        // SAFETY: per this function's contract.
        unsafe { q.write(mg_queue { buf, size, tail: 0, head: 0 }) };
    }

    /// A view of `q` for one side.
    ///
    /// # Safety
    /// `q` must point to an initialised queue whose buffer has `size`
    /// bytes, that stays valid while the view is used; at most one thread
    /// produces and one consumes.
    pub unsafe fn new(q: *mut mg_queue) -> Queue {
        // SAFETY: per this function's contract; buf and size do not change
        // after mg_queue_init(), and head/tail are aligned usize fields that
        // are only accessed atomically while the queue is shared.
        unsafe {
            Queue {
                buf: (*q).buf as *mut u8,
                size: (*q).size,
                tail: AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*q).tail)),
                head: AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*q).head)),
            }
        }
    }

    fn head(&self) -> &AtomicUsize {
        // SAFETY: points into the live queue (see `new`).
        unsafe { &*self.head }
    }

    fn tail(&self) -> &AtomicUsize {
        // SAFETY: points into the live queue (see `new`).
        unsafe { &*self.tail }
    }

    /// True if a length prefix fits at `at`: head and tail always leave room
    /// for one, unless the program scribbled over the struct.
    fn sane(&self, at: usize) -> bool {
        at.checked_add(LEN).is_some_and(|end| end <= self.size)
    }

    fn read_len(&self, at: usize) -> usize {
        debug_assert!(at + LEN <= self.size);
        // SAFETY: `at + LEN <= size` (callers check `sane`); the bytes were published
        // by the producer before the Acquire load of `head` that led here.
        unsafe { self.buf.add(at).cast::<u32>().read_unaligned() as usize }
    }

    fn write_len(&self, at: usize, len: u32) {
        debug_assert!(at + LEN <= self.size);
        // SAFETY: `at + LEN <= size`; the space is the producer's (the
        // consumer is past it or has not reached it).
        unsafe { self.buf.add(at).cast::<u32>().write_unaligned(len) }
    }

    /// Producer: the largest message that fits at `head` now, given `tail`.
    fn space_at(&self, head: usize, tail: usize) -> usize {
        if head >= tail {
            // Free: [head, size) and [0, tail). A message here needs its
            // length, and room for a wrap marker after it.
            self.size.saturating_sub(head + 2 * LEN)
        } else {
            // Free: [head, tail). `head` must stay strictly behind `tail`.
            (tail - head).saturating_sub(LEN + 1)
        }
    }

    /// Producer: reserves room for a message of `len` bytes. Wraps to the
    /// start of the buffer first when the message does not fit before the
    /// end but does fit before `tail`. The result's `space >= len` means the
    /// reservation holds; write the message at `offset`, then call
    /// [`Queue::add`].
    pub fn book(&self, len: usize) -> Booking {
        let mut head = self.head().load(Ordering::Relaxed);
        let tail = self.tail().load(Ordering::Acquire);
        if !self.sane(head) || !self.sane(tail) {
            return Booking { offset: self.size, space: 0 };
        }
        if head >= tail && self.space_at(head, tail) < len && len.saturating_add(LEN) < tail {
            self.write_len(head, 0);
            head = 0;
            // Publishes the marker together with the move.
            self.head().store(head, Ordering::Release);
        }
        let offset = (head + LEN).min(self.size);
        Booking { offset, space: self.space_at(head, tail) }
    }

    /// Producer: publishes the message of `len` bytes written at the booked
    /// offset. Returns false (nothing added) when `len` is 0 or more than
    /// was booked.
    pub fn add(&self, len: usize) -> bool {
        let head = self.head().load(Ordering::Relaxed);
        let tail = self.tail().load(Ordering::Acquire);
        if !self.sane(head) || !self.sane(tail) {
            return false;
        }
        if len == 0 || len > self.space_at(head, tail) || len > u32::MAX as usize {
            return false;
        }
        self.write_len(head, len as u32);
        self.head().store(head + LEN + len, Ordering::Release);
        true
    }

    /// Consumer: the oldest message as (offset, length), following a wrap
    /// marker if there is one; None when the queue is empty.
    pub fn next(&self) -> Option<(usize, usize)> {
        let mut tail = self.tail().load(Ordering::Relaxed);
        let head = self.head().load(Ordering::Acquire);
        if tail == head || !self.sane(tail) {
            return None;
        }
        let mut len = self.read_len(tail);
        if len == 0 {
            tail = 0;
            self.tail().store(0, Ordering::Release);
            if head == 0 {
                return None;
            }
            len = self.read_len(0);
        }
        (tail + LEN + len <= self.size).then_some((tail + LEN, len))
    }

    /// Consumer: removes the oldest message. Returns its length as stored,
    /// which is what the queue advances by; None when the queue is empty.
    pub fn del(&self) -> Option<usize> {
        let (offset, len) = self.next()?;
        self.tail().store(offset + len, Ordering::Release);
        Some(len)
    }

    /// The address of `offset` in the buffer.
    pub fn ptr(&self, offset: usize) -> *mut c_char {
        self.buf.wrapping_add(offset) as *mut c_char
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(size: usize) -> (Box<mg_queue>, Vec<u8>) {
        let mut buf = vec![0u8; size];
        let mut q = Box::new(mg_queue { buf: std::ptr::null_mut(), size: 0, tail: 0, head: 0 });
        // SAFETY: q is ours; buf outlives it in each test.
        unsafe { Queue::init(&mut *q, buf.as_mut_ptr() as *mut c_char, size) };
        (q, buf)
    }

    fn put(q: &Queue, msg: &[u8]) -> bool {
        let b = q.book(msg.len());
        if b.space < msg.len() {
            return false;
        }
        // SAFETY: the booking guarantees msg.len() bytes at offset.
        unsafe {
            std::ptr::copy_nonoverlapping(msg.as_ptr(), q.ptr(b.offset) as *mut u8, msg.len())
        };
        q.add(msg.len())
    }

    fn take(q: &Queue) -> Option<Vec<u8>> {
        let (ofs, len) = q.next()?;
        // SAFETY: next() returns a published message inside the buffer.
        let v = unsafe { std::slice::from_raw_parts(q.ptr(ofs) as *const u8, len) }.to_vec();
        assert_eq!(q.del(), Some(len));
        Some(v)
    }

    #[test]
    fn fifo_with_wrap() {
        let (mut qs, _buf) = queue(64);
        // SAFETY: the test owns the queue and its buffer.
        let q = unsafe { Queue::new(&mut *qs) };
        assert_eq!(q.next(), None);
        assert_eq!(q.book(10).space, 56);
        assert!(!q.add(0));
        for round in 0..50u8 {
            let msg = vec![round; 1 + usize::from(round % 20)];
            assert!(put(&q, &msg), "round {round}");
            assert_eq!(take(&q).unwrap(), msg);
        }
        assert_eq!(take(&q), None);
        // Fill up: the queue refuses, then drains in order.
        let mut n = 0u8;
        while put(&q, &[n; 7]) {
            n += 1;
        }
        assert!(n >= 4);
        for i in 0..n {
            assert_eq!(take(&q).unwrap(), [i; 7]);
        }
        assert_eq!(take(&q), None);
    }

    #[test]
    fn two_threads() {
        const N: u32 = 200_000;
        let (mut qs, _buf) = queue(256);
        let addr = &mut *qs as *mut mg_queue as usize;
        let producer = std::thread::spawn(move || {
            // SAFETY: the queue outlives both threads (joined below); this
            // thread only produces.
            let q = unsafe { Queue::new(addr as *mut mg_queue) };
            for i in 0..N {
                let len = 4 + (i % 13) as usize;
                let mut msg = vec![(i % 251) as u8; len];
                msg[..4].copy_from_slice(&i.to_le_bytes());
                while !put(&q, &msg) {
                    std::thread::yield_now();
                }
            }
        });
        // SAFETY: as above; this thread only consumes.
        let q = unsafe { Queue::new(addr as *mut mg_queue) };
        for i in 0..N {
            let msg = loop {
                match take(&q) {
                    Some(m) => break m,
                    None => std::thread::yield_now(),
                }
            };
            assert_eq!(msg.len(), 4 + (i % 13) as usize);
            assert_eq!(u32::from_le_bytes(msg[..4].try_into().unwrap()), i);
            assert!(msg[4..].iter().all(|&b| b == (i % 251) as u8));
        }
        producer.join().unwrap();
        assert_eq!(take(&q), None);
    }
}
