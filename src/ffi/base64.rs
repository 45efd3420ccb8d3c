//! Base64 entry points: whole-buffer encoding and decoding (standard and
//! URL-safe alphabets) and the byte-at-a-time encoder.
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::{bytes, entry, guard, nonnull, null_arg};
use crate::base64::{self, Variant};
use std::os::raw::c_char;

/// Writes `data` and a NUL to `dst` (room for `dst_len` bytes) and returns
/// `data.len()`; when it does not fit, writes an empty string (if there is room
/// for it) and returns 0.
///
/// # Safety
/// `dst` must be NULL or have `dst_len` writable bytes.
unsafe fn put(func: &str, dst: *mut c_char, dst_len: usize, data: Option<&[u8]>) -> usize {
    if dst.is_null() {
        if dst_len > 0 {
            null_arg(func, "buf");
        }
        return 0;
    }
    // SAFETY: per this function's contract.
    let out = unsafe { std::slice::from_raw_parts_mut(dst as *mut u8, dst_len) };
    match data {
        Some(d) if d.len() < out.len() => {
            out[..d.len()].copy_from_slice(d);
            out[d.len()] = 0;
            d.len()
        }
        _ => {
            if let Some(first) = out.first_mut() {
                *first = 0;
            }
            0
        }
    }
}

/// Shared body of the two encoders.
///
/// # Safety
/// `p` has `n` readable bytes (or is NULL with `n` 0); `buf` as for [`put`].
unsafe fn encode(
    func: &str,
    variant: Variant,
    p: *const u8,
    n: usize,
    buf: *mut c_char,
    buf_len: usize,
) -> usize {
    // SAFETY: per this function's contract.
    let data = unsafe { bytes(func, "p", p, n) };
    // Check the size before encoding, so that a huge `n` with a small buffer
    // costs nothing.
    let fits = encoded_len(n, variant).is_some_and(|need| need < buf_len);
    let text = data.filter(|_| fits).map(|d| base64::encode(d, variant));
    // SAFETY: per this function's contract.
    unsafe { put(func, buf, buf_len, text.as_deref().map(str::as_bytes)) }
}

fn encoded_len(n: usize, variant: Variant) -> Option<usize> {
    base64::encoded_len(n, variant)
}

/// Shared body of the two decoders.
///
/// # Safety
/// `src` has `n` readable bytes (or is NULL with `n` 0); `dst` as for [`put`].
unsafe fn decode(
    func: &str,
    variant: Variant,
    src: *const c_char,
    n: usize,
    dst: *mut c_char,
    dst_len: usize,
) -> usize {
    // SAFETY: per this function's contract.
    let data = unsafe { bytes(func, "src", src as *const u8, n) };
    // Like Mongoose, refuse up front a buffer smaller than what n characters
    // of padded base64 can decode to, whatever they hold.
    let plain = data.filter(|_| dst_len > n / 4 * 3).and_then(|d| base64::decode(d, variant));
    // SAFETY: per this function's contract.
    unsafe { put(func, dst, dst_len, plain.as_deref()) }
}

/// Encodes the n bytes at p as standard base64 with `=` padding into buf (room
/// for buf_len bytes), NUL-terminated. Returns the length of the encoding, or
/// 0 (buf holding "") when buf is too small: it needs 4 * ceil(n / 3) + 1 bytes.
#[no_mangle]
pub unsafe extern "C" fn mg_base64_encode(
    p: *const u8,
    n: usize,
    buf: *mut c_char,
    buf_len: usize,
) -> usize {
    entry!("mg_base64_encode", || {
        // SAFETY: the caller passes n readable bytes at p and buf_len writable
        // bytes at buf.
        unsafe { encode("mg_base64_encode", Variant::Standard, p, n, buf, buf_len) }
    })
}

/// Decodes the n characters of standard base64 at src into dst (room for
/// dst_len bytes), NUL-terminated. Padding is optional. Returns the number of
/// decoded bytes, or 0 (dst holding "") when src is not base64 or dst is too
/// small: it needs n / 4 * 3 + 1 bytes, and room for the result and a NUL.
#[no_mangle]
pub unsafe extern "C" fn mg_base64_decode(
    src: *const c_char,
    n: usize,
    dst: *mut c_char,
    dst_len: usize,
) -> usize {
    entry!("mg_base64_decode", || {
        // SAFETY: the caller passes n readable bytes at src and dst_len
        // writable bytes at dst.
        unsafe { decode("mg_base64_decode", Variant::Standard, src, n, dst, dst_len) }
    })
}

/// Like mg_base64_encode() with the URL-safe alphabet ('-' and '_') and no
/// padding; buf needs ceil(4 * n / 3) + 1 bytes.
#[no_mangle]
pub unsafe extern "C" fn mg_base64url_encode(
    p: *const u8,
    n: usize,
    buf: *mut c_char,
    buf_len: usize,
) -> usize {
    entry!("mg_base64url_encode", || {
        // SAFETY: as in mg_base64_encode().
        unsafe { encode("mg_base64url_encode", Variant::Url, p, n, buf, buf_len) }
    })
}

/// Like mg_base64_decode() for the URL-safe alphabet; padding is optional.
#[no_mangle]
pub unsafe extern "C" fn mg_base64url_decode(
    src: *const c_char,
    n: usize,
    dst: *mut c_char,
    dst_len: usize,
) -> usize {
    entry!("mg_base64url_decode", || {
        // SAFETY: as in mg_base64_decode().
        unsafe { decode("mg_base64url_decode", Variant::Url, src, n, dst, dst_len) }
    })
}

/// Streaming encoder: adds input_byte to the encoding in buf, where len is the
/// value the previous call returned (0 to start). Returns the new length.
/// buf must have room for the whole encoding plus 1 byte; it holds work in
/// progress until mg_base64_final() completes it.
#[no_mangle]
pub unsafe extern "C" fn mg_base64_update(input_byte: u8, buf: *mut c_char, len: usize) -> usize {
    guard!("mg_base64_update", len, || {
        if buf.is_null() {
            null_arg("mg_base64_update", "buf");
            return len;
        }
        // SAFETY: the caller provides room for the encoding in progress, which
        // update() extends by at most two bytes at index len.
        let out = unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, len + 2) };
        base64::update(input_byte, out, len)
    })
}

/// Completes a streaming encoding started with mg_base64_update(): adds `=`
/// padding and a NUL. Returns the final length.
#[no_mangle]
pub unsafe extern "C" fn mg_base64_final(buf: *mut c_char, len: usize) -> usize {
    entry!("mg_base64_final", || {
        nonnull!(buf);
        let room = len + base64::finish_room(len);
        // SAFETY: the caller provides room for the padded encoding and its
        // NUL, which finish() writes from index len on.
        let out = unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, room) };
        base64::finish(out, len)
    })
}
