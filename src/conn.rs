//! `struct mg_connection`: one socket and its buffers, flags and handlers, plus
//! the events the library sends to handlers.
//!
//! C code reads and writes these fields directly, so the struct is a real C
//! struct. The library's private per-connection state lives in the same
//! allocation, just before the C struct, where C never looks.
use crate::addr::mg_addr;
use crate::config::MG_DATA_SIZE;
use crate::iobuf::mg_iobuf;
use crate::mgr::mg_mgr;
use std::alloc::{self, Layout};
use std::any::{Any, TypeId};
use std::ops::{Deref, DerefMut};
use std::os::raw::{c_int, c_uint, c_void};
use std::ptr;
use std::ptr::NonNull;

/// An event handler: `fn(c, ev, ev_data)`; see `enum mg_event` for `ev_data`.
pub type mg_event_handler_t =
    Option<unsafe extern "C" fn(c: *mut mg_connection, ev: c_int, ev_data: *mut c_void)>;

/// Events sent to handlers. The comment names the type `ev_data` points to.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mg_event {
    /// Error. `char *error_message`
    MG_EV_ERROR,
    /// Connection created. NULL
    MG_EV_OPEN,
    /// Once per mg_mgr_poll() iteration. `uint64_t *uptime_millis`
    MG_EV_POLL,
    /// Host name resolved. NULL
    MG_EV_RESOLVE,
    /// Outbound connection established. NULL
    MG_EV_CONNECT,
    /// Inbound connection accepted. NULL
    MG_EV_ACCEPT,
    /// TLS handshake done. NULL
    MG_EV_TLS_HS,
    /// Data received into c->recv. `long *bytes_read`
    MG_EV_READ,
    /// Data sent from c->send. `long *bytes_written`
    MG_EV_WRITE,
    /// Connection about to be freed. NULL
    MG_EV_CLOSE,
    /// HTTP headers received. `struct mg_http_message *`; `body.len` is
    /// the announced Content-Length, though the body may not have arrived.
    MG_EV_HTTP_HDRS,
    /// Full HTTP request or response. `struct mg_http_message *`
    MG_EV_HTTP_MSG,
    /// WebSocket handshake done. `struct mg_http_message *`
    MG_EV_WS_OPEN,
    /// WebSocket data message. `struct mg_ws_message *`
    MG_EV_WS_MSG,
    /// WebSocket control message. `struct mg_ws_message *`
    MG_EV_WS_CTL,
    /// MQTT low-level command. `struct mg_mqtt_message *`
    MG_EV_MQTT_CMD,
    /// MQTT PUBLISH received. `struct mg_mqtt_message *`
    MG_EV_MQTT_MSG,
    /// MQTT CONNACK received. `int *connack_status_code`
    MG_EV_MQTT_OPEN,
    /// SNTP time received. `uint64_t *epoch_millis`
    MG_EV_SNTP_TIME,
    /// mg_wakeup() data received. `struct mg_str *data`
    MG_EV_WAKEUP,
    /// mDNS request. `struct mg_mdns_req *`
    MG_EV_MDNS_REQ,
    /// mDNS response. `struct mg_mdns_resp *`
    MG_EV_MDNS_RESP,
    /// Modbus TCP request. `struct mg_modbus_req *`
    MG_EV_MODBUS_REQ,
    /// First number free for user-defined events.
    MG_EV_USER,
}

/// The event numbers as the `int` handlers receive, each named after its
/// `MG_EV_*`.
/// cbindgen:ignore
#[allow(missing_docs)] // each constant is the MG_EV_ value of its name
pub mod ev {
    use super::mg_event::*;
    use std::os::raw::c_int;
    pub const ERROR: c_int = MG_EV_ERROR as c_int;
    pub const OPEN: c_int = MG_EV_OPEN as c_int;
    pub const POLL: c_int = MG_EV_POLL as c_int;
    pub const RESOLVE: c_int = MG_EV_RESOLVE as c_int;
    pub const CONNECT: c_int = MG_EV_CONNECT as c_int;
    pub const ACCEPT: c_int = MG_EV_ACCEPT as c_int;
    pub const TLS_HS: c_int = MG_EV_TLS_HS as c_int;
    pub const READ: c_int = MG_EV_READ as c_int;
    pub const WRITE: c_int = MG_EV_WRITE as c_int;
    pub const CLOSE: c_int = MG_EV_CLOSE as c_int;
    pub const HTTP_HDRS: c_int = MG_EV_HTTP_HDRS as c_int;
    pub const HTTP_MSG: c_int = MG_EV_HTTP_MSG as c_int;
    pub const WS_OPEN: c_int = MG_EV_WS_OPEN as c_int;
    pub const WS_MSG: c_int = MG_EV_WS_MSG as c_int;
    pub const WS_CTL: c_int = MG_EV_WS_CTL as c_int;
    pub const WAKEUP: c_int = MG_EV_WAKEUP as c_int;
}

/// One connection. Fields and flags may be read and written from C.
/// cbindgen:ignore
#[cfg(not(cbindgen))]
#[repr(C)]
#[allow(missing_docs)] // the fields are documented on the header's twin below
pub struct mg_connection {
    pub next: *mut mg_connection,
    pub mgr: *mut mg_mgr,
    pub loc: mg_addr,
    pub rem: mg_addr,
    pub fd: *mut c_void,
    pub id: std::os::raw::c_ulong,
    pub recv: mg_iobuf,
    pub send: mg_iobuf,
    pub prof: mg_iobuf,
    pub rtls: mg_iobuf,
    pub fn_: mg_event_handler_t,
    pub fn_data: *mut c_void,
    pub pfn: mg_event_handler_t,
    pub pfn_data: *mut c_void,
    pub data: [u8; MG_DATA_SIZE],
    pub tls: *mut c_void,
    /// The `is_*` bitfields, bit 0 first, as the C ABI packs them.
    pub flags: c_uint,
}

/// A network connection. Create with mg_listen()/mg_connect()/mg_http_*;
/// the library frees it after MG_EV_CLOSE. Any field may be read and written.
/// `mgr->extraconnsize` zeroed bytes follow the struct, at `(c + 1)`.
#[cfg(cbindgen)]
#[repr(C)]
pub struct mg_connection {
    /// Next connection in `mgr->conns`.
    pub next: *mut mg_connection,
    /// Manager that owns this connection.
    pub mgr: *mut mg_mgr,
    /// Local address.
    pub loc: mg_addr,
    /// Remote address.
    pub rem: mg_addr,
    /// Socket, as `(void *) (size_t) fd`.
    pub fd: *mut c_void,
    /// Unique id, from `mgr->nextid`.
    pub id: std::os::raw::c_ulong,
    /// Received data; handlers consume it with mg_iobuf_del().
    pub recv: mg_iobuf,
    /// Data waiting to be sent; append with mg_send()/mg_printf().
    pub send: mg_iobuf,
    /// Profiling data (unused).
    pub prof: mg_iobuf,
    /// TLS: encrypted data not yet decrypted.
    pub rtls: mg_iobuf,
    /// User event handler.
    pub r#fn: mg_event_handler_t,
    /// User data for `fn`.
    pub fn_data: *mut c_void,
    /// Protocol handler, called before `fn`; NULL detaches the protocol.
    pub pfn: mg_event_handler_t,
    /// Protocol handler data.
    pub pfn_data: *mut c_void,
    /// Free scratch space.
    pub data: [std::os::raw::c_char; MG_DATA_SIZE],
    /// TLS state.
    pub tls: *mut c_void,
    /// Listening connection.
    /// cbindgen:bitfield=1
    pub is_listening: c_uint,
    /// Outbound connection.
    /// cbindgen:bitfield=1
    pub is_client: c_uint,
    /// Accepted from a listener.
    /// cbindgen:bitfield=1
    pub is_accepted: c_uint,
    /// Host name resolution in progress.
    /// cbindgen:bitfield=1
    pub is_resolving: c_uint,
    /// ARP lookup in progress (built-in stack only; unused).
    /// cbindgen:bitfield=1
    pub is_arplooking: c_uint,
    /// Non-blocking connect in progress.
    /// cbindgen:bitfield=1
    pub is_connecting: c_uint,
    /// TLS connection.
    /// cbindgen:bitfield=1
    pub is_tls: c_uint,
    /// TLS handshake in progress.
    /// cbindgen:bitfield=1
    pub is_tls_hs: c_uint,
    /// UDP connection.
    /// cbindgen:bitfield=1
    pub is_udp: c_uint,
    /// WebSocket connection.
    /// cbindgen:bitfield=1
    pub is_websocket: c_uint,
    /// MQTT 5 connection.
    /// cbindgen:bitfield=1
    pub is_mqtt5: c_uint,
    /// Hex-dump all traffic to the log.
    /// cbindgen:bitfield=1
    pub is_hexdumping: c_uint,
    /// Send what is in `send`, then close.
    /// cbindgen:bitfield=1
    pub is_draining: c_uint,
    /// Close and free on the next poll.
    /// cbindgen:bitfield=1
    pub is_closing: c_uint,
    /// Stop reading until cleared.
    /// cbindgen:bitfield=1
    pub is_full: c_uint,
    /// TLS write throttled.
    /// cbindgen:bitfield=1
    pub is_tls_throttled: c_uint,
    /// HTTP: a response is still being produced; further pipelined requests wait.
    /// cbindgen:bitfield=1
    pub is_resp: c_uint,
    /// Socket is readable.
    /// cbindgen:bitfield=1
    pub is_readable: c_uint,
    /// Socket is writable.
    /// cbindgen:bitfield=1
    pub is_writable: c_uint,
}

/// Bit positions of the `is_*` flags inside `mg_connection::flags`.
/// cbindgen:ignore
#[allow(missing_docs)] // each constant is the bit of the `is_*` field of its name
pub mod flag {
    pub const IS_LISTENING: u32 = 1 << 0;
    pub const IS_CLIENT: u32 = 1 << 1;
    pub const IS_ACCEPTED: u32 = 1 << 2;
    pub const IS_RESOLVING: u32 = 1 << 3;
    pub const IS_ARPLOOKING: u32 = 1 << 4;
    pub const IS_CONNECTING: u32 = 1 << 5;
    pub const IS_TLS: u32 = 1 << 6;
    pub const IS_TLS_HS: u32 = 1 << 7;
    pub const IS_UDP: u32 = 1 << 8;
    pub const IS_WEBSOCKET: u32 = 1 << 9;
    pub const IS_MQTT5: u32 = 1 << 10;
    pub const IS_HEXDUMPING: u32 = 1 << 11;
    pub const IS_DRAINING: u32 = 1 << 12;
    pub const IS_CLOSING: u32 = 1 << 13;
    pub const IS_FULL: u32 = 1 << 14;
    pub const IS_TLS_THROTTLED: u32 = 1 << 15;
    pub const IS_RESP: u32 = 1 << 16;
    pub const IS_READABLE: u32 = 1 << 17;
    pub const IS_WRITABLE: u32 = 1 << 18;
    /// Every flag with its C name, in declaration order.
    pub const ALL: [(&str, u32); 19] = [
        ("is_listening", IS_LISTENING),
        ("is_client", IS_CLIENT),
        ("is_accepted", IS_ACCEPTED),
        ("is_resolving", IS_RESOLVING),
        ("is_arplooking", IS_ARPLOOKING),
        ("is_connecting", IS_CONNECTING),
        ("is_tls", IS_TLS),
        ("is_tls_hs", IS_TLS_HS),
        ("is_udp", IS_UDP),
        ("is_websocket", IS_WEBSOCKET),
        ("is_mqtt5", IS_MQTT5),
        ("is_hexdumping", IS_HEXDUMPING),
        ("is_draining", IS_DRAINING),
        ("is_closing", IS_CLOSING),
        ("is_full", IS_FULL),
        ("is_tls_throttled", IS_TLS_THROTTLED),
        ("is_resp", IS_RESP),
        ("is_readable", IS_READABLE),
        ("is_writable", IS_WRITABLE),
    ];
}

macro_rules! flag_accessors {
    ($($get:ident $set:ident $bit:path;)*) => {
        #[cfg(not(cbindgen))]
        impl mg_connection {
            $(
                #[doc = concat!("The `", stringify!($get), "` flag.")]
                #[inline]
                pub fn $get(&self) -> bool { self.flags & $bit != 0 }
                #[doc = concat!("Sets or clears the `", stringify!($get), "` flag.")]
                #[inline]
                pub fn $set(&mut self, on: bool) {
                    if on { self.flags |= $bit } else { self.flags &= !$bit }
                }
            )*
        }
    };
}

flag_accessors! {
    is_listening set_listening flag::IS_LISTENING;
    is_client set_client flag::IS_CLIENT;
    is_accepted set_accepted flag::IS_ACCEPTED;
    is_resolving set_resolving flag::IS_RESOLVING;
    is_connecting set_connecting flag::IS_CONNECTING;
    is_tls set_tls flag::IS_TLS;
    is_tls_hs set_tls_hs flag::IS_TLS_HS;
    is_udp set_udp flag::IS_UDP;
    is_websocket set_websocket flag::IS_WEBSOCKET;
    is_hexdumping set_hexdumping flag::IS_HEXDUMPING;
    is_draining set_draining flag::IS_DRAINING;
    is_closing set_closing flag::IS_CLOSING;
    is_full set_full flag::IS_FULL;
    is_resp set_resp flag::IS_RESP;
    is_readable set_readable flag::IS_READABLE;
    is_writable set_writable flag::IS_WRITABLE;
}

/// Library-private state of a connection, stored just before the C struct.
#[derive(Debug, Default)]
pub struct ConnPrivate {
    /// The socket this connection owns, if any.
    pub sock: Option<std::os::fd::RawFd>,
    /// Readiness currently registered with the poller.
    pub interest: Interest,
    /// Whether the socket is registered with the poller.
    pub registered: bool,
    /// The last write could not take everything: wait for writability.
    pub write_blocked: bool,
    /// `is_resp` as last seen; its clearing resumes a waiting protocol.
    pub resp_seen: bool,
    /// The last read filled all the room offered: offer more next time.
    pub read_filled: bool,
    /// Something was read since the last pass over all connections.
    pub read_since_pass: bool,
    /// A listener that ran out of descriptors accepts again at this time.
    pub paused_until: u64,
    /// Id the connection is registered under in the manager's id map.
    pub registered_id: std::os::raw::c_ulong,
    /// Index of the connection in the manager's array of connections.
    pub slot: usize,
    /// Listed in the manager's `touched` list (see `net::touch`).
    pub touched: bool,
    /// The state of each protocol layer on the connection (see `layer.rs`),
    /// by type: this struct names no protocol.
    pub layers: Slots,
    /// Output a layer holds outside `c->send` (a file being streamed): the
    /// transport calls this when the socket may take more. While it is set
    /// the connection has output pending, like bytes in `send`; the layer
    /// clears it when it is done.
    pub pump: Option<fn(&mut Conn)>,
    /// How the connection's protocol layer refuses more input when the
    /// manager's receive memory cap is exceeded (it answers and closes;
    /// true when it did). None: the transport closes it with an error.
    pub over_cap: Option<fn(&mut Conn) -> bool>,
    /// Extra bytes allocated after the struct (`extraconnsize` at creation).
    extra: usize,
}

pub use crate::poller::Interest;

#[repr(C)]
struct ConnBlock {
    private: ConnPrivate,
    conn: mg_connection,
}

fn block_layout(extra: usize) -> Option<(Layout, usize)> {
    let (layout, _) = Layout::new::<ConnBlock>().extend(Layout::array::<u8>(extra).ok()?).ok()?;
    Some((layout.pad_to_align(), std::mem::offset_of!(ConnBlock, conn)))
}

/// Allocates a zeroed connection with `extra` zeroed bytes after it, not yet
/// linked into any manager. NULL when out of memory.
pub fn alloc(mgr: *mut mg_mgr, extra: usize) -> *mut mg_connection {
    let Some((layout, conn_ofs)) = block_layout(extra) else {
        return ptr::null_mut();
    };
    // SAFETY: the layout has non-zero size (it holds a ConnBlock).
    let base = unsafe { alloc::alloc_zeroed(layout) };
    if base.is_null() {
        return ptr::null_mut();
    }
    let block = base.cast::<ConnBlock>();
    // SAFETY: `block` is freshly allocated, aligned and large enough; zeroed
    // memory is a valid mg_connection (null pointers, zero numbers, None fns).
    unsafe {
        ptr::addr_of_mut!((*block).private).write(ConnPrivate { extra, ..Default::default() });
        let c = base.add(conn_ofs).cast::<mg_connection>();
        (*c).mgr = mgr;
        c
    }
}

/// The private state of a connection made by [`alloc`].
///
/// # Safety
/// `c` must come from [`alloc`] and not be freed; no other reference to its
/// private state may be live.
pub unsafe fn private<'a>(c: *mut mg_connection) -> &'a mut ConnPrivate {
    let ofs = std::mem::offset_of!(ConnBlock, conn);
    // SAFETY: per the contract, `c` sits `ofs` bytes into a live ConnBlock.
    unsafe { &mut (*c.cast::<u8>().sub(ofs).cast::<ConnBlock>()).private }
}

/// Asks the CPU to start loading the parts of a connection that a pass over
/// all connections reads, so the next one's memory arrives while the
/// current one is served (the list is a chain of dependent loads).
pub fn prefetch(c: *const mg_connection) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        use std::mem::offset_of;
        let base = c.cast::<i8>();
        let lines = [
            base.wrapping_sub(offset_of!(ConnBlock, conn)),
            base.wrapping_add(offset_of!(mg_connection, send)),
            base.wrapping_add(offset_of!(mg_connection, fn_)),
            base.wrapping_add(offset_of!(mg_connection, flags)),
        ];
        for p in lines {
            // SAFETY: a prefetch is only a hint; it never faults, whatever
            // the address.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = c;
}

/// Frees a connection made by [`alloc`], with its buffers. The socket must be
/// closed and the connection unlinked already.
///
/// # Safety
/// `c` must come from [`alloc`], be unlinked, and never be used again.
pub unsafe fn free(c: *mut mg_connection) {
    // SAFETY: per the contract, c is live and exclusively ours.
    unsafe {
        let extra = private(c).extra;
        (*c).recv.free();
        (*c).send.free();
        (*c).prof.free();
        (*c).rtls.free();
        let (layout, ofs) = block_layout(extra).expect("layout was valid at alloc");
        let base = c.cast::<u8>().sub(ofs);
        ptr::drop_in_place(ptr::addr_of_mut!((*base.cast::<ConnBlock>()).private));
        alloc::dealloc(base, layout);
    }
}

/// Sends `ev` to the connection: the protocol handler `pfn` first, then the
/// user handler `fn`, as Mongoose does.
///
/// # Safety
/// `c` must be a live connection; handlers may modify it but must not free it.
pub unsafe fn call(c: *mut mg_connection, ev: c_int, ev_data: *mut c_void) {
    // SAFETY: c is live; handlers are C functions given by the program.
    unsafe {
        if let Some(pfn) = (*c).pfn {
            pfn(c, ev, ev_data);
        }
        if let Some(f) = (*c).fn_ {
            f(c, ev, ev_data);
        }
    }
}

/// Per-connection state of the protocol layers, one value per type. A
/// connection carries one or two (HTTP, then WebSocket after an upgrade), so
/// a linear scan beats any map. Each value is stored with its `TypeId`, so
/// a lookup compares ids without a virtual call (it runs several times per
/// HTTP request).
#[derive(Default)]
pub struct Slots(Vec<(TypeId, Box<dyn Any>)>);

impl std::fmt::Debug for Slots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Slots({})", self.0.len())
    }
}

impl Slots {
    #[inline]
    fn index<T: 'static>(&self) -> Option<usize> {
        let id = TypeId::of::<T>();
        self.0.iter().position(|(t, _)| *t == id)
    }

    #[inline]
    fn at<T: 'static>(&mut self, i: usize) -> &mut T {
        let (id, b) = &mut self.0[i];
        debug_assert!(*id == TypeId::of::<T>());
        // SAFETY: every box is stored by `insert` or `get_or_default` next to
        // the TypeId of its own type, and callers pass the index of a T's id.
        unsafe { &mut *(b.as_mut() as *mut dyn Any).cast::<T>() }
    }

    /// The state of type `T`, if the connection has one.
    #[inline]
    pub fn get<T: 'static>(&mut self) -> Option<&mut T> {
        let i = self.index::<T>()?;
        Some(self.at(i))
    }

    /// Whether the connection has a state of type `T`.
    #[inline]
    pub fn has<T: 'static>(&self) -> bool {
        self.index::<T>().is_some()
    }

    /// The state of type `T`, created with its default value when missing.
    #[inline]
    pub fn get_or_default<T: Default + 'static>(&mut self) -> &mut T {
        let i = match self.index::<T>() {
            Some(i) => i,
            None => self.push_default::<T>(),
        };
        self.at(i)
    }

    /// The slow path of [`Slots::get_or_default`], kept out of line.
    #[cold]
    #[inline(never)]
    fn push_default<T: Default + 'static>(&mut self) -> usize {
        self.0.push((TypeId::of::<T>(), Box::<T>::default()));
        self.0.len() - 1
    }

    /// Stores `state`, replacing any previous state of its type.
    pub fn insert<T: 'static>(&mut self, state: T) -> &mut T {
        self.remove::<T>();
        self.0.push((TypeId::of::<T>(), Box::new(state)));
        let i = self.0.len() - 1;
        self.at(i)
    }

    /// Takes the state of type `T` out, if any.
    pub fn remove<T: 'static>(&mut self) -> Option<T> {
        let i = self.index::<T>()?;
        self.0.swap_remove(i).1.downcast::<T>().ok().map(|b| *b)
    }
}

/// A handle to a live connection: what the core passes around instead of a
/// raw `*mut mg_connection`.
///
/// It dereferences to the C struct, gives the private block and the layers'
/// state, and [`Conn::call`] is the one way into the program's handlers. All
/// of these borrow the handle, and `call` borrows it mutably, so no Rust
/// reference into the connection can be held across a call into C, where
/// the handler may change any field, re-enter the library or swap the
/// buffers (the rule in docs/design.md). The handle is neither `Copy` nor
/// `Clone`, so that rule cannot be dodged with a second handle.
pub struct Conn {
    ptr: NonNull<mg_connection>,
}

impl Conn {
    /// Wraps a connection pointer; None for NULL. This is the one place a
    /// handle is made, at the boundary (an `extern "C"` function, a handler
    /// entry, the event loop's walk over its connections).
    ///
    /// # Safety
    /// `c` must be NULL or a live connection made by [`alloc`], staying live
    /// (not freed) for as long as the handle is used, and only the thread
    /// driving its manager may use it.
    #[inline]
    pub unsafe fn from_raw(c: *mut mg_connection) -> Option<Conn> {
        NonNull::new(c).map(|ptr| Conn { ptr })
    }

    /// The raw pointer, for C and for core functions not yet on handles.
    #[inline]
    pub fn as_ptr(&self) -> *mut mg_connection {
        self.ptr.as_ptr()
    }

    /// The library's private state of the connection.
    #[inline]
    pub fn private(&mut self) -> &mut ConnPrivate {
        // SAFETY: the handle's contract makes the connection live and made
        // by alloc(); the &mut self borrow makes this reference the only
        // one derived from the handle.
        unsafe { private(self.ptr.as_ptr()) }
    }

    /// The state of layer type `T`, if the connection has one.
    #[inline]
    pub fn state<T: 'static>(&mut self) -> Option<&mut T> {
        self.private().layers.get::<T>()
    }

    /// The state of layer type `T`, created with its default when missing.
    #[inline]
    pub fn state_or_default<T: Default + 'static>(&mut self) -> &mut T {
        self.private().layers.get_or_default::<T>()
    }

    /// The C struct and the state of layer `T` (created with its default
    /// when missing) at once: they are disjoint memory, so both may be
    /// borrowed together.
    #[inline]
    pub fn split<T: Default + 'static>(&mut self) -> (&mut mg_connection, &mut T) {
        let (c, p) = self.parts();
        (c, p.layers.get_or_default::<T>())
    }

    /// The C struct and the private block at once (disjoint memory).
    #[inline]
    pub fn parts(&mut self) -> (&mut mg_connection, &mut ConnPrivate) {
        let c = self.ptr.as_ptr();
        // SAFETY: live per the handle's contract; the private block lies
        // before the C struct in the same allocation, never inside it, so
        // the two references do not overlap; `&mut self` makes them the only
        // ones derived from the handle.
        unsafe { (&mut *c, private(c)) }
    }

    /// Sends `ev` to the connection's handlers (the protocol handler `pfn`,
    /// then the program's `fn`): the single call from the core into C.
    #[inline]
    // `ev_data` is only handed on to the handlers, which know its type.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn call(&mut self, ev: c_int, ev_data: *mut c_void) {
        // SAFETY: the connection is live (the handle's contract); handlers
        // may change it but not free it (Mongoose's contract with programs),
        // and `&mut self` guarantees no reference into it is held meanwhile.
        unsafe { call(self.ptr.as_ptr(), ev, ev_data) }
    }
}

impl Deref for Conn {
    type Target = mg_connection;
    #[inline]
    fn deref(&self) -> &mg_connection {
        // SAFETY: live per the handle's contract; C changes it only inside
        // `call`, which needs `&mut self`, so not while this borrow lives.
        unsafe { self.ptr.as_ref() }
    }
}

impl DerefMut for Conn {
    #[inline]
    fn deref_mut(&mut self) -> &mut mg_connection {
        // SAFETY: as for `deref`, and the borrow is exclusive.
        unsafe { self.ptr.as_mut() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug, PartialEq)]
    struct A(u32);
    #[derive(Default, Debug, PartialEq)]
    struct B(&'static str);

    #[test]
    fn slots_hold_one_value_per_type() {
        let mut s = Slots::default();
        assert!(!s.has::<A>() && s.get::<A>().is_none());
        s.get_or_default::<A>().0 = 7;
        s.insert(B("x"));
        assert_eq!(s.get::<A>(), Some(&mut A(7)));
        assert_eq!(s.get::<B>(), Some(&mut B("x")));
        s.insert(A(9)); // replaces
        assert_eq!(s.0.len(), 2);
        assert_eq!(s.get_or_default::<A>().0, 9);
        assert_eq!(s.remove::<A>(), Some(A(9)));
        assert!(!s.has::<A>() && s.has::<B>());
        assert_eq!(s.remove::<A>(), None);
        assert_eq!(s.get::<B>(), Some(&mut B("x")));
    }
}
