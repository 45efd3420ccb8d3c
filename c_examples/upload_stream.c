// Streaming upload: POST or PUT /upload/NAME saves the request body as
// DIR/NAME while it arrives, so a body of any size (gigabytes) is stored
// with a few kilobytes of memory. Only bodies with a Content-Length are taken.
//
// How (the Mongoose way): at MG_EV_HTTP_HDRS the head has arrived and the body
// not yet. The handler opens the file, deletes the head from c->recv and sets
// c->pfn = NULL, which detaches the HTTP protocol handler. From then on every
// MG_EV_READ brings raw body bytes: they are written to the file and deleted
// from c->recv. When Content-Length bytes have been stored the handler replies
// and closes the connection (it no longer speaks HTTP). A connection that
// closes early leaves no partial file behind.
//   ./upload_stream [url] [dir]     defaults: http://0.0.0.0:8003 and .
//   curl -T bigfile localhost:8003/upload/bigfile
#include "mongoose.h"

static const char *s_dir = ".";

// Per-connection state, kept in c->data (MG_DATA_SIZE bytes).
struct upload {
  FILE *fp;            // file being written; NULL when not uploading
  char *path;          // final path (malloc'ed); the file is NAME.part until done
  uint64_t remaining;  // body bytes still to come
  uint64_t total;      // Content-Length
};

// The name the body is written to while it arrives, so that an incomplete
// file never sits under the final name.
static const char *part_path(struct mg_connection *c) {
  static char path[MG_PATH_MAX];
  struct upload *up = (struct upload *) c->data;
  mg_snprintf(path, sizeof(path), "%s.part", up->path);
  return path;
}

// Ends an upload: closes the file and either gives it its final name (ok) or
// deletes it. Returns ok, or false when closing or renaming failed.
static bool finish(struct mg_connection *c, bool ok) {
  struct upload *up = (struct upload *) c->data;
  if (up->fp != NULL && fclose(up->fp) != 0) ok = false;
  up->fp = NULL;
  if (ok && rename(part_path(c), up->path) != 0) ok = false;
  if (!ok) remove(part_path(c));
  free(up->path);
  up->path = NULL;
  return ok;
}

// Writes the body bytes in c->recv to the file and deletes them from c->recv.
static void store(struct mg_connection *c) {
  struct upload *up = (struct upload *) c->data;
  size_t n = c->recv.len;
  if (up->fp == NULL) {  // past the body, or after an error: discard
    mg_iobuf_del(&c->recv, 0, c->recv.len);
    return;
  }
  if (n > up->remaining) n = (size_t) up->remaining;  // ignore anything after
  if (n > 0 && fwrite(c->recv.buf, 1, n, up->fp) != n) {
    finish(c, false);
    mg_http_reply(c, 500, "", "write error\n");
    c->is_draining = 1;
    return;
  }
  up->remaining -= n;
  mg_iobuf_del(&c->recv, 0, c->recv.len);
  if (up->remaining == 0) {
    if (finish(c, true)) {
      mg_http_reply(c, 201, "", "%llu bytes saved\n", (unsigned long long) up->total);
    } else {
      mg_http_reply(c, 500, "", "write error\n");
    }
    c->is_draining = 1;  // send the reply, then close
  }
}

// MG_EV_HTTP_HDRS of an upload request: checks it and takes the connection
// over from the HTTP handler.
static void start(struct mg_connection *c, struct mg_http_message *hm) {
  struct upload *up = (struct upload *) c->data;
  struct mg_str *cl = mg_http_get_header(hm, "Content-Length");
  struct mg_str *expect = mg_http_get_header(hm, "Expect");
  struct mg_str name = mg_str_n(hm->uri.buf + 8, hm->uri.len - 8);  // "/upload/"
  char decoded[256];
  uint64_t len = 0;
  int n = mg_url_decode(name.buf, name.len, decoded, sizeof(decoded), 0);
  if (cl == NULL || !mg_str_to_num(*cl, 10, &len, sizeof(len))) {
    return;  // no Content-Length: answered at MG_EV_HTTP_MSG below
  }
  if (n <= 0 || strlen(decoded) != (size_t) n || strchr(decoded, '/') != NULL || strchr(decoded, '\\') != NULL ||
      decoded[0] == '.' || !mg_path_is_sane(mg_str(decoded))) {
    return;  // bad name: answered at MG_EV_HTTP_MSG below
  }
  up->path = mg_mprintf("%s/%s", s_dir, decoded);
  if (up->path == NULL || (up->fp = fopen(part_path(c), "wb")) == NULL) {
    free(up->path);
    up->path = NULL;
    return;  // answered at MG_EV_HTTP_MSG below
  }
  if (expect != NULL && mg_strcasecmp(*expect, mg_str("100-continue")) == 0) {
    mg_printf(c, "HTTP/1.1 100 Continue\r\n\r\n");
  }
  MG_INFO(("%lu receiving %llu bytes into %s", c->id, (unsigned long long) len, up->path));
  up->remaining = up->total = len;
  mg_iobuf_del(&c->recv, 0, hm->head.len);  // keep only body bytes
  c->pfn = NULL;                            // raw MG_EV_READ from now on
  store(c);  // body bytes that came with the head, if any
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_HDRS) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    bool is_upload = mg_strcmp(hm->method, mg_str("POST")) == 0 ||
                     mg_strcmp(hm->method, mg_str("PUT")) == 0;
    if (is_upload && hm->uri.len > 8 && mg_match(hm->uri, mg_str("/upload/*"), NULL)) {
      start(c, hm);
    }
  } else if (ev == MG_EV_READ && c->pfn == NULL) {
    store(c);
  } else if (ev == MG_EV_HTTP_MSG) {
    // Whatever start() did not take: a request we do not store.
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/upload/*"), NULL)) {
      mg_http_reply(c, 400, "", "need POST /upload/NAME with a Content-Length\n");
    } else {
      mg_http_reply(c, 404, "", "not found\n");
    }
  } else if (ev == MG_EV_CLOSE) {
    struct upload *up = (struct upload *) c->data;
    if (up->fp != NULL) {  // the peer went away mid-body
      MG_ERROR(("%lu upload cut short, %llu bytes missing", c->id,
                (unsigned long long) up->remaining));
      finish(c, false);
    }
  }
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  const char *url = argc > 1 ? argv[1] : "http://0.0.0.0:8003";
  if (argc > 2) s_dir = argv[2];
  mg_mgr_init(&mgr);
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return 1;
  }
  MG_INFO(("saving uploads to %s; listening on %s", s_dir, url));
  for (;;) mg_mgr_poll(&mgr, 100);
  mg_mgr_free(&mgr);
  return 0;
}
