//! The slice of Mongoose's C API the fuzz targets call, declared from the
//! public header (so the targets do not depend on the crate's module paths).
//! `mongoose` is linked in through `use mongoose as _;` in each target.
#![allow(dead_code, non_camel_case_types)]
use std::os::raw::{c_char, c_int, c_long, c_void};

/// `struct mg_str`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_str {
    pub buf: *const c_char,
    pub len: usize,
}

impl mg_str {
    pub fn of(b: &[u8]) -> Self {
        mg_str { buf: b.as_ptr().cast(), len: b.len() }
    }
    pub fn empty() -> Self {
        mg_str { buf: std::ptr::null(), len: 0 }
    }
    /// The viewed bytes; they must lie inside `within` (checked).
    pub fn bytes_in<'a>(&self, within: &'a [u8]) -> &'a [u8] {
        if self.len == 0 {
            return &[];
        }
        let start = self.buf as usize;
        let base = within.as_ptr() as usize;
        assert!(start >= base && start + self.len <= base + within.len(), "view outside input");
        &within[start - base..start - base + self.len]
    }
}

/// `struct mg_http_header`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mg_http_header {
    pub name: mg_str,
    pub value: mg_str,
}

/// `struct mg_http_message` (MG_MAX_HTTP_HEADERS is 30).
#[repr(C)]
pub struct mg_http_message {
    pub method: mg_str,
    pub uri: mg_str,
    pub query: mg_str,
    pub proto: mg_str,
    pub headers: [mg_http_header; 30],
    pub body: mg_str,
    pub head: mg_str,
    pub message: mg_str,
}

impl mg_http_message {
    pub fn zeroed() -> Self {
        // SAFETY: all fields are pointers and sizes; all-zero is valid.
        unsafe { std::mem::zeroed() }
    }
}

/// `struct mg_http_part`.
#[repr(C)]
pub struct mg_http_part {
    pub name: mg_str,
    pub filename: mg_str,
    pub body: mg_str,
}

/// `struct mg_addr`.
#[repr(C)]
pub struct mg_addr {
    pub addr: [u8; 16],
    pub port: u16,
    pub scope_id: u8,
    pub is_ip6: bool,
}

/// `struct mg_ws_message`.
#[repr(C)]
pub struct mg_ws_message {
    pub data: mg_str,
    pub flags: u8,
}

pub type mg_event_handler_t = unsafe extern "C" fn(c: *mut c_void, ev: c_int, ev_data: *mut c_void);

pub const MG_EV_CLOSE: c_int = 9;
pub const MG_EV_HTTP_MSG: c_int = 11;
pub const MG_EV_WS_MSG: c_int = 13;

extern "C" {
    pub static mut mg_log_level: c_int;
    pub fn mg_mgr_init(mgr: *mut c_void);
    pub fn mg_mgr_poll(mgr: *mut c_void, ms: c_int);
    pub fn mg_mgr_free(mgr: *mut c_void);
    pub fn mg_http_listen(
        mgr: *mut c_void,
        url: *const c_char,
        f: mg_event_handler_t,
        fn_data: *mut c_void,
    ) -> *mut c_void;
    pub fn mg_http_connect(
        mgr: *mut c_void,
        url: *const c_char,
        f: mg_event_handler_t,
        fn_data: *mut c_void,
    ) -> *mut c_void;
    pub fn mg_http_reply(
        c: *mut c_void,
        status: c_int,
        headers: *const c_char,
        fmt: *const c_char,
        ...
    );
    pub fn mg_ws_upgrade(c: *mut c_void, hm: *mut mg_http_message, fmt: *const c_char, ...);
    pub fn mg_ws_send(c: *mut c_void, buf: *const c_void, len: usize, op: c_int) -> usize;
    pub fn mg_printf(c: *mut c_void, fmt: *const c_char, ...) -> usize;
    pub fn mg_http_parse(s: *const c_char, len: usize, hm: *mut mg_http_message) -> c_int;
    pub fn mg_http_get_request_len(buf: *const u8, len: usize) -> c_int;
    pub fn mg_http_status(hm: *const mg_http_message) -> c_int;
    pub fn mg_http_get_header(hm: *mut mg_http_message, name: *const c_char) -> *mut mg_str;
    pub fn mg_http_get_header_var(s: mg_str, v: mg_str) -> mg_str;
    pub fn mg_http_var(buf: mg_str, name: mg_str) -> mg_str;
    pub fn mg_http_get_var(
        buf: *const mg_str,
        name: *const c_char,
        dst: *mut c_char,
        len: usize,
    ) -> c_int;
    pub fn mg_http_next_multipart(body: mg_str, ofs: usize, part: *mut mg_http_part) -> usize;
    pub fn mg_url_decode(
        s: *const c_char,
        n: usize,
        to: *mut c_char,
        to_len: usize,
        form: c_int,
    ) -> c_int;
    pub fn mg_url_encode(s: *const c_char, n: usize, buf: *mut c_char, len: usize) -> usize;
    pub fn mg_url_port(url: *const c_char) -> u16;
    pub fn mg_url_is_ssl(url: *const c_char) -> bool;
    pub fn mg_url_host(url: *const c_char) -> mg_str;
    pub fn mg_url_user(url: *const c_char) -> mg_str;
    pub fn mg_url_pass(url: *const c_char) -> mg_str;
    pub fn mg_url_uri(url: *const c_char) -> *const c_char;
    pub fn mg_aton(s: mg_str, addr: *mut mg_addr) -> bool;
    pub fn mg_path_is_sane(path: mg_str) -> bool;
    pub fn mg_match(s: mg_str, pattern: mg_str, caps: *mut mg_str) -> bool;
    pub fn mg_json_get(json: mg_str, path: *const c_char, toklen: *mut c_int) -> c_int;
    pub fn mg_json_get_tok(json: mg_str, path: *const c_char) -> mg_str;
    pub fn mg_json_get_num(json: mg_str, path: *const c_char, v: *mut f64) -> bool;
    pub fn mg_json_get_bool(json: mg_str, path: *const c_char, v: *mut bool) -> bool;
    pub fn mg_json_get_long(json: mg_str, path: *const c_char, dflt: c_long) -> c_long;
    pub fn mg_json_get_str(json: mg_str, path: *const c_char) -> *mut c_char;
    pub fn mg_json_get_hex(json: mg_str, path: *const c_char, len: *mut c_int) -> *mut c_char;
    pub fn mg_json_get_b64(json: mg_str, path: *const c_char, len: *mut c_int) -> *mut c_char;
    pub fn mg_json_unescape(
        json: mg_str,
        path: *const c_char,
        buf: *mut c_char,
        len: usize,
    ) -> usize;
    pub fn mg_json_next(obj: mg_str, ofs: usize, key: *mut mg_str, val: *mut mg_str) -> usize;
    pub fn mg_base64_encode(p: *const u8, n: usize, buf: *mut c_char, len: usize) -> usize;
    pub fn mg_base64_decode(src: *const c_char, n: usize, dst: *mut c_char, len: usize) -> usize;
    pub fn mg_base64url_encode(p: *const u8, n: usize, buf: *mut c_char, len: usize) -> usize;
    pub fn mg_base64url_decode(src: *const c_char, n: usize, dst: *mut c_char, len: usize)
        -> usize;
    pub fn mg_base64_update(b: u8, buf: *mut c_char, len: usize) -> usize;
    pub fn mg_base64_final(buf: *mut c_char, len: usize) -> usize;
    pub fn mg_snprintf(buf: *mut c_char, len: usize, fmt: *const c_char, ...) -> usize;
}

/// Splits fuzz input at the first NUL: (before, after). Without one, all of
/// it is the first part.
pub fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// A NUL-terminated copy (the input cut at its first NUL).
pub fn cstring(b: &[u8]) -> std::ffi::CString {
    std::ffi::CString::new(split_nul(b).0).unwrap()
}

/// Turns off the library's log output (fuzzed input makes it log errors).
pub fn quiet() {
    // SAFETY: the fuzz targets are single-threaded; plain int store.
    unsafe { mg_log_level = 0 };
}
