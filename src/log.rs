//! Logging: the level, the output function, and the line prefix.
use std::os::raw::{c_char, c_int, c_void};
use std::sync::Mutex;

/// No logging.
pub const MG_LL_NONE: c_int = 0;
/// Errors only.
pub const MG_LL_ERROR: c_int = 1;
/// Errors and information.
pub const MG_LL_INFO: c_int = 2;
/// Also debug messages.
pub const MG_LL_DEBUG: c_int = 3;
/// Everything.
pub const MG_LL_VERBOSE: c_int = 4;

/// Character output function: called with each output character and `arg`.
pub type mg_pfn_t = Option<unsafe extern "C" fn(ch: c_char, arg: *mut c_void)>;

/// Where log output goes: None means stdout.
#[derive(Clone, Copy)]
struct Sink {
    func: mg_pfn_t,
    arg: *mut c_void,
}
// SAFETY: the pointer is only handed back to the program's own function.
unsafe impl Send for Sink {}

static SINK: Mutex<Sink> = Mutex::new(Sink { func: None, arg: std::ptr::null_mut() });

/// Current log level, one of MG_LL_*; set it with mg_log_set(level).
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static mut mg_log_level: c_int = MG_LL_INFO;

/// Current level, as C sets it through `mg_log_level` or `mg_log_set()`.
pub fn level() -> c_int {
    // SAFETY: an aligned int read; C writes it only from the thread driving
    // the library, the same thread that logs.
    unsafe { std::ptr::addr_of!(mg_log_level).read_volatile() }
}

/// Sets the level, as `mg_log_set()` does.
pub fn set_level(level: c_int) {
    // SAFETY: an aligned int write on the thread driving the library, which
    // is the only one that writes it.
    unsafe { std::ptr::addr_of_mut!(mg_log_level).write_volatile(level) };
}

/// Sets where log output goes (`None` is stdout).
pub fn set_sink(func: mg_pfn_t, arg: *mut c_void) {
    *SINK.lock().unwrap_or_else(|e| e.into_inner()) = Sink { func, arg };
}

/// Writes raw bytes to the log output: the function set with
/// `mg_log_set_fn`, one call per byte, or else the C library's stdout (the
/// same stream the program's own printf() uses, so output stays in order).
pub fn write(bytes: &[u8]) {
    let sink = *SINK.lock().unwrap_or_else(|e| e.into_inner());
    match sink.func {
        Some(f) => {
            for &b in bytes {
                // SAFETY: the program registered this function for log output.
                unsafe { f(b as c_char, sink.arg) };
            }
        }
        None => {
            // SAFETY: putchar()/fflush() on the C library's own streams.
            unsafe {
                for &b in bytes {
                    libc::putchar(b as c_int);
                }
                libc::fflush(std::ptr::null_mut());
            }
        }
    }
}

/// Width of the log line prefix, including the space that ends it.
const PREFIX_WIDTH: usize = 40;

/// The start of a log line: time in hex milliseconds, level, and source place,
/// cut or padded with spaces to 40 characters (at least one space), as
/// Mongoose's prefix is.
pub fn prefix(level: c_int, file: &str, line: c_int, func: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let mut s = format!("{:<6x} {} {}:{}:{}", crate::util::millis(), level, base, line, func);
    let mut cut = s.len().min(PREFIX_WIDTH - 1);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    while s.len() < PREFIX_WIDTH {
        s.push(' ');
    }
    s
}

/// Writes a hex dump of `data` (offset, 16 hex bytes, ASCII per line) to the
/// log output.
pub fn hexdump(data: &[u8]) {
    write(crate::fmt::hexdump(data).as_bytes());
}

/// Logs one message from Rust code if `level` is enabled.
pub fn log(level: c_int, file: &str, line: u32, func: &str, msg: std::fmt::Arguments) {
    if level > self::level() {
        return;
    }
    let mut s = prefix(level, file, line as c_int, func);
    s.push_str(&msg.to_string());
    s.push_str("\r\n");
    write(s.as_bytes());
}

/// Logs at MG_LL_ERROR from Rust: `log_error!("func", "fmt", args...)`.
#[macro_export]
macro_rules! log_error {
    ($func:expr, $($arg:tt)*) => {
        $crate::log::log($crate::log::MG_LL_ERROR, file!(), line!(), $func, format_args!($($arg)*))
    };
}

/// Logs at MG_LL_INFO from Rust.
#[macro_export]
macro_rules! log_info {
    ($func:expr, $($arg:tt)*) => {
        $crate::log::log($crate::log::MG_LL_INFO, file!(), line!(), $func, format_args!($($arg)*))
    };
}

/// Logs at MG_LL_DEBUG from Rust.
#[macro_export]
macro_rules! log_debug {
    ($func:expr, $($arg:tt)*) => {
        $crate::log::log($crate::log::MG_LL_DEBUG, file!(), line!(), $func, format_args!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_padded_to_forty_characters() {
        let p = prefix(2, "/a/b/net.c", 12, "f");
        assert_eq!(p.len(), 40);
        assert!(p.contains(" 2 net.c:12:f "), "{p:?}");
        let long = prefix(1, "x.c", 1, &"g".repeat(80));
        assert_eq!(long.len(), 40);
        assert!(long.ends_with("g "));
    }
}
