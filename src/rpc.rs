//! JSON-RPC 2.0 as Mongoose does it: a list of method handlers (glob
//! patterns matched with the rules of `mg_match`), a dispatcher for request
//! frames, and the response frames `{"id":ID,"result":...}` and
//! `{"id":ID,"error":{"code":N,"message":...}}`.
//!
//! The structs are the C API's; the list and its nodes are C memory that the
//! entry points in `ffi::rpc` manage. This module holds what can be decided on
//! plain bytes: what a frame is, and how responses start and end.

use crate::json;
use crate::log::mg_pfn_t;
use crate::str::mg_str;
use std::os::raw::{c_int, c_void};

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
