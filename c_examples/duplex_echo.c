// Full-duplex streaming over HTTP/1.1: POST /echo sends the request body
// back, as a chunked response, while the body is still arriving. Nothing is
// buffered beyond what one read brings in, so the body may be of any size.
//
// How: at MG_EV_HTTP_HDRS (the head has arrived, the body not yet) the
// handler takes the connection over from the HTTP protocol handler: it sends
// the response head, removes the request head from c->recv and sets
// c->pfn = NULL. From then on every MG_EV_READ brings raw body bytes, which
// go straight back as one chunk each. The connection closes after the last
// chunk, as it no longer speaks HTTP.
//   ./duplex_echo [url]        default url: http://0.0.0.0:8002
//   curl -sN --data-binary @bigfile localhost:8002/echo | cmp - bigfile
#include "mongoose.h"

// Per-connection state, kept in c->data.
struct echo_state {
  uint64_t remaining;  // body bytes still to come
  bool streaming;      // the connection has been taken over
};

// Sends back as much of c->recv as belongs to the body; ends the response
// once the whole body has been echoed.
static void echo_body(struct mg_connection *c) {
  struct echo_state *st = (struct echo_state *) c->data;
  size_t n = c->recv.len;
  if (n > st->remaining) n = (size_t) st->remaining;  // ignore anything after
  if (n > 0) mg_http_write_chunk(c, (char *) c->recv.buf, n);
  st->remaining -= n;
  mg_iobuf_del(&c->recv, 0, c->recv.len);
  if (st->remaining == 0) {
    mg_http_write_chunk(c, "", 0);  // last chunk
    c->is_draining = 1;             // send what is queued, then close
    st->streaming = false;
  }
}

static void start_streaming(struct mg_connection *c,
                            struct mg_http_message *hm) {
  struct echo_state *st = (struct echo_state *) c->data;
  struct mg_str *cl = mg_http_get_header(hm, "Content-Length");
  struct mg_str *expect = mg_http_get_header(hm, "Expect");
  uint64_t len = 0;
  if (cl == NULL || !mg_str_to_num(*cl, 10, &len, sizeof(len))) {
    return;  // chunked request body: left to MG_EV_HTTP_MSG below
  }
  if (expect != NULL && mg_strcasecmp(*expect, mg_str("100-continue")) == 0) {
    mg_printf(c, "HTTP/1.1 100 Continue\r\n\r\n");
  }
  mg_printf(c,
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: application/octet-stream\r\n"
            "Transfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n");
  mg_iobuf_del(&c->recv, 0, hm->head.len);  // keep only body bytes
  c->pfn = NULL;                            // raw bytes from now on
  st->remaining = len;
  st->streaming = true;
  echo_body(c);  // body bytes that came with the head, if any
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct echo_state *st = (struct echo_state *) c->data;
  if (ev == MG_EV_HTTP_HDRS) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/echo"), NULL) &&
        mg_strcmp(hm->method, mg_str("POST")) == 0) {
      start_streaming(c, hm);
    }
  } else if (ev == MG_EV_READ && c->pfn == NULL) {
    if (st->streaming) {
      echo_body(c);
    } else {
      mg_iobuf_del(&c->recv, 0, c->recv.len);  // past the body: dropped
    }
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/echo"), NULL) &&
        mg_strcmp(hm->method, mg_str("POST")) == 0) {
      // A chunked request body: not streamed, echoed once it is complete.
      mg_printf(c,
                "HTTP/1.1 200 OK\r\n"
                "Content-Type: application/octet-stream\r\n"
                "Transfer-Encoding: chunked\r\n\r\n");
      if (hm->body.len > 0) mg_http_write_chunk(c, hm->body.buf, hm->body.len);
      mg_http_write_chunk(c, "", 0);  // ends the response
    } else {
      mg_http_reply(c, 404, "", "POST a body to /echo\n");
    }
  }
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : "http://0.0.0.0:8002";
  struct mg_mgr mgr;
  mg_mgr_init(&mgr);
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return 1;
  }
  MG_INFO(("listening on %s", url));
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  return 0;
}
