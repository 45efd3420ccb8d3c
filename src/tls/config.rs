//! TLS settings: `struct mg_tls_opts`, certificates and keys, peer
//! verification, and rustls configs cached per options.
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::os::raw::c_int;
use std::sync::{Arc, Mutex, OnceLock};

use super::{mg_tls_opts, MG_TLS_BUILTIN};

/// The back-end this library is built with (`MG_TLS` in the header).
/// cbindgen:ignore
pub const MG_TLS: c_int = MG_TLS_BUILTIN;

/// The crypto provider: ring, with rustls's default suites and groups.
fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())).clone()
}

/// True for PEM text (as opposed to DER bytes).
fn is_pem(b: &[u8]) -> bool {
    b.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Certificates from PEM (one or more) or DER (one).
fn parse_certs(what: &str, b: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    if is_pem(b) {
        let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(b).collect();
        match certs {
            Ok(v) if !v.is_empty() => Ok(v),
            Ok(_) => Err(format!("{what}: no CERTIFICATE in the PEM text")),
            Err(e) => Err(format!("{what}: bad PEM: {e}")),
        }
    } else {
        // Checked when parsed for use; an early look gives a clearer error.
        let der = CertificateDer::from(b.to_vec());
        rustls::server::ParsedCertificate::try_from(&der)
            .map_err(|e| format!("{what}: not a PEM or DER certificate: {e}"))?;
        Ok(vec![der])
    }
}

/// A private key from PEM or DER (PKCS#8, PKCS#1 RSA or SEC1 EC).
fn parse_key(b: &[u8]) -> Result<PrivateKeyDer<'static>, String> {
    let key = if is_pem(b) {
        PrivateKeyDer::from_pem_slice(b).map_err(|e| format!("key: bad PEM: {e}"))?
    } else {
        PrivateKeyDer::try_from(b).map_err(|e| format!("key: {e}"))?.clone_key()
    };
    provider().key_provider.load_private_key(key.clone_key()).map_err(|e| format!("key: {e}"))?;
    Ok(key)
}

/// A root store holding the CA certificates.
fn roots(ca: &[u8]) -> Result<Arc<RootCertStore>, String> {
    let mut store = RootCertStore::empty();
    for cert in parse_certs("ca", ca)? {
        store.add(cert).map_err(|e| format!("ca: {e}"))?;
    }
    Ok(Arc::new(store))
}

/// Checks a server's certificate the way mg_tls_opts asks: the chain against
/// `ca` when one is given, the host name when `name` is given, nothing at
/// all with `skip_verification`. Handshake signatures are always checked
/// against the certificate's key.
#[derive(Debug)]
struct ServerCheck {
    chain: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    check_name: bool,
    skip: bool,
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for ServerCheck {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.skip {
            return Ok(ServerCertVerified::assertion());
        }
        if let Some(chain) = &self.chain {
            match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) if !self.check_name => {}
                r => return r,
            }
        } else if self.check_name {
            let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
            rustls::client::verify_server_name(&cert, server_name)?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        match rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs) {
            // With skip_verification, a certificate webpki cannot take (an
            // X.509 v1 one) still proves the handshake: its key is read
            // from the certificate directly. (TLS 1.2 has no such path.)
            Err(_) if self.skip && cert_spki(cert.as_ref()).is_some() => {
                let spki = cert_spki(cert.as_ref()).unwrap_or_default().to_vec();
                rustls::crypto::verify_tls13_signature_with_raw_key(
                    message,
                    &spki.into(),
                    dss,
                    &self.algs,
                )
            }
            r => r,
        }
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// The options' bytes, borrowed for the duration of mg_tls_init().
pub(super) struct Opts<'a> {
    ca: &'a [u8],
    cert: &'a [u8],
    key: &'a [u8],
    name: &'a [u8],
    skip: bool,
}

impl<'a> Opts<'a> {
    /// # Safety
    /// Each mg_str must describe readable memory for `'a`.
    pub(super) unsafe fn from_c(o: &'a mg_tls_opts) -> Self {
        // SAFETY: per the contract.
        unsafe {
            Opts {
                ca: o.ca.as_bytes(),
                cert: o.cert.as_bytes(),
                key: o.key.as_bytes(),
                name: o.name.as_bytes(),
                skip: o.skip_verification != 0,
            }
        }
    }
}

/// Most configs kept per side (client, server) by [`cached`]; the least
/// recently used goes first.
const CACHE_SIZE: usize = 16;

/// A cache key: SHA-256 over the side and the option bytes that shape the
/// config (the hash, not the bytes: no copy of a private key is kept here).
type Key = [u8; 32];

fn key(side: u8, o: &Opts, name: &[u8]) -> Key {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update([side, o.skip as u8]);
    for field in [o.ca, o.cert, o.key, name] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field);
    }
    h.finalize().into()
}

/// The config built for options with this key, built by `build` the first
/// time. Connections made with the same options share one config, so the
/// certificates and key are parsed once and rustls's session resumption
/// (the server's session storage and tickets, the client's session cache,
/// both inside the config) works across connections. A failed build is not
/// kept: bad options fail, and are reported, on every call.
fn cached<T>(
    cache: &Mutex<Vec<(Key, Arc<T>)>>,
    k: Key,
    build: impl FnOnce() -> Result<T, String>,
) -> Result<Arc<T>, String> {
    let lock = || cache.lock().unwrap_or_else(|e| e.into_inner());
    {
        let mut v = lock();
        if let Some(i) = v.iter().position(|(key, _)| *key == k) {
            let hit = v.remove(i);
            let cfg = hit.1.clone();
            v.push(hit);
            return Ok(cfg);
        }
    }
    // Built without the lock held (parsing takes a while); if another thread
    // built the same config meanwhile, the first one in stays.
    let cfg = Arc::new(build()?);
    let mut v = lock();
    if let Some((_, c)) = v.iter().find(|(key, _)| *key == k) {
        return Ok(c.clone());
    }
    if v.len() >= CACHE_SIZE {
        v.remove(0);
    }
    v.push((k, cfg.clone()));
    Ok(cfg)
}

/// A client's config depends on `name` only through whether it is empty
/// (SNI and the host name check on or off); rustls keeps resumable sessions
/// per server name inside it.
fn client_config(o: &Opts) -> Result<Arc<rustls::ClientConfig>, String> {
    static CACHE: Mutex<Vec<(Key, Arc<rustls::ClientConfig>)>> = Mutex::new(Vec::new());
    let name: &[u8] = if o.name.is_empty() { b"" } else { b"name" };
    cached(&CACHE, key(b'c', o, name), || build_client_config(o))
}

fn build_client_config(o: &Opts) -> Result<rustls::ClientConfig, String> {
    let p = provider();
    let chain = if o.ca.is_empty() || o.skip {
        None
    } else {
        let v =
            rustls::client::WebPkiServerVerifier::builder_with_provider(roots(o.ca)?, p.clone())
                .build()
                .map_err(|e| format!("ca: {e}"))?;
        Some(v)
    };
    let check = ServerCheck {
        chain,
        check_name: !o.name.is_empty(),
        skip: o.skip,
        algs: p.signature_verification_algorithms,
    };
    let builder = rustls::ClientConfig::builder_with_provider(p)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(check));
    let mut cfg = if o.cert.is_empty() {
        builder.with_no_client_auth()
    } else {
        let key = parse_key(o.key)?;
        builder
            .with_client_auth_cert(parse_certs("cert", o.cert)?, key)
            .map_err(|e| e.to_string())?
    };
    cfg.enable_sni = !o.name.is_empty();
    Ok(cfg)
}

pub(super) fn client_conn(o: &Opts, peer: std::net::IpAddr) -> Result<rustls::Connection, String> {
    let cfg = client_config(o)?;
    let name = if o.name.is_empty() {
        // No name to send or check: the peer's address stands in (rustls
        // never sends an IP address as SNI).
        ServerName::IpAddress(peer.into())
    } else {
        let s = std::str::from_utf8(o.name).map_err(|_| "name is not UTF-8".to_string())?;
        ServerName::try_from(s.to_string()).map_err(|e| format!("name {s:?}: {e}"))?
    };
    let c = rustls::ClientConnection::new(cfg, name).map_err(|e| e.to_string())?;
    Ok(c.into())
}

pub(super) fn server_conn(o: &Opts) -> Result<rustls::Connection, String> {
    if o.cert.is_empty() || o.key.is_empty() {
        return Err("a server needs cert and key".into());
    }
    // A server's config does not depend on `name`.
    static CACHE: Mutex<Vec<(Key, Arc<rustls::ServerConfig>)>> = Mutex::new(Vec::new());
    let cfg = cached(&CACHE, key(b's', o, b""), || build_server_config(o))?;
    let c = rustls::ServerConnection::new(cfg).map_err(|e| e.to_string())?;
    Ok(c.into())
}

/// A server's one certificate chain and key, whatever the client asks.
#[derive(Debug)]
struct OneCert(Arc<rustls::sign::CertifiedKey>);

impl rustls::server::ResolvesServerCert for OneCert {
    fn resolve(
        &self,
        _hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// One DER element at the start of `b`: (tag, whole element, contents).
fn der_element(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)? as usize;
    let (len, hdr) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let len = b.get(2..2 + n)?.iter().fold(0usize, |a, &x| a << 8 | x as usize);
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    Some((tag, b.get(..end)?, b.get(hdr..end)?))
}

/// The subjectPublicKeyInfo element of an X.509 certificate of any version
/// (v1 has no `[0] version` field).
fn cert_spki(cert: &[u8]) -> Option<&[u8]> {
    let (_, _, body) = der_element(cert)?; // Certificate
    let (_, _, mut tbs) = der_element(body)?; // TBSCertificate
    if tbs.first() == Some(&0xa0) {
        tbs = &tbs[der_element(tbs)?.1.len()..]; // [0] version
    }
    // serialNumber, signature, issuer, validity, subject, then the key.
    for _ in 0..5 {
        tbs = &tbs[der_element(tbs)?.1.len()..];
    }
    let (tag, spki, _) = der_element(tbs)?;
    (tag == 0x30).then_some(spki)
}

/// The private key must belong to the certificate: the same
/// subjectPublicKeyInfo.
fn check_key_matches(
    cert: &CertificateDer<'_>,
    key: &dyn rustls::sign::SigningKey,
) -> Result<(), String> {
    let spki = cert_spki(cert.as_ref()).ok_or("cert: not an X.509 certificate")?;
    match key.public_key() {
        Some(k) if k.as_ref() != spki => {
            Err("cert/key: the key does not match the certificate".into())
        }
        _ => Ok(()),
    }
}

fn build_server_config(o: &Opts) -> Result<rustls::ServerConfig, String> {
    let p = provider();
    let certs = parse_certs("cert", o.cert)?;
    let key = parse_key(o.key)?;
    let builder = rustls::ServerConfig::builder_with_provider(p.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = if o.ca.is_empty() || o.skip {
        builder.with_no_client_auth()
    } else {
        let v =
            rustls::server::WebPkiClientVerifier::builder_with_provider(roots(o.ca)?, p.clone())
                .build()
                .map_err(|e| format!("ca: {e}"))?;
        builder.with_client_cert_verifier(v)
    };
    // The server's own certificate needs no path validation, so it is not
    // parsed by webpki (which refuses X.509 v1 certificates, still shipped
    // by old programs such as Mongoose's device-dashboard): only the key is
    // checked against it.
    let signing = p.key_provider.load_private_key(key).map_err(|e| format!("key: {e}"))?;
    check_key_matches(certs.first().ok_or("cert: no certificate")?, &*signing)?;
    let ck = Arc::new(rustls::sign::CertifiedKey::new(certs, signing));
    let mut cfg = builder.with_cert_resolver(Arc::new(OneCert(ck)));
    // Stateless resumption tickets (keys rotated by rustls), so resumption
    // does not depend on how many clients the session storage can hold.
    cfg.ticketer = rustls::crypto::ring::Ticketer::new().map_err(|e| format!("tickets: {e}"))?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &[u8] = include_bytes!("../../tests/tls/ca.pem");
    const OTHER_CA: &[u8] = include_bytes!("../../tests/tls/other-ca.pem");
    const CERT: &[u8] = include_bytes!("../../tests/tls/server.pem");
    const KEY: &[u8] = include_bytes!("../../tests/tls/server.key");

    fn opts<'a>(ca: &'a [u8], cert: &'a [u8], key: &'a [u8], name: &'a [u8]) -> Opts<'a> {
        Opts { ca, cert, key, name, skip: false }
    }

    #[test]
    fn certificates_from_pem_and_der() {
        assert!(is_pem(CERT) && !is_pem(b"\x30\x82"));
        let pem = parse_certs("cert", CERT).unwrap();
        assert!(!pem.is_empty());
        // The same certificate as DER bytes parses to the same thing.
        let der = parse_certs("cert", pem[0].as_ref()).unwrap();
        assert_eq!(der, pem[..1]);
        let two = [CA, OTHER_CA].concat();
        assert_eq!(parse_certs("ca", &two).unwrap().len(), 2);
        let e = parse_certs("ca", b"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        assert!(e.unwrap_err().starts_with("ca: "));
        assert!(parse_certs("cert", b"not a certificate")
            .unwrap_err()
            .contains("not a PEM or DER"));
    }

    #[test]
    fn keys_and_roots() {
        assert!(parse_key(KEY).is_ok());
        assert!(parse_key(b"garbage").is_err());
        assert!(parse_key(CERT).unwrap_err().starts_with("key: "));
        assert_eq!(roots(&[CA, OTHER_CA].concat()).unwrap().len(), 2);
        assert!(roots(b"").is_err());
    }

    #[test]
    fn configs_are_cached_per_options() {
        let a = opts(b"", CERT, KEY, b"");
        let k = key(b's', &a, b"");
        // Every byte of every option, the side and skip_verification count.
        assert_ne!(k, key(b'c', &a, b""));
        assert_ne!(k, key(b's', &a, b"x"));
        assert_ne!(k, key(b's', &Opts { skip: true, ..opts(b"", CERT, KEY, b"") }, b""));
        // Field boundaries count too: the same bytes split differently.
        assert_ne!(
            key(b's', &opts(b"ab", b"", b"", b""), b""),
            key(b's', &opts(b"a", b"b", b"", b""), b"")
        );
        let cache = Mutex::new(Vec::new());
        let first = cached(&cache, k, || build_server_config(&a)).unwrap();
        let again = cached(&cache, k, || -> Result<rustls::ServerConfig, String> {
            panic!("a hit must not build")
        })
        .unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        // A failed build is not kept: the next call builds (and fails) again.
        let bad = opts(b"", CERT, b"garbage", b"");
        let kb = key(b's', &bad, b"");
        assert!(cached(&cache, kb, || build_server_config(&bad)).is_err());
        assert_eq!(cache.lock().unwrap().len(), 1);
        // Least recently used out: fill past the size, the first is gone.
        for i in 0..CACHE_SIZE as u8 {
            let _ = cached(&cache, [i; 32], || Ok::<_, String>((*first).clone()));
        }
        let v = cache.lock().unwrap();
        assert_eq!(v.len(), CACHE_SIZE);
        assert!(!v.iter().any(|(key, _)| *key == k));
    }

    #[test]
    fn sessions_need_what_their_side_needs() {
        assert!(server_conn(&opts(b"", b"", KEY, b"")).unwrap_err().contains("cert and key"));
        assert!(server_conn(&opts(b"", CERT, KEY, b"")).is_ok());
        assert!(server_conn(&opts(CA, CERT, KEY, b"")).is_ok(), "CA: client certificates asked");
        let peer = std::net::IpAddr::from([127, 0, 0, 1]);
        assert!(client_conn(&opts(CA, b"", b"", b"localhost"), peer).is_ok());
        assert!(client_conn(&opts(b"not a ca", b"", b"", b""), peer).is_err());
    }
}
