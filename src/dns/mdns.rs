//! mDNS (RFC 6762) and DNS-SD (RFC 6763) as Mongoose offers them: a
//! listener on 224.0.0.251:5353 that answers A, PTR, SRV and TXT questions
//! for the program (MG_EV_MDNS_REQ), reports answers it hears
//! (MG_EV_MDNS_RESP), and resolves `.local` names for `mg_connect`.
use super::msg::{
    self, mg_dns_rr, mg_dnssd_record, Message, Record, HEADER_LEN, MG_DNS_RTYPE_A,
    MG_DNS_RTYPE_PTR, MG_DNS_RTYPE_SRV, MG_DNS_RTYPE_TXT,
};
use crate::addr::mg_addr;
use crate::conn::{mg_connection, mg_event, mg_event_handler_t, Conn};
use crate::layer::{self, Handler, Layer};
use crate::mgr::mg_mgr;
use crate::net;
use crate::str::mg_str;
use std::ffi::CStr;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// MG_EV_MDNS_REQ as an event number.
const EV_MDNS_REQ: c_int = mg_event::MG_EV_MDNS_REQ as c_int;
/// MG_EV_MDNS_RESP as an event number.
const EV_MDNS_RESP: c_int = mg_event::MG_EV_MDNS_RESP as c_int;

/// The mDNS group and port.
pub(crate) const MDNS_URL: &str = "udp://224.0.0.251:5353";
/// Records of an answer looked at (Mongoose's limit).
const MAX_RECORDS: usize = 8;
/// TTL of our answers, seconds.
const TTL: u32 = 120;
/// The DNS-SD service listing name (without `.local`).
const LISTING: &[u8] = b"_services._dns-sd._udp";

/// ev_data of MG_EV_MDNS_REQ. To answer, the handler sets `is_resp` and
/// fills `r` (and optionally `respname`, `addr`).
#[repr(C)]
pub struct mg_mdns_req {
    /// The question's record fields.
    pub rr: *mut mg_dns_rr,
    /// The service to answer with (PTR, SRV, TXT questions).
    pub r: *mut mg_dnssd_record,
    /// The asked name, without `.local`.
    pub reqname: mg_str,
    /// Our host name for the answer; the listener's fn_data when empty.
    pub respname: mg_str,
    /// Address for the A record; the local interface's when NULL.
    pub addr: *mut mg_addr,
    /// A DNS-SD listing (`_services._dns-sd._udp`) was asked.
    pub is_listing: bool,
    /// Set by the handler to send an answer.
    pub is_resp: bool,
    /// The asker wants a unicast answer (QU bit).
    pub is_unicast: bool,
}

/// ev_data of MG_EV_MDNS_RESP: what an answer heard on the listener says.
#[repr(C)]
pub struct mg_mdns_resp {
    /// The first record of the answer's chain.
    pub rr: *mut mg_dns_rr,
    /// Host name, without `.local`.
    pub name: mg_str,
    /// Its address (port from an SRV record, when one came).
    pub addr: mg_addr,
    /// Service discovery data (PTR, SRV, TXT answers).
    pub sd: mg_dnssd_record,
}

/// mg_mdns_listen(): the listener, registered as `mgr->mdns`.
///
/// # Safety
/// `mgr` must be initialised; `fn_data` NULL or a NUL-terminated name.
pub unsafe fn listen(
    mgr: *mut mg_mgr,
    f: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: per the contract.
    unsafe {
        let c = net::listen(mgr, MDNS_URL, f, fn_data);
        if c.is_null() {
            return c;
        }
        (*mgr).mdns = c;
        if let Some(mut conn) = Conn::from_raw(c) {
            layer::attach(&mut conn, MdnsListener);
        }
        (*c).pfn_data = fn_data;
        c
    }
}

/// Points the listener's destination back at the group (`c->rem = c->loc`).
///
/// # Safety
/// `c` must be a live connection.
pub unsafe fn restore_group(c: *mut mg_connection) {
    // SAFETY: c is live.
    unsafe { (*c).rem = (*c).loc };
}

/// mg_mdns_query(): asks the group for `name` (id 0, no recursion).
///
/// # Safety
/// `c` must be a live listener from [`listen`].
pub unsafe fn query(c: *mut mg_connection, name: &[u8], rtype: u16) -> bool {
    let Some(q) = msg::build_query(0, 0, name, rtype) else {
        crate::log_error!("mg_mdns_query", "invalid name {}", String::from_utf8_lossy(name));
        return false;
    };
    // SAFETY: c is live.
    unsafe {
        restore_group(c);
        net::send(c, &q)
    }
}

/// The layer of the mDNS listener (`mgr->mdns`).
#[derive(Debug, Default)]
pub struct MdnsListener;

crate::layer_handler!(
    /// The protocol handler of the mDNS listener: questions become
    /// MG_EV_MDNS_REQ, answers MG_EV_MDNS_RESP (and complete `.local`
    /// lookups), and it runs the lookups' clocks.
    mdns_handler,
    MdnsListener
);

impl Layer for MdnsListener {
    const HANDLER: Handler = mdns_handler;
    fn on_read(c: &mut Conn, _n: usize) {
        let buf = c.recv.data().to_vec();
        c.recv.len = 0;
        // SAFETY: the live connection the event is for.
        unsafe { on_datagram(c.as_ptr(), &buf) }
    }
    fn on_poll(c: &mut Conn, now: u64) {
        // SAFETY: its manager is initialised.
        unsafe { super::resolver::poll(c.mgr, now) }
    }
    fn on_close(c: &mut Conn) {
        // SAFETY: the manager outlives its connections.
        unsafe {
            if (*c.mgr).mdns == c.as_ptr() {
                (*c.mgr).mdns = ptr::null_mut();
            }
            super::resolver::on_mdns_close(c.as_ptr());
        }
    }
    fn on_other(c: &mut Conn, ev: c_int, ev_data: *mut c_void) {
        if ev != EV_MDNS_RESP {
            return;
        }
        // SAFETY: MG_EV_MDNS_RESP carries a live mg_mdns_resp.
        unsafe {
            let resp = &*(ev_data as *const mg_mdns_resp);
            if !resp.rr.is_null() && (*resp.rr).atype == MG_DNS_RTYPE_A {
                super::resolver::on_mdns_answer(c.mgr, resp.name.as_bytes(), resp.addr);
            }
        }
    }
}

unsafe fn on_datagram(c: *mut mg_connection, buf: &[u8]) {
    let Some(h) = msg::Header::read(buf) else { return };
    if buf.len() <= HEADER_LEN {
        return;
    }
    // Opcode must be 0 (standard query); QR tells question from answer.
    match h.flags & 0xf800 {
        // SAFETY: c is live.
        0 => unsafe { on_queries(c, buf, h) },
        // SAFETY: c is live.
        0x8000 => unsafe { on_response(c, buf) },
        _ => {}
    }
}

/// `name` without a final `.local`, or None when it has none.
fn strip_local(name: &[u8]) -> Option<&[u8]> {
    let n = name.len();
    (n > 6 && name[n - 6..].eq_ignore_ascii_case(b".local")).then(|| &name[..n - 6])
}

/// The C string in fn_data, as bytes (empty for NULL).
unsafe fn fn_data_name<'a>(p: *mut c_void) -> &'a [u8] {
    if p.is_null() {
        &[]
    } else {
        // SAFETY: mg_mdns_listen's fn_data is a NUL-terminated name.
        unsafe { CStr::from_ptr(p as *const c_char).to_bytes() }
    }
}

/// Questions (at most [`MAX_RECORDS`]) are served one by one, each answer
/// going to the asker (unicast) or the group as that question asks.
unsafe fn on_queries(c: *mut mg_connection, buf: &[u8], h: msg::Header) {
    // SAFETY: c is live.
    let sender = unsafe { (*c).rem };
    let mut ofs = HEADER_LEN;
    for _ in 0..(h.qd as usize).min(MAX_RECORDS) {
        let Some((_, n)) = msg::read_rr(buf, ofs, true) else { return };
        // SAFETY: c is live.
        unsafe {
            (*c).rem = sender;
            on_query(c, buf, ofs, h.id);
        }
        ofs += n;
    }
}

unsafe fn on_query(c: *mut mg_connection, buf: &[u8], ofs: usize, qid: u16) {
    let Some((mut rr, _)) = msg::read_rr(buf, ofs, true) else { return };
    let mut name = Vec::new();
    if msg::read_name(buf, ofs, Some(&mut name)).is_none() {
        return;
    }
    let is_unicast = rr.aclass & 0x8000 != 0;
    rr.aclass &= 0x7fff;
    let Some(base) = strip_local(&name) else { return };
    if rr.aclass != 1 && rr.aclass != 0xff {
        return;
    }
    let base = base.to_vec();
    // SAFETY: c is live; fn_data is the listener's name or NULL.
    let (ours, has_name) =
        unsafe { (fn_data_name((*c).fn_data).to_vec(), !(*c).fn_data.is_null()) };
    let mut reqname: &[u8] = &base;
    let mut is_listing = false;
    let mut is_resp = false;
    match rr.atype {
        MG_DNS_RTYPE_A => {
            if has_name && !base.eq_ignore_ascii_case(&ours) {
                return;
            }
            is_resp = has_name;
        }
        MG_DNS_RTYPE_PTR => is_listing = base.eq_ignore_ascii_case(LISTING),
        MG_DNS_RTYPE_SRV | MG_DNS_RTYPE_TXT => {
            if has_name {
                let n = ours.len();
                if base.len() <= n || !base[..n].eq_ignore_ascii_case(&ours) || base[n] != b'.' {
                    return;
                }
                reqname = &base[n + 1..];
            }
        }
        _ => return,
    }
    let mut req = mg_mdns_req {
        rr: &mut rr,
        r: ptr::null_mut(),
        reqname: mg_str::from_bytes(reqname),
        respname: mg_str::empty(),
        addr: ptr::null_mut(),
        is_listing,
        is_resp,
        is_unicast,
    };
    // SAFETY: c is live; req outlives the call.
    unsafe {
        crate::conn::call(c, EV_MDNS_REQ, (&mut req as *mut mg_mdns_req).cast());
        if !req.is_resp || req.is_listing {
            return;
        }
        let respname = if req.respname.buf.is_null() {
            ours.clone()
        } else {
            req.respname.as_bytes().to_vec()
        };
        if respname.is_empty() {
            return;
        }
        let addr =
            if req.addr.is_null() || (*req.addr).is_ip6 { local_addr_for(c) } else { *req.addr };
        let sd = if req.r.is_null() { None } else { Some(*req.r) };
        let Some(answer) = build_answer(rr.atype, is_unicast.then_some(qid), &respname, sd, &addr)
        else {
            return;
        };
        if !is_unicast {
            restore_group(c);
        }
        net::send(c, &answer);
    }
}

/// The address of the interface the last datagram came in on (the one the
/// kernel would send back to its sender from).
unsafe fn local_addr_for(c: *mut mg_connection) -> mg_addr {
    // SAFETY: c is live.
    let to = unsafe { (*c).rem.to_socket_addr() };
    let to = if to.ip().is_unspecified() || to.ip().is_multicast() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::new(224, 0, 0, 251)), 5353)
    } else {
        to
    };
    let ip = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect(to).and_then(|()| s.local_addr()))
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    mg_addr::from_socket_addr(&SocketAddr::new(ip, 0))
}

/// Appends one record: name, type, class IN (cache-flush for unique
/// records), TTL, data.
fn push_rr(out: &mut Vec<u8>, name: &[u8], rtype: u16, data: &[u8]) -> Option<()> {
    msg::write_name(out, name)?;
    let class: u16 = if rtype == MG_DNS_RTYPE_PTR { 1 } else { 0x8001 };
    out.extend_from_slice(&rtype.to_be_bytes());
    out.extend_from_slice(&class.to_be_bytes());
    out.extend_from_slice(&TTL.to_be_bytes());
    out.extend_from_slice(&u16::try_from(data.len()).ok()?.to_be_bytes());
    out.extend_from_slice(data);
    Some(())
}

fn join(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&b'.')
}

/// Our answer to a question of type `qtype`: an A record for
/// `host.local`; for PTR the service instance's PTR with SRV, TXT and A as
/// additional records; for SRV the SRV with A; for TXT the TXT. `id` is the
/// query's id for a unicast answer (RFC 6762 18.1), else 0.
pub fn build_answer(
    qtype: u16,
    id: Option<u16>,
    host: &[u8],
    sd: Option<mg_dnssd_record>,
    addr: &mg_addr,
) -> Option<Vec<u8>> {
    let hostname = join(&[host, b"local"]);
    // An A record holds IPv4; callers pass an IPv4 address.
    let a_data = addr.bytes()[..4].to_vec();
    let mut body = Vec::new();
    let (an, ar) = if qtype == MG_DNS_RTYPE_A {
        push_rr(&mut body, &hostname, MG_DNS_RTYPE_A, &a_data)?;
        (1u16, 0u16)
    } else {
        let sd = sd?;
        // SAFETY: the program's record holds valid views during the event.
        let (svc, txt) = unsafe { (sd.srvcproto.as_bytes(), sd.txt.as_bytes()) };
        let svcname = join(&[svc, b"local"]);
        let instance = join(&[host, svc, b"local"]);
        let mut srv = vec![0, 0, 0, 0];
        srv.extend_from_slice(&sd.port.to_be_bytes());
        msg::write_name(&mut srv, &hostname)?;
        let txt = if txt.is_empty() { &[0u8][..] } else { txt };
        match qtype {
            MG_DNS_RTYPE_PTR => {
                let mut ptr_data = Vec::new();
                msg::write_name(&mut ptr_data, &instance)?;
                push_rr(&mut body, &svcname, MG_DNS_RTYPE_PTR, &ptr_data)?;
                push_rr(&mut body, &instance, MG_DNS_RTYPE_SRV, &srv)?;
                push_rr(&mut body, &instance, MG_DNS_RTYPE_TXT, txt)?;
                push_rr(&mut body, &hostname, MG_DNS_RTYPE_A, &a_data)?;
                (1, 3)
            }
            MG_DNS_RTYPE_SRV => {
                push_rr(&mut body, &instance, MG_DNS_RTYPE_SRV, &srv)?;
                push_rr(&mut body, &hostname, MG_DNS_RTYPE_A, &a_data)?;
                (1, 1)
            }
            MG_DNS_RTYPE_TXT => {
                push_rr(&mut body, &instance, MG_DNS_RTYPE_TXT, txt)?;
                (1, 0)
            }
            _ => return None,
        }
    };
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    for w in [id.unwrap_or(0), 0x8400, 0, an, 0, ar] {
        out.extend_from_slice(&w.to_be_bytes());
    }
    out.extend_from_slice(&body);
    Some(out)
}

/// What an mDNS answer says, condensed into one chain (Mongoose's
/// MG_EV_MDNS_RESP): the first answer decides its kind; later records count
/// only when they belong to the same service instance or host.
#[derive(Default, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the fields of struct mg_mdns_resp, as Mongoose fills them
pub struct Condensed {
    pub kind: u16,
    pub rr: mg_dns_rr,
    pub name: Vec<u8>,
    pub addr: Option<[u8; 4]>,
    pub srvcproto: Vec<u8>,
    pub txt: Vec<u8>,
    pub port: u16,
}

fn data<'a>(buf: &'a [u8], r: &Record) -> &'a [u8] {
    &buf[r.data_ofs..r.data_ofs + r.rr.alen as usize]
}

fn is_in(r: &Record) -> bool {
    r.rr.aclass & 0x7fff == 1
}

/// Condenses an answer; None when its first answer is not A, PTR, SRV or TXT.
pub fn condense(buf: &[u8]) -> Option<Condensed> {
    let m = Message::parse(buf)?;
    if m.header.an == 0 {
        return None;
    }
    let records: Vec<&Record> = m.records.iter().take(MAX_RECORDS).collect();
    let first = records.first()?;
    if !is_in(first) {
        return None;
    }
    let mut out = Condensed { kind: first.rr.atype, rr: first.rr, ..Default::default() };
    let a_of = |name: &[u8]| {
        records.iter().find_map(|r| {
            (r.rr.atype == MG_DNS_RTYPE_A
                && is_in(r)
                && r.rr.alen == 4
                && msg::name_eq(&r.name, name))
            .then(|| data(buf, r).try_into().ok())
            .flatten()
        })
    };
    // Instance name -> SRV target host, port and TXT.
    let service = |inst: &[u8], out: &mut Condensed| -> Vec<u8> {
        let mut host = Vec::new();
        for r in records.iter().filter(|r| is_in(r) && msg::name_eq(&r.name, inst)) {
            match r.rr.atype {
                MG_DNS_RTYPE_SRV if r.rr.alen >= 7 && host.is_empty() => {
                    let d = data(buf, r);
                    out.port = u16::from_be_bytes([d[4], d[5]]);
                    if msg::read_name(buf, r.data_ofs + 6, Some(&mut host)).is_none() {
                        host.clear();
                    }
                }
                MG_DNS_RTYPE_TXT if out.txt.is_empty() => out.txt = data(buf, r).to_vec(),
                _ => {}
            }
        }
        host
    };
    match first.rr.atype {
        MG_DNS_RTYPE_A => {
            if first.rr.alen != 4 {
                return None;
            }
            out.name = strip_local(&first.name).unwrap_or(&first.name).to_vec();
            out.addr = Some(data(buf, first).try_into().ok()?);
        }
        MG_DNS_RTYPE_PTR => {
            let mut inst = Vec::new();
            msg::read_name(buf, first.data_ofs, Some(&mut inst))?;
            out.srvcproto = strip_local(&first.name)?.to_vec();
            let host = service(&inst, &mut out);
            if host.is_empty() {
                out.name = inst.split(|&b| b == b'.').next().unwrap_or(&[]).to_vec();
                out.addr = a_of(&inst);
            } else {
                out.name = strip_local(&host).unwrap_or(&host).to_vec();
                out.addr = a_of(&host);
            }
        }
        MG_DNS_RTYPE_SRV | MG_DNS_RTYPE_TXT => {
            let inst = first.name.clone();
            let host = service(&inst, &mut out);
            let rest = strip_local(&inst)?;
            let dot = rest.iter().position(|&b| b == b'.')?;
            out.name = rest[..dot].to_vec();
            out.srvcproto = rest[dot + 1..].to_vec();
            out.addr = if host.is_empty() { None } else { a_of(&host) };
        }
        _ => return None,
    }
    Some(out)
}

unsafe fn on_response(c: *mut mg_connection, buf: &[u8]) {
    let Some(mut cd) = condense(buf) else { return };
    let mut addr = mg_addr::default();
    if let Some(ip) = cd.addr {
        addr = mg_addr::from_socket_addr(&SocketAddr::new(IpAddr::V4(ip.into()), cd.port));
    }
    let mut resp = mg_mdns_resp {
        rr: &mut cd.rr,
        name: mg_str::from_bytes(&cd.name),
        addr,
        sd: mg_dnssd_record {
            srvcproto: mg_str::from_bytes(&cd.srvcproto),
            txt: mg_str::from_bytes(&cd.txt),
            port: cd.port,
        },
    };
    // SAFETY: c is live; resp and the bytes it views outlive the call.
    unsafe { crate::conn::call(c, EV_MDNS_RESP, (&mut resp as *mut mg_mdns_resp).cast()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sd(svc: &'static [u8], txt: &'static [u8], port: u16) -> mg_dnssd_record {
        mg_dnssd_record { srvcproto: mg_str::from_bytes(svc), txt: mg_str::from_bytes(txt), port }
    }

    #[test]
    fn a_answer_condenses() {
        let mut a = mg_addr::default();
        a.parse_ip(b"10.0.0.7");
        let m = build_answer(MG_DNS_RTYPE_A, None, b"box", None, &a).unwrap();
        let c = condense(&m).unwrap();
        assert_eq!(c.name, b"box");
        assert_eq!(c.addr, Some([10, 0, 0, 7]));
    }

    #[test]
    fn ptr_answer_condenses() {
        let mut a = mg_addr::default();
        a.parse_ip(b"10.0.0.7");
        let r = sd(b"_http._tcp", b"\x05a=b c", 8080);
        let m = build_answer(MG_DNS_RTYPE_PTR, None, b"box", Some(r), &a).unwrap();
        let c = condense(&m).unwrap();
        assert_eq!(c.kind, MG_DNS_RTYPE_PTR);
        assert_eq!(c.name, b"box");
        assert_eq!(c.srvcproto, b"_http._tcp");
        assert_eq!(c.port, 8080);
        assert_eq!(c.txt, b"\x05a=b c");
        assert_eq!(c.addr, Some([10, 0, 0, 7]));
        let m = build_answer(MG_DNS_RTYPE_SRV, Some(9), b"box", Some(r), &a).unwrap();
        let c = condense(&m).unwrap();
        assert_eq!(
            (c.name.as_slice(), c.srvcproto.as_slice(), c.port),
            (&b"box"[..], &b"_http._tcp"[..], 8080)
        );
        assert_eq!(u16::from_be_bytes([m[0], m[1]]), 9);
    }
}
