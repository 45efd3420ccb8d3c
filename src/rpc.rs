//! JSON-RPC 2.0 as Mongoose does it: a list of method handlers (glob
//! patterns matched with the rules of `mg_match`), a dispatcher for request
//! frames, and the response frames `{"id":ID,"result":...}` and
//! `{"id":ID,"error":{"code":N,"message":...}}`.
//!
//! The structs are the C API's; the list and its nodes are C memory (nodes
//! from calloc(), patterns copied with malloc), kept here: adding, removing
//! and listing handlers, dispatching a frame, and writing responses through
//! the request's output function. `ffi::rpc` only checks the C arguments.
//!
//! Handlers are C functions that may call back into this module (respond,
//! dispatch nested frames, even change the list), so no Rust reference to a
//! request or a node is held across a handler call: fields are read through
//! the raw pointers.

use crate::json;
use crate::log::mg_pfn_t;
use crate::str::mg_str;
use std::os::raw::{c_char, c_int, c_void};

/// A request being dispatched, or handed to a handler.
#[repr(C)]
pub struct mg_rpc_req {
    /// The handler list, so that handlers can look at it (mg_rpc_list()).
    pub head: *mut *mut mg_rpc,
    /// The handler whose pattern matched; set by mg_rpc_process().
    pub rpc: *mut mg_rpc,
    /// Receives the response, one character at a time (e.g. mg_pfn_iobuf).
    pub pfn: mg_pfn_t,
    /// The argument for pfn.
    pub pfn_data: *mut c_void,
    /// For the program; the RPC functions do not touch it.
    pub req_data: *mut c_void,
    /// The frame, e.g. {"id":1,"method":"sum","params":[1,2]}.
    pub frame: mg_str,
}

/// One handler in the list built by mg_rpc_add().
#[repr(C)]
pub struct mg_rpc {
    /// The next handler.
    pub next: *mut mg_rpc,
    /// The method pattern (a copy owned by the list; "" handles responses).
    pub method: mg_str,
    /// The handler.
    pub r#fn: Option<unsafe extern "C" fn(r: *mut mg_rpc_req)>,
    /// For the handler, as r->rpc->fn_data.
    pub fn_data: *mut c_void,
}

// The JSON-RPC 2.0 error codes; C programs write the numbers, as Mongoose
// names none of them.
/// JSON-RPC 2.0: the frame is not JSON.
/// cbindgen:ignore
pub const PARSE_ERROR: c_int = -32700;
/// JSON-RPC 2.0: JSON, but neither a request (string `method`) nor a response.
/// cbindgen:ignore
pub const INVALID_REQUEST: c_int = -32600;
/// JSON-RPC 2.0: no handler for the method.
/// cbindgen:ignore
pub const METHOD_NOT_FOUND: c_int = -32601;
/// JSON-RPC 2.0: the handler refused the params (handlers send it).
/// cbindgen:ignore
pub const INVALID_PARAMS: c_int = -32602;

/// A handler's function, as the list stores it.
pub type RpcHandler = Option<unsafe extern "C" fn(r: *mut mg_rpc_req)>;

/// Adds a handler to the front of the list `*head` for frames whose method
/// matches `pattern` (copied). Fails only when out of memory.
///
/// # Safety
/// `head` must point to a list head: NULL or nodes made by this function.
pub unsafe fn add(
    head: *mut *mut mg_rpc,
    pattern: &[u8],
    handler: RpcHandler,
    fn_data: *mut c_void,
) -> Result<(), &'static str> {
    // SAFETY: plain C allocation, checked for NULL.
    let node = unsafe { libc::calloc(1, std::mem::size_of::<mg_rpc>()) } as *mut mg_rpc;
    if node.is_null() {
        return Err("out of memory");
    }
    let Some(method) = crate::str::dup(pattern) else {
        // SAFETY: node came from calloc() above and is not linked yet.
        unsafe { libc::free(node as *mut c_void) };
        return Err("out of memory");
    };
    // SAFETY: node is fresh, zeroed and big enough; *head is the list head
    // per the contract.
    unsafe {
        node.write(mg_rpc { next: *head, method, r#fn: handler, fn_data });
        *head = node;
    }
    Ok(())
}

/// Removes from the list `*head` every handler whose function is `handler`
/// (every handler when None), freeing them.
///
/// # Safety
/// As for [`add`].
pub unsafe fn del(head: *mut *mut mg_rpc, handler: RpcHandler) {
    let target = handler.map(|f| f as usize);
    let mut link = head;
    // SAFETY: the list is made of nodes from add(); `link` always points at
    // the head or at a live node's `next`.
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
}

/// The method patterns of the list `*head` (NULL: none), newest first.
///
/// # Safety
/// As for [`add`]; `head` may be NULL.
pub unsafe fn methods(head: *mut *mut mg_rpc) -> Vec<Vec<u8>> {
    let mut methods = Vec::new();
    // SAFETY: head is NULL or the list from add(), whose patterns are
    // copies the list owns.
    unsafe {
        let mut h = if head.is_null() { std::ptr::null_mut() } else { *head };
        while !h.is_null() {
            methods.push((*h).method.as_bytes().to_vec());
            h = (*h).next;
        }
    }
    methods
}

/// The frame of request `r`, or None (logged for `func`) when its view is
/// unusable.
///
/// # Safety
/// `r` must be a valid request.
unsafe fn frame<'a>(func: &str, r: *const mg_rpc_req) -> Option<&'a [u8]> {
    // SAFETY: per the contract.
    let f = unsafe { (*r).frame };
    if f.buf.is_null() && f.len > 0 {
        crate::log_error!(func, "r->frame.buf is NULL but r->frame.len is {}", f.len);
        return None;
    }
    // SAFETY: a valid view per the contract.
    Some(unsafe { f.as_bytes() })
}

/// Sends `parts` to the request's output function.
///
/// # Safety
/// `r` must be a valid request; its `pfn` is called with its `pfn_data`.
unsafe fn emit(func: &str, r: *const mg_rpc_req, parts: &[&[u8]]) {
    // SAFETY: per this function's contract.
    let (pfn, arg) = unsafe { ((*r).pfn, (*r).pfn_data) };
    let Some(f) = pfn else {
        crate::log_error!(func, "r->pfn is NULL");
        return;
    };
    for &b in parts.iter().copied().flatten() {
        // SAFETY: the program's output function and its argument.
        unsafe { f(b as c_char, arg) };
    }
}

/// Sends a success response with `result` (raw JSON), unless the request
/// is a notification. `func` names the C function, for error lines.
///
/// # Safety
/// `r` must be a valid request.
pub unsafe fn send_ok(func: &str, r: *const mg_rpc_req, result: &[u8]) {
    // SAFETY: per this function's contract.
    let Some(frame) = (unsafe { frame(func, r) }) else {
        return;
    };
    if let Some(head) = ok_head(frame) {
        // SAFETY: per this function's contract.
        unsafe { emit(func, r, &[&head, result, OK_TAIL]) };
    }
}

/// Sends an error response with `message` (raw JSON).
///
/// # Safety
/// `r` must be a valid request.
pub unsafe fn send_err(func: &str, r: *const mg_rpc_req, code: c_int, message: &[u8]) {
    // SAFETY: per this function's contract.
    let frame = unsafe { frame(func, r) }.unwrap_or_default();
    let head = err_head(frame, code);
    // SAFETY: per this function's contract.
    unsafe { emit(func, r, &[&head, message, ERR_TAIL]) };
}

/// Dispatches `r->frame` (see `mg_rpc_process`): a request to the first
/// handler whose pattern matches its method, a response to the "" handler,
/// errors for the rest.
///
/// # Safety
/// `r` must be a valid request whose `head` is NULL or a list from [`add`].
pub unsafe fn process(func: &str, r: *mut mg_rpc_req) {
    // SAFETY: a valid request.
    let Some(frame) = (unsafe { frame(func, r) }) else {
        return;
    };
    let (method, code) = match classify(frame) {
        Frame::Request(m) => (Some(m), METHOD_NOT_FOUND),
        Frame::Response => (None, 0),
        Frame::Invalid => {
            // SAFETY: a valid request.
            return unsafe { send_err(func, r, INVALID_REQUEST, b"\"Invalid Request\"") };
        }
        Frame::Unparsable => {
            // SAFETY: a valid request.
            return unsafe { send_err(func, r, PARSE_ERROR, &quoted(frame)) };
        }
    };
    // SAFETY: r is valid; head is NULL or the program's list head.
    let head = unsafe { (*r).head };
    // SAFETY: as above.
    let mut h = if head.is_null() { std::ptr::null_mut() } else { unsafe { *head } };
    while !h.is_null() {
        // SAFETY: a node of the list built by add().
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
        unsafe { send_err(func, r, code, &not_found_message(m)) };
    }
}

/// What a frame asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A request or notification for this method (the raw text between the
    /// quotes of `method`).
    Request(&'a [u8]),
    /// A response to a request we sent: it has `result` or `error`.
    Response,
    /// Valid JSON, but neither.
    Invalid,
    /// Not JSON at all.
    Unparsable,
}

/// Classifies a frame. The whole frame must be JSON: a truncated request
/// is a parse error even if its method came through.
pub fn classify(frame: &[u8]) -> Frame<'_> {
    if json::get(frame, b"$").is_err() {
        return Frame::Unparsable;
    }
    if let Some(tok) = json::get_tok(frame, b"$.method") {
        if tok.len() >= 2 && tok[0] == b'"' {
            return Frame::Request(&tok[1..tok.len() - 1]);
        }
    }
    if json::get(frame, b"$.result").is_ok() || json::get(frame, b"$.error").is_ok() {
        Frame::Response
    } else {
        Frame::Invalid
    }
}

/// The raw text of the frame's `id`, if it has one (a notification has none).
pub fn id(frame: &[u8]) -> Option<&[u8]> {
    json::get_tok(frame, b"$.id")
}

/// The start of a success response, up to where the result goes; None for a
/// notification, which gets no response.
pub fn ok_head(frame: &[u8]) -> Option<Vec<u8>> {
    let id = id(frame)?;
    Some([&b"{\"id\":"[..], id, b",\"result\":"].concat())
}

/// The end of a success response.
/// cbindgen:ignore
pub const OK_TAIL: &[u8] = b"}";

/// The start of an error response, up to where the message goes. The `id` is
/// echoed when the frame has one; errors are sent even without it.
pub fn err_head(frame: &[u8], code: c_int) -> Vec<u8> {
    let mut v = b"{".to_vec();
    if let Some(id) = id(frame) {
        v.extend_from_slice(b"\"id\":");
        v.extend_from_slice(id);
        v.push(b',');
    }
    v.extend_from_slice(format!("\"error\":{{\"code\":{code},\"message\":").as_bytes());
    v
}

/// The end of an error response.
/// cbindgen:ignore
pub const ERR_TAIL: &[u8] = b"}}";

/// `s` as a JSON string, quotes included.
pub fn quoted(s: &[u8]) -> Vec<u8> {
    let mut v = vec![b'"'];
    crate::fmt::json_escape(s, &mut |b| v.push(b));
    v.push(b'"');
    v
}

/// The message of the method-not-found error. The method is the frame's own
/// text between quotes, so it is already valid inside a JSON string.
pub fn not_found_message(method: &[u8]) -> Vec<u8> {
    [&b"\""[..], method, b" not found\""].concat()
}

/// The result of `rpc.list`-style handlers: the method patterns as a JSON
/// array, skipping the response handler ("").
pub fn method_list<'a>(methods: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut v = b"[".to_vec();
    for m in methods.filter(|m| !m.is_empty()) {
        if v.len() > 1 {
            v.push(b',');
        }
        v.extend_from_slice(&quoted(m));
    }
    v.push(b']');
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames() {
        assert_eq!(classify(br#"{"id":1,"method":"a.b"}"#), Frame::Request(b"a.b"));
        assert_eq!(classify(br#"{"method":"n"}"#), Frame::Request(b"n"));
        assert_eq!(classify(br#"{"id":1,"result":2}"#), Frame::Response);
        assert_eq!(classify(br#"{"id":1,"error":{}}"#), Frame::Response);
        assert_eq!(classify(br#"{"id":1,"method":5}"#), Frame::Invalid);
        assert_eq!(classify(b"[1]"), Frame::Invalid);
        assert_eq!(classify(b"haha"), Frame::Unparsable);
        assert_eq!(classify(b""), Frame::Unparsable);
        assert_eq!(classify(br#"{"id":1,"method":"m""#), Frame::Unparsable);
    }

    #[test]
    fn responses() {
        let f = br#"{"id": "x", "method":"m"}"#;
        assert_eq!(ok_head(f).unwrap(), br#"{"id":"x","result":"#);
        assert_eq!(ok_head(br#"{"method":"m"}"#), None);
        assert_eq!(err_head(f, -32601), br#"{"id":"x","error":{"code":-32601,"message":"#);
        assert_eq!(err_head(b"haha", -32700), br#"{"error":{"code":-32700,"message":"#);
        assert_eq!(quoted(b"a\"b"), br#""a\"b""#);
        assert_eq!(method_list([&b"a"[..], b"", b"b"].into_iter()), br#"["a","b"]"#);
        assert_eq!(method_list(std::iter::empty()), b"[]");
    }
}
