//! Base64 (RFC 4648): the standard alphabet with `=` padding, and the
//! URL-safe alphabet (`-` and `_`) without padding. Whole-buffer encoding and
//! decoding go through the `base64` crate; the byte-at-a-time encoder behind
//! `mg_base64_update`/`mg_base64_final` keeps its state in the caller's output
//! buffer, as the C API requires, and takes its alphabet from the same crate.
//!
//! This is the one base64 implementation of the library: the `%M` printer
//! `mg_print_base64`, HTTP Basic authentication and the JSON getters use it.

use base64::alphabet::{self, Alphabet};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// Which alphabet (and padding convention) to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// `A-Z a-z 0-9 + /`, output padded with `=` to a multiple of 4.
    Standard,
    /// `A-Z a-z 0-9 - _`, output without padding (as JWTs and URLs use it).
    Url,
}

/// Decoding accepts input with or without padding and ignores the unused low
/// bits of the last character, like most decoders in the wild; bytes outside
/// the alphabet, misplaced `=` and impossible lengths are errors.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);

const STANDARD: GeneralPurpose = base64::engine::general_purpose::STANDARD;
const URL: GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
const STANDARD_DECODE: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_DECODE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

impl Variant {
    fn encoder(self) -> &'static GeneralPurpose {
        match self {
            Variant::Standard => &STANDARD,
            Variant::Url => &URL,
        }
    }

    fn decoder(self) -> &'static GeneralPurpose {
        match self {
            Variant::Standard => &STANDARD_DECODE,
            Variant::Url => &URL_DECODE,
        }
    }

    fn alphabet(self) -> &'static Alphabet {
        match self {
            Variant::Standard => &alphabet::STANDARD,
            Variant::Url => &alphabet::URL_SAFE,
        }
    }
}

/// The encoding of `data`.
pub fn encode(data: &[u8], variant: Variant) -> String {
    variant.encoder().encode(data)
}

/// Standard base64 of `data`, one output byte at a time (for the `%M`
/// printer). Returns the number of bytes produced.
pub fn encode_to(data: &[u8], out: &mut dyn FnMut(u8)) -> usize {
    let text = encode(data, Variant::Standard);
    text.bytes().for_each(&mut *out);
    text.len()
}

/// Length of the encoding of `n` bytes, or None if it overflows.
pub fn encoded_len(n: usize, variant: Variant) -> Option<usize> {
    base64::encoded_len(n, variant == Variant::Standard)
}

/// Decodes `src`; None if it is not base64 of this variant. Padding may be
/// left out, but padding that is there must fill the last group of four.
pub fn decode(src: &[u8], variant: Variant) -> Option<Vec<u8>> {
    if src.contains(&b'=') && src.len() % 4 != 0 {
        return None;
    }
    variant.decoder().decode(src).ok()
}

/// One byte into a streaming standard encoding. `buf[..n]` holds the finished
/// characters; while a group of three input bytes is incomplete (`n % 4` is 1
/// or 2), `buf[n]` holds the pending high bits of the next sextet. Returns the
/// new count of finished characters. `buf` must have room for `n + 2` bytes.
pub fn update(byte: u8, buf: &mut [u8], n: usize) -> usize {
    let table = Variant::Standard.alphabet().as_str().as_bytes();
    let sextet = |v: u8| table[usize::from(v & 63)];
    match n % 4 {
        1 => {
            buf[n] = sextet(buf[n] | byte >> 4);
            buf[n + 1] = (byte & 15) << 2;
            n + 1
        }
        2 => {
            buf[n] = sextet(buf[n] | byte >> 6);
            buf[n + 1] = sextet(byte);
            n + 2
        }
        // 0, or 3 which update() never leaves behind: start a new group.
        _ => {
            buf[n] = sextet(byte >> 2);
            buf[n + 1] = (byte & 3) << 4;
            n + 1
        }
    }
}

/// How many bytes [`finish`] writes from index `n` on.
pub fn finish_room(n: usize) -> usize {
    match n % 4 {
        0 => 1,
        r => 5 - r,
    }
}

/// Finishes a streaming encoding: flushes the pending sextet, pads with `=`
/// and NUL-terminates. Returns the final length (a multiple of 4). `buf` must
/// have room for `n + finish_room(n)` bytes.
pub fn finish(buf: &mut [u8], mut n: usize) -> usize {
    let table = Variant::Standard.alphabet().as_str().as_bytes();
    if matches!(n % 4, 1 | 2) {
        buf[n] = table[usize::from(buf[n] & 63)];
        n += 1;
    }
    while n % 4 != 0 {
        buf[n] = b'=';
        n += 1;
    }
    buf[n] = 0;
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, b64) in cases {
            assert_eq!(encode(plain.as_bytes(), Variant::Standard), b64);
            assert_eq!(decode(b64.as_bytes(), Variant::Standard).unwrap(), plain.as_bytes());
            let mut v = Vec::new();
            assert_eq!(encode_to(plain.as_bytes(), &mut |b| v.push(b)), b64.len());
            assert_eq!(v, b64.as_bytes());
        }
    }

    #[test]
    fn streaming_matches_whole_buffer() {
        let data: Vec<u8> = (0..=255u8).rev().collect();
        for len in 0..40 {
            let mut buf = vec![0xAAu8; 64];
            let mut n = 0;
            for &b in &data[..len] {
                n = update(b, &mut buf, n);
            }
            n = finish(&mut buf, n);
            assert_eq!(&buf[..n], encode(&data[..len], Variant::Standard).as_bytes());
            assert_eq!(buf[n], 0);
        }
    }

    #[test]
    fn lenient_and_strict_decoding() {
        let d = |s: &str| decode(s.as_bytes(), Variant::Standard);
        assert_eq!(d("Zm9vOmJhcg==").as_deref(), Some(&b"foo:bar"[..]));
        assert_eq!(d("Zm9vYg").as_deref(), Some(&b"foob"[..]));
        assert_eq!(d("Q2VzYW50YQ==").as_deref(), Some(&b"Cesanta"[..]));
        for bad in ["A", "A=", "AA=", "AA=A", "AA==AAAA", "A===", "AAAA====", "AAAA----", "кю"] {
            assert_eq!(d(bad), None, "{bad}");
        }
        assert_eq!(encode(&[0xfb, 0xff], Variant::Url), "-_8");
        assert_eq!(decode(b"-_8", Variant::Url).as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode(b"-_8=", Variant::Url).as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode(b"+/8=", Variant::Url), None);
        assert_eq!(encoded_len(5, Variant::Standard), Some(8));
        assert_eq!(encoded_len(5, Variant::Url), Some(7));
    }
}
