//! Entry points for DNS messages, the resolver, mDNS and multicast.
use super::{bytes, cstr, guard, null_arg};
use crate::addr::mg_addr;
use crate::conn::{mg_connection, mg_event_handler_t};
use crate::dns::mdns;
use crate::dns::msg::{self, mg_dns_message, mg_dns_rr};
use crate::dns::resolver;
use crate::mgr::{self, mg_mgr};
use std::os::raw::{c_char, c_uint, c_void};
use std::ptr;

/// Parses the DNS message of `len` bytes at `buf` into `dm`: the
/// transaction id, the question's name and, for a response, the first A or
/// AAAA answer (`dm->resolved`, `dm->addr`). False for a malformed message,
/// more than one question, or more than 512 bytes.
#[no_mangle]
pub unsafe extern "C" fn mg_dns_parse(buf: *const u8, len: usize, dm: *mut mg_dns_message) -> bool {
    guard!("mg_dns_parse", false, || {
        if dm.is_null() {
            null_arg("mg_dns_parse", "dm");
            return false;
        }
        // SAFETY: `len` readable bytes at buf, dm writable, per the contract.
        unsafe {
            std::ptr::write_bytes(dm, 0, 1);
            let Some(buf) = bytes("mg_dns_parse", "buf", buf, len) else { return false };
            msg::parse(buf, &mut *dm)
        }
    })
}

/// Parses the record (a question when `is_question`) at offset `ofs` of
/// the `len`-byte message at `buf` into `rr`. Returns the bytes it takes,
/// or 0 when it does not fit, the message is shorter than a header or
/// longer than 512 bytes.
#[no_mangle]
pub unsafe extern "C" fn mg_dns_parse_rr(
    buf: *const u8,
    len: usize,
    ofs: usize,
    is_question: bool,
    rr: *mut mg_dns_rr,
) -> usize {
    guard!("mg_dns_parse_rr", 0, || {
        if rr.is_null() {
            null_arg("mg_dns_parse_rr", "rr");
            return 0;
        }
        // SAFETY: `len` readable bytes at buf, rr writable, per the contract.
        unsafe {
            *rr = mg_dns_rr::default();
            let Some(buf) = bytes("mg_dns_parse_rr", "buf", buf, len) else { return 0 };
            msg::parse_rr(buf, ofs, is_question, &mut *rr)
        }
    })
}

/// Resolves the host of `url` for `c` without blocking (/etc/hosts, then
/// mDNS for `.local` names, then DNS), then connects `c` to it (port from
/// the URL): MG_EV_RESOLVE and the connect follow, or MG_EV_ERROR
/// ("DNS timeout", "NAME DNS lookup failed"). mg_connect() calls it.
#[no_mangle]
pub unsafe extern "C" fn mg_resolve(c: *mut mg_connection, url: *const c_char) {
    guard!("mg_resolve", (), || {
        if c.is_null() {
            return null_arg("mg_resolve", "c");
        }
        // SAFETY: c is a live connection; url a C string.
        unsafe {
            if mgr::state((*c).mgr).is_none() {
                return crate::log_error!("mg_resolve", "c->mgr is not initialised");
            }
            let Some(url) = cstr("mg_resolve", "url", url) else { return };
            resolver::resolve(c, &String::from_utf8_lossy(url));
        }
    })
}

/// Stops resolving for `c` (its lookup is forgotten; nothing is sent to it).
#[no_mangle]
pub unsafe extern "C" fn mg_resolve_cancel(c: *mut mg_connection) {
    guard!("mg_resolve_cancel", (), || {
        if c.is_null() {
            return null_arg("mg_resolve_cancel", "c");
        }
        // SAFETY: c is a live connection.
        unsafe {
            if mgr::state((*c).mgr).is_some() {
                resolver::cancel(c);
            }
        }
    })
}

/// Creates the mDNS listener (UDP 224.0.0.251:5353, joined to the group)
/// and makes it `mgr->mdns`, the resolver of `.local` names. Questions for
/// our name `fn_data` (a NUL-terminated name without dots, or NULL to pass
/// every question to `fn`) arrive as MG_EV_MDNS_REQ, answers heard as
/// MG_EV_MDNS_RESP. NULL on error (logged).
#[no_mangle]
pub unsafe extern "C" fn mg_mdns_listen(
    mgr: *mut mg_mgr,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    guard!("mg_mdns_listen", ptr::null_mut(), || {
        // SAFETY: mgr checked to be initialised.
        unsafe {
            if mgr::state(mgr).is_none() {
                crate::log_error!("mg_mdns_listen", "mgr is NULL or not initialised");
                return ptr::null_mut();
            }
            mdns::listen(mgr, r#fn, fn_data)
        }
    })
}

/// Sends an mDNS question for `name` (e.g. "box.local") of type `rtype`
/// (MG_DNS_RTYPE_A, ...) to the group on the listener `c`. False on error.
#[no_mangle]
pub unsafe extern "C" fn mg_mdns_query(
    c: *mut mg_connection,
    name: *const c_char,
    rtype: c_uint,
) -> bool {
    guard!("mg_mdns_query", false, || {
        if c.is_null() {
            null_arg("mg_mdns_query", "c");
            return false;
        }
        // SAFETY: c is a live connection; name a C string.
        unsafe {
            let Some(name) = cstr("mg_mdns_query", "name", name) else { return false };
            mdns::query(c, name, rtype as u16)
        }
    })
}

/// Sets `c->rem` back to the address at `from` (a `struct mg_addr`, e.g. a
/// multicast group saved in MG_EV_RESOLVE), after datagrams from other
/// peers changed it.
#[no_mangle]
pub unsafe extern "C" fn mg_multicast_restore(c: *mut mg_connection, from: *mut u8) {
    guard!("mg_multicast_restore", (), || {
        if c.is_null() || from.is_null() {
            return null_arg("mg_multicast_restore", if c.is_null() { "c" } else { "from" });
        }
        // SAFETY: from points to a struct mg_addr per the API.
        unsafe { (*c).rem = ptr::read_unaligned(from as *const mg_addr) };
    })
}
