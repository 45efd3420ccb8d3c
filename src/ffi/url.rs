//! URL and IP address entry points. The mg_str results point into the
//! caller's URL string and live as long as it does.
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::str::{str_arg, sub};
use super::{cstr, entry, guard, mut_ref};
use crate::addr::mg_addr;
use crate::str::mg_str;
use crate::url::Url;
use std::os::raw::{c_char, c_ushort};

/// Parses a URL argument; None (logged) when NULL.
///
/// # Safety
/// `url` must be NULL or a NUL-terminated string valid for `'a`.
unsafe fn url_arg<'a>(func: &str, url: *const c_char) -> Option<(&'a [u8], Url<'a>)> {
    // SAFETY: per the contract.
    let bytes = unsafe { cstr(func, "url", url) }?;
    Some((bytes, crate::url::parse(bytes)))
}

/// The part of `url` that `part` (a subslice of `bytes`) covers, as an mg_str.
fn part(url: *const c_char, bytes: &[u8], part: &[u8]) -> mg_str {
    let start = part.as_ptr() as usize - bytes.as_ptr() as usize;
    sub(url, start..start + part.len())
}

/// The port of url: the one written in it, else the scheme's default
/// (http/ws 80, https/wss 443, mqtt 1883, mqtts 8883), else 0.
#[no_mangle]
pub unsafe extern "C" fn mg_url_port(url: *const c_char) -> c_ushort {
    entry!("mg_url_port", || {
        // SAFETY: NULL or a NUL-terminated string from the caller.
        unsafe { url_arg("mg_url_port", url) }.map_or(0, |(_, u)| u.port_or_default())
    })
}

/// True if url's scheme uses TLS: https, wss, mqtts, ssl, tls or tcps.
#[no_mangle]
pub unsafe extern "C" fn mg_url_is_ssl(url: *const c_char) -> bool {
    entry!("mg_url_is_ssl", || {
        // SAFETY: NULL or a NUL-terminated string from the caller.
        unsafe { url_arg("mg_url_is_ssl", url) }.is_some_and(|(_, u)| u.is_ssl)
    })
}

/// The host part of url, without port and without the brackets of an IPv6
/// address: "http://[::1]:80/" gives "::1". Points into url; not NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mg_url_host(url: *const c_char) -> mg_str {
    entry!("mg_url_host", || {
        // SAFETY: NULL or a NUL-terminated string from the caller.
        unsafe { url_arg("mg_url_host", url) }
            .map_or(mg_str::empty(), |(b, u)| part(url, b, u.host))
    })
}

/// The user name of a "scheme://user:pass@host" url; empty (len 0) when
/// there is none. Points into url; not NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mg_url_user(url: *const c_char) -> mg_str {
    entry!("mg_url_user", || {
        // SAFETY: NULL or a NUL-terminated string from the caller.
        unsafe { url_arg("mg_url_user", url) }
            .map_or(mg_str::empty(), |(b, u)| part(url, b, u.user))
    })
}

/// The password of a "scheme://user:pass@host" url; empty (len 0) when
/// there is none. Points into url; not NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mg_url_pass(url: *const c_char) -> mg_str {
    entry!("mg_url_pass", || {
        // SAFETY: NULL or a NUL-terminated string from the caller.
        unsafe { url_arg("mg_url_pass", url) }
            .map_or(mg_str::empty(), |(b, u)| part(url, b, u.pass))
    })
}

/// The path of url with everything after it ("/a?b=1"), as a pointer into
/// url; a static "/" when url has no path (or is NULL).
#[no_mangle]
pub unsafe extern "C" fn mg_url_uri(url: *const c_char) -> *const c_char {
    const ROOT: &[u8; 2] = b"/\0";
    let root = ROOT.as_ptr() as *const c_char;
    guard!("mg_url_uri", root, || {
        // SAFETY: NULL or a NUL-terminated string from the caller.
        match unsafe { url_arg("mg_url_uri", url) } {
            Some((b, u)) if !u.uri.is_empty() => part(url, b, u.uri).buf as *const c_char,
            _ => root,
        }
    })
}

/// Parses an IP address (no port) into *addr: "localhost", "" (0.0.0.0),
/// IPv4 "1.2.3.4", or IPv6 with optional brackets and "%scope" suffix,
/// including "::ffff:1.2.3.4". Sets addr->addr, is_ip6 and scope_id and
/// leaves addr->port alone. Returns false, leaving *addr unchanged, on error.
#[no_mangle]
pub unsafe extern "C" fn mg_aton(str: mg_str, addr: *mut mg_addr) -> bool {
    entry!("mg_aton", || {
        // SAFETY: NULL or a writable mg_addr from the caller.
        let Some(addr) = (unsafe { mut_ref("mg_aton", "addr", addr) }) else {
            return false;
        };
        // SAFETY: the caller passes a valid mg_str view.
        unsafe { str_arg("mg_aton", "str", str) }.is_some_and(|s| addr.parse_ip(s))
    })
}
