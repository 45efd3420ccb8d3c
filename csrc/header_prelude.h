
#ifndef MONGOOSE_H
#define MONGOOSE_H

#define MG_VERSION "7.22"

#define MG_ARCH_CUSTOM 0
#define MG_ARCH_UNIX 1
#ifndef MG_ARCH
#define MG_ARCH MG_ARCH_UNIX
#endif

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

// Feature switches Mongoose programs test with #if. They describe what this
// library provides; redefining them does not change the compiled library.
#define MG_ENABLE_LOG 1
#define MG_ENABLE_SOCKET 1
#define MG_ENABLE_TCPIP 0
#define MG_ENABLE_IPV6 1
#define MG_ENABLE_EPOLL 1
#define MG_ENABLE_POSIX_FS 1
#define MG_ENABLE_DIRLIST 1
#define MG_ENABLE_MD5 1
#define MG_ENABLE_CUSTOM_CALLOC 0
#define MG_ENABLE_CUSTOM_RANDOM 0
#define MG_ENABLE_CUSTOM_MILLIS 0
#define MG_ENABLE_PROFILE 0
#define MG_ENABLE_ASSERT 0
#define MG_SOCKET_TYPE int
#define MG_INVALID_SOCKET (-1)
#define MG_SOCKET_ERRNO errno
#define MG_DIRSEP '/'
#define MG_HTTP_INDEX "index.html"
#define MG_SOCK_LISTEN_BACKLOG_SIZE 128

// Firmware update targets. On this host an update writes a file (see
// mg_ota_begin()): MG_OTA is MG_OTA_CUSTOM, so programs that test
// `MG_OTA != MG_OTA_NONE` offer their firmware upload.
#define MG_OTA_NONE 0
#define MG_OTA_CUSTOM 1000
#ifndef MG_OTA
#define MG_OTA MG_OTA_CUSTOM
#endif

// TLS back-ends, as Mongoose numbers them. MG_TLS names the one this
// library is built with: its own (rustls, in Rust).
#define MG_TLS_NONE 0
#define MG_TLS_MBED 1
#define MG_TLS_OPENSSL 2
#define MG_TLS_BUILTIN 3
#define MG_TLS_CUSTOM 4
#define MG_TLS_WOLFSSL 5
#ifndef MG_TLS
#define MG_TLS MG_TLS_BUILTIN
#endif

#define MG_PROF_INIT(c)
#define MG_PROF_FREE(c)
#define MG_PROF_ADD(c, name)
#define MG_PROF_DUMP(c)

// Forward declarations for the variadic functions declared at the end.
struct mg_connection;
struct mg_mgr;
struct mg_queue;
struct mg_rpc_req;

// The curve handle of the mg_uecc_* key helpers (see mg_uecc_secp256r1()).
struct MG_UECC_Curve_t;
typedef const struct MG_UECC_Curve_t *MG_UECC_Curve;

// Mongoose names the hash contexts by typedef; C programs declare them as
// `mg_sha1_ctx ctx;`.
typedef struct mg_md5_ctx mg_md5_ctx;
typedef struct mg_sha1_ctx mg_sha1_ctx;
typedef struct mg_sha256_ctx mg_sha256_ctx;
typedef struct mg_sha384_ctx mg_sha384_ctx;

// mg_json_get() results; successful lookups return offsets >= 0.
enum { MG_JSON_TOO_DEEP = -1, MG_JSON_INVALID = -2, MG_JSON_NOT_FOUND = -3 };

// mg_io_send()/mg_io_recv() results other than a byte count.
enum { MG_IO_ERR = -1, MG_IO_WAIT = -2, MG_IO_RESET = -3 };
