//! Base64: encoding then decoding gives the input back (standard and URL-safe
//! alphabets), streaming encoding equals one-shot encoding, and decoding
//! arbitrary text never writes past its buffer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
use api::*;

fuzz_target!(|data: &[u8]| {
    quiet();
    let room = 4 * data.len().div_ceil(3) + 8;
    let mut enc = vec![0 as std::os::raw::c_char; room];
    let mut dec = vec![0 as std::os::raw::c_char; data.len() + 8];
    // SAFETY: every buffer is passed with its true length.
    unsafe {
        let n = mg_base64_encode(data.as_ptr(), data.len(), enc.as_mut_ptr(), enc.len());
        assert!(n < room);
        let m = mg_base64_decode(enc.as_ptr(), n, dec.as_mut_ptr(), dec.len());
        assert_eq!(m, data.len());
        assert!(dec[..m].iter().zip(data).all(|(&a, &b)| a as u8 == b));

        let mut stream = vec![0 as std::os::raw::c_char; room];
        let mut len = 0;
        for &b in data {
            len = mg_base64_update(b, stream.as_mut_ptr(), len);
        }
        len = mg_base64_final(stream.as_mut_ptr(), len);
        assert_eq!(&stream[..len], &enc[..n]);

        let n = mg_base64url_encode(data.as_ptr(), data.len(), enc.as_mut_ptr(), enc.len());
        assert!(n < room);
        let m = mg_base64url_decode(enc.as_ptr(), n, dec.as_mut_ptr(), dec.len());
        assert_eq!(m, data.len());
        assert!(dec[..m].iter().zip(data).all(|(&a, &b)| a as u8 == b));

        let mut small = vec![0 as std::os::raw::c_char; data.len() / 2 + 1];
        let _ = mg_base64_decode(data.as_ptr().cast(), data.len(), small.as_mut_ptr(), small.len());
        let _ =
            mg_base64url_decode(data.as_ptr().cast(), data.len(), small.as_mut_ptr(), small.len());
    }
});
