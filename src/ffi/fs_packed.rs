//! Packed filesystem entry points; the table itself (`mg_fs_packed`) and the
//! lookups are in `crate::fs_packed`.
use super::{cstr, entry};
use crate::fs_packed::{set_stat, table_entry, table_path};
use crate::str::mg_str;
use std::ffi::CStr;
use std::os::raw::c_char;
use std::ptr;

/// The packed file `path` (for example "/web_root/index.html") as a view of
/// its content in the program's data (no copy), or `{NULL, 0}` when there is
/// no such file.
#[no_mangle]
pub unsafe extern "C" fn mg_unpacked(path: *const c_char) -> mg_str {
    entry!("mg_unpacked", || {
        // SAFETY: path is NULL or a C string.
        if unsafe { cstr("mg_unpacked", "path", path) }.is_none() {
            return mg_str::empty();
        }
        // SAFETY: checked non-NULL above; a C string per the API.
        crate::fs_packed::unpacked(unsafe { CStr::from_ptr(path) })
    })
}

/// `mg_unpack` over the `mg_mem_file` table: the body of the library's weak
/// `mg_unpack` (csrc/shim.c).
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_mem_unpack(
    path: *const c_char,
    size: *mut usize,
    mtime: *mut libc::time_t,
) -> *const c_char {
    entry!("mg_unpack", || {
        if path.is_null() {
            return ptr::null();
        }
        // SAFETY: a C string from the caller.
        let Some(f) = table_entry(unsafe { CStr::from_ptr(path) }) else {
            return ptr::null();
        };
        // SAFETY: the out-parameters are NULL or the caller's.
        unsafe { set_stat(size, mtime, f.size, f.mtime) };
        f.data.cast()
    })
}

/// `mg_unlist` over the `mg_mem_file` table: the body of the library's weak
/// `mg_unlist` (csrc/shim.c).
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn mgrs_mem_unlist(no: usize) -> *const c_char {
    entry!("mg_unlist", || table_path(no).unwrap_or(ptr::null()))
}
