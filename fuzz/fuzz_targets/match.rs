//! mg_match(): input is "pattern\0subject". The answer is the same with and
//! without captures, and on a match the pattern with each wildcard replaced by
//! its capture spells the subject (with `?` one byte, `*` without '/').
#![no_main]
use libfuzzer_sys::fuzz_target;
use mongoose as _;
#[path = "../common/api.rs"]
mod api;
use api::*;

fuzz_target!(|data: &[u8]| {
    quiet();
    let (pattern, subject) = split_nul(data);
    let wild = pattern.iter().filter(|b| matches!(b, b'?' | b'*' | b'#')).count();
    let mut caps = vec![mg_str::empty(); wild + 1];
    let (s, p) = (mg_str::of(subject), mg_str::of(pattern));
    // SAFETY: views of the input; caps has room for every wildcard plus one.
    let (plain, with_caps) =
        unsafe { (mg_match(s, p, std::ptr::null_mut()), mg_match(s, p, caps.as_mut_ptr())) };
    assert_eq!(plain, with_caps);
    if !with_caps {
        assert!(caps[0].buf.is_null() && caps[0].len == 0);
        return;
    }
    assert!(caps[wild].buf.is_null() && caps[wild].len == 0);
    let mut rebuilt = Vec::new();
    let mut k = 0;
    for &c in pattern {
        match c {
            b'?' | b'*' | b'#' => {
                let cap = if caps[k].len == 0 && caps[k].buf.is_null() {
                    &[][..]
                } else {
                    caps[k].bytes_in(subject)
                };
                match c {
                    b'?' => assert_eq!(cap.len(), 1),
                    b'*' => assert!(!cap.contains(&b'/')),
                    _ => {}
                }
                rebuilt.extend_from_slice(cap);
                k += 1;
            }
            _ => rebuilt.push(c),
        }
    }
    assert_eq!(rebuilt, subject);
});
