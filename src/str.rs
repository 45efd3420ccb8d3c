//! `struct mg_str`, the non-owning string view used throughout the API, and
//! the string utilities that operate on it.
use std::os::raw::c_char;

/// A view of `len` bytes at `buf`; not necessarily NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_str {
    /// First byte of the string (may be NULL when `len` is 0).
    pub buf: *mut c_char,
    /// Number of bytes.
    pub len: usize,
}

impl mg_str {
    /// The empty string `{NULL, 0}`.
    pub const fn empty() -> Self {
        mg_str { buf: std::ptr::null_mut(), len: 0 }
    }

    /// A view of a Rust byte slice. The slice must outlive every use of the view.
    pub fn from_bytes(b: &[u8]) -> Self {
        mg_str { buf: b.as_ptr() as *mut c_char, len: b.len() }
    }

    /// The viewed bytes.
    ///
    /// # Safety
    /// `buf` must point to `len` readable bytes for the chosen lifetime.
    pub unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        if self.buf.is_null() || self.len == 0 {
            &[]
        } else {
            // SAFETY: the caller guarantees buf/len describe readable memory.
            unsafe { std::slice::from_raw_parts(self.buf as *const u8, self.len) }
        }
    }
}

/// ASCII lower case of one byte.
fn lower(c: u8) -> u8 {
    c.to_ascii_lowercase()
}

/// Maps an [`Ordering`](std::cmp::Ordering) to -1, 0 or 1.
fn sign(o: std::cmp::Ordering) -> i32 {
    o as i32
}

/// A copy of `src` in C memory (NUL-terminated, for the program to free()),
/// as `mg_strdup()` makes; `{NULL, 0}` for an empty one. None when out of
/// memory.
pub fn dup(src: &[u8]) -> Option<mg_str> {
    if src.is_empty() {
        return Some(mg_str::empty());
    }
    let size = src.len().checked_add(1)?;
    // SAFETY: plain C allocation, checked for NULL below.
    let p = unsafe { libc::calloc(1, size) } as *mut u8;
    if p.is_null() {
        return None;
    }
    // SAFETY: p holds size = len + 1 zeroed bytes; src is distinct memory.
    unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), p, src.len()) };
    Some(mg_str { buf: p.cast(), len: src.len() })
}

/// Case-insensitive comparison in the manner of `strcasecmp`: the difference
/// between the first pair of (lower-cased) bytes that differ, where the end of
/// the shorter string counts as a NUL byte.
pub fn casecmp(a: &[u8], b: &[u8]) -> i32 {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).map_or(0, |&c| lower(c));
        let y = b.get(i).map_or(0, |&c| lower(c));
        if x != y {
            return i32::from(x) - i32::from(y);
        }
    }
    0
}

/// Byte-wise comparison: -1, 0 or 1. A proper prefix sorts first.
pub fn strcmp(a: &[u8], b: &[u8]) -> i32 {
    sign(a.cmp(b))
}

/// Like [`strcmp`] but ignores ASCII case.
pub fn strcasecmp(a: &[u8], b: &[u8]) -> i32 {
    sign(a.iter().map(|&c| lower(c)).cmp(b.iter().map(|&c| lower(c))))
}

/// Splits `s` at the first `sep`. Returns the length of the part before the
/// separator and the offset where the rest starts (just past the separator, or
/// `s.len()` when there is none). `None` for an empty `s`.
pub fn span(s: &[u8], sep: u8) -> Option<(usize, usize)> {
    if s.is_empty() {
        return None;
    }
    Some(match s.iter().position(|&c| c == sep) {
        Some(i) => (i, i + 1),
        None => (s.len(), s.len()),
    })
}

/// Parses an unsigned number that must fill all of `s` and fit in
/// `size` bytes (1, 2, 4 or 8). `base` is 2, 10 or 16, or 0 to choose by
/// prefix: `0x` hexadecimal, `0b` binary, anything else decimal.
pub fn parse_num(s: &[u8], base: u32, size: usize) -> Option<u64> {
    let max = match size {
        1 => u64::from(u8::MAX),
        2 => u64::from(u16::MAX),
        4 => u64::from(u32::MAX),
        8 => u64::MAX,
        _ => return None,
    };
    let (base, digits) = match base {
        0 => {
            if let Some(rest) = s.strip_prefix(b"0x") {
                (16, rest)
            } else if let Some(rest) = s.strip_prefix(b"0b") {
                (2, rest)
            } else {
                (10, s)
            }
        }
        2 | 10 | 16 => (base, s),
        _ => return None,
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for &c in digits {
        let d = char::from(c).to_digit(base)?;
        value = value.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
        if value > max {
            return None;
        }
    }
    Some(value)
}

/// One element of a glob pattern.
#[derive(Clone, Copy)]
enum Tok {
    /// A byte that must match exactly.
    Lit(u8),
    /// `?`: any one byte.
    One,
    /// `*` (`slash == false`) or `#` (`slash == true`): any run of bytes,
    /// with or without `/`.
    Run { slash: bool },
}

/// Where a matching thread stands.
#[derive(Clone, Copy, PartialEq)]
enum At {
    /// About to consume one byte for the `Lit`/`One` token at this index.
    Token(usize),
    /// Inside the `Run` token at this index.
    InRun(usize),
    /// The whole pattern has been matched.
    End,
}

/// One alternative being tracked, with its capture positions (start and end
/// per wildcard, empty when captures are not wanted).
struct Thread {
    at: At,
    caps: Vec<usize>,
}

/// Pending work while following the moves that consume no input.
enum Step {
    Enter(usize, Vec<usize>),
    Run(usize, Vec<usize>),
    Emit(Thread),
}

/// A simulation of the pattern as an automaton, one input byte at a time,
/// keeping the alternatives in priority order (each wildcard prefers the
/// shortest run). Runs in O(pattern * input) steps without recursion, and
/// reports the captures the first successful alternative made.
struct Glob {
    toks: Vec<Tok>,
    /// Wildcard number of each token (only meaningful for `One`/`Run`).
    wild: Vec<usize>,
    track: bool,
    seen_token: Vec<bool>,
    seen_run: Vec<bool>,
}

impl Glob {
    fn new(pattern: &[u8], track: bool) -> Self {
        let toks: Vec<Tok> = pattern
            .iter()
            .map(|&c| match c {
                b'?' => Tok::One,
                b'*' => Tok::Run { slash: false },
                b'#' => Tok::Run { slash: true },
                _ => Tok::Lit(c),
            })
            .collect();
        let mut n = 0;
        let wild = toks
            .iter()
            .map(|t| {
                let w = n;
                if !matches!(t, Tok::Lit(_)) {
                    n += 1;
                }
                w
            })
            .collect();
        let len = toks.len();
        Glob { toks, wild, track, seen_token: vec![false; len + 1], seen_run: vec![false; len] }
    }

    fn wildcards(&self) -> usize {
        self.toks.iter().filter(|t| !matches!(t, Tok::Lit(_))).count()
    }

    fn set(&self, caps: &mut [usize], tok: usize, end: bool, pos: usize) {
        if self.track {
            caps[2 * self.wild[tok] + usize::from(end)] = pos;
        }
    }

    fn reset(&mut self) {
        self.seen_token.iter_mut().for_each(|v| *v = false);
        self.seen_run.iter_mut().for_each(|v| *v = false);
    }

    /// Adds to `out`, in priority order, every thread reachable from `start`
    /// at input position `pos` without consuming input.
    fn close(&mut self, out: &mut Vec<Thread>, start: Step, pos: usize) {
        let mut stack = vec![start];
        while let Some(step) = stack.pop() {
            match step {
                Step::Emit(t) => out.push(t),
                Step::Enter(i, mut caps) => {
                    if std::mem::replace(&mut self.seen_token[i], true) {
                        continue;
                    }
                    match self.toks.get(i) {
                        None => out.push(Thread { at: At::End, caps }),
                        Some(Tok::Lit(_) | Tok::One) => out.push(Thread { at: At::Token(i), caps }),
                        Some(Tok::Run { .. }) => {
                            self.set(&mut caps, i, false, pos);
                            stack.push(Step::Run(i, caps));
                        }
                    }
                }
                Step::Run(i, caps) => {
                    if std::mem::replace(&mut self.seen_run[i], true) {
                        continue;
                    }
                    // Leaving the run now is preferred over extending it.
                    let mut done = caps.clone();
                    self.set(&mut done, i, true, pos);
                    stack.push(Step::Emit(Thread { at: At::InRun(i), caps }));
                    stack.push(Step::Enter(i + 1, done));
                }
            }
        }
    }

    fn run(&mut self, s: &[u8]) -> Option<Vec<usize>> {
        let slots = if self.track { 2 * self.wildcards() } else { 0 };
        let mut list = Vec::new();
        self.close(&mut list, Step::Enter(0, vec![0; slots]), 0);
        for (pos, &c) in s.iter().enumerate() {
            if list.is_empty() {
                return None;
            }
            self.reset();
            let mut next = Vec::with_capacity(list.len());
            for t in list.drain(..) {
                let mut caps = t.caps;
                match t.at {
                    At::Token(i) => {
                        let ok = match self.toks[i] {
                            Tok::Lit(b) => b == c,
                            _ => {
                                self.set(&mut caps, i, false, pos);
                                self.set(&mut caps, i, true, pos + 1);
                                true
                            }
                        };
                        if ok {
                            self.close(&mut next, Step::Enter(i + 1, caps), pos + 1);
                        }
                    }
                    At::InRun(i) => {
                        if matches!(self.toks[i], Tok::Run { slash: true }) || c != b'/' {
                            self.close(&mut next, Step::Run(i, caps), pos + 1);
                        }
                    }
                    At::End => {}
                }
            }
            list = next;
        }
        list.into_iter().find(|t| t.at == At::End).map(|t| t.caps)
    }
}

/// True if all of `s` matches the glob `pattern`: `?` matches any one byte,
/// `*` any run of bytes without `/`, `#` any run including `/`; every other
/// byte matches itself.
pub fn glob_match(s: &[u8], pattern: &[u8]) -> bool {
    // Routing calls this for every request: the common cases run without
    // allocating.
    if !pattern.iter().any(|b| matches!(b, b'?' | b'*' | b'#')) {
        return s == pattern;
    }
    if pattern.len() < 64 {
        return glob_match_small(s, pattern);
    }
    Glob::new(pattern, false).run(s).is_some()
}

/// A pattern under 64 bytes as bit masks over its positions, for matching
/// many positions at once: bit `i` stands for "about to match pattern byte
/// `i`", bit `len` for "matched".
struct SmallGlob {
    /// Bit `i` set in `lit[c]` when pattern byte `i` is the literal `c`.
    lit: [u64; 256],
    /// Positions of `?`.
    one: u64,
    /// Positions of `*`.
    star: u64,
    /// Positions of `#`.
    hash: u64,
    len: usize,
}

impl SmallGlob {
    fn new(pattern: &[u8]) -> Self {
        debug_assert!(pattern.len() < 64);
        let mut g = SmallGlob { lit: [0; 256], one: 0, star: 0, hash: 0, len: pattern.len() };
        for (i, &p) in pattern.iter().enumerate() {
            let bit = 1u64 << i;
            match p {
                b'?' => g.one |= bit,
                b'*' => g.star |= bit,
                b'#' => g.hash |= bit,
                _ => g.lit[usize::from(p)] |= bit,
            }
        }
        g
    }

    /// Positions whose token consumes byte `c` and moves on.
    fn eats(&self, c: u8) -> u64 {
        self.lit[usize::from(c)] | self.one
    }

    /// Positions of runs that may take byte `c` and stay.
    fn runs_taking(&self, c: u8) -> u64 {
        self.hash | if c == b'/' { 0 } else { self.star }
    }

    /// Adds the positions reachable by leaving runs without consuming input.
    fn close_forward(&self, mut set: u64) -> u64 {
        loop {
            let add = (set & (self.star | self.hash)) << 1;
            if add & !set == 0 {
                return set;
            }
            set |= add;
        }
    }

    /// Adds the run positions from which a position already in `set` is
    /// reachable without consuming input.
    fn close_backward(&self, mut set: u64) -> u64 {
        loop {
            let add = (set >> 1) & (self.star | self.hash);
            if add & !set == 0 {
                return set;
            }
            set |= add;
        }
    }

    fn is_match(&self, s: &[u8]) -> bool {
        let mut set = self.close_forward(1);
        for &c in s {
            let next = ((set & self.eats(c)) << 1) | (set & self.runs_taking(c));
            if next == 0 {
                return false;
            }
            set = self.close_forward(next);
        }
        set & (1 << self.len) != 0
    }

    /// The captures, each wildcard taking the shortest run that lets the rest
    /// match. First, backwards, the positions from which each suffix of `s`
    /// can be matched; then one forward walk that leaves each run as soon as
    /// the rest can still match: O(len(s)) steps and words in all.
    fn captures(&self, pattern: &[u8], s: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
        // can[pos]: pattern positions whose remainder matches s[pos..].
        let mut can = vec![0u64; s.len() + 1];
        can[s.len()] = self.close_backward(1 << self.len);
        for pos in (0..s.len()).rev() {
            let (c, after) = (s[pos], can[pos + 1]);
            let here = ((after >> 1) & self.eats(c)) | (after & self.runs_taking(c));
            can[pos] = self.close_backward(here);
        }
        if can[0] & 1 == 0 {
            return None;
        }
        let mut caps = Vec::new();
        let mut pos = 0;
        for (i, &p) in pattern.iter().enumerate() {
            match p {
                b'*' | b'#' => {
                    let start = pos;
                    // can[pos] holds i; when i + 1 cannot finish from here,
                    // the run must take s[pos] (and can[pos + 1] holds i).
                    while can[pos] & (1 << (i + 1)) == 0 {
                        pos += 1;
                    }
                    caps.push(start..pos);
                }
                b'?' => {
                    caps.push(pos..pos + 1);
                    pos += 1;
                }
                _ => pos += 1,
            }
        }
        debug_assert_eq!(pos, s.len());
        Some(caps)
    }
}

/// [`glob_match`] for patterns under 64 bytes, all positions at once.
fn glob_match_small(s: &[u8], pattern: &[u8]) -> bool {
    SmallGlob::new(pattern).is_match(s)
}

/// [`glob_captures`] for patterns with exactly one wildcard (the usual
/// routes: "/api/#", "/files/*", "#.shtml"): the literal text before and
/// after it must frame the subject, and the wildcard takes what is between.
/// None when the pattern has another number of wildcards.
#[allow(clippy::type_complexity)]
fn one_wildcard(s: &[u8], pattern: &[u8]) -> Option<Option<Vec<std::ops::Range<usize>>>> {
    let mut wild = pattern.iter().enumerate().filter(|(_, b)| matches!(b, b'?' | b'*' | b'#'));
    let (at, &w) = wild.next()?;
    if wild.next().is_some() {
        return None;
    }
    let (before, after) = (&pattern[..at], &pattern[at + 1..]);
    if s.len() < before.len() + after.len() || !s.starts_with(before) || !s.ends_with(after) {
        return Some(None);
    }
    let run = before.len()..s.len() - after.len();
    let ok = match w {
        b'?' => run.len() == 1,
        b'*' => !s[run.clone()].contains(&b'/'),
        _ => true,
    };
    Some(ok.then(|| vec![run]))
}

/// Longest subject for which [`glob_captures`] keeps a word per byte (8 MiB);
/// longer ones take the general automaton, slower but within O(1) memory per
/// pattern byte.
const SMALL_CAPTURE_LIMIT: usize = 1 << 20;

/// Like [`glob_match`], and also returns what each wildcard of the pattern
/// matched, in pattern order, as ranges of `s`. Each wildcard takes the
/// shortest run that still lets the whole pattern match. Linear in `s` for
/// patterns under 64 bytes.
pub fn glob_captures(s: &[u8], pattern: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
    if let Some(caps) = one_wildcard(s, pattern) {
        return caps;
    }
    if pattern.len() < 64 && s.len() <= SMALL_CAPTURE_LIMIT {
        return SmallGlob::new(pattern).captures(pattern, s);
    }
    let caps = Glob::new(pattern, true).run(s)?;
    Some(caps.chunks(2).map(|p| p[0]..p[1]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(s: &str, p: &str) -> Option<Vec<String>> {
        let c = glob_captures(s.as_bytes(), p.as_bytes())?;
        Some(c.into_iter().map(|r| s[r].to_string()).collect())
    }

    #[test]
    fn small_patterns_agree_with_the_general_automaton() {
        let pats = ["", "*", "#", "?", "a*b", "/*/x", "#.c", "a#b*c", "**", "*?#", "/a/*#?", "x?y"];
        let subjects =
            ["", "a", "ab", "a/b", "/q/x", "/q/r/x", "f.c", "a/x/b/c", "ab/c", "xzy", "x/y"];
        for p in pats {
            for s in subjects {
                let general = Glob::new(p.as_bytes(), false).run(s.as_bytes()).is_some();
                assert_eq!(glob_match(s.as_bytes(), p.as_bytes()), general, "{s:?} vs {p:?}");
            }
        }
    }

    #[test]
    fn glob_without_captures() {
        let yes = [
            ("", ""),
            ("a", "*"),
            ("ab", "*"),
            ("/x/foo", "/*/foo"),
            ("/x/foox", "/*/foo*"),
            ("/abc", "/*"),
            ("/", "/*"),
            ("/x/2/foo", "/x/*/*"),
            ("///", "#"),
            ("/api/log/static", "/api/#"),
            ("/ssi/index.shtml", "#.shtml"),
            (".c", "#.c"),
            ("//a.c", "#.c"),
            ("caabba", "#aa#bb#"),
            ("a__b_c", "a*b*c"),
            ("abc", "a?c"),
            // A `#` must be able to give back bytes to a later `*`.
            ("a/ab", "#a*b"),
        ];
        for (s, p) in yes {
            assert!(glob_match(s.as_bytes(), p.as_bytes()), "{s:?} ~ {p:?}");
        }
        let no = [
            ("a", ""),
            ("/foo", "/"),
            ("/x/bar", "/*/foo"),
            ("/x/foox", "/*/foo"),
            ("/ab/", "/*"),
            ("/x/2/foo", "/x/*"),
            ("/api/log/static", "/api/*"),
            ("ab", "abc"),
            ("caabxa", "#aa#bb#"),
            ("a_b_c_", "a*b*c"),
            ("", "?"),
            // `*` never takes a `/`, not even after a partial match.
            ("/a/b", "*/b"),
        ];
        for (s, p) in no {
            assert!(!glob_match(s.as_bytes(), p.as_bytes()), "{s:?} !~ {p:?}");
        }
    }

    #[test]
    fn glob_captures_take_shortest_runs() {
        assert_eq!(caps("a", "#").unwrap(), ["a"]);
        assert_eq!(caps("a__b_c", "a*b*c").unwrap(), ["__", "_"]);
        assert_eq!(caps("a_b_c__c", "a*b*c").unwrap(), ["_", "_c__"]);
        assert_eq!(caps("a_xb_.c__c", "a*b*c").unwrap(), ["_x", "_.c__"]);
        assert_eq!(caps("a", "#a").unwrap(), [""]);
        assert_eq!(caps(".aa..b...b", "#a#b").unwrap(), [".", "a..b..."]);
        assert_eq!(caps("/foo/bar", "/*/*").unwrap(), ["foo", "bar"]);
        assert_eq!(caps("/foo/", "/*/*").unwrap(), ["foo", ""]);
        assert_eq!(caps("abc", "?#").unwrap(), ["a", "bc"]);
        assert_eq!(caps("a#c", "?#").unwrap(), ["a", "#c"]);
        assert_eq!(caps("a*c", "?*").unwrap(), ["a", "*c"]);
        assert_eq!(caps("xy", "**").unwrap(), ["", "xy"]);
        assert!(caps("a_b_c_", "a*b*c").is_none());
    }

    #[test]
    fn small_captures_agree_with_the_general_automaton() {
        let pats = ["", "*", "#", "?", "a*b", "/*/x", "#.c", "a#b*c", "**", "*?#", "/a/*#?", "x?y"];
        let pats2 = ["#a#b", "a*b*c", "?#", "?*", "#a*b", "*/*", "#/#/#"];
        let subjects = [
            "",
            "a",
            "ab",
            "a/b",
            "/q/x",
            "/q/r/x",
            "f.c",
            "a/x/b/c",
            "ab/c",
            "xzy",
            "x/y",
            "a_b_c__c",
            ".aa..b...b",
            "a/ab",
            "//a//b//",
        ];
        for p in pats.iter().chain(&pats2) {
            for s in subjects {
                let general = Glob::new(p.as_bytes(), true)
                    .run(s.as_bytes())
                    .map(|c| c.chunks(2).map(|p| p[0]..p[1]).collect::<Vec<_>>());
                let small = SmallGlob::new(p.as_bytes()).captures(p.as_bytes(), s.as_bytes());
                assert_eq!(small, general, "{s:?} vs {p:?}");
                let routed = glob_captures(s.as_bytes(), p.as_bytes());
                assert_eq!(routed, general, "{s:?} vs {p:?} (glob_captures)");
            }
        }
    }

    #[test]
    fn long_subjects_match_with_captures() {
        let s = format!("/api/{}", "x/".repeat(100_000));
        assert_eq!(caps(&s, "/api/#").unwrap(), [&s[5..]]);
        assert!(caps(&s, "/api/*").is_none());
        let t = "a".repeat(SMALL_CAPTURE_LIMIT + 1);
        assert_eq!(caps(&t, "#a").unwrap(), [&t[1..]]);
    }

    #[test]
    fn glob_is_not_exponential() {
        let s = "a".repeat(5000);
        let p = format!("{}b", "*a".repeat(40));
        assert!(!glob_match(s.as_bytes(), p.as_bytes()));
    }

    #[test]
    fn comparisons() {
        assert_eq!(strcmp(b"a", b"a"), 0);
        assert_eq!(strcmp(b"a", b"b"), -1);
        assert_eq!(strcmp(b"b", b"a"), 1);
        assert_eq!(strcmp(b"ab", b"a"), 1);
        assert_eq!(strcmp(b"", b"a"), -1);
        assert_eq!(strcmp(b"\x80", b"a"), 1);
        assert_eq!(strcasecmp(b"HeLLo", b"hello"), 0);
        assert_eq!(strcasecmp(b"a", b"B"), -1);
        assert_eq!(strcasecmp(b"abc", b"AB"), 1);
        assert_eq!(casecmp(b"ABC", b"abc"), 0);
        assert_eq!(casecmp(b"a", b"c"), -2);
        assert_eq!(casecmp(b"ab", b"a"), i32::from(b'b'));
        assert!(casecmp(b"", b"x") < 0);
    }

    #[test]
    fn spans() {
        assert_eq!(span(b"", b','), None);
        assert_eq!(span(b"a,b", b','), Some((1, 2)));
        assert_eq!(span(b"abc", b','), Some((3, 3)));
        assert_eq!(span(b",", b','), Some((0, 1)));
        assert_eq!(span(b"a,", b','), Some((1, 2)));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_num(b"0", 10, 8), Some(0));
        assert_eq!(parse_num(b"123", 10, 8), Some(123));
        for bad in [&b" 123"[..], b"123 ", b"", b"-", b"12x", b"+1"] {
            assert_eq!(parse_num(bad, 10, 8), None, "{bad:?}");
        }
        assert_eq!(parse_num(b"18446744073709551615", 10, 8), Some(u64::MAX));
        assert_eq!(parse_num(b"18446744073709551616", 10, 8), None);
        assert_eq!(parse_num(b"01111011", 2, 8), Some(123));
        assert_eq!(parse_num(b"0123", 2, 8), None);
        assert_eq!(parse_num(&[b'1'; 64], 2, 8), Some(u64::MAX));
        assert_eq!(parse_num(&[b'1'; 65], 2, 8), None);
        assert_eq!(parse_num(b"def", 16, 8), Some(0xdef));
        assert_eq!(parse_num(b"DEF", 16, 8), Some(0xdef));
        assert_eq!(parse_num(b"defg", 16, 8), None);
        assert_eq!(parse_num(b"0x123", 16, 8), None);
        assert_eq!(parse_num(b"0x123", 0, 8), Some(0x123));
        assert_eq!(parse_num(b"0b101", 0, 8), Some(5));
        assert_eq!(parse_num(b"0b123", 0, 8), None);
        assert_eq!(parse_num(b"0c123", 0, 8), None);
        assert_eq!(parse_num(b"0123", 0, 8), Some(123));
        assert_eq!(parse_num(b"7", 0, 8), Some(7));
        assert_eq!(parse_num(b"0x", 0, 8), None);
        assert_eq!(parse_num(b"255", 10, 1), Some(255));
        assert_eq!(parse_num(b"256", 10, 1), None);
        assert_eq!(parse_num(b"ffff", 16, 2), Some(0xffff));
        assert_eq!(parse_num(b"10000", 16, 2), None);
        assert_eq!(parse_num(b"4294967295", 10, 4), Some(u64::from(u32::MAX)));
        assert_eq!(parse_num(b"4294967296", 10, 4), None);
        assert_eq!(parse_num(b"1", 10, 3), None);
        assert_eq!(parse_num(b"1", 8, 8), None);
    }
}
