// WebSocket client: connects, sends one message, prints the echo and exits.
//   ./websocket_client [url] [message]
//     url      default ws://localhost:8000/websocket
//     message  default "hello"
// Exit code 0 when the echo arrived, 1 on error or after 5 s.
#include "mongoose.h"

struct state {
  const char *message;
  bool done, ok;
};

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct state *s = (struct state *) c->fn_data;
  if (ev == MG_EV_ERROR) {
    s->done = true;  // the library has logged the error (ev_data)
  } else if (ev == MG_EV_WS_OPEN) {
    // The server accepted the upgrade: send the message.
    mg_ws_send(c, s->message, strlen(s->message), WEBSOCKET_OP_TEXT);
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    // The server may push other messages too; wait for our echo.
    if (wm->data.len == strlen(s->message) &&
        memcmp(wm->data.buf, s->message, wm->data.len) == 0) {
      printf("GOT ECHO REPLY: [%.*s]\n", (int) wm->data.len, wm->data.buf);
      s->ok = true;
      mg_ws_send(c, "\x03\xe8", 2, WEBSOCKET_OP_CLOSE);  // 1000: normal close
    } else {
      printf("GOT MESSAGE: [%.*s]\n", (int) wm->data.len, wm->data.buf);
    }
  } else if (ev == MG_EV_CLOSE) {
    s->done = true;
  }
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : "ws://localhost:8000/websocket";
  struct state s = {argc > 2 ? argv[2] : "hello", false, false};
  struct mg_mgr mgr;
  uint64_t deadline = mg_millis() + 5000;
  mg_mgr_init(&mgr);
  if (mg_ws_connect(&mgr, url, fn, &s, NULL) == NULL) return 1;
  while (!s.done && mg_millis() < deadline) mg_mgr_poll(&mgr, 100);
  mg_mgr_free(&mgr);
  fflush(stdout);
  return s.ok ? 0 : 1;
}
