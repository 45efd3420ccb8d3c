
#ifdef __cplusplus
extern "C" {
#endif

// ---- Variadic functions (defined in the C shim, formatting done in Rust) ----

// Formats fmt and calls fn(ch, arg) for each output character. Returns the
// number of characters produced. Supports %d %i %u %x %X %o %c %s %p %g %f %e
// %%, flags, width, precision, `*`, the h/hh/l/ll/z length modifiers, and the
// extensions %M (call a printer: `mg_pm_t fn, ...its args`) and %m (same, in
// double quotes).
size_t mg_xprintf(mg_pfn_t fn, void *arg, const char *fmt, ...);

// Formats into buf (at most len bytes, NUL-terminated when len > 0). Returns
// the length the full output would have, like snprintf().
size_t mg_snprintf(char *buf, size_t len, const char *fmt, ...);

// Formats into memory from malloc(); release it with free() or mg_free().
char *mg_mprintf(const char *fmt, ...);

// Formats and appends to c->send. Returns the number of bytes appended.
size_t mg_printf(struct mg_connection *c, const char *fmt, ...);

// Prints one log message (use the MG_ERROR/MG_INFO/... macros instead).
void mg_log(const char *fmt, ...);

// Logs the error, sends MG_EV_ERROR with the formatted message to c and marks
// c for closing.
void mg_error(struct mg_connection *c, const char *fmt, ...);

// Sends a complete HTTP response: status line, `headers` (each ending in
// "\r\n", or ""), Content-Length and the formatted body. Ends the response
// in progress (clears c->is_resp); if the request asked to close, the
// connection closes once the response is sent.
void mg_http_reply(struct mg_connection *c, int status, const char *headers,
                   const char *fmt, ...);

// Sends one chunk of a chunked response with formatted content; an empty
// result ("") sends the last chunk and ends the response.
void mg_http_printf_chunk(struct mg_connection *c, const char *fmt, ...);

// Upgrades the HTTP connection of the current MG_EV_HTTP_MSG to WebSocket:
// answers 101 Switching Protocols with the formatted extra headers (each
// ending in "\r\n"; fmt may be NULL), sets c->is_websocket and sends
// MG_EV_WS_OPEN (ev_data: hm) before returning. Messages then arrive as
// MG_EV_WS_MSG, control frames as MG_EV_WS_CTL. A request that is not a valid
// upgrade (missing or wrong Upgrade, Connection, Sec-WebSocket-Version: 13 or
// Sec-WebSocket-Key) is answered with 400 and the connection closes.
// Back-pressure: while c->send holds more than 1 MiB, the library stops reading
// this connection's frames (it sets c->is_full) until less than 512 KiB is
// left, so a peer that does not read cannot grow this side's memory without
// bound through replies to its messages.
void mg_ws_upgrade(struct mg_connection *c, struct mg_http_message *hm,
                   const char *fmt, ...);

// Opens a WebSocket client connection to url ("ws://host:port/path") and
// queues the upgrade request with the formatted extra headers (each ending in
// "\r\n"; fmt may be NULL). MG_EV_WS_OPEN (ev_data: the 101 response, a
// struct mg_http_message *) follows when the server accepted it; a refused or
// wrong handshake gives MG_EV_ERROR. Frames this side sends are masked.
// Returns NULL on error.
struct mg_connection *mg_ws_connect(struct mg_mgr *mgr, const char *url,
                                    mg_event_handler_t fn, void *fn_data,
                                    const char *fmt, ...);

// Formats a message and sends it as one frame with opcode op. Returns the
// payload length, 0 when out of memory.
size_t mg_ws_printf(struct mg_connection *c, int op, const char *fmt, ...);

#ifdef __cplusplus
}
#endif

// ---- Macros ----

#define mg_str(s) mg_str_s(s)

// Expands to the arguments %m/%M need to print a JSON-escaped string.
#define MG_ESC(str) mg_print_esc, 0, (str)

#define mg_log_set(level_) mg_log_level = (level_)

#if !defined(__STDC_VERSION__) || __STDC_VERSION__ < 199901L
#if defined(__cplusplus)
#define MG___FUNC__ __func__
#else
#define MG___FUNC__ ""
#endif
#else
#define MG___FUNC__ __func__
#endif

#define MG_LOG(level, args)                                    \
  do {                                                         \
    if ((level) <= mg_log_level) {                             \
      mg_log_prefix((level), __FILE__, __LINE__, MG___FUNC__); \
      mg_log args;                                             \
    }                                                          \
  } while (0)
#define MG_ERROR(args) MG_LOG(MG_LL_ERROR, args)
#define MG_INFO(args) MG_LOG(MG_LL_INFO, args)
#define MG_DEBUG(args) MG_LOG(MG_LL_DEBUG, args)
#define MG_VERBOSE(args) MG_LOG(MG_LL_VERBOSE, args)

#define mg_htons(x) mg_ntohs(x)
#define mg_htonl(x) mg_ntohl(x)
#define mg_htonll(x) mg_ntohll(x)

#define MG_U32(a, b, c, d)                                           \
  (((uint32_t) ((a) & 255) << 24) | ((uint32_t) ((b) & 255) << 16) | \
   ((uint32_t) ((c) & 255) << 8) | (uint32_t) ((d) & 255))
#define MG_IPV4(a, b, c, d) mg_htonl(MG_U32(a, b, c, d))
#define MG_IPV6(a, b, c, d, e, f, g, h)                                  \
  {                                                                      \
    (uint8_t) ((a) >> 8), (uint8_t) (a), (uint8_t) ((b) >> 8),           \
        (uint8_t) (b), (uint8_t) ((c) >> 8), (uint8_t) (c),              \
        (uint8_t) ((d) >> 8), (uint8_t) (d), (uint8_t) ((e) >> 8),       \
        (uint8_t) (e), (uint8_t) ((f) >> 8), (uint8_t) (f),              \
        (uint8_t) ((g) >> 8), (uint8_t) (g), (uint8_t) ((h) >> 8),       \
        (uint8_t) (h)                                                    \
  }
#define MG_U8P(ADDR) ((uint8_t *) (ADDR))
#define MG_IPADDR_PARTS(ADDR) \
  MG_U8P(ADDR)[0], MG_U8P(ADDR)[1], MG_U8P(ADDR)[2], MG_U8P(ADDR)[3]
#define MG_BIT(x) (((uint32_t) 1U) << (x))
#define MG_ROUND_UP(x, a) ((a) == 0 ? (x) : ((((x) + (a) - 1) / (a)) * (a)))
#define MG_ROUND_DOWN(x, a) ((a) == 0 ? (x) : (((x) / (a)) * (a)))

#define LIST_ADD_HEAD(type_, head_, elem_) \
  do {                                     \
    (elem_)->next = (*head_);              \
    *(head_) = (elem_);                    \
  } while (0)
#define LIST_ADD_TAIL(type_, head_, elem_) \
  do {                                     \
    type_ **h = head_;                     \
    while (*h != NULL) h = &(*h)->next;    \
    *h = (elem_);                          \
  } while (0)
#define LIST_DELETE(type_, head_, elem_)   \
  do {                                     \
    type_ **h = head_;                     \
    while (*h != (elem_)) h = &(*h)->next; \
    *h = (elem_)->next;                    \
  } while (0)

#endif  // MONGOOSE_H
