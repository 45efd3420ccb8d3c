//! TLS over rustls (with the ring crypto provider): `struct mg_tls_opts`,
//! `mg_tls_init()`, and the record layer between a connection's socket and
//! its `recv`/`send` buffers.
//!
//! A TLS connection keeps the C view Mongoose gives: the program queues
//! plaintext in `c->send` and reads plaintext from `c->recv`. Ciphertext
//! read from the socket waits in `c->rtls` until rustls takes it; ciphertext
//! to send waits inside rustls (at most [`OUT_LIMIT`] bytes) until the
//! socket takes it. The event loop calls [`io`] instead of its plaintext
//! read and write for connections with `is_tls` set; that flag is the only
//! cost TLS adds to plaintext connections.
//!
//! - [`config`]: `struct mg_tls_opts`, certificate and key parsing, peer
//!   verification and the cache of rustls configs;
//! - [`io`]: a connection's TLS session and the record layer between its
//!   socket and its buffers.
//!
//! Without the `tls` cargo feature (on by default), [`none`] stands in: the
//! same API, every TLS operation failing with an error.
#[cfg(feature = "tls")]
mod config;
#[cfg(feature = "tls")]
mod io;
/// cbindgen:ignore
#[cfg(not(feature = "tls"))]
mod none;

#[cfg(feature = "tls")]
pub use config::*;
#[cfg(feature = "tls")]
pub use io::*;
#[cfg(not(feature = "tls"))]
pub use none::*;
