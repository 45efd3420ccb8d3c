//! JWT entry points (`mg_jwt_*`) and the P-256 key helpers Mongoose's
//! jwt-auth tutorial uses with `MG_TLS_BUILTIN` (`mg_uecc_*`).
// The doc comment of each entry point is its C contract (it becomes the
// header comment); a Rust `# Safety` section there would only repeat it.
#![allow(clippy::missing_safety_doc)]
use super::{bytes, guard, null_arg};
use crate::jwt::{self, JwtError};
use crate::str::mg_str;
use std::os::raw::{c_char, c_int};

/// Options of the mg_jwt_* functions.
#[repr(C)]
pub struct mg_jwt_opts {
    /// The JSON claims (payload) to sign.
    pub claims: mg_str,
    /// Extra header members, JSON without braces (`"cty":"x"`); alg and typ
    /// are set by the library.
    pub header: mg_str,
    /// Key id: adds a "kid" header member when not empty.
    pub kid: mg_str,
    /// HS256: the shared secret.
    pub secret: mg_str,
    /// ES256 signing: the 32-byte P-256 private key (see
    /// mg_uecc_parse_private_key()).
    pub private_key: *const u8,
    /// ES256 verifying: the 64-byte public key x || y (see
    /// mg_uecc_compute_public_key()).
    pub public_key: *const u8,
}

/// The bytes of a view field; None (logged) for NULL with a length.
///
/// # Safety
/// `s` must be a valid view.
unsafe fn view<'a>(func: &str, name: &str, s: mg_str) -> Option<&'a [u8]> {
    // SAFETY: per the contract.
    unsafe { bytes(func, name, s.buf as *const u8, s.len) }
}

/// Copies `data` and a NUL into `buf` (room for `len` bytes): its length, or
/// 0 (logged) when it does not fit.
///
/// # Safety
/// `buf` must be NULL or have `len` writable bytes.
unsafe fn put(func: &str, data: &[u8], buf: *mut c_char, len: usize) -> usize {
    if buf.is_null() {
        null_arg(func, "buf");
        return 0;
    }
    if data.len() >= len {
        crate::log_error!(func, "buffer too small: {} bytes needed", data.len() + 1);
        return 0;
    }
    // SAFETY: buf has len > data.len() writable bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(data.as_ptr(), buf as *mut u8, data.len());
        *buf.add(data.len()) = 0;
    }
    data.len()
}

/// The seconds since the epoch that exp and nbf are checked against.
fn now_secs() -> f64 {
    crate::sntp::now() as f64 / 1000.0
}

/// Signs `opts` with `sign` (given claims, kid, extra header) into `buf`.
///
/// # Safety
/// `opts` NULL or valid; `buf` NULL or `len` writable bytes.
unsafe fn sign_into(
    func: &str,
    opts: *const mg_jwt_opts,
    buf: *mut c_char,
    len: usize,
    sign: impl FnOnce(&mg_jwt_opts, &[u8], &[u8], &[u8]) -> Option<String>,
) -> usize {
    if opts.is_null() {
        null_arg(func, "opts");
        return 0;
    }
    // SAFETY: non-NULL options from the caller.
    let o = unsafe { &*opts };
    // SAFETY: views from the caller's options.
    let parts = unsafe {
        (view(func, "claims", o.claims), view(func, "kid", o.kid), view(func, "header", o.header))
    };
    let (Some(claims), Some(kid), Some(extra)) = parts else {
        return 0;
    };
    match sign(o, claims, kid, extra) {
        // SAFETY: per this function's contract.
        Some(token) => unsafe { put(func, token.as_bytes(), buf, len) },
        None => 0,
    }
}

/// Verifies `token` with `check` and writes its claims into `buf`.
///
/// # Safety
/// `token` a valid view; `buf` NULL or `len` writable bytes.
unsafe fn verify_into(
    func: &str,
    token: mg_str,
    buf: *mut c_char,
    len: usize,
    check: impl FnOnce(&[u8]) -> Result<Vec<u8>, JwtError>,
) -> usize {
    // SAFETY: a view from the caller.
    let Some(t) = (unsafe { view(func, "jwt", token) }) else {
        return 0;
    };
    match check(t) {
        // SAFETY: per this function's contract.
        Ok(claims) => unsafe { put(func, &claims, buf, len) },
        Err(e) => {
            crate::log_debug!(func, "token refused: {e:?}");
            0
        }
    }
}

/// Signs opts->claims (JSON) with HS256 and opts->secret into a compact JWT
/// in buf, NUL-terminated, with a "kid" header member when opts->kid is set
/// and opts->header's members. Returns the token's length, or 0 on error
/// (also when it does not fit in len bytes).
#[no_mangle]
pub unsafe extern "C" fn mg_jwt_sign_hs256(
    opts: *const mg_jwt_opts,
    buf: *mut c_char,
    len: usize,
) -> usize {
    guard!("mg_jwt_sign_hs256", 0, || {
        // SAFETY: per the C contract.
        unsafe {
            sign_into("mg_jwt_sign_hs256", opts, buf, len, |o, claims, kid, extra| {
                let secret = view("mg_jwt_sign_hs256", "secret", o.secret)?;
                Some(jwt::sign_hs256(claims, kid, extra, secret))
            })
        }
    })
}

/// Verifies an HS256 JWT with opts->secret and writes its decoded claims into
/// buf, NUL-terminated. Returns the claims' length, or 0 when the token is
/// malformed, its header's alg is not HS256 ("none" included), the
/// signature does not match, the claims have an "exp" in the past or an
/// "nbf" in the future (checked against mg_now()), or they do not fit.
#[no_mangle]
pub unsafe extern "C" fn mg_jwt_verify_hs256(
    jwt: mg_str,
    opts: *const mg_jwt_opts,
    buf: *mut c_char,
    len: usize,
) -> usize {
    guard!("mg_jwt_verify_hs256", 0, || {
        if opts.is_null() {
            null_arg("mg_jwt_verify_hs256", "opts");
            return 0;
        }
        // SAFETY: non-NULL options and views from the caller.
        unsafe {
            let Some(secret) = view("mg_jwt_verify_hs256", "secret", (*opts).secret) else {
                return 0;
            };
            verify_into("mg_jwt_verify_hs256", jwt, buf, len, |t| {
                jwt::verify_hs256(t, secret, now_secs())
            })
        }
    })
}

/// Signs opts->claims with ES256 (deterministic ECDSA P-256, RFC 6979) and
/// the 32-byte opts->private_key into a compact JWT in buf, NUL-terminated.
/// Returns the token's length, or 0 on error.
#[no_mangle]
pub unsafe extern "C" fn mg_jwt_sign_es256(
    opts: *const mg_jwt_opts,
    buf: *mut c_char,
    len: usize,
) -> usize {
    guard!("mg_jwt_sign_es256", 0, || {
        // SAFETY: per the C contract.
        unsafe {
            sign_into("mg_jwt_sign_es256", opts, buf, len, |o, claims, kid, extra| {
                let key = bytes("mg_jwt_sign_es256", "private_key", o.private_key, 32)?;
                jwt::sign_es256(claims, kid, extra, key)
                    .map_err(|e| crate::log_error!("mg_jwt_sign_es256", "{e:?}"))
                    .ok()
            })
        }
    })
}

/// Verifies an ES256 JWT with the 64-byte opts->public_key (x || y) and
/// writes its decoded claims into buf, NUL-terminated. Returns the claims'
/// length, or 0 (same refusals as mg_jwt_verify_hs256()).
#[no_mangle]
pub unsafe extern "C" fn mg_jwt_verify_es256(
    jwt: mg_str,
    opts: *const mg_jwt_opts,
    buf: *mut c_char,
    len: usize,
) -> usize {
    guard!("mg_jwt_verify_es256", 0, || {
        if opts.is_null() {
            null_arg("mg_jwt_verify_es256", "opts");
            return 0;
        }
        // SAFETY: non-NULL options; the key has 64 bytes per the contract.
        unsafe {
            let Some(key) = bytes("mg_jwt_verify_es256", "public_key", (*opts).public_key, 64)
            else {
                return 0;
            };
            verify_into("mg_jwt_verify_es256", jwt, buf, len, |t| {
                jwt::verify_es256(t, key, now_secs())
            })
        }
    })
}

/// An elliptic curve, for the mg_uecc_* helpers (only P-256 is provided).
pub struct MG_UECC_Curve_t {
    _private: u8,
}

static SECP256R1: MG_UECC_Curve_t = MG_UECC_Curve_t { _private: 0 };

/// The NIST P-256 curve (secp256r1), the one ES256 uses.
#[no_mangle]
pub extern "C" fn mg_uecc_secp256r1() -> *const MG_UECC_Curve_t {
    &SECP256R1
}

/// Reads a PEM P-256 private key (SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE
/// KEY") into buf as its 32-byte scalar. Returns 32, or 0 on error (also
/// when len < 32).
#[no_mangle]
pub unsafe extern "C" fn mg_uecc_parse_private_key(key: mg_str, buf: *mut u8, len: usize) -> usize {
    guard!("mg_uecc_parse_private_key", 0, || {
        if buf.is_null() || len < 32 {
            crate::log_error!("mg_uecc_parse_private_key", "buf is NULL or shorter than 32");
            return 0;
        }
        // SAFETY: a view from the caller.
        let Some(pem) = (unsafe { view("mg_uecc_parse_private_key", "key", key) }) else {
            return 0;
        };
        let Some(k) = std::str::from_utf8(pem).ok().and_then(jwt::es256_private_key_from_pem)
        else {
            crate::log_error!("mg_uecc_parse_private_key", "not a PEM P-256 private key");
            return 0;
        };
        // SAFETY: buf has at least 32 writable bytes.
        unsafe { std::ptr::copy_nonoverlapping(k.as_ptr(), buf, 32) };
        32
    })
}

/// Computes the 64-byte public key (x || y) of a 32-byte private key on
/// curve (mg_uecc_secp256r1()). Returns 1, or 0 on error.
#[no_mangle]
pub unsafe extern "C" fn mg_uecc_compute_public_key(
    private_key: *const u8,
    public_key: *mut u8,
    curve: *const MG_UECC_Curve_t,
) -> c_int {
    guard!("mg_uecc_compute_public_key", 0, || {
        if !std::ptr::eq(curve, &SECP256R1) || public_key.is_null() {
            crate::log_error!("mg_uecc_compute_public_key", "unsupported curve or NULL key");
            return 0;
        }
        // SAFETY: the caller passes 32 readable bytes.
        let Some(k) =
            (unsafe { bytes("mg_uecc_compute_public_key", "private_key", private_key, 32) })
        else {
            return 0;
        };
        match jwt::es256_public_key(k) {
            Some(p) => {
                // SAFETY: the caller passes 64 writable bytes.
                unsafe { std::ptr::copy_nonoverlapping(p.as_ptr(), public_key, 64) };
                1
            }
            None => 0,
        }
    })
}
