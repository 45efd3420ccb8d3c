// Variadic entry points of the Mongoose API. Stable Rust cannot define a
// C variadic function, so each one here starts the va_list and hands a
// pointer to it to the Rust implementation, which parses the format and
// pulls each argument through the one-line accessors at the bottom.
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct mg_connection;
struct mg_fs;
typedef void (*mg_pfn_t)(char, void *);

// Implemented in Rust. The mgrs_* helpers are internal: declaring them hidden
// here makes the linker keep them out of libmongoose.so's dynamic symbol
// table (a symbol referenced as hidden by any object is hidden in the
// output, whatever rustc's own export list says), so the library exports
// the public API only (tests/exports.rs).
#define MGRS_INTERNAL __attribute__((visibility("hidden")))
size_t mg_vxprintf(mg_pfn_t fn, void *arg, const char *fmt, va_list *ap);
size_t mg_vsnprintf(char *buf, size_t len, const char *fmt, va_list *ap);
char *mg_vmprintf(const char *fmt, va_list *ap);
size_t mg_vprintf(struct mg_connection *c, const char *fmt, va_list *ap);
MGRS_INTERNAL void mgrs_vlog(const char *fmt, va_list *ap);
MGRS_INTERNAL void mgrs_verror(struct mg_connection *c, const char *fmt, va_list *ap);
MGRS_INTERNAL void mgrs_http_vreply(struct mg_connection *c, int status, const char *headers,
                      const char *fmt, va_list *ap);
MGRS_INTERNAL void mgrs_http_vprintf_chunk(struct mg_connection *c, const char *fmt, va_list *ap);
struct mg_http_message;
struct mg_mgr;
typedef void (*mg_event_handler_t)(struct mg_connection *, int, void *);
MGRS_INTERNAL void mgrs_ws_vupgrade(struct mg_connection *c, struct mg_http_message *hm,
                      const char *fmt, va_list *ap);
MGRS_INTERNAL struct mg_connection *mgrs_ws_vconnect(struct mg_mgr *mgr, const char *url,
                                       mg_event_handler_t fn, void *fn_data,
                                       const char *fmt, va_list *ap);
size_t mg_ws_vprintf(struct mg_connection *c, int op, const char *fmt, va_list *ap);
MGRS_INTERNAL bool mgrs_file_vprintf(struct mg_fs *fs, const char *path, const char *fmt,
                       va_list *ap);
struct mg_rpc_req;
struct mg_queue;
void mg_rpc_vok(struct mg_rpc_req *r, const char *fmt, va_list *ap);
void mg_rpc_verr(struct mg_rpc_req *r, int code, const char *fmt, va_list *ap);
MGRS_INTERNAL size_t mgrs_queue_vprintf(struct mg_queue *q, const char *fmt, va_list *ap);

size_t mg_xprintf(mg_pfn_t fn, void *arg, const char *fmt, ...) {
  va_list ap;
  size_t n;
  va_start(ap, fmt);
  n = mg_vxprintf(fn, arg, fmt, &ap);
  va_end(ap);
  return n;
}

size_t mg_snprintf(char *buf, size_t len, const char *fmt, ...) {
  va_list ap;
  size_t n;
  va_start(ap, fmt);
  n = mg_vsnprintf(buf, len, fmt, &ap);
  va_end(ap);
  return n;
}

char *mg_mprintf(const char *fmt, ...) {
  va_list ap;
  char *s;
  va_start(ap, fmt);
  s = mg_vmprintf(fmt, &ap);
  va_end(ap);
  return s;
}

size_t mg_printf(struct mg_connection *c, const char *fmt, ...) {
  va_list ap;
  size_t n;
  va_start(ap, fmt);
  n = mg_vprintf(c, fmt, &ap);
  va_end(ap);
  return n;
}

void mg_log(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mgrs_vlog(fmt, &ap);
  va_end(ap);
}

void mg_error(struct mg_connection *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mgrs_verror(c, fmt, &ap);
  va_end(ap);
}

void mg_http_reply(struct mg_connection *c, int status, const char *headers,
                   const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mgrs_http_vreply(c, status, headers, fmt, &ap);
  va_end(ap);
}

void mg_http_printf_chunk(struct mg_connection *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mgrs_http_vprintf_chunk(c, fmt, &ap);
  va_end(ap);
}

// fmt may be NULL (no extra headers): va_start needs only the named
// argument, and the Rust side reads no argument then.
void mg_ws_upgrade(struct mg_connection *c, struct mg_http_message *hm,
                   const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mgrs_ws_vupgrade(c, hm, fmt, &ap);
  va_end(ap);
}

struct mg_connection *mg_ws_connect(struct mg_mgr *mgr, const char *url,
                                    mg_event_handler_t fn, void *fn_data,
                                    const char *fmt, ...) {
  va_list ap;
  struct mg_connection *c;
  va_start(ap, fmt);
  c = mgrs_ws_vconnect(mgr, url, fn, fn_data, fmt, &ap);
  va_end(ap);
  return c;
}

size_t mg_ws_printf(struct mg_connection *c, int op, const char *fmt, ...) {
  va_list ap;
  size_t n;
  va_start(ap, fmt);
  n = mg_ws_vprintf(c, op, fmt, &ap);
  va_end(ap);
  return n;
}

bool mg_file_printf(struct mg_fs *fs, const char *path, const char *fmt, ...) {
  va_list ap;
  bool ok;
  va_start(ap, fmt);
  ok = mgrs_file_vprintf(fs, path, fmt, &ap);
  va_end(ap);
  return ok;
}

// ---- Packed filesystem: where the files come from (see src/fs_packed.rs) ----
// These rest on weak symbols, which stable Rust cannot define.

#include <time.h>

struct mg_mem_file {
  const char *path;
  const unsigned char *data;
  size_t size;
  time_t mtime;
};

// The table mg_fs_packed serves; programs assign it (Mongoose 7.22).
const struct mg_mem_file *mg_mem_files = NULL;

// Defined by a program that links a packed_fs.c made by the pack tool; a
// weak reference, so it is NULL in programs without one.
extern const struct mg_mem_file mg_packed_files[] __attribute__((weak));

// The table in use: mg_mem_files, or else the program's mg_packed_files.
MGRS_INTERNAL const struct mg_mem_file *mgrs_mem_files(void) {
  return mg_mem_files != NULL ? mg_mem_files : mg_packed_files;
}

// Implemented in Rust: lookups in that table.
MGRS_INTERNAL const char *mgrs_mem_unpack(const char *path, size_t *size, time_t *mtime);
MGRS_INTERNAL const char *mgrs_mem_unlist(size_t no);

// The lookups mg_fs_packed makes. packed_fs.c files made by the pack tool of
// Mongoose versions before 7.22 define these two functions themselves; such
// a program's definitions then replace these weak ones, and mg_fs_packed
// serves its files.
__attribute__((weak)) const char *mg_unpack(const char *path, size_t *size,
                                            time_t *mtime) {
  return mgrs_mem_unpack(path, size, mtime);
}

__attribute__((weak)) const char *mg_unlist(size_t no) {
  return mgrs_mem_unlist(no);
}

void mg_rpc_ok(struct mg_rpc_req *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mg_rpc_vok(r, fmt, &ap);
  va_end(ap);
}

void mg_rpc_err(struct mg_rpc_req *r, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mg_rpc_verr(r, code, fmt, &ap);
  va_end(ap);
}

size_t mg_queue_printf(struct mg_queue *q, const char *fmt, ...) {
  va_list ap;
  size_t n;
  va_start(ap, fmt);
  n = mgrs_queue_vprintf(q, fmt, &ap);
  va_end(ap);
  return n;
}

// ---- va_arg accessors, called by the Rust format engine ----
// Names do not start with "mg_", so the export map keeps them private.

int mgshim_va_int(va_list *ap) { return va_arg(*ap, int); }
unsigned mgshim_va_uint(va_list *ap) { return va_arg(*ap, unsigned); }
long mgshim_va_long(va_list *ap) { return va_arg(*ap, long); }
unsigned long mgshim_va_ulong(va_list *ap) { return va_arg(*ap, unsigned long); }
long long mgshim_va_llong(va_list *ap) { return va_arg(*ap, long long); }
unsigned long long mgshim_va_ullong(va_list *ap) {
  return va_arg(*ap, unsigned long long);
}
size_t mgshim_va_size(va_list *ap) { return va_arg(*ap, size_t); }
double mgshim_va_double(va_list *ap) { return va_arg(*ap, double); }
double mgshim_va_ldouble(va_list *ap) {
  return (double) va_arg(*ap, long double);
}
void *mgshim_va_ptr(va_list *ap) { return va_arg(*ap, void *); }
