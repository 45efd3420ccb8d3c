//! Name resolution and UDP name services: DNS messages ([`msg`]), the
//! system's configuration ([`sysconf`]), the asynchronous resolver
//! ([`resolver`]) and mDNS ([`mdns`]).
pub mod mdns;
pub mod msg;
pub mod resolver;
pub mod sysconf;
