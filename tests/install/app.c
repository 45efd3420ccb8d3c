// A program built against an installed library (tests/install/run.sh): an
// HTTP server and a client of it in one event loop. Exits 0 when the client
// got the server's reply.
#include <stdio.h>
#include <string.h>

#include "mongoose.h"

static int s_done;  // 1: right reply, -1: an error

static void server_fn(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  if (ev == MG_EV_HTTP_MSG) mg_http_reply(c, 200, "", "hello %s\n", MG_VERSION);
}

static void client_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_CONNECT) {
    mg_printf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    printf("%.*s", (int) hm->body.len, hm->body.buf);
    s_done = mg_strcmp(hm->body, mg_str("hello " MG_VERSION "\n")) == 0 ? 1 : -1;
    c->is_draining = 1;
  } else if (ev == MG_EV_ERROR) {
    s_done = -1;
  }
}

int main(void) {
  struct mg_mgr mgr;
  struct mg_connection *srv;
  char url[64];
  uint64_t end;
  mg_mgr_init(&mgr);
  srv = mg_http_listen(&mgr, "http://127.0.0.1:0", server_fn, NULL);
  if (srv == NULL) return 1;
  mg_snprintf(url, sizeof(url), "http://127.0.0.1:%d", (int) mg_ntohs(srv->loc.port));
  mg_http_connect(&mgr, url, client_fn, NULL);
  end = mg_millis() + 10000;
  while (s_done == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 50);
  mg_mgr_free(&mgr);
  return s_done == 1 ? 0 : 1;
}
