//! `struct mg_iobuf` entry points. The buffer memory comes from calloc() and
//! is released with mg_iobuf_free() (or free() on io->buf).
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::{entry, mut_ref};
use crate::iobuf::mg_iobuf;
use std::os::raw::c_void;

/// Sets *io to an empty buffer with the given allocation granularity (0 for
/// exact sizes), then allocates size bytes (rounded up to align). Any memory
/// io held before is not freed. Returns false on allocation failure.
#[no_mangle]
pub unsafe extern "C" fn mg_iobuf_init(io: *mut mg_iobuf, size: usize, align: usize) -> bool {
    entry!("mg_iobuf_init", || {
        // SAFETY: NULL or a writable mg_iobuf from the caller.
        let Some(io) = (unsafe { mut_ref("mg_iobuf_init", "io", io) }) else {
            return false;
        };
        *io = mg_iobuf::with_align(align);
        io.resize(size)
    })
}

/// Changes the allocation to new_size bytes rounded up to io->align, keeping
/// the data that fits; 0 frees the buffer. Released memory is zeroed first.
/// Returns false on allocation failure, leaving io unchanged.
#[no_mangle]
pub unsafe extern "C" fn mg_iobuf_resize(io: *mut mg_iobuf, new_size: usize) -> bool {
    entry!("mg_iobuf_resize", || {
        // SAFETY: NULL or a valid mg_iobuf from the caller.
        unsafe { mut_ref("mg_iobuf_resize", "io", io) }.is_some_and(|io| io.resize(new_size))
    })
}

/// Zeroes and frees the buffer memory; io->buf becomes NULL and io->size and
/// io->len 0 (io->align is kept).
#[no_mangle]
pub unsafe extern "C" fn mg_iobuf_free(io: *mut mg_iobuf) {
    entry!("mg_iobuf_free", || {
        // SAFETY: NULL or a valid mg_iobuf from the caller.
        if let Some(io) = unsafe { mut_ref("mg_iobuf_free", "io", io) } {
            io.free();
        }
    })
}

/// Inserts len bytes from buf at offset ofs, moving later data up and growing
/// the buffer as needed. An ofs past io->len pads the gap with zeros; a NULL
/// buf inserts zeros. Returns len, or 0 on allocation failure.
/// Growth is amortized: a full buffer grows by half its size (at most 64 MiB
/// of spare room), rounded up to io->align, so appending N bytes in any
/// pattern costs O(N). mg_iobuf_resize() still sets an exact size.
#[no_mangle]
pub unsafe extern "C" fn mg_iobuf_add(
    io: *mut mg_iobuf,
    ofs: usize,
    buf: *const c_void,
    len: usize,
) -> usize {
    entry!("mg_iobuf_add", || {
        // SAFETY: NULL or a valid mg_iobuf from the caller.
        let Some(io) = (unsafe { mut_ref("mg_iobuf_add", "io", io) }) else {
            return 0;
        };
        if buf.is_null() || len == 0 {
            return io.add(ofs, None, len);
        }
        let start = buf as usize;
        let inside = start < (io.buf as usize).saturating_add(io.size)
            && start.saturating_add(len) > io.buf as usize;
        if inside {
            // The source is part of io's own memory, which add() may move or
            // free: copy it out first.
            // SAFETY: buf points to len readable bytes (inside io's allocation).
            let copy = unsafe { std::slice::from_raw_parts(buf as *const u8, len) }.to_vec();
            io.add(ofs, Some(&copy), len)
        } else {
            // SAFETY: buf points to len readable bytes, distinct from io's memory.
            let src = unsafe { std::slice::from_raw_parts(buf as *const u8, len) };
            io.add(ofs, Some(src), len)
        }
    })
}

/// Removes up to len bytes at offset ofs (both clamped to io->len), moving
/// later data down and zeroing the freed tail. Returns the bytes removed.
#[no_mangle]
pub unsafe extern "C" fn mg_iobuf_del(io: *mut mg_iobuf, ofs: usize, len: usize) -> usize {
    entry!("mg_iobuf_del", || {
        // SAFETY: NULL or a valid mg_iobuf from the caller.
        unsafe { mut_ref("mg_iobuf_del", "io", io) }.map_or(0, |io| io.del(ofs, len))
    })
}
