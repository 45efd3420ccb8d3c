//! Compile-time sizes of the Mongoose API. They are fixed when the library is
//! built; C programs see them as macros in `mongoose.h`.

/// Granularity of the send and receive buffer growth, in bytes.
pub const MG_IO_SIZE: usize = 512;
/// Largest receive buffer a connection may hold; reaching it is an error that
/// closes the connection.
pub const MG_MAX_RECV_SIZE: usize = 3 * 1024 * 1024;
/// Size of the free-for-use `data` scratch area in each `struct mg_connection`.
pub const MG_DATA_SIZE: usize = 32;
/// Number of headers `struct mg_http_message` holds.
pub const MG_MAX_HTTP_HEADERS: usize = 30;
/// Longest file path the library builds, in bytes.
pub const MG_PATH_MAX: usize = 4096;
