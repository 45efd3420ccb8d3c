// TCP echo server: every byte a client sends comes back.
//   ./tcp_echo [url]        default url: tcp://0.0.0.0:1234
//   nc localhost 1234
#include "mongoose.h"

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_OPEN && c->is_listening) {
    MG_INFO(("listening on %M", mg_print_ip_port, &c->loc));
  } else if (ev == MG_EV_ACCEPT) {
    MG_INFO(("%lu accepted from %M", c->id, mg_print_ip_port, &c->rem));
  } else if (ev == MG_EV_READ) {
    mg_send(c, c->recv.buf, c->recv.len);  // echo what arrived
    mg_iobuf_del(&c->recv, 0, c->recv.len);
  } else if (ev == MG_EV_CLOSE && !c->is_listening) {
    MG_INFO(("%lu closed", c->id));
  }
  (void) ev_data;
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : "tcp://0.0.0.0:1234";
  struct mg_mgr mgr;
  mg_mgr_init(&mgr);
  if (mg_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return 1;
  }
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  return 0;
}
