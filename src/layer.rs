//! Protocols as layers over a connection.
//!
//! A protocol (HTTP, WebSocket, SNTP; later MQTT, DNS, mDNS) is a type that
//! implements [`Layer`]. Its value is the protocol's per-connection state,
//! kept in the connection's [`Slots`](crate::conn::Slots) by type, so
//! `conn.rs` names no protocol. Its reactions to the connection's life are
//! the `on_*` functions, which the library calls through the connection's
//! protocol handler `c->pfn`, before the program's handler `c->fn`, exactly
//! where Mongoose calls its protocol handlers. A program may still replace
//! or clear `c->pfn`, as with Mongoose; the layer then stops hearing events.
//!
//! ```ignore
//! #[derive(Default)]
//! pub struct Mqtt { /* per-connection state */ }
//! crate::layer_handler!(mqtt_handler, Mqtt);
//! impl Layer for Mqtt {
//!     const HANDLER: Handler = mqtt_handler;
//!     fn on_read(c: &mut Conn, _n: usize) {
//!         let st = c.state_or_default::<Mqtt>(); // fetch ...
//!         // ... use st, then let it go before calling into C:
//!         c.call(MG_EV_MQTT_MSG, ...);
//!     }
//! }
//! // mg_mqtt_connect: layer::attach(&mut c, Mqtt { ... });
//! // mg_mqtt_listen: layer::speak::<Mqtt>(&mut c) on the listener; accepted
//! // connections inherit c->pfn and create their state on first use.
//! ```
//!
//! The `on_*` functions take the connection handle, not `&mut self`: state
//! is fetched with [`Conn::state`] when needed and, by the borrow rules,
//! cannot be held across [`Conn::call`] (see docs/design.md).
//!
//! Output a layer produces outside `c->send` (a file streamed with
//! sendfile(2)) goes through the connection's `pump` hook
//! ([`crate::conn::ConnPrivate::pump`]), which the transport calls when the
//! socket may take more.
use crate::conn::{ev, mg_connection, Conn};
use std::os::raw::{c_int, c_long, c_void};

/// A C protocol handler, as stored in `c->pfn`.
pub type Handler = unsafe extern "C" fn(c: *mut mg_connection, ev: c_int, ev_data: *mut c_void);

/// A protocol: its per-connection state (the implementing type) and its
/// reaction to the connection's events. Every function has an empty default.
pub trait Layer: 'static {
    /// The protocol handler put in `c->pfn`: a plain function made with
    /// [`layer_handler!`](crate::layer_handler), whose address identifies
    /// the layer.
    const HANDLER: Handler;

    /// MG_EV_CONNECT: an outbound connection is established.
    fn on_connect(_c: &mut Conn) {}
    /// MG_EV_READ: `n` new bytes are at the end of `c->recv` (0 when the
    /// library asks the layer to look at `c->recv` again, e.g. once a
    /// response in progress ended and pipelined input waits).
    fn on_read(_c: &mut Conn, _n: usize) {}
    /// MG_EV_POLL: once per `mg_mgr_poll()`; `now` in milliseconds.
    fn on_poll(_c: &mut Conn, _now: u64) {}
    /// MG_EV_WRITE: `n` bytes of `c->send` went out.
    fn on_write_done(_c: &mut Conn, _n: usize) {}
    /// MG_EV_CLOSE: the connection is about to be freed (its state is
    /// dropped with it).
    fn on_close(_c: &mut Conn) {}
    /// Any other event (MG_EV_OPEN, MG_EV_ACCEPT, MG_EV_TLS_HS, MG_EV_ERROR,
    /// MG_EV_WAKEUP, protocol and user events), with its `ev_data`.
    fn on_other(_c: &mut Conn, _ev: c_int, _ev_data: *mut c_void) {}
}

/// Defines `pub unsafe extern "C" fn $name`, the protocol handler of layer
/// `$ty`, for `Layer::HANDLER`: it turns each C event into the layer's
/// `on_*` call.
#[macro_export]
macro_rules! layer_handler {
    ($(#[$doc:meta])* $name:ident, $ty:ty) => {
        $(#[$doc])*
        /// The protocol handler (`c->pfn`) of this layer.
        ///
        /// # Safety
        /// Called by the library with a live connection and the event's data.
        pub unsafe extern "C" fn $name(
            c: *mut $crate::conn::mg_connection,
            ev: ::std::os::raw::c_int,
            ev_data: *mut ::std::os::raw::c_void,
        ) {
            // SAFETY: per the contract.
            unsafe { $crate::layer::dispatch::<$ty>(c, ev, ev_data) }
        }
    };
}

/// Turns one C event into the layer's `on_*` call.
///
/// # Safety
/// `c` must be NULL or a live connection; `ev_data` what the event carries.
pub unsafe fn dispatch<L: Layer>(c: *mut mg_connection, ev: c_int, ev_data: *mut c_void) {
    // SAFETY: c is live for the duration of the event (the contract).
    let Some(mut conn) = (unsafe { Conn::from_raw(c) }) else { return };
    let c = &mut conn;
    match ev {
        ev::READ => {
            // SAFETY: MG_EV_READ carries a `long *` (or NULL).
            let n = unsafe { ev_data.cast::<c_long>().as_ref() }.copied().unwrap_or(0);
            L::on_read(c, usize::try_from(n).unwrap_or(0))
        }
        ev::POLL => {
            // SAFETY: MG_EV_POLL carries a `uint64_t *` (or NULL).
            let now = unsafe { ev_data.cast::<u64>().as_ref() }.copied().unwrap_or(0);
            L::on_poll(c, now)
        }
        ev::WRITE => {
            // SAFETY: MG_EV_WRITE carries a `long *` (or NULL).
            let n = unsafe { ev_data.cast::<c_long>().as_ref() }.copied().unwrap_or(0);
            L::on_write_done(c, usize::try_from(n).unwrap_or(0))
        }
        ev::CONNECT => L::on_connect(c),
        ev::CLOSE => L::on_close(c),
        _ => L::on_other(c, ev, ev_data),
    }
}

/// Makes `c` speak layer `L` with `state`: stores the state (replacing any
/// earlier state of that type) and installs `L::HANDLER` as `c->pfn`.
pub fn attach<L: Layer>(c: &mut Conn, state: L) {
    c.private().layers.insert(state);
    speak::<L>(c);
}

/// Installs `L::HANDLER` as `c->pfn` without state: for a listener, whose
/// accepted connections inherit the handler and make their state on first
/// use ([`Conn::state_or_default`]).
pub fn speak<L: Layer>(c: &mut Conn) {
    c.pfn = Some(L::HANDLER);
}

/// True while `L` is the connection's protocol handler (a program may
/// detach it, or another layer take over, e.g. WebSocket after HTTP).
pub fn is_active<L: Layer>(c: &Conn) -> bool {
    c.pfn.is_some_and(|f| std::ptr::fn_addr_eq(f, L::HANDLER))
}
