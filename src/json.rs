//! JSON as Mongoose reads it: path lookups over the raw text, with no tree
//! built. A path is `$` (the whole document) followed by `.key` and `[index]`
//! steps, e.g. `$.items[3].name`.
//!
//! The scanner validates what it passes over (RFC 8259 grammar; escapes are
//! checked, a raw NUL inside a string is an error) and stops as soon as the
//! target value is complete, so a lookup costs no more than the text up to
//! the value. Nesting deeper than [`MG_JSON_MAX_DEPTH`] is refused, which also
//! bounds the recursion. Every read is bounds-checked: truncated documents
//! give [`JsonError::Invalid`], never a read past the end.

use std::ops::Range;
use std::os::raw::c_int;

/// Deepest nesting of objects and arrays that is accepted.
pub const MG_JSON_MAX_DEPTH: usize = 30;
// The results are an anonymous enum in C, as in Mongoose (see
// csrc/header_prelude.h), so they stay out of cbindgen's output.
/// mg_json_get() result: the document nests deeper than MG_JSON_MAX_DEPTH.
/// cbindgen:ignore
pub const MG_JSON_TOO_DEEP: c_int = -1;
/// mg_json_get() result: the document (or the path) is not valid.
/// cbindgen:ignore
pub const MG_JSON_INVALID: c_int = -2;
/// mg_json_get() result: the document has no value at the path.
/// cbindgen:ignore
pub const MG_JSON_NOT_FOUND: c_int = -3;

/// Why a lookup found nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonError {
    /// Nesting deeper than [`MG_JSON_MAX_DEPTH`] before the target.
    TooDeep,
    /// Malformed document or path.
    Invalid,
    /// Valid document without that path.
    NotFound,
}

impl JsonError {
    /// The `MG_JSON_*` code C sees.
    pub fn code(self) -> c_int {
        match self {
            JsonError::TooDeep => MG_JSON_TOO_DEEP,
            JsonError::Invalid => MG_JSON_INVALID,
            JsonError::NotFound => MG_JSON_NOT_FOUND,
        }
    }
}

/// One step of a path.
#[derive(Debug, PartialEq, Eq)]
enum Step<'p> {
    Key(&'p [u8]),
    Index(usize),
}

/// Parses `$`, `$.a`, `$.a.b[2]`, `$[0][1]`...; None if malformed.
fn parse_path(path: &[u8]) -> Option<Vec<Step<'_>>> {
    let mut rest = path.strip_prefix(b"$")?;
    let mut steps = Vec::new();
    while let Some((&c, tail)) = rest.split_first() {
        match c {
            b'.' => {
                let end = tail.iter().position(|&b| b == b'.' || b == b'[').unwrap_or(tail.len());
                if end == 0 {
                    return None;
                }
                steps.push(Step::Key(&tail[..end]));
                rest = &tail[end..];
            }
            b'[' => {
                let close = tail.iter().position(|&b| b == b']')?;
                let digits = &tail[..close];
                if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                let n = std::str::from_utf8(digits).ok()?.parse().ok()?;
                steps.push(Step::Index(n));
                rest = &tail[close + 1..];
            }
            _ => return None,
        }
    }
    Some(steps)
}

/// The scanner: a position in the document and the path being looked for.
struct Scanner<'a, 'p> {
    s: &'a [u8],
    pos: usize,
    path: &'p [Step<'p>],
}

/// What scanning a value gave: the target's byte range, or nothing yet.
type Scan = Result<Option<Range<usize>>, JsonError>;

impl Scanner<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), JsonError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(JsonError::Invalid)
        }
    }

    /// Scans one value. `depth` is the number of containers around it;
    /// `matched` is how many path steps lead to it (None: it is off the path).
    fn value(&mut self, depth: usize, matched: Option<usize>) -> Scan {
        self.skip_ws();
        let start = self.pos;
        let inner = match matched {
            Some(k) if k < self.path.len() => Some(k),
            _ => None,
        };
        match self.peek().ok_or(JsonError::Invalid)? {
            c @ (b'{' | b'[') => {
                if depth >= MG_JSON_MAX_DEPTH {
                    return Err(JsonError::TooDeep);
                }
                let found = if c == b'{' {
                    self.object(depth + 1, inner)?
                } else {
                    self.array(depth + 1, inner)?
                };
                if found.is_some() {
                    return Ok(found);
                }
            }
            b'"' => {
                self.string()?;
            }
            b'-' | b'0'..=b'9' => self.number()?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            _ => return Err(JsonError::Invalid),
        }
        Ok((matched == Some(self.path.len())).then_some(start..self.pos))
    }

    /// Path steps matched by a member or element of a container whose own
    /// value matched `inner` steps (None when the container is off the path).
    fn child(&self, inner: Option<usize>, step: Step<'_>) -> Option<usize> {
        inner.filter(|&k| self.path[k] == step).map(|k| k + 1)
    }

    fn object(&mut self, depth: usize, inner: Option<usize>) -> Scan {
        self.pos += 1; // '{'
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(None);
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.skip_ws();
            self.expect(b':')?;
            let matched = self.child(inner, Step::Key(&self.s[key]));
            if let Some(found) = self.value(depth, matched)? {
                return Ok(Some(found));
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(None);
                }
                _ => return Err(JsonError::Invalid),
            }
        }
    }

    fn array(&mut self, depth: usize, inner: Option<usize>) -> Scan {
        self.pos += 1; // '['
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(None);
        }
        for index in 0.. {
            let matched = self.child(inner, Step::Index(index));
            if let Some(found) = self.value(depth, matched)? {
                return Ok(Some(found));
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(None);
                }
                _ => return Err(JsonError::Invalid),
            }
        }
        unreachable!("an array ends or fails before its index overflows")
    }

    /// Scans a string at the current `"`; returns the range of its content
    /// (between the quotes, escapes not decoded).
    fn string(&mut self) -> Result<Range<usize>, JsonError> {
        self.expect(b'"')?;
        let start = self.pos;
        loop {
            match self.peek().ok_or(JsonError::Invalid)? {
                b'"' => {
                    self.pos += 1;
                    return Ok(start..self.pos - 1);
                }
                b'\\' => {
                    let esc = *self.s.get(self.pos + 1).ok_or(JsonError::Invalid)?;
                    match esc {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                        b'u' => {
                            let hex = self.s.get(self.pos + 2..self.pos + 6);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return Err(JsonError::Invalid);
                            }
                            self.pos += 6;
                        }
                        _ => return Err(JsonError::Invalid),
                    }
                }
                0 => return Err(JsonError::Invalid),
                _ => self.pos += 1,
            }
        }
    }

    fn digits(&mut self) -> Result<(), JsonError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == start {
            Err(JsonError::Invalid)
        } else {
            Ok(())
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.digits()?;
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits()?;
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        if self.s[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(JsonError::Invalid)
        }
    }
}

/// Finds the value at `path` in `json`: its byte range (a string's includes
/// the quotes).
pub fn get(json: &[u8], path: &[u8]) -> Result<Range<usize>, JsonError> {
    let steps = parse_path(path).ok_or(JsonError::Invalid)?;
    let mut sc = Scanner { s: json, pos: 0, path: &steps };
    sc.value(0, Some(0))?.ok_or(JsonError::NotFound)
}

/// The raw text of the value at `path`.
pub fn get_tok<'a>(json: &'a [u8], path: &[u8]) -> Option<&'a [u8]> {
    get(json, path).ok().map(|r| &json[r])
}

/// The number at `path`. Numbers too large for a double give ±infinity (as
/// strtod() gives HUGE_VAL).
pub fn get_num(json: &[u8], path: &[u8]) -> Option<f64> {
    let tok = get_tok(json, path)?;
    if !matches!(tok.first(), Some(b'-' | b'0'..=b'9')) {
        return None;
    }
    // The scanner checked the JSON number grammar, which Rust's parser
    // accepts; it rounds correctly.
    std::str::from_utf8(tok).ok()?.parse().ok()
}

/// The boolean at `path`.
pub fn get_bool(json: &[u8], path: &[u8]) -> Option<bool> {
    match get_tok(json, path)? {
        b"true" => Some(true),
        b"false" => Some(false),
        _ => None,
    }
}

/// The number at `path` as a C `long`, converted from the double as C
/// truncates (toward zero), saturating at the type's limits.
pub fn get_long(json: &[u8], path: &[u8]) -> Option<i64> {
    get_num(json, path).map(|v| v as i64)
}

/// The content of the string at `path`, escapes not decoded.
fn get_raw_str<'a>(json: &'a [u8], path: &[u8]) -> Option<&'a [u8]> {
    let tok = get_tok(json, path)?;
    (tok.len() >= 2 && tok[0] == b'"').then(|| &tok[1..tok.len() - 1])
}

/// The string at `path`, unescaped (UTF-8).
pub fn get_str(json: &[u8], path: &[u8]) -> Option<Vec<u8>> {
    unescape(get_raw_str(json, path)?)
}

/// The string at `path` decoded from hex (two digits per byte, either case).
pub fn get_hex(json: &[u8], path: &[u8]) -> Option<Vec<u8>> {
    let s = get_raw_str(json, path)?;
    if s.len() % 2 != 0 {
        return None;
    }
    s.chunks_exact(2)
        .map(|p| {
            let hi = (p[0] as char).to_digit(16)?;
            let lo = (p[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

/// The string at `path` decoded from standard base64.
pub fn get_b64(json: &[u8], path: &[u8]) -> Option<Vec<u8>> {
    crate::base64::decode(get_raw_str(json, path)?, crate::base64::Variant::Standard)
}

/// Decodes the escapes of a JSON string's content: `\" \\ \/ \b \f \n \r \t`
/// and `\uXXXX`. `\u0000`-`\u00FF` give the single byte 0x00-0xFF, as in
/// Mongoose; larger code points are written as UTF-8 (a surrogate pair as
/// one character; a lone surrogate as U+FFFD, since UTF-8 cannot hold it),
/// where Mongoose fails. None on a malformed escape.
pub fn unescape(s: &[u8]) -> Option<Vec<u8>> {
    fn hex4(s: &[u8], at: usize) -> Option<u32> {
        let h = s.get(at..at + 4)?;
        if !h.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'\\' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        let simple = match *s.get(i + 1)? {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => 0,
            _ => return None,
        };
        if s[i + 1] != b'u' {
            out.push(simple);
            i += 2;
            continue;
        }
        let mut cp = hex4(s, i + 2)?;
        i += 6;
        if (0xD800..0xDC00).contains(&cp) && s[i..].starts_with(b"\\u") {
            let lo = hex4(s, i + 2)?;
            if (0xDC00..0xE000).contains(&lo) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
        }
        if cp <= 0xFF {
            // Mongoose's rule, which programs size buffers by: \u00XX is
            // the single byte 0xXX.
            out.push(cp as u8);
            continue;
        }
        let ch = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
    }
    Some(out)
}

/// One entry of an object or array, as [`next`] returns it.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key with its quotes, for an object member; None in an array.
    pub key: Option<Range<usize>>,
    /// The value's raw text.
    pub val: Range<usize>,
    /// Where the following entry starts: pass it to the next call.
    pub next: usize,
}

/// Iterates over the object or array `obj` (its whole text, brackets
/// included): the entry at `ofs` (0 for the first). None when there are no
/// more entries, `obj` is not an object or array, or an entry is malformed.
pub fn next(obj: &[u8], ofs: usize) -> Option<Entry> {
    let is_object = match obj.first()? {
        b'{' => true,
        b'[' => false,
        _ => return None,
    };
    let mut sc = Scanner { s: obj, pos: ofs.max(1), path: &[] };
    sc.skip_ws();
    if matches!(sc.peek(), None | Some(b'}' | b']')) {
        return None;
    }
    let key = if is_object {
        let start = sc.pos;
        sc.string().ok()?;
        let key = start..sc.pos;
        sc.skip_ws();
        sc.expect(b':').ok()?;
        Some(key)
    } else {
        None
    };
    sc.skip_ws();
    let start = sc.pos;
    // Depth 1: the value sits inside `obj`.
    sc.value(1, None).ok()?;
    let val = start..sc.pos;
    sc.skip_ws();
    if sc.peek() == Some(b',') {
        sc.pos += 1;
    }
    Some(Entry { key, val, next: sc.pos })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(json: &str, path: &str) -> Result<(usize, usize), JsonError> {
        get(json.as_bytes(), path.as_bytes()).map(|r| (r.start, r.len()))
    }

    #[test]
    fn documented_example() {
        let j = r#"{ "a": 1, "b": [2, 3] }"#;
        assert_eq!(g(j, "$"), Ok((0, 23)));
        assert_eq!(g(j, "$.a"), Ok((7, 1)));
        assert_eq!(g(j, "$.b"), Ok((15, 6)));
        assert_eq!(g(j, "$.b[1]"), Ok((19, 1)));
        assert_eq!(g(j, "$.c"), Err(JsonError::NotFound));
        assert_eq!(g(j, "$.b[2]"), Err(JsonError::NotFound));
    }

    #[test]
    fn paths_and_errors() {
        assert_eq!(g(" true ", "$"), Ok((1, 4)));
        assert_eq!(g(" true ", ""), Err(JsonError::Invalid));
        assert_eq!(g("[1]", "$[x]"), Err(JsonError::Invalid));
        assert_eq!(g("[1]", "$."), Err(JsonError::Invalid));
        assert_eq!(g(r#"{"a":{"b":[0,{"c":"d"}]}}"#, "$.a.b[1].c"), Ok((18, 3)));
        assert_eq!(g("[1,2", "$[1]"), Ok((3, 1)));
        assert_eq!(g("[1,2", "$[2]"), Err(JsonError::Invalid));
        assert_eq!(g("[1,2", "$"), Err(JsonError::Invalid));
        assert_eq!(g(r#"{"a":"\x"}"#, "$"), Err(JsonError::Invalid));
        assert_eq!(g(r#"{"a":"\u12"}"#, "$"), Err(JsonError::Invalid));
        assert_eq!(g("", "$"), Err(JsonError::Invalid));
        assert_eq!(g("[1,]", "$"), Err(JsonError::Invalid));
        let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert_eq!(g(&deep(30), "$"), Ok((0, 60)));
        assert_eq!(g(&deep(31), "$"), Err(JsonError::TooDeep));
    }

    #[test]
    fn getters() {
        let j = br#"{"n":-1.5e2,"t":true,"s":"a\"\u00e9\ud83d\ude00","h":"0aFf","b":"Zm9v"}"#;
        assert_eq!(get_num(j, b"$.n"), Some(-150.0));
        assert_eq!(get_num(j, b"$.t"), None);
        assert_eq!(get_bool(j, b"$.t"), Some(true));
        assert_eq!(get_long(j, b"$.n"), Some(-150));
        assert_eq!(get_str(j, b"$.s").unwrap(), b"a\"\xe9\xf0\x9f\x98\x80");
        assert_eq!(get_hex(j, b"$.h").unwrap(), [0x0a, 0xff]);
        assert_eq!(get_b64(j, b"$.b").unwrap(), b"foo");
        assert_eq!(unescape(br"\ud800x").unwrap(), "\u{fffd}x".as_bytes());
        assert_eq!(get_num(b"1e400", b"$"), Some(f64::INFINITY));
    }

    #[test]
    fn iteration() {
        let obj = br#"{ "a" : 1 , "b":[2] }"#;
        let e = next(obj, 0).unwrap();
        assert_eq!((&obj[e.key.clone().unwrap()], &obj[e.val.clone()]), (&b"\"a\""[..], &b"1"[..]));
        let e = next(obj, e.next).unwrap();
        assert_eq!(&obj[e.val.clone()], b"[2]");
        assert_eq!(next(obj, e.next), None);
        assert_eq!(next(b"[]", 0), None);
        assert_eq!(next(b"1", 0), None);
    }
}
