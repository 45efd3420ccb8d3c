//! The resolver and the DNS message API against real peers over loopback:
//! - `tests/py/dns_server.py` (a dnslib responder with slow, silent,
//!   NXDOMAIN, empty, CNAME, SERVFAIL, spoofed-id, wrong-question, garbage,
//!   compression-loop, counts-past-the-end and cut-short answers) and
//!   dnsmasq answer `c_examples/dns_lookup.c`;
//! - `/etc/hosts` and `/etc/resolv.conf` are test copies named by
//!   `MONGOOSE_HOSTS` and `MONGOOSE_RESOLV_CONF` (the machine's are not
//!   read), with a dead first nameserver;
//! - `tests/dns/dns_timer.c` checks that a 20 ms timer keeps firing while 50
//!   lookups are pending;
//! - `c_examples/captive_dns_server.c` is asked by dig and dnspython;
//! - `tests/dns/sntp_time_sync.c` (Mongoose's sntp-time-sync style: polls
//!   `mg_boot_timestamp_ms`, prints `mg_now()`) against
//!   `tests/py/sntp_server.py`.
//!
//! The Python peers come from the virtualenv `scripts/dns-peers.sh` makes
//! (target/pyenv-dns); dnsmasq and dig from Debian.
mod common;
use common::{compile, out_dir, root, Link};

use std::collections::HashMap;
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

/// The Python of the test virtualenv.
fn python() -> PathBuf {
    let p = std::env::var_os("DNS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/pyenv-dns/bin/python"));
    assert!(p.exists(), "{} is missing: run scripts/dns-peers.sh", p.display());
    p
}

/// A C program compiled once per test run, under its own name.
fn program(src: &str) -> PathBuf {
    static EXES: OnceLock<std::sync::Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let mut m = EXES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    m.entry(src.to_string())
        .or_insert_with(|| {
            let exe = compile(&root().join(src), Link::Shared, &[]);
            let name = format!("dnspeer_{}", exe.file_name().unwrap().to_string_lossy());
            let dest = out_dir().join(name);
            std::fs::rename(&exe, &dest).expect("move the program");
            dest
        })
        .clone()
}

/// Starts `tests/py/dns_server.py` on `addr:port` (port 0: a free one);
/// returns it, its port and its log (stderr).
fn dns_server(addr: &str, port: u16, silent: bool, tag: &str) -> (Killed, u16, PathBuf) {
    let log = out_dir().join(format!("dns_server_{tag}.log"));
    let mut child = Command::new(python())
        .current_dir(root())
        .arg("tests/py/dns_server.py")
        .arg(addr)
        .arg(port.to_string())
        .env("DNS_SILENT", if silent { "1" } else { "0" })
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start tests/py/dns_server.py");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).expect("its port");
    let child = Killed(child);
    let port = first.trim().parse().unwrap_or_else(|_| {
        panic!(
            "dns_server.py said {first:?}: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        )
    });
    (child, port, log)
}

/// Runs a program to its end (within `secs` seconds) with extra environment.
fn run(exe: &PathBuf, args: &[&str], env: &[(&str, &str)], secs: u64) -> Output {
    let mut cmd = Command::new(exe);
    cmd.current_dir(root())
        .args(args)
        .env_remove("LD_LIBRARY_PATH")
        // Never the machine's files: an empty hosts file unless a test
        // gives one, and a resolv.conf naming no server.
        .env("MONGOOSE_HOSTS", "/dev/null")
        .env("MONGOOSE_RESOLV_CONF", "/dev/null")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start the program");
    let end = Instant::now() + Duration::from_secs(secs);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > end {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{} did not finish within {secs} s:\n{}{}",
                exe.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("its output")
}

/// Runs dns_lookup and returns its answer per name ("ADDRESS" or
/// "error: MESSAGE"), with its whole output for messages.
fn lookup(args: &[&str], env: &[(&str, &str)]) -> (HashMap<String, String>, String) {
    let out = run(&program("c_examples/dns_lookup.c"), args, env, 20);
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut m = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some((name, rest)) = line.split_once(' ') {
            m.insert(name.to_string(), rest.to_string());
        }
    }
    (m, text)
}

fn expect(m: &HashMap<String, String>, text: &str, name: &str, want: &str) {
    assert_eq!(m.get(name).map(String::as_str), Some(want), "{name}:\n{text}");
}

#[test]
fn scripted_answers_good_and_hostile() {
    let (_srv, port, log) = dns_server("127.0.0.1", 0, false, "scripted");
    let url = format!("udp://127.0.0.1:{port}");
    let names = [
        "ok5.test",
        "OK5.test",
        "slow.test",
        "nx.test",
        "empty.test",
        "cname.test",
        "spoof.test",
        "wrongq.test",
        "garbage.test",
        "loop.test",
        "counts.test",
        "cut.test",
        "servfail.test",
        "silent.test",
        "127.0.0.8",
        "[::1]",
        "localhost",
    ];
    let mut args = vec!["-s", &url, "-t", "1500"];
    args.extend(names);
    program("c_examples/dns_lookup.c"); // compiled before the clock starts
    let start = Instant::now();
    let (m, text) = lookup(&args, &[]);
    let took = start.elapsed();
    expect(&m, &text, "ok5.test", "127.0.0.5");
    expect(&m, &text, "OK5.test", "127.0.0.5");
    expect(&m, &text, "slow.test", "127.0.0.9");
    expect(&m, &text, "nx.test", "error: nx.test DNS lookup failed");
    expect(&m, &text, "empty.test", "error: empty.test DNS lookup failed");
    expect(&m, &text, "cname.test", "127.0.0.22");
    expect(&m, &text, "spoof.test", "127.0.0.33");
    expect(&m, &text, "wrongq.test", "127.0.0.34");
    expect(&m, &text, "garbage.test", "127.0.0.44");
    expect(&m, &text, "loop.test", "127.0.0.55");
    expect(&m, &text, "counts.test", "127.0.0.66");
    expect(&m, &text, "cut.test", "127.0.0.77");
    expect(&m, &text, "servfail.test", "error: servfail.test DNS lookup failed");
    expect(&m, &text, "silent.test", "error: DNS timeout");
    expect(&m, &text, "127.0.0.8", "127.0.0.8");
    expect(&m, &text, "[::1]", "[0:0:0:0:0:0:0:1]");
    expect(&m, &text, "localhost", "127.0.0.1");
    // All at once: the whole run is about one timeout long.
    assert!(took < Duration::from_millis(4000), "took {took:?}:\n{text}");
    let log = std::fs::read_to_string(log).unwrap();
    // One question serves both spellings of ok5.test; literals ask nobody.
    assert_eq!(log.matches("QUERY ok5.test. A").count(), 1, "{log}");
    assert!(!log.contains("localhost") && !log.contains("127.0.0.8"), "{log}");
    // Random ids: not all the same, not a counter from 0.
    let ids: std::collections::HashSet<&str> =
        log.lines().filter_map(|l| l.split(' ').nth(3)).collect();
    assert!(ids.len() >= 10, "{log}");
}

/// A server whose port is closed: the kernel's "connection refused" on the
/// connected UDP socket fails the lookup at once with Mongoose's "DNS error".
#[test]
fn unreachable_server_fails_at_once() {
    let port = free_port();
    let url = format!("udp://127.0.0.1:{port}");
    program("c_examples/dns_lookup.c");
    let start = Instant::now();
    let (m, text) = lookup(&["-s", &url, "-t", "5000", "ok1.test"], &[]);
    expect(&m, &text, "ok1.test", "error: DNS error");
    assert!(start.elapsed() < Duration::from_millis(2500), "{text}");
}

#[test]
fn aaaa_lookups() {
    let (_srv, port, log) = dns_server("127.0.0.1", 0, false, "aaaa");
    let url = format!("udp://127.0.0.1:{port}");
    let (m, text) = lookup(&["-s", &url, "-6", "ok7.test"], &[]);
    expect(&m, &text, "ok7.test", "[0:0:0:0:0:0:0:7]");
    assert!(std::fs::read_to_string(log).unwrap().contains("QUERY ok7.test. AAAA"));
}

#[test]
fn timer_keeps_firing_while_lookups_wait() {
    let (_srv, port, _log) = dns_server("127.0.0.1", 0, false, "timer");
    let url = format!("udp://127.0.0.1:{port}");
    let out = run(&program("tests/dns/dns_timer.c"), &[&url], &[], 20);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("PASS"), "{text}");
}

/// /etc/hosts first, then the nameservers of resolv.conf in order: the
/// first (at 127.0.53.1:53) never answers, the second (127.0.53.2:53) does.
/// Binding port 53 needs root, as the tests run here and in CI.
#[test]
fn hosts_then_resolv_conf_nameservers_in_order() {
    let (_dead, _, dead_log) = dns_server("127.0.53.1", 53, true, "dead");
    let (_live, _, live_log) = dns_server("127.0.53.2", 53, false, "live");
    let dir = out_dir();
    let hosts = dir.join("dns_test_hosts");
    let resolv = dir.join("dns_test_resolv.conf");
    std::fs::write(&hosts, "# test copy\n127.0.0.42 fromhosts.test alias.test\n").unwrap();
    std::fs::write(&resolv, "search test\nnameserver 127.0.53.1\nnameserver 127.0.53.2\n").unwrap();
    let env = [
        ("MONGOOSE_HOSTS", hosts.to_str().unwrap()),
        ("MONGOOSE_RESOLV_CONF", resolv.to_str().unwrap()),
    ];
    program("c_examples/dns_lookup.c");
    let start = Instant::now();
    let (m, text) = lookup(&["-t", "1000", "fromhosts.test", "alias.test", "ok3.test"], &env);
    let took = start.elapsed();
    expect(&m, &text, "fromhosts.test", "127.0.0.42");
    expect(&m, &text, "alias.test", "127.0.0.42");
    expect(&m, &text, "ok3.test", "127.0.0.3");
    // The first server had half of the 1000 ms before the second was asked.
    assert!(took >= Duration::from_millis(450), "took {took:?}");
    let dead = std::fs::read_to_string(&dead_log).unwrap();
    let live = std::fs::read_to_string(&live_log).unwrap();
    assert!(dead.contains("QUERY ok3.test. A") && live.contains("QUERY ok3.test. A"));
    assert!(!dead.contains("fromhosts") && !live.contains("fromhosts"), "{dead}{live}");
    // Every server silent: "DNS timeout" after mgr.dnstimeout in all.
    std::fs::write(&resolv, "nameserver 127.0.53.1\n").unwrap();
    let start = Instant::now();
    let (m, text) = lookup(&["-t", "600", "ok4.test"], &env);
    expect(&m, &text, "ok4.test", "error: DNS timeout");
    assert!(start.elapsed() < Duration::from_millis(3000));
    // A server the program names comes before resolv.conf's.
    let (_other, port, other_log) = dns_server("127.0.0.1", 0, false, "named");
    let url = format!("udp://127.0.0.1:{port}");
    let (m, text) = lookup(&["-s", &url, "ok6.test"], &env);
    expect(&m, &text, "ok6.test", "127.0.0.6");
    assert!(std::fs::read_to_string(other_log).unwrap().contains("ok6.test"));
    assert!(!std::fs::read_to_string(dead_log).unwrap().contains("ok6.test"));
}

/// A port on 127.0.0.1 free for both UDP and TCP (dnsmasq takes both),
/// released for the peer to take.
fn free_port() -> u16 {
    loop {
        let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = u.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Starts dnsmasq with `args` on a free port; returns it and the port.
fn dnsmasq(args: &[&str]) -> (Killed, u16) {
    let log = out_dir().join("dnsmasq.log");
    for _ in 0..5 {
        let port = free_port();
        let child = Command::new("dnsmasq")
            .args(["-k", "--conf-file=/dev/null", "-p", &port.to_string()])
            .args(["--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts"])
            .args(["--user=root", "--pid-file=", "--log-queries", "--log-facility=-"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start dnsmasq (Debian dnsmasq-base)");
        let mut k = Killed(child);
        std::thread::sleep(Duration::from_millis(300));
        if k.0.try_wait().expect("try_wait").is_none() {
            return (k, port);
        }
        // It lost the port to someone else in between: another one.
    }
    panic!("dnsmasq would not start: {}", std::fs::read_to_string(&log).unwrap_or_default());
}

#[test]
fn dnsmasq_real_peer() {
    let (_dnsmasq, port) = dnsmasq(&[
        "--address=/real.test/127.0.0.7",
        "--address=/real.test/::7",
        "--host-record=host.test,127.0.0.8",
        "--cname=alias.test,host.test",
    ]);
    let url = format!("udp://127.0.0.1:{port}");
    let (m, text) = lookup(&["-s", &url, "real.test", "www.real.test", "alias.test"], &[]);
    expect(&m, &text, "real.test", "127.0.0.7");
    expect(&m, &text, "www.real.test", "127.0.0.7");
    expect(&m, &text, "alias.test", "127.0.0.8");
    let (m, text) = lookup(&["-s", &url, "-6", "real.test"], &[]);
    expect(&m, &text, "real.test", "[0:0:0:0:0:0:0:7]");
    // A name dnsmasq has no answer for (and no upstream to ask).
    let (m, text) = lookup(&["-s", &url, "-t", "1000", "unknown.invalid"], &[]);
    assert!(m.get("unknown.invalid").is_some_and(|v| v.starts_with("error: ")), "{text}");
}

#[test]
fn captive_dns_server_answers_dig_and_dnspython() {
    let mut child = Command::new(program("c_examples/captive_dns_server.c"))
        .current_dir(root())
        .args(["udp://127.0.0.1:0", "10.9.8.7"])
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start captive_dns_server");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let _srv = Killed(child);
    let port: u16 = first.trim().parse().expect("its port");
    let dig = Command::new("dig")
        .args(["+short", "+time=2", "+tries=1", "-4", "@127.0.0.1", "-p", &port.to_string()])
        .args(["-t", "A", "www.example.com"])
        .output()
        .expect("run dig (Debian bind9-dnsutils)");
    assert_eq!(String::from_utf8_lossy(&dig.stdout).trim(), "10.9.8.7");
    let script = format!(
        "import dns.message, dns.query, dns.rcode\n\
         q = dns.message.make_query('portal.example.org', 'A')\n\
         r = dns.query.udp(q, '127.0.0.1', port={port}, timeout=2)\n\
         assert r.id == q.id and r.rcode() == dns.rcode.NOERROR\n\
         assert r.flags & 0x400, 'authoritative'\n\
         print([a.to_text() for rr in r.answer for a in rr])\n\
         q = dns.message.make_query('portal.example.org', 'TXT')\n\
         r = dns.query.udp(q, '127.0.0.1', port={port}, timeout=2)\n\
         print(len(r.answer))\n"
    );
    let out = Command::new(python()).args(["-c", &script]).output().expect("run dnspython");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(text.trim(), "['10.9.8.7']\n0");
}

#[test]
fn sntp_time_sync_sets_the_boot_timestamp() {
    // The server answers with 2030-01-01T00:00:00Z.
    const T_2030_MS: u64 = 1_893_456_000_000;
    let mut child = Command::new("python3")
        .current_dir(root())
        .args(["tests/py/sntp_server.py", "good", "1893456000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tests/py/sntp_server.py");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let _srv = Killed(child);
    let url = format!("udp://127.0.0.1:{}", first.trim());
    let out = run(&program("tests/dns/sntp_time_sync.c"), &[&url], &[], 10);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    let nums: Vec<u64> = text.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    let [boot, now, millis] = nums[..] else { panic!("{text}") };
    // mg_now() is mg_millis() + mg_boot_timestamp_ms (read just after).
    assert!((0..=2).contains(&(now - (boot + millis))), "{text}");
    assert!(now.abs_diff(T_2030_MS) < 2000, "{text}");
}
