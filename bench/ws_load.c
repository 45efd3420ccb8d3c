// WebSocket echo load: N connections, each sends a message of SIZE bytes
// and sends the next as soon as the echo is back (one in flight per
// connection). Prints echoed messages per second over the measured period.
//   ./ws_load URL CONNS SIZE SECONDS
#include "mongoose.h"

struct load {
  size_t size;
  unsigned char *msg;
  int open, errors;
  unsigned long echoes;
  bool counting;
};

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct load *l = (struct load *) c->fn_data;
  if (ev == MG_EV_WS_OPEN) {
    l->open++;
    mg_ws_send(c, l->msg, l->size, WEBSOCKET_OP_BINARY);
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    if (wm->data.len != l->size) l->errors++;
    if (l->counting) l->echoes++;
    mg_ws_send(c, l->msg, l->size, WEBSOCKET_OP_BINARY);
  } else if (ev == MG_EV_ERROR) {
    l->errors++;
    MG_ERROR(("%s", (char *) ev_data));
  }
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  struct load l;
  int i, conns;
  double secs;
  uint64_t start, end, t0;
  if (argc < 5) {
    fprintf(stderr, "usage: %s URL CONNS SIZE SECONDS\n", argv[0]);
    return 1;
  }
  memset(&l, 0, sizeof(l));
  conns = atoi(argv[2]);
  l.size = (size_t) strtoul(argv[3], NULL, 10);
  secs = atof(argv[4]);
  l.msg = (unsigned char *) calloc(1, l.size + 1);
  mg_mgr_init(&mgr);
  for (i = 0; i < conns; i++) mg_ws_connect(&mgr, argv[1], fn, &l, NULL);
  t0 = mg_millis();
  while (l.open < conns && mg_millis() - t0 < 10000) mg_mgr_poll(&mgr, 10);
  for (t0 = mg_millis(); mg_millis() - t0 < 500;) mg_mgr_poll(&mgr, 10);  // warm up
  l.counting = true;
  start = mg_millis();
  end = start + (uint64_t) (secs * 1000);
  while (mg_millis() < end) mg_mgr_poll(&mgr, 10);
  l.counting = false;
  secs = (double) (mg_millis() - start) / 1000.0;
  printf("conns %d size %lu echoes %lu secs %.2f rate %.0f msg/s %.1f MB/s errors %d open %d\n",
         conns, (unsigned long) l.size, l.echoes, secs, l.echoes / secs,
         l.echoes * (double) l.size / secs / 1e6, l.errors, l.open);
  mg_mgr_free(&mgr);
  free(l.msg);
  return l.errors == 0 && l.open == conns ? 0 : 1;
}
