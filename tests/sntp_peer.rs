//! SNTP against an independent peer: `tests/py/sntp_server.py`, an NTP
//! responder written with Python's standard library (`socket`, `struct`),
//! answers `c_examples/sntp_client.c` over loopback UDP with good answers
//! (a fixed time, the current time, NTPv3) and bad ones (kiss-of-death, leap
//! alarm, our own request echoed, a short packet, a forged originate
//! timestamp).
mod common;
use common::{compile, out_dir, root, show, Link};

use std::io::{BufRead, BufReader};
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

/// The example program, compiled once for all the tests of this file.
fn client() -> PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let exe = compile(&root().join("c_examples/sntp_client.c"), Link::Shared, &[]);
        let dest = out_dir().join("peer_sntp_client");
        std::fs::rename(&exe, &dest).expect("move sntp_client");
        dest
    })
    .clone()
}

/// Starts the Python server answering in `mode` (with the time `fixed`,
/// Unix seconds, when given); returns it with its port and its stderr.
fn python_server(mode: &str, fixed: Option<&str>) -> (Killed, u16, PathBuf) {
    let log = out_dir().join(format!("sntp_server_{mode}.log"));
    let mut child = Command::new("python3")
        .current_dir(root())
        .arg("tests/py/sntp_server.py")
        .arg(mode)
        .args(fixed)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start python3 tests/py/sntp_server.py");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).expect("read its port");
    let child = Killed(child);
    let port = first.trim().parse().unwrap_or_else(|_| panic!("sntp_server.py said {first:?}"));
    (child, port, log)
}

/// Runs the client against `port` to its end (within 10 s).
fn run_client(port: u16) -> Output {
    let mut child = Command::new(client())
        .current_dir(root())
        .arg(format!("udp://127.0.0.1:{port}"))
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sntp_client");
    let end = Instant::now() + Duration::from_secs(10);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > end {
            let _ = child.kill();
            panic!("sntp_client did not finish within 10 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("its output")
}

/// The milliseconds of the line starting with `label` in the client's output.
fn millis_of(out: &str, label: &str) -> u64 {
    let line = out.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("{out}"));
    let inner = line.rsplit_once('(').and_then(|(_, r)| r.split_once(' ')).map(|(n, _)| n);
    inner.and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no ms in {line:?}"))
}

/// The server saw exactly one request: 48 bytes, version 4, client mode.
fn check_request(log: &PathBuf) {
    let seen = std::fs::read_to_string(log).unwrap();
    assert_eq!(seen, "request 48 bytes, first byte 0x23\n", "requests: {seen}");
}

#[test]
fn gets_a_fixed_time() {
    // 2031-07-03T12:34:56.750Z.
    let (_srv, port, log) = python_server("good", Some("1940848496.75"));
    let out = run_client(port);
    let text = show(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("SNTP time: 2031-07-03T12:34:56.75"), "{text}");
    let t = millis_of(&text, "SNTP time:");
    assert!((1_940_848_496_750..1_940_848_496_850).contains(&t), "{text}");
    let now = millis_of(&text, "mg_now():");
    assert!(now >= t && now < t + 100, "{text}");
    check_request(&log);
}

#[test]
fn gets_the_current_time_from_v3_and_v4_servers() {
    for mode in ["good", "v3"] {
        let (_srv, port, log) = python_server(mode, None);
        let out = run_client(port);
        let text = show(&out);
        assert!(out.status.success(), "{mode}: {text}");
        let clock = millis_of(&text, "Clock:");
        let t = millis_of(&text, "SNTP time:");
        assert!(t + 2000 > clock && t < clock + 2000, "{mode}: {text}");
        check_request(&log);
    }
}

#[test]
fn reports_bad_answers() {
    let cases = [
        ("kod", "kiss-of-death from server (code DENY)"),
        ("alarm", "leap indicator alarm"),
        ("echo", "not a server reply (mode 3)"),
        ("short", "short reply (40 bytes, need 48)"),
        ("forge", "reply does not match our request (originate timestamp)"),
    ];
    for (mode, want) in cases {
        let (_srv, port, log) = python_server(mode, Some("1940848496.75"));
        let out = run_client(port);
        let text = show(&out);
        assert_eq!(out.status.code(), Some(1), "{mode}: {text}");
        assert!(text.contains(want), "{mode}: {text}");
        assert!(!text.contains("SNTP time:"), "{mode}: {text}");
        check_request(&log);
    }
}
