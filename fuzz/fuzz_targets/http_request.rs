//! mg_http_parse() and the header helpers on arbitrary bytes: no crash, and
//! every view it returns lies inside the input.
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
    http_check::check(data);
});
