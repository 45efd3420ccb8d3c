//! Entry points for the small helpers: clock, memory, byte order,
//! randomness, checksums and path checks.
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::{entry, guard, nonnull};
use crate::str::mg_str;
use std::os::raw::{c_char, c_uint, c_void};

/// Milliseconds from a monotonic clock.
#[no_mangle]
pub extern "C" fn mg_millis() -> u64 {
    crate::util::millis()
}

/// Current time in milliseconds since the Unix epoch:
/// `mg_millis() + mg_boot_timestamp_ms` once that is set (an SNTP server
/// answered mg_sntp_connect(), or the program set it); the system clock
/// until then.
#[no_mangle]
pub extern "C" fn mg_now() -> u64 {
    crate::sntp::now()
}

/// Starts a firmware update (MG_OTA_NONE: there is no firmware to update
/// on this platform). Always false, with an MG_ERROR log line.
#[no_mangle]
pub extern "C" fn mg_ota_begin(new_firmware_size: usize) -> bool {
    crate::log_error!("mg_ota_begin", "no OTA on this platform ({new_firmware_size} bytes)");
    false
}

/// Writes a chunk of a firmware update. Always false (MG_OTA_NONE).
#[no_mangle]
pub extern "C" fn mg_ota_write(buf: *const c_void, len: usize) -> bool {
    let _ = buf;
    crate::log_error!("mg_ota_write", "no OTA on this platform ({len} bytes)");
    false
}

/// Ends a firmware update. Always false (MG_OTA_NONE).
#[no_mangle]
pub extern "C" fn mg_ota_end() -> bool {
    crate::log_error!("mg_ota_end", "no OTA on this platform");
    false
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
    entry!("mg_bzero", || {
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

/// Fills the len bytes at buf with random bytes from the operating system.
/// Returns true on success; false if no system source worked (buf then holds
/// weak pseudo-random bytes) or buf is NULL with len > 0.
#[no_mangle]
pub unsafe extern "C" fn mg_random(buf: *mut c_void, len: usize) -> bool {
    entry!("mg_random", || {
        if len == 0 {
            return true;
        }
        nonnull!(buf);
        // SAFETY: non-NULL; the caller passes len writable bytes.
        let out = unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, len) };
        crate::util::random(out)
    })
}

/// Writes len - 1 random letters and digits and a terminating NUL to buf
/// (nothing when len is 0). Returns buf, or NULL if buf is NULL.
#[no_mangle]
pub unsafe extern "C" fn mg_random_str(buf: *mut c_char, len: usize) -> *mut c_char {
    entry!("mg_random_str", || {
        nonnull!(buf);
        if len == 0 {
            return buf;
        }
        // SAFETY: non-NULL; the caller passes len writable bytes.
        let out = unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, len) };
        let (text, nul) = out.split_at_mut(len - 1);
        crate::util::random_alnum(text);
        nul[0] = 0;
        buf
    })
}

/// CRC-32 (zlib polynomial) of the len bytes at buf, continuing from crc: pass
/// 0 to start, or an earlier result to extend it over more data. A NULL buf
/// with len > 0 is logged and crc is returned unchanged.
#[no_mangle]
pub unsafe extern "C" fn mg_crc32(crc: u32, buf: *const c_char, len: usize) -> u32 {
    guard!("mg_crc32", crc, || {
        // SAFETY: NULL or len readable bytes from the caller.
        match unsafe { super::bytes("mg_crc32", "buf", buf as *const u8, len) } {
            Some(data) => crate::util::crc32(crc, data),
            None => crc,
        }
    })
}

/// True if path is safe to serve from a directory: it does not start with
/// ".." or "~", contains no ".." right after a '/' or a backslash, and no NUL.
#[no_mangle]
pub unsafe extern "C" fn mg_path_is_sane(path: mg_str) -> bool {
    entry!("mg_path_is_sane", || {
        // SAFETY: the caller passes a valid mg_str view.
        unsafe { super::str::str_arg("mg_path_is_sane", "path", path) }
            .is_some_and(crate::util::path_is_sane)
    })
}

/// Blocks the calling thread for at least ms milliseconds.
#[no_mangle]
pub extern "C" fn mg_delayms(ms: c_uint) {
    entry!("mg_delayms", || crate::util::delay_ms(ms))
}
