//! HTTP/1.1: `struct mg_http_message`, parsing request and response heads
//! (with `httparse`), body framing, and the protocol handler that turns bytes
//! in `c->recv` into MG_EV_HTTP_HDRS / MG_EV_HTTP_MSG events.
//!
//! Parsing is strict: anything ambiguous that could let one request hide
//! inside another (conflicting lengths, unknown transfer codings, bare LF,
//! dropped headers) is refused with a status and the connection is closed.
//!
//! - [`parse`]: request and response heads, body framing, chunked
//!   coding and reason phrases: pure functions over byte slices;
//! - [`server`]: the protocol handler that drives a connection (requests in,
//!   responses out) and the reply helpers;
//! - [`client`]: client connections and responses delimited by the close;
//! - [`limits`]: back-pressure, timeouts and the lingering close.
mod client;
mod limits;
mod parse;
mod server;

pub use client::*;
pub use limits::{HttpTimeouts, HTTP_SEND_HIGH_WATER, HTTP_SEND_LOW_WATER};
pub use parse::*;
pub use server::*;

impl mg_http_message {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &[u8]) -> Option<crate::str::mg_str> {
        self.headers
            .iter()
            .take_while(|h| h.name.len > 0)
            // SAFETY: header strings point into the parsed buffer, which is
            // alive while the message is used.
            .find(|h| unsafe { h.name.as_bytes() }.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }
}
