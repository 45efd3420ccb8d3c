//! The JSON getters on arbitrary documents and paths: input is "path\0json"
//! (without a NUL, the path is "$" and all of it is the document).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
use api::*;

fuzz_target!(|data: &[u8]| {
    quiet();
    let (path, json) = match data.iter().position(|&b| b == 0) {
        Some(_) => split_nul(data),
        None => (&b"$"[..], data),
    };
    let path = cstring(path);
    let p = path.as_ptr();
    let j = mg_str::of(json);
    // SAFETY: j views json; p is a C string; returned strings are freed.
    unsafe {
        let mut toklen = 0;
        let ofs = mg_json_get(j, p, &mut toklen);
        if ofs >= 0 {
            assert!(toklen >= 0 && ofs as usize + toklen as usize <= json.len());
        }
        mg_json_get_tok(j, p).bytes_in(json);
        let mut d = 0.0;
        let _ = mg_json_get_num(j, p, &mut d);
        let mut b = false;
        let _ = mg_json_get_bool(j, p, &mut b);
        let _ = mg_json_get_long(j, p, -1);
        libc::free(mg_json_get_str(j, p).cast());
        let mut n = 0;
        libc::free(mg_json_get_hex(j, p, &mut n).cast());
        libc::free(mg_json_get_b64(j, p, &mut n).cast());
        let mut buf = [0 as std::os::raw::c_char; 64];
        let _ = mg_json_unescape(j, p, buf.as_mut_ptr(), buf.len());
        let (mut key, mut val) = (mg_str::empty(), mg_str::empty());
        let mut at = 0;
        for _ in 0..=json.len() {
            let next = mg_json_next(j, at, &mut key, &mut val);
            if next == 0 {
                break;
            }
            assert!(next > at && next <= json.len());
            key.bytes_in(json);
            val.bytes_in(json);
            at = next;
        }
    }
});
