//! Entry points for the small helpers: clock, memory, byte order.
use super::guard;
use std::os::raw::c_void;

/// Milliseconds from a monotonic clock.
#[no_mangle]
pub extern "C" fn mg_millis() -> u64 {
    crate::util::millis()
}

/// calloc(); memory the library hands out comes from here and goes back
/// through mg_free() or free().
#[no_mangle]
pub extern "C" fn mg_calloc(count: usize, size: usize) -> *mut c_void {
    // SAFETY: plain C allocation.
    unsafe { libc::calloc(count, size) }
}

/// free().
#[no_mangle]
pub unsafe extern "C" fn mg_free(ptr: *mut c_void) {
    // SAFETY: the caller passes NULL or memory from the C allocator.
    unsafe { libc::free(ptr) }
}

/// Zeroes `len` bytes at `buf` in a way the compiler does not remove; NULL is allowed.
#[no_mangle]
pub unsafe extern "C" fn mg_bzero(buf: *mut u8, len: usize) {
    guard("mg_bzero", (), || {
        if buf.is_null() {
            return;
        }
        for i in 0..len {
            // SAFETY: the caller passes `len` writable bytes.
            unsafe { buf.add(i).write_volatile(0) };
        }
    })
}

/// Network to host byte order, 16 bits (mg_htons is the same function).
#[no_mangle]
pub extern "C" fn mg_ntohs(net: u16) -> u16 {
    u16::from_be(net)
}

/// Network to host byte order, 32 bits (mg_htonl is the same function).
#[no_mangle]
pub extern "C" fn mg_ntohl(net: u32) -> u32 {
    u32::from_be(net)
}

/// Network to host byte order, 64 bits (mg_htonll is the same function).
#[no_mangle]
pub extern "C" fn mg_ntohll(net: u64) -> u64 {
    u64::from_be(net)
}
