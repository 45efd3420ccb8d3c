//! Validators (ETag, Last-Modified), conditional requests, byte ranges and
//! HTTP dates.
#![forbid(unsafe_code)]
use super::Request;
use crate::fs::Stat;
use crate::http::{self};
// ---------------------------------------------------------------------------
// Validators, conditionals and ranges

/// A strong validator from the modification time and size.
pub(super) fn etag(st: &Stat) -> String {
    format!("\"{}.{}\"", st.mtime, st.size)
}

/// If-None-Match (weak comparison, "*" matches) or, without it,
/// If-Modified-Since says the client's copy is current.
pub(super) fn not_modified(req: &Request, etag: &str, mtime: libc::time_t) -> bool {
    if let Some(inm) = req.header(b"if-none-match") {
        let ours = etag.as_bytes();
        return inm.split(|&b| b == b',').any(|t| {
            let t = http::trim(t);
            t == b"*" || t.strip_prefix(b"W/").unwrap_or(t) == ours
        });
    }
    match req.header(b"if-modified-since").and_then(parse_http_date) {
        Some(since) => mtime > 0 && mtime <= since,
        None => false,
    }
}

/// If-Range: the Range applies only when the validator given is current
/// (an exact strong ETag, or exactly the Last-Modified date).
pub(super) fn if_range_holds(req: &Request, etag: &str, mtime: libc::time_t) -> bool {
    match req.header(b"if-range") {
        None => true,
        Some(v) if v.starts_with(b"\"") => v == etag.as_bytes(),
        Some(v) => parse_http_date(v).is_some_and(|d| d == mtime && mtime > 0),
    }
}

/// What a Range header asks of a representation.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Range {
    /// Bytes `a..=b`, already clipped to the size.
    Satisfiable(u64, u64),
    /// A valid single range outside the content: 416.
    Unsatisfiable,
    /// Not a single valid byte range: serve the whole content (RFC 9110
    /// section 14.2 lets a server ignore such a Range).
    Ignore,
}

/// Parses a single `bytes=` range (RFC 9110 section 14.1.2) for content of
/// `size` bytes. Several ranges, other units, reversed or malformed ranges
/// are ignored; a first position at or past the end (however large) or a
/// zero-length suffix is unsatisfiable; a last position past the end is
/// clipped.
pub(super) fn parse_range(v: &[u8], size: u64) -> Range {
    let v = http::trim(v);
    if v.len() < 6 || !v[..6].eq_ignore_ascii_case(b"bytes=") {
        return Range::Ignore;
    }
    let spec = http::trim(&v[6..]);
    if spec.contains(&b',') {
        return Range::Ignore;
    }
    let Some(dash) = spec.iter().position(|&b| b == b'-') else { return Range::Ignore };
    let (first, last) = (&spec[..dash], &spec[dash + 1..]);
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    // Digits that do not fit in u64 are still a (huge) valid position.
    let num = |s: &[u8]| {
        std::str::from_utf8(s).ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or(u64::MAX)
    };
    match (first.is_empty(), last.is_empty()) {
        (true, false) if digits(last) => {
            let n = num(last);
            if n == 0 || size == 0 {
                Range::Unsatisfiable
            } else {
                Range::Satisfiable(size.saturating_sub(n), size - 1)
            }
        }
        (false, _) if digits(first) && (last.is_empty() || digits(last)) => {
            let a = num(first);
            let b = if last.is_empty() { u64::MAX } else { num(last) };
            if b < a {
                Range::Ignore
            } else if a >= size {
                Range::Unsatisfiable
            } else {
                Range::Satisfiable(a, b.min(size - 1))
            }
        }
        _ => Range::Ignore,
    }
}

// ---------------------------------------------------------------------------
// Dates (RFC 9110 section 5.6.7, IMF-fixdate)

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month 1-12, day) to days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `t` (seconds since the epoch) as an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
pub(super) fn http_date(t: libc::time_t) -> String {
    #[allow(clippy::useless_conversion)] // time_t is not i64 everywhere
    let t = i64::from(t);
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[m as usize - 1],
        y,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Parses an IMF-fixdate; None for anything else (the obsolete formats are
/// ignored, which only costs a full response).
fn parse_http_date(s: &[u8]) -> Option<libc::time_t> {
    let s = std::str::from_utf8(http::trim(s)).ok()?;
    let mut it = s.split(' ');
    let (_wd, d, mon, y, hms, gmt) =
        (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || gmt != "GMT" || d.len() != 2 || y.len() != 4 || hms.len() != 8 {
        return None;
    }
    let m = MONTHS.iter().position(|&x| x == mon)? as u32 + 1;
    let num =
        |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<i64>().ok()).flatten();
    let (d, y) = (num(d)?, num(y)?);
    let mut t = hms.split(':');
    let (hh, mm, ss) = (num(t.next()?)?, num(t.next()?)?, num(t.next()?)?);
    if !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = days_from_civil(y, m, d as u32);
    libc::time_t::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use Range::*;
        let r = |v: &str| parse_range(v.as_bytes(), 100);
        assert_eq!(r("bytes=0-9"), Satisfiable(0, 9));
        assert_eq!(r("bytes=90-"), Satisfiable(90, 99));
        assert_eq!(r("bytes=90-1000"), Satisfiable(90, 99));
        assert_eq!(r("bytes=-10"), Satisfiable(90, 99));
        assert_eq!(r("bytes=-1000"), Satisfiable(0, 99));
        assert_eq!(r("Bytes = 5-5 "), Ignore);
        assert_eq!(r("BYTES=5-5"), Satisfiable(5, 5));
        assert_eq!(r("bytes=100-"), Unsatisfiable);
        assert_eq!(r("bytes=100-200"), Unsatisfiable);
        assert_eq!(r("bytes=-0"), Unsatisfiable);
        assert_eq!(r("bytes=99999999999999999999999-"), Unsatisfiable);
        assert_eq!(r("bytes=1-99999999999999999999999"), Satisfiable(1, 99));
        assert_eq!(r("bytes=9-5"), Ignore);
        assert_eq!(r("bytes=-5-10"), Ignore);
        assert_eq!(r("bytes=0-1,5-6"), Ignore);
        assert_eq!(r("bytes=a-b"), Ignore);
        assert_eq!(r("bytes=-"), Ignore);
        assert_eq!(r("items=0-1"), Ignore);
        assert_eq!(r("bytes=+1-2"), Ignore);
        assert_eq!(parse_range(b"bytes=0-", 0), Unsatisfiable);
        assert_eq!(parse_range(b"bytes=-1", 0), Unsatisfiable);
    }

    #[test]
    fn dates() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        for t in [0, 784_111_777, 951_782_400, 1_700_000_000, 4_102_444_800] {
            assert_eq!(parse_http_date(http_date(t).as_bytes()), Some(t));
        }
        assert_eq!(parse_http_date(b"Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date(b"Sun Nov  6 08:49:37 1994"), None);
        assert_eq!(parse_http_date(b"Sun, 06 Nov 1994 25:49:37 GMT"), None);
    }
}
