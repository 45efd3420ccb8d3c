//! `struct mg_iobuf`: a growable byte buffer whose memory comes from the C
//! allocator, because C code reads, writes and resizes `c->recv`/`c->send`
//! directly and may free them with the `mg_iobuf_*` functions.
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A byte buffer: `len` bytes used out of `size` allocated at `buf`.
#[repr(C)]
#[derive(Debug)]
pub struct mg_iobuf {
    /// Data, allocated with `calloc()`.
    pub buf: *mut std::os::raw::c_uchar,
    /// Allocated bytes (a multiple of `align` when `align` is non-zero).
    pub size: usize,
    /// Bytes in use.
    pub len: usize,
    /// Allocation granularity; 0 means exact sizes.
    pub align: usize,
}

impl Default for mg_iobuf {
    fn default() -> Self {
        mg_iobuf { buf: ptr::null_mut(), size: 0, len: 0, align: 0 }
    }
}

/// Largest spare room one growth step adds beyond what is needed, so a huge
/// buffer does not reserve half as much again of memory it may never use.
pub(crate) const MAX_GROWTH_SLACK: usize = 64 * 1024 * 1024;

/// The size a buffer of `size` bytes grows to when it must hold `need`
/// bytes: at least half as much again as it had (capped at
/// [`MAX_GROWTH_SLACK`] of spare room), so appending N bytes in any pattern
/// reallocates O(log N) times and copies O(N) bytes, where growing to exactly
/// `need` would copy the whole buffer on every small append (quadratic).
pub(crate) fn grown_size(size: usize, need: usize) -> usize {
    let geometric = size.saturating_add(size / 2);
    need.max(geometric.min(need.saturating_add(MAX_GROWTH_SLACK)))
}

fn round_up(n: usize, align: usize) -> Option<usize> {
    if align == 0 {
        Some(n)
    } else {
        n.checked_add(align - 1).map(|v| v / align * align)
    }
}

impl mg_iobuf {
    /// An empty buffer that grows in steps of `align` bytes.
    pub fn with_align(align: usize) -> Self {
        mg_iobuf { align, ..Default::default() }
    }

    /// The bytes in use.
    pub fn data(&self) -> &[u8] {
        if self.buf.is_null() || self.len == 0 {
            &[]
        } else {
            // SAFETY: buf holds `size >= len` bytes allocated by resize().
            unsafe { std::slice::from_raw_parts(self.buf, self.len) }
        }
    }

    /// The bytes in use, mutably.
    pub fn data_mut(&mut self) -> &mut [u8] {
        if self.buf.is_null() || self.len == 0 {
            &mut []
        } else {
            // SAFETY: as in data(); &mut self gives exclusive access.
            unsafe { std::slice::from_raw_parts_mut(self.buf, self.len) }
        }
    }

    /// The allocated but unused bytes after `len`.
    pub fn spare_mut(&mut self) -> &mut [u8] {
        if self.buf.is_null() || self.size <= self.len {
            &mut []
        } else {
            // SAFETY: [len, size) lies inside the allocation.
            unsafe { std::slice::from_raw_parts_mut(self.buf.add(self.len), self.size - self.len) }
        }
    }

    /// Changes the allocation to `new_size` (rounded up to `align`); 0 frees it.
    /// Data beyond the new size is dropped. The old memory is zeroed before it
    /// is released, so secrets do not linger on the heap. False on OOM, with
    /// the buffer unchanged.
    pub fn resize(&mut self, new_size: usize) -> bool {
        let Some(new_size) = round_up(new_size, self.align) else {
            return false;
        };
        if new_size == self.size && (new_size == 0 || !self.buf.is_null()) {
            return true;
        }
        let mut new_buf = ptr::null_mut();
        if new_size > 0 {
            // SAFETY: plain C allocation; checked for NULL below.
            new_buf = unsafe { libc::calloc(1, new_size) } as *mut u8;
            if new_buf.is_null() {
                return false;
            }
        }
        let keep = self.len.min(new_size);
        if !self.buf.is_null() {
            // SAFETY: both regions are valid for `keep`/`size` bytes and distinct.
            unsafe {
                if keep > 0 {
                    ptr::copy_nonoverlapping(self.buf, new_buf, keep);
                }
                ptr::write_bytes(self.buf, 0, self.size);
                libc::free(self.buf.cast());
                note_freed(self.size);
            }
        }
        self.buf = new_buf;
        self.size = new_size;
        self.len = keep;
        true
    }

    /// Makes room for at least `extra` more bytes, growing geometrically (see
    /// [`grown_size`]). False on OOM or overflow.
    pub fn reserve(&mut self, extra: usize) -> bool {
        match self.len.checked_add(extra) {
            Some(need) if need <= self.size => true,
            Some(need) => self.grow_to(need),
            None => false,
        }
    }

    /// Grows the allocation to hold at least `need` bytes, amortized: the
    /// new size is [`grown_size`] (then rounded up to `align`). When that
    /// much memory is not available, it retries with exactly `need`.
    fn grow_to(&mut self, need: usize) -> bool {
        let roomy = grown_size(self.size, need);
        (roomy > need && self.resize(roomy)) || self.resize(need)
    }

    /// Inserts `len` bytes at `ofs` (past the end pads with zeros); `src` of
    /// `None` reserves zeroed space. Returns the bytes inserted, 0 on OOM.
    pub fn add(&mut self, ofs: usize, src: Option<&[u8]>, len: usize) -> usize {
        let ofs = ofs.min(usize::MAX - len);
        let end = self.len.max(ofs);
        let Some(total) = end.checked_add(len) else { return 0 };
        if total == 0 {
            return 0;
        }
        if total > self.size && !self.grow_to(total) {
            return 0;
        }
        // SAFETY: after resize, buf holds at least `total` bytes.
        unsafe {
            if ofs < self.len {
                ptr::copy(self.buf.add(ofs), self.buf.add(ofs + len), self.len - ofs);
            } else {
                // The gap may hold stale bytes left past `len`.
                ptr::write_bytes(self.buf.add(self.len), 0, ofs - self.len);
            }
            match src {
                Some(s) => ptr::copy(s.as_ptr(), self.buf.add(ofs), len.min(s.len())),
                None => ptr::write_bytes(self.buf.add(ofs), 0, len),
            }
        }
        self.len = total;
        len
    }

    /// Appends bytes. Returns false on OOM.
    pub fn append(&mut self, bytes: &[u8]) -> bool {
        bytes.is_empty() || self.add(self.len, Some(bytes), bytes.len()) == bytes.len()
    }

    /// Removes up to `len` bytes at `ofs`, shifting the rest left and zeroing
    /// the freed tail. Returns the number of bytes removed.
    pub fn del(&mut self, ofs: usize, len: usize) -> usize {
        let ofs = ofs.min(self.len);
        let len = len.min(self.len - ofs);
        if len == 0 {
            return 0;
        }
        // SAFETY: [ofs, self.len) is inside the allocation.
        unsafe {
            ptr::copy(self.buf.add(ofs + len), self.buf.add(ofs), self.len - ofs - len);
            ptr::write_bytes(self.buf.add(self.len - len), 0, len);
        }
        self.len -= len;
        len
    }

    /// Releases the memory and empties the buffer.
    pub fn free(&mut self) {
        self.resize(0);
        self.len = 0;
    }
}

/// Buffer bytes freed since memory was last given back to the system.
static FREED_SINCE_TRIM: AtomicUsize = AtomicUsize::new(0);

/// Freed buffer bytes after which [`give_back_memory`] trims the heap.
const TRIM_AFTER_FREED: usize = 4 * 1024 * 1024;

/// Shortest time between two trims while the manager stays busy.
const TRIM_INTERVAL: Duration = Duration::from_secs(1);

fn note_freed(size: usize) {
    FREED_SINCE_TRIM.fetch_add(size, Ordering::Relaxed);
}

/// Gives freed heap memory back to the system once buffers of at least
/// [`TRIM_AFTER_FREED`] bytes in all were freed since the last time, when the
/// manager is idle (or at most once per [`TRIM_INTERVAL`] while it is busy).
/// glibc keeps freed memory inside its heap: after an attack's connections
/// close, the process would otherwise stay at its peak size. `last` is the
/// caller's time of its last trim. Returns true when it trimmed.
pub fn give_back_memory(idle: bool, last: &mut Option<Instant>) -> bool {
    if FREED_SINCE_TRIM.load(Ordering::Relaxed) < TRIM_AFTER_FREED {
        return false;
    }
    if !idle && last.is_some_and(|t| t.elapsed() < TRIM_INTERVAL) {
        return false;
    }
    FREED_SINCE_TRIM.store(0, Ordering::Relaxed);
    *last = Some(Instant::now());
    trim_heap();
    true
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_heap() {
    // SAFETY: malloc_trim only releases free pages of the allocator's heap.
    unsafe { libc::malloc_trim(0) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim_heap() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_nothing_to_an_empty_buffer() {
        let mut io = mg_iobuf::default();
        assert_eq!(io.add(0, Some(b""), 0), 0);
        assert_eq!(io.add(0, None, 0), 0);
        assert!(io.buf.is_null());
        assert_eq!((io.size, io.len), (0, 0));
    }

    #[test]
    fn growth_is_geometric_with_capped_slack() {
        assert_eq!(grown_size(0, 10), 10);
        assert_eq!(grown_size(100, 101), 150);
        assert_eq!(grown_size(100, 1000), 1000);
        let big = 1 << 30;
        assert_eq!(grown_size(big, big + 1), big + 1 + MAX_GROWTH_SLACK);
        assert_eq!(grown_size(usize::MAX - 1, usize::MAX), usize::MAX);
    }

    #[test]
    fn gap_past_the_end_is_zeroed() {
        let mut io = mg_iobuf::with_align(16);
        assert!(io.append(b"abcdef"));
        // Bytes written past len (as a failed read may leave them) are not data.
        io.spare_mut().fill(b'x');
        assert_eq!(io.add(8, Some(b"!"), 1), 1);
        assert_eq!(io.data(), b"abcdef\0\0!");
        io.free();
    }
}
