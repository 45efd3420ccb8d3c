//! TLS against an independent peer, Python's `ssl` module (the system
//! Python 3 and its OpenSSL; nothing to install), over loopback:
//! - `tests/py/tls_client.py` as a client of `tests/tls/https_server.c`:
//!   keep-alive, a 5 MiB response, a static file through mg_http_serve_dir,
//!   garbage and plaintext HTTP sent to the TLS port, session resumption
//!   (a second connection offering the first's session resumes it), two-way
//!   TLS;
//! - `tests/py/tls_server.py` as a server for `tests/tls/https_client.c`:
//!   verification by CA and host name, its failures, skip_verification, and
//!   a client certificate for two-way TLS;
//! - our client against our server, both as programs.
//!
//! The certificates are in `tests/tls/` (see `tests/tls/gen.sh`).
mod common;
use common::{compile, out_dir, root, run_with_timeout, show, Link};

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The test programs, compiled once for all the tests of this file.
fn program(name: &str) -> PathBuf {
    static SERVER: OnceLock<PathBuf> = OnceLock::new();
    static CLIENT: OnceLock<PathBuf> = OnceLock::new();
    let cell = if name == "https_server" { &SERVER } else { &CLIENT };
    cell.get_or_init(|| compile(&root().join(format!("tests/tls/{name}.c")), Link::Shared, &[]))
        .clone()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts tests/tls/https_server.c on a free port, serving `root` under
/// /static/; with `ca`, client certificates are required. Its output goes to
/// the returned log file.
fn our_server(tag: &str, www: &std::path::Path, ca: Option<&str>) -> (Killed, u16, PathBuf) {
    let port = free_port();
    let log_path = out_dir().join(format!("tls_peer_server_{tag}.log"));
    let log = std::fs::File::create(&log_path).unwrap();
    let mut cmd = Command::new(program("https_server"));
    cmd.current_dir(root())
        .arg(format!("https://127.0.0.1:{port}"))
        .arg(www)
        .args(ca)
        .env_remove("LD_LIBRARY_PATH")
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    let mut child = cmd.spawn().expect("start https_server");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let end = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if let Ok(Some(st)) = child.try_wait() {
            panic!("https_server exited ({st}) before listening on {port}");
        }
        assert!(Instant::now() < end, "https_server never listened on port {port}");
        std::thread::sleep(Duration::from_millis(10));
    }
    (Killed(child), port, log_path)
}

/// Starts tests/py/tls_server.py; returns it with its port.
fn python_server(two_way: bool) -> (Killed, u16) {
    let mut cmd = Command::new("python3");
    cmd.current_dir(root()).arg("tests/py/tls_server.py").arg("tests/tls");
    if two_way {
        cmd.arg("two-way");
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start python3 tests/py/tls_server.py");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).expect("read its port");
    let child = Killed(child);
    let port = first
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("tls_server.py said {first:?}"));
    (child, port)
}

/// A directory with one 3 MiB file for mg_http_serve_dir; returns both.
fn www() -> (PathBuf, PathBuf) {
    let dir = out_dir().join("tls_www");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("blob.bin");
    let data: Vec<u8> =
        (0..3 * 1024 * 1024 + 17u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&file, data).unwrap();
    (dir, file)
}

fn python_client(port: u16, file: &std::path::Path, two_way: bool) -> Output {
    let mut cmd = Command::new("python3");
    cmd.arg("tests/py/tls_client.py").arg(port.to_string()).arg("tests/tls").arg(file);
    if two_way {
        cmd.arg("two-way");
    }
    run_with_timeout(cmd.current_dir(root()), Duration::from_secs(60))
}

#[test]
fn python_client_against_our_server() {
    let (dir, file) = www();
    let (srv, port, log) = our_server("py", &dir, None);
    let out = python_client(port, &file, false);
    drop(srv);
    let text = show(&out);
    let log = std::fs::read_to_string(log).unwrap();
    assert!(out.status.success() && text.contains("ALL OK"), "{text}\nserver log:\n{log}");
    // One handshake for the keep-alive connection, then one for each of
    // the two resumption connections; the garbage and the plaintext request
    // were refused as TLS errors.
    assert_eq!(log.matches("tls_hs ").count(), 3, "server log:\n{log}");
    assert_eq!(log.matches("\nerror ").count() + log.starts_with("error ") as usize, 2, "{log}");
}

#[test]
fn python_client_against_our_two_way_server() {
    let (dir, file) = www();
    let (srv, port, log) = our_server("py2", &dir, Some("tests/tls/ca.pem"));
    let out = python_client(port, &file, true);
    drop(srv);
    let text = show(&out);
    let log = std::fs::read_to_string(log).unwrap();
    assert!(out.status.success() && text.contains("ALL OK"), "{text}\nserver log:\n{log}");
}

/// Runs tests/tls/https_client.c with its arguments.
fn our_client(args: &[&str]) -> (bool, String) {
    let out = run_with_timeout(
        Command::new(program("https_client")).args(args).current_dir(root()),
        Duration::from_secs(20),
    );
    (out.status.success(), show(&out))
}

#[test]
fn our_client_against_python_server() {
    let (_srv, port) = python_server(false);
    let url = format!("https://localhost:{port}/from/c");
    let (ok, text) = our_client(&[&url, "tests/tls/ca.pem", "url"]);
    assert!(ok && text.starts_with("200 from python /from/c"), "{text}");

    let (ok, text) = our_client(&[&url, "tests/tls/other-ca.pem", "url"]);
    assert!(!ok && text.contains("error TLS handshake: invalid peer certificate"), "{text}");
    assert!(!text.contains("from python"), "{text}");

    let (ok, text) = our_client(&[&url, "tests/tls/ca.pem", "example.com"]);
    assert!(!ok && text.contains("not valid for name"), "{text}");
    assert!(!text.contains("from python"), "{text}");

    let (ok, text) = our_client(&[&url, "tests/tls/other-ca.pem", "example.com", "skip"]);
    assert!(ok && text.starts_with("200 from python"), "{text}");
}

#[test]
fn our_client_with_certificate_against_python_two_way_server() {
    let (_srv, port) = python_server(true);
    let url = format!("https://localhost:{port}/two-way");
    let (ok, text) = our_client(&[&url, "tests/tls/ca.pem", "url", "cert"]);
    assert!(ok && text.starts_with("200 from python /two-way"), "{text}");
    let (ok, text) = our_client(&[&url, "tests/tls/ca.pem", "url"]);
    assert!(!ok && text.contains("error "), "{text}");
    assert!(!text.contains("from python"), "{text}");
}

#[test]
fn our_client_against_our_server() {
    let (dir, _) = www();
    let (_srv, port, _) = our_server("c", &dir, None);
    let url = format!("https://localhost:{port}/hello");
    let (ok, text) = our_client(&[&url, "tests/tls/ca.pem", "url"]);
    assert!(ok && text.starts_with("200 hello"), "{text}");
    let url = format!("https://127.0.0.1:{port}/big/100000");
    let (ok, text) = our_client(&[&url, "tests/tls/ca.pem", "127.0.0.1"]);
    assert!(ok && text.starts_with("200 "), "{text}");
}
