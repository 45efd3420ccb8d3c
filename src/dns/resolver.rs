//! The asynchronous resolver behind `mg_connect` and `mg_resolve`.
//!
//! Order: IP literals and `localhost` at once, then `/etc/hosts`, then
//! `.local` names over mDNS (when `mgr->mdns` listens), then DNS. The DNS
//! server is `mgr->dns4`/`mgr->dns6` when the program set its URL, else the
//! nameservers of `/etc/resolv.conf` in order (the next one after a share
//! of `mgr->dnstimeout` without an answer), else Mongoose's default.
//!
//! Each server is a connected UDP connection of the manager (a kernel filter
//! against answers from elsewhere) whose protocol handler is [`dns_pfn`].
//! Every query has a random id, and an answer counts only when its id, its
//! server and its question match. Lookups of the same name share one query.
//! The state lives behind `mgr->active_dns_requests`; waiting connections are
//! held by pointer and id and checked to be alive before each use, so a
//! connection closed mid-lookup is simply dropped.
use super::msg::{self, Message, MG_DNS_RTYPE_A, MG_DNS_RTYPE_AAAA, RTYPE_CNAME};
use super::sysconf;
use crate::addr::mg_addr;
use crate::conn::{mg_connection, Conn};
use crate::layer::{self, Handler, Layer};
use crate::log::MG_LL_ERROR;
use crate::mgr::{self, mg_mgr};
use crate::net;
use std::ffi::CStr;
use std::net::{IpAddr, SocketAddr};
use std::os::raw::c_ulong;
use std::ptr;

/// Mongoose's default servers: `mgr->dns4.url`/`dns6.url` after mg_mgr_init().
pub static DEFAULT_DNS4: &CStr = c"udp://8.8.8.8:53";
/// See [`DEFAULT_DNS4`].
pub static DEFAULT_DNS6: &CStr = c"udp://[2001:4860:4860::8888]:53";
/// Longest CNAME chain followed within one answer.
const MAX_CNAMES: usize = 16;
/// The standard query flags: recursion desired.
const FLAG_RD: u16 = 0x0100;

/// A connection waiting for a lookup, with its id to tell whether it lives.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Waiter {
    c: *mut mg_connection,
    id: c_ulong,
}

/// Which server a lookup asks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Server {
    /// `mgr->dns4` or `mgr->dns6` (the program's, or the default).
    Mgr { v6: bool },
    /// A nameserver of /etc/resolv.conf.
    Conf(SocketAddr),
}

/// One name being looked up.
struct Lookup {
    name: Vec<u8>,
    qtype: u16,
    txid: u16,
    /// Over mDNS (`mgr->mdns`) rather than DNS.
    mdns: bool,
    servers: Vec<Server>,
    /// Index in `servers` of the one asked now.
    current: usize,
    /// The connection the current query went out on.
    conn: *mut mg_connection,
    /// When the current server has had its time.
    attempt_deadline: u64,
    /// A server refused or failed the question (SERVFAIL, REFUSED...).
    refused: bool,
    /// A server's connection failed (say, ICMP port unreachable).
    conn_failed: bool,
    waiters: Vec<Waiter>,
}

/// The manager's resolver state.
#[derive(Default)]
pub struct Resolver {
    lookups: Vec<Lookup>,
    /// Open connections to resolv.conf nameservers.
    conf_conns: Vec<(SocketAddr, *mut mg_connection)>,
}

/// How a lookup ended.
enum Outcome {
    Found(mg_addr),
    Failed(String),
}

/// The manager's resolver, created on first use.
///
/// # Safety
/// `mgr` must be initialised; the reference must not be held across calls
/// into handlers.
unsafe fn resolver<'a>(mgr: *mut mg_mgr) -> &'a mut Resolver {
    // SAFETY: active_dns_requests is NULL or our Box.
    unsafe {
        if (*mgr).active_dns_requests.is_null() {
            (*mgr).active_dns_requests = Box::into_raw(Box::<Resolver>::default()).cast();
        }
        &mut *((*mgr).active_dns_requests as *mut Resolver)
    }
}

/// Frees the resolver state (from mg_mgr_free, after every connection closed).
///
/// # Safety
/// `mgr` must be a manager being freed.
pub unsafe fn free(mgr: *mut mg_mgr) {
    // SAFETY: active_dns_requests is NULL or our Box.
    unsafe {
        let p = (*mgr).active_dns_requests;
        if !p.is_null() {
            drop(Box::from_raw(p as *mut Resolver));
            (*mgr).active_dns_requests = ptr::null_mut();
        }
    }
}

/// True when `w` is still an open connection of `mgr`.
unsafe fn alive(mgr: *mut mg_mgr, w: Waiter) -> bool {
    // SAFETY: by_id holds only live connections.
    unsafe {
        mgr::state(mgr).is_some_and(|st| st.by_id.get(&w.id) == Some(&w.c)) && !(*w.c).is_closing()
    }
}

fn random_id() -> u16 {
    let mut b = [0u8; 2];
    crate::util::random(&mut b);
    u16::from_ne_bytes(b)
}

/// mg_resolve(): resolves the host of `url` for `c` and then connects it
/// (MG_EV_RESOLVE, then the connect), or raises MG_EV_ERROR. The port is
/// taken from the URL.
///
/// # Safety
/// `c` must be a live connection of an initialised manager.
pub unsafe fn resolve(c: *mut mg_connection, url: &str) {
    let u = crate::url::parse(url.as_bytes());
    // SAFETY: c is live per the contract.
    unsafe { resolve_host(c, u.host, u.port_or_default()) }
}

/// Resolves `host` for `c` and then connects it to `port` (see [`resolve`]).
///
/// # Safety
/// `c` must be a live connection of an initialised manager.
pub unsafe fn resolve_host(c: *mut mg_connection, host: &[u8], port: u16) {
    // SAFETY: c is live per the contract.
    unsafe {
        let mgr = (*c).mgr;
        let found = std::str::from_utf8(host)
            .ok()
            .and_then(|h| net::resolve_literal(h, port, false))
            .or_else(|| {
                sysconf::hosts_lookup(host, (*mgr).use_dns6).map(|ip| SocketAddr::new(ip, port))
            });
        if let Some(sa) = found {
            (*c).rem = mg_addr::from_socket_addr(&sa);
            return net::connect_resolved(c);
        }
        (*c).rem = mg_addr::default();
        (*c).rem.port = port.to_be();
        let host = host.to_vec();
        let is_local = host.len() > 6 && host[host.len() - 6..].eq_ignore_ascii_case(b".local");
        if is_local {
            if (*mgr).mdns.is_null() {
                return net::raise_error(c, MG_LL_ERROR, b"no mDNS listener, see mg_mdns_listen()");
            }
            return start(c, host, MG_DNS_RTYPE_A, true);
        }
        let qtype = if (*mgr).use_dns6 { MG_DNS_RTYPE_AAAA } else { MG_DNS_RTYPE_A };
        start(c, host, qtype, false);
    }
}

/// An IP literal (v4, v6 with or without brackets and scope) or `localhost`.
pub fn literal(host: &[u8]) -> Option<mg_addr> {
    let mut a = mg_addr::default();
    a.parse_ip(host).then_some(a)
}

/// Joins `c` to a lookup of `name`, starting one when none is under way.
unsafe fn start(c: *mut mg_connection, name: Vec<u8>, qtype: u16, mdns: bool) {
    // SAFETY: c is live; the resolver reference is dropped before handlers run.
    unsafe {
        let mgr = (*c).mgr;
        let w = Waiter { c, id: (*c).id };
        (*c).set_resolving(true);
        let r = resolver(mgr);
        if let Some(l) = r
            .lookups
            .iter_mut()
            .find(|l| l.mdns == mdns && l.qtype == qtype && msg::name_eq(&l.name, &name))
        {
            l.waiters.push(w);
            return;
        }
        let servers = if mdns { Vec::new() } else { servers(mgr, qtype == MG_DNS_RTYPE_AAAA) };
        r.lookups.push(Lookup {
            name,
            qtype,
            txid: 0,
            mdns,
            servers,
            current: 0,
            conn: ptr::null_mut(),
            attempt_deadline: 0,
            refused: false,
            conn_failed: false,
            waiters: vec![w],
        });
        let idx = r.lookups.len() - 1;
        send_current(mgr, idx);
    }
}

/// The servers to ask, in order.
unsafe fn servers(mgr: *mut mg_mgr, v6: bool) -> Vec<Server> {
    // SAFETY: mgr is initialised.
    let (url, default) = unsafe {
        if v6 {
            ((*mgr).dns6.url, DEFAULT_DNS6)
        } else {
            ((*mgr).dns4.url, DEFAULT_DNS4)
        }
    };
    if url != default.as_ptr() {
        return vec![Server::Mgr { v6 }];
    }
    let conf: Vec<Server> = sysconf::nameservers().into_iter().map(Server::Conf).collect();
    if conf.is_empty() {
        vec![Server::Mgr { v6 }]
    } else {
        conf
    }
}

/// The lookup's time budget per server: `mgr->dnstimeout` shared out.
unsafe fn attempt_ms(mgr: *mut mg_mgr, l: &Lookup) -> u64 {
    // mDNS lookups get the whole `mgr->dnstimeout` too (Mongoose gives
    // them 500 ms): responders may hold a multicast answer back for up to
    // 500 ms to aggregate it (RFC 6762 6.4), and Python zeroconf does.
    // SAFETY: mgr is initialised.
    let total = unsafe { (*mgr).dnstimeout }.max(1) as u64;
    (total / l.servers.len().max(1) as u64).max(1)
}

/// Sends lookup `idx`'s query to its current server, moving on to the next
/// server when one cannot be reached; fails the lookup when none is left.
unsafe fn send_current(mgr: *mut mg_mgr, idx: usize) {
    // SAFETY: mgr is initialised; the resolver reference is re-taken after
    // each call that may run handlers.
    unsafe {
        loop {
            let r = resolver(mgr);
            let l = &mut r.lookups[idx];
            let conn = if l.mdns {
                (*mgr).mdns
            } else {
                match l.servers.get(l.current) {
                    Some(&s) => server_conn(mgr, s),
                    None => {
                        let err = if l.refused {
                            format!("{} DNS lookup failed", String::from_utf8_lossy(&l.name))
                        } else if l.conn_failed {
                            "DNS error".into()
                        } else if l.servers.is_empty() {
                            "resolver".into()
                        } else {
                            "DNS timeout".into()
                        };
                        return finish(mgr, idx, Outcome::Failed(err));
                    }
                }
            };
            let r = resolver(mgr);
            let l = &mut r.lookups[idx];
            if conn.is_null() {
                if l.mdns {
                    return finish(mgr, idx, Outcome::Failed("no mDNS listener".into()));
                }
                l.current += 1;
                continue;
            }
            l.txid = if l.mdns { 0 } else { random_id() };
            l.conn = conn;
            l.attempt_deadline = crate::util::millis() + attempt_ms(mgr, l);
            let flags = if l.mdns { 0 } else { FLAG_RD };
            let Some(q) = msg::build_query(l.txid, flags, &l.name, l.qtype) else {
                let name = String::from_utf8_lossy(&l.name).into_owned();
                return finish(mgr, idx, Outcome::Failed(format!("{name} DNS lookup failed")));
            };
            if l.mdns {
                super::mdns::restore_group(conn);
            }
            crate::log_debug!(
                "mg_resolve",
                "{} {} id {}",
                String::from_utf8_lossy(&l.name),
                if l.mdns { "mDNS" } else { "DNS" },
                l.txid
            );
            if !net::send(conn, &q) && !l.mdns {
                l.current += 1;
                continue;
            }
            return;
        }
    }
}

/// The open connection to server `s`, connecting when needed. NULL when it
/// cannot be had (logged).
unsafe fn server_conn(mgr: *mut mg_mgr, s: Server) -> *mut mg_connection {
    // SAFETY: mgr is initialised; handlers may run inside net::connect, so
    // the resolver is re-taken after it.
    unsafe {
        let (url, slot): (String, Option<*mut crate::mgr::mg_dns>) = match s {
            Server::Mgr { v6 } => {
                let d = if v6 { &mut (*mgr).dns6 } else { &mut (*mgr).dns4 };
                if !d.c.is_null() {
                    return d.c;
                }
                if d.url.is_null() {
                    crate::log_error!("mg_resolve", "DNS server URL is NULL");
                    return ptr::null_mut();
                }
                (CStr::from_ptr(d.url).to_string_lossy().into_owned(), Some(d as *mut _))
            }
            Server::Conf(sa) => {
                if let Some(&(_, c)) = resolver(mgr).conf_conns.iter().find(|(a, _)| *a == sa) {
                    return c;
                }
                let host = match sa.ip() {
                    IpAddr::V4(ip) => ip.to_string(),
                    IpAddr::V6(ip) => format!("[{ip}]"),
                };
                (format!("udp://{host}:{}", sa.port()), None)
            }
        };
        let host = crate::url::parse(url.as_bytes()).host.to_vec();
        if literal(&host).is_none() {
            crate::log_error!("mg_resolve", "DNS server {url} is not an IP address");
            return ptr::null_mut();
        }
        let c = net::connect(mgr, &url, None, ptr::null_mut());
        if c.is_null() || (*c).is_closing() {
            crate::log_error!("mg_resolve", "cannot open DNS server {url}");
            return ptr::null_mut();
        }
        if let Some(mut conn) = Conn::from_raw(c) {
            layer::attach(&mut conn, DnsServer);
        }
        match slot {
            Some(d) => (*d).c = c,
            None => resolver(mgr).conf_conns.push((
                match s {
                    Server::Conf(sa) => sa,
                    Server::Mgr { .. } => unreachable!(),
                },
                c,
            )),
        }
        c
    }
}

/// Removes lookup `idx` and tells its waiters the outcome.
unsafe fn finish(mgr: *mut mg_mgr, idx: usize, outcome: Outcome) {
    // SAFETY: the lookup is taken out before any handler runs.
    unsafe {
        let l = resolver(mgr).lookups.swap_remove(idx);
        for w in l.waiters {
            if !alive(mgr, w) {
                continue;
            }
            (*w.c).set_resolving(false);
            match &outcome {
                Outcome::Found(a) => {
                    let port = (*w.c).rem.port;
                    (*w.c).rem = *a;
                    (*w.c).rem.port = port;
                    crate::log_debug!(
                        "mg_resolve",
                        "{} {} is {}",
                        (*w.c).id,
                        String::from_utf8_lossy(&l.name),
                        a.to_socket_addr().ip()
                    );
                    net::connect_resolved(w.c);
                }
                Outcome::Failed(e) => net::raise_error(w.c, MG_LL_ERROR, e.as_bytes()),
            }
        }
    }
}

/// mg_resolve_cancel(): `c` no longer waits for any lookup.
///
/// # Safety
/// `c` must be a live connection of an initialised manager.
pub unsafe fn cancel(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe {
        let mgr = (*c).mgr;
        if (*mgr).active_dns_requests.is_null() {
            return;
        }
        let r = resolver(mgr);
        for l in &mut r.lookups {
            l.waiters.retain(|w| w.c != c);
        }
        r.lookups.retain(|l| !l.waiters.is_empty());
        (*c).set_resolving(false);
    }
}

/// Moves on every lookup whose server has had its time (from MG_EV_POLL).
unsafe fn check_timeouts(mgr: *mut mg_mgr, now: u64) {
    // SAFETY: indices are re-found after each step that may run handlers.
    unsafe {
        loop {
            let r = resolver(mgr);
            // Lookups nobody waits for any more are dropped quietly.
            r.lookups.retain(|l| l.waiters.iter().any(|&w| alive(mgr, w)));
            let Some(idx) = r.lookups.iter().position(|l| now > l.attempt_deadline) else {
                return;
            };
            let l = &mut r.lookups[idx];
            if l.mdns {
                finish(mgr, idx, Outcome::Failed("mDNS timeout".into()));
            } else {
                l.current += 1;
                send_current(mgr, idx);
            }
        }
    }
}

/// What an answer to lookup `l` says: None when it is not an answer to it
/// (ignored), else the outcome.
fn judge(l: &Lookup, m: &Message, buf: &[u8]) -> Option<Outcome> {
    let h = m.header;
    if !h.is_response() || h.id != l.txid {
        return None;
    }
    let q = m.questions.first()?;
    if m.questions.len() != 1
        || !msg::name_eq(&q.name, &l.name)
        || q.rr.atype != l.qtype
        || q.rr.aclass & 0x7fff != 1
    {
        return None;
    }
    let failed =
        || Outcome::Failed(format!("{} DNS lookup failed", String::from_utf8_lossy(&l.name)));
    match h.rcode() {
        0 => {}
        3 => return Some(failed()),
        _ => return Some(Outcome::Failed(String::new())), // next server
    }
    // Follow the CNAME chain from the asked name through the answers.
    let mut cur = l.name.clone();
    for _ in 0..MAX_CNAMES {
        let owned = m.answers().iter().filter(|r| msg::name_eq(&r.name, &cur));
        let mut next = None;
        for r in owned {
            let data = &buf[r.data_ofs..r.data_ofs + r.rr.alen as usize];
            if r.rr.atype == l.qtype {
                if let Some(a) = msg::address_of(&r.rr, data) {
                    return Some(Outcome::Found(a));
                }
            } else if r.rr.atype == RTYPE_CNAME && next.is_none() {
                let mut target = Vec::new();
                if msg::read_name(buf, r.data_ofs, Some(&mut target)).is_some() {
                    next = Some(target);
                }
            }
        }
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    Some(failed())
}

/// A datagram from DNS server connection `c`.
unsafe fn on_answer(c: *mut mg_connection) {
    // SAFETY: c is live; the resolver is not held across handler calls.
    unsafe {
        let mgr = (*c).mgr;
        let buf = (*c).recv.data().to_vec();
        (*c).recv.len = 0;
        let Some(m) = Message::parse(&buf) else {
            crate::log_error!("mg_resolve", "{} malformed DNS answer ignored", (*c).id);
            return;
        };
        let r = resolver(mgr);
        let mut found = None;
        for (i, l) in r.lookups.iter().enumerate() {
            if l.mdns || l.conn != c {
                continue;
            }
            if let Some(o) = judge(l, &m, &buf) {
                found = Some((i, o));
                break;
            }
        }
        match found {
            None => crate::log_error!("mg_resolve", "{} stray DNS reply ignored", (*c).id),
            Some((i, Outcome::Failed(e))) if e.is_empty() => {
                r.lookups[i].refused = true;
                r.lookups[i].current += 1;
                send_current(mgr, i);
            }
            Some((i, o)) => finish(mgr, i, o),
        }
    }
}

/// An A answer heard by the mDNS listener: completes `.local` lookups of
/// `name` (`name` without `.local`).
///
/// # Safety
/// `mgr` must be initialised.
pub unsafe fn on_mdns_answer(mgr: *mut mg_mgr, name: &[u8], addr: mg_addr) {
    // SAFETY: the resolver is not held across handler calls.
    unsafe {
        if (*mgr).active_dns_requests.is_null() {
            return;
        }
        let mut full = name.to_vec();
        full.extend_from_slice(b".local");
        while let Some(i) =
            resolver(mgr).lookups.iter().position(|l| l.mdns && msg::name_eq(&l.name, &full))
        {
            finish(mgr, i, Outcome::Found(addr));
        }
    }
}

/// The lookups waiting on a server connection that closed move on.
unsafe fn on_server_close(c: *mut mg_connection) {
    // SAFETY: c is live until its close completes.
    unsafe {
        let mgr = (*c).mgr;
        if (*mgr).dns4.c == c {
            (*mgr).dns4.c = ptr::null_mut();
        }
        if (*mgr).dns6.c == c {
            (*mgr).dns6.c = ptr::null_mut();
        }
        if (*mgr).active_dns_requests.is_null() {
            return;
        }
        let r = resolver(mgr);
        r.conf_conns.retain(|&(_, x)| x != c);
        while let Some(i) = resolver(mgr).lookups.iter().position(|l| l.conn == c) {
            let l = &mut resolver(mgr).lookups[i];
            l.conn = ptr::null_mut();
            l.conn_failed = true;
            if l.mdns {
                finish(mgr, i, Outcome::Failed("mDNS listener error".into()));
            } else {
                l.current += 1;
                send_current(mgr, i);
            }
        }
    }
}

/// Runs the pending lookups' clocks from the mDNS listener's MG_EV_POLL.
///
/// # Safety
/// `mgr` must be initialised.
pub unsafe fn poll(mgr: *mut mg_mgr, now: u64) {
    // SAFETY: per the contract.
    unsafe {
        if !(*mgr).active_dns_requests.is_null() {
            check_timeouts(mgr, now);
        }
    }
}

/// Notes that an mDNS listener closed: its lookups fail.
///
/// # Safety
/// `c` must be the closing listener.
pub unsafe fn on_mdns_close(c: *mut mg_connection) {
    // SAFETY: per the contract.
    unsafe { on_server_close(c) }
}

/// The layer of a DNS server connection. Lookups are the manager's (one
/// query may move from server to server), so the layer holds no state.
#[derive(Debug, Default)]
pub struct DnsServer;

crate::layer_handler!(
    /// The protocol handler of a DNS server connection: answers, the
    /// lookups' clocks, and moving lookups on when the connection closes.
    dns_handler,
    DnsServer
);

impl Layer for DnsServer {
    const HANDLER: Handler = dns_handler;
    fn on_read(c: &mut Conn, _n: usize) {
        // SAFETY: the live connection the event is for.
        unsafe { on_answer(c.as_ptr()) }
    }
    fn on_poll(c: &mut Conn, now: u64) {
        // SAFETY: its manager is initialised.
        unsafe { poll(c.mgr, now) }
    }
    fn on_close(c: &mut Conn) {
        // SAFETY: the connection lives until its close completes.
        unsafe { on_server_close(c.as_ptr()) }
    }
}
