// Variadic entry points of the Mongoose API. Stable Rust cannot define a
// C variadic function, so each one here starts the va_list and hands a
// pointer to it to the Rust implementation, which parses the format and
// pulls each argument through the one-line accessors at the bottom.
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct mg_connection;
typedef void (*mg_pfn_t)(char, void *);

// Implemented in Rust.
size_t mg_vxprintf(mg_pfn_t fn, void *arg, const char *fmt, va_list *ap);
size_t mg_vsnprintf(char *buf, size_t len, const char *fmt, va_list *ap);
char *mg_vmprintf(const char *fmt, va_list *ap);
size_t mg_vprintf(struct mg_connection *c, const char *fmt, va_list *ap);
void mgrs_vlog(const char *fmt, va_list *ap);
void mgrs_verror(struct mg_connection *c, const char *fmt, va_list *ap);
void mgrs_http_vreply(struct mg_connection *c, int status, const char *headers,
                      const char *fmt, va_list *ap);
void mgrs_http_vprintf_chunk(struct mg_connection *c, const char *fmt, va_list *ap);
struct mg_http_message;
struct mg_mgr;
typedef void (*mg_event_handler_t)(struct mg_connection *, int, void *);
void mgrs_ws_vupgrade(struct mg_connection *c, struct mg_http_message *hm,
                      const char *fmt, va_list *ap);
struct mg_connection *mgrs_ws_vconnect(struct mg_mgr *mgr, const char *url,
                                       mg_event_handler_t fn, void *fn_data,
                                       const char *fmt, va_list *ap);
size_t mg_ws_vprintf(struct mg_connection *c, int op, const char *fmt, va_list *ap);

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
