//! JSON-RPC entry points: the handler list (C memory: nodes from calloc(),
//! method patterns from mg_strdup()), dispatch, and the response writers.
//!
//! Handlers are C functions that may call back into this module (respond,
//! dispatch nested frames, even change the list), so no Rust reference to a
//! request or a node is held across a handler call: fields are read through
//! the raw pointers.
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::fmt::{format_c_vec, va_list};
use super::null_arg;
use super::str::{mg_strdup, str_arg};
use crate::ffi::guard;
use crate::rpc::{self, mg_rpc, mg_rpc_req, Frame};
use crate::str::mg_str;
use std::os::raw::{c_char, c_int, c_void};

/// The frame of request `r`, or None (logged) when it is unusable.
///
/// # Safety
/// `r` must be a valid request whose frame views readable memory.
unsafe fn frame<'a>(func: &str, r: *const mg_rpc_req) -> Option<&'a [u8]> {
    // SAFETY: per this function's contract.
    unsafe { str_arg(func, "r->frame", (*r).frame) }
}

/// Sends `parts` to the request's output function.
///
/// # Safety
/// `r` must be a valid request; its `pfn` is called with its `pfn_data`.
unsafe fn emit(func: &str, r: *const mg_rpc_req, parts: &[&[u8]]) {
    // SAFETY: per this function's contract.
    let (pfn, arg) = unsafe { ((*r).pfn, (*r).pfn_data) };
    let Some(f) = pfn else {
        null_arg(func, "r->pfn");
        return;
    };
    for &b in parts.iter().copied().flatten() {
        // SAFETY: the program's output function and its argument.
        unsafe { f(b as c_char, arg) };
    }
}

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

/// Sends a success response with `result` (raw JSON), unless the request
/// is a notification.
///
/// # Safety
/// `r` must be a valid request.
unsafe fn send_ok(func: &str, r: *const mg_rpc_req, result: &[u8]) {
    // SAFETY: per this function's contract.
    let Some(frame) = (unsafe { frame(func, r) }) else {
        return;
    };
    if let Some(head) = rpc::ok_head(frame) {
        // SAFETY: per this function's contract.
        unsafe { emit(func, r, &[&head, result, rpc::OK_TAIL]) };
    }
}

/// Sends an error response with `message` (raw JSON).
///
/// # Safety
/// `r` must be a valid request.
unsafe fn send_err(func: &str, r: *const mg_rpc_req, code: c_int, message: &[u8]) {
    // SAFETY: per this function's contract.
    let frame = unsafe { frame(func, r) }.unwrap_or_default();
    let head = rpc::err_head(frame, code);
    // SAFETY: per this function's contract.
    unsafe { emit(func, r, &[&head, message, rpc::ERR_TAIL]) };
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
    guard("mg_rpc_add", (), || {
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
        // SAFETY: plain C allocation, checked for NULL.
        let node = unsafe { libc::calloc(1, std::mem::size_of::<mg_rpc>()) } as *mut mg_rpc;
        if node.is_null() {
            return crate::log_error!(F, "out of memory");
        }
        // SAFETY: a valid view (checked above); an empty pattern stays {NULL, 0}.
        let method = unsafe { mg_strdup(method_pattern) };
        if method.buf.is_null() && method_pattern.len > 0 {
            // SAFETY: node came from calloc() above and is not linked yet.
            unsafe { libc::free(node as *mut c_void) };
            return crate::log_error!(F, "out of memory");
        }
        // SAFETY: node is fresh, zeroed and big enough; *head is the caller's
        // list head.
        unsafe {
            node.write(mg_rpc { next: *head, method, r#fn: handler, fn_data: handler_data });
            *head = node;
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
    guard("mg_rpc_del", (), || {
        if head.is_null() {
            return null_arg("mg_rpc_del", "head");
        }
        let target = handler.map(|f| f as usize);
        let mut link = head;
        // SAFETY: the list is made of nodes from mg_rpc_add(); `link` always
        // points at the head or at a live node's `next`.
        unsafe {
            while !(*link).is_null() {
                let node = *link;
                let this = (*node).r#fn.map(|f| f as usize);
                if target.is_none() || this == target {
                    *link = (*node).next;
                    libc::free((*node).method.buf as *mut c_void);
                    libc::free(node as *mut c_void);
                } else {
                    link = std::ptr::addr_of_mut!((*node).next);
                }
            }
        }
    })
}

/// Dispatches r->frame. A request goes to the first handler whose pattern
/// matches its "method" (r->rpc is set to it); with no match the response is
/// error -32601 "<method> not found". A response frame ("result" or "error",
/// no "method") goes to the "" handler, if any; without one nothing at all
/// is written (Mongoose answers -32601 " not found", which two peers can
/// bounce back and forth forever). Valid JSON that is neither gets -32600;
/// a frame that is not JSON (truncated ones too) gets -32700, with the frame
/// as the message. Errors echo the
/// frame's "id" when it has one.
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_process(r: *mut mg_rpc_req) {
    guard("mg_rpc_process", (), || {
        const F: &str = "mg_rpc_process";
        if r.is_null() {
            return null_arg(F, "r");
        }
        // SAFETY: a valid request from the caller.
        let Some(frame) = (unsafe { frame(F, r) }) else {
            return;
        };
        let (method, code) = match rpc::classify(frame) {
            Frame::Request(m) => (Some(m), rpc::METHOD_NOT_FOUND),
            Frame::Response => (None, 0),
            Frame::Invalid => {
                // SAFETY: a valid request.
                return unsafe { send_err(F, r, rpc::INVALID_REQUEST, b"\"Invalid Request\"") };
            }
            Frame::Unparsable => {
                // SAFETY: a valid request.
                return unsafe { send_err(F, r, rpc::PARSE_ERROR, &rpc::quoted(frame)) };
            }
        };
        // SAFETY: r is valid; head is NULL or the program's list head.
        let head = unsafe { (*r).head };
        let mut h = if head.is_null() { std::ptr::null_mut() } else { unsafe { *head } };
        while !h.is_null() {
            // SAFETY: a node of the list built by mg_rpc_add().
            let (pattern, next, f) = unsafe { ((*h).method, (*h).next, (*h).r#fn) };
            // SAFETY: the node's pattern is a copy the list owns.
            let pattern = unsafe { pattern.as_bytes() };
            let hit = match method {
                Some(m) => crate::str::glob_match(m, pattern),
                None => pattern.is_empty(),
            };
            if let (true, Some(f)) = (hit, f) {
                // SAFETY: r is valid; the handler is the program's, called with
                // no Rust reference into r or the list alive.
                unsafe {
                    (*r).rpc = h;
                    f(r);
                }
                return;
            }
            h = next;
        }
        if let Some(m) = method {
            // SAFETY: a valid request.
            unsafe { send_err(F, r, code, &rpc::not_found_message(m)) };
        }
    })
}

/// Sends a success response {"id":ID,"result":RESULT} through r->pfn, where
/// RESULT is fmt formatted with the arguments in ap (NULL fmt: null). Sends
/// nothing for a notification (a frame without "id").
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_vok(r: *mut mg_rpc_req, fmt: *const c_char, ap: *mut va_list) {
    guard("mg_rpc_vok", (), || {
        if r.is_null() {
            return null_arg("mg_rpc_vok", "r");
        }
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        let result = unsafe { body("mg_rpc_vok", fmt, ap) };
        // SAFETY: a valid request.
        unsafe { send_ok("mg_rpc_vok", r, &result) };
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
    guard("mg_rpc_verr", (), || {
        if r.is_null() {
            return null_arg("mg_rpc_verr", "r");
        }
        // SAFETY: fmt and ap come from the C caller, which vouches for them.
        let message = unsafe { body("mg_rpc_verr", fmt, ap) };
        // SAFETY: a valid request.
        unsafe { send_err("mg_rpc_verr", r, code, &message) };
    })
}

/// A ready-made handler: responds with the list of method patterns as a
/// JSON array of strings, newest first, e.g.
/// mg_rpc_add(&head, mg_str("rpc.list"), mg_rpc_list, NULL).
#[no_mangle]
pub unsafe extern "C" fn mg_rpc_list(r: *mut mg_rpc_req) {
    guard("mg_rpc_list", (), || {
        if r.is_null() {
            return null_arg("mg_rpc_list", "r");
        }
        let mut methods = Vec::new();
        // SAFETY: r is valid; head is NULL or the list from mg_rpc_add(),
        // whose patterns are copies the list owns.
        unsafe {
            let head = (*r).head;
            let mut h = if head.is_null() { std::ptr::null_mut() } else { *head };
            while !h.is_null() {
                methods.push((*h).method.as_bytes().to_vec());
                h = (*h).next;
            }
        }
        let list = rpc::method_list(methods.iter().map(Vec::as_slice));
        // SAFETY: a valid request.
        unsafe { send_ok("mg_rpc_list", r, &list) };
    })
}
