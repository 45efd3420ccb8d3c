//! mDNS against an independent peer, Python zeroconf (with dnspython for a
//! one-shot unicast question), over multicast on the loopback interface of
//! a private network namespace (`unshare -n`, as root): the machine's own
//! interfaces have no multicast route, and a namespace keeps the test's
//! datagrams off them.
//! - `c_examples/mdns_server.c` (mg_mdns_listen, MG_EV_MDNS_REQ) is found
//!   by zeroconf's service browser (PTR), resolved (SRV, TXT, A) and asked
//!   for its A record by unicast;
//! - `c_examples/dns_lookup.c -m` resolves a `.local` name that zeroconf
//!   serves, through mg_connect (mg_mdns_listen, the resolver, mDNS answers
//!   as MG_EV_MDNS_RESP), and reports "mDNS timeout" for one nobody serves;
//! - `c_examples/mdns_browse.c` (mg_mdns_query, MG_EV_MDNS_RESP) finds the
//!   service zeroconf registers, with its port, TXT and address;
//! - `c_examples/ssdp_search.c` (mg_connect to a multicast group,
//!   mg_multicast_restore) finds a Python SSDP device, searching the group
//!   again after each unicast answer.
mod common;
use common::{compile, out_dir, root, Link};

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

fn python() -> PathBuf {
    let p = root().join("target/pyenv-dns/bin/python");
    assert!(p.exists(), "{} is missing: run scripts/dns-peers.sh", p.display());
    p
}

/// A C example compiled once per run, under its own name.
fn example(name: &str) -> PathBuf {
    static LOCK: OnceLock<std::sync::Mutex<()>> = OnceLock::new();
    let _g = LOCK.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let dest = out_dir().join(format!("mdnspeer_{name}"));
    let exe = compile(&root().join(format!("c_examples/{name}.c")), Link::Shared, &[]);
    std::fs::rename(&exe, &dest).expect("move the example");
    dest
}

/// Runs `script` with `sh` in a new network namespace whose loopback
/// interface is up, multicast-capable and routes 224.0.0.0/4; returns
/// its output. Fails when the namespace cannot be made.
fn in_netns(script: &str) -> String {
    let setup = "set -e; ip link set lo up; ip link set lo multicast on; \
                 ip route add 224.0.0.0/4 dev lo src 127.0.0.1; set +e; ";
    let out = Command::new("timeout")
        .args(["60", "unshare", "-n", "sh", "-c"])
        .arg(format!("{setup}{script}"))
        .current_dir(root())
        .env_remove("LD_LIBRARY_PATH")
        .env("MONGOOSE_HOSTS", "/dev/null")
        .env("MONGOOSE_RESOLV_CONF", "/dev/null")
        .output()
        .expect("run unshare (util-linux)");
    let text = format!(
        "{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("unshare failed") && !text.contains("Operation not permitted"),
        "a network namespace is needed for the multicast test (root):\n{text}"
    );
    text
}

#[test]
fn zeroconf_finds_and_resolves_our_responder() {
    let server = example("mdns_server");
    let py = python();
    let script = format!(
        "{srv} box 127.0.0.88 > {log} 2>&1 & S=$!; sleep 0.3; \
         {py} tests/py/mdns_peer.py ask box; \
         {srv} other > /dev/null 2>&1 & T=$!; sleep 0.3; \
         {py} tests/py/mdns_peer.py ask other; kill $S $T",
        srv = server.display(),
        py = py.display(),
        log = out_dir().join("mdns_server.log").display()
    );
    let text = in_netns(&script);
    assert!(text.contains("browse: ['box._http._tcp.local.']"), "{text}");
    assert!(text.contains("service: 8000 box.local. ['127.0.0.88'] {'path': '/x'}"), "{text}");
    assert!(text.contains("unicast-a: 127.0.0.88 from 127.0.0.1"), "{text}");
    // Without an address of its own, the A record carries the address of
    // the interface the question came in on.
    assert!(text.contains("service: 8000 other.local. ['127.0.0.1']"), "{text}");
    assert!(text.contains("unicast-a: 127.0.0.1 from 127.0.0.1"), "{text}");
}

#[test]
fn dot_local_names_resolve_over_mdns() {
    let lookup = example("dns_lookup");
    let script = format!(
        "{py} tests/py/mdns_peer.py serve 8 > {zc} & P=$!; \
         for i in $(seq 100); do grep -q registered {zc} && break; sleep 0.1; done; \
         {lookup} -m -t 2000 zchost.local ZCHOST.local nobody.local; \
         echo exit=$?; {lookup} zchost.local; kill $P",
        py = python().display(),
        lookup = lookup.display(),
        zc = out_dir().join("zeroconf_serve.out").display()
    );
    let text = in_netns(&script);
    assert!(text.lines().any(|l| l == "zchost.local 127.0.0.77"), "{text}");
    assert!(text.lines().any(|l| l == "ZCHOST.local 127.0.0.77"), "{text}");
    assert!(text.contains("nobody.local error: mDNS timeout"), "{text}");
    assert!(text.contains("exit=1"), "{text}");
    // No mDNS listener: Mongoose's error, at once.
    assert!(text.contains("zchost.local error: no mDNS listener, see mg_mdns_listen()"), "{text}");
}

#[test]
fn ssdp_search_finds_a_device_and_keeps_searching_the_group() {
    let search = example("ssdp_search");
    let script = format!(
        "{py} tests/py/ssdp_device.py 8 > {log} & P=$!; \
         for i in $(seq 100); do grep -q ready {log} && break; sleep 0.1; done; \
         timeout 10 {search} 3; echo exit=$?; kill $P; cat {log}",
        py = python().display(),
        search = search.display(),
        log = out_dir().join("ssdp_device.out").display()
    );
    let text = in_netns(&script);
    let answers = text.lines().filter(|l| l.starts_with("answer from IPv4: SERVER TestOS/1.0 UPnP/1.0 PyDevice/1.0 LOCATION http://127.0.0.1:8080/desc.xml")).count();
    assert_eq!(answers, 3, "{text}");
    assert!(text.contains("exit=0"), "{text}");
    // Every search went to the group, the later ones thanks to
    // mg_multicast_restore(), and none to the device's own address.
    let to_group = text
        .lines()
        .filter(|l| l.starts_with("M-SEARCH to 239.255.255.250 from 127.0.0.1"))
        .count();
    assert!(to_group >= 3, "{text}");
    assert!(!text.lines().any(|l| l.starts_with("M-SEARCH to 127.")), "{text}");
}

#[test]
fn mdns_browse_reports_zeroconf_service() {
    let browse = example("mdns_browse");
    let script = format!(
        "{py} tests/py/mdns_peer.py serve 8 > {zc} & P=$!; \
         for i in $(seq 100); do grep -q registered {zc} && break; sleep 0.1; done; \
         {browse} _http._tcp.local 3; kill $P",
        py = python().display(),
        browse = browse.display(),
        zc = out_dir().join("zeroconf_serve2.out").display()
    );
    let text = in_netns(&script);
    // A PTR answer condensed with its SRV, TXT and A records.
    let want = "type 12 name zchost service _http._tcp port 8077 txt |path=/zc addr 127.0.0.77";
    assert!(text.lines().any(|l| l == want), "{text}");
}
