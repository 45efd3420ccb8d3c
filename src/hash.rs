//! Hashes of the Mongoose API: MD5, SHA-1, SHA-256, SHA-384, HMAC-SHA256, and
//! the CRC-16 checksum.
//!
//! C programs declare the hash contexts on their own stack and pass them
//! between calls, so each context is a C struct with Mongoose's size and
//! fields, and the whole state lives in it: the chaining values, the bit
//! count and the partial block. The block functions come from the RustCrypto
//! crates (`sha1::compress`, `sha2::compress256`/`compress512`); this module
//! does the buffering and the final padding (the Merkle–Damgård
//! construction). MD5's block function is `md5::block_api::compress` (md-5
//! 0.11).

use sha1::digest::generic_array::GenericArray;

/// MD5 state, as C sees it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_md5_ctx {
    /// Chaining values A, B, C, D.
    pub buf: [u32; 4],
    /// Message length in bits: low word, high word.
    pub bits: [u32; 2],
    /// The partial block (`(bits / 8) % 64` bytes are in use).
    pub r#in: [u8; 64],
}

/// SHA-1 state, as C sees it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_sha1_ctx {
    /// Chaining values H0..H4.
    pub state: [u32; 5],
    /// Message length in bits: low word, high word.
    pub count: [u32; 2],
    /// The partial block (`(count / 8) % 64` bytes are in use).
    pub buffer: [u8; 64],
}

/// SHA-256 state, as C sees it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_sha256_ctx {
    /// Chaining values H0..H7.
    pub state: [u32; 8],
    /// Message length in bits, excluding the partial block.
    pub bits: u64,
    /// Bytes in use in `buffer`.
    pub len: u32,
    /// The partial block.
    pub buffer: [u8; 64],
}

/// SHA-384 state, as C sees it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_sha384_ctx {
    /// Chaining values H0..H7.
    pub state: [u64; 8],
    /// The partial block.
    pub buffer: [u8; 128],
    /// Message length in bits, excluding the partial block: low, high.
    pub bitlen: [u64; 2],
    /// Bytes in use in `buffer`.
    pub datalen: u32,
}

/// Feeds `data` into a block-buffered hash. `buffer[..used]` holds the bytes
/// of the partial block; full blocks go to `compress`. Returns the new count
/// of buffered bytes.
fn absorb<const B: usize>(
    buffer: &mut [u8; B],
    used: usize,
    mut data: &[u8],
    compress: &mut dyn FnMut(&[u8; B]),
) -> usize {
    let used = used % B;
    if used > 0 {
        let take = data.len().min(B - used);
        buffer[used..used + take].copy_from_slice(&data[..take]);
        data = &data[take..];
        if used + take < B {
            return used + take;
        }
        compress(buffer);
    }
    let mut blocks = data.chunks_exact(B);
    for block in &mut blocks {
        compress(block.try_into().expect("chunks_exact gives whole blocks"));
    }
    let rest = blocks.remainder();
    buffer[..rest.len()].copy_from_slice(rest);
    rest.len()
}

/// Merkle–Damgård padding: a 0x80 byte, zeros, and the message length in
/// bits (`len` holds it already encoded, 8 or 16 bytes) at the end of the
/// last block.
fn pad<const B: usize>(
    buffer: &mut [u8; B],
    used: usize,
    len: &[u8],
    compress: &mut dyn FnMut(&[u8; B]),
) {
    let mut used = used % B;
    buffer[used] = 0x80;
    used += 1;
    if used > B - len.len() {
        buffer[used..].fill(0);
        compress(buffer);
        used = 0;
    }
    buffer[used..B - len.len()].fill(0);
    buffer[B - len.len()..].copy_from_slice(len);
    compress(buffer);
}

fn sha1_block(state: &mut [u32; 5], block: &[u8; 64]) {
    sha1::compress(state, std::slice::from_ref(GenericArray::from_slice(block)));
}

fn sha256_block(state: &mut [u32; 8], block: &[u8; 64]) {
    sha2::compress256(state, std::slice::from_ref(GenericArray::from_slice(block)));
}

fn sha512_block(state: &mut [u64; 8], block: &[u8; 128]) {
    sha2::compress512(state, std::slice::from_ref(GenericArray::from_slice(block)));
}

/// Splits a 64-bit count into the (low, high) words the C structs keep.
fn split(v: u64) -> [u32; 2] {
    [v as u32, (v >> 32) as u32]
}

fn join(w: [u32; 2]) -> u64 {
    u64::from(w[0]) | u64::from(w[1]) << 32
}

impl mg_md5_ctx {
    /// A fresh MD5 state.
    pub fn new() -> Self {
        mg_md5_ctx {
            buf: [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476],
            bits: [0; 2],
            r#in: [0; 64],
        }
    }

    /// Hashes `data`.
    pub fn update(&mut self, data: &[u8]) {
        let bits = join(self.bits);
        let used = (bits / 8 % 64) as usize;
        let state = &mut self.buf;
        absorb(&mut self.r#in, used, data, &mut |b| md5_compress(state, b));
        self.bits = split(bits.wrapping_add((data.len() as u64).wrapping_mul(8)));
    }

    /// The digest of everything hashed so far.
    pub fn finish(&mut self) -> [u8; 16] {
        let bits = join(self.bits);
        let state = &mut self.buf;
        pad(&mut self.r#in, (bits / 8 % 64) as usize, &bits.to_le_bytes(), &mut |b| {
            md5_compress(state, b)
        });
        let mut out = [0u8; 16];
        for (o, w) in out.chunks_exact_mut(4).zip(self.buf) {
            o.copy_from_slice(&w.to_le_bytes());
        }
        out
    }
}

impl Default for mg_md5_ctx {
    fn default() -> Self {
        Self::new()
    }
}

impl mg_sha1_ctx {
    /// A fresh SHA-1 state.
    pub fn new() -> Self {
        mg_sha1_ctx {
            state: [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0],
            count: [0; 2],
            buffer: [0; 64],
        }
    }

    /// Hashes `data`.
    pub fn update(&mut self, data: &[u8]) {
        let bits = join(self.count);
        let state = &mut self.state;
        absorb(&mut self.buffer, (bits / 8 % 64) as usize, data, &mut |b| sha1_block(state, b));
        self.count = split(bits.wrapping_add((data.len() as u64).wrapping_mul(8)));
    }

    /// The digest of everything hashed so far.
    pub fn finish(&mut self) -> [u8; 20] {
        let bits = join(self.count);
        let state = &mut self.state;
        pad(&mut self.buffer, (bits / 8 % 64) as usize, &bits.to_be_bytes(), &mut |b| {
            sha1_block(state, b)
        });
        let mut out = [0u8; 20];
        for (o, w) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}

impl Default for mg_sha1_ctx {
    fn default() -> Self {
        Self::new()
    }
}

impl mg_sha256_ctx {
    /// A fresh SHA-256 state.
    pub fn new() -> Self {
        mg_sha256_ctx {
            state: [
                0x6a09_e667,
                0xbb67_ae85,
                0x3c6e_f372,
                0xa54f_f53a,
                0x510e_527f,
                0x9b05_688c,
                0x1f83_d9ab,
                0x5be0_cd19,
            ],
            bits: 0,
            len: 0,
            buffer: [0; 64],
        }
    }

    /// Hashes `data`.
    pub fn update(&mut self, data: &[u8]) {
        let used = self.len as usize % 64;
        let total = used as u64 + data.len() as u64;
        let state = &mut self.state;
        let rest = absorb(&mut self.buffer, used, data, &mut |b| sha256_block(state, b));
        // Whole blocks went into the state; `bits` counts only those.
        self.bits = self.bits.wrapping_add((total - rest as u64).wrapping_mul(8));
        self.len = rest as u32;
    }

    /// The digest of everything hashed so far.
    pub fn finish(&mut self) -> [u8; 32] {
        let used = self.len as usize % 64;
        let bits = self.bits.wrapping_add(used as u64 * 8);
        let state = &mut self.state;
        pad(&mut self.buffer, used, &bits.to_be_bytes(), &mut |b| sha256_block(state, b));
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}

impl Default for mg_sha256_ctx {
    fn default() -> Self {
        Self::new()
    }
}

impl mg_sha384_ctx {
    /// A fresh SHA-384 state.
    pub fn new() -> Self {
        mg_sha384_ctx {
            state: [
                0xcbbb_9d5d_c105_9ed8,
                0x629a_292a_367c_d507,
                0x9159_015a_3070_dd17,
                0x152f_ecd8_f70e_5939,
                0x6733_2667_ffc0_0b31,
                0x8eb4_4a87_6858_1511,
                0xdb0c_2e0d_64f9_8fa7,
                0x47b5_481d_befa_4fa4,
            ],
            buffer: [0; 128],
            bitlen: [0; 2],
            datalen: 0,
        }
    }

    fn bits(&self) -> u128 {
        u128::from(self.bitlen[0]) | u128::from(self.bitlen[1]) << 64
    }

    /// Hashes `data`.
    pub fn update(&mut self, data: &[u8]) {
        let used = self.datalen as usize % 128;
        let total = used as u128 + data.len() as u128;
        let state = &mut self.state;
        let rest = absorb(&mut self.buffer, used, data, &mut |b| sha512_block(state, b));
        let bits = self.bits().wrapping_add((total - rest as u128) * 8);
        self.bitlen = [bits as u64, (bits >> 64) as u64];
        self.datalen = rest as u32;
    }

    /// The digest of everything hashed so far.
    pub fn finish(&mut self) -> [u8; 48] {
        let used = self.datalen as usize % 128;
        let bits = self.bits().wrapping_add(used as u128 * 8);
        let state = &mut self.state;
        pad(&mut self.buffer, used, &bits.to_be_bytes(), &mut |b| sha512_block(state, b));
        let mut out = [0u8; 48];
        for (o, w) in out.chunks_exact_mut(8).zip(self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}

impl Default for mg_sha384_ctx {
    fn default() -> Self {
        Self::new()
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

/// SHA-384 of `data`.
pub fn sha384(data: &[u8]) -> [u8; 48] {
    use sha2::Digest;
    sha2::Sha384::digest(data).into()
}

/// HMAC-SHA256 (RFC 2104) of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// CRC-16/HDLC (the X.25 / PPP frame check: reflected polynomial 0x8408,
/// initial value and final XOR 0xFFFF) of `data`, continuing from `crc`: pass
/// 0 to start, or an earlier result to extend it over more data.
pub fn crc16(crc: u16, data: &[u8]) -> u16 {
    let mut reg = !crc;
    for &b in data {
        reg ^= u16::from(b);
        for _ in 0..8 {
            reg = if reg & 1 != 0 { reg >> 1 ^ 0x8408 } else { reg >> 1 };
        }
    }
    !reg
}

/// MD5's compression function: one 64-byte block into the state.
fn md5_compress(state: &mut [u32; 4], block: &[u8; 64]) {
    md5::block_api::compress(state, std::slice::from_ref(block));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn md5_rfc1321_suite() {
        let cases = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (msg, want) in cases {
            let mut c = mg_md5_ctx::new();
            c.update(msg.as_bytes());
            assert_eq!(hex(&c.finish()), want, "{msg}");
        }
    }

    /// Every split of a message into two updates, for lengths around the
    /// block and padding boundaries, against the crates' one-shot digests.
    #[test]
    fn split_updates_match_the_crates() {
        use md5::Digest as _;
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 200, 300] {
            let msg = &data[..len];
            for cut in [0, 1, len / 2, len.saturating_sub(1), len] {
                let (x, y) = msg.split_at(cut.min(len));
                let mut m = mg_md5_ctx::new();
                m.update(x);
                m.update(y);
                assert_eq!(m.finish()[..], md5::Md5::digest(msg)[..], "md5 {len}/{cut}");
                let mut s1 = mg_sha1_ctx::new();
                s1.update(x);
                s1.update(y);
                assert_eq!(
                    s1.finish()[..],
                    <sha1::Sha1 as sha1::Digest>::digest(msg)[..],
                    "sha1 {len}/{cut}"
                );
                let mut s2 = mg_sha256_ctx::new();
                s2.update(x);
                s2.update(y);
                assert_eq!(s2.finish(), sha256(msg), "sha256 {len}/{cut}");
                let mut s3 = mg_sha384_ctx::new();
                s3.update(x);
                s3.update(y);
                assert_eq!(s3.finish(), sha384(msg), "sha384 {len}/{cut}");
            }
        }
    }

    #[test]
    fn hmac_and_crc16() {
        // RFC 4231 test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // The check value of CRC-16/IBM-SDLC (X.25).
        assert_eq!(crc16(0, b"123456789"), 0x906e);
        assert_eq!(crc16(crc16(0, b"1234"), b"56789"), 0x906e);
        assert_eq!(crc16(0, b""), 0);
    }
}
