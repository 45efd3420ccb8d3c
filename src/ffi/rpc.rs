//! JSON-RPC entry points: argument checks over `crate::rpc`, which keeps the
//! handler list, dispatches frames and writes responses.
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::entry;
use super::fmt::{format_c_vec, va_list};
use super::nonnull;
use super::null_arg;
use super::str::str_arg;
use crate::rpc::{self, mg_rpc, mg_rpc_req};
use crate::str::mg_str;
use std::os::raw::{c_char, c_int, c_void};

/// The user's formatted text for a result or message: "null" without a
/// format.
///
/// # Safety
/// `fmt` NULL or a C format string; `ap` NULL or its matching arguments.
unsafe fn body(func: &str, fmt: *const c_char, ap: *mut va_list) -> Vec<u8> {
    if fmt.is_null() {
        return b"null".to_vec();
    }
    // SAFETY: per this function's contract.
    unsafe { format_c_vec(func, fmt, ap) }.unwrap_or_else(|| b"null".to_vec())
}

/// Adds a handler to the front of the list *head: frames whose method
/// matches method_pattern (mg_match() rules: `?`, `*`, `#`) go to handler,
/// which finds handler_data in r->rpc->fn_data. The pattern is copied. A
/// handler for the pattern "" receives JSON-RPC responses (frames with
/// "result" or "error").
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_add(
    head: *mut *mut mg_rpc,
    method_pattern: mg_str,
    handler: Option<unsafe extern "C" fn(r: *mut mg_rpc_req)>,
    handler_data: *mut c_void,
) {
    entry!("mg_rpc_add", || {
        const F: &str = "mg_rpc_add";
        if head.is_null() {
            return null_arg(F, "head");
        }
        if handler.is_none() {
            return null_arg(F, "handler");
        }
        // SAFETY: the caller passes a valid view.
        if unsafe { str_arg(F, "method_pattern", method_pattern) }.is_none() {
            return;
        }
        // SAFETY: head is the program's list head; the pattern was checked.
        let added = unsafe { rpc::add(head, method_pattern.as_bytes(), handler, handler_data) };
        if let Err(e) = added {
            crate::log_error!(F, "{e}");
        }
    })
}

/// Removes from the list *head every handler whose function is handler
/// (every handler when handler is NULL), freeing them.
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_del(
    head: *mut *mut mg_rpc,
    handler: Option<unsafe extern "C" fn(r: *mut mg_rpc_req)>,
) {
    entry!("mg_rpc_del", || {
        nonnull!(head);
        // SAFETY: head is the program's list head.
        unsafe { rpc::del(head, handler) };
    })
}

/// Dispatches r->frame. A request goes to the first handler whose pattern
/// matches its "method" (r->rpc is set to it); with no match the response is
/// error -32601 "<method> not found". A response frame ("result" or "error")
/// goes to the "" handler, if any. Valid JSON that is neither gets -32600;
/// a frame that is not JSON (truncated ones too) gets -32700, with the frame
/// as the message. Errors echo the
/// frame's "id" when it has one.
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_process(r: *mut mg_rpc_req) {
    entry!("mg_rpc_process", || {
        const F: &str = "mg_rpc_process";
        nonnull!(r);
        // SAFETY: a valid request from the caller.
        unsafe { rpc::process(F, r) };
    })
}

/// Sends a success response {"id":ID,"result":RESULT} through r->pfn, where
/// RESULT is fmt formatted with the arguments in ap (NULL fmt: null). Sends
/// nothing for a notification (a frame without "id").
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_vok(r: *mut mg_rpc_req, fmt: *const c_char, ap: *mut va_list) {
    entry!("mg_rpc_vok", || {
        nonnull!(r);
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        let result = unsafe { body("mg_rpc_vok", fmt, ap) };
        // SAFETY: a valid request.
        unsafe { rpc::send_ok("mg_rpc_vok", r, &result) };
    })
}

/// Sends an error response {"id":ID,"error":{"code":code,"message":MSG}}
/// through r->pfn, where MSG is fmt formatted with the arguments in ap (NULL
/// fmt: null); it should be JSON, e.g. "%m", MG_ESC("bad params"). "id" is
/// left out when the frame has none; the error is sent regardless.
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_verr(
    r: *mut mg_rpc_req,
    code: c_int,
    fmt: *const c_char,
    ap: *mut va_list,
) {
    entry!("mg_rpc_verr", || {
        nonnull!(r);
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        let message = unsafe { body("mg_rpc_verr", fmt, ap) };
        // SAFETY: a valid request.
        unsafe { rpc::send_err("mg_rpc_verr", r, code, &message) };
    })
}

/// A ready-made handler: responds with the list of method patterns as a
/// JSON array of strings, newest first, e.g.
/// mg_rpc_add(&head, mg_str("rpc.list"), mg_rpc_list, NULL).
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_list(r: *mut mg_rpc_req) {
    entry!("mg_rpc_list", || {
        nonnull!(r);
        // SAFETY: r is valid; its head is NULL or the list from mg_rpc_add().
        let methods = unsafe { rpc::methods((*r).head) };
        let list = rpc::method_list(methods.iter().map(Vec::as_slice));
        // SAFETY: a valid request.
        unsafe { rpc::send_ok("mg_rpc_list", r, &list) };
    })
}
