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
    /// mDNS listener (mg_mdns_listen()), which resolves `.local` names.
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

use crate::conn::{self, ev};
use crate::net;
use crate::poller::{Events, Selector};
use crate::sockio;
use crate::timer;
use crate::util::millis;
use crate::wakeup::Channel;
use std::collections::{HashMap, HashSet};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The manager's private state, kept behind `mgr->ifp`.
pub struct MgrState {
    /// The epoll instance every socket is registered with.
    pub poller: Arc<Selector>,
    /// The sockets found ready by the last wait.
    events: Events,
    /// Connections by id, to deliver wakeup messages without a list walk.
    pub by_id: HashMap<c_ulong, *mut mg_connection>,
    /// Every connection, in no particular order. Scans that need no order
    /// go through it rather than the linked list: its loads do not wait for
    /// one another, which matters with thousands of connections.
    pub all: Vec<*mut mg_connection>,
    /// Timers allocated by mg_timer_add(), freed by mg_mgr_free().
    pub owned_timers: HashSet<*mut mg_timer>,
    /// Connections found ready in an extra I/O round (kept to reuse memory).
    ready: Vec<usize>,
    /// The connection the event loop is serving, whose handlers are running.
    pub serving: *mut mg_connection,
    /// Whether `mg_mgr_poll` is past its wait, serving connections: only
    /// then are connections listed in `touched`.
    pub tracking: bool,
    /// Connections (with their ids, to skip closed ones) that got output or
    /// ended a response from code other than their own handlers, in the
    /// current iteration; see `net::touch`.
    pub touched: Vec<(*mut mg_connection, c_ulong)>,
    /// When freed memory was last given back to the system.
    last_trim: Option<Instant>,
    /// Manager-wide cap on bytes held in the connections' receive buffers
    /// (0: none); see [`refuse_above`].
    pub recv_cap: usize,
    /// While the cap is exceeded, connections holding at least this many
    /// received bytes are refused more input (usize::MAX: none).
    pub recv_refuse_above: usize,
    /// HTTP server timeouts of connections whose listener sets none.
    pub http_timeouts: crate::http::HttpTimeouts,
}

/// Default of the manager-wide cap on buffered receive data.
/// cbindgen:ignore
pub const DEFAULT_RECV_CAP: usize = 256 * 1024 * 1024;

/// Above the cap, the connections holding at least their even share of the
/// buffered data (the biggest holders) are refused more input; below it,
/// nothing is refused.
fn refuse_above(held: usize, holders: usize, cap: usize) -> usize {
    if cap == 0 || held <= cap || holders == 0 {
        usize::MAX
    } else {
        (held / holders).max(1)
    }
}

/// I/O rounds after the pass over all connections (see [`extra_io_rounds`])
/// may take this many times as long as the pass itself...
const ROUNDS_PER_PASS: u32 = 64;
/// ...but at least this long...
const ROUNDS_MIN: Duration = Duration::from_millis(2);
/// ...and at most this long, so MG_EV_POLL stays prompt under load; in any
/// case they end with the `ms` the program gave mg_mgr_poll().
const ROUNDS_MAX: Duration = Duration::from_millis(100);

/// The private state of an initialised manager.
///
/// # Safety
/// `mgr` must be initialised by [`init`] and not freed. The reference must
/// not be held across calls into C handlers (they may re-enter the library).
pub unsafe fn state<'a>(mgr: *mut mg_mgr) -> Option<&'a mut MgrState> {
    // SAFETY: ifp is NULL or the Box made by init().
    unsafe {
        if mgr.is_null() || (*mgr).ifp.is_null() {
            None
        } else {
            Some(&mut *((*mgr).ifp as *mut MgrState))
        }
    }
}

/// The wakeup channel of a manager, if mg_wakeup_init() made one. Safe to call
/// from any thread while the manager lives.
///
/// # Safety
/// `mgr` must point to a live, initialised manager.
pub unsafe fn channel<'a>(mgr: *const mg_mgr) -> Option<&'a Channel> {
    // SAFETY: pipe.q is NULL or the Arc made by init_wakeup(), set before
    // other threads were told about the manager.
    unsafe {
        let q = (*mgr).pipe.q;
        (!q.is_null()).then(|| &*(q as *const Channel))
    }
}

/// Initialises a manager in caller-provided memory (any previous content is
/// overwritten). False when the poller cannot be created.
///
/// # Safety
/// `mgr` must point to writable memory for a `mg_mgr`.
pub unsafe fn init(mgr: *mut mg_mgr) -> bool {
    // SAFETY: all-zero is a valid mg_mgr (null pointers, zero numbers).
    unsafe { std::ptr::write_bytes(mgr, 0, 1) };
    // Writes to a peer that went away must be errors, not a fatal SIGPIPE.
    // SAFETY: plain libc call.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let poller = match Selector::new() {
        Ok(p) => Arc::new(p),
        Err(e) => {
            crate::log_error!("mg_mgr_init", "cannot create poller: {e}");
            return false;
        }
    };
    let epoll_fd = poller.as_raw_fd();
    let st = Box::new(MgrState {
        poller,
        events: Events::default(),
        by_id: HashMap::new(),
        all: Vec::new(),
        owned_timers: HashSet::new(),
        ready: Vec::new(),
        serving: std::ptr::null_mut(),
        tracking: false,
        touched: Vec::new(),
        last_trim: None,
        recv_cap: DEFAULT_RECV_CAP,
        recv_refuse_above: usize::MAX,
        http_timeouts: Default::default(),
    });
    // SAFETY: mgr is writable per the contract.
    unsafe {
        let m = &mut *mgr;
        m.dnstimeout = 3000;
        m.dns4.url = crate::dns::resolver::DEFAULT_DNS4.as_ptr();
        m.dns6.url = crate::dns::resolver::DEFAULT_DNS6.as_ptr();
        m.epoll_fd = epoll_fd;
        m.ifp = Box::into_raw(st).cast();
        m.pipe.q = std::ptr::null_mut();
    }
    true
}

/// Creates the wakeup channel (idempotent).
///
/// # Safety
/// `mgr` must be an initialised manager, and no other thread may be using it.
pub unsafe fn init_wakeup(mgr: *mut mg_mgr) -> bool {
    // SAFETY: per the contract.
    unsafe {
        if channel(mgr).is_some() {
            return true;
        }
        let Some(st) = state(mgr) else { return false };
        let ch = Arc::new(Channel::new(st.poller.clone()));
        (*mgr).pipe.q = Arc::into_raw(ch) as *mut c_void;
    }
    true
}

/// Closes every connection (each gets MG_EV_CLOSE), frees the timers made by
/// mg_timer_add() and releases the manager's resources.
///
/// # Safety
/// `mgr` must be initialised (or zeroed); it must not be used afterwards
/// except to initialise it again.
pub unsafe fn free(mgr: *mut mg_mgr) {
    // SAFETY: per the contract; each connection is closed exactly once.
    unsafe {
        // Pending lookups go first, so closing the resolver's connections
        // does not move them on to other servers.
        crate::dns::resolver::free(mgr);
        while !(*mgr).conns.is_null() {
            net::close_conn((*mgr).conns);
        }
        crate::dns::resolver::free(mgr);
        if let Some(st) = state(mgr) {
            let owned: Vec<_> = st.owned_timers.drain().collect();
            for t in owned {
                if timer::unlink(&mut (*mgr).timers, t) {
                    libc::free(t.cast());
                }
            }
        }
        let q = (*mgr).pipe.q;
        if !q.is_null() {
            drop(Arc::from_raw(q as *const Channel));
            (*mgr).pipe.q = std::ptr::null_mut();
        }
        if !(*mgr).ifp.is_null() {
            drop(Box::from_raw((*mgr).ifp as *mut MgrState));
            (*mgr).ifp = std::ptr::null_mut();
        }
        (*mgr).timers = std::ptr::null_mut();
        crate::iobuf::give_back_memory(true, &mut None);
        (*mgr).epoll_fd = -1;
    }
}

/// One iteration of the event loop: wait up to `ms` milliseconds (less when a
/// timer or pending work is due sooner), then deliver wakeups, run due
/// timers, and do each connection's I/O and MG_EV_POLL.
///
/// # Safety
/// `mgr` must be an initialised manager, driven from one thread.
pub unsafe fn poll(mgr: *mut mg_mgr, ms: i32) {
    // SAFETY: per the contract; `st` is not held across handler calls.
    unsafe {
        let start = Instant::now();
        let timeout = prepare_and_timeout(mgr, millis(), ms);
        let prepare_time = start.elapsed();
        let Some(st) = state(mgr) else { return };
        if let Err(e) = st.poller.wait(&mut st.events, timeout) {
            crate::log_error!("mg_mgr_poll", "poll: {e}");
        }
        let idle = st.events.iter().next().is_none();
        for e in st.events.iter() {
            let c = e.key as *mut mg_connection;
            (*c).set_readable(e.readable);
            (*c).set_writable(e.writable);
        }
        st.tracking = true;
        deliver_wakeups(mgr);
        run_timers(mgr);
        let now = millis();
        let pass_start = Instant::now();
        let mut c = (*mgr).conns;
        while !c.is_null() {
            let next = (*c).next;
            if !next.is_null() {
                conn::prefetch(next);
            }
            serve_in_pass(mgr, c, now);
            c = next;
        }
        let pass_time = prepare_time + pass_start.elapsed();
        let budget = (pass_time * ROUNDS_PER_PASS).clamp(ROUNDS_MIN, ROUNDS_MAX);
        // The program's `ms` bounds the whole call, as a plain wait would.
        let call_end = start + Duration::from_millis(ms.max(0) as u64);
        extra_io_rounds(mgr, (Instant::now() + budget).min(call_end));
        if let Some(st) = state(mgr) {
            st.tracking = false;
            crate::iobuf::give_back_memory(idle, &mut st.last_trim);
        }
    }
}

/// Runs `f` (which serves `c`) with `c` noted as the connection being
/// served, so output its own handlers queue is not taken for a touch from
/// elsewhere. Returns what `f` returns.
unsafe fn serve_one<R>(
    mgr: *mut mg_mgr,
    c: *mut mg_connection,
    f: impl FnOnce(*mut mg_connection) -> R,
) -> R {
    // SAFETY: mgr is initialised; the state is not held across `f`.
    unsafe {
        if let Some(st) = state(mgr) {
            st.serving = c;
        }
        let r = f(c);
        if let Some(st) = state(mgr) {
            st.serving = std::ptr::null_mut();
        }
        r
    }
}

/// Serves sockets that become ready after the pass over all connections, in
/// rounds that wait for readiness, until `deadline` (never later than the
/// program's `ms`), or until a timer or a wakeup message is due.
///
/// With many idle connections the pass over all of them dominates the cost
/// of an iteration. The rounds share that pass among more requests: their
/// budget grows with the time the pass took, so its cost stays a small part
/// of the total. MG_EV_POLL still goes to each connection once per
/// mg_mgr_poll(), at least every [`ROUNDS_MAX`] under load.
///
/// Since the rounds may wait, nothing may be left undone meanwhile: each
/// connection served has its poller registration brought up to date, and
/// connections that got output from elsewhere ([`net::touch`]) are served
/// before the next wait.
unsafe fn extra_io_rounds(mgr: *mut mg_mgr, deadline: Instant) {
    // SAFETY: mgr is initialised; `st` is not held across handler calls, and
    // the ready keys are live connections (nothing is freed between the wait
    // and their service except by the program's own mg_close_conn()).
    unsafe {
        // One clock read per round: the due timer becomes a point in time.
        let (start, start_ms) = (Instant::now(), millis());
        let mut stop = deadline;
        if let Some(due) = timer::next_due((*mgr).timers) {
            stop = stop.min(start + Duration::from_millis(due.saturating_sub(start_ms)));
        }
        let mut t = start;
        loop {
            let now = start_ms + (t - start).as_millis() as u64;
            let urgent = serve_touched(mgr, now);
            t = Instant::now();
            if t >= stop || channel(mgr).is_some_and(|ch| ch.has_pending()) {
                return;
            }
            let Some(st) = state(mgr) else { return };
            let wait_ms = if urgent || !st.touched.is_empty() { 0 } else { ceil_ms(stop - t) };
            if st.poller.wait(&mut st.events, wait_ms).unwrap_or(0) == 0 {
                t = Instant::now();
                continue;
            }
            let mut ready = std::mem::take(&mut st.ready);
            ready.clear();
            for e in st.events.iter() {
                let c = e.key as *mut mg_connection;
                (*c).set_readable(e.readable);
                (*c).set_writable(e.writable);
                ready.push(e.key);
            }
            t = Instant::now();
            let now = start_ms + (t - start).as_millis() as u64;
            for &key in &ready {
                serve_in_round(mgr, key as *mut mg_connection, now);
            }
            if let Some(st) = state(mgr) {
                st.ready = ready;
            }
        }
    }
}

/// Whole milliseconds covering `d`, for a wait that must not end early.
fn ceil_ms(d: Duration) -> u64 {
    d.as_nanos().div_ceil(1_000_000) as u64
}

/// Serves one connection in the pass over all of them: MG_EV_POLL and its
/// I/O. When that may have changed what its poller registration should be,
/// the registration is brought up to date before the rounds wait.
unsafe fn serve_in_pass(mgr: *mut mg_mgr, c: *mut mg_connection, now: u64) {
    // SAFETY: c is live; it may be closed (freed) by service.
    unsafe {
        let sync = sockio::may_need_sync(&*c);
        if serve_one(mgr, c, |c| sockio::service(c, now)) && (sync || sockio::may_need_sync(&*c)) {
            sync_after_serving(mgr, c, now);
        }
    }
}

/// Serves one connection in a round: its I/O, then its poller registration.
unsafe fn serve_in_round(mgr: *mut mg_mgr, c: *mut mg_connection, now: u64) {
    // SAFETY: c is live; it may be closed (freed) by service_io.
    unsafe {
        if serve_one(mgr, c, |c| sockio::service_io(c, now)) {
            sync_after_serving(mgr, c, now);
        }
    }
}

/// Brings a just-served connection's poller registration up to date; one
/// that needs attention again at once is listed as touched.
unsafe fn sync_after_serving(mgr: *mut mg_mgr, c: *mut mg_connection, now: u64) {
    // SAFETY: c is live.
    unsafe {
        if sockio::sync_interest(c, now).is_some_and(|at| at <= now) {
            let p = conn::private(c);
            if let (false, Some(st)) = (p.touched, state(mgr)) {
                p.touched = true;
                st.touched.push((c, p.registered_id));
            }
        }
    }
}

/// Serves the connections listed as touched since the last round. True when
/// any of them needs attention again at once.
unsafe fn serve_touched(mgr: *mut mg_mgr, now: u64) -> bool {
    // SAFETY: mgr is initialised; a listed connection is used only when the
    // id map still holds it under its id (closing removes it from there).
    unsafe {
        let Some(st) = state(mgr) else { return false };
        if st.touched.is_empty() {
            return false;
        }
        let list = std::mem::take(&mut st.touched);
        for &(c, id) in &list {
            let live = state(mgr).is_some_and(|st| st.by_id.get(&id) == Some(&c));
            if live {
                conn::private(c).touched = false;
                serve_in_round(mgr, c, now);
            }
        }
        state(mgr).is_some_and(|st| !st.touched.is_empty())
    }
}

/// Syncs each connection's poller registration with its state and works out
/// how long the next wait may be: 0 when anything is ready to run now,
/// otherwise until the next timer, capped at `ms`.
unsafe fn prepare_and_timeout(mgr: *mut mg_mgr, now: u64, ms: i32) -> u64 {
    let mut timeout = ms.max(0) as u64;
    // SAFETY: mgr is initialised; `all` holds its live connections, and
    // sync_interest calls no handler, so none is added or freed meanwhile.
    unsafe {
        if let Some(st) = state(mgr) {
            let all = std::mem::take(&mut st.all);
            let (mut held, mut holders) = (0usize, 0usize);
            for &c in &all {
                if let Some(at) = sockio::sync_interest(c, now) {
                    timeout = timeout.min(at.saturating_sub(now));
                }
                let len = (*c).recv.len;
                held += len;
                holders += usize::from(len > 0);
            }
            if let Some(st) = state(mgr) {
                st.all = all;
                st.recv_refuse_above = refuse_above(held, holders, st.recv_cap);
            }
        }
        if channel(mgr).is_some_and(|ch| ch.has_pending()) {
            timeout = 0;
        }
        if let Some(due) = timer::next_due((*mgr).timers) {
            timeout = timeout.min(due.saturating_sub(now));
        }
    }
    timeout
}

/// Delivers queued wakeup messages as MG_EV_WAKEUP to their connections.
/// Messages for connections that no longer exist are dropped.
unsafe fn deliver_wakeups(mgr: *mut mg_mgr) {
    // SAFETY: mgr is initialised; connections looked up by id are live
    // (entries are removed when a connection is freed).
    unsafe {
        let Some(ch) = channel(mgr) else { return };
        for mut msg in ch.drain() {
            let Some(c) = state(mgr).and_then(|st| st.by_id.get(&msg.conn_id).copied()) else {
                continue;
            };
            let len = msg.data.len();
            msg.data.push(0); // handlers may treat the data as a C string
            let mut s = crate::str::mg_str { buf: msg.data.as_mut_ptr().cast(), len };
            conn::call(c, ev::WAKEUP, (&mut s as *mut crate::str::mg_str).cast());
        }
    }
}

/// Runs due timers and frees the finished auto-delete ones.
unsafe fn run_timers(mgr: *mut mg_mgr) {
    let mut done = Vec::new();
    // SAFETY: mgr is initialised; its timer list holds live timers.
    unsafe {
        timer::poll(&mut (*mgr).timers, millis(), &mut done);
        for t in done {
            if let Some(st) = state(mgr) {
                st.owned_timers.remove(&t);
            }
            libc::free(t.cast());
        }
    }
}
