//! mg_http_next_multipart() over an arbitrary body: no crash, views inside the
//! body, offsets that move forward.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
use api::*;

fuzz_target!(|data: &[u8]| {
    quiet();
    let body = mg_str::of(data);
    let mut ofs = 0;
    for _ in 0..=data.len() {
        let mut part = mg_http_part {
            name: mg_str::empty(),
            filename: mg_str::empty(),
            body: mg_str::empty(),
        };
        // SAFETY: body views data; part is writable.
        let next = unsafe { mg_http_next_multipart(body, ofs, &mut part) };
        if next == 0 {
            break;
        }
        assert!(next > ofs && next <= data.len(), "offset {ofs} -> {next}");
        part.name.bytes_in(data);
        part.filename.bytes_in(data);
        part.body.bytes_in(data);
        ofs = next;
    }
});
