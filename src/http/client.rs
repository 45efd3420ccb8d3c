//! HTTP client connections.
use super::mg_http_message;
use super::parse::{parse_head, view, Framing};
use super::server::speak_http;
use crate::conn::{self, ev, mg_connection, Conn};
use std::os::raw::c_void;

/// Creates an HTTP client connection.
///
/// # Safety
/// `mgr` must be an initialised manager.
pub unsafe fn connect(
    mgr: *mut crate::mgr::mg_mgr,
    url: &str,
    f: conn::mg_event_handler_t,
    fn_data: *mut c_void,
) -> *mut mg_connection {
    // SAFETY: per the contract.
    speak_http(unsafe { crate::net::connect(mgr, url, f, fn_data) })
}
/// A response delimited by the connection's close is complete when it closes.
pub(super) fn deliver_until_close(c: &mut Conn) {
    let Ok(Some(mut head)) = parse_head(c.recv.data(), false) else { return };
    if head.framing != Framing::UntilClose {
        return;
    }
    let data = c.recv.data();
    head.hm.body = view(&data[head.len..]);
    head.hm.message = view(&data[head.start..]);
    c.call(ev::HTTP_MSG, (&mut head.hm as *mut mg_http_message).cast());
    c.recv.len = 0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::http_handler;
    use std::os::raw::c_int;

    /// Records each MG_EV_HTTP_MSG of a client connection as (status, body)
    /// in the `Vec` that `fn_data` points to.
    unsafe extern "C" fn record(c: *mut mg_connection, ev: c_int, ev_data: *mut c_void) {
        // SAFETY: fn_data is the Vec of client_reads(); ev_data of
        // MG_EV_HTTP_MSG is the message, pointing into c->recv.
        unsafe {
            if ev == ev::HTTP_MSG {
                let hm = &*(ev_data as *const mg_http_message);
                let msgs = &mut *((*c).fn_data as *mut Vec<(Vec<u8>, Vec<u8>)>);
                msgs.push((hm.uri.as_bytes().to_vec(), hm.body.as_bytes().to_vec()));
            }
        }
    }

    /// Feeds `input` to a client connection's HTTP handler in one read, then
    /// closes it; returns its MG_EV_HTTP_MSG events as (status, body).
    fn client_reads(input: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut msgs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let c = conn::alloc(std::ptr::null_mut(), 0);
        assert!(!c.is_null());
        // SAFETY: c is a fresh connection, freed here; msgs outlives it.
        unsafe {
            (*c).set_client(true);
            (*c).pfn = Some(http_handler);
            (*c).fn_ = Some(record);
            (*c).fn_data = (&mut msgs as *mut Vec<(Vec<u8>, Vec<u8>)>).cast();
            assert!((*c).recv.append(input));
            http_handler(c, ev::READ, std::ptr::null_mut());
            http_handler(c, ev::CLOSE, std::ptr::null_mut());
            conn::free(c);
        }
        msgs
    }

    #[test]
    fn client_reads_nothing_after_a_closing_response() {
        let msg = |s: &str, b: &str| (s.as_bytes().to_vec(), b.as_bytes().to_vec());
        let then = |first: &str, next: &str| client_reads(format!("{first}{next}").as_bytes());
        let next = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil";
        let until_close = "HTTP/1.1 200 OK\r\n\r\nevil";
        let close = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
        assert_eq!(then(close, next), [msg("204", "")]);
        assert_eq!(then(close, until_close), [msg("204", "")]);
        let http10 = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
        assert_eq!(then(http10, next), [msg("200", "ok")]);
        // Kept alive: the next response is read.
        let open = "HTTP/1.1 204 No Content\r\n\r\n";
        assert_eq!(then(open, next), [msg("204", ""), msg("200", "evil")]);
        let http10 = "HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n";
        assert_eq!(then(http10, until_close), [msg("204", ""), msg("200", "evil")]);
    }
}
