//! mg_http_parse() on responses: arbitrary bytes after "HTTP/1.1 ".
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
use api::*;
#[path = "../common/http_check.rs"]
mod http_check;

fuzz_target!(|data: &[u8]| {
    quiet();
    let mut input = b"HTTP/1.1 ".to_vec();
    input.extend_from_slice(data);
    http_check::check(&input);
});
