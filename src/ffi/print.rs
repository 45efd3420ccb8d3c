//! The `%M` printers: functions that mg_xprintf() and friends call for `%M`
//! and `%m`, each taking its own arguments from the caller's `va_list`.
//!
//! Usage from C: `mg_snprintf(buf, len, "%M", mg_print_ip, &c->rem)`.
// Pointer contracts are stated in each doc comment, which cbindgen copies into
// mongoose.h for C callers; a Rust-style "# Safety" heading would only clutter it.
#![allow(clippy::missing_safety_doc)]
use super::fmt::{va_list, VaArgs};
use super::{bytes, entry, null_arg};
use crate::addr::mg_addr;
use crate::fmt::{self, ArgSource};
use crate::log::mg_pfn_t;
use std::os::raw::{c_char, c_void};

/// A printer for `%M`/`%m`: writes with `fn(ch, arg)`, takes its arguments
/// from `ap`, and returns the number of characters written.
pub type mg_pm_t =
    Option<unsafe extern "C" fn(out: mg_pfn_t, arg: *mut c_void, ap: *mut va_list) -> usize>;

/// Starts reading a printer's arguments; None (logged) when `ap` is NULL.
///
/// # Safety
/// `ap` must be NULL or a `va_list` holding the printer's arguments.
unsafe fn args(func: &str, ap: *mut va_list) -> Option<VaArgs> {
    if ap.is_null() {
        null_arg(func, "ap");
        return None;
    }
    // SAFETY: per this function's contract.
    Some(unsafe { VaArgs::new(ap) })
}

/// Sends rendered output to the program's output function.
struct Out {
    func: unsafe extern "C" fn(c_char, *mut c_void),
    arg: *mut c_void,
}

impl Out {
    /// None (logged) when the output function is NULL.
    fn new(func_name: &str, f: mg_pfn_t, arg: *mut c_void) -> Option<Self> {
        match f {
            Some(func) => Some(Out { func, arg }),
            None => {
                null_arg(func_name, "fn");
                None
            }
        }
    }

    fn put(&mut self, b: u8) {
        // SAFETY: the output function and its argument come together from the
        // caller (usually the format engine's forwarding function).
        unsafe { (self.func)(b as c_char, self.arg) }
    }

    fn text(&mut self, s: &str) -> usize {
        s.bytes().for_each(|b| self.put(b));
        s.len()
    }
}

/// Reads the `int len, const T *ptr` pair that several printers take.
fn len_and_ptr(a: &mut VaArgs) -> (usize, *const u8) {
    let len = a.int();
    let ptr = a.ptr() as *const u8;
    (usize::try_from(len).unwrap_or(0), ptr)
}

/// Reads `N` bytes from a pointer argument; None (logged) when it is NULL.
///
/// # Safety
/// The pointer must be NULL or point to `N` readable bytes.
unsafe fn array<const N: usize>(func: &str, p: *const u8) -> Option<[u8; N]> {
    // SAFETY: per this function's contract.
    let b = unsafe { bytes(func, "argument", p, N) }?;
    b.try_into().ok()
}

/// Printer for a JSON-escaped string. Arguments: `int len, const char *str`;
/// `len` 0 means up to the NUL. Escapes `"` `\` and control characters;
/// stops at a NUL. Use as `"%m", MG_ESC(str)` to get a quoted JSON string.
#[no_mangle]
pub unsafe extern "C" fn mg_print_esc(r#fn: mg_pfn_t, arg: *mut c_void, ap: *mut va_list) -> usize {
    entry!("mg_print_esc", || {
        // SAFETY: ap holds this printer's arguments, per the %M contract.
        let Some(mut a) = (unsafe { args("mg_print_esc", ap) }) else {
            return 0;
        };
        let (len, p) = len_and_ptr(&mut a);
        let Some(mut out) = Out::new("mg_print_esc", r#fn, arg) else {
            return 0;
        };
        if p.is_null() {
            if len > 0 {
                null_arg("mg_print_esc", "str");
            }
            return 0;
        }
        let max = if len == 0 { usize::MAX } else { len };
        let mut n = 0;
        // SAFETY: `str` is NUL-terminated or has `len` readable bytes; the
        // scan stops at whichever comes first.
        while n < max && unsafe { *p.add(n) } != 0 {
            n += 1;
        }
        // SAFETY: the `n` bytes just scanned are readable.
        let s = unsafe { std::slice::from_raw_parts(p, n) };
        fmt::json_escape(s, &mut |b| out.put(b))
    })
}

/// Printer for base64. Arguments: `int len, const uint8_t *buf`.
#[no_mangle]
pub unsafe extern "C" fn mg_print_base64(
    r#fn: mg_pfn_t,
    arg: *mut c_void,
    ap: *mut va_list,
) -> usize {
    entry!("mg_print_base64", || {
        // SAFETY: ap holds this printer's arguments, per the %M contract.
        let Some(mut a) = (unsafe { args("mg_print_base64", ap) }) else {
            return 0;
        };
        let (len, p) = len_and_ptr(&mut a);
        let Some(mut out) = Out::new("mg_print_base64", r#fn, arg) else {
            return 0;
        };
        // SAFETY: `buf` has `len` readable bytes, per the printer's contract.
        let Some(data) = (unsafe { bytes("mg_print_base64", "buf", p, len) }) else {
            return 0;
        };
        crate::base64::encode_to(data, &mut |b| out.put(b))
    })
}

/// Printer for lowercase hex, two digits per byte. Arguments:
/// `int len, const uint8_t *buf`.
#[no_mangle]
pub unsafe extern "C" fn mg_print_hex(r#fn: mg_pfn_t, arg: *mut c_void, ap: *mut va_list) -> usize {
    entry!("mg_print_hex", || {
        // SAFETY: ap holds this printer's arguments, per the %M contract.
        let Some(mut a) = (unsafe { args("mg_print_hex", ap) }) else {
            return 0;
        };
        let (len, p) = len_and_ptr(&mut a);
        let Some(mut out) = Out::new("mg_print_hex", r#fn, arg) else {
            return 0;
        };
        // SAFETY: `buf` has `len` readable bytes, per the printer's contract.
        let Some(data) = (unsafe { bytes("mg_print_hex", "buf", p, len) }) else {
            return 0;
        };
        fmt::hex(data, &mut |b| out.put(b))
    })
}

/// Printer for an IPv4 address, e.g. `192.168.0.1`. Argument: a pointer to
/// the 4 address bytes in network order (`uint32_t *`).
#[no_mangle]
pub unsafe extern "C" fn mg_print_ip4(r#fn: mg_pfn_t, arg: *mut c_void, ap: *mut va_list) -> usize {
    entry!("mg_print_ip4", || {
        // SAFETY: ap holds this printer's arguments, per the %M contract.
        let Some(mut a) = (unsafe { args("mg_print_ip4", ap) }) else {
            return 0;
        };
        let p = a.ptr() as *const u8;
        let Some(mut out) = Out::new("mg_print_ip4", r#fn, arg) else {
            return 0;
        };
        // SAFETY: the argument points to 4 address bytes.
        let Some(ip) = (unsafe { array::<4>("mg_print_ip4", p) }) else {
            return 0;
        };
        out.text(&fmt::ip4_text(ip))
    })
}

/// Printer for an IPv6 address as Mongoose prints it: eight hex groups in
/// brackets, e.g. `[2001:db8:0:0:0:0:0:1]`. Argument: a pointer to the 16
/// address bytes.
#[no_mangle]
pub unsafe extern "C" fn mg_print_ip6(r#fn: mg_pfn_t, arg: *mut c_void, ap: *mut va_list) -> usize {
    entry!("mg_print_ip6", || {
        // SAFETY: ap holds this printer's arguments, per the %M contract.
        let Some(mut a) = (unsafe { args("mg_print_ip6", ap) }) else {
            return 0;
        };
        let p = a.ptr() as *const u8;
        let Some(mut out) = Out::new("mg_print_ip6", r#fn, arg) else {
            return 0;
        };
        // SAFETY: the argument points to 16 address bytes.
        let Some(ip) = (unsafe { array::<16>("mg_print_ip6", p) }) else {
            return 0;
        };
        out.text(&fmt::ip6_text(ip))
    })
}

/// The address of `struct mg_addr *` as text (IPv6 in brackets).
///
/// # Safety
/// `p` must be NULL or point to a valid `struct mg_addr`.
unsafe fn addr_text(func: &str, p: *const mg_addr) -> Option<(String, u16)> {
    if p.is_null() {
        null_arg(func, "addr");
        return None;
    }
    // SAFETY: non-NULL and valid per this function's contract.
    let a = unsafe { &*p };
    let ip = a.bytes();
    let text =
        if a.is_ip6 { fmt::ip6_text(ip) } else { fmt::ip4_text([ip[0], ip[1], ip[2], ip[3]]) };
    Some((text, u16::from_be(a.port)))
}

/// Printer for the address of a `struct mg_addr *`: `1.2.3.4` or, for IPv6,
/// `[2001:db8:0:0:0:0:0:1]`.
#[no_mangle]
pub unsafe extern "C" fn mg_print_ip(r#fn: mg_pfn_t, arg: *mut c_void, ap: *mut va_list) -> usize {
    entry!("mg_print_ip", || {
        // SAFETY: ap holds this printer's arguments, per the %M contract.
        let Some(mut a) = (unsafe { args("mg_print_ip", ap) }) else {
            return 0;
        };
        let p = a.ptr() as *const mg_addr;
        let Some(mut out) = Out::new("mg_print_ip", r#fn, arg) else {
            return 0;
        };
        // SAFETY: the argument is a `struct mg_addr *`.
        let Some((text, _)) = (unsafe { addr_text("mg_print_ip", p) }) else {
            return 0;
        };
        out.text(&text)
    })
}

/// Printer for the address and port of a `struct mg_addr *`: `1.2.3.4:80` or
/// `[2001:db8:0:0:0:0:0:1]:80`.
#[no_mangle]
pub unsafe extern "C" fn mg_print_ip_port(
    r#fn: mg_pfn_t,
    arg: *mut c_void,
    ap: *mut va_list,
) -> usize {
    entry!("mg_print_ip_port", || {
        // SAFETY: ap holds this printer's arguments, per the %M contract.
        let Some(mut a) = (unsafe { args("mg_print_ip_port", ap) }) else {
            return 0;
        };
        let p = a.ptr() as *const mg_addr;
        let Some(mut out) = Out::new("mg_print_ip_port", r#fn, arg) else {
            return 0;
        };
        // SAFETY: the argument is a `struct mg_addr *`.
        let Some((text, port)) = (unsafe { addr_text("mg_print_ip_port", p) }) else {
            return 0;
        };
        out.text(&format!("{text}:{port}"))
    })
}

/// Printer for a MAC address, e.g. `aa:bb:cc:dd:ee:ff`. Argument: a pointer
/// to 6 bytes.
#[no_mangle]
pub unsafe extern "C" fn mg_print_mac(r#fn: mg_pfn_t, arg: *mut c_void, ap: *mut va_list) -> usize {
    entry!("mg_print_mac", || {
        // SAFETY: ap holds this printer's arguments, per the %M contract.
        let Some(mut a) = (unsafe { args("mg_print_mac", ap) }) else {
            return 0;
        };
        let p = a.ptr() as *const u8;
        let Some(mut out) = Out::new("mg_print_mac", r#fn, arg) else {
            return 0;
        };
        // SAFETY: the argument points to 6 bytes.
        let Some(mac) = (unsafe { array::<6>("mg_print_mac", p) }) else {
            return 0;
        };
        out.text(&fmt::mac_text(mac))
    })
}
