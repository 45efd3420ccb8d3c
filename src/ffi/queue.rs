//! Message queue entry points: a lock-free single-producer single-consumer
//! queue in the program's buffer (see `crate::queue` for the layout and the
//! memory ordering).
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::fmt::{format_c_scratch, va_list};
use super::{entry, nonnull, null_arg};
use crate::queue::{mg_queue, Queue};
use std::os::raw::c_char;

/// The queue behind `q`, or None (logged) when q is NULL.
///
/// # Safety
/// `q` must be NULL or an initialised queue (see [`Queue::new`]).
unsafe fn queue(func: &str, q: *mut mg_queue) -> Option<Queue> {
    if q.is_null() {
        null_arg(func, "q");
        return None;
    }
    // SAFETY: per this function's contract.
    Some(unsafe { Queue::new(q) })
}

/// Stores `p` through `out` when `out` is not NULL.
///
/// # Safety
/// `out` must be NULL or valid for writes.
unsafe fn store(out: *mut *mut c_char, p: *mut c_char) {
    if !out.is_null() {
        // SAFETY: per this function's contract.
        unsafe { out.write(p) };
    }
}

/// Sets up q as an empty queue over the size bytes at buf, which must stay
/// valid while the queue is used. Call before the two threads start using it.
#[no_mangle]
pub unsafe extern "C" fn mg_queue_init(q: *mut mg_queue, buf: *mut c_char, size: usize) {
    entry!("mg_queue_init", || {
        nonnull!(q);
        if buf.is_null() && size > 0 {
            return null_arg("mg_queue_init", "buf");
        }
        // SAFETY: the caller's queue struct, not yet shared.
        unsafe { Queue::init(q, buf, size) };
    })
}

/// Producer: reserves room for a message of len bytes and sets *buf to where
/// it goes. Returns the largest message that fits now: the reservation holds
/// when that is >= len. Write the message, then call mg_queue_add(q, len).
#[no_mangle]
pub unsafe extern "C" fn mg_queue_book(
    q: *mut mg_queue,
    buf: *mut *mut c_char,
    len: usize,
) -> usize {
    entry!("mg_queue_book", || {
        // SAFETY: NULL or the program's initialised queue.
        let Some(q) = (unsafe { queue("mg_queue_book", q) }) else {
            return 0;
        };
        let b = q.book(len);
        // SAFETY: NULL or the caller's pointer variable.
        unsafe { store(buf, q.ptr(b.offset)) };
        b.space
    })
}

/// Producer: publishes the message of len bytes written after
/// mg_queue_book(). len must be > 0 and at most what was booked (otherwise
/// the call is logged and ignored).
#[no_mangle]
pub unsafe extern "C" fn mg_queue_add(q: *mut mg_queue, len: usize) {
    entry!("mg_queue_add", || {
        // SAFETY: NULL or the program's initialised queue.
        let Some(q) = (unsafe { queue("mg_queue_add", q) }) else {
            return;
        };
        if !q.add(len) {
            crate::log_error!("mg_queue_add", "{len} bytes were not booked; message dropped");
        }
    })
}

/// Consumer: the length of the oldest message, with *buf set to its bytes;
/// 0 when the queue is empty (*buf is then left alone). The message stays
/// queued until mg_queue_del().
#[no_mangle]
pub unsafe extern "C" fn mg_queue_next(q: *mut mg_queue, buf: *mut *mut c_char) -> usize {
    entry!("mg_queue_next", || {
        // SAFETY: NULL or the program's initialised queue.
        let Some(q) = (unsafe { queue("mg_queue_next", q) }) else {
            return 0;
        };
        match q.next() {
            Some((offset, len)) => {
                // SAFETY: NULL or the caller's pointer variable.
                unsafe { store(buf, q.ptr(offset)) };
                len
            }
            None => 0,
        }
    })
}

/// Consumer: removes the oldest message; len is the length mg_queue_next()
/// returned for it (a different len is logged; the queue removes the whole
/// message either way).
#[no_mangle]
pub unsafe extern "C" fn mg_queue_del(q: *mut mg_queue, len: usize) {
    entry!("mg_queue_del", || {
        // SAFETY: NULL or the program's initialised queue.
        let Some(q) = (unsafe { queue("mg_queue_del", q) }) else {
            return;
        };
        match q.del() {
            Some(n) if n != len => {
                crate::log_error!("mg_queue_del", "len {len} but the message has {n} bytes")
            }
            Some(_) => {}
            None => crate::log_error!("mg_queue_del", "the queue is empty"),
        }
    })
}

/// Called by the shim's mg_queue_printf(): formats into a new message.
/// Returns its length, or 0 when it is empty or does not fit.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_queue_vprintf(
    q: *mut mg_queue,
    fmt: *const c_char,
    ap: *mut va_list,
) -> usize {
    entry!("mg_queue_printf", || {
        // SAFETY: NULL or the program's initialised queue.
        let Some(q) = (unsafe { queue("mg_queue_printf", q) }) else {
            return 0;
        };
        let put = |text: &[u8]| {
            // Books one byte more and puts a NUL there, as Mongoose does; the
            // NUL only lasts until the next message is added.
            let b = q.book(text.len() + 1);
            if text.is_empty() || b.space < text.len() + 1 {
                return 0;
            }
            // SAFETY: the booking holds text.len() + 1 bytes at offset.
            unsafe {
                let p = q.ptr(b.offset) as *mut u8;
                std::ptr::copy_nonoverlapping(text.as_ptr(), p, text.len());
                *p.add(text.len()) = 0;
            }
            if q.add(text.len()) {
                text.len()
            } else {
                0
            }
        };
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        unsafe { format_c_scratch("mg_queue_printf", fmt, ap, put) }.unwrap_or(0)
    })
}
