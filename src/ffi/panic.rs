//! The panic boundary of the `extern "C"` surface, in the manner of
//! rustls-ffi's `panic.rs`: every entry point runs its body inside
//! [`guard`] (or [`entry`]), which catches a panic, logs it and returns a
//! fallback value instead, because unwinding into C is undefined behaviour.
//!
//! The fallback normally comes from the return type ([`Fallback`]): NULL for
//! pointers, 0 for numbers, false, an empty `mg_str`. The guard also records
//! which C function is running, so the NULL-check macros (`nonnull!`,
//! `conn_arg!` in `ffi/mod.rs`) log it without a hand-typed name.
use crate::str::mg_str;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The value an entry point returns when its body panicked, or when a
/// NULL-check macro rejected an argument.
pub trait Fallback {
    /// The fallback value.
    fn fallback() -> Self;
}

impl Fallback for () {
    fn fallback() -> Self {}
}

impl Fallback for bool {
    fn fallback() -> Self {
        false
    }
}

macro_rules! zero_fallback {
    ($($t:ty)*) => {$(
        impl Fallback for $t {
            fn fallback() -> Self {
                0 as $t
            }
        }
    )*};
}
zero_fallback!(i8 u8 i16 u16 i32 u32 i64 u64 isize usize f32 f64);

impl<T> Fallback for *mut T {
    fn fallback() -> Self {
        std::ptr::null_mut()
    }
}

impl<T> Fallback for *const T {
    fn fallback() -> Self {
        std::ptr::null()
    }
}

impl Fallback for mg_str {
    fn fallback() -> Self {
        mg_str::empty()
    }
}

thread_local! {
    /// The C function whose body runs on this thread (innermost).
    static CURRENT: Cell<&'static str> = const { Cell::new("mongoose") };
}

/// The name of the C function running on this thread, for error lines.
pub fn current() -> &'static str {
    CURRENT.with(Cell::get)
}

/// Runs an entry point's body. A panic is logged and turned into
/// `fallback`. `func` is the C function's name, for the log line and for
/// [`current`] while the body runs.
pub fn guard<R>(func: &'static str, fallback: R, body: impl FnOnce() -> R) -> R {
    let outer = CURRENT.with(|c| c.replace(func));
    let r = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(_) => {
            crate::log_error!(func, "internal error; the call was abandoned");
            fallback
        }
    };
    CURRENT.with(|c| c.set(outer));
    r
}

/// [`guard`] with the return type's [`Fallback`].
pub fn entry<R: Fallback>(func: &'static str, body: impl FnOnce() -> R) -> R {
    guard(func, R::fallback(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_the_fallback_and_the_name_nests() {
        let r: i32 = entry("outer", || {
            assert_eq!(current(), "outer");
            let p: *mut u8 = entry("inner", || {
                assert_eq!(current(), "inner");
                panic!("boom")
            });
            assert!(p.is_null());
            assert_eq!(current(), "outer");
            7
        });
        assert_eq!(r, 7);
        assert!(!entry::<bool>("f", || panic!("x")));
        assert_eq!(entry::<usize>("f", || panic!("x")), 0);
        assert_eq!(guard("f", -1, || panic!("x")), -1);
        assert_eq!(current(), "mongoose");
    }
}
