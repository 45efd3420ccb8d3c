//! WebSocket entry points. The variadic ones (`mg_ws_upgrade`,
//! `mg_ws_connect`, `mg_ws_printf`) live in the C shim and call the
//! `mgrs_ws_*` functions here with a `va_list *`.
use super::fmt::{format_c_scratch, format_c_vec, va_list};
use super::{bytes, conn_arg, entry, nonnull};
use crate::conn::{mg_connection, mg_event_handler_t};
use crate::http::mg_http_message;
use crate::mgr::mg_mgr;
use crate::ws;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// Renders an optional printf-style format: NULL means nothing.
///
/// # Safety
/// `fmt` must be NULL or a C string whose arguments are in `ap`.
unsafe fn optional_format(func: &str, fmt: *const c_char, ap: *mut va_list) -> Vec<u8> {
    if fmt.is_null() {
        return Vec::new();
    }
    // SAFETY: per the contract.
    unsafe { format_c_vec(func, fmt, ap) }.unwrap_or_default()
}

/// Called by the shim's mg_ws_upgrade().
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_ws_vupgrade(
    c: *mut mg_connection,
    hm: *mut mg_http_message,
    fmt: *const c_char,
    ap: *mut va_list,
) {
    entry!("mg_ws_upgrade", || {
        let c = &mut conn_arg!(c);
        nonnull!(hm);
        // SAFETY: live connection, the request of the current event; fmt and
        // ap from the C caller.
        unsafe {
            let extra = optional_format("mg_ws_upgrade", fmt, ap);
            ws::upgrade(c, hm, &extra);
        }
    })
}

/// Called by the shim's mg_ws_connect().
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn mgrs_ws_vconnect(
    mgr: *mut mg_mgr,
    url: *const c_char,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
    fmt: *const c_char,
    ap: *mut va_list,
) -> *mut mg_connection {
    entry!("mg_ws_connect", || {
        // SAFETY: arguments checked; fmt and ap from the C caller.
        unsafe {
            let Some(url) = super::net::mgr_and_url("mg_ws_connect", mgr, url) else {
                return ptr::null_mut();
            };
            let extra = optional_format("mg_ws_connect", fmt, ap);
            ws::connect(mgr, url, r#fn, fn_data, &extra)
        }
    })
}

/// Sends one WebSocket frame (FIN set) with opcode `op` (WEBSOCKET_OP_*) and
/// `len` bytes of `buf` as payload; client connections mask it. The frame is
/// appended to `c->send`. Returns the bytes appended (header + len), 0 when
/// out of memory.
#[no_mangle]
pub unsafe extern "C" fn mg_ws_send(
    c: *mut mg_connection,
    buf: *const c_void,
    len: usize,
    op: c_int,
) -> usize {
    entry!("mg_ws_send", || {
        let c = &mut conn_arg!(c);
        // SAFETY: live connection; buf holds len bytes.
        unsafe {
            let Some(data) = bytes("mg_ws_send", "buf", buf.cast(), len) else { return 0 };
            ws::send(c, data, op)
        }
    })
}

/// Formats a message and sends it as one frame with opcode `op`. Returns
/// the payload length, 0 when out of memory.
#[no_mangle]
pub unsafe extern "C" fn mg_ws_vprintf(
    c: *mut mg_connection,
    op: c_int,
    fmt: *const c_char,
    ap: *mut va_list,
) -> usize {
    entry!("mg_ws_printf", || {
        let c = &mut conn_arg!(c);
        // SAFETY: live connection; fmt and ap from the C caller.
        unsafe {
            let sent = format_c_scratch("mg_ws_printf", fmt, ap, |data| {
                if ws::send(c, data, op) == 0 {
                    0
                } else {
                    data.len()
                }
            });
            sent.unwrap_or(0)
        }
    })
}

/// Turns the last `len` bytes of `c->send` (written there by the program)
/// into one frame with opcode `op`: a header goes in before them, and a
/// client connection masks them. Returns the new `c->send.len`.
#[no_mangle]
pub unsafe extern "C" fn mg_ws_wrap(c: *mut mg_connection, len: usize, op: c_int) -> usize {
    entry!("mg_ws_wrap", || ws::wrap(&mut conn_arg!(c), len, op))
}
