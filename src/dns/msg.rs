//! DNS messages (RFC 1035): Mongoose's C structs and record types, a parser
//! that is safe against compression loops and counts past the end, and the
//! builder for queries.
use crate::addr::{mg_addr, mg_addr_bytes};
use crate::str::mg_str;
use std::os::raw::c_char;

/// IPv4 address record (4 bytes of data).
pub const MG_DNS_RTYPE_A: u16 = 1;
/// Canonical name record (not in Mongoose's header; used by the resolver).
pub(crate) const RTYPE_CNAME: u16 = 5;
/// Domain name pointer, for reverse lookups and service discovery.
pub const MG_DNS_RTYPE_PTR: u16 = 12;
/// Text record, used by DNS-SD for service metadata.
pub const MG_DNS_RTYPE_TXT: u16 = 16;
/// IPv6 address record (16 bytes of data).
pub const MG_DNS_RTYPE_AAAA: u16 = 28;
/// Service location record: priority, weight, port, target host name.
pub const MG_DNS_RTYPE_SRV: u16 = 33;

/// The length of the fixed header.
pub(crate) const HEADER_LEN: usize = 12;
/// The largest message Mongoose's public parsers accept (plain UDP DNS).
pub(crate) const MAX_UDP_LEN: usize = 512;
/// A name is at most this many bytes in text form (RFC 1035 2.3.4).
const MAX_NAME: usize = 255;

/// A parsed DNS message as Mongoose reports it: the transaction id, the
/// asked (or last answered) name, and the first address answer.
#[repr(C)]
pub struct mg_dns_message {
    /// Transaction ID.
    pub txnid: u16,
    /// True when an A or AAAA answer was found; `addr` holds it.
    pub resolved: bool,
    /// Resolved address.
    pub addr: mg_addr,
    /// Host name, NUL-terminated.
    pub name: [c_char; 256],
}

/// The DNS wire header (RFC 1035 4.1.1); every field in network byte order.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct mg_dns_header {
    /// Transaction ID.
    pub txnid: u16,
    /// Flags: bit 15 QR (response), bit 10 AA, bit 8 RD.
    pub flags: u16,
    /// Number of questions.
    pub num_questions: u16,
    /// Number of answer records.
    pub num_answers: u16,
    /// Number of authority records.
    pub num_authority_prs: u16,
    /// Number of additional records.
    pub num_other_prs: u16,
}

/// The fixed fields of one resource record, as mg_dns_parse_rr() found them.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct mg_dns_rr {
    /// Bytes the encoded name takes at the record's offset.
    pub nlen: u16,
    /// Record type (MG_DNS_RTYPE_*).
    pub atype: u16,
    /// Record class: 1 is IN; in mDNS questions bit 15 asks for a unicast answer.
    pub aclass: u16,
    /// Bytes of record data (0 for a question).
    pub alen: u16,
}

/// A DNS-SD service a program advertises over mDNS.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mg_dnssd_record {
    /// Service and protocol labels, e.g. "_http._tcp".
    pub srvcproto: mg_str,
    /// TXT record contents, verbatim (length-prefixed strings).
    pub txt: mg_str,
    /// Port for the SRV record.
    pub port: u16,
}

/// The header fields, read from the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)] // the six 16-bit header words of RFC 1035 section 4.1.1
pub struct Header {
    pub id: u16,
    pub flags: u16,
    pub qd: u16,
    pub an: u16,
    pub ns: u16,
    pub ar: u16,
}

impl Header {
    /// The header of `buf`, or None when it is shorter than a header.
    pub fn read(buf: &[u8]) -> Option<Header> {
        if buf.len() < HEADER_LEN {
            return None;
        }
        let w = |i: usize| u16::from_be_bytes([buf[i], buf[i + 1]]);
        Some(Header { id: w(0), flags: w(2), qd: w(4), an: w(6), ns: w(8), ar: w(10) })
    }

    /// True for a response (QR bit).
    pub fn is_response(&self) -> bool {
        self.flags & 0x8000 != 0
    }

    /// The response code (RCODE).
    pub fn rcode(&self) -> u16 {
        self.flags & 0xf
    }

    /// True when the message was truncated (TC bit).
    pub fn truncated(&self) -> bool {
        self.flags & 0x0200 != 0
    }
}

/// Reads the name at `ofs`. Returns the bytes it takes at `ofs` (up to and
/// including its terminating zero or first pointer) and, in `out`, its text
/// form (labels joined with dots, at most 255 bytes). Compression pointers
/// must point strictly backwards, so a pointer loop cannot occur; None for
/// a name running past the end, a reserved label type, or a forward pointer.
pub fn read_name(buf: &[u8], ofs: usize, mut out: Option<&mut Vec<u8>>) -> Option<usize> {
    if let Some(o) = out.as_deref_mut() {
        o.clear();
    }
    let mut pos = ofs;
    let mut consumed = None;
    // Only backward jumps: each one lowers `pos`, so the walk ends.
    let mut limit = ofs;
    loop {
        let n = *buf.get(pos)? as usize;
        match n & 0xc0 {
            0x00 => {
                if n == 0 {
                    return Some(consumed.unwrap_or_else(|| pos + 1 - ofs));
                }
                let label = buf.get(pos + 1..pos + 1 + n)?;
                if let Some(o) = out.as_deref_mut() {
                    if o.len() + n + usize::from(!o.is_empty()) <= MAX_NAME {
                        if !o.is_empty() {
                            o.push(b'.');
                        }
                        o.extend_from_slice(label);
                    }
                }
                pos += n + 1;
            }
            0xc0 => {
                let target = ((n & 0x3f) << 8) | *buf.get(pos + 1)? as usize;
                if consumed.is_none() {
                    consumed = Some(pos + 2 - ofs);
                }
                if target >= limit {
                    return None;
                }
                limit = target;
                pos = target;
            }
            _ => return None,
        }
    }
}

/// One resource record (or question) at `ofs`: its fixed fields and the
/// bytes it takes. Answers must hold their whole data; None otherwise.
pub fn read_rr(buf: &[u8], ofs: usize, is_question: bool) -> Option<(mg_dns_rr, usize)> {
    let nlen = read_name(buf, ofs, None)?;
    let p = ofs + nlen;
    let fixed = buf.get(p..p + 4)?;
    let mut rr = mg_dns_rr {
        nlen: u16::try_from(nlen).ok()?,
        atype: u16::from_be_bytes([fixed[0], fixed[1]]),
        aclass: u16::from_be_bytes([fixed[2], fixed[3]]),
        alen: 0,
    };
    if is_question {
        return Some((rr, nlen + 4));
    }
    let rest = buf.get(p + 4..p + 10)?;
    rr.alen = u16::from_be_bytes([rest[4], rest[5]]);
    buf.get(p + 10..p + 10 + rr.alen as usize)?;
    Some((rr, nlen + 10 + rr.alen as usize))
}

/// mg_dns_parse_rr(): as [`read_rr`], with Mongoose's limits (a header's
/// worth of bytes at least, 512 at most); 0 on error.
pub fn parse_rr(buf: &[u8], ofs: usize, is_question: bool, rr: &mut mg_dns_rr) -> usize {
    *rr = mg_dns_rr::default();
    if buf.len() < HEADER_LEN || buf.len() > MAX_UDP_LEN || ofs >= buf.len() {
        return 0;
    }
    match read_rr(buf, ofs, is_question) {
        Some((r, n)) => {
            *rr = r;
            n
        }
        None => 0,
    }
}

/// Writes `name` into a C `char[256]`, truncated, NUL-terminated.
pub fn set_c_name(dst: &mut [c_char; 256], name: &[u8]) {
    let n = name.len().min(dst.len() - 1);
    for (d, s) in dst.iter_mut().zip(&name[..n]) {
        *d = *s as c_char;
    }
    dst[n] = 0;
}

/// mg_dns_parse(): the transaction id, the question's name, and for a
/// response the first A or AAAA answer of class IN (among the first 10).
/// False for a message shorter than a header, with more than one question,
/// or with a question or answer that does not parse.
pub fn parse(buf: &[u8], dm: &mut mg_dns_message) -> bool {
    dm.txnid = 0;
    dm.resolved = false;
    dm.addr = mg_addr::default();
    dm.name[0] = 0;
    let Some(h) = Header::read(buf) else { return false };
    if h.qd > 1 || buf.len() > MAX_UDP_LEN {
        return false;
    }
    dm.txnid = h.id;
    let mut ofs = HEADER_LEN;
    let mut name = Vec::new();
    for _ in 0..h.qd {
        let Some((_, n)) = read_rr(buf, ofs, true) else { return false };
        read_name(buf, ofs, Some(&mut name));
        set_c_name(&mut dm.name, &name);
        ofs += n;
    }
    if !h.is_response() {
        return true;
    }
    for _ in 0..h.an.min(10) {
        let Some((rr, n)) = read_rr(buf, ofs, false) else { return false };
        read_name(buf, ofs, Some(&mut name));
        set_c_name(&mut dm.name, &name);
        ofs += n;
        let data = &buf[ofs - rr.alen as usize..ofs];
        if let Some(a) = address_of(&rr, data) {
            dm.addr = a;
            dm.resolved = true;
            break;
        }
    }
    true
}

/// The address in an A or AAAA record of class IN.
pub fn address_of(rr: &mg_dns_rr, data: &[u8]) -> Option<mg_addr> {
    if rr.aclass & 0x7fff != 1 {
        return None;
    }
    let mut ip = [0u8; 16];
    let is_ip6 = match (rr.atype, data.len()) {
        (MG_DNS_RTYPE_A, 4) => false,
        (MG_DNS_RTYPE_AAAA, 16) => true,
        _ => return None,
    };
    ip[..data.len()].copy_from_slice(data);
    Some(mg_addr { addr: mg_addr_bytes { ip }, port: 0, scope_id: 0, is_ip6 })
}

/// Appends `name` in wire form (no compression). None when a label is empty
/// or longer than 63 bytes, or the name longer than 255; a trailing dot is
/// allowed.
pub fn write_name(out: &mut Vec<u8>, name: &[u8]) -> Option<()> {
    let name = name.strip_suffix(b".").unwrap_or(name);
    if name.len() > MAX_NAME - 2 {
        return None;
    }
    if !name.is_empty() {
        for label in name.split(|&b| b == b'.') {
            if label.is_empty() || label.len() > 63 {
                return None;
            }
            out.push(label.len() as u8);
            out.extend_from_slice(label);
        }
    }
    out.push(0);
    Some(())
}

/// A query with one question for `name` of type `qtype`, class IN.
pub fn build_query(id: u16, flags: u16, name: &[u8], qtype: u16) -> Option<Vec<u8>> {
    let mut q = Vec::with_capacity(HEADER_LEN + name.len() + 6);
    for w in [id, flags, 1, 0, 0, 0] {
        q.extend_from_slice(&w.to_be_bytes());
    }
    write_name(&mut q, name)?;
    q.extend_from_slice(&qtype.to_be_bytes());
    q.extend_from_slice(&1u16.to_be_bytes());
    Some(q)
}

/// One record of a message, with its name in text form and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Owner name, text form.
    pub name: Vec<u8>,
    /// The fixed fields.
    pub rr: mg_dns_rr,
    /// Offset of the record in the message.
    pub ofs: usize,
    /// Offset of the record data in the message.
    pub data_ofs: usize,
}

/// A whole message: header, the questions and every record after them
/// (answers, authority and additional, in order; `an` of them are answers).
#[derive(Debug, Default)]
pub struct Message {
    /// The header.
    pub header: Header,
    /// The questions.
    pub questions: Vec<Record>,
    /// Every record after the questions.
    pub records: Vec<Record>,
}

impl Message {
    /// Parses every section. Counts are trusted only as far as the bytes go:
    /// a record past the end makes the whole message invalid (None).
    pub fn parse(buf: &[u8]) -> Option<Message> {
        let header = Header::read(buf)?;
        let mut m = Message { header, ..Default::default() };
        let mut ofs = HEADER_LEN;
        for _ in 0..header.qd {
            let (rr, n) = read_rr(buf, ofs, true)?;
            let mut name = Vec::new();
            read_name(buf, ofs, Some(&mut name))?;
            m.questions.push(Record { name, rr, ofs, data_ofs: ofs + n });
            ofs += n;
        }
        let total = header.an as usize + header.ns as usize + header.ar as usize;
        for _ in 0..total {
            let (rr, n) = read_rr(buf, ofs, false)?;
            let mut name = Vec::new();
            read_name(buf, ofs, Some(&mut name))?;
            m.records.push(Record { name, rr, ofs, data_ofs: ofs + rr.nlen as usize + 10 });
            ofs += n;
        }
        Some(m)
    }

    /// The answer section.
    pub fn answers(&self) -> &[Record] {
        &self.records[..(self.header.an as usize).min(self.records.len())]
    }
}

/// Case-insensitive comparison of names (RFC 4343), ignoring a final dot.
pub fn name_eq(a: &[u8], b: &[u8]) -> bool {
    let a = a.strip_suffix(b".").unwrap_or(a);
    let b = b.strip_suffix(b".").unwrap_or(b);
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer_a(id: u16, name: &[u8], ip: [u8; 4]) -> Vec<u8> {
        let mut m = build_query(id, 0x8180, name, MG_DNS_RTYPE_A).unwrap();
        m[7] = 1; // one answer
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        m.extend_from_slice(&ip);
        m
    }

    #[test]
    fn query_round_trip() {
        let q = build_query(0x1234, 0x100, b"www.example.com", MG_DNS_RTYPE_AAAA).unwrap();
        let m = Message::parse(&q).unwrap();
        assert_eq!(m.header.id, 0x1234);
        assert_eq!(m.questions[0].name, b"www.example.com");
        assert_eq!(m.questions[0].rr.atype, MG_DNS_RTYPE_AAAA);
        assert!(build_query(1, 0, b"a..b", 1).is_none());
        assert!(build_query(1, 0, &[b'a'; 64], 1).is_none());
    }

    #[test]
    fn parses_answer() {
        let a = answer_a(7, b"x.test", [1, 2, 3, 4]);
        // SAFETY: all-zero is a valid mg_dns_message (numbers and views).
        let mut dm: mg_dns_message = unsafe { std::mem::zeroed() };
        assert!(parse(&a, &mut dm));
        assert!(dm.resolved);
        assert_eq!(dm.txnid, 7);
        assert_eq!(&dm.addr.bytes()[..4], &[1, 2, 3, 4]);
        // Every truncation fails cleanly.
        for n in 0..a.len() {
            let _ = parse(&a[..n], &mut dm);
            let _ = Message::parse(&a[..n]);
        }
        assert!(Message::parse(&a[..a.len() - 1]).is_none());
    }

    #[test]
    fn pointer_loops_and_forward_pointers_fail() {
        let mut m = vec![0u8; 12];
        m[5] = 1;
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]); // points at itself
        assert!(read_name(&m, 12, None).is_none());
        let mut m2 = vec![0u8; 12];
        m2.extend_from_slice(&[1, b'a', 0xc0, 12]); // back to its own start
        assert!(read_name(&m2, 12, None).is_none());
        let mut m3 = vec![0u8; 12];
        m3.extend_from_slice(&[1, b'a', 0, 1, b'b', 0xc0, 12]);
        let mut out = Vec::new();
        assert_eq!(read_name(&m3, 15, Some(&mut out)), Some(4));
        assert_eq!(out, b"b.a");
    }

    #[test]
    fn counts_past_the_end() {
        let mut a = answer_a(1, b"x.test", [1, 2, 3, 4]);
        a[7] = 200;
        assert!(Message::parse(&a).is_none());
        // SAFETY: all-zero is a valid mg_dns_message (numbers and views).
        let mut dm: mg_dns_message = unsafe { std::mem::zeroed() };
        assert!(!parse(&a, &mut dm) || dm.resolved);
    }
}
