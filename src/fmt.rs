//! The printf engine behind `mg_snprintf`, `mg_xprintf`, `mg_printf`,
//! `mg_log` and friends, plus the renderers the `%M` printers use.
//!
//! The engine parses a C format string and renders it as glibc's `snprintf`
//! does for the conversions it supports, except where Mongoose programs rely
//! on Mongoose's own rules (see [`format`]):
//! `%d %i %u %x %X %o %c %s %p %f %F %e %E %g %G %%`, the flags `- + space 0 #`,
//! width and precision (also as `*`), and the length modifiers
//! `hh h l ll z j t` (`L` and `q` are accepted as `ll`).
//! Mongoose's extensions are `%M` (call a printer function that pulls its own
//! arguments) and `%m` (the same, wrapped in double quotes).
//!
//! It knows nothing about C: arguments come from an [`ArgSource`] and
//! characters go to a closure, so Rust tests drive it directly and the C
//! boundary plugs in a source that reads a `va_list`.

/// Where the engine takes its arguments from, one call per argument, in the
/// C types the conversions name.
pub trait ArgSource {
    /// An `int` (also what `char` and `short` are promoted to).
    fn int(&mut self) -> i32;
    /// An `unsigned int`.
    fn uint(&mut self) -> u32;
    /// A `long`, widened.
    fn long(&mut self) -> i64;
    /// An `unsigned long`, widened.
    fn ulong(&mut self) -> u64;
    /// A `long long`.
    fn llong(&mut self) -> i64;
    /// An `unsigned long long`.
    fn ullong(&mut self) -> u64;
    /// A `size_t`.
    fn size(&mut self) -> usize;
    /// A `double` (also what `float` is promoted to).
    fn double(&mut self) -> f64;
    /// A `long double`, rounded to a `double`.
    fn long_double(&mut self) -> f64 {
        self.double()
    }
    /// A pointer, as an address.
    fn ptr(&mut self) -> usize;
    /// A `const char *`: `None` for NULL, else its bytes up to the first NUL
    /// but never more than `max` bytes (so `%.*s` may point at unterminated
    /// memory, as C allows).
    fn string(&mut self, max: Option<usize>) -> Option<&[u8]>;
    /// `%M`/`%m`: takes a printer function from the arguments and runs it; the
    /// printer takes its own arguments and writes its output to `out`.
    fn printer(&mut self, out: &mut dyn FnMut(u8));
}

/// Flags and numbers of one conversion specification.
#[derive(Clone, Copy, Debug, Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    prec: Option<usize>,
}

/// The length modifier of a conversion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Len {
    Int,
    Char,
    Short,
    Long,
    LongLong,
    Size,
    Max,
    PtrDiff,
    /// `L`: `long double` for floating conversions, `long long` for integers.
    LongDouble,
}

/// Formats `fmt` with arguments from `args`, sending each output byte to
/// `out`. Returns the number of bytes produced. Formatting stops at the end
/// of `fmt` or at its first NUL byte.
///
/// Where Mongoose's printf differs from C and programs depend on it, this
/// follows Mongoose:
/// - `h` and `hh` are ignored: the `int` argument is printed whole.
/// - `%s` of NULL prints nothing (only the padding).
/// - `%g` with a precision P above 1 uses fixed notation for a decimal
///   exponent X with -P < X < P (C: -4 <= X < P), so 0.00001 is `0.00001`.
/// - `%f` of a value above 0.1 rounds half up: half a unit of the last digit
///   is added (in double arithmetic) and the digits are cut, so `%.1f` of
///   0.15 is `0.2`.
///
/// Where Mongoose's output is malformed (a truncated exponent or digits, a
/// `.` after `%.0f`, garbage for `%.1g`, `00-42` for `%05d` of -42,
/// lower-case `%X`), C's output is kept.
pub fn format<A: ArgSource + ?Sized>(fmt: &[u8], args: &mut A, out: &mut dyn FnMut(u8)) -> usize {
    let mut n = 0usize;
    let mut put = |b: u8| {
        n += 1;
        out(b);
    };
    let fmt = match fmt.iter().position(|&b| b == 0) {
        Some(end) => &fmt[..end],
        None => fmt,
    };
    let mut i = 0;
    while i < fmt.len() {
        let b = fmt[i];
        if b != b'%' {
            put(b);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut spec = Spec::default();
        // Flags.
        while i < fmt.len() {
            match fmt[i] {
                b'-' => spec.left = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'0' => spec.zero = true,
                b'#' => spec.alt = true,
                b'\'' => {} // Thousands grouping: nothing to group in the C locale.
                _ => break,
            }
            i += 1;
        }
        // Width.
        if fmt.get(i) == Some(&b'*') {
            i += 1;
            let w = args.int();
            if w < 0 {
                spec.left = true;
            }
            spec.width = w.unsigned_abs() as usize;
        } else {
            spec.width = parse_num(fmt, &mut i);
        }
        // Precision.
        if fmt.get(i) == Some(&b'.') {
            i += 1;
            if fmt.get(i) == Some(&b'*') {
                i += 1;
                let p = args.int();
                spec.prec = usize::try_from(p).ok();
            } else {
                spec.prec = Some(parse_num(fmt, &mut i));
            }
        }
        // Length modifier.
        let mut len = Len::Int;
        match fmt.get(i) {
            Some(b'h') if fmt.get(i + 1) == Some(&b'h') => (len, i) = (Len::Char, i + 2),
            Some(b'h') => (len, i) = (Len::Short, i + 1),
            Some(b'l') if fmt.get(i + 1) == Some(&b'l') => (len, i) = (Len::LongLong, i + 2),
            Some(b'l') => (len, i) = (Len::Long, i + 1),
            Some(b'L') => (len, i) = (Len::LongDouble, i + 1),
            Some(b'q') => (len, i) = (Len::LongLong, i + 1),
            Some(b'z' | b'Z') => (len, i) = (Len::Size, i + 1),
            Some(b'j') => (len, i) = (Len::Max, i + 1),
            Some(b't') => (len, i) = (Len::PtrDiff, i + 1),
            _ => {}
        }
        let Some(&conv) = fmt.get(i) else {
            // A lone '%' at the end prints nothing, as with glibc.
            break;
        };
        i += 1;
        match conv {
            b'd' | b'i' => {
                let v = signed_arg(args, len);
                let digits = int_digits(v.unsigned_abs(), 10, false, spec.prec);
                let sign = sign_str(v < 0, &spec);
                pad_number(&mut put, &spec, sign, b"", &digits, spec.prec.is_none());
            }
            b'u' | b'x' | b'X' | b'o' => {
                let v = unsigned_arg(args, len);
                let (base, upper) = match conv {
                    b'x' => (16, false),
                    b'X' => (16, true),
                    b'o' => (8, false),
                    _ => (10, false),
                };
                let mut digits = int_digits(v, base, upper, spec.prec);
                let mut prefix: &[u8] = b"";
                if spec.alt && conv == b'o' && digits.first() != Some(&b'0') {
                    digits.insert(0, b'0');
                }
                if spec.alt && v != 0 && base == 16 {
                    prefix = if upper { b"0X" } else { b"0x" };
                }
                pad_number(&mut put, &spec, b"", prefix, &digits, spec.prec.is_none());
            }
            b'p' => {
                let v = args.ptr();
                if v == 0 {
                    pad_plain(&mut put, &spec, b"(nil)");
                } else {
                    let digits = int_digits(v as u64, 16, false, spec.prec);
                    let sign = sign_str(false, &spec);
                    pad_number(&mut put, &spec, sign, b"0x", &digits, spec.prec.is_none());
                }
            }
            b'c' => {
                let ch = args.int() as u8;
                pad_plain(&mut put, &spec, &[ch]);
            }
            b's' => {
                // NULL prints nothing, as with Mongoose (glibc: "(null)").
                let s: &[u8] = args.string(spec.prec).unwrap_or(b"");
                pad_plain(&mut put, &spec, s);
            }
            b'f' | b'F' | b'e' | b'E' | b'g' | b'G' | b'a' | b'A' => {
                let v = if len == Len::LongDouble { args.long_double() } else { args.double() };
                let (sign, body, finite) = float_body(v, conv, &spec);
                let sign = sign_str(sign, &spec);
                let prefix: &[u8] = match conv {
                    b'a' if finite => b"0x",
                    b'A' if finite => b"0X",
                    _ => b"",
                };
                pad_number(&mut put, &spec, sign, prefix, body.as_bytes(), finite);
            }
            b'%' => put(b'%'),
            b'M' | b'm' => {
                if conv == b'm' {
                    put(b'"');
                }
                args.printer(&mut put);
                if conv == b'm' {
                    put(b'"');
                }
            }
            b'n' => {
                // Writing through a pointer from the format arguments is a
                // classic exploit vector: take the pointer and ignore it.
                let _ = args.ptr();
            }
            _ => {
                // Unknown conversion: print the whole specification as is.
                for &c in &fmt[start..i] {
                    put(c);
                }
            }
        }
    }
    n
}

/// Formats into a new byte vector.
pub fn format_to_vec<A: ArgSource + ?Sized>(fmt: &[u8], args: &mut A) -> Vec<u8> {
    let mut v = Vec::new();
    format(fmt, args, &mut |b| v.push(b));
    v
}

fn parse_num(fmt: &[u8], i: &mut usize) -> usize {
    let mut n = 0usize;
    while let Some(d) = fmt.get(*i).filter(|c| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add((d - b'0') as usize);
        *i += 1;
    }
    n
}

fn signed_arg<A: ArgSource + ?Sized>(args: &mut A, len: Len) -> i64 {
    match len {
        Len::Int => args.int() as i64,
        // Mongoose ignores `h` and `hh`: the promoted int is printed whole.
        Len::Char | Len::Short => args.int() as i64,
        Len::Long => args.long(),
        Len::LongLong | Len::Max | Len::LongDouble => args.llong(),
        Len::Size | Len::PtrDiff => args.size() as isize as i64,
    }
}

fn unsigned_arg<A: ArgSource + ?Sized>(args: &mut A, len: Len) -> u64 {
    match len {
        Len::Int => args.uint() as u64,
        Len::Char | Len::Short => args.uint() as u64,
        Len::Long => args.ulong(),
        Len::LongLong | Len::Max | Len::LongDouble => args.ullong(),
        Len::Size | Len::PtrDiff => args.size() as u64,
    }
}

/// The digits of `v`, at least `prec` of them (precision 0 and value 0 give
/// no digits at all, as C specifies).
fn int_digits(mut v: u64, base: u64, upper: bool, prec: Option<usize>) -> Vec<u8> {
    let set: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut d = Vec::with_capacity(24);
    while v != 0 {
        d.push(set[(v % base) as usize]);
        v /= base;
    }
    let min = prec.unwrap_or(1);
    while d.len() < min {
        d.push(b'0');
    }
    d.reverse();
    d
}

fn sign_str(negative: bool, spec: &Spec) -> &'static [u8] {
    if negative {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    }
}

/// Writes `sign prefix digits` padded to the width: on the right with `-`,
/// with zeros after the prefix when `0` applies, else with spaces on the left.
fn pad_number(
    put: &mut dyn FnMut(u8),
    spec: &Spec,
    sign: &[u8],
    prefix: &[u8],
    digits: &[u8],
    zero_ok: bool,
) {
    let len = sign.len() + prefix.len() + digits.len();
    let fill = spec.width.saturating_sub(len);
    let zeros = spec.zero && !spec.left && zero_ok;
    if !spec.left && !zeros {
        (0..fill).for_each(|_| put(b' '));
    }
    sign.iter().chain(prefix).for_each(|&b| put(b));
    if zeros {
        (0..fill).for_each(|_| put(b'0'));
    }
    digits.iter().for_each(|&b| put(b));
    if spec.left {
        (0..fill).for_each(|_| put(b' '));
    }
}

/// Writes `s` padded with spaces to the width (the `0` flag does not apply).
fn pad_plain(put: &mut dyn FnMut(u8), spec: &Spec, s: &[u8]) {
    let fill = spec.width.saturating_sub(s.len());
    if !spec.left {
        (0..fill).for_each(|_| put(b' '));
    }
    s.iter().for_each(|&b| put(b));
    if spec.left {
        (0..fill).for_each(|_| put(b' '));
    }
}

/// Renders a double without its sign: returns (negative, text, is_finite).
fn float_body(v: f64, conv: u8, spec: &Spec) -> (bool, String, bool) {
    let upper = conv.is_ascii_uppercase();
    let neg = v.is_sign_negative();
    if !v.is_finite() {
        let s = if v.is_nan() { "nan" } else { "inf" };
        return (neg, if upper { s.to_ascii_uppercase() } else { s.to_string() }, false);
    }
    let a = v.abs();
    let prec = spec.prec.unwrap_or(6);
    let mut s = match conv.to_ascii_lowercase() {
        b'f' => fixed(a, prec, spec.alt),
        b'e' => exponential(a, prec, spec.alt),
        b'a' => hex_float(a, spec.prec, spec.alt),
        _ => general(a, prec, spec.alt),
    };
    if upper {
        s.make_ascii_uppercase();
    }
    (neg, s, true)
}

/// `%f`. Above 0.1, Mongoose's rounding: add half a unit of the last digit
/// (0.5 divided by ten `prec` times, in double arithmetic) and cut the exact
/// digits of the sum. At or below 0.1, Mongoose adds less than that, which
/// cuts 0.019 to `0.01` with `%.2f`; there the exact binary value is rounded
/// correctly (ties to even), as glibc does.
fn fixed(a: f64, prec: usize, alt: bool) -> String {
    let mut s = if a > 0.1 {
        let mut half = 0.5f64;
        (0..prec).for_each(|_| half /= 10.0);
        // 30 more digits than kept: cutting them equals cutting the exact
        // expansion unless 30 nines follow, which no double's does here.
        let mut s = format!("{:.*}", prec + 30, a + half);
        let dot = s.find('.').unwrap_or(s.len());
        s.truncate(if prec == 0 { dot } else { dot + 1 + prec });
        s
    } else {
        format!("{a:.prec$}")
    };
    if alt && prec == 0 {
        s.push('.');
    }
    s
}

/// `%a` without the "0x" prefix: the leading hex digit, the fraction nibbles
/// (all significant ones, or rounded half-to-even to the precision) and a
/// binary exponent, as glibc prints it: `1.8p+1`, subnormals as `0.0008p-1022`.
fn hex_float(a: f64, prec: Option<usize>, alt: bool) -> String {
    const NIBBLES: usize = 13;
    let bits = a.to_bits();
    let biased = (bits >> 52) & 0x7ff;
    let mut frac = bits & ((1u64 << 52) - 1);
    let (mut lead, exp) = match (a == 0.0, biased) {
        (true, _) => (0u64, 0i64),
        (false, 0) => (0, -1022),
        (false, b) => (1, b as i64 - 1023),
    };
    let digits = match prec {
        None => {
            let mut d = format!("{frac:013x}");
            d.truncate(d.trim_end_matches('0').len());
            d
        }
        Some(p) if p >= NIBBLES => format!("{frac:013x}{}", "0".repeat(p - NIBBLES)),
        Some(p) => {
            let shift = 4 * (NIBBLES - p) as u32;
            let rem = frac & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            frac >>= shift;
            // Ties go to even; with no fraction digits the last digit kept is
            // the leading one.
            let last = if p == 0 { lead } else { frac };
            if rem > half || (rem == half && last & 1 == 1) {
                frac += 1;
                if p == 0 || frac >> (4 * p) != 0 {
                    lead += 1;
                    frac &= (1u64 << (4 * p)) - 1;
                }
            }
            if p == 0 {
                String::new()
            } else {
                format!("{frac:0p$x}")
            }
        }
    };
    let dot = if digits.is_empty() && !alt { "" } else { "." };
    format!("{lead}{dot}{digits}p{exp:+}")
}

/// Splits Rust's `{:e}` output ("1.5e-7") into mantissa and exponent.
fn split_exp(a: f64, prec: usize) -> (String, i32) {
    let s = format!("{a:.prec$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    (m.to_string(), e.parse().unwrap_or(0))
}

/// The decimal exponent of `a` before any rounding (`a` finite, non-zero).
fn exact_exponent(a: f64) -> i32 {
    // Rounding to 40 significant digits does not reach the next power of ten:
    // no double lies that close (relatively) below one.
    split_exp(a, 39).1
}

fn c_exponent(m: &mut String, exp: i32) {
    m.push('e');
    m.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        m.push('0');
    }
    m.push_str(&e.to_string());
}

/// `%e`: d.ddde+XX with at least two exponent digits.
fn exponential(a: f64, prec: usize, alt: bool) -> String {
    let (mut m, exp) = split_exp(a, prec);
    if alt && prec == 0 {
        m.push('.');
    }
    c_exponent(&mut m, exp);
    m
}

/// `%g`: `%e` or `%f` style depending on the exponent after rounding to P
/// significant digits; trailing zeros go unless `#` is given. Fixed style
/// covers exponents in (-P, P) as in Mongoose (C: [-4, P)); with P = 1,
/// where Mongoose's output is garbage, C's rule.
fn general(a: f64, prec: usize, alt: bool) -> String {
    let p = if prec == 0 { 1 } else { prec };
    let (mut m, exp) = split_exp(a, p - 1);
    let low = if p > 1 { -(p as i32) } else { -5 };
    let exp_style = a != 0.0 && (exp <= low || exp >= p as i32);
    if !exp_style {
        m = format!("{a:.*}", (p as i32 - 1 - exp) as usize);
    } else if alt && exp == p as i32 && exact_exponent(a) == exp - 1 {
        // glibc quirk, reproduced for identical output: when rounding to P
        // digits carries a value with P integer digits into exponent style
        // (999999.5 with %#g), glibc keeps the zero fraction digits the
        // fixed style would have had: "1.e+06", not "1.00000e+06".
        m.truncate(1);
    }
    if alt {
        if !m.contains('.') {
            m.push('.');
        }
    } else if m.contains('.') {
        let keep = m.trim_end_matches('0').trim_end_matches('.').len();
        m.truncate(keep);
    }
    if exp_style {
        c_exponent(&mut m, exp);
    }
    m
}

// ---- Renderers for the %M printers ----

/// JSON string escaping of `s` (without the surrounding quotes): `"` and `\`,
/// the short escapes `\b \f \n \r \t`, and `\u00XX` for other control bytes.
pub fn json_escape(s: &[u8], out: &mut dyn FnMut(u8)) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut n = 0;
    let mut emit = |bytes: &[u8]| {
        bytes.iter().for_each(|&b| out(b));
        n += bytes.len();
    };
    for &c in s {
        match c {
            b'"' => emit(b"\\\""),
            b'\\' => emit(b"\\\\"),
            0x08 => emit(b"\\b"),
            0x0c => emit(b"\\f"),
            b'\n' => emit(b"\\n"),
            b'\r' => emit(b"\\r"),
            b'\t' => emit(b"\\t"),
            c if c < 0x20 => {
                emit(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]])
            }
            c => emit(&[c]),
        }
    }
    n
}

/// HTML escaping of `s`: `& < > "` as entities, other bytes as they are.
pub fn html_escape(s: &[u8], out: &mut dyn FnMut(u8)) -> usize {
    let mut n = 0;
    for &c in s {
        let esc: &[u8] = match c {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            _ => std::slice::from_ref(&c),
        };
        esc.iter().for_each(|&b| out(b));
        n += esc.len();
    }
    n
}

/// Lowercase hex, two digits per byte.
pub fn hex(data: &[u8], out: &mut dyn FnMut(u8)) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in data {
        out(HEX[(b >> 4) as usize]);
        out(HEX[(b & 15) as usize]);
    }
    data.len() * 2
}

/// Dotted-quad IPv4 text of four bytes in network order.
pub fn ip4_text(b: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// IPv6 text as Mongoose prints it: all eight groups in lowercase hex without
/// leading zeros, inside brackets, e.g. `[2001:db8:0:0:0:0:0:1]`.
pub fn ip6_text(b: [u8; 16]) -> String {
    let g: Vec<String> =
        b.chunks(2).map(|c| format!("{:x}", u16::from_be_bytes([c[0], c[1]]))).collect();
    format!("[{}]", g.join(":"))
}

/// `aa:bb:cc:dd:ee:ff`.
pub fn mac_text(b: [u8; 6]) -> String {
    format!("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3], b[4], b[5])
}

/// Classic hex dump lines: 4-digit hex offset, 16 hex bytes, the printable
/// ASCII (others as '.'), each line ending in '\n'.
pub fn hexdump(data: &[u8]) -> String {
    let mut s = String::new();
    for (row, chunk) in data.chunks(16).enumerate() {
        s.push_str(&format!("{:04x}   ", row * 16));
        for b in chunk {
            s.push_str(&format!("{b:02x} "));
        }
        for _ in chunk.len()..16 {
            s.push_str("   ");
        }
        s.push_str("  ");
        for &b in chunk {
            s.push(if (b' '..=b'~').contains(&b) { b as char } else { '.' });
        }
        for _ in chunk.len()..16 {
            s.push(' ');
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One argument of a Rust-driven format call.
    enum Arg {
        I(i64),
        U(u64),
        F(f64),
        S(Option<&'static [u8]>),
        P(usize),
        M(Box<Printer>),
    }
    use Arg::*;

    /// A Rust stand-in for a `%M` printer.
    type Printer = dyn Fn(&mut dyn FnMut(u8));

    struct Args(std::collections::VecDeque<Arg>);

    impl Args {
        fn next(&mut self) -> Arg {
            self.0.pop_front().expect("format wants more arguments than given")
        }
        fn num(&mut self) -> i64 {
            match self.next() {
                I(v) => v,
                U(v) => v as i64,
                P(v) => v as i64,
                _ => panic!("expected an integer argument"),
            }
        }
    }

    impl ArgSource for Args {
        fn int(&mut self) -> i32 {
            self.num() as i32
        }
        fn uint(&mut self) -> u32 {
            self.num() as u32
        }
        fn long(&mut self) -> i64 {
            self.num()
        }
        fn ulong(&mut self) -> u64 {
            self.num() as u64
        }
        fn llong(&mut self) -> i64 {
            self.num()
        }
        fn ullong(&mut self) -> u64 {
            self.num() as u64
        }
        fn size(&mut self) -> usize {
            self.num() as usize
        }
        fn double(&mut self) -> f64 {
            match self.next() {
                F(v) => v,
                _ => panic!("expected a double"),
            }
        }
        fn ptr(&mut self) -> usize {
            self.num() as usize
        }
        fn string(&mut self, max: Option<usize>) -> Option<&[u8]> {
            match self.next() {
                S(Some(s)) => {
                    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
                    Some(&s[..end.min(max.unwrap_or(usize::MAX))])
                }
                S(None) => None,
                _ => panic!("expected a string"),
            }
        }
        fn printer(&mut self, out: &mut dyn FnMut(u8)) {
            match self.next() {
                M(f) => f(out),
                _ => panic!("expected a printer"),
            }
        }
    }

    fn f(fmt: &str, args: Vec<Arg>) -> String {
        let mut a = Args(args.into());
        let v = format_to_vec(fmt.as_bytes(), &mut a);
        assert!(a.0.is_empty(), "{fmt}: arguments left over");
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn plain_text_and_percent() {
        assert_eq!(f("hello", vec![]), "hello");
        assert_eq!(f("100%%", vec![]), "100%");
        assert_eq!(f("%5%|", vec![]), "%|");
        assert_eq!(f("abc%", vec![]), "abc");
        assert_eq!(f("a\0b", vec![]), "a");
    }

    #[test]
    fn integers() {
        assert_eq!(f("%d", vec![I(-42)]), "-42");
        assert_eq!(f("%i|%u", vec![I(7), U(7)]), "7|7");
        assert_eq!(f("%5d|%-5d|%05d", vec![I(42), I(42), I(-42)]), "   42|42   |-0042");
        assert_eq!(f("%+d|% d|%+ d", vec![I(5), I(5), I(5)]), "+5| 5|+5");
        assert_eq!(f("%.3d|%8.3d|%-8.3d|", vec![I(7), I(-7), I(7)]), "007|    -007|007     |");
        assert_eq!(f("%08.3d", vec![I(7)]), "     007");
        assert_eq!(f("%.0d|%.0x|%#.0o|%#o", vec![I(0), U(0), U(0), U(0)]), "||0|0");
        assert_eq!(
            f("%x|%X|%#x|%#X|%o|%#o", vec![U(255), U(255), U(255), U(255), U(8), U(8)]),
            "ff|FF|0xff|0XFF|10|010"
        );
        assert_eq!(f("%#x|%#08x|%-#8x|", vec![U(0), U(255), U(255)]), "0|0x0000ff|0xff    |");
        assert_eq!(f("%d", vec![I(i32::MIN as i64)]), "-2147483648");
        assert_eq!(f("%u", vec![I(-1)]), "4294967295");
        assert_eq!(f("%+u|% x", vec![U(5), U(5)]), "5|5");
    }

    #[test]
    fn length_modifiers() {
        assert_eq!(
            f("%hhd|%hhu|%hd|%hu", vec![I(300), I(300), I(70000), I(-70000)]),
            "300|300|70000|4294897296"
        );
        assert_eq!(f("%hhx", vec![I(-1)]), "ffffffff");
        assert_eq!(f("%lld", vec![I(i64::MIN)]), "-9223372036854775808");
        assert_eq!(f("%llu", vec![U(u64::MAX)]), "18446744073709551615");
        assert_eq!(
            f("%lx|%zu|%zd|%jd|%td", vec![U(u64::MAX), U(12), I(-3), I(-4), I(-5)]),
            "ffffffffffffffff|12|-3|-4|-5"
        );
    }

    #[test]
    fn star_width_and_precision() {
        assert_eq!(f("%*d|", vec![I(5), I(1)]), "    1|");
        assert_eq!(f("%*d|", vec![I(-5), I(1)]), "1    |");
        assert_eq!(f("%.*d|", vec![I(3), I(1)]), "001|");
        assert_eq!(f("%.*d|", vec![I(-3), I(1)]), "1|");
        assert_eq!(f("%*.*s|", vec![I(6), I(2), S(Some(b"abcdef"))]), "    ab|");
        assert_eq!(f("%.*s|", vec![I(3), S(Some(b"ab\0cd"))]), "ab|");
    }

    #[test]
    fn chars_strings_pointers() {
        assert_eq!(f("%c|%3c|%-3c|%03c", vec![I(65), I(66), I(67), I(68)]), "A|  B|C  |  D");
        assert_eq!(
            f(
                "%s|%5s|%-5s|%.2s",
                vec![S(Some(b"x")), S(Some(b"ab")), S(Some(b"ab")), S(Some(b"abc"))]
            ),
            "x|   ab|ab   |ab"
        );
        assert_eq!(f("%s|%.3s|%8s|", vec![S(None), S(None), S(None)]), "||        |");
        assert_eq!(f("%p|%8p|%p", vec![P(0), P(0), P(0x1234)]), "(nil)|   (nil)|0x1234");
        assert_eq!(
            f("%+p|%010p|%.6p", vec![P(0x12), P(0x12), P(0x12)]),
            "+0x12|0x00000012|0x000012"
        );
    }

    #[test]
    fn floats_fixed_and_exponent() {
        assert_eq!(f("%f|%.2f|%.0f", vec![F(1.23456), F(2.675), F(2.5)]), "1.234560|2.67|3");
        assert_eq!(f("%.0f %.0f %.0f %.0f", vec![F(0.5), F(1.5), F(2.5), F(3.5)]), "1 2 3 4");
        // Mongoose's rounding above 0.1, C's at or below it.
        assert_eq!(
            f(
                "%.1f|%.1f|%.1f|%.2f|%.2f|%.1f",
                vec![F(0.15), F(1.15), F(0.95), F(0.015), F(0.019), F(0.05)]
            ),
            "0.2|1.1|1.0|0.01|0.02|0.1"
        );
        assert_eq!(
            f("%e|%E|%.2e", vec![F(123456.0), F(0.000123), F(9.999)]),
            "1.234560e+05|1.230000E-04|1.00e+01"
        );
        assert_eq!(f("%e|%e", vec![F(1e300), F(1e-300)]), "1.000000e+300|1.000000e-300");
        assert_eq!(f("%#.0f|%#.0e", vec![F(1.0), F(1.0)]), "1.|1.e+00");
        assert_eq!(f("%f|%+f|% f", vec![F(-0.0), F(1.0), F(1.0)]), "-0.000000|+1.000000| 1.000000");
        assert_eq!(
            f("%010.2f|%-10.2f|%+010.2f", vec![F(-1.5), F(1.5), F(1.5)]),
            "-000001.50|1.50      |+000001.50"
        );
    }

    #[test]
    fn floats_general() {
        let cases: &[(&str, f64, &str)] = &[
            ("%g", 100000.0, "100000"),
            ("%g", 1000000.0, "1e+06"),
            ("%g", 0.0001, "0.0001"),
            ("%g", 0.00001, "0.00001"),
            ("%g", 0.000001, "1e-06"),
            ("%g", 0.000123456, "0.000123456"),
            ("%.3g", 0.000123456, "1.23e-04"),
            ("%.1g", 0.00001, "1e-05"),
            ("%g", 1e100, "1e+100"),
            ("%g", 0.1, "0.1"),
            ("%g", 0.0, "0"),
            ("%g", 123456789.0, "1.23457e+08"),
            ("%.0g", 12.0, "1e+01"),
            ("%.1g", 0.95, "0.9"),
            ("%.2g", 99.5, "1e+02"),
            ("%#g", 1.0, "1.00000"),
            ("%#.3g", 100.0, "100."),
            ("%G", 1e-10, "1E-10"),
            ("%.3g", 1.23456, "1.23"),
            ("%10.3g|", 0.0001234, "  1.23e-04|"),
        ];
        for (fmt, v, want) in cases {
            assert_eq!(f(fmt, vec![F(*v)]), *want, "{fmt} {v}");
        }
    }

    #[test]
    fn inf_and_nan() {
        assert_eq!(
            f(
                "%f|%f|%F|%e|%G",
                vec![
                    F(f64::INFINITY),
                    F(f64::NEG_INFINITY),
                    F(f64::INFINITY),
                    F(f64::NAN),
                    F(-f64::NAN)
                ]
            ),
            "inf|-inf|INF|nan|-NAN"
        );
        assert_eq!(
            f("%010f|%-6f|%+f", vec![F(f64::NEG_INFINITY), F(f64::NAN), F(f64::INFINITY)]),
            "      -inf|nan   |+inf"
        );
    }

    #[test]
    fn hex_floats() {
        let cases: &[(&str, f64, &str)] = &[
            ("%a", 1.0, "0x1p+0"),
            ("%a", 3.0, "0x1.8p+1"),
            ("%a", -0.1, "-0x1.999999999999ap-4"),
            ("%a", 0.0, "0x0p+0"),
            ("%A", 255.5, "0X1.FFP+7"),
            ("%a", 5e-324, "0x0.0000000000001p-1022"),
            ("%.0a", 1.5, "0x2p+0"),
            ("%.0a", 1.25, "0x1p+0"),
            ("%.0a", 2.5, "0x1p+1"),
            ("%.0a", 3.5, "0x2p+1"),
            ("%.1a", 1.96875, "0x2.0p+0"),
            ("%.3a", 1.0, "0x1.000p+0"),
            ("%#a", 1.0, "0x1.p+0"),
            ("%012a", -3.0, "-0x0001.8p+1"),
        ];
        for (fmt, v, want) in cases {
            assert_eq!(f(fmt, vec![F(*v)]), *want, "{fmt} {v}");
        }
    }

    #[test]
    fn long_double_and_long_long_l() {
        assert_eq!(f("%Lf|%Ld", vec![F(1.5), I(-3)]), "1.500000|-3");
    }

    #[test]
    fn unknown_conversions_print_literally() {
        assert_eq!(f("%y|%5y|%-3.2k", vec![]), "%y|%5y|%-3.2k");
    }

    #[test]
    fn printers_and_quotes() {
        let two = |out: &mut dyn FnMut(u8)| b"ab".iter().for_each(|&b| out(b));
        assert_eq!(f("<%M>", vec![M(Box::new(two))]), "<ab>");
        assert_eq!(f("<%m>%d", vec![M(Box::new(two)), I(3)]), "<\"ab\">3");
        let mut a = Args(vec![M(Box::new(two))].into());
        assert_eq!(format(b"%m", &mut a, &mut |_| {}), 4);
    }

    #[test]
    fn percent_n_consumes_its_pointer() {
        assert_eq!(f("a%nb%d", vec![P(0x1000), I(1)]), "ab1");
    }

    fn collect(func: fn(&[u8], &mut dyn FnMut(u8)) -> usize, data: &[u8]) -> (String, usize) {
        let mut v = Vec::new();
        let n = func(data, &mut |b| v.push(b));
        (String::from_utf8(v).unwrap(), n)
    }

    #[test]
    fn renderers() {
        assert_eq!(
            collect(json_escape, b"a\"b\\\n\t\x01z"),
            ("a\\\"b\\\\\\n\\t\\u0001z".into(), 17)
        );
        assert_eq!(collect(hex, &[0x01, 0xab, 0xff]), ("01abff".into(), 6));
        assert_eq!(ip4_text([192, 168, 0, 1]), "192.168.0.1");
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip6_text(v6), "[0:0:0:0:0:0:0:1]");
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        assert_eq!(ip6_text(v6), "[2001:db8:0:0:0:0:0:1]");
        assert_eq!(mac_text([0, 0x11, 0xaa, 0xbb, 0xcc, 0xff]), "00:11:aa:bb:cc:ff");
    }

    #[test]
    fn hexdump_lines() {
        let d = hexdump(b"0123456789abcdefXY\x00");
        let lines: Vec<&str> = d.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            "0000   30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66   0123456789abcdef"
        );
        assert!(lines[1].starts_with("0010   58 59 00 "));
        assert!(lines[1].ends_with("  XY.             "));
        assert_eq!(hexdump(b""), "");
    }
}
