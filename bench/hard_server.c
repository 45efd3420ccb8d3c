// The server of bench/run.sh's "hard" mode (hardening under hostile load):
//   /printf  a 10 MB reply written as 100 000 mg_printf() calls of 100 bytes
//            (the time to build it goes to stderr);
//   /big     a 64 KiB reply (for the never-reading pipeliner);
//   anything else: the request body's length (chunked bodies too).
// `hard_server match` instead times mg_match() with a capture on a 16 KiB
// URI against "/api/#" and prints microseconds per call.
#include "mongoose.h"

static char s_big[65536];

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/printf"), NULL)) {
      uint64_t t0 = mg_millis();
      int i;
      mg_printf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", 100000 * 100);
      for (i = 0; i < 100000; i++) mg_printf(c, "%099d\n", i);
      fprintf(stderr, "printf build: %lu ms\n", (unsigned long) (mg_millis() - t0));
    } else if (mg_match(hm->uri, mg_str("/big"), NULL)) {
      mg_http_reply(c, 200, "", "%.*s", (int) sizeof(s_big), s_big);
    } else {
      mg_http_reply(c, 200, "", "%lu\n", (unsigned long) hm->body.len);
    }
  }
}

static int match_bench(void) {
  static char uri[16 * 1024];
  struct mg_str caps[2];
  int i, n = 2000, ok = 0;
  uint64_t t0;
  memcpy(uri, "/api/", 5);
  memset(uri + 5, 'a', sizeof(uri) - 5);
  t0 = mg_millis();
  for (i = 0; i < n; i++) ok += mg_match(mg_str_n(uri, sizeof(uri)), mg_str("/api/#"), caps);
  printf("mg_match 16 KiB URI against \"/api/#\" with a capture: %.1f us per call (%d matched)\n",
         (double) (mg_millis() - t0) * 1000.0 / n, ok);
  return 0;
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  if (argc > 1 && strcmp(argv[1], "match") == 0) return match_bench();
  memset(s_big, 'b', sizeof(s_big));
  mg_log_set(MG_LL_NONE);
  mg_mgr_init(&mgr);
  if (mg_http_listen(&mgr, argc > 1 ? argv[1] : "http://127.0.0.1:8000", fn, NULL) == NULL) return 1;
  for (;;) mg_mgr_poll(&mgr, 1000);
  return 0;
}
