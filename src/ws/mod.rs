//! WebSocket (RFC 6455): the opening handshake on both sides, framing and
//! masking, reassembly of fragmented messages, control frames, the close
//! handshake, and the protocol handler that turns frames in `c->recv` into
//! MG_EV_WS_MSG / MG_EV_WS_CTL events.
//!
//! Frames are parsed in place in `c->recv`. A fragmented message is gathered
//! at the start of the buffer while later frames wait behind it, so
//! `mg_ws_message.data` always points into `c->recv`, as in Mongoose.
//!
//! Back-pressure: while a WebSocket connection's `c->send` holds more than
//! [`SEND_HIGH_WATER`] bytes, the library stops delivering its frames and stops
//! reading its socket (it sets `c->is_full`); both resume once the peer has
//! taken enough that `c->send` is below [`SEND_LOW_WATER`]. So a peer that
//! sends but does not read cannot make an echoing program queue without
//! bound: the connection's memory stays within about `SEND_HIGH_WATER` plus
//! one reply plus `MG_MAX_RECV_SIZE`, and the peer's own sends block in TCP.
//!
//! - [`frame`]: opcodes, close codes, frame headers, masking, the checks of
//!   close payloads and UTF-8: pure functions over byte slices;
//! - [`handshake`]: the opening handshake on both sides;
//! - [`connection`]: the per-connection state and the protocol handler
//!   (frames in, events out, sending, the close handshake, back-pressure).
mod connection;
mod frame;
mod handshake;

pub use connection::*;
pub use frame::*;
pub use handshake::*;
