//! SNTP client entry points.
use super::{bytes, conn_arg, entry, guard};
use crate::conn::{mg_connection, mg_event_handler_t};
use crate::mgr::mg_mgr;
use crate::sntp;
use std::os::raw::{c_char, c_uchar, c_void};
use std::ptr;

/// Opens a UDP connection to the SNTP server at `url` (NULL means
/// "udp://time.google.com:123") and sends a request once it is connected.
/// A valid answer sets the clock mg_now() reads, reaches `fn` as
/// MG_EV_SNTP_TIME (`uint64_t *` milliseconds since the epoch) and closes
/// the connection. An invalid answer (short, not from a server, a
/// kiss-of-death, an unsynchronised server, not answering our request), or
/// none within 3 seconds of the latest request, is an MG_EV_ERROR. NULL on
/// error (logged).
#[no_mangle]
pub unsafe extern "C" fn mg_sntp_connect(
    mgr: *mut mg_mgr,
    url: *const c_char,
    r#fn: mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    entry!("mg_sntp_connect", || {
        const DEFAULT: &[u8] = b"udp://time.google.com:123\0";
        debug_assert_eq!(&DEFAULT[..DEFAULT.len() - 1], sntp::DEFAULT_URL.as_bytes());
        let url = if url.is_null() { DEFAULT.as_ptr().cast() } else { url };
        // SAFETY: arguments checked; mgr initialised.
        unsafe {
            let Some(url) = super::net::mgr_and_url("mg_sntp_connect", mgr, url) else {
                return ptr::null_mut();
            };
            sntp::connect(mgr, url, r#fn, fn_data)
        }
    })
}

/// Sends another time request on a connection from mg_sntp_connect() (one
/// is sent by itself when the connection is established). The answer is
/// awaited for 3 seconds.
#[no_mangle]
pub unsafe extern "C" fn mg_sntp_request(c: *mut mg_connection) {
    entry!("mg_sntp_request", || {
        sntp::request(&mut conn_arg!(c));
    })
}

/// Checks `len` bytes at `buf` as an SNTP server's answer (as the client
/// does, except that it cannot match it to a request) and returns the
/// server's transmit time in milliseconds since the epoch, or -1 (logged)
/// for an invalid answer. It does not set the clock.
#[no_mangle]
pub unsafe extern "C" fn mg_sntp_parse(buf: *const c_uchar, len: usize) -> i64 {
    guard!("mg_sntp_parse", -1, || {
        // SAFETY: `len` readable bytes per the contract.
        let Some(buf) = (unsafe { bytes("mg_sntp_parse", "buf", buf, len) }) else {
            return -1;
        };
        match sntp::parse(buf) {
            Ok(ms) => ms as i64,
            Err(msg) => {
                crate::log_error!("mg_sntp_parse", "{msg}");
                -1
            }
        }
    })
}
