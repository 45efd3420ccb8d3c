//! `mg_http_next_multipart`: the walk over a `multipart/form-data` body is
//! done by `crate::multipart` on a slice.
use super::entry;
use crate::multipart::{self, mg_http_part};
use crate::str::mg_str;

/// Parses the part of the multipart body `body` whose boundary line starts at
/// `ofs` (0 for the first part) and fills `part` (which may be NULL) with its
/// `Content-Disposition` name and filename and its contents; the views point
/// into `body`. Returns the offset of the next part's boundary line, to pass
/// to the next call, or 0 when there is no further complete part (end of the
/// body, or a missing or malformed boundary), in which case `part` holds
/// empty views.
///
/// Typical loop: `while ((ofs = mg_http_next_multipart(hm->body, ofs, &part)) > 0) {...}`
#[no_mangle]
pub unsafe extern "C" fn mg_http_next_multipart(
    body: mg_str,
    ofs: usize,
    part: *mut mg_http_part,
) -> usize {
    entry!("mg_http_next_multipart", || {
        // SAFETY: the body view describes readable memory per the API.
        let bytes = unsafe { body.as_bytes() };
        let (found, next) = match multipart::next_part(bytes, ofs) {
            Some((p, next)) => (mg_http_part::from(p), next),
            None => (mg_http_part::empty(), 0),
        };
        if !part.is_null() {
            // SAFETY: a non-NULL part points to a writable struct per the API.
            unsafe { part.write(found) };
        }
        next
    })
}
