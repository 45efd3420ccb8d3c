//! `struct mg_str`, the non-owning string view used throughout the API, and
//! the string utilities that operate on it.
use std::os::raw::c_char;

/// A view of `len` bytes at `buf`; not necessarily NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_str {
    /// First byte of the string (may be NULL when `len` is 0).
    pub buf: *mut c_char,
    /// Number of bytes.
    pub len: usize,
}

impl mg_str {
    /// The empty string `{NULL, 0}`.
    pub const fn empty() -> Self {
        mg_str { buf: std::ptr::null_mut(), len: 0 }
    }

    /// A view of a Rust byte slice. The slice must outlive every use of the view.
    pub fn from_bytes(b: &[u8]) -> Self {
        mg_str { buf: b.as_ptr() as *mut c_char, len: b.len() }
    }

    /// The viewed bytes.
    ///
    /// # Safety
    /// `buf` must point to `len` readable bytes for the chosen lifetime.
    pub unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        if self.buf.is_null() || self.len == 0 {
            &[]
        } else {
            // SAFETY: the caller guarantees buf/len describe readable memory.
            unsafe { std::slice::from_raw_parts(self.buf as *const u8, self.len) }
        }
    }
}
