//! A Rust implementation of the Mongoose 7.x embedded networking library's C API.
//!
//! The core modules hold all logic and read as ordinary Rust; [`ffi`] is the
//! thin `extern "C"` surface that C programs link against. `include/mongoose.h`
//! is generated from these sources by cbindgen (see `build.rs`).
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types)]

pub mod addr;
pub mod base64;
pub mod config;
pub mod conn;
pub mod dns;
pub mod fmt;
pub mod fs;
pub mod fs_packed;
pub mod fs_posix;
pub mod hash;
pub mod http;
pub mod http_util;
pub mod iobuf;
pub mod json;
pub mod layer;
pub mod log;
pub mod mgr;
pub mod mqtt;
pub mod multipart;
pub mod net;
pub mod panic;
pub mod poller;
pub mod queue;
pub mod rpc;
pub mod serve;
pub mod sntp;
pub mod sock;
pub mod sockio;
pub mod str;
pub mod timer;
pub mod tls;
pub mod upload;
pub mod url;
pub mod util;
pub mod wakeup;
pub mod ws;

pub mod ffi;
