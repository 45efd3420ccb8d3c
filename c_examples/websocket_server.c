// WebSocket server: echoes every message back to its sender, and a timer
// pushes a message to every connected client.
//   ./websocket_server [url] [push_ms]
//     url      default ws://0.0.0.0:8000 (WebSocket endpoint: /websocket)
//     push_ms  period of the broadcast timer, default 1000
//   GET /rest answers {"result": 123}; other URIs 404.
#include "mongoose.h"

// Above this much queued output, a client gets no broadcasts: a client that
// does not read must not make the server buffer without bound. (Echo replies
// are bounded by the library itself: it stops reading a client whose
// c->send is over 1 MiB.)
#define MAX_QUEUED (256 * 1024)

static unsigned long s_pushes;

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_OPEN && c->is_listening) {
    MG_INFO(("listening on %M", mg_print_ip_port, &c->loc));
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/websocket"), NULL)) {
      // From now on the connection speaks WebSocket: MG_EV_WS_OPEN, then
      // MG_EV_WS_MSG for each message.
      mg_ws_upgrade(c, hm, NULL);
    } else if (mg_match(hm->uri, mg_str("/rest"), NULL)) {
      mg_http_reply(c, 200, "Content-Type: application/json\r\n",
                    "{%m: %d}\n", MG_ESC("result"), 123);
    } else {
      mg_http_reply(c, 404, "", "use /websocket\n");
    }
  } else if (ev == MG_EV_WS_OPEN) {
    c->data[0] = 'W';  // mark: an established WebSocket client
    MG_INFO(("%lu WebSocket client from %M", c->id, mg_print_ip_port, &c->rem));
  } else if (ev == MG_EV_WS_MSG) {
    // Echo the message back, text as text and binary as binary.
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    mg_ws_send(c, wm->data.buf, wm->data.len, wm->flags & 15);
  } else if (ev == MG_EV_CLOSE && c->data[0] == 'W') {
    MG_INFO(("%lu WebSocket client gone", c->id));
  }
}

// Broadcast to every WebSocket client, like Mongoose's timer push examples.
static void push(void *arg) {
  struct mg_mgr *mgr = (struct mg_mgr *) arg;
  struct mg_connection *c;
  s_pushes++;
  for (c = mgr->conns; c != NULL; c = c->next) {
    if (c->data[0] != 'W' || c->send.len > MAX_QUEUED) continue;
    mg_ws_printf(c, WEBSOCKET_OP_TEXT, "{%m:%m,%m:%lu}", MG_ESC("type"),
                 MG_ESC("push"), MG_ESC("n"), s_pushes);
  }
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : "ws://0.0.0.0:8000";
  unsigned long period = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
  struct mg_mgr mgr;
  mg_mgr_init(&mgr);
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return 1;
  }
  mg_timer_add(&mgr, period, MG_TIMER_REPEAT, push, &mgr);
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  return 0;
}
