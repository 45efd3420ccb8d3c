// WebSocket (RFC 6455) over loopback: our client against our server for
// message sizes, fragmentation with interleaved pings, the close handshake,
// mg_ws_printf/mg_ws_wrap and 1000 concurrent clients; raw sockets for the
// handshake rules, each protocol error and its close code, frames sent right
// behind the upgrade request, and back-pressure against a peer that does not
// read.
#include <sys/resource.h>

#include "http_test_util.h"

#define RFC_KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define RFC_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define BIG_SIZE (10u * 1024u * 1024u)

// ---- The server (runs in its own thread) ----------------------------------

struct server_stats {
  volatile int opens;           // MG_EV_WS_OPEN on the server
  volatile int ctl_ops[16];     // MG_EV_WS_CTL count per opcode
  volatile int last_close_len;  // payload of the last close frame received
  unsigned char last_close[128];
  volatile size_t max_send;     // largest c->send.len after an echo
  volatile int flags_bad;       // a message whose flags were not FIN|op
};
static struct server_stats s_st;
static struct server s_srv;

static unsigned char *pattern(size_t len, unsigned seed) {
  unsigned char *p = (unsigned char *) malloc(len + 1);
  size_t i;
  for (i = 0; i < len; i++) p[i] = (unsigned char) ('a' + (i * 7 + seed) % 26);
  return p;
}

static void server_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/ws"), NULL)) {
      CHECK(!c->is_websocket);
      mg_ws_upgrade(c, hm, "X-Test: %d\r\n", 42);
    } else if (mg_match(hm->uri, mg_str("/frag"), NULL)) {
      // Fragments with control frames between them, written raw after the
      // 101: "Hel" ping("p1") "lo " pong("x") "w\xc3" ping("p2") "\xb6rld".
      static const unsigned char frames[] = {
          0x01, 3, 'H',  'e',  'l',  0x89, 2,    'p',  '1', 0x00, 3,
          'l',  'o', ' ',  0x8a, 1,    'x',  0x00, 2,    'w', 0xc3, 0x89,
          2,    'p', '2',  0x80, 4,    0xb6, 'r',  'l',  'd'};
      mg_ws_upgrade(c, hm, NULL);
      mg_send(c, frames, sizeof(frames));
    } else if (mg_match(hm->uri, mg_str("/noupgrade"), NULL)) {
      mg_ws_upgrade(c, hm, NULL);  // plain GET: must answer 400
    } else {
      mg_http_reply(c, 404, "", "nope\n");
    }
  } else if (ev == MG_EV_WS_OPEN) {
    CHECK(c->is_websocket);
    s_st.opens++;
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    int op = wm->flags & 15;
    if ((wm->flags & 0xf0) != 0x80) s_st.flags_bad++;
    if (wm->data.len == 3 && memcmp(wm->data.buf, "big", 3) == 0) {
      unsigned char *big = pattern(BIG_SIZE, 3);
      mg_ws_send(c, big, BIG_SIZE, WEBSOCKET_OP_BINARY);
      free(big);
    } else if (wm->data.len == 6 && memcmp(wm->data.buf, "printf", 6) == 0) {
      mg_ws_printf(c, WEBSOCKET_OP_TEXT, "n=%d %s", 42, "ok");
    } else if (wm->data.len == 4 && memcmp(wm->data.buf, "wrap", 4) == 0) {
      size_t n = mg_printf(c, "wrapped %d", 7);
      mg_ws_wrap(c, n, WEBSOCKET_OP_TEXT);
    } else if (wm->data.len == 7 && memcmp(wm->data.buf, "goodbye", 7) == 0) {
      mg_ws_send(c, "\x0f\xa1", 2, WEBSOCKET_OP_CLOSE);  // 4001: we start the close
    } else {
      mg_ws_send(c, wm->data.buf, wm->data.len, op);
    }
    if (c->send.len > s_st.max_send) s_st.max_send = c->send.len;
  } else if (ev == MG_EV_WS_CTL) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    s_st.ctl_ops[wm->flags & 15]++;
    if ((wm->flags & 15) == WEBSOCKET_OP_CLOSE && wm->data.len <= sizeof(s_st.last_close)) {
      memcpy(s_st.last_close, wm->data.buf, wm->data.len);
      s_st.last_close_len = (int) wm->data.len;
    }
  }
}

// ---- Raw-socket client helpers --------------------------------------------

static bool recv_exact(int fd, void *buf, size_t len) {
  char *p = (char *) buf;
  while (len > 0) {
    ssize_t n = recv(fd, p, len, 0);
    if (n <= 0) return false;
    p += n, len -= (size_t) n;
  }
  return true;
}

// Sends the upgrade request `req` (or a good one when NULL) and reads the
// response head into head. Returns the status code.
static int raw_handshake(int fd, const char *req, char *head, size_t size) {
  size_t len = 0;
  const char *good =
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: " RFC_KEY "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (!send_all(fd, req ? req : good, strlen(req ? req : good))) return -1;
  while (len + 1 < size) {
    if (recv(fd, head + len, 1, 0) != 1) break;
    len++;
    if (len >= 4 && memcmp(head + len - 4, "\r\n\r\n", 4) == 0) break;
  }
  head[len] = '\0';
  return len > 12 ? atoi(head + 9) : -1;
}

static int raw_open(void) {
  char head[1024];
  int fd = client_connect(s_srv.port, 5000);
  CHECK(fd >= 0);
  CHECK(raw_handshake(fd, NULL, head, sizeof(head)) == 101);
  return fd;
}

// Builds a frame in out (header plus the payload, masked when mask is true).
static size_t make_frame(unsigned char *out, unsigned char b0, const void *data,
                         size_t len, bool mask) {
  static const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
  size_t n = 0, i;
  out[n++] = b0;
  if (len < 126) {
    out[n++] = (unsigned char) ((mask ? 0x80 : 0) | len);
  } else if (len <= 0xffff) {
    out[n++] = (unsigned char) ((mask ? 0x80 : 0) | 126);
    out[n++] = (unsigned char) (len >> 8), out[n++] = (unsigned char) len;
  } else {
    out[n++] = (unsigned char) ((mask ? 0x80 : 0) | 127);
    for (i = 0; i < 8; i++) out[n++] = (unsigned char) ((uint64_t) len >> (56 - 8 * i));
  }
  if (mask) memcpy(out + n, key, 4), n += 4;
  for (i = 0; i < len; i++) {
    unsigned char ch = ((const unsigned char *) data)[i];
    out[n + i] = mask ? (unsigned char) (ch ^ key[i % 4]) : ch;
  }
  return n + len;
}

static bool send_frame(int fd, unsigned char b0, const void *data, size_t len, bool mask) {
  unsigned char *buf = (unsigned char *) malloc(len + 14);
  size_t n = make_frame(buf, b0, data, len, mask);
  bool ok = send_all(fd, buf, n);
  free(buf);
  return ok;
}

// Reads one unmasked frame: returns its payload length (the payload, up to
// cap bytes, goes to buf; the rest is read and dropped), or -1.
static long read_frame(int fd, unsigned char *b0, unsigned char *buf, size_t cap) {
  unsigned char h[10], tmp[4096];
  uint64_t len;
  size_t got = 0;
  int i;
  if (!recv_exact(fd, h, 2)) return -1;
  *b0 = h[0];
  if (h[1] & 0x80) return -1;  // a server never masks
  len = h[1] & 127;
  if (len == 126) {
    if (!recv_exact(fd, h, 2)) return -1;
    len = ((uint64_t) h[0] << 8) | h[1];
  } else if (len == 127) {
    if (!recv_exact(fd, h, 8)) return -1;
    for (len = 0, i = 0; i < 8; i++) len = (len << 8) | h[i];
  }
  while (got < len) {
    size_t want = len - got, n;
    unsigned char *dst = got < cap ? buf + got : tmp;
    size_t room = got < cap ? cap - got : sizeof(tmp);
    n = want < room ? want : room;
    if (!recv_exact(fd, dst, n)) return -1;
    got += n;
  }
  return (long) len;
}

// Expects a close frame carrying `code`; answers it, as a peer should, and
// expects the server to close the connection then.
static void expect_close(int fd, int code, const char *what) {
  unsigned char b0 = 0, buf[128];
  long n = read_frame(fd, &b0, buf, sizeof(buf));
  send_frame(fd, 0x88, buf, n >= 2 ? 2 : 0, true);
  int got = n >= 2 ? (buf[0] << 8) | buf[1] : -1;
  s_checks++;
  if (b0 != 0x88 || got != code) {
    s_failures++;
    fprintf(stderr, "FAIL %s: want close %d, got frame 0x%02x len %ld code %d\n", what,
            code, b0, n, got);
  }
  // The server may close before our reply arrives; the kernel then answers
  // the reply with a reset, which recv() reports instead of the end of file.
  CHECK(peer_closed(fd) || errno == ECONNRESET);
}

// ---- Our client ----------------------------------------------------------

struct client {
  const unsigned char *send_data;  // sent on MG_EV_WS_OPEN (when not NULL)
  size_t send_len;
  int send_op;
  bool opened, got_msg, got_close, closed, error;
  int status;              // of the 101 response
  unsigned char *msg;      // copy of the first message received
  size_t msg_len;
  int msg_flags;
  int ctl_ops[16];
  unsigned char close_payload[128];
  size_t close_len;
  struct mg_connection *conn;  // open until `closed`; its fn_data points here
};

static void client_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct client *cl = (struct client *) c->fn_data;
  if (ev == MG_EV_WS_OPEN) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    cl->opened = true;
    cl->status = mg_http_status(hm);
    CHECK(c->is_websocket);
    if (cl->send_data != NULL) mg_ws_send(c, cl->send_data, cl->send_len, cl->send_op);
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    if (!cl->got_msg) {
      cl->msg = (unsigned char *) malloc(wm->data.len + 1);
      memcpy(cl->msg, wm->data.buf, wm->data.len);
      cl->msg_len = wm->data.len;
      cl->msg_flags = wm->flags;
    }
    cl->got_msg = true;
  } else if (ev == MG_EV_WS_CTL) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    cl->ctl_ops[wm->flags & 15]++;
    if ((wm->flags & 15) == WEBSOCKET_OP_CLOSE && wm->data.len <= sizeof(cl->close_payload)) {
      memcpy(cl->close_payload, wm->data.buf, wm->data.len);
      cl->close_len = wm->data.len;
      cl->got_close = true;
    }
  } else if (ev == MG_EV_ERROR) {
    cl->error = true;
  } else if (ev == MG_EV_CLOSE) {
    cl->closed = true;
  }
}

static struct mg_connection *client_open(struct mg_mgr *mgr, const char *path,
                                         struct client *cl) {
  char url[100];
  struct mg_connection *c;
  mg_snprintf(url, sizeof(url), "ws://127.0.0.1:%d%s", s_srv.port, path);
  c = mg_ws_connect(mgr, url, client_fn, cl, "X-Client: %s\r\n", "test");
  CHECK(c != NULL);
  cl->conn = c;
  return c;
}

// Closes the client's connection (unless it closed already) and waits for its
// MG_EV_CLOSE: `cl` usually lives on the caller's stack, and a connection
// left open would write into that dead frame later (at mg_mgr_free at the
// latest). Until MG_EV_CLOSE has been seen, cl->conn is still valid.
static void client_free(struct mg_mgr *mgr, struct client *cl) {
  if (cl->conn != NULL && !cl->closed) {
    cl->conn->is_closing = 1;
    poll_until(mgr, &cl->closed, 5000);
  }
  CHECK(cl->conn == NULL || cl->closed);
  free(cl->msg);
  memset(cl, 0, sizeof(*cl));
}

// Our client sends one message of each size and op and gets it back whole.
static void test_echo_sizes(struct mg_mgr *mgr) {
  static const size_t sizes[] = {0, 1, 125, 126, 127, 65535, 65536, 1000000};
  size_t i;
  for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    struct client cl;
    unsigned char *data = pattern(sizes[i], (unsigned) i);
    memset(&cl, 0, sizeof(cl));
    cl.send_data = data, cl.send_len = sizes[i];
    cl.send_op = i % 2 ? WEBSOCKET_OP_BINARY : WEBSOCKET_OP_TEXT;
    client_open(mgr, "/ws", &cl);
    poll_until(mgr, &cl.got_msg, 10000);
    CHECK(cl.opened && cl.status == 101);
    CHECK(cl.got_msg);
    CHECK(cl.msg_len == sizes[i]);
    CHECK(cl.msg_flags == (0x80 | cl.send_op));
    CHECK(cl.msg != NULL && memcmp(cl.msg, data, sizes[i]) == 0);
    if (cl.msg_len != sizes[i]) fprintf(stderr, "size %lu: got %lu\n", (unsigned long) sizes[i], (unsigned long) cl.msg_len);
    free(data);
    client_free(mgr, &cl);
  }
  CHECK(s_st.flags_bad == 0);
}

// A 10 MiB message: from the server it arrives whole (64-bit length form);
// from a client it is over MG_MAX_RECV_SIZE and gets close code 1009.
static void test_big_messages(struct mg_mgr *mgr) {
  int fd = raw_open();
  unsigned char b0 = 0, *buf = (unsigned char *) malloc(BIG_SIZE);
  unsigned char *want = pattern(BIG_SIZE, 3);
  struct client cl;
  long n;
  CHECK(send_frame(fd, 0x81, "big", 3, true));
  n = read_frame(fd, &b0, buf, BIG_SIZE);
  CHECK(n == (long) BIG_SIZE && b0 == 0x82);
  CHECK(memcmp(buf, want, BIG_SIZE) == 0);
  close(fd);

  memset(&cl, 0, sizeof(cl));
  cl.send_data = want, cl.send_len = BIG_SIZE, cl.send_op = WEBSOCKET_OP_BINARY;
  client_open(mgr, "/ws", &cl);
  poll_until(mgr, &cl.closed, 10000);
  CHECK(cl.got_close && cl.close_len == 2);
  CHECK(cl.close_payload[0] == 0x03 && cl.close_payload[1] == 0xf1);  // 1009
  CHECK(!cl.got_msg);
  client_free(mgr, &cl);
  free(buf);
  free(want);
}

// Fragments with pings between them, both ways, and UTF-8 split across
// fragments.
static void test_fragmentation(struct mg_mgr *mgr) {
  int fd = raw_open(), pings = s_st.ctl_ops[WEBSOCKET_OP_PING];
  unsigned char b0 = 0, buf[256];
  long n;
  struct client cl;
  CHECK(send_frame(fd, 0x01, "frag", 4, true));
  CHECK(send_frame(fd, 0x89, "ping-1", 6, true));
  CHECK(send_frame(fd, 0x00, "ment\xc3", 5, true));
  CHECK(send_frame(fd, 0x89, "ping-2", 6, true));
  CHECK(send_frame(fd, 0x8a, "unsolicited", 11, true));  // a pong: no answer
  CHECK(send_frame(fd, 0x80, "\xa9" "d", 2, true));
  n = read_frame(fd, &b0, buf, sizeof(buf));
  CHECK(n == 6 && b0 == 0x8a && memcmp(buf, "ping-1", 6) == 0);
  n = read_frame(fd, &b0, buf, sizeof(buf));
  CHECK(n == 6 && b0 == 0x8a && memcmp(buf, "ping-2", 6) == 0);
  n = read_frame(fd, &b0, buf, sizeof(buf));
  CHECK(n == 11 && b0 == 0x81 && memcmp(buf, "fragment\xc3\xa9" "d", 11) == 0);
  CHECK(s_st.ctl_ops[WEBSOCKET_OP_PING] == pings + 2);
  // Binary in three fragments, the first one empty.
  CHECK(send_frame(fd, 0x02, "", 0, true));
  CHECK(send_frame(fd, 0x00, "\x00\xff", 2, true));
  CHECK(send_frame(fd, 0x80, "\x01", 1, true));
  n = read_frame(fd, &b0, buf, sizeof(buf));
  CHECK(n == 3 && b0 == 0x82 && memcmp(buf, "\x00\xff\x01", 3) == 0);
  close(fd);

  // Server to our client (see /frag in server_fn).
  memset(&cl, 0, sizeof(cl));
  pings = s_st.ctl_ops[WEBSOCKET_OP_PONG];
  client_open(mgr, "/frag", &cl);
  poll_until(mgr, &cl.got_msg, 5000);
  CHECK(cl.got_msg && cl.msg_len == 12 && memcmp(cl.msg, "Hello w\xc3\xb6rld", 12) == 0);
  CHECK(cl.msg_flags == 0x81);
  CHECK(cl.ctl_ops[WEBSOCKET_OP_PING] == 2 && cl.ctl_ops[WEBSOCKET_OP_PONG] == 1);
  {
    uint64_t end = mg_millis() + 2000;  // our client answered both pings
    while (s_st.ctl_ops[WEBSOCKET_OP_PONG] < pings + 2 && mg_millis() < end) mg_mgr_poll(mgr, 10);
    CHECK(s_st.ctl_ops[WEBSOCKET_OP_PONG] == pings + 2);
  }
  client_free(mgr, &cl);
}

// Close handshakes: the client starts (code echoed, reason not), the server
// starts (our client echoes), and a raw client sees code then EOF.
static void test_close(struct mg_mgr *mgr) {
  struct client cl;
  struct mg_connection *c;
  int fd;
  memset(&cl, 0, sizeof(cl));
  c = client_open(mgr, "/ws", &cl);
  poll_until(mgr, &cl.opened, 5000);
  mg_ws_send(c, "\x03\xe8" "bye", 5, WEBSOCKET_OP_CLOSE);
  poll_until(mgr, &cl.closed, 5000);
  CHECK(cl.got_close && cl.close_len == 2 && memcmp(cl.close_payload, "\x03\xe8", 2) == 0);
  CHECK(s_st.last_close_len == 5 && memcmp(s_st.last_close, "\x03\xe8" "bye", 5) == 0);
  client_free(mgr, &cl);

  memset(&cl, 0, sizeof(cl));
  cl.send_data = (const unsigned char *) "goodbye", cl.send_len = 7;
  cl.send_op = WEBSOCKET_OP_TEXT;
  client_open(mgr, "/ws", &cl);
  poll_until(mgr, &cl.closed, 5000);
  CHECK(cl.got_close && cl.close_len == 2 && memcmp(cl.close_payload, "\x0f\xa1", 2) == 0);
  {
    uint64_t end = mg_millis() + 2000;  // the server saw our echo of 4001
    while (!(s_st.last_close_len == 2 && s_st.last_close[1] == 0xa1) && mg_millis() < end) usleep(1000);
    CHECK(s_st.last_close_len == 2 && memcmp(s_st.last_close, "\x0f\xa1", 2) == 0);
  }
  client_free(mgr, &cl);

  fd = raw_open();
  CHECK(send_frame(fd, 0x88, "\x0b\xb8" "why", 5, true));  // 3000
  expect_close(fd, 3000, "close echo");
  close(fd);
  fd = raw_open();
  CHECK(send_frame(fd, 0x88, "", 0, true));  // no code: empty close back
  {
    unsigned char b0 = 0, buf[8];
    CHECK(read_frame(fd, &b0, buf, sizeof(buf)) == 0 && b0 == 0x88);
    CHECK(peer_closed(fd));
  }
  close(fd);
}

// Each protocol error closes with its code.
static void test_protocol_errors(void) {
  static const struct {
    const char *what;
    unsigned char b0;
    const char *data;
    size_t len;
    bool mask;
    int code;
  } cases[] = {
      {"unmasked client frame", 0x81, "hi", 2, false, 1002},
      {"RSV1 without extension", 0xc1, "hi", 2, true, 1002},
      {"RSV3", 0x91, "hi", 2, true, 1002},
      {"fragmented ping", 0x09, "p", 1, true, 1002},
      {"opcode 3", 0x83, "x", 1, true, 1002},
      {"opcode 0xB", 0x8b, "x", 1, true, 1002},
      {"continuation alone", 0x80, "x", 1, true, 1002},
      {"invalid UTF-8", 0x81, "a\xff", 2, true, 1007},
      {"overlong UTF-8", 0x81, "\xc0\xaf", 2, true, 1007},
      {"UTF-16 surrogate", 0x81, "\xed\xa0\x80", 3, true, 1007},
      {"close with 1 byte", 0x88, "\x03", 1, true, 1002},
      {"close with code 1005", 0x88, "\x03\xed", 2, true, 1002},
      {"close with code 999", 0x88, "\x03\xe7", 2, true, 1002},
      {"close reason not UTF-8", 0x88, "\x03\xe8\xff", 3, true, 1007},
  };
  size_t i;
  char big[200];
  memset(big, 'x', sizeof(big));
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int fd = raw_open();
    CHECK(send_frame(fd, cases[i].b0, cases[i].data, cases[i].len, cases[i].mask));
    expect_close(fd, cases[i].code, cases[i].what);
    close(fd);
  }
  {  // a ping longer than 125 bytes
    int fd = raw_open();
    CHECK(send_frame(fd, 0x89, big, 126, true));
    expect_close(fd, 1002, "ping of 126 bytes");
    close(fd);
  }
  {  // a new message inside a fragmented one
    int fd = raw_open();
    CHECK(send_frame(fd, 0x01, "a", 1, true));
    CHECK(send_frame(fd, 0x81, "b", 1, true));
    expect_close(fd, 1002, "text inside fragmented text");
    close(fd);
  }
  {  // invalid UTF-8 detected in the first fragment already
    int fd = raw_open();
    CHECK(send_frame(fd, 0x01, "ok\xff", 3, true));
    expect_close(fd, 1007, "invalid UTF-8 in a fragment");
    close(fd);
  }
  {  // a UTF-8 sequence left unfinished by the final fragment
    int fd = raw_open();
    CHECK(send_frame(fd, 0x01, "ok\xe2\x82", 4, true));
    CHECK(send_frame(fd, 0x80, "", 0, true));
    expect_close(fd, 1007, "UTF-8 cut at the end");
    close(fd);
  }
  {  // a header announcing more than MG_MAX_RECV_SIZE: refused at once
    int fd = raw_open();
    unsigned char h[14] = {0x82, 0xff, 0, 0, 0, 0, 0, 0x40, 0, 0, 1, 2, 3, 4};
    CHECK(send_all(fd, h, sizeof(h)));
    expect_close(fd, 1009, "4 MiB frame header");
    close(fd);
  }
  {  // fragments adding up to more than MG_MAX_RECV_SIZE
    int fd = raw_open();
    size_t part = 1024 * 1024, sent = 0;
    char *chunk = (char *) calloc(1, part);
    bool ok = true;
    while (ok && sent < 4 * part) {
      ok = send_frame(fd, sent == 0 ? 0x02 : 0x00, chunk, part, true);
      sent += part;
    }
    expect_close(fd, 1009, "fragments over MG_MAX_RECV_SIZE");
    free(chunk);
    close(fd);
  }
}

// The opening handshake: the RFC's example key, extra headers, and refusals.
static void test_handshake(void) {
  char head[2048];
  int fd = client_connect(s_srv.port, 5000);
  CHECK(raw_handshake(fd, NULL, head, sizeof(head)) == 101);
  CHECK(strstr(head, "Sec-WebSocket-Accept: " RFC_ACCEPT "\r\n") != NULL);
  CHECK(strstr(head, "X-Test: 42\r\n") != NULL);
  CHECK(strstr(head, "Upgrade: websocket\r\n") != NULL);
  close(fd);
  {
    static const char *bad[] = {
        // no key
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n",
        // key that is not 16 bytes of base64
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: abc\r\nSec-WebSocket-Version: 13\r\n\r\n",
        // wrong version
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: " RFC_KEY "\r\nSec-WebSocket-Version: 8\r\n\r\n",
        // no version
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: " RFC_KEY "\r\n\r\n",
        // not an upgrade at all
        "GET /noupgrade HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
      fd = client_connect(s_srv.port, 5000);
      CHECK(raw_handshake(fd, bad[i], head, sizeof(head)) == 400);
      CHECK(strstr(head, "Sec-WebSocket-Version: 13\r\n") != NULL);
      CHECK(peer_closed(fd));
      close(fd);
    }
  }
  {  // frames sent in the same packet as the upgrade request
    unsigned char req[512], b0 = 0, buf[16];
    const char *r =
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: " RFC_KEY "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    size_t n = strlen(r);
    memcpy(req, r, n);
    n += make_frame(req + n, 0x81, "early", 5, true);
    n += make_frame(req + n, 0x82, "bird", 4, true);
    fd = client_connect(s_srv.port, 5000);
    CHECK(send_all(fd, req, n));
    {
      char h[1024];
      size_t len = 0;
      while (len + 1 < sizeof(h) && recv(fd, h + len, 1, 0) == 1) {
        len++;
        if (len >= 4 && memcmp(h + len - 4, "\r\n\r\n", 4) == 0) break;
      }
      h[len] = '\0';
      CHECK(strncmp(h, "HTTP/1.1 101 ", 13) == 0);
    }
    CHECK(read_frame(fd, &b0, buf, sizeof(buf)) == 5 && b0 == 0x81 && memcmp(buf, "early", 5) == 0);
    CHECK(read_frame(fd, &b0, buf, sizeof(buf)) == 4 && b0 == 0x82 && memcmp(buf, "bird", 4) == 0);
    close(fd);
  }
}

// mg_ws_printf and mg_ws_wrap on both sides (the client's frames masked).
static void test_printf_wrap(struct mg_mgr *mgr) {
  static const struct {
    const char *req, *resp;
  } cases[] = {{"printf", "n=42 ok"}, {"wrap", "wrapped 7"}};
  size_t i;
  for (i = 0; i < 2; i++) {
    struct client cl;
    struct mg_connection *c;
    memset(&cl, 0, sizeof(cl));
    c = client_open(mgr, "/ws", &cl);
    poll_until(mgr, &cl.opened, 5000);
    if (i == 0) {
      CHECK(mg_ws_printf(c, WEBSOCKET_OP_TEXT, "%s", cases[i].req) == strlen(cases[i].req));
    } else {
      size_t before = c->send.len, n = mg_printf(c, "%s", cases[i].req);
      CHECK(mg_ws_wrap(c, n, WEBSOCKET_OP_TEXT) == before + 2 + 4 + n);
    }
    poll_until(mgr, &cl.got_msg, 5000);
    CHECK(cl.msg_len == strlen(cases[i].resp) &&
          memcmp(cl.msg, cases[i].resp, cl.msg_len) == 0);
    client_free(mgr, &cl);
  }
}

// A client for a URL where no WebSocket is: MG_EV_ERROR, no MG_EV_WS_OPEN.
static void test_refused(struct mg_mgr *mgr) {
  struct client cl;
  memset(&cl, 0, sizeof(cl));
  client_open(mgr, "/nothing-here", &cl);
  poll_until(mgr, &cl.closed, 5000);
  CHECK(cl.error && !cl.opened);
  client_free(mgr, &cl);
}

// 1000 clients at once, each echoing its own message.
#define NCLIENTS 1000
struct many {
  int done, bad;
};
static void many_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct many *m = (struct many *) c->fn_data;
  if (ev == MG_EV_WS_OPEN) {
    mg_ws_printf(c, WEBSOCKET_OP_TEXT, "client %lu", c->id);
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    char want[64];
    size_t n = mg_snprintf(want, sizeof(want), "client %lu", c->id);
    if (wm->data.len != n || memcmp(wm->data.buf, want, n) != 0) m->bad++;
    m->done++;
    c->is_draining = 1;
  } else if (ev == MG_EV_ERROR) {
    m->bad++;
  }
}

static void test_many_clients(struct mg_mgr *mgr) {
  struct many m = {0, 0};
  struct rlimit lim;
  int i, opens = s_st.opens;
  uint64_t end = mg_millis() + 20000;
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2 * NCLIENTS + 100) {
    lim.rlim_cur = lim.rlim_max < 2 * NCLIENTS + 100 ? lim.rlim_max : 2 * NCLIENTS + 100;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  getrlimit(RLIMIT_NOFILE, &lim);
  CHECK(lim.rlim_cur >= 2 * NCLIENTS + 100);
  for (i = 0; i < NCLIENTS; i++) {
    char url[100];
    mg_snprintf(url, sizeof(url), "ws://127.0.0.1:%d/ws", s_srv.port);
    CHECK(mg_ws_connect(mgr, url, many_fn, &m, NULL) != NULL);
  }
  while (m.done + m.bad < NCLIENTS && mg_millis() < end) mg_mgr_poll(mgr, 10);
  CHECK(m.done == NCLIENTS);
  CHECK(m.bad == 0);
  CHECK(s_st.opens - opens == NCLIENTS);
  printf("1000 clients: %d echoed, %d bad\n", m.done, m.bad);
}

struct tail {
  int fd;
  const unsigned char *data;
  size_t len;
};
static void *send_tail(void *arg) {
  struct tail *t = (struct tail *) arg;
  if (t->len > 0) send_all(t->fd, t->data, t->len);
  return NULL;
}

// A peer that sends and never reads: the server stops reading once its
// c->send is over the limit, so its memory stays bounded and the peer's
// sends block; once the peer reads, everything arrives.
static void test_backpressure(void) {
  int fd = raw_open();
  size_t msg = 64 * 1024, sent = 0, limit = 64u * 1024 * 1024, got = 0;
  unsigned char *frame = (unsigned char *) malloc(msg + 14), b0 = 0;
  unsigned char *payload = pattern(msg, 9), *buf = (unsigned char *) malloc(msg);
  size_t flen = make_frame(frame, 0x82, payload, msg, true);
  uint64_t end = mg_millis() + 3000;
  bool blocked = false;
  s_st.max_send = 0;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  while (sent < limit && mg_millis() < end) {
    size_t off = 0;
    while (off < flen && mg_millis() < end) {
      ssize_t n = send(fd, frame + off, flen - off, MSG_NOSIGNAL);
      if (n > 0) {
        off += (size_t) n;
      } else {
        usleep(2000);
      }
    }
    if (off < flen) {
      blocked = true;  // sends stopped moving: sent up to here
      sent += off;
      break;
    }
    sent += flen;
  }
  printf("backpressure: %lu MiB sent before blocking, server c->send peak %lu KiB\n",
         (unsigned long) (sent >> 20), (unsigned long) (s_st.max_send >> 10));
  CHECK(blocked);
  CHECK(s_st.max_send <= 1024 * 1024 + msg + 14);
  // Finish the frame in flight (from a thread: the server takes it only
  // after we have read some echoes), then read every echo.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  {
    struct tail t;
    size_t whole = (sent + flen - 1) / flen, i;
    pthread_t tid;
    t.fd = fd, t.len = whole * flen - sent, t.data = frame + flen - t.len;
    pthread_create(&tid, NULL, send_tail, &t);
    for (i = 0; i < whole; i++) {
      if (read_frame(fd, &b0, buf, msg) != (long) msg || b0 != 0x82) break;
      if (memcmp(buf, payload, msg) != 0) break;
      got++;
    }
    pthread_join(tid, NULL);
    CHECK(got == whole);
  }
  close(fd);
  free(frame);
  free(payload);
  free(buf);
}

// NULL arguments: logged, a safe return value, no crash.
static void test_null_args(struct mg_mgr *mgr) {
  struct client cl;
  struct mg_connection *c;
  int level = mg_log_level;
  memset(&cl, 0, sizeof(cl));
  mg_log_set(MG_LL_NONE);
  CHECK(mg_ws_send(NULL, "x", 1, WEBSOCKET_OP_TEXT) == 0);
  CHECK(mg_ws_printf(NULL, WEBSOCKET_OP_TEXT, "%d", 1) == 0);
  CHECK(mg_ws_wrap(NULL, 1, WEBSOCKET_OP_TEXT) == 0);
  CHECK(mg_ws_connect(NULL, "ws://127.0.0.1:1/", client_fn, &cl, NULL) == NULL);
  CHECK(mg_ws_connect(mgr, NULL, client_fn, &cl, NULL) == NULL);
  mg_ws_upgrade(NULL, NULL, NULL);
  c = client_open(mgr, "/ws", &cl);
  mg_ws_upgrade(c, NULL, "%d", 1);
  CHECK(mg_ws_send(c, NULL, 5, WEBSOCKET_OP_TEXT) == 0);
  CHECK(mg_ws_printf(c, WEBSOCKET_OP_TEXT, NULL) == 0);
  CHECK(mg_ws_send(c, NULL, 0, WEBSOCKET_OP_PING) == 2 + 4);  // empty: header only
  mg_log_set(level);
  c->is_closing = 1;
  poll_until(mgr, &cl.closed, 2000);
  client_free(mgr, &cl);
}

int main(void) {
  struct mg_mgr mgr;
  memset(&s_st, 0, sizeof(s_st));
  server_start(&s_srv, server_fn, NULL);
  mg_mgr_init(&mgr);
  test_null_args(&mgr);
  test_handshake();
  test_echo_sizes(&mgr);
  test_fragmentation(&mgr);
  test_close(&mgr);
  test_protocol_errors();
  test_printf_wrap(&mgr);
  test_refused(&mgr);
  test_big_messages(&mgr);
  test_backpressure();
  test_many_clients(&mgr);
  mg_mgr_free(&mgr);
  server_stop(&s_srv);
  return test_summary("test_ws");
}
