//! Checks shared by the HTTP parser targets.
use crate::api::*;

/// Parses `data` and checks the views of a complete head.
pub fn check(data: &[u8]) {
    let mut hm = mg_http_message::zeroed();
    // SAFETY: data is readable for its length; hm is writable.
    let n = unsafe { mg_http_parse(data.as_ptr().cast(), data.len(), &mut hm) };
    // SAFETY: as above.
    let _ = unsafe { mg_http_get_request_len(data.as_ptr(), data.len()) };
    assert!(n <= data.len() as i32);
    if n <= 0 {
        return;
    }
    for v in [hm.method, hm.uri, hm.query, hm.proto, hm.head] {
        v.bytes_in(data);
    }
    // The head ends where the returned length says (it may start later:
    // empty lines before a request line are skipped).
    assert_eq!(hm.head.buf as usize + hm.head.len, data.as_ptr() as usize + n as usize);
    if hm.body.len > 0 {
        assert_eq!(hm.body.buf as usize, data.as_ptr() as usize + n as usize);
    }
    for h in hm.headers.iter().take_while(|h| h.name.len > 0) {
        h.name.bytes_in(data);
        h.value.bytes_in(data);
        // SAFETY: views into data.
        unsafe { mg_http_get_header_var(h.value, mg_str::of(b"charset")) }.bytes_in(data);
    }
    // SAFETY: hm was filled in by mg_http_parse; names are C strings.
    unsafe {
        for name in [c"Content-Length", c"Host", c"Transfer-Encoding", c"x"] {
            let v = mg_http_get_header(&mut hm, name.as_ptr());
            if !v.is_null() {
                (*v).bytes_in(data);
            }
        }
        let _ = mg_http_status(&hm);
        let mut dst = [0 as std::os::raw::c_char; 64];
        let _ = mg_http_get_var(&hm.query, c"a".as_ptr(), dst.as_mut_ptr(), dst.len());
        mg_http_var(hm.query, mg_str::of(b"a")).bytes_in(data);
    }
}
