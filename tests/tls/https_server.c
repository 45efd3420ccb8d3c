// HTTPS test server for tests/tls_peer.rs: listens on argv[1] (https://...),
// starts TLS on each accepted connection with tests/tls/server.pem and
// server.key (and, given argv[3], requires client certificates signed by
// that CA), and answers:
//   /hello        "hello\n"
//   /big/N        N bytes, byte i being (i * 7) % 251
//   /static/...   files from the directory argv[2] (mg_http_serve_dir)
// Prints "tls_hs ID" for each completed handshake. Runs until killed.
#include "mongoose.h"

static struct mg_str s_cert, s_key, s_ca;
static const char *s_root = ".";

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_ACCEPT) {
    struct mg_tls_opts opts;
    memset(&opts, 0, sizeof(opts));
    opts.cert = s_cert;
    opts.key = s_key;
    opts.ca = s_ca;
    if (c->is_tls) mg_tls_init(c, &opts);
  } else if (ev == MG_EV_TLS_HS) {
    printf("tls_hs %lu\n", c->id);
    fflush(stdout);
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/hello"), NULL)) {
      mg_http_reply(c, 200, "", "hello\n");
    } else if (mg_match(hm->uri, mg_str("/big/*"), NULL)) {
      size_t n = (size_t) strtoul(hm->uri.buf + 5, NULL, 10), i;
      char buf[4096];
      mg_printf(c, "HTTP/1.1 200 OK\r\nContent-Length: %lu\r\n\r\n",
                (unsigned long) n);
      mg_iobuf_resize(&c->send, c->send.len + n);  // one allocation
      for (i = 0; i < n; i += sizeof(buf)) {
        size_t j, k = n - i < sizeof(buf) ? n - i : sizeof(buf);
        for (j = 0; j < k; j++) buf[j] = (char) (((i + j) * 7) % 251);
        mg_send(c, buf, k);
      }
      c->is_resp = 0;  // a raw response: say it is complete
    } else if (mg_match(hm->uri, mg_str("/static/#"), NULL)) {
      struct mg_http_serve_opts so;
      memset(&so, 0, sizeof(so));
      so.root_dir = s_root;
      hm->uri.buf += 7, hm->uri.len -= 7;  // strip "/static"
      mg_http_serve_dir(c, hm, &so);
    } else {
      mg_http_reply(c, 404, "", "not found\n");
    }
  } else if (ev == MG_EV_ERROR) {
    printf("error %lu %s\n", c->id, (char *) ev_data);
    fflush(stdout);
  }
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  if (argc < 3) {
    fprintf(stderr, "usage: %s https://HOST:PORT ROOT_DIR [CA.pem]\n", argv[0]);
    return 2;
  }
  s_root = argv[2];
  s_cert = mg_file_read(&mg_fs_posix, "tests/tls/server.pem");
  s_key = mg_file_read(&mg_fs_posix, "tests/tls/server.key");
  if (argc > 3) s_ca = mg_file_read(&mg_fs_posix, argv[3]);
  if (s_cert.len == 0 || s_key.len == 0) {
    fprintf(stderr, "cannot read tests/tls/server.pem/.key\n");
    return 2;
  }
  mg_mgr_init(&mgr);
  if (mg_http_listen(&mgr, argv[1], fn, NULL) == NULL) return 1;
  for (;;) mg_mgr_poll(&mgr, 100);
  return 0;
}
