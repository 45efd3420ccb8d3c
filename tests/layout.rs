//! Checks that the C view of the public structs (the generated `mongoose.h`)
//! matches the Rust definitions byte for byte, and that the header compiles
//! as C99 and as C++.
//!
//! The Rust side writes what it knows (sizes, alignments, field offsets, flag
//! masks, constants) to `<target>/<profile>/ctests/layout_expected.h` as
//! X-macro lists; `tests/c/test_layout.c` expands them against the real C
//! declarations.
mod common;

use common::{compile, out_dir, root, run_exe, Link};
use mongoose::addr::{mg_addr, mg_addr_bytes};
use mongoose::config;
use mongoose::conn::{flag, mg_connection, mg_event};
use mongoose::dns::mdns::{mg_mdns_req, mg_mdns_resp};
use mongoose::dns::msg::{
    self as dnsmsg, mg_dns_header, mg_dns_message, mg_dns_rr, mg_dnssd_record,
};
use mongoose::fs::{self as mgfs, mg_fd, mg_fs};
use mongoose::fs_packed::mg_mem_file;
use mongoose::hash::{mg_md5_ctx, mg_sha1_ctx, mg_sha256_ctx, mg_sha384_ctx};
use mongoose::iobuf::mg_iobuf;
use mongoose::json;
use mongoose::log;
use mongoose::mgr::{mg_dns, mg_mgr, mg_pipe};
use mongoose::mqtt::{self, mg_mqtt_message, mg_mqtt_opts, mg_mqtt_prop};
use mongoose::multipart::mg_http_part;
use mongoose::queue::mg_queue;
use mongoose::rpc::{mg_rpc, mg_rpc_req};
use mongoose::serve::mg_http_serve_opts;
use mongoose::str::mg_str;
use mongoose::timer::{self, mg_timer};
use mongoose::tls::{self, mg_tls_opts};
use mongoose::ws::{self, mg_ws_message};
use std::fmt::Write as _;
use std::mem::{align_of, offset_of, size_of};

/// Size of the type a raw pointer points to; lets us measure a field through
/// `addr_of!` without a value of the struct.
fn pointee_size<T>(_: *const T) -> usize {
    size_of::<T>()
}

struct Field {
    c_name: &'static str,
    offset: usize,
    size: usize,
}

struct Type {
    /// As C spells it, with its tag keyword: `struct mg_str`.
    c_name: &'static str,
    size: usize,
    align: usize,
    fields: Vec<Field>,
}

/// `layout!(struct mg_str: buf, len)` measures every listed field of the
/// Rust type; `rust_name as "c_name"` covers fields named differently in C.
macro_rules! layout {
    ($kw:ident $t:ident : $($f:ident $(as $c:literal)?),* $(,)?) => {{
        let p = std::mem::MaybeUninit::<$t>::uninit();
        let p = p.as_ptr();
        Type {
            c_name: concat!(stringify!($kw), " ", stringify!($t)),
            size: size_of::<$t>(),
            align: align_of::<$t>(),
            fields: vec![$(Field {
                c_name: layout!(@name $f $($c)?),
                offset: offset_of!($t, $f),
                // SAFETY: addr_of! only computes the field's address inside
                // the (uninitialised but allocated) value; nothing is read.
                size: pointee_size(unsafe { std::ptr::addr_of!((*p).$f) }),
            }),*],
        }
    }};
    (@name $f:ident) => { stringify!($f) };
    (@name $f:ident $c:literal) => { $c };
}

fn types() -> Vec<Type> {
    vec![
        layout!(struct mg_str: buf, len),
        layout!(struct mg_iobuf: buf, size, len, align),
        layout!(union mg_addr_bytes: ip, ip4, ip6),
        layout!(struct mg_addr: addr, port, scope_id, is_ip6),
        layout!(struct mg_dns: url, c),
        layout!(struct mg_timer: period_ms, expire, flags, r#fn as "fn", arg, next),
        layout!(union mg_pipe: fd, q),
        layout!(struct mg_mgr: conns, dns4, dns6, mdns, dnstimeout, use_dns6, nextid, userdata,
            tls_ctx, mqtt_id, active_dns_requests, active_mdns_requests, timers, epoll_fd, ifp,
            extraconnsize, pipe),
        layout!(struct mg_connection: next, mgr, loc, rem, fd, id, recv, send, prof, rtls,
            fn_ as "fn", fn_data, pfn, pfn_data, data, tls),
        layout!(struct mg_ws_message: data, flags),
        layout!(struct mg_mqtt_prop: id, iv, key, val),
        layout!(struct mg_mqtt_opts: user, pass, client_id, topic, message, qos, version,
            keepalive, retransmit_id, retain, clean, props, num_props, will_props,
            num_will_props),
        layout!(struct mg_mqtt_message: topic, data, dgram, id, cmd, qos, ack, props_start,
            props_size),
        layout!(struct mg_tls_opts: ca, cert, key, name, skip_verification),
        layout!(struct mg_http_part: name, filename, body),
        layout!(struct mg_mem_file: path, data, size, mtime),
        layout!(struct mg_fs: st, ls, op, cl, rd, wr, sk, mv, rm, mkd),
        layout!(struct mg_fd: fd, fs),
        layout!(struct mg_http_serve_opts: root_dir, ssi_pattern, extra_headers, mime_types,
            page404, fs),
        layout!(struct mg_queue: buf, size, tail, head),
        layout!(struct mg_rpc_req: head, rpc, pfn, pfn_data, req_data, frame),
        layout!(struct mg_rpc: next, method, r#fn as "fn", fn_data),
        layout!(struct mg_md5_ctx: buf, bits, r#in as "in"),
        layout!(struct mg_sha1_ctx: state, count, buffer),
        layout!(struct mg_sha256_ctx: state, bits, len, buffer),
        layout!(struct mg_sha384_ctx: state, buffer, bitlen, datalen),
        layout!(struct mg_dns_message: txnid, resolved, addr, name),
        layout!(struct mg_dns_header: txnid, flags, num_questions, num_answers,
            num_authority_prs, num_other_prs),
        layout!(struct mg_dns_rr: nlen, atype, aclass, alen),
        layout!(struct mg_dnssd_record: srvcproto, txt, port),
        layout!(struct mg_mdns_req: rr, r, reqname, respname, addr, is_listing, is_resp,
            is_unicast),
        layout!(struct mg_mdns_resp: rr, name, addr, sd),
    ]
}

/// Every event, in the order of `enum mg_event`.
const EVENTS: [mg_event; 24] = {
    use mg_event::*;
    [
        MG_EV_ERROR,
        MG_EV_OPEN,
        MG_EV_POLL,
        MG_EV_RESOLVE,
        MG_EV_CONNECT,
        MG_EV_ACCEPT,
        MG_EV_TLS_HS,
        MG_EV_READ,
        MG_EV_WRITE,
        MG_EV_CLOSE,
        MG_EV_HTTP_HDRS,
        MG_EV_HTTP_MSG,
        MG_EV_WS_OPEN,
        MG_EV_WS_MSG,
        MG_EV_WS_CTL,
        MG_EV_MQTT_CMD,
        MG_EV_MQTT_MSG,
        MG_EV_MQTT_OPEN,
        MG_EV_SNTP_TIME,
        MG_EV_WAKEUP,
        MG_EV_MDNS_REQ,
        MG_EV_MDNS_RESP,
        MG_EV_MODBUS_REQ,
        MG_EV_USER,
    ]
};

/// Compile-time constants C sees as macros or enumerators.
fn constants() -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = vec![
        ("MG_DATA_SIZE".into(), config::MG_DATA_SIZE as u64),
        ("MG_IO_SIZE".into(), config::MG_IO_SIZE as u64),
        ("MG_MAX_RECV_SIZE".into(), config::MG_MAX_RECV_SIZE as u64),
        ("MG_MAX_HTTP_HEADERS".into(), config::MG_MAX_HTTP_HEADERS as u64),
        ("MG_PATH_MAX".into(), config::MG_PATH_MAX as u64),
        ("MG_LL_NONE".into(), log::MG_LL_NONE as u64),
        ("MG_LL_ERROR".into(), log::MG_LL_ERROR as u64),
        ("MG_LL_INFO".into(), log::MG_LL_INFO as u64),
        ("MG_LL_DEBUG".into(), log::MG_LL_DEBUG as u64),
        ("MG_LL_VERBOSE".into(), log::MG_LL_VERBOSE as u64),
        ("MG_TIMER_ONCE".into(), timer::MG_TIMER_ONCE as u64),
        ("MG_TIMER_REPEAT".into(), timer::MG_TIMER_REPEAT as u64),
        ("MG_TIMER_RUN_NOW".into(), timer::MG_TIMER_RUN_NOW as u64),
        ("MG_TIMER_CALLED".into(), timer::MG_TIMER_CALLED as u64),
        ("MG_TIMER_AUTODELETE".into(), timer::MG_TIMER_AUTODELETE as u64),
        ("WEBSOCKET_OP_CONTINUE".into(), ws::WEBSOCKET_OP_CONTINUE as u64),
        ("WEBSOCKET_OP_TEXT".into(), ws::WEBSOCKET_OP_TEXT as u64),
        ("WEBSOCKET_OP_BINARY".into(), ws::WEBSOCKET_OP_BINARY as u64),
        ("WEBSOCKET_OP_CLOSE".into(), ws::WEBSOCKET_OP_CLOSE as u64),
        ("WEBSOCKET_OP_PING".into(), ws::WEBSOCKET_OP_PING as u64),
        ("WEBSOCKET_OP_PONG".into(), ws::WEBSOCKET_OP_PONG as u64),
        ("MG_FS_READ".into(), mgfs::MG_FS_READ as u64),
        ("MG_FS_WRITE".into(), mgfs::MG_FS_WRITE as u64),
        ("MG_FS_DIR".into(), mgfs::MG_FS_DIR as u64),
        ("MG_FS_EXCL".into(), mgfs::MG_FS_EXCL as u64),
        ("MG_JSON_MAX_DEPTH".into(), json::MG_JSON_MAX_DEPTH as u64),
        // Negative: both sides convert to unsigned long long the same way.
        ("MG_JSON_TOO_DEEP".into(), json::MG_JSON_TOO_DEEP as u64),
        ("MG_JSON_INVALID".into(), json::MG_JSON_INVALID as u64),
        ("MG_JSON_NOT_FOUND".into(), json::MG_JSON_NOT_FOUND as u64),
        ("MG_TLS_NONE".into(), tls::MG_TLS_NONE as u64),
        ("MG_TLS_MBED".into(), tls::MG_TLS_MBED as u64),
        ("MG_TLS_OPENSSL".into(), tls::MG_TLS_OPENSSL as u64),
        ("MG_TLS_BUILTIN".into(), tls::MG_TLS_BUILTIN as u64),
        ("MG_TLS_CUSTOM".into(), tls::MG_TLS_CUSTOM as u64),
        ("MG_TLS_WOLFSSL".into(), tls::MG_TLS_WOLFSSL as u64),
        ("MG_TLS".into(), tls::MG_TLS as u64),
        ("MG_IO_ERR".into(), tls::MG_IO_ERR as u64),
        ("MG_IO_WAIT".into(), tls::MG_IO_WAIT as u64),
        ("MG_IO_RESET".into(), tls::MG_IO_RESET as u64),
        ("MQTT_CMD_CONNECT".into(), mqtt::MQTT_CMD_CONNECT as u64),
        ("MQTT_CMD_AUTH".into(), mqtt::MQTT_CMD_AUTH as u64),
        (
            "MQTT_PROP_SUBSCRIPTION_IDENTIFIER".into(),
            mqtt::MQTT_PROP_SUBSCRIPTION_IDENTIFIER as u64,
        ),
        (
            "MQTT_PROP_SHARED_SUBSCRIPTION_AVAILABLE".into(),
            mqtt::MQTT_PROP_SHARED_SUBSCRIPTION_AVAILABLE as u64,
        ),
        ("MQTT_PROP_TYPE_SHORT".into(), mqtt::MQTT_PROP_TYPE_SHORT as u64),
        ("MQTT_OK".into(), mqtt::MQTT_OK as u64),
        ("MQTT_INCOMPLETE".into(), mqtt::MQTT_INCOMPLETE as u64),
        ("MQTT_MALFORMED".into(), mqtt::MQTT_MALFORMED as u64),
        ("MG_DNS_RTYPE_A".into(), dnsmsg::MG_DNS_RTYPE_A as u64),
        ("MG_DNS_RTYPE_PTR".into(), dnsmsg::MG_DNS_RTYPE_PTR as u64),
        ("MG_DNS_RTYPE_TXT".into(), dnsmsg::MG_DNS_RTYPE_TXT as u64),
        ("MG_DNS_RTYPE_AAAA".into(), dnsmsg::MG_DNS_RTYPE_AAAA as u64),
        ("MG_DNS_RTYPE_SRV".into(), dnsmsg::MG_DNS_RTYPE_SRV as u64),
    ];
    v.extend(EVENTS.iter().map(|e| (format!("{e:?}"), *e as u64)));
    v
}

/// Offset of the word holding the `is_*` bitfields: right after `tls`.
fn flags_offset() -> usize {
    offset_of!(mg_connection, flags)
}

/// Writes `layout_expected.h` and returns the directory holding it.
fn write_expected_header() -> std::path::PathBuf {
    let mut h = String::from(
        "// Generated by tests/layout.rs from the Rust definitions. Do not edit.\n\
         #ifndef LAYOUT_EXPECTED_H\n#define LAYOUT_EXPECTED_H\n",
    );
    let types = types();
    h.push_str("\n// X(type, sizeof, alignof)\n#define RS_TYPES(X)");
    for t in &types {
        write!(h, " \\\n  X({}, {}, {})", t.c_name, t.size, t.align).unwrap();
    }
    h.push_str("\n\n// X(type, field, offsetof, sizeof)\n#define RS_FIELDS(X)");
    for t in &types {
        for f in &t.fields {
            write!(h, " \\\n  X({}, {}, {}, {})", t.c_name, f.c_name, f.offset, f.size).unwrap();
        }
    }
    writeln!(h, "\n\n#define RS_FLAGS_OFFSET {}", flags_offset()).unwrap();
    writeln!(h, "#define RS_FLAGS_COUNT {}", flag::ALL.len()).unwrap();
    h.push_str("\n// X(bitfield, mask in the word after tls)\n#define RS_FLAGS(X)");
    for (name, mask) in flag::ALL {
        write!(h, " \\\n  X({name}, {mask:#010x}u)").unwrap();
    }
    h.push_str("\n\n// X(name, value)\n#define RS_CONSTS(X)");
    for (name, value) in constants() {
        write!(h, " \\\n  X({name}, {value}ull)").unwrap();
    }
    h.push_str("\n\n#endif\n");
    let dir = out_dir().join("layout");
    std::fs::create_dir_all(&dir).expect("create layout dir");
    std::fs::write(dir.join("layout_expected.h"), h).expect("write layout_expected.h");
    dir
}

/// Facts the C test cannot see: the Rust-only `flags` word sits right after
/// `tls`, and the masks are distinct single bits.
#[test]
fn rust_side_invariants() {
    assert_eq!(flags_offset(), offset_of!(mg_connection, tls) + size_of::<*mut u8>());
    assert_eq!(size_of::<std::os::raw::c_uint>(), 4);
    let mut seen = 0u32;
    for (name, mask) in flag::ALL {
        assert_eq!(mask.count_ones(), 1, "{name} is not a single bit");
        assert_eq!(seen & mask, 0, "{name} reuses a bit");
        seen |= mask;
    }
    for (i, e) in EVENTS.iter().enumerate() {
        assert_eq!(*e as usize, i, "{e:?} is out of order");
    }
}

/// The C declarations in mongoose.h match the Rust structs, flags and constants.
#[test]
fn c_layout_matches_rust() {
    let dir = write_expected_header();
    let inc = format!("-I{}", dir.display());
    let exe = compile(&root().join("tests/c/test_layout.c"), Link::Shared, &[&inc]);
    run_exe(&exe);
}

/// mongoose.h compiles and works from C++ with all warnings as errors.
#[test]
fn header_compiles_as_cpp() {
    let flags = ["-std=c++11", "-pedantic"];
    let exe = compile(&root().join("tests/c/test_cpp.cc"), Link::Shared, &flags);
    run_exe(&exe);
}

/// mongoose.h compiles as strict ISO C99 (`-pedantic`), with its macros.
#[test]
fn header_compiles_as_c99_pedantic() {
    let exe = compile(&root().join("tests/c/test_header_c99.c"), Link::Static, &["-pedantic"]);
    run_exe(&exe);
}
