//! The HTTP client's response handling: the library connects to a loopback
//! peer that answers with arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
#[path = "../common/server.rs"]
mod server;

fuzz_target!(|data: &[u8]| {
    server::drive_client(data);
});
