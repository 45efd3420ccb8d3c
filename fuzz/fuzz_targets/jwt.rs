//! JWT verification on arbitrary tokens: never a crash or a write past the
//! claims buffer, and a token that verifies must be one whose signature the
//! library itself made (HS256: signing the verified claims again with the
//! same secret gives back a token that verifies to the same claims). ES256
//! verification is driven with a fixed public key.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose::ffi::jwt::{
    mg_jwt_opts, mg_jwt_sign_hs256, mg_jwt_verify_es256, mg_jwt_verify_hs256,
};
use mongoose::str::mg_str;
use std::os::raw::c_char;

fn s(b: &[u8]) -> mg_str {
    mg_str { buf: b.as_ptr() as *mut c_char, len: b.len() }
}

fn opts(secret: &[u8], claims: &[u8], public_key: *const u8) -> mg_jwt_opts {
    mg_jwt_opts {
        claims: s(claims),
        header: s(b""),
        kid: s(b""),
        secret: s(secret),
        private_key: std::ptr::null(),
        public_key,
    }
}

fuzz_target!(|data: &[u8]| {
    mongoose::log::set_level(0);
    let secret = b"fuzz-secret";
    // A point on P-256 (the generator), so ES256 verification reaches the
    // signature check for well-formed tokens.
    let g: [u8; 64] = [
        0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40,
        0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98,
        0xc2, 0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c,
        0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68,
        0x37, 0xbf, 0x51, 0xf5,
    ];
    let mut claims = vec![0 as c_char; data.len() + 1];
    // SAFETY: every buffer is passed with its true length; the options point
    // at live slices for the duration of each call.
    unsafe {
        let o = opts(secret, b"", std::ptr::null());
        let n = mg_jwt_verify_hs256(s(data), &o, claims.as_mut_ptr(), claims.len());
        assert!(n < claims.len());
        if n > 0 {
            // It verified: the claims re-signed with the same secret verify again.
            let c: Vec<u8> = claims[..n].iter().map(|&b| b as u8).collect();
            let o2 = opts(secret, &c, std::ptr::null());
            let mut tok = vec![0 as c_char; 4 * c.len() + 256];
            let t = mg_jwt_sign_hs256(&o2, tok.as_mut_ptr(), tok.len());
            assert!(t > 0 && t < tok.len());
            let tb: Vec<u8> = tok[..t].iter().map(|&b| b as u8).collect();
            let mut back = vec![0 as c_char; c.len() + 1];
            let m = mg_jwt_verify_hs256(s(&tb), &o, back.as_mut_ptr(), back.len());
            assert_eq!(m, n);
        }
        let oe = opts(b"", b"", g.as_ptr());
        let k = mg_jwt_verify_es256(s(data), &oe, claims.as_mut_ptr(), claims.len());
        assert!(k < claims.len());
    }
});
