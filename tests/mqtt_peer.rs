//! MQTT against real peers, over loopback:
//! - our client (`tests/mqtt/peer_client.c`, and `c_examples/mqtt_client.c`)
//!   against mosquitto (Debian's broker), started by each test on free ports
//!   with a conf file the test writes: a plain listener, a WebSocket listener
//!   and a TLS listener with the certificates in `tests/tls`;
//! - paho-mqtt clients (`tests/py/mqtt_paho.py`) against
//!   `c_examples/mqtt_broker.c`.
//!
//! `scripts/install-mqtt-peers.sh` installs both peers (mosquitto with
//! apt-get as root, paho-mqtt into a virtualenv under the target directory);
//! the tests run it once. When a peer cannot be installed the tests fail,
//! saying why: they never pass without running.
mod common;
use common::{compile, out_dir, profile_dir, root, run_with_timeout, show, Link};

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The virtualenv with paho-mqtt, and mosquitto installed, once per run.
fn peers() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = profile_dir().parent().expect("target dir").join("pyenv-mqtt");
        let out = Command::new("bash")
            .arg(root().join("scripts/install-mqtt-peers.sh"))
            .env("MQTT_VENV", &venv)
            .output()
            .expect("run scripts/install-mqtt-peers.sh");
        assert!(
            out.status.success(),
            "scripts/install-mqtt-peers.sh failed (it needs root for apt-get, or mosquitto \
             installed, and python3 with venv and access to PyPI):\n{}",
            show(&out)
        );
        venv
    })
}

fn mosquitto_bin() -> PathBuf {
    peers();
    for p in ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    PathBuf::from("mosquitto")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_port(child: &mut Child, port: u16, what: &str, log: &Path) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let end = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if let Ok(Some(st)) = child.try_wait() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            panic!("{what} exited ({st}) before listening on {port}:\n{text}");
        }
        assert!(Instant::now() < end, "{what} never listened on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A mosquitto with a plain, a WebSocket and a TLS listener.
struct Mosquitto {
    _child: Killed,
    plain: u16,
    ws: u16,
    tls: u16,
}

impl Mosquitto {
    fn start(tag: &str) -> Mosquitto {
        let (plain, ws, tls) = (free_port(), free_port(), free_port());
        let tls_dir = root().join("tests/tls");
        // Running as root, mosquitto would switch to its own user, which may
        // not read the certificates here: `user root` keeps the current one.
        let user_line = if is_root() { "user root\n" } else { "" };
        let conf = format!(
            "per_listener_settings false\nallow_anonymous true\npersistence false\n\
             max_queued_messages 0\nlog_dest stderr\n{user_line}\
             listener {plain} 127.0.0.1\n\
             listener {ws} 127.0.0.1\nprotocol websockets\n\
             listener {tls} 127.0.0.1\ncertfile {}\nkeyfile {}\n",
            tls_dir.join("server.pem").display(),
            tls_dir.join("server.key").display(),
        );
        let conf_path = out_dir().join(format!("mosquitto_{tag}.conf"));
        std::fs::write(&conf_path, conf).unwrap();
        let log = out_dir().join(format!("mosquitto_{tag}.log"));
        let mut child = Command::new(mosquitto_bin())
            .arg("-c")
            .arg(&conf_path)
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start mosquitto");
        for port in [plain, ws, tls] {
            wait_port(&mut child, port, "mosquitto", &log);
        }
        Mosquitto { _child: Killed(child), plain, ws, tls }
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A C program compiled against the library, once per run.
fn program(src: &str, name: &str) -> PathBuf {
    static BUILT: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = built.iter().find(|(n, _)| n == name) {
        return p.clone();
    }
    let exe = compile(&root().join(src), Link::Shared, &[]);
    let dest = out_dir().join(name);
    std::fs::rename(&exe, &dest).expect("rename program");
    built.push((name.to_string(), dest.clone()));
    dest
}

/// Runs one scenario of tests/mqtt/peer_client.c against `url`.
fn peer_client(scenario: &str, url: &str, version: u8) {
    let exe = program("tests/mqtt/peer_client.c", "mqtt_peer_client");
    let out = run_with_timeout(
        Command::new(exe).current_dir(root()).args([scenario, url, &version.to_string()]),
        Duration::from_secs(120),
    );
    let text = show(&out);
    println!("{text}");
    assert!(out.status.success(), "{scenario} against mosquitto ({url}, v{version}):\n{text}");
}

fn against_mosquitto(scenario: &str) {
    let m = Mosquitto::start(scenario);
    for v in [4, 5] {
        peer_client(scenario, &format!("mqtt://127.0.0.1:{}", m.plain), v);
    }
}

#[test]
fn mosquitto_qos_0_1_2_both_ways() {
    against_mosquitto("qos");
}

#[test]
fn mosquitto_retained() {
    against_mosquitto("retained");
}

#[test]
fn mosquitto_unsubscribe() {
    against_mosquitto("unsub");
}

#[test]
fn mosquitto_ping() {
    against_mosquitto("ping");
}

#[test]
fn mosquitto_256k_payload() {
    against_mosquitto("big");
}

#[test]
fn mosquitto_10000_messages_in_order() {
    against_mosquitto("many");
}

#[test]
fn mosquitto_will() {
    against_mosquitto("will");
}

#[test]
fn mosquitto_over_websocket() {
    let m = Mosquitto::start("ws");
    for v in [4, 5] {
        peer_client("ws", &format!("ws://127.0.0.1:{}/mqtt", m.ws), v);
    }
}

#[test]
fn mosquitto_over_tls() {
    let m = Mosquitto::start("tls");
    for v in [4, 5] {
        peer_client("qos", &format!("mqtts://127.0.0.1:{}", m.tls), v);
    }
}

fn paho(port: u16, args: &[&str]) {
    let py = peers().join("bin/python");
    let out = run_with_timeout(
        Command::new(py)
            .current_dir(root())
            .arg(root().join("tests/py/mqtt_paho.py"))
            .arg(port.to_string())
            .args(args),
        Duration::from_secs(120),
    );
    let text = show(&out);
    println!("{text}");
    assert!(out.status.success(), "paho {args:?}:\n{text}");
}

/// The example client, through mosquitto, seen by a paho client: its hello,
/// an echo, and its will after a SIGKILL; MQTT 3.1.1, 5 and over TLS.
#[test]
fn example_client_against_mosquitto() {
    let exe = program("c_examples/mqtt_client.c", "mqtt_peer_example_client");
    let exe = exe.to_str().unwrap();
    let m = Mosquitto::start("example");
    let plain = format!("mqtt://127.0.0.1:{}", m.plain);
    let tls = format!("mqtts://127.0.0.1:{}", m.tls);
    paho(m.plain, &["example_client", exe, "-u", &plain, "-V", "4"]);
    paho(m.plain, &["example_client", exe, "-u", &plain, "-V", "5"]);
    paho(m.plain, &["example_client", exe, "-u", &tls, "-C", "tests/tls/ca.pem"]);
}

/// Starts c_examples/mqtt_broker on a free port.
fn our_broker(tag: &str) -> (Killed, u16) {
    let exe = program("c_examples/mqtt_broker.c", "mqtt_peer_broker");
    let port = free_port();
    let log = out_dir().join(format!("mqtt_broker_{tag}.log"));
    let mut child = Command::new(exe)
        .args(["-l", &format!("mqtt://127.0.0.1:{port}")])
        .env_remove("LD_LIBRARY_PATH")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start mqtt_broker");
    wait_port(&mut child, port, "mqtt_broker", &log);
    (Killed(child), port)
}

fn paho_against_broker(scenario: &str) {
    let (_broker, port) = our_broker(scenario);
    paho(port, &[scenario]);
}

#[test]
fn broker_wildcards() {
    paho_against_broker("wildcards");
}

#[test]
fn broker_retained() {
    paho_against_broker("retained");
}

#[test]
fn broker_wills() {
    paho_against_broker("will");
}

#[test]
fn broker_keepalive_expiry() {
    paho_against_broker("keepalive");
}

#[test]
fn broker_mqtt5_properties() {
    paho_against_broker("props");
}

#[test]
fn broker_qos() {
    paho_against_broker("qos");
}
