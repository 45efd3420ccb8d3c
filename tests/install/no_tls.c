// The library built without TLS (-DMG_ENABLE_TLS=OFF): mg_tls_init() raises
// MG_EV_ERROR on the connection, which then closes; plain HTTP still works
// on the same manager (ctest no_tls, registered for that build only).
#include <stdio.h>
#include <string.h>

#include "mongoose.h"

static int s_tls_errors, s_closed, s_plain_ok;

static void server_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) mg_http_reply(c, 200, "", "plain\n");
  (void) ev_data;
}

static void tls_client_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_CONNECT && c->is_tls) {
    struct mg_tls_opts opts;
    memset(&opts, 0, sizeof(opts));
    mg_tls_init(c, &opts);
  } else if (ev == MG_EV_ERROR) {
    if (strstr((char *) ev_data, "TLS is not built") != NULL) s_tls_errors++;
  } else if (ev == MG_EV_CLOSE) {
    s_closed++;
  }
}

static void plain_client_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_CONNECT) {
    mg_printf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    s_plain_ok = mg_strcmp(hm->body, mg_str("plain\n")) == 0;
    c->is_draining = 1;
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
  mg_snprintf(url, sizeof(url), "https://127.0.0.1:%d", (int) mg_ntohs(srv->loc.port));
  mg_http_connect(&mgr, url, tls_client_fn, NULL);
  mg_snprintf(url, sizeof(url), "http://127.0.0.1:%d", (int) mg_ntohs(srv->loc.port));
  mg_http_connect(&mgr, url, plain_client_fn, NULL);
  end = mg_millis() + 10000;
  while ((s_closed == 0 || !s_plain_ok) && mg_millis() < end) mg_mgr_poll(&mgr, 20);
  mg_mgr_free(&mgr);
  printf("TLS errors %d, TLS client closed %d, plain request ok %d\n", s_tls_errors, s_closed,
         s_plain_ok);
  return s_tls_errors == 1 && s_closed == 1 && s_plain_ok ? 0 : 1;
}
