// HTTP client: fetches one URL, prints the status, the headers and the body,
// and exits.
//   ./http_client [url]      default url: http://127.0.0.1:8000/api/hello
// Exit code: 0 when a complete response arrived (whatever its status),
// 1 on a connection error or timeout.
#include "mongoose.h"

static const uint64_t s_timeout_ms = 5000;  // connect + response

struct result {
  const char *url;
  bool done;     // set by the handler: stop polling
  bool success;  // a complete response was received
};

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct result *res = (struct result *) c->fn_data;
  if (ev == MG_EV_OPEN) {
    *(uint64_t *) c->data = mg_millis() + s_timeout_ms;  // deadline
  } else if (ev == MG_EV_POLL) {
    if (mg_millis() > *(uint64_t *) c->data && !res->done) {
      mg_error(c, "timeout");
    }
  } else if (ev == MG_EV_CONNECT) {
    struct mg_str host = mg_url_host(res->url);
    unsigned short port = mg_url_port(res->url);
    mg_printf(c,
              "GET %s HTTP/1.1\r\n"
              "Host: %.*s:%u\r\n"
              "Connection: close\r\n"
              "\r\n",
              mg_url_uri(res->url), (int) host.len, host.buf, (unsigned) port);
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    size_t i;
    printf("%d %.*s\n", mg_http_status(hm), (int) hm->proto.len,
           hm->proto.buf);
    for (i = 0; i < MG_MAX_HTTP_HEADERS && hm->headers[i].name.len > 0; i++) {
      struct mg_http_header *h = &hm->headers[i];
      printf("%.*s: %.*s\n", (int) h->name.len, h->name.buf,
             (int) h->value.len, h->value.buf);
    }
    printf("\n");
    fwrite(hm->body.buf, 1, hm->body.len, stdout);
    c->is_draining = 1;  // close the connection
    res->success = true;
    res->done = true;
  } else if (ev == MG_EV_ERROR) {
    res->done = true;  // the library has logged the error (ev_data)
  } else if (ev == MG_EV_CLOSE) {
    res->done = true;  // closed before a response: success stays false
  }
}

int main(int argc, char *argv[]) {
  struct result res = {"http://127.0.0.1:8000/api/hello", false, false};
  struct mg_mgr mgr;
  if (argc > 1) res.url = argv[1];
  mg_mgr_init(&mgr);
  if (mg_http_connect(&mgr, res.url, fn, &res) == NULL) {
    res.done = true;  // mg_http_connect has logged why
  }
  while (!res.done) mg_mgr_poll(&mgr, 50);
  mg_mgr_free(&mgr);
  fflush(stdout);
  return res.success ? 0 : 1;
}
