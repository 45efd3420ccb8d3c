//! `struct mg_mgr`, the event manager: it owns the connection list, the timers
//! and the poller, and `mg_mgr_poll` drives one iteration of the event loop.
use crate::conn::mg_connection;
use crate::timer::mg_timer;
use std::os::raw::{c_char, c_int, c_ulong, c_void};

/// A DNS server setting of the manager.
#[repr(C)]
pub struct mg_dns {
    /// Server URL, e.g. "udp://8.8.8.8:53".
    pub url: *const c_char,
    /// Connection to it, when one is open.
    pub c: *mut mg_connection,
}

/// The wakeup channel slot of `struct mg_mgr`.
#[repr(C)]
pub union mg_pipe {
    /// Socket, when the channel is a socket.
    pub fd: c_int,
    /// Queue, when the channel is a queue.
    pub q: *mut c_void,
}

/// The event manager. Initialise with mg_mgr_init(), drive with
/// mg_mgr_poll(), release with mg_mgr_free().
#[repr(C)]
pub struct mg_mgr {
    /// All connections, newest first.
    pub conns: *mut mg_connection,
    /// IPv4 DNS server.
    pub dns4: mg_dns,
    /// IPv6 DNS server.
    pub dns6: mg_dns,
    /// mDNS listener (unused).
    pub mdns: *mut mg_connection,
    /// DNS timeout in milliseconds.
    pub dnstimeout: c_int,
    /// Prefer IPv6 DNS.
    pub use_dns6: bool,
    /// Id of the last connection created; ids start at 1.
    pub nextid: c_ulong,
    /// Free for the program's use.
    pub userdata: *mut c_void,
    /// TLS context.
    pub tls_ctx: *mut c_void,
    /// MQTT packet id counter.
    pub mqtt_id: u16,
    /// Internal.
    pub active_dns_requests: *mut c_void,
    /// Internal.
    pub active_mdns_requests: *mut c_void,
    /// Timers, see mg_timer_add().
    pub timers: *mut mg_timer,
    /// The epoll descriptor the manager waits on.
    pub epoll_fd: c_int,
    /// Private state of this library's manager (Mongoose's built-in TCP/IP
    /// stack interface is not part of this library).
    pub ifp: *mut c_void,
    /// Bytes of zeroed user memory allocated after each connection, at `(c + 1)`.
    pub extraconnsize: usize,
    /// Wakeup channel.
    pub pipe: mg_pipe,
}
