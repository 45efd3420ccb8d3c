//! The filesystem layer: `struct mg_fs` (a table of C function pointers, so
//! programs can plug in their own storage), `struct mg_fd`, and
//! [`Fs`]/[`FsFile`], the Rust view of any table that the file server and
//! uploads go through. The POSIX table `mg_fs_posix` is in `fs_posix.rs`.
//!
//! Everything that reads or writes files for the library calls through an
//! `mg_fs` table, never the OS directly, so a custom C table (or the packed
//! filesystem) serves exactly like the POSIX one. The only exception is
//! [`FsFile::raw_fd`], which gives the descriptor of a file opened through
//! the untouched POSIX table so that the server can use sendfile(2).
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, RawFd};
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// `st()` result and `op()` flag: readable / open for reading.
pub const MG_FS_READ: c_int = 1;
/// `st()` result and `op()` flag: writable / open for writing (appending,
/// created if missing).
pub const MG_FS_WRITE: c_int = 2;
/// `st()` result: a directory.
pub const MG_FS_DIR: c_int = 4;
/// `op()` flag, with MG_FS_WRITE: fail if the file exists.
pub const MG_FS_EXCL: c_int = 8;

/// The directory-entry callback of `ls()`: `fn(name, userdata)`.
pub(crate) type LsFn = Option<unsafe extern "C" fn(*const c_char, *mut c_void)>;
type OpFn = unsafe extern "C" fn(*const c_char, c_int) -> *mut c_void;
type RdFn = unsafe extern "C" fn(*mut c_void, *mut c_void, usize) -> usize;
type SkFn = unsafe extern "C" fn(*mut c_void, usize) -> usize;
type ClFn = unsafe extern "C" fn(*mut c_void);

/// A filesystem: a table of functions the library calls for all file access.
/// Fill in your own to serve files from any storage; a NULL entry makes that
/// operation fail.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mg_fs {
    /// Stat: returns MG_FS_* flags (0: does not exist) and sets `*size` and
    /// `*mtime`; either pointer may be NULL.
    pub st: Option<
        unsafe extern "C" fn(
            path: *const c_char,
            size: *mut usize,
            mtime: *mut libc::time_t,
        ) -> c_int,
    >,
    /// Lists a directory: calls `fn(name, userdata)` for each entry except "." and "..".
    pub ls: Option<
        unsafe extern "C" fn(
            path: *const c_char,
            r#fn: Option<unsafe extern "C" fn(name: *const c_char, userdata: *mut c_void)>,
            userdata: *mut c_void,
        ),
    >,
    /// Opens a file with MG_FS_* flags; returns an opaque handle or NULL.
    pub op: Option<unsafe extern "C" fn(path: *const c_char, flags: c_int) -> *mut c_void>,
    /// Closes a handle from `op`.
    pub cl: Option<unsafe extern "C" fn(fd: *mut c_void)>,
    /// Reads up to `len` bytes; returns the number read (0 at the end or on error).
    pub rd: Option<unsafe extern "C" fn(fd: *mut c_void, buf: *mut c_void, len: usize) -> usize>,
    /// Writes `len` bytes; returns the number written.
    pub wr: Option<unsafe extern "C" fn(fd: *mut c_void, buf: *const c_void, len: usize) -> usize>,
    /// Moves the read position to `offset` from the start; returns the new position.
    pub sk: Option<unsafe extern "C" fn(fd: *mut c_void, offset: usize) -> usize>,
    /// Renames a file (replacing `to`).
    pub mv: Option<unsafe extern "C" fn(from: *const c_char, to: *const c_char) -> bool>,
    /// Deletes a file.
    pub rm: Option<unsafe extern "C" fn(path: *const c_char) -> bool>,
    /// Creates a directory.
    pub mkd: Option<unsafe extern "C" fn(path: *const c_char) -> bool>,
}

/// An open file from mg_fs_open(): the handle and the filesystem it belongs to.
#[repr(C)]
pub struct mg_fd {
    /// Handle returned by `fs->op()`.
    pub fd: *mut c_void,
    /// Filesystem that owns `fd`.
    pub fs: *mut mg_fs,
}

/// What `st()` says about a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    /// MG_FS_* flags; never 0 (a path that does not exist has no Stat).
    pub flags: c_int,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, seconds since the epoch (0 when unknown).
    pub mtime: libc::time_t,
}

impl Stat {
    /// The path is a directory.
    pub fn is_dir(&self) -> bool {
        self.flags & MG_FS_DIR != 0
    }
}

/// What the POSIX table's `st()` reports for `m`.
pub(crate) fn stat_of(m: &std::fs::Metadata) -> Stat {
    use std::os::unix::fs::MetadataExt;
    let dir = if m.is_dir() { MG_FS_DIR } else { 0 };
    Stat { flags: MG_FS_READ | MG_FS_WRITE | dir, size: m.len(), mtime: m.mtime() as libc::time_t }
}

/// A filesystem table as Rust uses it. Every operation calls through the C
/// function pointers, so custom tables work; a missing entry fails.
#[derive(Clone, Copy, Debug)]
pub struct Fs {
    table: *const mg_fs,
}

/// A path as a C string; None when it holds a NUL byte (which no real path
/// can, and which must never be cut short into a different path).
fn c_path(path: &[u8]) -> Option<CString> {
    CString::new(path).ok()
}

impl Fs {
    /// The POSIX table, `mg_fs_posix`.
    pub fn posix() -> Fs {
        Fs { table: ptr::addr_of!(crate::fs_posix::mg_fs_posix) }
    }

    /// A table given by C; NULL means POSIX, as in Mongoose's options.
    ///
    /// # Safety
    /// `table` must be NULL or point to an `mg_fs` that outlives every use
    /// of the result (C tables are usually static).
    pub unsafe fn from_ptr(table: *const mg_fs) -> Fs {
        if table.is_null() {
            Fs::posix()
        } else {
            Fs { table }
        }
    }

    /// The table pointer, for handing back to C.
    pub fn as_ptr(&self) -> *const mg_fs {
        self.table
    }

    fn t(&self) -> mg_fs {
        // SAFETY: `table` is valid per from_ptr's contract (or our static);
        // copying the table reads it once, as C code calling through it would.
        unsafe { ptr::read(self.table) }
    }

    /// True when every entry the file server reads through is POSIX's own,
    /// so that a handle from `op` is our file and sendfile(2) may be used.
    pub fn is_posix(&self) -> bool {
        use std::ptr::fn_addr_eq;
        let t = self.t();
        t.op.is_some_and(|f| fn_addr_eq(f, crate::fs_posix::op as OpFn))
            && t.rd.is_some_and(|f| fn_addr_eq(f, crate::fs_posix::rd as RdFn))
            && t.sk.is_some_and(|f| fn_addr_eq(f, crate::fs_posix::sk as SkFn))
            && t.cl.is_some_and(|f| fn_addr_eq(f, crate::fs_posix::cl as ClFn))
    }

    /// Stats `path`; None when it does not exist (or `st` is missing).
    pub fn stat(&self, path: &[u8]) -> Option<Stat> {
        let st = self.t().st?;
        let p = c_path(path)?;
        let (mut size, mut mtime): (usize, libc::time_t) = (0, 0);
        // SAFETY: a valid C string and two out-parameters we own.
        let flags = unsafe { st(p.as_ptr(), &mut size, &mut mtime) };
        (flags != 0).then_some(Stat { flags, size: size as u64, mtime })
    }

    /// Calls `f(name)` for each entry of directory `dir` (without "." and "..").
    pub fn list(&self, dir: &[u8], mut f: impl FnMut(&[u8])) {
        let Some(ls) = self.t().ls else { return };
        let Some(p) = c_path(dir) else { return };
        let mut cb: &mut dyn FnMut(&[u8]) = &mut f;
        // SAFETY: the trampoline gets back exactly the pointer we pass, which
        // lives until ls() returns.
        unsafe {
            ls(p.as_ptr(), Some(list_trampoline), (&mut cb as *mut &mut dyn FnMut(&[u8])).cast())
        };
    }

    /// Opens `path` with MG_FS_* `flags`; the file closes when dropped.
    pub fn open(&self, path: &[u8], flags: c_int) -> Option<FsFile> {
        let op = self.t().op?;
        let p = c_path(path)?;
        // SAFETY: a valid C string.
        let fd = unsafe { op(p.as_ptr(), flags) };
        (!fd.is_null()).then_some(FsFile { fs: *self, fd })
    }

    /// Renames `from` to `to`.
    pub fn rename(&self, from: &[u8], to: &[u8]) -> bool {
        let (Some(mv), Some(a), Some(b)) = (self.t().mv, c_path(from), c_path(to)) else {
            return false;
        };
        // SAFETY: valid C strings.
        unsafe { mv(a.as_ptr(), b.as_ptr()) }
    }

    /// Deletes a file.
    pub fn remove(&self, path: &[u8]) -> bool {
        let (Some(rm), Some(p)) = (self.t().rm, c_path(path)) else { return false };
        // SAFETY: a valid C string.
        unsafe { rm(p.as_ptr()) }
    }

    /// Creates a directory.
    pub fn mkdir(&self, path: &[u8]) -> bool {
        let (Some(mkd), Some(p)) = (self.t().mkd, c_path(path)) else { return false };
        // SAFETY: a valid C string.
        unsafe { mkd(p.as_ptr()) }
    }

    /// The whole content of a file; None when it cannot be opened. (For
    /// small files: configuration, SSI fragments.)
    pub fn read_all(&self, path: &[u8]) -> Option<Vec<u8>> {
        let size = self.stat(path).map_or(0, |s| s.size);
        let mut f = self.open(path, MG_FS_READ)?;
        let mut out = Vec::with_capacity(size.min(1 << 20) as usize);
        let mut buf = [0u8; 8192];
        loop {
            let n = f.read(&mut buf);
            if n == 0 {
                return Some(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    /// Replaces `path` with `data` atomically: written to a temporary file
    /// next to it, then renamed over it. False on any failure (the
    /// temporary file is removed).
    pub fn write_atomic(&self, path: &[u8], data: &[u8]) -> bool {
        let mut suffix = [0u8; 8];
        crate::util::random_alnum(&mut suffix);
        let mut tmp = path.to_vec();
        tmp.extend_from_slice(b"..");
        tmp.extend_from_slice(&suffix);
        self.remove(&tmp);
        let written = match self.open(&tmp, MG_FS_WRITE) {
            Some(mut f) => f.write(data) == data.len(),
            None => return false,
        };
        let ok = written && self.rename(&tmp, path);
        if !ok {
            self.remove(&tmp);
        }
        ok
    }
}

unsafe extern "C" fn list_trampoline(name: *const c_char, userdata: *mut c_void) {
    if name.is_null() || userdata.is_null() {
        return;
    }
    // SAFETY: userdata is the `&mut &mut dyn FnMut` Fs::list passed; name is
    // a C string from the table's ls(). A panic must not unwind into C.
    let _ = catch_unwind(AssertUnwindSafe(|| unsafe {
        let f = &mut *userdata.cast::<&mut dyn FnMut(&[u8])>();
        f(CStr::from_ptr(name).to_bytes());
    }));
}

/// A file opened through an [`Fs`]; closed (`cl`) when dropped.
#[derive(Debug)]
pub struct FsFile {
    fs: Fs,
    fd: *mut c_void,
}

impl FsFile {
    /// Reads up to `buf.len()` bytes; 0 at the end of the file or on error.
    pub fn read(&mut self, buf: &mut [u8]) -> usize {
        let Some(rd) = self.fs.t().rd else { return 0 };
        // SAFETY: the handle is open; buf is writable for its length.
        unsafe { rd(self.fd, buf.as_mut_ptr().cast(), buf.len()) }.min(buf.len())
    }

    /// Writes `data`; returns the number of bytes written.
    pub fn write(&mut self, data: &[u8]) -> usize {
        let Some(wr) = self.fs.t().wr else { return 0 };
        // SAFETY: the handle is open; data is readable for its length.
        unsafe { wr(self.fd, data.as_ptr().cast(), data.len()) }.min(data.len())
    }

    /// Moves the read position; true when it is now at `offset`.
    pub fn seek(&mut self, offset: u64) -> bool {
        let Some(sk) = self.fs.t().sk else { return false };
        let Ok(ofs) = usize::try_from(offset) else { return false };
        // SAFETY: the handle is open.
        unsafe { sk(self.fd, ofs) == ofs }
    }

    /// The OS descriptor when the file was opened through the POSIX table
    /// (so that sendfile(2) can read it directly).
    pub fn raw_fd(&self) -> Option<RawFd> {
        self.fs.is_posix().then(|| {
            // SAFETY: is_posix() says crate::fs_posix::op made this handle.
            unsafe { crate::fs_posix::handle(self.fd) }.as_raw_fd()
        })
    }

    /// The filesystem the file belongs to.
    pub fn fs(&self) -> Fs {
        self.fs
    }

    /// Gives up ownership: returns the raw handle, which the caller must
    /// close with the table's `cl`.
    pub fn into_raw(self) -> *mut c_void {
        let fd = self.fd;
        std::mem::forget(self);
        fd
    }

    /// Takes ownership of a handle from `fs`'s `op`.
    ///
    /// # Safety
    /// `fd` must be an open, non-NULL handle of `fs` not owned elsewhere.
    pub unsafe fn from_raw(fs: Fs, fd: *mut c_void) -> FsFile {
        FsFile { fs, fd }
    }
}

impl Drop for FsFile {
    fn drop(&mut self) {
        if let Some(cl) = self.fs.t().cl {
            // SAFETY: the handle is open and closed exactly once, here.
            unsafe { cl(self.fd) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_roundtrip() {
        let dir = std::env::temp_dir().join(format!("mgfs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let fs = Fs::posix();
        let d = dir.to_str().unwrap().as_bytes().to_vec();
        assert!(fs.mkdir(&d));
        assert!(fs.stat(&d).unwrap().is_dir());
        let mut p = d.clone();
        p.extend_from_slice(b"/a.txt");
        assert!(fs.write_atomic(&p, b"hello"));
        assert!(fs.write_atomic(&p, b"world!"));
        assert_eq!(fs.read_all(&p).unwrap(), b"world!");
        let st = fs.stat(&p).unwrap();
        assert_eq!((st.size, st.is_dir()), (6, false));
        let mut f = fs.open(&p, MG_FS_READ).unwrap();
        assert!(f.raw_fd().is_some());
        assert!(f.seek(2));
        let mut b = [0u8; 10];
        let n = f.read(&mut b);
        assert_eq!(&b[..n], b"rld!");
        drop(f);
        assert!(fs.open(&p, MG_FS_WRITE | MG_FS_EXCL).is_none());
        let mut names = Vec::new();
        fs.list(&d, |n| names.push(n.to_vec()));
        assert_eq!(names, vec![b"a.txt".to_vec()]);
        assert!(fs.stat(b"a\0b").is_none());
        assert!(fs.remove(&p));
        assert!(fs.stat(&p).is_none());
        assert!(fs.remove(&d));
    }
}
