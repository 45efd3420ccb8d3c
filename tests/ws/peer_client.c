// Our WebSocket client against an independent server (tests/py/ws_server.py,
// driven by tests/ws_peer.rs).
//   ./peer_client ws://127.0.0.1:PORT
// Prints one line per check; exit 0 when all passed.
#include "mongoose.h"

static int s_failures;
#define CHECK(expr)                                                         \
  do {                                                                      \
    bool ok_ = (expr);                                                      \
    printf("%s %s\n", ok_ ? "ok  " : "FAIL", #expr);                        \
    if (!ok_) s_failures++;                                                 \
  } while (0)

static const size_t s_sizes[] = {0, 125, 126, 65535, 65536, 1 << 20};
#define NSIZES (sizeof(s_sizes) / sizeof(s_sizes[0]))

struct session {
  size_t step;               // /echo: index of the size being echoed
  unsigned char *data;       // what was sent last
  int echoes, pings, msgs;   // counted events
  int close_code;            // from the close frame received, -1 if none
  char msg[64];              // /frag: the message received
  int msg_flags;
  bool done;
};

static void send_next(struct mg_connection *c, struct session *s) {
  size_t n = s_sizes[s->step], i;
  free(s->data);
  s->data = (unsigned char *) malloc(n + 1);
  for (i = 0; i < n; i++) s->data[i] = (unsigned char) ('a' + (i * 7 + s->step) % 26);
  mg_ws_send(c, s->data, n, s->step % 2 ? WEBSOCKET_OP_BINARY : WEBSOCKET_OP_TEXT);
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct session *s = (struct session *) c->fn_data;
  if (ev == MG_EV_WS_OPEN) {
    if (strstr((char *) c->data, "/echo") != NULL) send_next(c, s);
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    s->msgs++;
    if (strstr((char *) c->data, "/echo") != NULL) {
      size_t n = s_sizes[s->step];
      int op = s->step % 2 ? WEBSOCKET_OP_BINARY : WEBSOCKET_OP_TEXT;
      if (wm->data.len == n && memcmp(wm->data.buf, s->data, n) == 0 &&
          wm->flags == (0x80 | op)) {
        s->echoes++;
      } else {
        printf("echo %lu differs: %lu bytes, flags %x\n", (unsigned long) n,
               (unsigned long) wm->data.len, wm->flags);
      }
      if (++s->step < NSIZES) {
        send_next(c, s);
      } else {
        mg_ws_send(c, "\x03\xe8" "done", 6, WEBSOCKET_OP_CLOSE);
      }
    } else {
      snprintf(s->msg, sizeof(s->msg), "%.*s", (int) wm->data.len, wm->data.buf);
      s->msg_flags = wm->flags;
      mg_ws_send(c, "\x03\xe8", 2, WEBSOCKET_OP_CLOSE);
    }
  } else if (ev == MG_EV_WS_CTL) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    if ((wm->flags & 15) == WEBSOCKET_OP_PING) s->pings++;
    if ((wm->flags & 15) == WEBSOCKET_OP_CLOSE && wm->data.len >= 2) {
      s->close_code = ((unsigned char) wm->data.buf[0] << 8) | (unsigned char) wm->data.buf[1];
    }
  } else if (ev == MG_EV_ERROR) {
    printf("error: %s\n", (char *) ev_data);
  } else if (ev == MG_EV_CLOSE) {
    s->done = true;
  }
}

static void run(struct mg_mgr *mgr, const char *base, const char *path, struct session *s) {
  char url[200];
  struct mg_connection *c;
  uint64_t end = mg_millis() + 15000;
  memset(s, 0, sizeof(*s));
  s->close_code = -1;
  snprintf(url, sizeof(url), "%s%s", base, path);
  c = mg_ws_connect(mgr, url, fn, s, "Origin: http://%s\r\n", "test");
  if (c == NULL) return;
  snprintf((char *) c->data, sizeof(c->data), "%s", path);  // which session
  while (!s->done && mg_millis() < end) mg_mgr_poll(mgr, 20);
  free(s->data);
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  struct session s;
  const char *base = argc > 1 ? argv[1] : "ws://127.0.0.1:8765";
  mg_mgr_init(&mgr);

  run(&mgr, base, "/echo", &s);
  CHECK(s.echoes == (int) NSIZES);
  CHECK(s.close_code == 1000);
  CHECK(s.done);

  run(&mgr, base, "/frag", &s);
  CHECK(strcmp(s.msg, "Hello w\xc3\xb6rld") == 0);
  CHECK(s.msg_flags == 0x81);
  CHECK(s.pings == 2);
  CHECK(s.close_code == 1000);
  CHECK(s.done);

  run(&mgr, base, "/close4000", &s);
  CHECK(s.close_code == 4000);
  CHECK(s.msgs == 0);
  CHECK(s.done);

  mg_mgr_free(&mgr);
  printf("%d failed\n", s_failures);
  return s_failures == 0 ? 0 : 1;
}
