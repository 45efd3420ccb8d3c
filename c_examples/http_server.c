// A small REST-style HTTP server keeping a list of items in memory.
//   ./http_server [url] [-s https_url] [-c cert.pem] [-k key.pem]
//     url        plain HTTP listener, default http://0.0.0.0:8000
//     -s URL     also serve the same API over TLS on URL (https://...)
//     -c, -k     certificate and key files (PEM or DER) for TLS; default
//                tests/tls/server.pem and tests/tls/server.key
//
//   curl --cacert tests/tls/ca.pem https://localhost:8443/api/hello
//                                            (with -s https://0.0.0.0:8443)
//   curl localhost:8000/api/hello            -> {"message":"hello","version":"7.22"}
//   curl -d 'buy milk' localhost:8000/api/items   -> 201 {"id":1}
//   curl localhost:8000/api/items            -> ["buy milk"]
//   curl localhost:8000/api/stats            -> requests, connections, items
//   curl localhost:8000/bench                -> fixed short body (benchmarks)
// Anything else gets 404.
#include "mongoose.h"

#define MAX_ITEMS 1000
#define MAX_ITEM_SIZE 1024

// The body of /bench. bench/run.sh configures nginx to return the same bytes.
#define BENCH_BODY "Hello, World!\n"

static const char *s_json = "Content-Type: application/json\r\n";

static char *s_items[MAX_ITEMS];  // NUL-terminated copies of POST bodies
static size_t s_num_items;
static unsigned long s_requests;     // HTTP requests answered
static unsigned long s_connections;  // currently open client connections
static uint64_t s_start_ms;
static struct mg_tls_opts s_tls;     // cert and key for the -s listener

// %M printer: the item list as a JSON array of strings.
static size_t print_items(mg_pfn_t out, void *arg, va_list *ap) {
  size_t i, n = 0;
  (void) ap;
  n += mg_xprintf(out, arg, "[");
  for (i = 0; i < s_num_items; i++) {
    n += mg_xprintf(out, arg, "%s%m", i == 0 ? "" : ",", MG_ESC(s_items[i]));
  }
  n += mg_xprintf(out, arg, "]");
  return n;
}

static void add_item(struct mg_connection *c, struct mg_http_message *hm) {
  char *item;
  if (hm->body.len == 0 || hm->body.len > MAX_ITEM_SIZE ||
      memchr(hm->body.buf, '\0', hm->body.len) != NULL) {
    mg_http_reply(c, 400, s_json, "{%m:%m}\n", MG_ESC("error"),
                  MG_ESC("body must be 1..1024 bytes of text"));
  } else if (s_num_items >= MAX_ITEMS) {
    mg_http_reply(c, 507, s_json, "{%m:%m}\n", MG_ESC("error"),
                  MG_ESC("list is full"));
  } else if ((item = (char *) calloc(1, hm->body.len + 1)) == NULL) {
    mg_http_reply(c, 500, s_json, "{%m:%m}\n", MG_ESC("error"),
                  MG_ESC("out of memory"));
  } else {
    memcpy(item, hm->body.buf, hm->body.len);
    s_items[s_num_items++] = item;
    mg_http_reply(c, 201, s_json, "{%m:%lu}\n", MG_ESC("id"),
                  (unsigned long) s_num_items);
  }
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_ACCEPT) {
    s_connections++;
    // Connections accepted on the https:// listener have c->is_tls set.
    if (c->is_tls) mg_tls_init(c, &s_tls);
  } else if (ev == MG_EV_CLOSE && c->is_accepted) {
    s_connections--;
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    bool get = mg_strcmp(hm->method, mg_str("GET")) == 0;
    bool post = mg_strcmp(hm->method, mg_str("POST")) == 0;
    s_requests++;
    if (mg_match(hm->uri, mg_str("/bench"), NULL)) {
      mg_http_reply(c, 200, "Content-Type: text/plain\r\n", BENCH_BODY);
    } else if (mg_match(hm->uri, mg_str("/api/hello"), NULL) && get) {
      mg_http_reply(c, 200, s_json, "{%m:%m,%m:%m}\n", MG_ESC("message"),
                    MG_ESC("hello"), MG_ESC("version"), MG_ESC(MG_VERSION));
    } else if (mg_match(hm->uri, mg_str("/api/items"), NULL) && get) {
      mg_http_reply(c, 200, s_json, "%M\n", print_items);
    } else if (mg_match(hm->uri, mg_str("/api/items"), NULL) && post) {
      add_item(c, hm);
    } else if (mg_match(hm->uri, mg_str("/api/items"), NULL)) {
      mg_http_reply(c, 405, "Allow: GET, POST\r\n", "method not allowed\n");
    } else if (mg_match(hm->uri, mg_str("/api/stats"), NULL) && get) {
      mg_http_reply(c, 200, s_json, "{%m:%lu,%m:%lu,%m:%lu,%m:%llu}\n",
                    MG_ESC("requests"), s_requests, MG_ESC("connections"),
                    s_connections, MG_ESC("items"), (unsigned long) s_num_items,
                    MG_ESC("uptime_ms"),
                    (unsigned long long) (mg_millis() - s_start_ms));
    } else {
      mg_http_reply(c, 404, s_json, "{%m:%m}\n", MG_ESC("error"),
                    MG_ESC("not found"));
    }
  }
}

// Reads a whole file for the TLS options; exits when it cannot.
static struct mg_str read_file(const char *path) {
  struct mg_str s = mg_file_read(&mg_fs_posix, path);
  if (s.buf == NULL) {
    MG_ERROR(("cannot read %s", path));
    exit(1);
  }
  return s;
}

int main(int argc, char *argv[]) {
  const char *url = "http://0.0.0.0:8000", *https_url = NULL;
  const char *cert = "tests/tls/server.pem", *key = "tests/tls/server.key";
  struct mg_mgr mgr;
  size_t i;
  int a;
  for (a = 1; a < argc; a++) {
    if (strcmp(argv[a], "-s") == 0 && a + 1 < argc) {
      https_url = argv[++a];
    } else if (strcmp(argv[a], "-c") == 0 && a + 1 < argc) {
      cert = argv[++a];
    } else if (strcmp(argv[a], "-k") == 0 && a + 1 < argc) {
      key = argv[++a];
    } else if (argv[a][0] != '-') {
      url = argv[a];
    } else {
      MG_ERROR(("usage: %s [url] [-s https_url] [-c cert] [-k key]", argv[0]));
      return 1;
    }
  }
  mg_mgr_init(&mgr);
  s_start_ms = mg_millis();
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return 1;
  }
  MG_INFO(("listening on %s", url));
  if (https_url != NULL || mg_url_is_ssl(url)) {
    s_tls.cert = read_file(cert);
    s_tls.key = read_file(key);
  }
  if (https_url != NULL) {
    if (mg_http_listen(&mgr, https_url, fn, NULL) == NULL) {
      // The library has logged why; once is enough.
      return 1;
    }
    MG_INFO(("listening on %s (TLS: %s, %s)", https_url, cert, key));
  }
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  for (i = 0; i < s_num_items; i++) free(s_items[i]);
  free((void *) s_tls.cert.buf);
  free((void *) s_tls.key.buf);
  return 0;
}
