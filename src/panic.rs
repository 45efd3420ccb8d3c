//! The panic boundary, in the manner of rustls-ffi's `panic.rs`: every
//! function C calls (the entry points in `ffi/`, and the `mg_fs` tables'
//! functions) runs its body inside [`guard`] (or [`entry`]), which catches a
//! panic, logs it and returns a fallback value instead, because unwinding
//! into C is undefined behaviour.
//!
//! The fallback normally comes from the return type ([`Fallback`]): NULL for
//! pointers, 0 for numbers, false, an empty `mg_str`. The `entry!`/`guard!`
//! macros of `ffi/mod.rs` also name the C function for the NULL-check macros
//! inside the body (`nonnull!`, `conn_arg!`), at compile time.
use crate::str::mg_str;
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

/// Runs an entry point's body. A panic is logged and turned into
/// `fallback`; `func` is the C function's name, for the log line. Costs
/// nothing unless the body panics.
pub fn guard<R>(func: &str, fallback: R, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(_) => {
            crate::log_error!(func, "internal error; the call was abandoned");
            fallback
        }
    }
}

/// [`guard`] with the return type's [`Fallback`].
pub fn entry<R: Fallback>(func: &str, body: impl FnOnce() -> R) -> R {
    guard(func, R::fallback(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_the_fallback() {
        let r: i32 = entry("outer", || {
            let p: *mut u8 = entry("inner", || panic!("boom"));
            assert!(p.is_null());
            7
        });
        assert_eq!(r, 7);
        assert!(!entry::<bool>("f", || panic!("x")));
        assert_eq!(entry::<usize>("f", || panic!("x")), 0);
        assert!(entry::<mg_str>("f", || panic!("x")).buf.is_null());
        assert_eq!(guard("f", -1, || panic!("x")), -1);
    }
}
