//! The packed filesystem `mg_fs_packed`: read-only files compiled into the
//! program (see `tools/pack.py`), served like any other `mg_fs`.
//!
//! Where the files come from, in Mongoose 7.22's terms: the program sets
//! `mg_mem_files` to a table of `struct mg_mem_file` (the pack tool writes
//! one named `mg_packed_files`). Two conveniences on top, both in
//! `csrc/shim.c` because they rest on weak symbols:
//! - while `mg_mem_files` is NULL, a program's `mg_packed_files` (found
//!   through a weak reference) is used, so programs that link a packed_fs.c
//!   but never assign the pointer work as well;
//! - every lookup goes through `mg_unpack()`/`mg_unlist()`, the functions
//!   that packed_fs.c files of older Mongoose versions define. The library's
//!   own definitions are weak and read the `mg_mem_file` table, so a program
//!   that links such an older packed_fs.c overrides them and is served from it.
use crate::fs::{mg_fs, MG_FS_DIR, MG_FS_READ, MG_FS_WRITE};
use crate::str::mg_str;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// A file stored in memory, one entry of the table `mg_mem_files` points
/// to; the table ends with an entry whose `path` is NULL.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_mem_file {
    /// Absolute path, such as "/web_root/index.html".
    pub path: *const c_char,
    /// The content.
    pub data: *const u8,
    /// Content size in bytes.
    pub size: usize,
    /// Modification time, seconds since the epoch (0 if unknown).
    pub mtime: libc::time_t,
}

/// Defined in csrc/shim.c; declared for C in the header trailer.
/// cbindgen:ignore
mod shim {
    use super::mg_mem_file;
    use std::os::raw::c_char;

    extern "C" {
        /// The table in use: `mg_mem_files`, or the program's
        /// `mg_packed_files` while that is NULL.
        pub(super) fn mgrs_mem_files() -> *const mg_mem_file;
        // Weak in the shim (they call the two functions below); a
        // program's own definitions take precedence.
        pub(super) fn mg_unpack(
            path: *const c_char,
            size: *mut usize,
            mtime: *mut libc::time_t,
        ) -> *const c_char;
        pub(super) fn mg_unlist(no: usize) -> *const c_char;
    }
}
use shim::{mg_unlist, mg_unpack, mgrs_mem_files};

/// Most entries a table is read for; a table must end with a NULL path, and
/// this bounds the damage when one does not.
const MAX_FILES: usize = 1 << 20;

/// The entries of the current `mg_mem_file` table.
fn table() -> impl Iterator<Item = &'static mg_mem_file> {
    // SAFETY: the table is NULL or a static array ending with a NULL path,
    // per the API; reading stops at that entry.
    let base = unsafe { mgrs_mem_files() };
    (0..MAX_FILES)
        .map_while(move |i| {
            // SAFETY: see above; entries before the terminator are readable.
            (!base.is_null()).then(|| unsafe { &*base.add(i) })
        })
        .take_while(|f| !f.path.is_null())
}

/// The entry of the current table named `path`, if any.
pub fn table_entry(path: &CStr) -> Option<&'static mg_mem_file> {
    // SAFETY: table paths are C strings.
    table().find(|f| unsafe { CStr::from_ptr(f.path) } == path)
}

/// The path of the `no`th entry of the current table, if there is one.
pub fn table_path(no: usize) -> Option<*const c_char> {
    table().nth(no).map(|f| f.path)
}

/// A packed file: its content and modification time.
#[derive(Clone, Copy, Debug)]
pub struct Packed {
    /// The file's bytes.
    pub data: &'static [u8],
    /// Modification time, seconds since the epoch.
    pub mtime: libc::time_t,
}

/// Stores a size and mtime through the out-parameters of `st`/`mg_unpack`.
///
/// # Safety
/// Each pointer must be NULL or writable.
pub unsafe fn set_stat(size: *mut usize, mtime: *mut libc::time_t, sz: usize, mt: libc::time_t) {
    // SAFETY: per the contract.
    unsafe {
        if !size.is_null() {
            *size = sz;
        }
        if !mtime.is_null() {
            *mtime = mt;
        }
    }
}

/// The packed file at `path` (exact match), if any.
pub fn lookup(path: &CStr) -> Option<Packed> {
    let (mut size, mut mtime) = (0usize, 0);
    // SAFETY: a C string and two out-parameters we own; the data returned
    // is static, `size` bytes long.
    unsafe {
        let p = mg_unpack(path.as_ptr(), &mut size, &mut mtime);
        if p.is_null() {
            return None;
        }
        Some(Packed { data: std::slice::from_raw_parts(p.cast(), size), mtime })
    }
}

/// The paths of all packed files, in table order.
pub fn names() -> impl Iterator<Item = &'static [u8]> {
    (0..MAX_FILES).map_while(|i| {
        // SAFETY: mg_unlist returns NULL past the end, else a static C string.
        let p = unsafe { mg_unlist(i) };
        // SAFETY: non-NULL: a static C string, as above.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes())
    })
}

/// True when `path` lies below directory `dir`: `dir` is a proper prefix
/// of it ending at a `/` (so "/a" holds "/a/b" but not "/ab"); "" holds
/// every path.
fn is_below(dir: &[u8], path: &[u8]) -> bool {
    dir.len() < path.len()
        && path.starts_with(dir)
        && (dir.is_empty() || path[dir.len()] == b'/' || dir.ends_with(b"/"))
}

/// The names directly inside `dir` (files, and directories implied by
/// deeper paths), each once, in table order.
pub fn list(dir: &[u8]) -> Vec<&'static [u8]> {
    let mut out: Vec<&'static [u8]> = Vec::new();
    for path in names().filter(|p| is_below(dir, p)) {
        let rest = &path[dir.len()..];
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        let name = rest.split(|&b| b == b'/').next().unwrap_or_default();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The content of `path` as a view into the program's data.
pub fn unpacked(path: &CStr) -> mg_str {
    lookup(path).map_or(mg_str::empty(), |p| mg_str::from_bytes(p.data))
}

/// An open packed file: a read position over static data.
struct OpenFile {
    data: &'static [u8],
    pos: usize,
}

/// The functions of the `mg_fs_packed` table.
mod table_fns {
    use super::*;

    fn path<'a>(p: *const c_char) -> Option<&'a CStr> {
        // SAFETY: the table's callers pass C strings (or NULL).
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
    }

    pub(super) unsafe extern "C" fn st(
        p: *const c_char,
        size: *mut usize,
        mtime: *mut libc::time_t,
    ) -> c_int {
        crate::panic::guard("mg_fs_packed.st", 0, || {
            let Some(p) = path(p) else { return 0 };
            let (flags, sz, mt) = match lookup(p) {
                Some(f) => (MG_FS_READ, f.data.len(), f.mtime),
                None if names().any(|n| is_below(p.to_bytes(), n)) => (MG_FS_DIR, 0, 0),
                None => return 0,
            };
            // SAFETY: the out-parameters are NULL or the caller's.
            unsafe { set_stat(size, mtime, sz, mt) };
            flags
        })
    }

    pub(super) unsafe extern "C" fn ls(
        p: *const c_char,
        f: Option<unsafe extern "C" fn(*const c_char, *mut c_void)>,
        userdata: *mut c_void,
    ) {
        crate::panic::guard("mg_fs_packed.ls", (), || {
            let (Some(dir), Some(f)) = (path(p), f) else { return };
            for name in list(dir.to_bytes()) {
                let Ok(name) = std::ffi::CString::new(name) else { continue };
                // SAFETY: a C string that lives across the call.
                unsafe { f(name.as_ptr(), userdata) };
            }
        })
    }

    pub(super) unsafe extern "C" fn op(p: *const c_char, flags: c_int) -> *mut c_void {
        crate::panic::guard("mg_fs_packed.op", ptr::null_mut(), || {
            if flags & MG_FS_WRITE != 0 {
                return ptr::null_mut(); // read-only
            }
            match path(p).and_then(lookup) {
                Some(f) => Box::into_raw(Box::new(OpenFile { data: f.data, pos: 0 })).cast(),
                None => ptr::null_mut(),
            }
        })
    }

    /// # Safety
    /// `fd` must come from [`op`] and still be open.
    unsafe fn file<'a>(fd: *mut c_void) -> Option<&'a mut OpenFile> {
        // SAFETY: per the contract, a live Box<OpenFile> from op() (or NULL).
        (!fd.is_null()).then(|| unsafe { &mut *fd.cast::<OpenFile>() })
    }

    pub(super) unsafe extern "C" fn cl(fd: *mut c_void) {
        crate::panic::guard("mg_fs_packed.cl", (), || {
            if !fd.is_null() {
                // SAFETY: fd came from op() and is closed once.
                drop(unsafe { Box::from_raw(fd.cast::<OpenFile>()) });
            }
        })
    }

    pub(super) unsafe extern "C" fn rd(fd: *mut c_void, buf: *mut c_void, len: usize) -> usize {
        crate::panic::guard("mg_fs_packed.rd", 0, || {
            // SAFETY: fd is an open file of this table.
            let Some(f) = (unsafe { file(fd) }) else { return 0 };
            let n = len.min(f.data.len() - f.pos);
            if n > 0 && !buf.is_null() {
                // SAFETY: buf holds len >= n writable bytes per the API.
                unsafe { ptr::copy_nonoverlapping(f.data[f.pos..].as_ptr(), buf.cast(), n) };
                f.pos += n;
                return n;
            }
            0
        })
    }

    pub(super) unsafe extern "C" fn wr(_: *mut c_void, _: *const c_void, _: usize) -> usize {
        0
    }

    pub(super) unsafe extern "C" fn sk(fd: *mut c_void, offset: usize) -> usize {
        crate::panic::guard("mg_fs_packed.sk", 0, || {
            // SAFETY: fd is an open file of this table.
            let Some(f) = (unsafe { file(fd) }) else { return 0 };
            f.pos = offset.min(f.data.len());
            f.pos
        })
    }

    pub(super) unsafe extern "C" fn mv(_: *const c_char, _: *const c_char) -> bool {
        false
    }

    pub(super) unsafe extern "C" fn rm(_: *const c_char) -> bool {
        false
    }

    pub(super) unsafe extern "C" fn mkd(_: *const c_char) -> bool {
        false
    }
}

/// The packed filesystem: read-only access to the files compiled into the
/// program (`mg_mem_files`, see tools/pack.py). Directories are implied by
/// the file paths.
#[no_mangle]
pub static mut mg_fs_packed: mg_fs = mg_fs {
    st: Some(table_fns::st),
    ls: Some(table_fns::ls),
    op: Some(table_fns::op),
    cl: Some(table_fns::cl),
    rd: Some(table_fns::rd),
    wr: Some(table_fns::wr),
    sk: Some(table_fns::sk),
    mv: Some(table_fns::mv),
    rm: Some(table_fns::rm),
    mkd: Some(table_fns::mkd),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_prefixes() {
        assert!(is_below(b"", b"/a"));
        assert!(is_below(b"/web", b"/web/index.html"));
        assert!(is_below(b"/web/", b"/web/index.html"));
        assert!(!is_below(b"/web", b"/webx/index.html"));
        assert!(!is_below(b"/web/index.html", b"/web/index.html"));
    }
}
