//! Timer entry points.
use super::{entry, nonnull, null_arg};
use crate::mgr::{self, mg_mgr};
use crate::timer::{self, mg_timer};
use std::os::raw::{c_uint, c_void};
use std::ptr;

/// A timer function.
pub type mg_timer_fn = Option<unsafe extern "C" fn(arg: *mut c_void)>;

/// Adds a timer to the manager calling `fn(arg)` every `milliseconds`
/// (MG_TIMER_REPEAT) or once (MG_TIMER_ONCE); MG_TIMER_RUN_NOW also calls it
/// at the next poll. mg_mgr_poll() wakes in time for it. The timer is freed by
/// mg_mgr_free(), or when done if MG_TIMER_AUTODELETE is set.
#[no_mangle]
pub unsafe extern "C" fn mg_timer_add(
    mgr: *mut mg_mgr,
    milliseconds: u64,
    flags: c_uint,
    r#fn: mg_timer_fn,
    arg: *mut c_void,
) -> *mut mg_timer {
    entry!("mg_timer_add", || {
        // SAFETY: the manager is checked; the timer memory is fresh.
        unsafe {
            let Some(st) = mgr::state(mgr) else {
                crate::log_error!("mg_timer_add", "mgr is NULL or not initialised");
                return ptr::null_mut();
            };
            let t = libc::calloc(1, std::mem::size_of::<mg_timer>()) as *mut mg_timer;
            if t.is_null() {
                crate::log_error!("mg_timer_add", "out of memory");
                return t;
            }
            st.owned_timers.insert(t);
            timer::init(&mut (*mgr).timers, t, milliseconds, flags, r#fn, arg);
            t
        }
    })
}

/// Initialises `timer` and adds it to the list at `*head`.
#[no_mangle]
pub unsafe extern "C" fn mg_timer_init(
    head: *mut *mut mg_timer,
    timer: *mut mg_timer,
    milliseconds: u64,
    flags: c_uint,
    r#fn: mg_timer_fn,
    arg: *mut c_void,
) {
    entry!("mg_timer_init", || {
        if head.is_null() || timer.is_null() {
            return null_arg("mg_timer_init", if head.is_null() { "head" } else { "timer" });
        }
        // SAFETY: non-NULL list head and timer memory from the program.
        unsafe { timer::init(head, timer, milliseconds, flags, r#fn, arg) };
    })
}

/// Removes `timer` from the list at `*head`; its memory is not freed.
#[no_mangle]
pub unsafe extern "C" fn mg_timer_free(head: *mut *mut mg_timer, timer: *mut mg_timer) {
    entry!("mg_timer_free", || {
        if head.is_null() || timer.is_null() {
            return null_arg("mg_timer_free", if head.is_null() { "head" } else { "timer" });
        }
        // SAFETY: a valid list from the program.
        unsafe { timer::unlink(head, timer) };
    })
}

/// Calls the due timers of the list at `*head`, as of time `new_ms`.
/// Finished MG_TIMER_AUTODELETE timers are unlinked and freed with mg_free().
#[no_mangle]
pub unsafe extern "C" fn mg_timer_poll(head: *mut *mut mg_timer, new_ms: u64) {
    entry!("mg_timer_poll", || {
        nonnull!(head);
        let mut done = Vec::new();
        // SAFETY: a valid list from the program; done timers are unlinked
        // and were allocated with the C allocator (AUTODELETE's contract).
        unsafe {
            timer::poll(head, new_ms, &mut done);
            for t in done {
                libc::free(t.cast());
            }
        }
    })
}

/// True when `*expiration` has passed at `now`; then moves it one `period`
/// on. An expiration of 0 starts the period at `now`. Handy for periodic work
/// in MG_EV_POLL: `if (mg_timer_expired(&t, 1000, mg_millis())) ...`.
#[no_mangle]
pub unsafe extern "C" fn mg_timer_expired(expiration: *mut u64, period: u64, now: u64) -> bool {
    entry!("mg_timer_expired", || {
        nonnull!(expiration);
        // SAFETY: non-NULL pointer to the program's u64.
        timer::expired(unsafe { &mut *expiration }, period, now)
    })
}
