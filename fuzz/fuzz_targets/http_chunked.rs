//! Chunked request bodies: a real server connection gets a chunked POST head,
//! then arbitrary bytes as its framing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
#[path = "../common/server.rs"]
mod server;

const HEAD: &[u8] = b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

fuzz_target!(|data: &[u8]| {
    server::drive(HEAD, data);
});
