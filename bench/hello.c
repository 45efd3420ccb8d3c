// The smallest useful program, for the size figures in docs/benchmarks.md
// (bench/sizes.sh): an HTTP server answering every request with a greeting.
#include "mongoose.h"

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) mg_http_reply(c, 200, "", "Hello, world\n");
  (void) ev_data;
}

int main(void) {
  struct mg_mgr mgr;
  mg_mgr_init(&mgr);
  mg_http_listen(&mgr, "http://0.0.0.0:8000", fn, NULL);
  for (;;) mg_mgr_poll(&mgr, 1000);
  return 0;
}
