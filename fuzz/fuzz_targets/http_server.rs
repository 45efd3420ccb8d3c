//! A real server connection fed arbitrary bytes: requests, pipelining, bodies,
//! upgrades, all through the socket and the event loop.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
#[path = "../common/server.rs"]
mod server;

fuzz_target!(|data: &[u8]| {
    server::drive(b"", data);
});
