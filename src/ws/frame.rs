//! WebSocket frames (RFC 6455 section 5): opcodes, close codes, headers,
//! masking and payload checks.
#![forbid(unsafe_code)]
use crate::str::mg_str;
use std::cell::RefCell;
use std::os::raw::c_int;

/// Continuation frame of a fragmented message.
pub const WEBSOCKET_OP_CONTINUE: c_int = 0;
/// Text (UTF-8) data frame.
pub const WEBSOCKET_OP_TEXT: c_int = 1;
/// Binary data frame.
pub const WEBSOCKET_OP_BINARY: c_int = 2;
/// Close control frame.
pub const WEBSOCKET_OP_CLOSE: c_int = 8;
/// Ping control frame (answered with a pong automatically).
pub const WEBSOCKET_OP_PING: c_int = 9;
/// Pong control frame.
pub const WEBSOCKET_OP_PONG: c_int = 10;

/// A WebSocket message, the `ev_data` of MG_EV_WS_MSG and MG_EV_WS_CTL.
/// `data` points into `c->recv` and is valid only during the event.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mg_ws_message {
    /// Payload (a whole message, fragments joined).
    pub data: mg_str,
    /// First byte of the frame header: FIN (bit 7) | opcode (bits 3:0); for
    /// a reassembled message, FIN and the opcode of its first frame.
    pub flags: u8,
}

/// Close status codes this library sends (RFC 6455 section 7.4.1).
/// cbindgen:ignore
pub mod close_code {
    /// Normal closure.
    pub const NORMAL: u16 = 1000;
    /// The peer broke the protocol.
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// A text message (or close reason) that is not valid UTF-8.
    pub const INVALID_DATA: u16 = 1007;
    /// A message larger than this side accepts (`MG_MAX_RECV_SIZE`).
    pub const TOO_BIG: u16 = 1009;
}
/// A decoded frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// The first byte: FIN, RSV1-3 and the opcode.
    pub b0: u8,
    /// Masking key, when the frame is masked.
    pub mask: Option<[u8; 4]>,
    /// Header length in bytes (2 to 14).
    pub header_len: usize,
    /// Payload length as announced (up to 2^63 - 1).
    pub payload_len: u64,
}

impl FrameHeader {
    /// Final fragment of its message.
    pub fn fin(&self) -> bool {
        self.b0 & 0x80 != 0
    }
    /// The RSV1-3 bits.
    pub fn rsv(&self) -> u8 {
        self.b0 & 0x70
    }
    /// The opcode.
    pub fn op(&self) -> u8 {
        self.b0 & 0x0f
    }
    /// Close, ping, pong and the reserved 0xB-0xF.
    pub fn is_control(&self) -> bool {
        self.op() & 0x08 != 0
    }
}

/// Why a frame header is refused: the close code to send.
pub type CloseCode = u16;

/// Decodes the frame header at the start of `buf`. `Ok(None)`: incomplete.
/// A 64-bit length with its top bit set, or a length not in its shortest
/// form, is a protocol error (RFC 6455 section 5.2).
pub fn parse_header(buf: &[u8]) -> Result<Option<FrameHeader>, CloseCode> {
    let [b0, b1, ..] = *buf else { return Ok(None) };
    let (mut len, mut at) = (u64::from(b1 & 0x7f), 2);
    if len == 126 {
        let Some(b) = buf.get(2..4) else { return Ok(None) };
        len = u64::from(u16::from_be_bytes([b[0], b[1]]));
        if len < 126 {
            return Err(close_code::PROTOCOL_ERROR);
        }
        at = 4;
    } else if len == 127 {
        let Some(b) = buf.get(2..10) else { return Ok(None) };
        len = u64::from_be_bytes(b.try_into().expect("8 bytes"));
        if len >> 63 != 0 || len <= 0xffff {
            return Err(close_code::PROTOCOL_ERROR);
        }
        at = 10;
    }
    let mask = if b1 & 0x80 != 0 {
        let Some(m) = buf.get(at..at + 4) else { return Ok(None) };
        at += 4;
        Some([m[0], m[1], m[2], m[3]])
    } else {
        None
    };
    Ok(Some(FrameHeader { b0, mask, header_len: at, payload_len: len }))
}

/// Writes a frame header for a `len`-byte payload into `out`; returns its
/// length. The length uses the shortest of the 7-, 16- and 64-bit forms.
pub fn encode_header(out: &mut [u8; 14], b0: u8, len: usize, mask: Option<[u8; 4]>) -> usize {
    out[0] = b0;
    let mbit = if mask.is_some() { 0x80 } else { 0 };
    let mut n = if len < 126 {
        out[1] = mbit | len as u8;
        2
    } else if len <= 0xffff {
        out[1] = mbit | 126;
        out[2..4].copy_from_slice(&(len as u16).to_be_bytes());
        4
    } else {
        out[1] = mbit | 127;
        out[2..10].copy_from_slice(&(len as u64).to_be_bytes());
        10
    };
    if let Some(m) = mask {
        out[n..n + 4].copy_from_slice(&m);
        n += 4;
    }
    n
}

/// XORs `data` with the masking key (masking and unmasking are the same).
pub fn apply_mask(data: &mut [u8], mask: [u8; 4]) {
    let m8 = u64::from_ne_bytes([
        mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
    ]);
    let mut words = data.chunks_exact_mut(8);
    for w in &mut words {
        let v = u64::from_ne_bytes((&*w).try_into().expect("8 bytes")) ^ m8;
        w.copy_from_slice(&v.to_ne_bytes());
    }
    // Eight is a multiple of four, so the tail starts at mask phase 0.
    for (b, m) in words.into_remainder().iter_mut().zip(mask.iter().cycle()) {
        *b ^= m;
    }
}

/// Checks a close frame's payload: empty, or a valid status code followed by
/// a UTF-8 reason (RFC 6455 sections 5.5.1 and 7.4).
pub fn check_close_payload(p: &[u8]) -> Result<(), CloseCode> {
    match p {
        [] => Ok(()),
        [_] => Err(close_code::PROTOCOL_ERROR),
        [hi, lo, reason @ ..] => {
            let code = u16::from_be_bytes([*hi, *lo]);
            let known = matches!(code, 1000..=1003 | 1007..=1011 | 3000..=4999);
            if !known {
                Err(close_code::PROTOCOL_ERROR)
            } else if std::str::from_utf8(reason).is_err() {
                Err(close_code::INVALID_DATA)
            } else {
                Ok(())
            }
        }
    }
}

/// Four masking-key bytes from the system's random source. Keys are drawn
/// from a small per-thread pool so that a busy client does not make one
/// getrandom(2) call per frame.
pub(super) fn mask_key() -> [u8; 4] {
    thread_local! {
        static POOL: RefCell<([u8; 256], usize)> = const { RefCell::new(([0; 256], 256)) };
    }
    POOL.with(|p| {
        let (pool, used) = &mut *p.borrow_mut();
        if *used + 4 > pool.len() {
            crate::util::random(pool);
            *used = 0;
        }
        let k = [pool[*used], pool[*used + 1], pool[*used + 2], pool[*used + 3]];
        *used += 4;
        k
    })
}

/// How much of `data` (a text message so far, `checked` bytes of it already
/// known good) is valid UTF-8, or None when it is invalid. A sequence cut at
/// the end counts as not yet valid, not as invalid, unless `complete`.
pub(super) fn utf8_progress(data: &[u8], checked: usize, complete: bool) -> Option<usize> {
    match std::str::from_utf8(&data[checked..]) {
        Ok(_) => Some(data.len()),
        Err(e) if e.error_len().is_none() && !complete => Some(checked + e.valid_up_to()),
        Err(_) => None,
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        for len in [0usize, 1, 125, 126, 65535, 65536, 10 << 20] {
            for mask in [None, Some([1, 2, 3, 4])] {
                let mut out = [0u8; 14];
                let n = encode_header(&mut out, 0x81, len, mask);
                let h = parse_header(&out[..n]).unwrap().unwrap();
                assert_eq!((h.header_len, h.payload_len as usize, h.mask), (n, len, mask));
                assert!(parse_header(&out[..n - 1]).unwrap().is_none());
            }
        }
        // Non-minimal lengths are refused.
        assert_eq!(parse_header(&[0x81, 126, 0, 5]), Err(1002));
        assert_eq!(parse_header(&[0x82, 127, 0, 0, 0, 0, 0, 0, 1, 0]), Err(1002));
        assert_eq!(parse_header(&[0x82, 127, 0x80, 0, 0, 0, 0, 1, 0, 0]), Err(1002));
    }

    #[test]
    fn masking_is_its_own_inverse() {
        let orig: Vec<u8> = (0..1003u32).map(|i| (i * 7) as u8).collect();
        let mut d = orig.clone();
        apply_mask(&mut d, [0xde, 0xad, 0xbe, 0xef]);
        for (i, (a, b)) in d.iter().zip(&orig).enumerate() {
            assert_eq!(*a, b ^ [0xde, 0xad, 0xbe, 0xef][i % 4]);
        }
        apply_mask(&mut d, [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(d, orig);
    }

    #[test]
    fn close_payloads() {
        assert_eq!(check_close_payload(b""), Ok(()));
        assert_eq!(check_close_payload(b"\x03"), Err(1002));
        assert_eq!(check_close_payload(b"\x03\xe8bye"), Ok(()));
        assert_eq!(check_close_payload(b"\x03\xed"), Err(1002)); // 1005
        assert_eq!(check_close_payload(b"\x03\xe8\xff"), Err(1007));
        assert_eq!(check_close_payload(b"\x0b\xb8"), Ok(())); // 3000
    }

    #[test]
    fn utf8_across_fragments() {
        let euro = "€".as_bytes(); // 3 bytes
        assert_eq!(utf8_progress(&euro[..2], 0, false), Some(0));
        assert_eq!(utf8_progress(euro, 0, false), Some(3));
        assert_eq!(utf8_progress(&euro[..2], 0, true), None);
        assert_eq!(utf8_progress(b"ab\xff", 0, false), None);
    }
}
