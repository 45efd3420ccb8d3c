//! JWT against an independent implementation: `c_examples/jwt_auth` (our
//! `mg_jwt_*` functions, in the style of Mongoose's jwt-auth tutorial) and
//! PyJWT with `cryptography` (`tests/py/jwt_check.py`). Tokens are checked in
//! both directions, and tampered, expired, not-yet-valid and `alg: none`
//! tokens must be refused.
//!
//! The Python packages are installed by the test into a virtualenv under the
//! target directory (pip from the package registry). When that is impossible
//! the test fails, saying why: it never passes without running.
mod common;
use common::{compile, out_dir, profile_dir, root, run_with_timeout, Link};

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Exact versions, so that a new release cannot change what is tested.
const PY_PACKAGES: [&str; 2] = ["PyJWT==2.10.1", "cryptography==44.0.0"];

fn venv_bin() -> PathBuf {
    let dir = profile_dir().parent().expect("target dir").join("pyenv-jwt");
    let bin = dir.join("bin");
    let ready = || {
        Command::new(bin.join("python"))
            .args(["-c", "import jwt, cryptography; assert jwt.__version__ == '2.10.1'"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !ready() {
        setup(Command::new("python3").arg("-m").arg("venv").arg(&dir));
        setup(
            Command::new(bin.join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(PY_PACKAGES),
        );
        assert!(ready(), "the Python packages {PY_PACKAGES:?} did not install into {dir:?}");
    }
    bin
}

fn setup(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "test setup failed: {cmd:?}\n{}{}\nThis test needs python3 with venv and pip, \
         and access to the Python package registry.",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn pyjwt_and_our_tokens_both_ways() {
    let bin = venv_bin();
    let exe = compile(&root().join("c_examples/jwt_auth.c"), Link::Shared, &[]);
    let dest = out_dir().join("jwt_peer_server");
    std::fs::rename(&exe, &dest).expect("rename program");
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = std::fs::File::create(out_dir().join("jwt_peer_server.log")).unwrap();
    let mut child = Command::new(&dest)
        .arg(format!("http://127.0.0.1:{port}"))
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start jwt_auth");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let end = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(child.try_wait().unwrap().is_none(), "jwt_auth exited early");
        assert!(Instant::now() < end, "jwt_auth never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
    let server = Killed(child);
    let out = run_with_timeout(
        Command::new(bin.join("python"))
            .arg(root().join("tests/py/jwt_check.py"))
            .arg(port.to_string())
            .arg(root().join("tests/jwt/ec_key.pem")),
        Duration::from_secs(120),
    );
    drop(server);
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{text}");
    assert!(out.status.success(), "jwt_check.py failed:\n{text}");
    assert!(text.contains("0 failures"), "{text}");
}
