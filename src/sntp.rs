//! SNTP client (RFC 4330) over a UDP connection, and the process-wide clock
//! that `mg_now()` reads.
//!
//! `mg_sntp_connect()` opens a UDP connection whose protocol handler sends a
//! request once the connection is up and reads the answer. A valid answer
//! sets the clock (`mg_now()` then counts from it on the monotonic clock),
//! goes to the program as `MG_EV_SNTP_TIME` and closes the connection; an
//! invalid one, or none within [`REPLY_TIMEOUT_MS`], is an `MG_EV_ERROR`.
use crate::conn::{mg_connection, mg_event_handler_t, Conn};
use crate::layer::{self, Handler, Layer};
use crate::log::MG_LL_ERROR;
use crate::mgr::mg_mgr;
use std::os::raw::{c_int, c_void};

/// The URL `mg_sntp_connect()` uses when given none (as Mongoose does).
pub const DEFAULT_URL: &str = "udp://time.google.com:123";
/// How long a connection waits for an answer after its latest request
/// (after it was opened, before the first).
/// cbindgen:ignore
pub const REPLY_TIMEOUT_MS: u64 = 3000;
/// Size of an NTP packet without extension fields.
/// cbindgen:ignore
pub const PACKET_LEN: usize = 48;
/// Requests a connection remembers while their answers are outstanding.
const MAX_PENDING: usize = 16;
/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

// Byte offsets of the fields of an NTP packet.
const OFS_STRATUM: usize = 1;
const OFS_REF_ID: usize = 12;
const OFS_ORIGINATE: usize = 24;
const OFS_RECEIVE: usize = 32;
const OFS_TRANSMIT: usize = 40;

/// Mode values of the first byte.
const MODE_CLIENT: u8 = 3;
const MODE_SERVER: u8 = 4;

/// Milliseconds since the Unix epoch at which mg_millis() was 0, set when
/// an SNTP server answers (or by the program); 0 until then. mg_now() is
/// `mg_millis() + mg_boot_timestamp_ms` once it is set.
#[no_mangle]
pub static mut mg_boot_timestamp_ms: u64 = 0;

/// The current value of `mg_boot_timestamp_ms`.
pub fn boot_timestamp() -> u64 {
    // SAFETY: a plain u64 the program may also write; a volatile read of
    // the static's address, as C reads it.
    unsafe { std::ptr::addr_of!(mg_boot_timestamp_ms).read_volatile() }
}

/// Milliseconds since the Unix epoch: the system clock until the boot
/// timestamp is set (by an SNTP answer), then `mg_millis()` plus it.
pub fn now() -> u64 {
    match boot_timestamp() {
        0 => crate::util::epoch_millis(),
        boot => crate::util::millis().saturating_add(boot),
    }
}

/// Sets the clock behind [`now`] to `epoch_ms` at this moment.
pub fn set_time(epoch_ms: u64) {
    let boot = epoch_ms.saturating_sub(crate::util::millis()).max(1);
    // SAFETY: as in boot_timestamp(); one thread drives SNTP.
    unsafe { std::ptr::addr_of_mut!(mg_boot_timestamp_ms).write_volatile(boot) };
}

/// An NTP timestamp as its 64 wire bits: seconds since 1900 (modulo 2^32)
/// in the high half, the binary fraction in the low half.
fn read_ts(buf: &[u8], ofs: usize) -> u64 {
    u64::from_be_bytes(buf[ofs..ofs + 8].try_into().expect("8 bytes"))
}

/// Milliseconds since the Unix epoch of an NTP timestamp, reading it in the
/// era RFC 4330 (section 3) describes: seconds with the top bit clear are
/// after 2036. None for the zero timestamp or a time before 1970.
pub fn ntp_to_unix_ms(ts: u64) -> Option<u64> {
    if ts == 0 {
        return None;
    }
    let sec = ts >> 32;
    let frac = ts & 0xffff_ffff;
    let sec = if sec & 0x8000_0000 != 0 { sec } else { sec + (1 << 32) };
    let unix = sec.checked_sub(NTP_UNIX_OFFSET)?;
    Some(unix * 1000 + ((frac * 1000) >> 32))
}

/// The NTP timestamp (wire bits) of `ms` milliseconds since the Unix epoch.
pub fn unix_ms_to_ntp(ms: u64) -> u64 {
    let sec = (ms / 1000 + NTP_UNIX_OFFSET) & 0xffff_ffff;
    // Rounded up, so that reading it back gives the same millisecond.
    let frac = ((ms % 1000) << 32).div_ceil(1000);
    (sec << 32) | frac
}

/// The parts of a server's answer the client uses, after [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    /// Our transmit timestamp, echoed back (wire bits).
    pub originate: u64,
    /// When the server received the request (ms since epoch), if it says.
    pub receive_ms: Option<u64>,
    /// When the server sent the answer (ms since epoch).
    pub transmit_ms: u64,
}

/// Checks a datagram as an answer from an SNTP server: length, mode
/// (server), version (3 or 4), stratum (0 is a kiss-of-death, over 15 an
/// unsynchronised server), leap indicator (3 is the alarm: the server's
/// clock is not set) and the transmit timestamp. The error is a sentence
/// for MG_EV_ERROR.
pub fn check(buf: &[u8]) -> Result<Reply, String> {
    if buf.len() < PACKET_LEN {
        return Err(format!("SNTP: short reply ({} bytes, need {PACKET_LEN})", buf.len()));
    }
    let li = buf[0] >> 6;
    let version = (buf[0] >> 3) & 7;
    let mode = buf[0] & 7;
    if mode != MODE_SERVER {
        return Err(format!("SNTP: not a server reply (mode {mode})"));
    }
    if version != 3 && version != 4 {
        return Err(format!("SNTP: unsupported NTP version {version}"));
    }
    let stratum = buf[OFS_STRATUM];
    if stratum == 0 {
        let code = &buf[OFS_REF_ID..OFS_REF_ID + 4];
        let shown = if code.iter().all(|b| b.is_ascii_alphanumeric() || *b == b' ') {
            String::from_utf8_lossy(code).trim_end().to_string()
        } else {
            format!("0x{:08x}", u32::from_be_bytes(code.try_into().expect("4 bytes")))
        };
        return Err(format!("SNTP: kiss-of-death from server (code {shown})"));
    }
    if stratum > 15 {
        return Err(format!("SNTP: server not synchronised (stratum {stratum})"));
    }
    if li == 3 {
        return Err("SNTP: server clock not synchronised (leap indicator alarm)".to_string());
    }
    let Some(transmit_ms) = ntp_to_unix_ms(read_ts(buf, OFS_TRANSMIT)) else {
        return Err("SNTP: reply has no valid transmit timestamp".to_string());
    };
    Ok(Reply {
        originate: read_ts(buf, OFS_ORIGINATE),
        receive_ms: ntp_to_unix_ms(read_ts(buf, OFS_RECEIVE)),
        transmit_ms,
    })
}

/// `mg_sntp_parse()`: the server's transmit time of a valid answer, in ms
/// since the epoch. There is no request to measure the round trip against,
/// so no correction is applied, and the clock is not set.
pub fn parse(buf: &[u8]) -> Result<u64, String> {
    check(buf).map(|r| r.transmit_ms)
}

/// The time a reply stands for: the server's transmit time plus half the
/// round trip, which is the time between sending the request (`sent`) and
/// now (`now`) on the monotonic clock, minus the server's own processing
/// time (never negative, never more than the whole wait).
pub fn corrected_time(reply: &Reply, sent: u64, now: u64) -> u64 {
    let waited = now.saturating_sub(sent);
    let server = reply.receive_ms.map_or(0, |r| reply.transmit_ms.saturating_sub(r));
    reply.transmit_ms + waited.saturating_sub(server) / 2
}

/// A request whose answer is outstanding.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// The transmit timestamp we sent; the answer echoes it as originate.
    wire: u64,
    /// `mg_millis()` when it was sent.
    sent: u64,
}

/// The SNTP state of a connection made by [`connect`].
#[derive(Debug, Default)]
pub struct SntpState {
    pending: Vec<Pending>,
    /// `mg_millis()` after which a connection with no answer fails.
    deadline: u64,
}

/// The request packet: version 4, client mode, our transmit timestamp.
/// The timestamp is the current time (mg_now) with the sub-millisecond
/// bits random, so that an answer can be matched to its request and a
/// blind forger cannot guess it.
pub fn request_packet(now_ms: u64) -> ([u8; PACKET_LEN], u64) {
    let mut noise = [0u8; 4];
    crate::util::random(&mut noise);
    // 2^22 fraction units are just under one millisecond (2^32 / 1000).
    let wire = unix_ms_to_ntp(now_ms) + u64::from(u32::from_ne_bytes(noise) & 0x3f_ffff);
    let mut pkt = [0u8; PACKET_LEN];
    pkt[0] = (4 << 3) | MODE_CLIENT;
    pkt[OFS_TRANSMIT..].copy_from_slice(&wire.to_be_bytes());
    (pkt, wire)
}

/// True for a connection made by [`connect`].
pub fn is_sntp(c: &mut Conn) -> bool {
    c.private().layers.has::<SntpState>()
}

/// `mg_sntp_connect()`: a UDP connection to `url` that asks for the time
/// once connected.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn connect(
    mgr: *mut mg_mgr,
    url: &str,
    f: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: mgr is initialised per the contract.
    let raw = unsafe { crate::net::connect(mgr, url, f, fn_data) };
    // SAFETY: NULL or the live connection just made.
    let Some(mut conn) = (unsafe { Conn::from_raw(raw) }) else { return raw };
    let c = &mut conn;
    let deadline = crate::util::millis() + REPLY_TIMEOUT_MS;
    layer::attach(c, SntpState { pending: Vec::new(), deadline });
    if !c.is_closing() && !c.is_udp() {
        c.error(MG_LL_ERROR, b"SNTP needs a udp:// URL");
    }
    raw
}

/// `mg_sntp_request()`: sends a request on an SNTP connection.
pub fn request(c: &mut Conn) {
    if !is_sntp(c) {
        crate::log_error!("mg_sntp_request", "{} is not an SNTP connection", c.id);
        return;
    }
    if c.is_closing() {
        crate::log_error!("mg_sntp_request", "{} is closing", c.id);
        return;
    }
    let (pkt, wire) = request_packet(now());
    let sent = crate::util::millis();
    if !c.send_data(&pkt) {
        c.error(MG_LL_ERROR, b"SNTP: cannot send the request");
        return;
    }
    let id = c.id;
    let Some(st) = c.state::<SntpState>() else { return };
    if st.pending.len() == MAX_PENDING {
        crate::log_debug!("mg_sntp_request", "{id} forgets its oldest unanswered request");
        st.pending.remove(0);
    }
    st.pending.push(Pending { wire, sent });
    st.deadline = sent + REPLY_TIMEOUT_MS;
    crate::log_debug!("mg_sntp_request", "{id} request sent");
}

crate::layer_handler!(
    /// SNTP: asks for the time once connected, checks the answers.
    sntp_handler,
    SntpState
);

impl Layer for SntpState {
    const HANDLER: Handler = sntp_handler;

    fn on_connect(c: &mut Conn) {
        if is_sntp(c) {
            request(c);
        }
    }

    fn on_read(c: &mut Conn, n: usize) {
        if !is_sntp(c) {
            return;
        }
        let len = c.recv.len;
        let n = n.min(len);
        let datagram = c.recv.data()[len - n..].to_vec();
        c.recv.len = 0;
        if n > 0 {
            answer(c, &datagram);
        }
    }

    fn on_poll(c: &mut Conn, _now: u64) {
        if c.is_closing() {
            return;
        }
        let Some(deadline) = c.state::<SntpState>().map(|s| s.deadline) else { return };
        if crate::util::millis() > deadline {
            let msg = format!("SNTP: no reply within {REPLY_TIMEOUT_MS} ms");
            c.error(MG_LL_ERROR, msg.as_bytes());
        }
    }
}

/// Handles one datagram from the server.
fn answer(c: &mut Conn, datagram: &[u8]) {
    let reply = match check(datagram) {
        Ok(r) => r,
        Err(msg) => return c.error(MG_LL_ERROR, msg.as_bytes()),
    };
    let Some(st) = c.state::<SntpState>() else { return };
    let Some(i) = st.pending.iter().position(|p| p.wire == reply.originate) else {
        let msg: &[u8] = if st.pending.is_empty() {
            b"SNTP: reply without a request"
        } else {
            b"SNTP: reply does not match our request (originate timestamp)"
        };
        return c.error(MG_LL_ERROR, msg);
    };
    let req = st.pending.swap_remove(i);
    let mut t = corrected_time(&reply, req.sent, crate::util::millis());
    set_time(t);
    crate::log_debug!("sntp", "{} got time: {t} ms from epoch", c.id);
    c.call(crate::conn::mg_event::MG_EV_SNTP_TIME as c_int, (&mut t as *mut u64).cast());
    c.set_closing(true);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(first: u8, stratum: u8, originate: u64, receive: u64, transmit: u64) -> Vec<u8> {
        let mut p = vec![0u8; PACKET_LEN];
        p[0] = first;
        p[1] = stratum;
        p[OFS_ORIGINATE..OFS_ORIGINATE + 8].copy_from_slice(&originate.to_be_bytes());
        p[OFS_RECEIVE..OFS_RECEIVE + 8].copy_from_slice(&receive.to_be_bytes());
        p[OFS_TRANSMIT..].copy_from_slice(&transmit.to_be_bytes());
        p
    }

    #[test]
    fn timestamps_round_trip_across_eras() {
        for ms in [0u64, 1_600_000_000_123, 2_085_978_495_999, 2_085_978_496_001, 4_000_000_000_500]
        {
            assert_eq!(ntp_to_unix_ms(unix_ms_to_ntp(ms)), Some(ms), "{ms}");
        }
        assert_eq!(ntp_to_unix_ms(0), None);
        // 1969 (NTP seconds with the top bit set, before the Unix epoch).
        assert_eq!(ntp_to_unix_ms((2_208_988_000u64) << 32), None);
    }

    #[test]
    fn checks_answers() {
        let t = unix_ms_to_ntp(1_700_000_000_000);
        let ok = reply(0x24, 2, 7, t, t);
        assert_eq!(check(&ok).unwrap().transmit_ms, 1_700_000_000_000);
        assert_eq!(check(&ok).unwrap().originate, 7);
        assert!(check(&reply(0x1c, 1, 0, t, t)).is_ok(), "version 3");
        assert!(check(&ok[..47]).unwrap_err().contains("short"));
        assert!(check(&reply(0x23, 2, 0, t, t)).unwrap_err().contains("mode 3"));
        assert!(check(&reply(0x25, 2, 0, t, t)).unwrap_err().contains("mode 5"));
        assert!(check(&reply(0x14, 2, 0, t, t)).unwrap_err().contains("version 2"));
        let mut kod = reply(0xe4, 0, 0, 0, 0);
        kod[OFS_REF_ID..OFS_REF_ID + 4].copy_from_slice(b"RATE");
        assert_eq!(check(&kod).unwrap_err(), "SNTP: kiss-of-death from server (code RATE)");
        assert!(check(&reply(0x24, 16, 0, t, t)).unwrap_err().contains("stratum 16"));
        assert!(check(&reply(0xe4, 2, 0, t, t)).unwrap_err().contains("leap"));
        assert!(check(&reply(0x24, 2, 0, t, 0)).unwrap_err().contains("transmit"));
    }

    #[test]
    fn corrects_for_the_round_trip() {
        let r = Reply { originate: 0, receive_ms: Some(1000), transmit_ms: 1010 };
        // 50 ms waited, 10 of them in the server: 20 ms each way.
        assert_eq!(corrected_time(&r, 100, 150), 1030);
        // A server claiming more processing than the wait adds nothing.
        assert_eq!(corrected_time(&r, 100, 105), 1010);
        let r = Reply { originate: 0, receive_ms: None, transmit_ms: 1010 };
        assert_eq!(corrected_time(&r, 100, 150), 1035);
    }

    #[test]
    fn request_carries_the_time() {
        let (pkt, wire) = request_packet(1_700_000_000_250);
        assert_eq!(pkt[0], 0x23);
        assert_eq!(read_ts(&pkt, OFS_TRANSMIT), wire);
        assert_eq!(ntp_to_unix_ms(wire), Some(1_700_000_000_250));
        assert!(pkt[1..OFS_TRANSMIT].iter().all(|&b| b == 0));
    }
}
