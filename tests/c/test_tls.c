// TLS from C, our client against our server over loopback, with the test
// certificates in tests/tls/: c->is_tls follows the URL scheme; HTTPS
// requests with MG_EV_TLS_HS once per side and c->is_tls_hs during the
// handshake; session resumption across connections made with the same
// options; certificate and host name verification failures, and
// skip_verification; two-way TLS; WebSocket over wss://; garbage and
// plaintext sent to a TLS port; bad options to mg_tls_init(), reported on
// every call; and the raw mg_io_send()/mg_io_recv().
#include "test_util.h"

static struct mg_str s_ca, s_other_ca, s_cert, s_key, s_client_cert,
    s_client_key, s_v1_cert, s_v1_key;

// What a server requires of its clients.
struct server_cfg {
  bool two_way;
  struct mg_str cert, key;  // empty: the test certificate and key
  int hs, errors;
};

static void server_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct server_cfg *cfg = (struct server_cfg *) c->fn_data;
  if (ev == MG_EV_ACCEPT && c->is_tls) {
    struct mg_tls_opts opts;
    memset(&opts, 0, sizeof(opts));
    opts.cert = cfg->cert.len ? cfg->cert : s_cert;
    opts.key = cfg->key.len ? cfg->key : s_key;
    if (cfg->two_way) opts.ca = s_ca;
    mg_tls_init(c, &opts);
  } else if (ev == MG_EV_TLS_HS) {
    cfg->hs++;
  } else if (ev == MG_EV_ERROR) {
    cfg->errors++;
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/ws"), NULL)) {
      mg_ws_upgrade(c, hm, NULL);
    } else {
      mg_http_reply(c, 200, "", "secret %.*s", (int) hm->uri.len,
                    hm->uri.buf);
    }
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    mg_ws_send(c, wm->data.buf, wm->data.len, WEBSOCKET_OP_TEXT);
  }
}

struct client {
  const char *url;
  struct mg_tls_opts opts;
  bool no_tls_init;
  int hs, errors, msgs, ws_opens;
  bool hs_flag_at_connect, hs_flag_after, closed;
  char error_msg[200];
  char body[256];
};

static void client_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct client *cl = (struct client *) c->fn_data;
  if (ev == MG_EV_CONNECT) {
    if (!cl->no_tls_init) mg_tls_init(c, &cl->opts);
    cl->hs_flag_at_connect = c->is_tls_hs;
    if (!c->is_websocket && strstr(cl->url, "/ws") == NULL) {
      mg_printf(c, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n",
                mg_url_uri(cl->url));
    }
  } else if (ev == MG_EV_TLS_HS) {
    cl->hs++;
    cl->hs_flag_after = c->is_tls_hs;
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    cl->msgs++;
    snprintf(cl->body, sizeof(cl->body), "%.*s", (int) hm->body.len,
             hm->body.buf);
    c->is_draining = 1;
  } else if (ev == MG_EV_WS_OPEN) {
    cl->ws_opens++;
    mg_ws_send(c, "over wss", 8, WEBSOCKET_OP_TEXT);
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    cl->msgs++;
    snprintf(cl->body, sizeof(cl->body), "%.*s", (int) wm->data.len,
             wm->data.buf);
    c->is_draining = 1;
  } else if (ev == MG_EV_ERROR) {
    cl->errors++;
    snprintf(cl->error_msg, sizeof(cl->error_msg), "%s", (char *) ev_data);
  } else if (ev == MG_EV_CLOSE) {
    cl->closed = true;
  }
}

static struct mg_str file(const char *path) {
  struct mg_str s = mg_file_read(&mg_fs_posix, path);
  if (s.len == 0) fprintf(stderr, "cannot read %s\n", path);
  CHECK(s.len > 0);
  return s;
}

// Starts an HTTPS listener on a free port; fills url_base "https://localhost:PORT".
static struct mg_connection *listen_https(struct mg_mgr *mgr,
                                          struct server_cfg *cfg,
                                          char *base, size_t len) {
  struct mg_connection *l =
      mg_http_listen(mgr, "https://127.0.0.1:0", server_fn, cfg);
  CHECK(l != NULL && l->is_tls);
  if (l == NULL) return NULL;
  snprintf(base, len, "localhost:%d", mg_ntohs(l->loc.port));
  return l;
}

// Runs one client connection to completion (closed) and returns it.
static void run_client(struct mg_mgr *mgr, struct client *cl, bool ws) {
  struct mg_connection *c =
      ws ? mg_ws_connect(mgr, cl->url, client_fn, cl, NULL)
         : mg_http_connect(mgr, cl->url, client_fn, cl);
  uint64_t end = mg_millis() + 5000;
  CHECK(c != NULL && c->is_tls);
  while (!cl->closed && mg_millis() < end) mg_mgr_poll(mgr, 10);
  CHECK(cl->closed);
}

static void init_client(struct client *cl, const char *url) {
  memset(cl, 0, sizeof(*cl));
  cl->url = url;
  cl->opts.ca = s_ca;
  cl->opts.name = mg_str("localhost");
}

static void test_https_roundtrip(void) {
  struct mg_mgr mgr;
  struct server_cfg cfg;
  struct client cl;
  char base[64], url[128];
  memset(&cfg, 0, sizeof(cfg));
  mg_mgr_init(&mgr);
  listen_https(&mgr, &cfg, base, sizeof(base));
  snprintf(url, sizeof(url), "https://%s/a/b", base);
  init_client(&cl, url);
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0);
  CHECK(cl.hs == 1 && cfg.hs == 1);
  CHECK(cl.hs_flag_at_connect && !cl.hs_flag_after);
  CHECK(cl.msgs == 1);
  CHECK_STR(cl.body, "secret /a/b");

  // A certificate for 127.0.0.1 too; no name: the chain is still checked.
  snprintf(url, sizeof(url), "https://127.0.0.1:%s/ip", strchr(base, ':') + 1);
  init_client(&cl, url);
  cl.opts.name = mg_str("127.0.0.1");
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0 && cl.msgs == 1);
  CHECK_STR(cl.body, "secret /ip");
  init_client(&cl, url);
  cl.opts.name = mg_str("");
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0 && cl.msgs == 1);
  mg_mgr_free(&mgr);
}

static void test_verification(void) {
  struct mg_mgr mgr;
  struct server_cfg cfg;
  struct client cl;
  char base[64], url[128];
  memset(&cfg, 0, sizeof(cfg));
  mg_mgr_init(&mgr);
  listen_https(&mgr, &cfg, base, sizeof(base));
  snprintf(url, sizeof(url), "https://%s/x", base);

  init_client(&cl, url);  // an unrelated CA
  cl.opts.ca = s_other_ca;
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 1 && cl.msgs == 0 && cl.hs == 0);
  CHECK(strstr(cl.error_msg, "certificate") != NULL);

  init_client(&cl, url);  // the certificate is not for this name
  cl.opts.name = mg_str("example.com");
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 1 && cl.msgs == 0 && cl.hs == 0);
  CHECK(strstr(cl.error_msg, "certificate") != NULL);

  init_client(&cl, url);  // the same CA and name, checks skipped
  cl.opts.ca = s_other_ca;
  cl.opts.name = mg_str("example.com");
  cl.opts.skip_verification = 1;
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0 && cl.msgs == 1 && cl.hs == 1);

  init_client(&cl, url);  // a TLS URL without mg_tls_init(): no plaintext
  cl.no_tls_init = true;
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 1 && cl.msgs == 0);
  CHECK(strstr(cl.error_msg, "mg_tls_init") != NULL);
  mg_mgr_free(&mgr);
}

static void test_two_way(void) {
  struct mg_mgr mgr;
  struct server_cfg cfg;
  struct client cl;
  char base[64], url[128];
  memset(&cfg, 0, sizeof(cfg));
  cfg.two_way = true;
  mg_mgr_init(&mgr);
  listen_https(&mgr, &cfg, base, sizeof(base));
  snprintf(url, sizeof(url), "https://%s/2way", base);

  init_client(&cl, url);  // no client certificate: refused
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 1 && cl.msgs == 0);
  CHECK(cfg.errors >= 1 && cfg.hs == 0);

  init_client(&cl, url);
  cl.opts.cert = s_client_cert;
  cl.opts.key = s_client_key;
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0 && cl.msgs == 1 && cfg.hs == 1);
  CHECK_STR(cl.body, "secret /2way");
  mg_mgr_free(&mgr);
}

static void test_wss(void) {
  struct mg_mgr mgr;
  struct server_cfg cfg;
  struct client cl;
  char base[64], url[128];
  memset(&cfg, 0, sizeof(cfg));
  mg_mgr_init(&mgr);
  listen_https(&mgr, &cfg, base, sizeof(base));
  snprintf(url, sizeof(url), "wss://%s/ws", base);
  init_client(&cl, url);
  run_client(&mgr, &cl, true);
  CHECK(cl.errors == 0 && cl.ws_opens == 1 && cl.hs == 1);
  CHECK(cl.msgs == 1);
  CHECK_STR(cl.body, "over wss");
  mg_mgr_free(&mgr);
}

// Blocking raw TCP: sends data and waits for the server to close. True when
// it closed within the time and sent no "HTTP/" back.
static bool closed_cleanly(struct mg_mgr *mgr, int port, const char *data,
                           size_t len) {
  int fd = tcp_connect(port, 0);
  char buf[512];
  bool eof = false, http = false;
  uint64_t end = mg_millis() + 5000;
  CHECK(fd >= 0);
  if (fd < 0) return false;
  CHECK(send(fd, data, len, 0) == (ssize_t) len);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  while (!eof && mg_millis() < end) {
    ssize_t n;
    mg_mgr_poll(mgr, 5);
    while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
      if (n >= 5 && memcmp(buf, "HTTP/", 5) == 0) http = true;
    }
    if (n == 0 || (n < 0 && errno != EAGAIN)) eof = true;
  }
  close(fd);
  return eof && !http;
}

static void test_garbage(void) {
  struct mg_mgr mgr;
  struct server_cfg cfg;
  struct client cl;
  struct mg_connection *c;
  char base[64], url[128], junk[3000];
  size_t i;
  int port;
  uint64_t end;
  memset(&cfg, 0, sizeof(cfg));
  mg_mgr_init(&mgr);
  listen_https(&mgr, &cfg, base, sizeof(base));
  port = atoi(strchr(base, ':') + 1);
  // A TLS client connected first, then the garbage, then its request.
  snprintf(url, sizeof(url), "https://%s/later", base);
  init_client(&cl, url);
  c = mg_http_connect(&mgr, url, client_fn, &cl);
  end = mg_millis() + 3000;
  while (cl.hs == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 5);
  CHECK(cl.hs == 1);
  for (i = 0; i < sizeof(junk); i++) junk[i] = (char) (i * 31 + 7);
  CHECK(closed_cleanly(&mgr, port, junk, sizeof(junk)));
  {
    const char *req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK(closed_cleanly(&mgr, port, req, strlen(req)));
  }
  CHECK(cfg.errors == 2);
  end = mg_millis() + 3000;
  while (!cl.closed && mg_millis() < end) mg_mgr_poll(&mgr, 5);
  CHECK(cl.errors == 0 && cl.msgs == 1);
  CHECK_STR(cl.body, "secret /later");
  (void) c;
  mg_mgr_free(&mgr);
}

// Log lines, to check that mg_tls_init() errors are logged as errors.
static char s_log[8192];
static size_t s_log_len;
static void log_fn(char ch, void *arg) {
  (void) arg;
  if (s_log_len + 1 < sizeof(s_log)) s_log[s_log_len++] = ch, s_log[s_log_len] = 0;
}

// The library's debug line for each completed handshake, counted by kind.
static char s_line[512];
static size_t s_line_len;
static int s_hs_full, s_hs_resumed;
static void hs_log_fn(char ch, void *arg) {
  (void) arg;
  if (ch != '\n') {
    if (s_line_len + 1 < sizeof(s_line)) s_line[s_line_len++] = ch;
    return;
  }
  s_line[s_line_len] = 0, s_line_len = 0;
  if (strstr(s_line, "TLS handshake done") == NULL) return;
  if (strstr(s_line, ", resumed") != NULL) s_hs_resumed++;
  if (strstr(s_line, ", full") != NULL) s_hs_full++;
}

// A second connection made with the same options resumes the first one's
// session (the options' config, with its session caches, is shared), on
// both sides; one with other client options does not.
static void test_resumption(void) {
  struct mg_mgr mgr;
  struct server_cfg cfg;
  struct client cl;
  char base[64], url[128];
  int saved = mg_log_level;
  memset(&cfg, 0, sizeof(cfg));
  mg_log_set_fn(hs_log_fn, NULL);
  mg_log_set(MG_LL_DEBUG);
  mg_mgr_init(&mgr);
  listen_https(&mgr, &cfg, base, sizeof(base));
  snprintf(url, sizeof(url), "https://%s/r", base);
  init_client(&cl, url);  // the first test to connect: no session yet
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0 && cl.msgs == 1);
  CHECK(s_hs_full == 2 && s_hs_resumed == 0);  // client and server

  init_client(&cl, url);
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0 && cl.msgs == 1 && cl.hs == 1);
  CHECK_STR(cl.body, "secret /r");
  CHECK(s_hs_full == 2 && s_hs_resumed == 2);

  init_client(&cl, url);  // other options: a config and sessions of its own
  cl.opts.skip_verification = 1;
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0 && cl.msgs == 1);
  CHECK(s_hs_full == 4 && s_hs_resumed == 2);
  CHECK(cfg.hs == 3 && cfg.errors == 0);
  mg_mgr_free(&mgr);
  mg_log_set_fn(NULL, NULL);
  mg_log_set(saved);
}

static void test_bad_opts(void) {
  struct mg_mgr mgr;
  struct server_cfg cfg;
  struct client cl;
  char base[64], url[128];
  struct mg_connection *l;
  int saved = mg_log_level;
  mg_log_set_fn(log_fn, NULL);
  mg_log_set(MG_LL_ERROR);
  memset(&cfg, 0, sizeof(cfg));
  cfg.cert = mg_str("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
  mg_mgr_init(&mgr);
  l = listen_https(&mgr, &cfg, base, sizeof(base));
  snprintf(url, sizeof(url), "https://%s/x", base);
  init_client(&cl, url);
  run_client(&mgr, &cl, false);
  CHECK(cfg.errors == 1 && cl.msgs == 0 && cl.errors == 1);
  CHECK(strstr(s_log, "TLS setup: cert") != NULL);
  init_client(&cl, url);  // the same bad options fail again, not cached
  run_client(&mgr, &cl, false);
  CHECK(cfg.errors == 2 && cl.msgs == 0 && cl.errors == 1);
  cfg.errors = 0;

  cfg.cert = s_cert, cfg.key = mg_str("junk"), cfg.errors = 0;  // a bad key
  init_client(&cl, url);
  run_client(&mgr, &cl, false);
  CHECK(cfg.errors == 1 && cl.msgs == 0);
  CHECK(strstr(s_log, "TLS setup: key") != NULL);

  cfg.cert = s_client_key, cfg.key = s_key, cfg.errors = 0;  // not a cert
  init_client(&cl, url);
  run_client(&mgr, &cl, false);
  CHECK(cfg.errors == 1 && cl.msgs == 0);

  init_client(&cl, url);  // NULL opts, from the client side
  cl.no_tls_init = true;
  {
    struct mg_connection *c = mg_http_connect(&mgr, url, NULL, NULL);
    CHECK(c != NULL);
    mg_tls_init(c, NULL);
    CHECK(c->is_closing && c->tls == NULL);
  }
  mg_tls_init(l, &cl.opts);  // a listener cannot start TLS
  CHECK(l->is_closing);
  mg_tls_init(NULL, &cl.opts);  // logged, no crash
  CHECK(strstr(s_log, "opts is NULL") != NULL);
  CHECK(strstr(s_log, "c is NULL") != NULL);
  mg_mgr_free(&mgr);
  mg_log_set_fn(NULL, NULL);
  mg_log_set(saved);
}

// A server presents an X.509 version 1 certificate (as Mongoose's
// device-dashboard ships): its own certificate needs no path validation,
// only its key must match. A client trusting it as a CA still refuses it as
// an end-entity certificate (webpki, like browsers, takes v3 only); with
// skip_verification it connects.
static void test_v1_cert(void) {
  struct mg_mgr mgr;
  struct server_cfg cfg;
  struct client cl;
  char base[64], url[128];
  memset(&cfg, 0, sizeof(cfg));
  cfg.cert = s_v1_cert, cfg.key = s_v1_key;
  mg_mgr_init(&mgr);
  listen_https(&mgr, &cfg, base, sizeof(base));
  snprintf(url, sizeof(url), "https://%s/v1", base);
  init_client(&cl, url);
  cl.opts.skip_verification = 1;
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 0 && cl.msgs == 1 && cl.hs == 1 && cfg.errors == 0);
  CHECK_STR(cl.body, "secret /v1");
  init_client(&cl, url);
  cl.opts.ca = s_v1_cert;
  run_client(&mgr, &cl, false);
  CHECK(cl.errors == 1 && cl.msgs == 0);
  CHECK(strstr(cl.error_msg, "certificate") != NULL);
  // A key that is not the certificate's: refused at setup. (First let the
  // server see the refused client's alert, which it counts as an error.)
  {
    uint64_t end = mg_millis() + 200;
    while (mg_millis() < end) mg_mgr_poll(&mgr, 10);
  }
  cfg.key = s_key, cfg.errors = 0;
  init_client(&cl, url);
  cl.opts.skip_verification = 1;
  run_client(&mgr, &cl, false);
  CHECK(cfg.errors == 1 && cl.msgs == 0);
  mg_mgr_free(&mgr);
}

static void test_is_tls_from_url(void) {
  struct mg_mgr mgr;
  struct mg_connection *l, *c;
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", NULL, NULL);
  CHECK(l != NULL && !l->is_tls);
  l = mg_listen(&mgr, "tls://127.0.0.1:0", NULL, NULL);
  CHECK(l != NULL && l->is_tls && l->tls == NULL);
  c = mg_connect(&mgr, "http://127.0.0.1:1", NULL, NULL);
  CHECK(c != NULL && !c->is_tls);
  c = mg_connect(&mgr, "wss://127.0.0.1:1", NULL, NULL);
  CHECK(c != NULL && c->is_tls);
  CHECK(MG_TLS == MG_TLS_BUILTIN);
  mg_mgr_free(&mgr);
}

static void raw_client(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  if (ev == MG_EV_CONNECT) *(bool *) c->fn_data = true;
}

static void test_io_send_recv(void) {
  struct mg_mgr mgr;
  struct mg_connection *l, *c;
  char url[64], buf[16];
  bool connected = false;
  long n = MG_IO_WAIT;
  uint64_t end;
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", NULL, NULL);
  CHECK(l != NULL);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  c = mg_connect(&mgr, url, raw_client, &connected);
  CHECK(poll_until(&mgr, &connected, 3000));
  CHECK(mg_io_recv(c, buf, sizeof(buf)) == MG_IO_WAIT);
  CHECK(mg_io_send(c, "ping", 4) == 4);
  // The accepted side is the newest connection; it has no handler, so the
  // bytes the event loop reads stay in its c->recv.
  end = mg_millis() + 3000;
  while (mg_millis() < end) {
    mg_mgr_poll(&mgr, 0);
    if (mgr.conns != c && mgr.conns != l && mgr.conns->recv.len >= 4) {
      n = (long) mgr.conns->recv.len;
      memcpy(buf, mgr.conns->recv.buf, 4);
      break;
    }
  }
  CHECK(n == 4 && memcmp(buf, "ping", 4) == 0);
  CHECK(mg_io_send(NULL, "x", 1) == MG_IO_ERR);
  CHECK(mg_io_recv(NULL, buf, 1) == MG_IO_ERR);
  CHECK(mg_tls_send(c, "x", 1) == MG_IO_ERR);  // no TLS on this connection
  CHECK(mg_tls_recv(c, buf, 1) == MG_IO_ERR);
  CHECK(mg_tls_pending(c) == 0);
  mg_mgr_free(&mgr);
}

int main(void) {
  s_ca = file("tests/tls/ca.pem");
  s_other_ca = file("tests/tls/other-ca.pem");
  s_cert = file("tests/tls/server.pem");
  s_key = file("tests/tls/server.key");
  s_client_cert = file("tests/tls/client.pem");
  s_client_key = file("tests/tls/client.key");
  s_v1_cert = file("tests/tls/v1.pem");
  s_v1_key = file("tests/tls/v1.key");
  test_is_tls_from_url();
  test_resumption();  // first: it counts full handshakes
  test_https_roundtrip();
  test_verification();
  test_two_way();  // after: a client's session for a one-way server must not
                   // let it into a two-way one without a certificate
  test_wss();
  test_garbage();
  test_bad_opts();
  test_io_send_recv();
  test_v1_cert();
  return test_summary("test_tls");
}
