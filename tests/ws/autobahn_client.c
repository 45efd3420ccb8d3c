// Our WebSocket client under the Autobahn test suite's fuzzing server
// (kosoku -m fuzzingserver): fetches the case count, runs every case by
// echoing each message back, then asks the server to write its reports.
//   ./autobahn_client ws://127.0.0.1:PORT [agent]
#include "mongoose.h"

struct run {
  int count;  // from /getCaseCount
  bool done;
};

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct run *r = (struct run *) c->fn_data;
  if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    if (r->count < 0) {
      size_t i;  // the count message is decimal digits
      for (r->count = 0, i = 0; i < wm->data.len; i++) {
        r->count = r->count * 10 + (wm->data.buf[i] - '0');
      }
    } else {
      mg_ws_send(c, wm->data.buf, wm->data.len, wm->flags & 15);
    }
  } else if (ev == MG_EV_ERROR) {
    MG_ERROR(("%s", (char *) ev_data));
  } else if (ev == MG_EV_CLOSE) {
    r->done = true;
  }
}

static void session(struct mg_mgr *mgr, const char *url, struct run *r) {
  uint64_t end = mg_millis() + 120000;
  r->done = false;
  if (mg_ws_connect(mgr, url, fn, r, NULL) == NULL) return;
  while (!r->done && mg_millis() < end) mg_mgr_poll(mgr, 50);
}

int main(int argc, char *argv[]) {
  const char *base = argc > 1 ? argv[1] : "ws://127.0.0.1:9001";
  const char *agent = argc > 2 ? argv[2] : "mongoose-rs";
  struct mg_mgr mgr;
  struct run r = {-1, false};
  char url[256];
  int i;
  mg_mgr_init(&mgr);
  snprintf(url, sizeof(url), "%s/getCaseCount", base);
  session(&mgr, url, &r);
  printf("%d cases\n", r.count);
  if (r.count <= 0) return 1;
  for (i = 1; i <= r.count; i++) {
    int count = r.count;
    snprintf(url, sizeof(url), "%s/runCase?case=%d&agent=%s", base, i, agent);
    session(&mgr, url, &r);
    r.count = count;
  }
  snprintf(url, sizeof(url), "%s/updateReports?agent=%s", base, agent);
  session(&mgr, url, &r);
  mg_mgr_free(&mgr);
  return 0;
}
