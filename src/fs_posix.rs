//! The POSIX filesystem table `mg_fs_posix`, as Mongoose's `fs_posix.c`:
//! the files of the machine through open/read/write. A handle is a boxed
//! `std::fs::File`. The `mg_fs` layer itself is in `fs.rs`.
use crate::fs::{mg_fs, stat_of, LsFn, MG_FS_EXCL, MG_FS_WRITE};
use std::ffi::{CStr, CString};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::raw::{c_char, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::ptr;
/// The POSIX filesystem: the files of the machine, through open/read/write.
/// `op()` with MG_FS_WRITE opens for appending and creates the file.
#[no_mangle]
pub static mut mg_fs_posix: mg_fs = mg_fs {
    st: Some(st),
    ls: Some(ls),
    op: Some(op),
    cl: Some(cl),
    rd: Some(rd),
    wr: Some(wr),
    sk: Some(sk),
    mv: Some(mv),
    rm: Some(rm),
    mkd: Some(mkd),
};

fn path<'a>(p: *const c_char) -> Option<&'a Path> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the table's callers pass C strings.
    let b = unsafe { CStr::from_ptr(p) }.to_bytes();
    Some(Path::new(std::ffi::OsStr::from_bytes(b)))
}

/// # Safety
/// `fd` must come from [`op`] and still be open.
pub(crate) unsafe fn handle<'a>(fd: *mut c_void) -> &'a mut File {
    // SAFETY: per the contract, fd is a live Box<File> from op().
    unsafe { &mut *fd.cast::<File>() }
}

pub(crate) unsafe extern "C" fn st(
    p: *const c_char,
    size: *mut usize,
    mtime: *mut libc::time_t,
) -> c_int {
    crate::panic::guard("mg_fs_posix.st", 0, || {
        let Some(m) = path(p).and_then(|p| std::fs::metadata(p).ok()) else { return 0 };
        let st = stat_of(&m);
        // SAFETY: non-NULL out-parameters are the caller's.
        unsafe {
            if !size.is_null() {
                *size = st.size as usize;
            }
            if !mtime.is_null() {
                *mtime = st.mtime;
            }
        }
        st.flags
    })
}

pub(crate) unsafe extern "C" fn ls(p: *const c_char, f: LsFn, userdata: *mut c_void) {
    crate::panic::guard("mg_fs_posix.ls", (), || {
        let (Some(dir), Some(f)) = (path(p), f) else { return };
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let Ok(name) = CString::new(e.file_name().as_bytes()) else { continue };
            // SAFETY: a C string that lives across the call.
            unsafe { f(name.as_ptr(), userdata) };
        }
    })
}

pub(crate) unsafe extern "C" fn op(p: *const c_char, flags: c_int) -> *mut c_void {
    crate::panic::guard("mg_fs_posix.op", ptr::null_mut(), || {
        let Some(p) = path(p) else { return ptr::null_mut() };
        let mut o = OpenOptions::new();
        if flags & MG_FS_WRITE != 0 {
            o.read(true).append(true);
            if flags & MG_FS_EXCL != 0 {
                o.create_new(true);
            } else {
                o.create(true);
            }
        } else {
            // Do not block on a FIFO a request happens to name.
            o.read(true).custom_flags(libc::O_NONBLOCK);
        }
        match o.open(p) {
            Ok(f) => Box::into_raw(Box::new(f)).cast(),
            Err(_) => ptr::null_mut(),
        }
    })
}

pub(crate) unsafe extern "C" fn cl(fd: *mut c_void) {
    crate::panic::guard("mg_fs_posix.cl", (), || {
        if !fd.is_null() {
            // SAFETY: fd is a Box<File> from op(), closed once.
            drop(unsafe { Box::from_raw(fd.cast::<File>()) });
        }
    })
}

pub(crate) unsafe extern "C" fn rd(fd: *mut c_void, buf: *mut c_void, len: usize) -> usize {
    crate::panic::guard("mg_fs_posix.rd", 0, || {
        if fd.is_null() || buf.is_null() {
            return 0;
        }
        // SAFETY: fd from op(); buf holds len writable bytes.
        let (f, out) =
            unsafe { (handle(fd), std::slice::from_raw_parts_mut(buf.cast::<u8>(), len)) };
        // Like fread(): as much as is there, up to len.
        let mut n = 0;
        while n < len {
            match f.read(&mut out[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        n
    })
}

pub(crate) unsafe extern "C" fn wr(fd: *mut c_void, buf: *const c_void, len: usize) -> usize {
    crate::panic::guard("mg_fs_posix.wr", 0, || {
        if fd.is_null() || buf.is_null() {
            return 0;
        }
        // SAFETY: fd from op(); buf holds len readable bytes.
        let (f, data) = unsafe { (handle(fd), std::slice::from_raw_parts(buf.cast::<u8>(), len)) };
        let mut n = 0;
        while n < len {
            match f.write(&data[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        n
    })
}

pub(crate) unsafe extern "C" fn sk(fd: *mut c_void, offset: usize) -> usize {
    crate::panic::guard("mg_fs_posix.sk", 0, || {
        if fd.is_null() {
            return 0;
        }
        // SAFETY: fd from op().
        let f = unsafe { handle(fd) };
        let _ = f.seek(SeekFrom::Start(offset as u64));
        f.stream_position().map_or(0, |p| p as usize)
    })
}

pub(crate) unsafe extern "C" fn mv(from: *const c_char, to: *const c_char) -> bool {
    crate::panic::guard("mg_fs_posix.mv", false, || match (path(from), path(to)) {
        (Some(a), Some(b)) => std::fs::rename(a, b).is_ok(),
        _ => false,
    })
}

pub(crate) unsafe extern "C" fn rm(p: *const c_char) -> bool {
    crate::panic::guard("mg_fs_posix.rm", false, || {
        path(p).is_some_and(|p| std::fs::remove_file(p).is_ok() || std::fs::remove_dir(p).is_ok())
    })
}

pub(crate) unsafe extern "C" fn mkd(p: *const c_char) -> bool {
    crate::panic::guard("mg_fs_posix.mkd", false, || {
        path(p).is_some_and(|p| {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new().mode(0o775).create(p).is_ok()
        })
    })
}
