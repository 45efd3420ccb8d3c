//! Filesystem entry points: mg_fs_open/close/ls and the whole-file helpers.
use super::{cstr, entry, null_arg};
use crate::fs::{mg_fd, mg_fs, Fs, MG_FS_READ};
use crate::str::mg_str;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// The filesystem argument of an entry point, or None (logged) when NULL.
fn fs_arg(func: &str, fs: *mut mg_fs) -> Option<Fs> {
    if fs.is_null() {
        null_arg(func, "fs");
        return None;
    }
    // SAFETY: a non-NULL table from the program, valid during the call.
    Some(unsafe { Fs::from_ptr(fs) })
}

/// Opens `path` on `fs` with MG_FS_* `flags`. Returns a new `struct mg_fd`
/// (close it with mg_fs_close()), or NULL on error.
#[no_mangle]
pub unsafe extern "C" fn mg_fs_open(
    fs: *mut mg_fs,
    path: *const c_char,
    flags: c_int,
) -> *mut mg_fd {
    entry!("mg_fs_open", || {
        let Some(f) = fs_arg("mg_fs_open", fs) else { return ptr::null_mut() };
        // SAFETY: path is NULL or a C string.
        let Some(path) = (unsafe { cstr("mg_fs_open", "path", path) }) else {
            return ptr::null_mut();
        };
        let Some(file) = f.open(path, flags) else { return ptr::null_mut() };
        // SAFETY: plain C allocation, released by mg_fs_close().
        let fd = unsafe { libc::calloc(1, std::mem::size_of::<mg_fd>()) }.cast::<mg_fd>();
        if fd.is_null() {
            crate::log_error!("mg_fs_open", "out of memory");
            return fd; // `file` closes on drop
        }
        // SAFETY: fd is fresh, zeroed and large enough.
        unsafe { fd.write(mg_fd { fd: file.into_raw(), fs }) };
        fd
    })
}

/// Closes a file opened by mg_fs_open() and frees `fd`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn mg_fs_close(fd: *mut mg_fd) {
    entry!("mg_fs_close", || {
        if fd.is_null() {
            return;
        }
        // SAFETY: fd came from mg_fs_open(); its handle is closed once here.
        unsafe {
            let m = fd.read();
            if !m.fs.is_null() && !m.fd.is_null() {
                drop(crate::fs::FsFile::from_raw(Fs::from_ptr(m.fs), m.fd));
            }
            libc::free(fd.cast());
        }
    })
}

/// Directory iterator: fills `buf` (`len` bytes) with the entry of `path`
/// that follows the name currently in `buf`; start with `buf[0] = '\0'`.
/// Returns false when there are no more entries. Names that do not fit in
/// `buf` are skipped.
#[no_mangle]
pub unsafe extern "C" fn mg_fs_ls(
    fs: *mut mg_fs,
    path: *const c_char,
    buf: *mut c_char,
    len: usize,
) -> bool {
    entry!("mg_fs_ls", || {
        let Some(f) = fs_arg("mg_fs_ls", fs) else { return false };
        if buf.is_null() || len == 0 {
            null_arg("mg_fs_ls", "buf");
            return false;
        }
        // SAFETY: path is a C string; buf holds len bytes and a C string.
        unsafe {
            let Some(path) = cstr("mg_fs_ls", "path", path) else { return false };
            let out = std::slice::from_raw_parts_mut(buf.cast::<u8>(), len);
            let prev_len = out.iter().position(|&b| b == 0).unwrap_or(len);
            let prev = out[..prev_len].to_vec();
            let (mut after_prev, mut next) = (prev.is_empty(), None::<Vec<u8>>);
            f.list(path, |name| {
                if next.is_some() || name.len() >= len {
                    return;
                }
                if after_prev {
                    next = Some(name.to_vec());
                } else if name == prev.as_slice() {
                    after_prev = true;
                }
            });
            match next {
                Some(name) => {
                    out[..name.len()].copy_from_slice(&name);
                    out[name.len()] = 0;
                    true
                }
                None => false,
            }
        }
    })
}

/// Reads the whole file `path` into memory from malloc(), NUL-terminated;
/// release it with mg_free(). `{NULL, 0}` on error.
#[no_mangle]
pub unsafe extern "C" fn mg_file_read(fs: *mut mg_fs, path: *const c_char) -> mg_str {
    entry!("mg_file_read", || {
        let Some(f) = fs_arg("mg_file_read", fs) else { return mg_str::empty() };
        // SAFETY: path is NULL or a C string.
        let Some(path) = (unsafe { cstr("mg_file_read", "path", path) }) else {
            return mg_str::empty();
        };
        if f.stat(path).is_some_and(|s| s.is_dir()) {
            return mg_str::empty();
        }
        let Some(mut file) = f.open(path, MG_FS_READ) else { return mg_str::empty() };
        let mut data = Vec::new();
        let mut chunk = [0u8; 16384];
        loop {
            let n = file.read(&mut chunk);
            if n == 0 {
                break;
            }
            data.extend_from_slice(&chunk[..n]);
        }
        // SAFETY: plain C allocation of data.len() + 1 bytes, filled below.
        unsafe {
            let p = libc::malloc(data.len() + 1).cast::<u8>();
            if p.is_null() {
                crate::log_error!("mg_file_read", "out of memory");
                return mg_str::empty();
            }
            ptr::copy_nonoverlapping(data.as_ptr(), p, data.len());
            *p.add(data.len()) = 0;
            mg_str { buf: p.cast(), len: data.len() }
        }
    })
}

/// Replaces the file `path` with the `len` bytes at `buf`, atomically (a
/// temporary file renamed over it). False on error.
#[no_mangle]
pub unsafe extern "C" fn mg_file_write(
    fs: *mut mg_fs,
    path: *const c_char,
    buf: *const c_void,
    len: usize,
) -> bool {
    entry!("mg_file_write", || {
        let Some(f) = fs_arg("mg_file_write", fs) else { return false };
        // SAFETY: path is a C string; buf holds len bytes.
        unsafe {
            let Some(path) = cstr("mg_file_write", "path", path) else { return false };
            let Some(data) = super::bytes("mg_file_write", "buf", buf.cast(), len) else {
                return false;
            };
            f.write_atomic(path, data)
        }
    })
}

/// Called by the shim's mg_file_printf().
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_file_vprintf(
    fs: *mut mg_fs,
    path: *const c_char,
    fmt: *const c_char,
    ap: *mut super::fmt::va_list,
) -> bool {
    entry!("mg_file_printf", || {
        let Some(f) = fs_arg("mg_file_printf", fs) else { return false };
        // SAFETY: path, fmt and ap from the C caller.
        unsafe {
            let Some(path) = cstr("mg_file_printf", "path", path) else { return false };
            let Some(data) = super::fmt::format_c_vec("mg_file_printf", fmt, ap) else {
                return false;
            };
            f.write_atomic(path, &data)
        }
    })
}
