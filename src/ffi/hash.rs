//! Hash entry points: MD5, SHA-1, SHA-256 and SHA-384 contexts that C keeps
//! on its stack, one-shot SHA-256/SHA-384, HMAC-SHA256 and CRC-16.
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::{bytes, entry, guard, mut_ref, null_arg};
use crate::hash::{self, mg_md5_ctx, mg_sha1_ctx, mg_sha256_ctx, mg_sha384_ctx};
use std::os::raw::c_char;

/// Copies a digest to the caller's `N`-byte array.
///
/// # Safety
/// `dst` must be NULL or point to `N` writable bytes.
unsafe fn put_digest<const N: usize>(func: &str, dst: *mut u8, digest: [u8; N]) {
    if dst.is_null() {
        null_arg(func, "digest");
        return;
    }
    // SAFETY: per this function's contract.
    unsafe { std::ptr::copy_nonoverlapping(digest.as_ptr(), dst, N) };
}

/// Runs `update` with the caller's data, after the NULL checks.
///
/// # Safety
/// `ctx` must be NULL or a valid context; `data` NULL or `len` readable bytes.
unsafe fn update_with<T>(
    func: &str,
    ctx: *mut T,
    data: *const u8,
    len: usize,
    update: impl FnOnce(&mut T, &[u8]),
) {
    // SAFETY: per this function's contract.
    let (Some(c), Some(d)) =
        (unsafe { mut_ref(func, "ctx", ctx) }, unsafe { bytes(func, "data", data, len) })
    else {
        return;
    };
    update(c, d);
}

/// Starts an MD5 computation in c.
#[no_mangle]
pub unsafe extern "C" fn mg_md5_init(c: *mut mg_md5_ctx) {
    entry!("mg_md5_init", || {
        // SAFETY: NULL or the caller's context.
        if let Some(c) = unsafe { mut_ref("mg_md5_init", "c", c) } {
            *c = mg_md5_ctx::new();
        }
    })
}

/// Adds the len bytes at data to the MD5 computation in c.
#[no_mangle]
pub unsafe extern "C" fn mg_md5_update(c: *mut mg_md5_ctx, data: *const u8, len: usize) {
    entry!("mg_md5_update", || {
        // SAFETY: the caller's context and len readable bytes at data.
        unsafe { update_with("mg_md5_update", c, data, len, mg_md5_ctx::update) }
    })
}

/// Writes the 16-byte MD5 digest of everything added to c into digest. Start
/// again with mg_md5_init() to reuse c.
#[no_mangle]
pub unsafe extern "C" fn mg_md5_final(c: *mut mg_md5_ctx, digest: *mut u8) {
    entry!("mg_md5_final", || {
        // SAFETY: NULL or the caller's context; digest has 16 writable bytes.
        if let Some(c) = unsafe { mut_ref("mg_md5_final", "c", c) } {
            // SAFETY: the digest buffer is writable, as above.
            unsafe { put_digest("mg_md5_final", digest, c.finish()) };
        }
    })
}

/// Starts a SHA-1 computation in ctx.
#[no_mangle]
pub unsafe extern "C" fn mg_sha1_init(ctx: *mut mg_sha1_ctx) {
    entry!("mg_sha1_init", || {
        // SAFETY: NULL or the caller's context.
        if let Some(c) = unsafe { mut_ref("mg_sha1_init", "ctx", ctx) } {
            *c = mg_sha1_ctx::new();
        }
    })
}

/// Adds the len bytes at data to the SHA-1 computation in ctx.
#[no_mangle]
pub unsafe extern "C" fn mg_sha1_update(ctx: *mut mg_sha1_ctx, data: *const u8, len: usize) {
    entry!("mg_sha1_update", || {
        // SAFETY: the caller's context and len readable bytes at data.
        unsafe { update_with("mg_sha1_update", ctx, data, len, mg_sha1_ctx::update) }
    })
}

/// Writes the 20-byte SHA-1 digest of everything added to ctx into digest.
#[no_mangle]
pub unsafe extern "C" fn mg_sha1_final(digest: *mut u8, ctx: *mut mg_sha1_ctx) {
    entry!("mg_sha1_final", || {
        // SAFETY: NULL or the caller's context; digest has 20 writable bytes.
        if let Some(c) = unsafe { mut_ref("mg_sha1_final", "ctx", ctx) } {
            // SAFETY: the digest buffer is writable, as above.
            unsafe { put_digest("mg_sha1_final", digest, c.finish()) };
        }
    })
}

/// Starts a SHA-256 computation in ctx.
#[no_mangle]
pub unsafe extern "C" fn mg_sha256_init(ctx: *mut mg_sha256_ctx) {
    entry!("mg_sha256_init", || {
        // SAFETY: NULL or the caller's context.
        if let Some(c) = unsafe { mut_ref("mg_sha256_init", "ctx", ctx) } {
            *c = mg_sha256_ctx::new();
        }
    })
}

/// Adds the len bytes at data to the SHA-256 computation in ctx.
#[no_mangle]
pub unsafe extern "C" fn mg_sha256_update(ctx: *mut mg_sha256_ctx, data: *const u8, len: usize) {
    entry!("mg_sha256_update", || {
        // SAFETY: the caller's context and len readable bytes at data.
        unsafe { update_with("mg_sha256_update", ctx, data, len, mg_sha256_ctx::update) }
    })
}

/// Writes the 32-byte SHA-256 digest of everything added to ctx into digest.
#[no_mangle]
pub unsafe extern "C" fn mg_sha256_final(digest: *mut u8, ctx: *mut mg_sha256_ctx) {
    entry!("mg_sha256_final", || {
        // SAFETY: NULL or the caller's context; digest has 32 writable bytes.
        if let Some(c) = unsafe { mut_ref("mg_sha256_final", "ctx", ctx) } {
            // SAFETY: the digest buffer is writable, as above.
            unsafe { put_digest("mg_sha256_final", digest, c.finish()) };
        }
    })
}

/// Writes the SHA-256 digest of the datasz bytes at data into dst[32].
#[no_mangle]
pub unsafe extern "C" fn mg_sha256(dst: *mut u8, data: *mut u8, datasz: usize) {
    entry!("mg_sha256", || {
        // SAFETY: datasz readable bytes at data; 32 writable bytes at dst.
        if let Some(d) = unsafe { bytes("mg_sha256", "data", data, datasz) } {
            // SAFETY: the digest buffer is writable, as above.
            unsafe { put_digest("mg_sha256", dst, hash::sha256(d)) };
        }
    })
}

/// Writes HMAC-SHA256 (RFC 2104) of the datasz bytes at data, under the keysz
/// bytes of key, into dst[32].
#[no_mangle]
pub unsafe extern "C" fn mg_hmac_sha256(
    dst: *mut u8,
    key: *mut u8,
    keysz: usize,
    data: *mut u8,
    datasz: usize,
) {
    entry!("mg_hmac_sha256", || {
        const F: &str = "mg_hmac_sha256";
        // SAFETY: keysz and datasz readable bytes at key and data.
        let (Some(k), Some(d)) =
            (unsafe { bytes(F, "key", key, keysz) }, unsafe { bytes(F, "data", data, datasz) })
        else {
            return;
        };
        // SAFETY: 32 writable bytes at dst.
        unsafe { put_digest(F, dst, hash::hmac_sha256(k, d)) };
    })
}

/// Starts a SHA-384 computation in ctx.
#[no_mangle]
pub unsafe extern "C" fn mg_sha384_init(ctx: *mut mg_sha384_ctx) {
    entry!("mg_sha384_init", || {
        // SAFETY: NULL or the caller's context.
        if let Some(c) = unsafe { mut_ref("mg_sha384_init", "ctx", ctx) } {
            *c = mg_sha384_ctx::new();
        }
    })
}

/// Adds the len bytes at data to the SHA-384 computation in ctx.
#[no_mangle]
pub unsafe extern "C" fn mg_sha384_update(ctx: *mut mg_sha384_ctx, data: *const u8, len: usize) {
    entry!("mg_sha384_update", || {
        // SAFETY: the caller's context and len readable bytes at data.
        unsafe { update_with("mg_sha384_update", ctx, data, len, mg_sha384_ctx::update) }
    })
}

/// Writes the 48-byte SHA-384 digest of everything added to ctx into digest.
#[no_mangle]
pub unsafe extern "C" fn mg_sha384_final(digest: *mut u8, ctx: *mut mg_sha384_ctx) {
    entry!("mg_sha384_final", || {
        // SAFETY: NULL or the caller's context; digest has 48 writable bytes.
        if let Some(c) = unsafe { mut_ref("mg_sha384_final", "ctx", ctx) } {
            // SAFETY: the digest buffer is writable, as above.
            unsafe { put_digest("mg_sha384_final", digest, c.finish()) };
        }
    })
}

/// Writes the SHA-384 digest of the datasz bytes at data into dst[48].
#[no_mangle]
pub unsafe extern "C" fn mg_sha384(dst: *mut u8, data: *mut u8, datasz: usize) {
    entry!("mg_sha384", || {
        // SAFETY: datasz readable bytes at data; 48 writable bytes at dst.
        if let Some(d) = unsafe { bytes("mg_sha384", "data", data, datasz) } {
            // SAFETY: the digest buffer is writable, as above.
            unsafe { put_digest("mg_sha384", dst, hash::sha384(d)) };
        }
    })
}

/// CRC-16/HDLC (X.25: reflected polynomial 0x8408) of the len bytes at buf,
/// continuing from crc: pass 0 to start, or an earlier result to extend it
/// over more data. A NULL buf with len > 0 is logged and crc is returned.
#[no_mangle]
pub unsafe extern "C" fn mg_crc16(crc: u16, buf: *const c_char, len: usize) -> u16 {
    guard!("mg_crc16", crc, || {
        // SAFETY: NULL or len readable bytes from the caller.
        match unsafe { bytes("mg_crc16", "buf", buf as *const u8, len) } {
            Some(data) => hash::crc16(crc, data),
            None => crc,
        }
    })
}
