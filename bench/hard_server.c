// The server of bench/run.sh's "hard" mode (hardening under hostile load):
//   /printf  a 10 MB reply written as 100 000 mg_printf() calls of 100 bytes
//            (the time to build it goes to stderr);
//   /big     a 64 KiB reply (for the never-reading pipeliner);
//   anything else: the request body's length (chunked bodies too).
// `hard_server match` instead times mg_match() with captures on a 16 KiB
// URI against route patterns and prints microseconds per call.
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
  static const char *patterns[] = {"/api/#", "/api/*", "/*/#", "/*/*#?"};
  struct mg_str caps[5];
  size_t k;
  memcpy(uri, "/api/", 5);
  memset(uri + 5, 'a', sizeof(uri) - 5);
  for (k = 0; k < sizeof(patterns) / sizeof(patterns[0]); k++) {
    int i, n = k < 2 ? 200000 : 5000, ok = 0;
    uint64_t t0 = mg_millis();
    for (i = 0; i < n; i++) ok += mg_match(mg_str_n(uri, sizeof(uri)), mg_str(patterns[k]), caps);
    printf("mg_match, 16 KiB URI, \"%s\" with captures: %.2f us per call (%d of %d matched)\n",
           patterns[k], (double) (mg_millis() - t0) * 1000.0 / n, ok, n);
  }
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
