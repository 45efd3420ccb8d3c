//! Smoke tests for the programs in `c_examples/`: each is compiled against
//! the freshly built library, started as a child process on a free loopback
//! port, and driven over real TCP connections from here. Every test checks
//! the behaviour the example exists to show, so it fails if that is missing.
mod common;
use common::{compile, out_dir, root, Link};

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const START_TIMEOUT: Duration = Duration::from_secs(10);
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// Compiles `c_examples/<name>.c` once per test run and returns the program.
fn example(name: &str) -> PathBuf {
    static BUILT: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let map = built.get_or_insert_with(HashMap::new);
    if let Some(p) = map.get(name) {
        return p.clone();
    }
    let src = root().join("c_examples").join(format!("{name}.c"));
    let exe = compile(&src, Link::Shared, &[]);
    // compile() names the program after the source; keep examples apart from
    // the C tests in the same directory.
    let dest = out_dir().join(format!("example_{name}"));
    std::fs::rename(&exe, &dest).expect("move example");
    map.insert(name.to_string(), dest.clone());
    dest
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().unwrap().port()
}

/// A running example; killed (and its output shown if the test failed) when
/// dropped.
struct Proc {
    child: Child,
    name: String,
    log: PathBuf,
}

impl Proc {
    fn spawn(name: &str, args: &[&str]) -> Proc {
        let exe = example(name);
        let log = out_dir().join(format!("example_{name}_{}.log", free_port()));
        let f = std::fs::File::create(&log).expect("create log");
        // cargo's LD_LIBRARY_PATH lists <target>/<profile> before deps/, and
        // the copy there may be stale: let the program's rpath decide.
        let child = Command::new(&exe)
            .args(args)
            .env_remove("LD_LIBRARY_PATH")
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(f.try_clone().unwrap())
            .stderr(f)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", exe.display()));
        Proc { child, name: name.to_string(), log }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits for the program to exit by itself.
    fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let end = Instant::now() + timeout;
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                return st;
            }
            assert!(Instant::now() < end, "{} did not exit within {timeout:?}", self.name);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the program accepts connections on `port`.
    fn wait_port(&mut self, port: u16) {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let end = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                panic!("{} exited ({st}) before listening:\n{}", self.name, self.output());
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            assert!(Instant::now() < end, "{} never listened on port {port}", self.name);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- output of {} ---\n{}", self.name, self.output());
        }
    }
}

/// Starts a server example on a free port, with `scheme://127.0.0.1:port` as
/// its only argument, and waits until it listens.
fn server(name: &str, scheme: &str) -> (Proc, u16) {
    let port = free_port();
    let mut p = Proc::spawn(name, &[&format!("{scheme}://127.0.0.1:{port}")]);
    p.wait_port(port);
    (p, port)
}

/// A client connection with a read buffer, so that bytes that arrive past
/// one response (keep-alive, pipelining) are kept for the next.
struct Conn {
    s: TcpStream,
    buf: Vec<u8>,
}

#[derive(Debug)]
struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.head.split("\r\n").skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Conn {
    fn open(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        s.set_nodelay(true).unwrap();
        Conn { s, buf: Vec::new() }
    }

    fn send(&mut self, data: &[u8]) {
        self.s.write_all(data).expect("send");
    }

    /// Reads more bytes into the buffer; false on EOF. Panics on timeout.
    fn fill(&mut self, what: &str) -> bool {
        let mut tmp = [0u8; 65536];
        match self.s.read(&mut tmp) {
            Ok(0) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&tmp[..n]);
                true
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!(
                    "timed out waiting for {what}; have {:?}",
                    String::from_utf8_lossy(&self.buf)
                )
            }
            Err(e) => panic!("read error waiting for {what}: {e}"),
        }
    }

    /// Reads exactly `n` bytes.
    fn read_exact(&mut self, n: usize) -> Vec<u8> {
        while self.buf.len() < n {
            assert!(self.fill("data"), "EOF after {} of {n} bytes", self.buf.len());
        }
        self.buf.drain(..n).collect()
    }

    /// Reads one response head; returns (status, head text).
    fn read_head(&mut self) -> (u16, String) {
        let end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            assert!(self.fill("a response head"), "EOF before a response head");
        };
        let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
        self.buf.drain(..end);
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line in {head:?}"));
        (status, head)
    }

    /// Reads one complete response (Content-Length or chunked body).
    fn response(&mut self) -> Response {
        let (status, head) = self.read_head();
        let mut r = Response { status, head, body: Vec::new() };
        if let Some(len) = r.header("Content-Length") {
            r.body = self.read_exact(len.parse().expect("Content-Length"));
        } else if r.header("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            loop {
                let (data, last) = self.chunk();
                r.body.extend_from_slice(&data);
                if last {
                    break;
                }
            }
        } else {
            panic!("response without a length: {:?}", r.head);
        }
        r
    }

    /// Reads one chunk of a chunked body; `true` for the last (empty) one,
    /// whose trailing CRLF is consumed too.
    fn chunk(&mut self) -> (Vec<u8>, bool) {
        let eol = loop {
            if let Some(i) = find(&self.buf, b"\r\n") {
                break i;
            }
            assert!(self.fill("a chunk size"), "EOF inside a chunked body");
        };
        let line = String::from_utf8_lossy(&self.buf[..eol]).into_owned();
        let size = usize::from_str_radix(line.split(';').next().unwrap().trim(), 16)
            .unwrap_or_else(|_| panic!("bad chunk size line {line:?}"));
        self.buf.drain(..eol + 2);
        let data = self.read_exact(size + 2);
        assert_eq!(&data[size..], b"\r\n", "chunk not followed by CRLF");
        (data[..size].to_vec(), size == 0)
    }

    /// The server closes the connection: EOF with nothing more to read.
    fn expect_eof(&mut self) {
        let got_more = self.fill("EOF");
        assert!(!got_more, "expected EOF, got more data: {:?}", String::from_utf8_lossy(&self.buf));
        assert!(self.buf.is_empty(), "unread bytes before EOF: {:?}", self.buf);
    }
}

/// Sends one request on a new connection and reads the response.
fn request(port: u16, raw: &str) -> Response {
    let mut c = Conn::open(port);
    c.send(raw.as_bytes());
    c.response()
}

fn get(port: u16, path: &str) -> Response {
    request(port, &format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n"))
}

fn post(port: u16, path: &str, body: &str) -> Response {
    request(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// The number after `"key":` in a flat JSON object.
fn json_num(s: &str, key: &str) -> u64 {
    let at = s.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("no {key} in {s}"));
    let rest = &s[at + key.len() + 3..];
    let end = rest.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(rest.len());
    rest[..end].parse().unwrap_or_else(|_| panic!("{key} is not a number in {s}"))
}

/// Every example compiles (with -Wall -Wextra -Werror, as C99), including
/// ones added later that have no smoke test here yet.
#[test]
fn all_examples_compile() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("c_examples"))
        .expect("c_examples")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "c").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 12, "examples missing: {names:?}");
    for n in &names {
        assert!(example(n).exists());
    }
}

#[test]
fn tcp_echo_echoes() {
    let (_p, port) = server("tcp_echo", "tcp");
    let mut c = Conn::open(port);
    c.send(b"hello, echo\n");
    assert_eq!(c.read_exact(12), b"hello, echo\n");
    // More than one read's worth comes back intact and in order.
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let mut w = c.s.try_clone().unwrap();
    let data = big.clone();
    let writer = std::thread::spawn(move || w.write_all(&data).unwrap());
    assert_eq!(c.read_exact(big.len()), big);
    writer.join().unwrap();
}

#[test]
fn timers_tick_and_exit() {
    let mut p = Proc::spawn("timers", &["2"]);
    let st = p.wait(Duration::from_secs(15));
    let out = p.output();
    assert!(st.success(), "timers exited with {st}:\n{out}");
    assert!(out.contains("one-shot timer fired"), "no one-shot timer:\n{out}");
    let ticks: u32 = out
        .lines()
        .find_map(|l| l.strip_prefix("ticks: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no tick count printed:\n{out}"));
    // 500 ms timer run at once and then for 2 s: 5 ticks, give or take one.
    assert!((4..=6).contains(&ticks), "{ticks} ticks in 2 s:\n{out}");
}

#[test]
fn wakeup_worker_sums() {
    let (_p, port) = server("wakeup_worker", "tcp");
    let mut c = Conn::open(port);
    c.send(b"100\n");
    let want = b"sum(1..100) = 5050\n";
    assert_eq!(c.read_exact(want.len()), want);
    c.send(b"10\n");
    let want = b"sum(1..10) = 55\n";
    assert_eq!(c.read_exact(want.len()), want);
}

#[test]
fn http_server_rest_api() {
    let (_p, port) = server("http_server", "http");

    let r = get(port, "/api/hello");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.header("Content-Type").as_deref(), Some("application/json"));
    assert_eq!(r.text(), "{\"message\":\"hello\",\"version\":\"7.22\"}\n");

    assert_eq!(get(port, "/api/items").text(), "[]\n");
    let r = post(port, "/api/items", "buy \"milk\"");
    assert_eq!((r.status, r.text().as_str()), (201, "{\"id\":1}\n"));
    let r = post(port, "/api/items", "walk the dog");
    assert_eq!((r.status, r.text().as_str()), (201, "{\"id\":2}\n"));
    let r = get(port, "/api/items");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "[\"buy \\\"milk\\\"\",\"walk the dog\"]\n");

    assert_eq!(post(port, "/api/items", "").status, 400);
    let r = request(port, "DELETE /api/items HTTP/1.1\r\nHost: test\r\n\r\n");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow").as_deref(), Some("GET, POST"));

    let r = get(port, "/nope");
    assert_eq!(r.status, 404);
    assert_eq!(get(port, "/api/hello/x").status, 404);

    let r = get(port, "/bench");
    assert_eq!((r.status, r.text().as_str()), (200, "Hello, World!\n"));

    // Stats, asked on a keep-alive connection that made one request before.
    let mut c = Conn::open(port);
    c.send(b"GET /api/hello HTTP/1.1\r\nHost: test\r\n\r\n");
    assert_eq!(c.response().status, 200);
    c.send(b"GET /api/stats HTTP/1.1\r\nHost: test\r\n\r\n");
    let r = c.response();
    assert_eq!(r.status, 200);
    let s = r.text();
    assert_eq!(json_num(&s, "items"), 2, "{s}");
    // Answered so far: 10 requests on their own connections, one on this
    // one, and the stats request counts itself.
    assert_eq!(json_num(&s, "requests"), 12, "{s}");
    // This connection, plus any earlier ones whose close is still in flight.
    assert!((1..=11).contains(&json_num(&s, "connections")), "{s}");
}

/// Python's ssl module as the HTTPS client of http_server's `-s` listener:
/// verifies the chain against tests/tls/ca.pem and the name "localhost",
/// then makes `requests` (METHOD PATH [BODY]) on one keep-alive connection
/// and prints "STATUS BODY" for each; then one more request on each of two
/// new connections, printing "resumed" or "full" for the second.
const HTTPS_CLIENT: &str = r#"
import http.client, socket, ssl, sys
port = int(sys.argv[1])
ctx = ssl.create_default_context(cafile="tests/tls/ca.pem")
conn = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=10)
for spec in sys.argv[2:]:
    method, path, *body = spec.split(" ", 2)
    conn.request(method, path, body=body[0] if body else None)
    r = conn.getresponse()
    print(r.status, r.read().decode(), end="", flush=True)
conn.close()

def bench(session):
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    s = ctx.wrap_socket(raw, server_hostname="localhost", session=session)
    s.sendall(b"GET /bench HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    data = b""
    while d := s.recv(4096):
        data += d
    assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"Hello, World!\n"), data
    sess, reused = s.session, s.session_reused
    s.close()
    return sess, reused

sess, _ = bench(None)
print("resumed" if bench(sess)[1] else "full")
"#;

/// http_server with `-s https://...`: the same API over TLS (certificate and
/// key from the default tests/tls files), sharing the item list with the
/// plain listener, which keeps working.
#[test]
fn http_server_https_listener() {
    let (port, tls_port) = (free_port(), free_port());
    let mut p = Proc::spawn(
        "http_server",
        &[&format!("http://127.0.0.1:{port}"), "-s", &format!("https://127.0.0.1:{tls_port}")],
    );
    p.wait_port(port);
    p.wait_port(tls_port);
    let out = Command::new("python3")
        .current_dir(root())
        .args(["-c", HTTPS_CLIENT, &tls_port.to_string()])
        .args(["GET /api/hello", "POST /api/items over tls", "GET /api/items", "GET /bench"])
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        text,
        "200 {\"message\":\"hello\",\"version\":\"7.22\"}\n201 {\"id\":1}\n\
         200 [\"over tls\"]\n200 Hello, World!\nresumed\n"
    );
    // The plain listener serves the same list.
    assert_eq!(get(port, "/api/items").text(), "[\"over tls\"]\n");
    // Plaintext HTTP to the TLS port gets no HTTP answer.
    let r = {
        let mut s = TcpStream::connect(("127.0.0.1", tls_port)).unwrap();
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        s.write_all(b"GET /api/hello HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        buf
    };
    assert!(!r.starts_with(b"HTTP/"), "{:?}", String::from_utf8_lossy(&r));
}

#[test]
fn worker_thread_keep_alive() {
    let (_p, port) = server("worker_thread", "http");
    let mut c = Conn::open(port);
    c.send(b"GET /sum?a=1&b=2 HTTP/1.1\r\nHost: test\r\n\r\n");
    let r = c.response();
    assert_eq!((r.status, r.text().as_str()), (200, "{\"sum\":3,\"count\":2}\n"));
    c.send(b"GET /sum?x=40&y=1&z=1 HTTP/1.1\r\nHost: test\r\n\r\n");
    let r = c.response();
    assert_eq!((r.status, r.text().as_str()), (200, "{\"sum\":42,\"count\":3}\n"));
    // Pipelined: the second waits for the first's deferred reply; order kept
    // even though the first worker sleeps longer.
    c.send(
        b"GET /sum?a=1&delay=300 HTTP/1.1\r\nHost: test\r\n\r\n\
          GET /sum?a=2&delay=0 HTTP/1.1\r\nHost: test\r\n\r\n",
    );
    assert_eq!(c.response().text(), "{\"sum\":1,\"count\":1}\n");
    assert_eq!(c.response().text(), "{\"sum\":2,\"count\":1}\n");
    // Still open.
    c.send(b"GET /sum?a=7 HTTP/1.1\r\nHost: test\r\n\r\n");
    assert_eq!(c.response().text(), "{\"sum\":7,\"count\":1}\n");
    assert_eq!(get(port, "/sum?a=x").status, 400);
}

#[test]
fn worker_thread_connection_close() {
    let (_p, port) = server("worker_thread", "http");
    let mut c = Conn::open(port);
    c.send(b"GET /sum?a=5&b=6 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    let r = c.response();
    assert_eq!((r.status, r.text().as_str()), (200, "{\"sum\":11,\"count\":2}\n"));
    c.expect_eof();
}

#[test]
fn worker_thread_http10() {
    let (_p, port) = server("worker_thread", "http");
    let mut c = Conn::open(port);
    c.send(b"GET /sum?a=20&b=22 HTTP/1.0\r\n\r\n");
    let r = c.response();
    assert_eq!((r.status, r.text().as_str()), (200, "{\"sum\":42,\"count\":2}\n"));
    c.expect_eof();
}

#[test]
fn worker_thread_does_not_block_the_loop() {
    let (_p, port) = server("worker_thread", "http");
    let mut slow = Conn::open(port);
    slow.send(b"GET /sum?a=1&delay=2000 HTTP/1.1\r\nHost: test\r\n\r\n");
    std::thread::sleep(Duration::from_millis(50));
    let t = Instant::now();
    let r = get(port, "/sum?a=2&delay=0");
    assert_eq!(r.text(), "{\"sum\":2,\"count\":1}\n");
    assert!(t.elapsed() < Duration::from_millis(1500), "fast request took {:?}", t.elapsed());
    assert_eq!(slow.response().text(), "{\"sum\":1,\"count\":1}\n");
}

#[test]
fn duplex_echo_streams_while_body_arrives() {
    let (_p, port) = server("duplex_echo", "http");
    let mut c = Conn::open(port);
    let pieces: Vec<Vec<u8>> =
        (0..3u32).map(|p| (0..1000u32).map(|i| ((i * 7 + p * 13) % 251) as u8).collect()).collect();
    c.send(b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 3000\r\n\r\n");
    c.send(&pieces[0]);
    let (status, head) = c.read_head();
    assert_eq!(status, 200, "{head}");
    assert!(head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{head}");
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            c.send(piece);
        }
        // This piece's echo must arrive before the next piece is sent; the
        // read times out (and the test fails) if the server waits for the
        // whole body.
        let mut echoed = Vec::new();
        while echoed.len() < piece.len() {
            let (data, last) = c.chunk();
            assert!(!last, "last chunk after {} bytes of piece {i}", echoed.len());
            echoed.extend_from_slice(&data);
        }
        assert_eq!(&echoed, piece, "echo of piece {i}");
    }
    let (data, last) = c.chunk();
    assert!(last && data.is_empty(), "expected the last chunk");
    c.expect_eof();
}

#[test]
fn duplex_echo_large_and_chunked_bodies() {
    let (_p, port) = server("duplex_echo", "http");
    // A body much larger than one read, sent while reading the echo.
    let big: Vec<u8> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
    let mut c = Conn::open(port);
    c.send(format!("POST /echo HTTP/1.1\r\nContent-Length: {}\r\n\r\n", big.len()).as_bytes());
    let mut w = c.s.try_clone().unwrap();
    let data = big.clone();
    let writer = std::thread::spawn(move || w.write_all(&data).unwrap());
    let r = c.response();
    writer.join().unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body == big, "echo differs ({} bytes back)", r.body.len());
    // A chunked request body is echoed once complete.
    let r = request(
        port,
        "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    );
    assert_eq!((r.status, r.text().as_str()), (200, "hello world"));
    assert_eq!(get(port, "/").status, 404);
}

/// Runs the client to completion; returns its exit status and output.
fn run_client(url: &str) -> (ExitStatus, String) {
    let mut p = Proc::spawn("http_client", &[url]);
    let st = p.wait(Duration::from_secs(15));
    (st, p.output())
}

#[test]
fn http_client_against_http_server() {
    let (_p, port) = server("http_server", "http");
    assert_eq!(post(port, "/api/items", "from the test").status, 201);
    let (st, out) = run_client(&format!("http://127.0.0.1:{port}/api/hello"));
    assert!(st.success(), "http_client failed ({st}):\n{out}");
    assert!(out.starts_with("200 OK\n"), "{out}");
    assert!(out.contains("Content-Type: application/json\n"), "{out}");
    assert!(out.contains("Content-Length: 37\n"), "{out}");
    assert!(out.ends_with("\n\n{\"message\":\"hello\",\"version\":\"7.22\"}\n"), "{out}");

    let (st, out) = run_client(&format!("http://127.0.0.1:{port}/api/items"));
    assert!(st.success(), "{out}");
    assert!(out.ends_with("[\"from the test\"]\n"), "{out}");

    // A 404 is still a response: exit 0, status printed.
    let (st, out) = run_client(&format!("http://127.0.0.1:{port}/missing"));
    assert!(st.success() && out.starts_with("404 Not Found\n"), "{st}:\n{out}");
}

#[test]
fn http_client_reports_errors() {
    // Nothing listens there any more: connection refused, exit 1.
    let port = free_port();
    let (st, out) = run_client(&format!("http://127.0.0.1:{port}/"));
    assert_eq!(st.code(), Some(1), "{out}");

    // A server that accepts but never answers: timeout, exit 1.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let t = Instant::now();
    let (st, out) = run_client(&format!("http://127.0.0.1:{port}/"));
    assert_eq!(st.code(), Some(1), "{out}");
    assert!(t.elapsed() >= Duration::from_secs(4), "gave up after {:?}", t.elapsed());
    drop(l);
}

/// An error is logged once: the library logs why a listen or a connection
/// failed, and the examples do not log it again.
#[test]
fn errors_are_logged_once() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let once = |name: &str, args: &[&str], what: &str| {
        let mut p = Proc::spawn(name, args);
        let st = p.wait(Duration::from_secs(15));
        let out = p.output();
        assert_eq!(st.code(), Some(1), "{name}: {out}");
        let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{name} logged more than one line:\n{out}");
        assert!(lines[0].contains(what), "{name}: {out}");
    };
    let http = format!("http://127.0.0.1:{port}");
    once("tcp_echo", &[&format!("tcp://127.0.0.1:{port}")], "in use");
    once("http_server", &[&http], "in use");
    once("file_server", &["-l", &http], "in use");
    once("websocket_server", &[&format!("ws://127.0.0.1:{port}")], "in use");
    drop(taken);
    let refused = format!("http://127.0.0.1:{}/", free_port());
    once("http_client", &[&refused], "refused");
}

/// Python client for the 1 GiB upload: streams `count` generated blocks of
/// 1 MiB (a random block with the block number in its first 8 bytes, so no
/// two are alike) and hashes them as they go out; prints the response status
/// line and the SHA-256 of what was sent. Nothing of size is held in memory.
const UPLOAD_CLIENT: &str = r#"
import hashlib, os, socket, sys
port, name, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
block = bytearray(os.urandom(1 << 20))
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"PUT /upload/%s HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % (name.encode(), count << 20))
h = hashlib.sha256()
for i in range(count):
    block[:8] = i.to_bytes(8, "little")
    s.sendall(block)
    h.update(block)
resp = b""
while b"\r\n\r\n" not in resp:
    d = s.recv(4096)
    if not d:
        break
    resp += d
print(resp.split(b"\r\n")[0].decode(), h.hexdigest())
"#;

/// SHA-256 of a file, by Python's hashlib (OpenSSL: fast on 1 GiB).
fn sha256_file(path: &std::path::Path) -> String {
    let out = Command::new("python3")
        .args(["-c", "import hashlib,sys; print(hashlib.file_digest(open(sys.argv[1],'rb'), 'sha256').hexdigest())"])
        .arg(path)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A field of /proc/PID/status, in kB.
fn proc_status_kb(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let line = s.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The streaming upload example stores a 1 GiB body byte for byte (SHA-256
/// match) while its peak resident memory stays small; an upload cut short
/// leaves no file behind.
#[test]
fn upload_stream_saves_1gib_with_bounded_memory() {
    let dir = out_dir().join(format!("upload_stream_{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut p =
        Proc::spawn("upload_stream", &[&format!("http://127.0.0.1:{port}"), dir.to_str().unwrap()]);
    p.wait_port(port);
    let pid = p.child.id();
    let rss_before = proc_status_kb(pid, "VmRSS:");

    let t = Instant::now();
    let out = Command::new("python3")
        .args(["-c", UPLOAD_CLIENT, &port.to_string(), "big.bin", "1024"])
        .output()
        .expect("python3");
    let elapsed = t.elapsed();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "client failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    let (status, sent_sha) = text.trim().rsplit_once(' ').expect("client output");
    assert_eq!(status, "HTTP/1.1 201 Created", "{text}");
    let saved = dir.join("big.bin");
    assert_eq!(std::fs::metadata(&saved).expect("saved file").len(), 1 << 30);
    let peak = proc_status_kb(pid, "VmHWM:");
    let saved_sha = sha256_file(&saved);
    std::fs::remove_file(&saved).unwrap();
    assert_eq!(saved_sha, sent_sha, "saved file differs from what was sent");
    println!("1 GiB upload in {elapsed:?}; server RSS {rss_before} kB before, peak {peak} kB");
    assert!(peak < rss_before + 32 * 1024, "server peak RSS {peak} kB (was {rss_before} kB)");

    // Cut short: the head promises 10 MiB, 1 MiB arrives, the client leaves.
    let mut c = Conn::open(port);
    c.send(b"PUT /upload/short.bin HTTP/1.1\r\nContent-Length: 10485760\r\n\r\n");
    c.send(&vec![7u8; 1 << 20]);
    drop(c);
    let end = Instant::now() + IO_TIMEOUT;
    while p.output().matches("cut short").count() == 0 && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "files left behind: {left:?}");

    // Names that would leave the directory are refused; nothing is written.
    for bad in ["..", "..%2fescape", "%2e%2e", "a%5cb", "%00x"] {
        let r =
            request(port, &format!("PUT /upload/{bad} HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"));
        assert_eq!(r.status, 400, "{bad}: {}", r.text());
    }
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none());
    assert!(!out_dir().join("escape").exists());
    std::fs::remove_dir(&dir).unwrap();
}

/// The HTML-form upload example saves the files of a multipart POST made by
/// curl (`-F`), byte for byte, including a 1.5 MB one (curl then waits for
/// `100 Continue`), and refuses file names with directories in them.
#[test]
fn form_upload_saves_multipart_files() {
    let dir = out_dir().join(format!("form_upload_{}", free_port()));
    let src = dir.join("src");
    let saved = dir.join("saved");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&saved).unwrap();
    let text = b"hello from a form\n".to_vec();
    // Bytes a multipart parser could trip on: CR, LF, NUL, dashes.
    let binary: Vec<u8> = (0..1_500_000u32)
        .map(|i| match i % 97 {
            0 => b'\r',
            1 => b'\n',
            2 | 3 => b'-',
            _ => (i * 31 % 256) as u8,
        })
        .collect();
    std::fs::write(src.join("hello.txt"), &text).unwrap();
    std::fs::write(src.join("data.bin"), &binary).unwrap();

    let port = free_port();
    let mut p =
        Proc::spawn("form_upload", &[&format!("http://127.0.0.1:{port}"), saved.to_str().unwrap()]);
    p.wait_port(port);
    let page = get(port, "/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("enctype=\"multipart/form-data\""), "{}", page.text());

    let curl = |args: &[&str]| {
        let out = Command::new("curl")
            .args(["-s", "-w", "\n%{http_code}"])
            .args(args)
            .arg(format!("http://127.0.0.1:{port}/upload"))
            .current_dir(&src)
            .output()
            .expect("run curl");
        let s = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, code) = s.rsplit_once('\n').unwrap_or(("", ""));
        (code.to_string(), body.to_string())
    };
    let (code, body) =
        curl(&["-F", "note=hi there", "-F", "file=@hello.txt", "-F", "file=@data.bin"]);
    assert_eq!(code, "201", "{body}");
    assert!(body.contains("field note: 8 bytes"), "{body}");
    assert!(body.contains("saved hello.txt: 18 bytes"), "{body}");
    assert!(body.contains("saved data.bin: 1500000 bytes"), "{body}");
    assert_eq!(std::fs::read(saved.join("hello.txt")).unwrap(), text);
    assert!(std::fs::read(saved.join("data.bin")).unwrap() == binary, "data.bin differs");

    // A client-chosen name with a directory part is refused.
    let (code, body) = curl(&["-F", "file=@hello.txt;filename=../escaped.txt"]);
    assert_eq!(code, "400", "{body}");
    assert!(body.contains("refused file name ../escaped.txt"), "{body}");
    assert!(!dir.join("escaped.txt").exists());
    let mut names: Vec<_> =
        std::fs::read_dir(&saved).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["data.bin", "hello.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A scratch directory for file_server, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let d = out_dir().join(format!("{tag}_{}", free_port()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("create scratch dir");
        TempDir(d)
    }
    fn put(&self, rel: &str, data: &[u8]) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).expect("write scratch file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts file_server on a free port serving `dir`.
fn file_server(dir: &TempDir) -> (Proc, u16) {
    let port = free_port();
    let mut p = Proc::spawn("file_server", &["-p", &port.to_string(), dir.0.to_str().unwrap()]);
    p.wait_port(port);
    (p, port)
}

#[test]
fn file_server_serves_files_and_listings() {
    let dir = TempDir::new("file_server");
    let big: Vec<u8> =
        (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    dir.put("hello.txt", b"hello, files\n");
    dir.put("big.bin", &big);
    dir.put("site/index.html", b"<p>index</p>\n");
    dir.put("docs/a <b>.txt", b"x");
    let (_p, port) = file_server(&dir);

    let r = get(port, "/hello.txt");
    assert_eq!((r.status, r.text().as_str()), (200, "hello, files\n"));
    assert_eq!(r.header("Content-Type").as_deref(), Some("text/plain; charset=utf-8"));
    let etag = r.header("Etag").expect("Etag");
    let mut c = Conn::open(port);
    c.send(format!("GET /hello.txt HTTP/1.1\r\nIf-None-Match: {etag}\r\n\r\n").as_bytes());
    let (status, head) = c.read_head(); // a 304 has no body, and no length
    assert_eq!(status, 304, "{head}");
    c.send(b"GET /hello.txt HTTP/1.1\r\n\r\n");
    assert_eq!(c.response().text(), "hello, files\n");

    let r = get(port, "/site/");
    assert_eq!((r.status, r.text().as_str()), (200, "<p>index</p>\n"));
    assert_eq!(get(port, "/site").status, 301);
    let r = get(port, "/docs/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains(">a &lt;b&gt;.txt<"), "{}", r.text());
    let r = get(port, "/");
    assert!(r.text().contains(">Index of /<") && r.text().contains(">big.bin<"), "{}", r.text());
    assert_eq!(get(port, "/../etc/passwd").status, 400);
    assert_eq!(get(port, "/missing").status, 404);

    // A streamed file, then more requests on the same connection.
    let mut c = Conn::open(port);
    c.send(
        b"GET /big.bin HTTP/1.1\r\nHost: test\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n",
    );
    let r = c.response();
    assert_eq!(r.status, 200);
    assert!(r.body == big, "big.bin differs ({} bytes)", r.body.len());
    assert_eq!(c.response().text(), "hello, files\n");
    c.send(b"GET /big.bin HTTP/1.1\r\nRange: bytes=1000-1999\r\n\r\n");
    let r = c.response();
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &big[1000..2000]);
    assert_eq!(r.header("Content-Range").as_deref(), Some("bytes 1000-1999/3000000"));
}

#[test]
fn file_server_api_is_answered_by_workers() {
    let dir = TempDir::new("file_server_api");
    dir.put("f.txt", b"file\n");
    let (_p, port) = file_server(&dir);
    let mut c = Conn::open(port);
    // Pipelined: the file waits for the slow deferred reply before it.
    c.send(
        b"GET /api/sum?a=1&b=2&delay=200 HTTP/1.1\r\nHost: test\r\n\r\n\
          GET /f.txt HTTP/1.1\r\nHost: test\r\n\r\n\
          GET /api/sum?a=40&b=2 HTTP/1.1\r\nHost: test\r\n\r\n",
    );
    let r = c.response();
    assert_eq!((r.status, r.text().as_str()), (200, "{\"sum\":3,\"count\":2}\n"));
    assert_eq!(r.header("Content-Type").as_deref(), Some("application/json"));
    assert_eq!(c.response().text(), "file\n");
    assert_eq!(c.response().text(), "{\"sum\":42,\"count\":2}\n");
    assert_eq!(get(port, "/api/sum?a=x").status, 400);
    assert_eq!(get(port, "/api/nope").status, 404);

    let mut c = Conn::open(port);
    c.send(b"GET /api/sum?a=5&b=6 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    assert_eq!(c.response().text(), "{\"sum\":11,\"count\":2}\n");
    c.expect_eof();
    let mut c = Conn::open(port);
    c.send(b"GET /api/sum?a=20&b=22 HTTP/1.0\r\n\r\n");
    assert_eq!(c.response().text(), "{\"sum\":42,\"count\":2}\n");
    c.expect_eof();
}

#[test]
fn file_server_defaults_to_the_current_directory() {
    let dir = TempDir::new("file_server_cwd");
    dir.put("here.txt", b"cwd\n");
    // Port 8000 may be taken on a shared machine: -p keeps the default
    // directory while choosing the port.
    let port = free_port();
    let exe = example("file_server");
    let mut child = Command::new(&exe)
        .args(["-p", &port.to_string()])
        .env_remove("LD_LIBRARY_PATH")
        .current_dir(&dir.0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start file_server");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let end = Instant::now() + START_TIMEOUT;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < end, "file_server never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
    let r = get(port, "/here.txt");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!((r.status, r.text().as_str()), (200, "cwd\n"));
}

/// Sends a JSON-RPC frame as an HTTP POST to /rpc on a connection of its own.
fn rpc(port: u16, frame: &str) -> (u16, String) {
    let r = post(port, "/rpc", frame);
    (r.status, r.text())
}

#[test]
fn json_rpc_over_http_post() {
    let (_p, port) = server("json_rpc", "http");
    let ok = |s: &str| (200, format!("{s}\n"));

    assert_eq!(
        rpc(port, r#"{"id":1,"method":"sum","params":[1,2]}"#),
        ok(r#"{"id":1,"result":3}"#)
    );
    // Doubles are printed so that they read back exactly.
    assert_eq!(
        rpc(port, r#"{"id":"x","method":"sum","params":[0.1,0.2]}"#),
        ok(r#"{"id":"x","result":0.30000000000000004}"#)
    );
    assert_eq!(
        rpc(port, r#"{"jsonrpc":"2.0","method":"mul","params":[-1.5,4],"id":[7]}"#),
        ok(r#"{"id":[7],"result":-6}"#)
    );
    assert_eq!(
        rpc(port, r#"{"id":2,"method":"echo","params":{"a":["\u00e9",null]}}"#),
        ok(r#"{"id":2,"result":{"a":["\u00e9",null]}}"#)
    );

    // Every error code, with the id echoed.
    assert_eq!(
        rpc(port, r#"{"id":3,"method":"div","params":[1,2]}"#),
        ok(r#"{"id":3,"error":{"code":-32601,"message":"div not found"}}"#)
    );
    assert_eq!(
        rpc(port, r#"{"id":4,"method":"sum","params":[1,"2"]}"#),
        ok(r#"{"id":4,"error":{"code":-32602,"message":"params must be [number, number]"}}"#)
    );
    assert_eq!(
        rpc(port, r#"{"id":5,"method":"sum""#),
        ok(r#"{"id":5,"error":{"code":-32700,"message":"{\"id\":5,\"method\":\"sum\""}}"#)
    );
    assert_eq!(
        rpc(port, r#"{"id":6,"params":[]}"#),
        ok(r#"{"id":6,"error":{"code":-32600,"message":"Invalid Request"}}"#)
    );

    // Notifications run but get no response.
    let (status, body) = rpc(port, r#"{"method":"counter.inc"}"#);
    assert_eq!((status, body.as_str()), (204, ""));
    assert_eq!(
        rpc(port, r#"{"id":7,"method":"counter.get"}"#),
        ok(r#"{"id":7,"result":{"counter":1}}"#)
    );

    // A batch: responses in order, none for the notification.
    assert_eq!(
        rpc(
            port,
            r#"[{"id":1,"method":"counter.inc"}, {"method":"counter.inc"},
                {"id":2,"method":"nope"}, {"id":3,"method":"rpc.list"}]"#
        ),
        ok(concat!(
            r#"[{"id":1,"result":{"counter":2}},"#,
            r#"{"id":2,"error":{"code":-32601,"message":"nope not found"}},"#,
            r#"{"id":3,"result":["rpc.list","counter.get","counter.inc","echo","mul","sum"]}]"#
        ))
    );
    assert_eq!(
        rpc(port, r#"{"id":8,"method":"counter.get"}"#),
        ok(r#"{"id":8,"result":{"counter":3}}"#)
    );

    // Several calls on one keep-alive connection.
    let mut c = Conn::open(port);
    for i in 0..3 {
        let body = format!(r#"{{"id":{i},"method":"sum","params":[{i},{i}]}}"#);
        c.send(
            format!(
                "POST /rpc HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
        let r = c.response();
        assert_eq!(r.header("Content-Type").as_deref(), Some("application/json"));
        assert_eq!(r.text(), format!("{{\"id\":{i},\"result\":{}}}\n", 2 * i));
    }

    assert_eq!(get(port, "/rpc").status, 405);
    assert_eq!(rpc(port, "").0, 200); // empty body: parse error, still a response
    assert_eq!(get(port, "/other").status, 404);
}

/// A minimal WebSocket client for the smoke tests: handshake on a [`Conn`],
/// masked frames out, unmasked frames in.
impl Conn {
    fn ws_open(port: u16, path: &str) -> Conn {
        let mut c = Conn::open(port);
        c.send(
            format!(
                "GET {path} HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n\
                 Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
                 Sec-WebSocket-Version: 13\r\n\r\n"
            )
            .as_bytes(),
        );
        let (status, head) = c.read_head();
        assert_eq!(status, 101, "{head}");
        assert!(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), "{head}");
        c
    }

    fn ws_send(&mut self, op: u8, data: &[u8]) {
        let mask = [0x12u8, 0x34, 0x56, 0x78];
        let mut f = vec![0x80 | op];
        match data.len() {
            n if n < 126 => f.push(0x80 | n as u8),
            n if n <= 0xffff => {
                f.push(0x80 | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(0x80 | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        f.extend_from_slice(&mask);
        f.extend(data.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.send(&f);
    }

    /// Reads one frame: (first header byte, payload).
    fn ws_recv(&mut self) -> (u8, Vec<u8>) {
        let h = self.read_exact(2);
        assert_eq!(h[1] & 0x80, 0, "server frames are not masked");
        let len = match h[1] & 0x7f {
            126 => u16::from_be_bytes(self.read_exact(2).try_into().unwrap()) as usize,
            127 => u64::from_be_bytes(self.read_exact(8).try_into().unwrap()) as usize,
            n => n as usize,
        };
        (h[0], self.read_exact(len))
    }
}

#[test]
fn websocket_server_echoes_and_pushes() {
    let port = free_port();
    let mut p = Proc::spawn("websocket_server", &[&format!("ws://127.0.0.1:{port}"), "100"]);
    p.wait_port(port);
    assert_eq!(get(port, "/rest").text(), "{\"result\": 123}\n");
    let mut c = Conn::ws_open(port, "/websocket");
    c.ws_send(1, b"hello");
    c.ws_send(2, &[0, 1, 2, 255]);
    let big: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    c.ws_send(2, &big);
    // Echoes come back in order, with pushes from the timer in between.
    let (mut echoes, mut pushes) = (Vec::new(), 0);
    while echoes.len() < 3 || pushes < 2 {
        let (b0, data) = c.ws_recv();
        if data.starts_with(b"{\"type\":\"push\"") {
            assert_eq!(b0, 0x81);
            pushes += 1;
        } else {
            echoes.push((b0, data));
        }
    }
    assert_eq!(echoes[0], (0x81, b"hello".to_vec()));
    assert_eq!(echoes[1], (0x82, vec![0, 1, 2, 255]));
    assert!(echoes[2].0 == 0x82 && echoes[2].1 == big, "big echo differs");
    // Close handshake: our code comes back, then the server closes.
    c.ws_send(8, &[0x03, 0xe8]);
    loop {
        let (b0, data) = c.ws_recv();
        if b0 == 0x88 {
            assert_eq!(data, [0x03, 0xe8]);
            break;
        }
    }
    c.expect_eof();
}

#[test]
fn websocket_client_against_websocket_server() {
    let port = free_port();
    let mut srv = Proc::spawn("websocket_server", &[&format!("ws://127.0.0.1:{port}"), "50"]);
    srv.wait_port(port);
    let url = format!("ws://127.0.0.1:{port}/websocket");
    let mut p = Proc::spawn("websocket_client", &[&url, "hi there"]);
    let st = p.wait(Duration::from_secs(15));
    let out = p.output();
    assert!(st.success(), "websocket_client failed ({st}):\n{out}");
    assert!(out.contains("GOT ECHO REPLY: [hi there]\n"), "{out}");
    // Refused upgrade (wrong path): an error, exit 1.
    let mut p = Proc::spawn("websocket_client", &[&format!("ws://127.0.0.1:{port}/nope")]);
    let st = p.wait(Duration::from_secs(15));
    assert_eq!(st.code(), Some(1), "{}", p.output());
    assert!(p.output().contains("status 404"), "{}", p.output());
}

/// A one-shot SNTP server on a loopback UDP port, in a thread: it answers
/// the first request with `answer(request)` and returns the request.
fn sntp_responder(answer: fn(&[u8]) -> Vec<u8>) -> (u16, std::thread::JoinHandle<Vec<u8>>) {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind udp");
    sock.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let port = sock.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        let (n, from) = sock.recv_from(&mut buf).expect("no SNTP request");
        sock.send_to(&answer(&buf[..n]), from).unwrap();
        buf[..n].to_vec()
    });
    (port, t)
}

/// A stratum 1 answer to `req` saying 2030-01-01T00:00:00.500Z.
fn sntp_answer_2030(req: &[u8]) -> Vec<u8> {
    // Seconds from 1900 to 2030-01-01, and half a second as a fraction.
    let ts = ((2_208_988_800u64 + 1_893_456_000) << 32) | 0x8000_0000;
    let mut p = vec![0u8; 48];
    p[0] = 0x24; // no leap warning, version 4, mode 4 (server)
    p[1] = 1;
    p[12..16].copy_from_slice(b"GPS\0");
    p[24..32].copy_from_slice(&req[40..48]); // originate: our transmit time
    p[32..40].copy_from_slice(&ts.to_be_bytes());
    p[40..48].copy_from_slice(&ts.to_be_bytes());
    p
}

#[test]
fn sntp_client_gets_the_time() {
    let (port, t) = sntp_responder(sntp_answer_2030);
    let mut p = Proc::spawn("sntp_client", &[&format!("udp://127.0.0.1:{port}")]);
    let st = p.wait(Duration::from_secs(10));
    let out = p.output();
    let req = t.join().unwrap();
    assert_eq!((req.len(), req[0]), (48, 0x23), "request: {req:?}");
    assert!(st.success(), "sntp_client failed ({st}):\n{out}");
    assert!(out.contains("SNTP time: 2030-01-01T00:00:00.5"), "{out}");
    assert!(out.contains("mg_now():  2030-01-01T00:00:00."), "{out}");
    assert!(!out.contains("Clock:      2030"), "{out}");

    // A kiss-of-death (stratum 0, "RATE"): an error, exit 1.
    let (port, t) = sntp_responder(|req| {
        let mut p = sntp_answer_2030(req);
        p[0] = 0xe4;
        p[1] = 0;
        p[12..16].copy_from_slice(b"RATE");
        p
    });
    let mut p = Proc::spawn("sntp_client", &[&format!("udp://127.0.0.1:{port}")]);
    let st = p.wait(Duration::from_secs(10));
    t.join().unwrap();
    assert_eq!(st.code(), Some(1), "{}", p.output());
    assert!(p.output().contains("kiss-of-death from server (code RATE)"), "{}", p.output());
}

/// The MQTT examples together: mqtt_client, through mqtt_broker, gets its
/// own hello back (its subscription mg/+/test matches mg/clnt/test), with
/// MQTT 3.1.1 and 5, QoS 0 and 1.
#[test]
fn mqtt_client_through_mqtt_broker() {
    let port = free_port();
    let mut broker = Proc::spawn("mqtt_broker", &["-l", &format!("mqtt://127.0.0.1:{port}")]);
    broker.wait_port(port);
    for (v, q) in [("4", "0"), ("4", "1"), ("5", "0"), ("5", "1")] {
        let url = format!("mqtt://127.0.0.1:{port}");
        let mut c = Proc::spawn("mqtt_client", &["-u", &url, "-V", v, "-q", q, "-n", "1"]);
        let st = c.wait(Duration::from_secs(10));
        let out = c.output();
        assert!(st.success(), "mqtt_client -V {v} -q {q} failed ({st}):\n{out}");
        let version = if v == "5" { "MQTT 5" } else { "MQTT 3.1.1" };
        assert!(out.contains(&format!("CONNECTED to {url} ({version})")), "{out}");
        assert!(out.contains("RECEIVED hello <- mg/clnt/test"), "{out}");
    }
}
