// HTTPS test client for tests/tls_peer.rs: GETs argv[1] (https://...) and
// prints "STATUS BODY". TLS options: argv[2] the CA file ("-": none), argv[3]
// the name to verify and send as SNI ("-": none, "url": the URL's host),
// then any of "skip" (skip_verification) and "cert" (tests/tls/client.pem
// and client.key). Exit code 0 when a response arrived, 1 on an error
// (printed as "error MESSAGE") or a timeout.
#include "mongoose.h"

struct state {
  const char *url;
  struct mg_tls_opts opts;
  int hs;
  bool done, ok;
};

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct state *s = (struct state *) c->fn_data;
  if (ev == MG_EV_CONNECT) {
    if (c->is_tls) mg_tls_init(c, &s->opts);
    mg_printf(c, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", mg_url_uri(s->url));
  } else if (ev == MG_EV_TLS_HS) {
    s->hs++;
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    printf("%d %.*s\n", mg_http_status(hm), (int) hm->body.len, hm->body.buf);
    s->ok = s->hs == 1;
    c->is_draining = 1;
  } else if (ev == MG_EV_ERROR) {
    printf("error %s\n", (char *) ev_data);
  } else if (ev == MG_EV_CLOSE) {
    s->done = true;
  }
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  struct state s;
  uint64_t end = mg_millis() + 10000;
  int i;
  if (argc < 4) {
    fprintf(stderr, "usage: %s URL CA|- NAME|-|url [skip] [cert]\n", argv[0]);
    return 2;
  }
  memset(&s, 0, sizeof(s));
  s.url = argv[1];
  if (strcmp(argv[2], "-") != 0) s.opts.ca = mg_file_read(&mg_fs_posix, argv[2]);
  if (strcmp(argv[3], "url") == 0) {
    s.opts.name = mg_url_host(s.url);
  } else if (strcmp(argv[3], "-") != 0) {
    s.opts.name = mg_str(argv[3]);
  }
  for (i = 4; i < argc; i++) {
    if (strcmp(argv[i], "skip") == 0) s.opts.skip_verification = 1;
    if (strcmp(argv[i], "cert") == 0) {
      s.opts.cert = mg_file_read(&mg_fs_posix, "tests/tls/client.pem");
      s.opts.key = mg_file_read(&mg_fs_posix, "tests/tls/client.key");
    }
  }
  mg_mgr_init(&mgr);
  mg_http_connect(&mgr, s.url, fn, &s);
  while (!s.done && mg_millis() < end) mg_mgr_poll(&mgr, 50);
  mg_mgr_free(&mgr);
  return s.ok ? 0 : 1;
}
