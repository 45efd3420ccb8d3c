//! `struct mg_timer` and the timer list each manager keeps in `mgr->timers`.
use std::os::raw::{c_uint, c_void};
use std::ptr;

/// Call the function once.
pub const MG_TIMER_ONCE: c_uint = 0;
/// Call the function every period.
pub const MG_TIMER_REPEAT: c_uint = 1;
/// Also call the function at the first poll, without waiting a period.
pub const MG_TIMER_RUN_NOW: c_uint = 2;
/// Set by the library once the function has been called.
pub const MG_TIMER_CALLED: c_uint = 4;
/// Free the timer with mg_free() once it is done (non-repeating timers).
pub const MG_TIMER_AUTODELETE: c_uint = 8;

/// A timer. Linked into a list whose head is usually `mgr->timers`.
#[repr(C)]
pub struct mg_timer {
    /// Period in milliseconds.
    pub period_ms: u64,
    /// Next expiry time in mg_millis() terms; 0 until the first poll.
    pub expire: u64,
    /// MG_TIMER_* flags.
    pub flags: c_uint,
    /// Function to call.
    pub r#fn: Option<unsafe extern "C" fn(arg: *mut c_void)>,
    /// Its argument.
    pub arg: *mut c_void,
    /// Next timer in the list.
    pub next: *mut mg_timer,
}

/// Advances an expiry time: true when `*expire` has passed at `now`, in which
/// case `*expire` moves one period on (or to `now + period` when more than a
/// period was missed, so a late poll does not cause a burst of calls).
/// An expiry of 0 means "not started": it becomes `now + period`.
pub fn expired(expire: &mut u64, period: u64, now: u64) -> bool {
    if now.saturating_add(period) < *expire {
        *expire = 0; // the clock went backwards: restart
    }
    if *expire == 0 {
        *expire = now.saturating_add(period);
    }
    if *expire > now {
        return false;
    }
    *expire = if now - *expire > period { now.saturating_add(period) } else { *expire + period };
    true
}

/// Initialises `t` and puts it at the head of the list.
///
/// # Safety
/// `head` must point to a valid list head and `t` to writable timer memory
/// that stays valid until it is removed from the list.
pub unsafe fn init(
    head: *mut *mut mg_timer,
    t: *mut mg_timer,
    period_ms: u64,
    flags: c_uint,
    func: Option<unsafe extern "C" fn(*mut c_void)>,
    arg: *mut c_void,
) {
    // SAFETY: per the contract.
    unsafe {
        t.write(mg_timer { period_ms, expire: 0, flags, r#fn: func, arg, next: *head });
        *head = t;
    }
}

/// Unlinks `t` from the list if it is there. Does not free it.
///
/// # Safety
/// `head` must point to a valid list of live timers.
pub unsafe fn unlink(head: *mut *mut mg_timer, t: *mut mg_timer) -> bool {
    // SAFETY: walking a valid list.
    unsafe {
        let mut link = head;
        while !(*link).is_null() {
            if *link == t {
                *link = (*t).next;
                return true;
            }
            link = ptr::addr_of_mut!((**link).next);
        }
    }
    false
}

/// Calls every timer in the list that is due at `now`. Returns the timers that
/// finished and asked to be freed (MG_TIMER_AUTODELETE), already unlinked; the
/// caller frees them.
///
/// # Safety
/// `head` must point to a valid list of live timers. Timer functions may add
/// or remove other timers.
pub unsafe fn poll(head: *mut *mut mg_timer, now: u64, done: &mut Vec<*mut mg_timer>) {
    // SAFETY: walking a valid list; `next` is read before the call so a timer
    // may remove itself.
    unsafe {
        let mut t = *head;
        while !t.is_null() {
            let next = (*t).next;
            let flags = (*t).flags;
            let run_now =
                (*t).expire == 0 && flags & MG_TIMER_RUN_NOW != 0 && flags & MG_TIMER_CALLED == 0;
            let due = expired(&mut (*t).expire, (*t).period_ms, now);
            if run_now || due {
                let repeat = flags & MG_TIMER_REPEAT != 0;
                if repeat || flags & MG_TIMER_CALLED == 0 {
                    (*t).flags |= MG_TIMER_CALLED;
                    if let Some(f) = (*t).r#fn {
                        f((*t).arg);
                    }
                }
                if !repeat && (*t).flags & MG_TIMER_AUTODELETE != 0 && unlink(head, t) {
                    done.push(t);
                }
            }
            t = next;
        }
    }
}

/// The earliest time any timer in the list wants to run: `Some(0)` when one
/// has not started yet (it runs or is scheduled at the next poll).
///
/// # Safety
/// `head` must be a valid list of live timers.
pub unsafe fn next_due(mut t: *const mg_timer) -> Option<u64> {
    let mut best: Option<u64> = None;
    // SAFETY: walking a valid list.
    unsafe {
        while !t.is_null() {
            let finished = (*t).flags & MG_TIMER_REPEAT == 0 && (*t).flags & MG_TIMER_CALLED != 0;
            if !finished {
                let due = (*t).expire;
                best = Some(best.map_or(due, |b| b.min(due)));
            }
            t = (*t).next;
        }
    }
    best
}
