// TLS from C: c->is_tls follows the URL scheme (listeners, clients and the
// connections a listener accepts), mg_tls_init() on a connection it cannot
// serve gives MG_EV_ERROR and a close, and mg_io_send()/mg_io_recv() move
// raw bytes.
#include "test_util.h"

struct state {
  int accepted_tls, errors, closes;
  bool connected, done;
  char error_msg[128];
  char got[64];
  long got_len;
};

static void server_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct state *s = (struct state *) c->fn_data;
  if (ev == MG_EV_ACCEPT) {
    s->accepted_tls += c->is_tls ? 1 : 0;
    mg_tls_init(c, NULL);  // NULL opts: an error on this connection
  }
  if (ev == MG_EV_ERROR && !c->is_listening) {
    s->errors++;
    strncpy(s->error_msg, (char *) ev_data, sizeof(s->error_msg) - 1);
  }
  if (ev == MG_EV_CLOSE && !c->is_listening) s->closes++;
}

static void raw_client(struct mg_connection *c, int ev, void *ev_data) {
  struct state *s = (struct state *) c->fn_data;
  (void) ev_data;
  if (ev == MG_EV_CONNECT) s->connected = true;
}

static void test_is_tls_from_url(void) {
  struct mg_mgr mgr;
  struct state s;
  struct mg_connection *l, *c;
  char url[64];
  memset(&s, 0, sizeof(s));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", NULL, NULL);
  CHECK(l != NULL && !l->is_tls);
  l = mg_listen(&mgr, "https://127.0.0.1:0", server_fn, &s);
  CHECK(l != NULL && l->is_tls && l->tls == NULL);
  snprintf(url, sizeof(url), "tls://127.0.0.1:%d", mg_ntohs(l->loc.port));
  c = mg_connect(&mgr, url, raw_client, &s);
  CHECK(c != NULL && c->is_tls);
  c = mg_connect(&mgr, "http://127.0.0.1:1", NULL, NULL);
  CHECK(c != NULL && !c->is_tls);
  c = mg_connect(&mgr, "wss://127.0.0.1:1", NULL, NULL);
  CHECK(c != NULL && c->is_tls);
  {
    uint64_t end = mg_millis() + 3000;
    while (s.closes == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  }
  CHECK(s.accepted_tls == 1);
  CHECK(s.errors == 1);
  CHECK(s.closes == 1);
  CHECK(s.error_msg[0] != '\0');
  mg_mgr_free(&mgr);
}

static void test_io_send_recv(void) {
  struct mg_mgr mgr;
  struct state s;
  struct mg_connection *l, *c;
  char url[64], buf[16];
  long n = MG_IO_WAIT;
  uint64_t end;
  memset(&s, 0, sizeof(s));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", NULL, NULL);
  CHECK(l != NULL);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  c = mg_connect(&mgr, url, raw_client, &s);
  CHECK(poll_until(&mgr, &s.connected, 3000));
  CHECK(mg_io_recv(c, buf, sizeof(buf)) == MG_IO_WAIT);
  CHECK(mg_io_send(c, "ping", 4) == 4);
  // The accepted side is the newest connection; it has no handler, so the
  // bytes the event loop reads stay in its c->recv.
  end = mg_millis() + 3000;
  while (mg_millis() < end) {
    mg_mgr_poll(&mgr, 0);
    if (mgr.conns != c && mgr.conns != l) {
      if (mgr.conns->recv.len >= 4) {
        n = (long) mgr.conns->recv.len;
        memcpy(buf, mgr.conns->recv.buf, 4);
        break;
      }
    }
  }
  CHECK(n == 4 && memcmp(buf, "ping", 4) == 0);
  CHECK(mg_io_send(NULL, "x", 1) == MG_IO_ERR);
  CHECK(mg_io_recv(NULL, buf, 1) == MG_IO_ERR);
  CHECK(mg_tls_send(c, "x", 1) == MG_IO_ERR);  // no TLS on this connection
  CHECK(mg_tls_pending(c) == 0);
  mg_mgr_free(&mgr);
}

int main(void) {
  test_is_tls_from_url();
  test_io_send_recv();
  return test_summary("test_tls");
}
