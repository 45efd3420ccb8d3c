//! Firmware update (`mg_ota_*`) on a host: the image is written to a
//! temporary file next to the target and renamed into place by
//! `mg_ota_end()` once all the announced bytes arrived, so the target is
//! either the old file or the whole new one, never half of each.
//!
//! The target is `$MG_OTA_FILE`, or `firmware.bin` in the current directory
//! when that is not set; the temporary file is the target's name plus
//! `.tmp`. One update runs at a time per process.
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// The environment variable naming the file an update writes.
pub const ENV_VAR: &str = "MG_OTA_FILE";
/// The file written when `MG_OTA_FILE` is not set.
pub const DEFAULT_FILE: &str = "firmware.bin";

/// An update in progress.
struct Session {
    target: PathBuf,
    tmp: PathBuf,
    file: File,
    expected: usize,
    written: usize,
}

static SESSION: Mutex<Option<Session>> = Mutex::new(None);

fn session() -> std::sync::MutexGuard<'static, Option<Session>> {
    // A panic while holding the lock leaves nothing half-done that matters:
    // the next begin() starts over.
    SESSION.lock().unwrap_or_else(|e| e.into_inner())
}

/// The file an update writes: `$MG_OTA_FILE` or [`DEFAULT_FILE`].
pub fn target() -> PathBuf {
    std::env::var_os(ENV_VAR)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_FILE), PathBuf::from)
}

/// Starts an update of `size` bytes, dropping any unfinished one.
pub fn begin(size: usize) -> Result<(), String> {
    let mut s = session();
    if let Some(old) = s.take() {
        let _ = std::fs::remove_file(&old.tmp);
    }
    let target = target();
    let mut tmp = target.clone().into_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let file = File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    *s = Some(Session { target, tmp, file, expected: size, written: 0 });
    Ok(())
}

/// Appends a chunk. Refuses writes without a begin() and past the size
/// announced there (the update is then abandoned).
pub fn write(data: &[u8]) -> Result<(), String> {
    let mut s = session();
    let Some(cur) = s.as_mut() else {
        return Err("no update in progress".into());
    };
    let fits = cur.written.checked_add(data.len()).is_some_and(|n| n <= cur.expected);
    let res = if fits {
        cur.file.write_all(data).map_err(|e| format!("{}: {e}", cur.tmp.display()))
    } else {
        Err(format!("more than the {} bytes announced", cur.expected))
    };
    match res {
        Ok(()) => {
            cur.written += data.len();
            Ok(())
        }
        Err(e) => {
            if let Some(old) = s.take() {
                let _ = std::fs::remove_file(&old.tmp);
            }
            Err(e)
        }
    }
}

/// Finishes the update: when every announced byte arrived, the file is
/// synced and renamed over the target. Otherwise it is removed.
pub fn end() -> Result<PathBuf, String> {
    let Some(cur) = session().take() else {
        return Err("no update in progress".into());
    };
    let done = if cur.written != cur.expected {
        Err(format!("{} of {} bytes written", cur.written, cur.expected))
    } else {
        cur.file
            .sync_all()
            .and_then(|()| std::fs::rename(&cur.tmp, &cur.target))
            .map_err(|e| format!("{}: {e}", cur.target.display()))
    };
    match done {
        Ok(()) => Ok(cur.target),
        Err(e) => {
            let _ = std::fs::remove_file(&cur.tmp);
            Err(e)
        }
    }
}
