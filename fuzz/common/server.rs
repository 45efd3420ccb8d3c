//! A real in-process HTTP/WebSocket server (one manager, one listener on
//! loopback) that fuzz targets feed through a real TCP connection: the bytes
//! go through the socket, the event loop, the HTTP and WebSocket state
//! machines and the handler, exactly as a remote client's would.
#![allow(dead_code)]
use crate::api::*;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicPtr, Ordering};

/// Polls after the input was sent before giving up on the server closing.
const MAX_POLLS: usize = 400;

pub struct Harness {
    mgr: Box<std::mem::MaybeUninit<mongoose::mgr::mg_mgr>>,
    port: u16,
    /// For the client target: a plain listener the library connects to.
    peer: Option<TcpListener>,
    /// Polls in the current run.
    polls: usize,
}

impl Harness {
    fn mgr(&mut self) -> *mut c_void {
        self.mgr.as_mut_ptr().cast()
    }

    /// One event loop iteration. Loopback delivers at once, so the first
    /// polls of each run do not wait; later ones wait up to 1 ms.
    fn poll(&mut self) {
        let ms = if self.polls < 100 { 0 } else { 1 };
        self.polls += 1;
        // SAFETY: the manager was initialised in new() and is only used here.
        unsafe { mg_mgr_poll(self.mgr(), ms) };
    }
}

/// Answers every request with its body length; upgrades requests that ask
/// for it to WebSocket and echoes every message.
unsafe extern "C" fn handler(c: *mut c_void, ev: c_int, ev_data: *mut c_void) {
    // SAFETY: ev_data is what the library documents for each event.
    unsafe {
        if ev == MG_EV_HTTP_MSG {
            let hm = ev_data as *mut mg_http_message;
            if !mg_http_get_header(hm, c"Upgrade".as_ptr()).is_null() {
                mg_ws_upgrade(c, hm, std::ptr::null());
            } else {
                let n = (*hm).body.len as c_int;
                mg_http_reply(c, 200, c"".as_ptr(), c"%d\n".as_ptr(), n);
            }
        } else if ev == MG_EV_WS_MSG {
            let wm = &*(ev_data as *const mg_ws_message);
            mg_ws_send(c, wm.data.buf.cast(), wm.data.len, c_int::from(wm.flags & 15));
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn new_harness() -> Harness {
    quiet();
    let mut h =
        Harness { mgr: Box::new(std::mem::MaybeUninit::zeroed()), port: 0, peer: None, polls: 0 };
    // SAFETY: mgr is zeroed memory of the right size, initialised here.
    unsafe { mg_mgr_init(h.mgr()) };
    for _ in 0..20 {
        let port = free_port();
        let url = std::ffi::CString::new(format!("http://127.0.0.1:{port}")).unwrap();
        // SAFETY: live manager, valid URL, handler with the C signature.
        let l = unsafe { mg_http_listen(h.mgr(), url.as_ptr(), handler, std::ptr::null_mut()) };
        if !l.is_null() {
            h.port = port;
            break;
        }
    }
    assert!(h.port != 0, "no listener");
    h
}

/// The harness, made on first use and kept for the whole run. A global
/// (not a thread-local) so the leak checker sees it as reachable.
static HARNESS: AtomicPtr<Harness> = AtomicPtr::new(std::ptr::null_mut());

fn with_harness<R>(f: impl FnOnce(&mut Harness) -> R) -> R {
    let mut h = HARNESS.load(Ordering::Relaxed);
    if h.is_null() {
        h = Box::into_raw(Box::new(new_harness()));
        HARNESS.store(h, Ordering::Relaxed);
    }
    // SAFETY: made above, never freed; the fuzz loop is single-threaded.
    f(unsafe { &mut *h })
}

/// Sends `prefix` then `data` to the server over a new connection, closes the
/// sending side, and runs the event loop until the server has closed the
/// connection (or MAX_POLLS passed), reading and discarding its answers.
pub fn drive(prefix: &[u8], data: &[u8]) {
    with_harness(|h| {
        h.polls = 0;
        let mut s = TcpStream::connect(("127.0.0.1", h.port)).unwrap();
        s.set_nonblocking(true).unwrap();
        let mut input = prefix.to_vec();
        input.extend_from_slice(data);
        let mut sent = 0;
        let mut buf = [0u8; 65536];
        let mut polls = 0;
        while sent < input.len() && polls < MAX_POLLS {
            match s.write(&input[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
            h.poll();
            polls += 1;
            let _ = s.read(&mut buf);
        }
        let _ = s.shutdown(Shutdown::Write);
        for _ in 0..MAX_POLLS {
            h.poll();
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
        }
        drop(s);
        // Let the server see the close of sockets it still holds.
        for _ in 0..3 {
            h.poll();
        }
    })
}

/// Set by the client handler when its connection closed.
static mut CLIENT_CLOSED: bool = false;

unsafe extern "C" fn client_handler(c: *mut c_void, ev: c_int, _ev_data: *mut c_void) {
    let _ = c;
    if ev == MG_EV_CLOSE {
        // SAFETY: single-threaded fuzz loop.
        unsafe { CLIENT_CLOSED = true };
    }
}

/// Makes the library connect as an HTTP client to a plain loopback listener,
/// which reads its request and answers with `data`, then closes. Runs the
/// event loop until the library's connection closed (or MAX_POLLS passed).
pub fn drive_client(data: &[u8]) {
    with_harness(|h| {
        h.polls = 0;
        if h.peer.is_none() {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.set_nonblocking(true).unwrap();
            h.peer = Some(l);
        }
        let port = h.peer.as_ref().unwrap().local_addr().unwrap().port();
        let url = std::ffi::CString::new(format!("http://127.0.0.1:{port}/")).unwrap();
        // SAFETY: single-threaded fuzz loop.
        unsafe { CLIENT_CLOSED = false };
        // SAFETY: live manager, valid URL, handler with the C signature.
        let c =
            unsafe { mg_http_connect(h.mgr(), url.as_ptr(), client_handler, std::ptr::null_mut()) };
        assert!(!c.is_null());
        // SAFETY: c is live until its MG_EV_CLOSE, which has not happened yet.
        unsafe { mg_printf(c, c"GET / HTTP/1.1\r\nHost: x\r\n\r\n".as_ptr()) };
        let mut peer = None;
        for _ in 0..MAX_POLLS {
            h.poll();
            if let Ok((s, _)) = h.peer.as_ref().unwrap().accept() {
                peer = Some(s);
                break;
            }
        }
        let mut s = peer.expect("the library did not connect");
        s.set_nonblocking(true).unwrap();
        let mut sent = 0;
        let mut buf = [0u8; 65536];
        let mut polls = 0;
        while sent < data.len() && polls < MAX_POLLS {
            let _ = s.read(&mut buf);
            match s.write(&data[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
            h.poll();
            polls += 1;
        }
        let _ = s.shutdown(Shutdown::Write);
        // SAFETY: single-threaded fuzz loop.
        while !unsafe { CLIENT_CLOSED } && polls < 2 * MAX_POLLS {
            let _ = s.read(&mut buf);
            h.poll();
            polls += 1;
        }
        drop(s);
        if !unsafe { CLIENT_CLOSED } {
            // A response still waiting for more: close it from our side.
            for _ in 0..50 {
                h.poll();
                if unsafe { CLIENT_CLOSED } {
                    break;
                }
            }
        }
    })
}
