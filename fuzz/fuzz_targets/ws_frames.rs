//! WebSocket frames: a real server connection upgrades, then gets arbitrary
//! bytes as frames (the handler echoes every message).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
#[path = "../common/server.rs"]
mod server;

const UPGRADE: &[u8] = b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

fuzz_target!(|data: &[u8]| {
    server::drive(UPGRADE, data);
});
