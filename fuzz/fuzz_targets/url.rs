//! URL and form helpers: mg_url_*, mg_url_encode/decode (encoding then
//! decoding gives the input back), mg_http_get_var, mg_aton,
//! mg_path_is_sane.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
use api::*;

fuzz_target!(|data: &[u8]| {
    quiet();
    let url = cstring(data);
    let u = url.as_bytes_with_nul();
    // SAFETY: url is a C string; the views returned point into it.
    unsafe {
        let _ = mg_url_port(url.as_ptr());
        let _ = mg_url_is_ssl(url.as_ptr());
        mg_url_host(url.as_ptr()).bytes_in(u);
        mg_url_user(url.as_ptr()).bytes_in(u);
        mg_url_pass(url.as_ptr()).bytes_in(u);
        // A pointer into url, or a static "/" when it has no path.
        let uri = std::ffi::CStr::from_ptr(mg_url_uri(url.as_ptr())).to_bytes();
        assert!(uri == b"/" || url.as_bytes().ends_with(uri));

        let mut enc = vec![0 as std::os::raw::c_char; 3 * data.len() + 1];
        let n = mg_url_encode(data.as_ptr().cast(), data.len(), enc.as_mut_ptr(), enc.len());
        assert!(n < enc.len());
        let mut dec = vec![0 as std::os::raw::c_char; data.len() + 1];
        let m = mg_url_decode(enc.as_ptr(), n, dec.as_mut_ptr(), dec.len(), 0);
        assert_eq!(m, data.len() as std::os::raw::c_int);
        assert!(dec[..data.len()].iter().zip(data).all(|(&a, &b)| a as u8 == b));
        for form in [0, 1] {
            let _ =
                mg_url_decode(data.as_ptr().cast(), data.len(), dec.as_mut_ptr(), dec.len(), form);
        }

        let s = mg_str::of(data);
        let mut var = [0 as std::os::raw::c_char; 32];
        for name in [c"a", c"key", c""] {
            let _ = mg_http_get_var(&s, name.as_ptr(), var.as_mut_ptr(), var.len());
        }
        mg_http_var(s, mg_str::of(b"a")).bytes_in(data);
        let mut addr: mg_addr = std::mem::zeroed();
        let _ = mg_aton(s, &mut addr);
        let _ = mg_path_is_sane(s);
    }
});
