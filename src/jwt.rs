//! JSON Web Tokens (RFC 7519) in compact form, signed with HS256 (HMAC
//! SHA-256) or ES256 (ECDSA P-256 with SHA-256, RFC 7518 §3.4), as
//! Mongoose's `mg_jwt_*` functions make and check them.
//!
//! A token is `base64url(header).base64url(claims).base64url(signature)`.
//! The header is `{"alg":ALG,"typ":"JWT"}` plus an optional `kid` and the
//! caller's extra members. Verification checks, in order: the shape, the
//! header's `alg` (so `none` and the other algorithm are refused), the
//! signature, and then the time claims `exp` and `nbf` against the clock
//! (Mongoose leaves those to the program).
use crate::base64::{self, Variant};
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};

/// The algorithms this module signs and checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    /// HMAC with SHA-256 and a shared secret.
    Hs256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
}

impl Alg {
    fn name(self) -> &'static str {
        match self {
            Alg::Hs256 => "HS256",
            Alg::Es256 => "ES256",
        }
    }
}

/// Why a token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Not three base64url parts, or a part that does not decode.
    Malformed,
    /// The header's `alg` is not the expected one (`none` included).
    WrongAlg,
    /// The key is unusable (bad length, not on the curve).
    BadKey,
    /// The signature does not match.
    BadSignature,
    /// `exp` is in the past.
    Expired,
    /// `nbf` is in the future.
    NotYetValid,
}

/// The signing input: base64url of the header, a dot, base64url of the claims.
fn signing_input(alg: Alg, claims: &[u8], kid: &[u8], extra: &[u8]) -> String {
    let mut header = format!("{{\"alg\":\"{}\",\"typ\":\"JWT\"", alg.name()).into_bytes();
    if !kid.is_empty() {
        header.extend_from_slice(b",\"kid\":\"");
        crate::fmt::json_escape(kid, &mut |b| header.push(b));
        header.push(b'"');
    }
    if !extra.is_empty() {
        header.push(b',');
        header.extend_from_slice(extra);
    }
    header.push(b'}');
    let mut s = base64::encode(&header, Variant::Url);
    s.push('.');
    s.push_str(&base64::encode(claims, Variant::Url));
    s
}

/// Appends the signature part to a signing input.
fn finish(mut input: String, sig: &[u8]) -> String {
    input.push('.');
    input.push_str(&base64::encode(sig, Variant::Url));
    input
}

/// An HS256 token for `claims` (JSON), with an optional key id and extra
/// header members (JSON text without braces).
pub fn sign_hs256(claims: &[u8], kid: &[u8], extra: &[u8], secret: &[u8]) -> String {
    let input = signing_input(Alg::Hs256, claims, kid, extra);
    let mac = crate::hash::hmac_sha256(secret, input.as_bytes());
    finish(input, &mac)
}

/// An ES256 token: deterministic ECDSA (RFC 6979) with the 32-byte private
/// scalar `key`; the signature is `r || s`, 64 bytes.
pub fn sign_es256(claims: &[u8], kid: &[u8], extra: &[u8], key: &[u8]) -> Result<String, JwtError> {
    let sk = SigningKey::from_slice(key).map_err(|_| JwtError::BadKey)?;
    let input = signing_input(Alg::Es256, claims, kid, extra);
    let sig: Signature = sk.sign(input.as_bytes());
    Ok(finish(input, &sig.to_bytes()))
}

/// The public key of a 32-byte P-256 private scalar, as 64 bytes `x || y`.
pub fn es256_public_key(key: &[u8]) -> Option<[u8; 64]> {
    let sk = SigningKey::from_slice(key).ok()?;
    let point = sk.verifying_key().to_encoded_point(false);
    let mut out = [0u8; 64];
    out.copy_from_slice(&point.as_bytes()[1..65]);
    Some(out)
}

/// The 32-byte private scalar of a PEM P-256 key: SEC1 (`EC PRIVATE KEY`)
/// or PKCS#8 (`PRIVATE KEY`).
pub fn es256_private_key_from_pem(pem: &str) -> Option<[u8; 32]> {
    use p256::pkcs8::DecodePrivateKey;
    let sk = p256::SecretKey::from_sec1_pem(pem)
        .ok()
        .or_else(|| p256::SecretKey::from_pkcs8_pem(pem).ok())?;
    Some(sk.to_bytes().into())
}

/// The three parts of a compact token.
struct Parts<'a> {
    input: &'a [u8],
    header: &'a [u8],
    claims: &'a [u8],
    sig: &'a [u8],
}

fn split(token: &[u8]) -> Result<Parts<'_>, JwtError> {
    let mut dots = token.iter().enumerate().filter(|(_, &c)| c == b'.').map(|(i, _)| i);
    let (Some(a), Some(b), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(JwtError::Malformed);
    };
    Ok(Parts {
        input: &token[..b],
        header: &token[..a],
        claims: &token[a + 1..b],
        sig: &token[b + 1..],
    })
}

/// Checks `token` with `check` (the signature test) and returns its claims.
/// `now` is the current time in seconds since the epoch.
fn verify(
    token: &[u8],
    alg: Alg,
    now: f64,
    check: impl FnOnce(&[u8], &[u8]) -> Result<(), JwtError>,
) -> Result<Vec<u8>, JwtError> {
    let p = split(token)?;
    let header = base64::decode(p.header, Variant::Url).ok_or(JwtError::Malformed)?;
    match crate::json::get_str(&header, b"$.alg") {
        Some(a) if a == alg.name().as_bytes() => {}
        _ => return Err(JwtError::WrongAlg),
    }
    let sig = base64::decode(p.sig, Variant::Url).ok_or(JwtError::Malformed)?;
    check(p.input, &sig)?;
    let claims = base64::decode(p.claims, Variant::Url).ok_or(JwtError::Malformed)?;
    if crate::json::get_num(&claims, b"$.exp").is_some_and(|exp| now >= exp) {
        return Err(JwtError::Expired);
    }
    if crate::json::get_num(&claims, b"$.nbf").is_some_and(|nbf| now < nbf) {
        return Err(JwtError::NotYetValid);
    }
    Ok(claims)
}

/// The claims of an HS256 token signed with `secret`.
pub fn verify_hs256(token: &[u8], secret: &[u8], now: f64) -> Result<Vec<u8>, JwtError> {
    verify(token, Alg::Hs256, now, |input, sig| {
        use hmac::Mac;
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).map_err(|_| JwtError::BadKey)?;
        mac.update(input);
        // Constant-time comparison.
        mac.verify_slice(sig).map_err(|_| JwtError::BadSignature)
    })
}

/// The claims of an ES256 token, checked with the 64-byte public key
/// `x || y` (a 65-byte SEC1 key starting with 4 is taken too).
pub fn verify_es256(token: &[u8], public_key: &[u8], now: f64) -> Result<Vec<u8>, JwtError> {
    verify(token, Alg::Es256, now, |input, sig| {
        let mut sec1 = [4u8; 65];
        let key: &[u8] = match public_key.len() {
            64 => {
                sec1[1..].copy_from_slice(public_key);
                &sec1
            }
            _ => public_key,
        };
        let vk = VerifyingKey::from_sec1_bytes(key).map_err(|_| JwtError::BadKey)?;
        let sig = Signature::from_slice(sig).map_err(|_| JwtError::BadSignature)?;
        vk.verify(input, &sig).map_err(|_| JwtError::BadSignature)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs256_round_trip_and_refusals() {
        let t = sign_hs256(br#"{"sub":"a"}"#, b"k1", b"", b"secret");
        assert_eq!(verify_hs256(t.as_bytes(), b"secret", 0.0).unwrap(), br#"{"sub":"a"}"#);
        assert_eq!(verify_hs256(t.as_bytes(), b"other", 0.0), Err(JwtError::BadSignature));
        let exp = sign_hs256(br#"{"exp":100}"#, b"", b"", b"s");
        assert_eq!(verify_hs256(exp.as_bytes(), b"s", 100.0), Err(JwtError::Expired));
        assert!(verify_hs256(exp.as_bytes(), b"s", 99.0).is_ok());
        assert_eq!(verify_hs256(b"a.b", b"s", 0.0), Err(JwtError::Malformed));
    }

    #[test]
    fn es256_round_trip() {
        let key = [7u8; 32];
        let pubk = es256_public_key(&key).unwrap();
        let t = sign_es256(b"{}", b"", b"", &key).unwrap();
        assert_eq!(verify_es256(t.as_bytes(), &pubk, 0.0).unwrap(), b"{}");
        // Deterministic: the same input signs the same.
        assert_eq!(t, sign_es256(b"{}", b"", b"", &key).unwrap());
        // The HS256 verifier refuses an ES256 token.
        assert_eq!(verify_hs256(t.as_bytes(), b"x", 0.0), Err(JwtError::WrongAlg));
    }
}
