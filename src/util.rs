//! Small helpers of the API: clock, randomness, checksums, byte order.

/// Milliseconds since an arbitrary fixed point (a monotonic clock).
pub fn millis() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1000 + ts.tv_nsec as u64 / 1_000_000
}

/// Wall-clock time: milliseconds since the Unix epoch.
pub fn epoch_millis() -> u64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| d.as_millis() as u64)
}

/// Fills `buf` from the kernel's random source (getrandom(2), with
/// /dev/urandom as a fallback). Returns false if neither worked; `buf` then
/// holds weak clock-derived bytes instead.
pub fn random(buf: &mut [u8]) -> bool {
    if getrandom(buf) || urandom(buf) {
        return true;
    }
    crate::log_error!("mg_random", "no system random source; using a weak generator");
    weak_random(buf);
    false
}

fn getrandom(buf: &mut [u8]) -> bool {
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: the kernel writes at most rest.len() bytes into rest.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n > 0 {
            done += n as usize;
        } else if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {
            continue;
        } else {
            return false;
        }
    }
    true
}

fn urandom(buf: &mut [u8]) -> bool {
    use std::io::Read;
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(buf)).is_ok()
}

/// A last resort when the system has no random source: xorshift seeded from
/// the clocks. Not suitable for secrets.
fn weak_random(buf: &mut [u8]) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = nanos ^ millis().rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15 | 1;
    for b in buf {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 24) as u8;
    }
}

/// Fills `buf` with random ASCII letters and digits. Returns false if the
/// system random source failed (see [`random`]).
pub fn random_alnum(buf: &mut [u8]) -> bool {
    const SET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut strong = true;
    let mut pool = [0u8; 64];
    let mut used = pool.len();
    for out in buf.iter_mut() {
        loop {
            if used == pool.len() {
                strong &= random(&mut pool);
                used = 0;
            }
            let r = pool[used];
            used += 1;
            // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
            if r < 248 {
                *out = SET[usize::from(r % 62)];
                break;
            }
        }
    }
    strong
}

/// CRC-32 (the zlib/PNG polynomial) of `data`, continuing from `crc`, the
/// result of an earlier call (0 to start).
pub fn crc32(crc: u32, data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(crc);
    h.update(data);
    h.finalize()
}

/// True if `path` is safe to resolve under a document root: it does not start
/// with `..` or `~`, has no `..` right after a `/` or `\` separator, and has
/// no NUL byte. (Rejecting any `/..` prefix of a component, such as `/..a`,
/// errs on the safe side.)
pub fn path_is_sane(path: &[u8]) -> bool {
    if path.starts_with(b"..") || path.starts_with(b"~") || path.contains(&0) {
        return false;
    }
    !path.windows(3).any(|w| (w[0] == b'/' || w[0] == b'\\') && w[1] == b'.' && w[2] == b'.')
}

/// Sleeps for at least `ms` milliseconds.
pub fn delay_ms(ms: u32) {
    let end = millis() + u64::from(ms);
    loop {
        let now = millis();
        if now >= end {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(end - now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_zlib() {
        assert_eq!(crc32(0, b""), 0);
        assert_eq!(crc32(0, b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(0, b"a"), 3_904_355_907);
        assert_eq!(crc32(0, b"abc"), 891_568_578);
        assert_eq!(crc32(crc32(0, b"ab"), b"c"), 891_568_578);
    }

    #[test]
    fn randomness() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        assert!(random(&mut a));
        assert!(random(&mut b));
        assert_ne!(a, b);
        assert!(random(&mut []));
        let mut s = [0u8; 300];
        assert!(random_alnum(&mut s));
        assert!(s.iter().all(u8::is_ascii_alphanumeric));
        let mut w = [0u8; 16];
        weak_random(&mut w);
        assert_ne!(w, [0u8; 16]);
    }

    #[test]
    fn sane_paths() {
        for p in ["", "a", "/a/b", "a/b.c", "/a.b/c..d", "x/.hidden", "a/b/"] {
            assert!(path_is_sane(p.as_bytes()), "{p:?}");
        }
        for p in ["..", "../a", "~/a", "~", "/..", "/../a", "a/../b", "a\\..\\b", "/..x", "a\0b"] {
            assert!(!path_is_sane(p.as_bytes()), "{p:?}");
        }
    }

    #[test]
    fn delay_waits() {
        let t = millis();
        delay_ms(20);
        assert!(millis() - t >= 20);
        delay_ms(0);
    }
}

/// Seconds since the Unix epoch of a UTC date and time (month 1-12). 0 for a
/// year before 1970 or a month out of range, as Mongoose's `mg_timegm`
/// returns 0 for years before 1970. Days and times out of their usual range
/// carry over (day 32 of January is February 1st).
pub fn timegm(year: u32, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> u64 {
    if year < 1970 || !(1..=12).contains(&month) {
        return 0;
    }
    // Days from 1970-01-01 to the 1st of the month (a civil-calendar count
    // with March as the first month, so February's leap day comes last).
    let (y, m) = if month <= 2 {
        (year as i64 - 1, month as i64 + 9)
    } else {
        (year as i64, month as i64 - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468 + day as i64 - 1;
    let secs = days * 86_400 + hour as i64 * 3600 + min as i64 * 60 + sec as i64;
    u64::try_from(secs).unwrap_or(0)
}

#[cfg(test)]
mod timegm_tests {
    #[test]
    fn known_dates() {
        assert_eq!(super::timegm(1970, 1, 1, 0, 0, 0), 0);
        assert_eq!(super::timegm(2023, 1, 1, 0, 0, 0), 1_672_531_200);
        assert_eq!(super::timegm(2024, 2, 29, 12, 0, 0), 1_709_208_000);
        assert_eq!(super::timegm(1969, 12, 31, 0, 0, 0), 0);
        assert_eq!(super::timegm(2024, 13, 1, 0, 0, 0), 0);
    }
}
