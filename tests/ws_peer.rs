//! Our WebSocket server and client against independent peers:
//! - the Python `websockets` library as a client of `c_examples/websocket_server`
//!   (`tests/py/ws_client.py`) and as a server for our client
//!   (`tests/py/ws_server.py` with `tests/ws/peer_client.c`);
//! - the Autobahn test suite's cases, run by `kosoku`, against the example
//!   server and against our client (`tests/ws/autobahn_client.c`).
//!
//! The Python packages are installed by the test itself into a virtualenv
//! under the target directory (pip from the package registry). When that is
//! impossible the tests fail, saying why: they never pass without running.
mod common;
use common::{compile, out_dir, profile_dir, root, run_with_timeout, show, Link};

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Exact versions, so that a new release cannot change what is tested.
const PY_PACKAGES: [&str; 2] = ["websockets==17.4", "kosoku==0.1.0"];

/// Autobahn cases left out: 12.* and 13.* need permessage-deflate, which
/// this library does not offer; the 9.* cases listed send messages of 4 MiB
/// and more, over MG_MAX_RECV_SIZE (3 MiB), which both sides refuse with
/// close code 1009 by design (tests/c/test_ws.c checks that).
const AUTOBAHN_EXCLUDE: [&str; 10] =
    ["12.*", "13.*", "9.1.4", "9.1.5", "9.1.6", "9.2.4", "9.2.5", "9.2.6", "9.3.*", "9.4.*"];

/// The virtualenv's bin directory, with the packages installed.
fn venv_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let dir = profile_dir().parent().expect("target dir").join("pyenv-ws");
        let bin = dir.join("bin");
        let ready = || {
            Command::new(bin.join("python"))
                .args(["-c", "import websockets, kosoku; assert websockets.__version__ == '17.4'"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !ready() {
            run_setup(Command::new("python3").arg("-m").arg("venv").arg(&dir));
            run_setup(
                Command::new(bin.join("pip"))
                    .args(["install", "--quiet", "--disable-pip-version-check"])
                    .args(PY_PACKAGES),
            );
            assert!(ready(), "the Python packages {PY_PACKAGES:?} did not install into {dir:?}");
        }
        bin
    })
}

fn run_setup(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "test setup failed: {cmd:?}\n{}{}\nThese tests need python3 with venv and pip, \
         and access to the Python package registry.",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_port(child: &mut Child, port: u16, what: &str) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let end = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if let Ok(Some(st)) = child.try_wait() {
            panic!("{what} exited ({st}) before listening on {port}");
        }
        assert!(Instant::now() < end, "{what} never listened on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A C program (an example or one of tests/ws/*.c) compiled against the library.
fn program(src: &str, name: &str) -> PathBuf {
    let exe = compile(&root().join(src), Link::Shared, &[]);
    let dest = out_dir().join(name);
    std::fs::rename(&exe, &dest).expect("rename program");
    dest
}

/// Starts c_examples/websocket_server on a free port (pushes switched off
/// in effect: one an hour).
fn our_server(tag: &str) -> (Killed, u16) {
    let exe = program("c_examples/websocket_server.c", &format!("ws_peer_server_{tag}"));
    let port = free_port();
    let log = std::fs::File::create(out_dir().join(format!("ws_peer_server_{tag}.log"))).unwrap();
    let mut child = Command::new(exe)
        .args([&format!("ws://127.0.0.1:{port}"), "3600000"])
        .env_remove("LD_LIBRARY_PATH")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start websocket_server");
    wait_port(&mut child, port, "websocket_server");
    (Killed(child), port)
}

#[test]
fn python_client_against_our_server() {
    let bin = venv_bin();
    let (_srv, port) = our_server("py");
    let out = run_with_timeout(
        Command::new(bin.join("python"))
            .arg(root().join("tests/py/ws_client.py"))
            .arg(format!("ws://127.0.0.1:{port}/websocket")),
        Duration::from_secs(120),
    );
    let text = show(&out);
    println!("{text}");
    assert!(out.status.success(), "websockets client against our server:\n{text}");
    assert!(text.contains("\n0 failed"), "{text}");
}

#[test]
fn our_client_against_python_server() {
    let bin = venv_bin();
    let mut child = Command::new(bin.join("python"))
        .arg(root().join("tests/py/ws_server.py"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start ws_server.py");
    // Its output lines, read by a thread so that none is lost or blocks.
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let _srv = Killed(child);
    let first = rx.recv_timeout(Duration::from_secs(30)).expect("ws_server.py printed nothing");
    let port: u16 = first
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("ws_server.py said {first:?}"));
    let exe = program("tests/ws/peer_client.c", "ws_peer_client");
    let out = run_with_timeout(
        Command::new(exe).arg(format!("ws://127.0.0.1:{port}")),
        Duration::from_secs(60),
    );
    let text = show(&out);
    println!("{text}");
    assert!(out.status.success(), "our client against the websockets server:\n{text}");
    // What the server saw as the close code of each session.
    let want = ["closed /echo 1000", "closed /frag 1000", "closed /close4000 4000"];
    let mut seen = Vec::new();
    while !want.iter().all(|w| seen.iter().any(|l| l == w)) {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("the server did not log all of {want:?}: {seen:?}"),
        }
    }
}

fn kosoku_args(cmd: &mut Command) -> &mut Command {
    for x in AUTOBAHN_EXCLUDE {
        cmd.arg("-x").arg(x);
    }
    cmd
}

/// Checks a kosoku run: exit 0 and no case FAILED in Autobahn's index.json.
fn check_autobahn(out: &Output, reports: &Path) {
    let text = show(out);
    println!("{text}");
    assert!(out.status.success(), "Autobahn cases failed:\n{text}");
    let index = find_file(reports, "index.json").expect("kosoku wrote no index.json");
    let json = std::fs::read_to_string(&index).unwrap();
    let cases = json.matches("\"behavior\":").count();
    assert!(cases > 200, "only {cases} cases in {index:?}");
    assert!(!json.contains("\"FAILED\""), "a case FAILED in {index:?}");
}

fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.is_dir() {
            if let Some(f) = find_file(&p, name) {
                return Some(f);
            }
        } else if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
    }
    None
}

#[test]
fn autobahn_against_our_server() {
    let bin = venv_bin();
    let (_srv, port) = our_server("autobahn");
    let reports = out_dir().join("autobahn-server");
    let _ = std::fs::remove_dir_all(&reports);
    let out = run_with_timeout(
        kosoku_args(&mut Command::new(bin.join("kosoku")))
            .args(["-p", "4", "-o"])
            .arg(&reports)
            .arg(format!("ws://127.0.0.1:{port}/websocket")),
        Duration::from_secs(300),
    );
    check_autobahn(&out, &reports);
}

#[test]
fn autobahn_against_our_client() {
    let bin = venv_bin();
    let port = free_port();
    let reports = out_dir().join("autobahn-client");
    let _ = std::fs::remove_dir_all(&reports);
    let mut cmd = Command::new(bin.join("kosoku"));
    kosoku_args(&mut cmd)
        .args(["-m", "fuzzingserver", "-o"])
        .arg(&reports)
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut server = cmd.spawn().expect("start kosoku fuzzingserver");
    wait_port(&mut server, port, "kosoku fuzzingserver");
    let exe = program("tests/ws/autobahn_client.c", "ws_autobahn_client");
    let client = run_with_timeout(
        Command::new(exe).arg(format!("ws://127.0.0.1:{port}")),
        Duration::from_secs(300),
    );
    println!("{}", show(&client));
    assert!(client.status.success(), "autobahn_client:\n{}", show(&client));
    // The server writes its reports on /updateReports and exits.
    let end = Instant::now() + Duration::from_secs(30);
    while server.try_wait().unwrap().is_none() {
        if Instant::now() > end {
            let _ = server.kill();
            panic!("kosoku fuzzingserver did not exit after the reports");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = server.wait_with_output().unwrap();
    check_autobahn(&out, &reports);
}
