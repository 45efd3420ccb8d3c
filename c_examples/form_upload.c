// File upload from an HTML form (multipart/form-data), in the style of
// Mongoose's file-upload-html-form tutorial: the whole request arrives as
// one MG_EV_HTTP_MSG, mg_http_next_multipart() walks its parts, and every
// part that carries a file name is saved to DIR under that name. The reply
// lists what was received. Bodies are limited by MG_MAX_RECV_SIZE; for
// larger files see upload_stream.c.
//   ./form_upload [url] [dir]      defaults: http://0.0.0.0:8004 and .
//   open http://localhost:8004/ in a browser, or:
//   curl -F note=hi -F file=@photo.jpg localhost:8004/upload
#include "mongoose.h"

static const char *s_dir = ".";

static const char *s_form =
    "<!DOCTYPE html><html><body>\n"
    "<form method=\"POST\" action=\"/upload\" enctype=\"multipart/form-data\">\n"
    "  <input type=\"text\" name=\"note\" placeholder=\"note\">\n"
    "  <input type=\"file\" name=\"file\" multiple>\n"
    "  <input type=\"submit\" value=\"Upload\">\n"
    "</form></body></html>\n";

// A file name from a form is the client's: only a plain name is accepted
// (no directories, no dot files).
static bool good_name(struct mg_str name) {
  size_t i;
  if (name.len == 0 || name.len > 200 || name.buf[0] == '.') return false;
  for (i = 0; i < name.len; i++) {
    if (name.buf[i] == '/' || name.buf[i] == '\\' || name.buf[i] == '\0') return false;
  }
  return mg_path_is_sane(name);
}

static void handle_upload(struct mg_connection *c, struct mg_http_message *hm) {
  struct mg_http_part part;
  size_t ofs = 0, n = 0;
  char report[2048] = "";
  int files = 0, errors = 0;
  while ((ofs = mg_http_next_multipart(hm->body, ofs, &part)) > 0) {
    MG_INFO(("part [%.*s] filename [%.*s] %lu bytes", (int) part.name.len, part.name.buf,
             (int) part.filename.len, part.filename.buf, (unsigned long) part.body.len));
    if (part.filename.buf == NULL) {  // a plain form field
      n += mg_snprintf(report + n, sizeof(report) - n, "field %.*s: %lu bytes\n",
                       (int) part.name.len, part.name.buf, (unsigned long) part.body.len);
    } else if (part.filename.len == 0) {
      continue;  // a file input left empty
    } else if (!good_name(part.filename)) {
      errors++;
      n += mg_snprintf(report + n, sizeof(report) - n, "refused file name %.*s\n",
                       (int) part.filename.len, part.filename.buf);
    } else {
      char path[MG_PATH_MAX];
      mg_snprintf(path, sizeof(path), "%s/%.*s", s_dir, (int) part.filename.len,
                  part.filename.buf);
      if (mg_file_write(&mg_fs_posix, path, part.body.buf, part.body.len)) {
        files++;
        n += mg_snprintf(report + n, sizeof(report) - n, "saved %.*s: %lu bytes\n",
                         (int) part.filename.len, part.filename.buf,
                         (unsigned long) part.body.len);
      } else {
        errors++;
        n += mg_snprintf(report + n, sizeof(report) - n, "cannot save %.*s\n",
                         (int) part.filename.len, part.filename.buf);
      }
    }
    if (n >= sizeof(report)) n = sizeof(report) - 1;
  }
  mg_http_reply(c, errors > 0 ? 400 : files > 0 ? 201 : 200, "Content-Type: text/plain\r\n",
                "%s", report);
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/upload"), NULL)) {
      handle_upload(c, hm);
    } else if (mg_match(hm->uri, mg_str("/"), NULL)) {
      mg_http_reply(c, 200, "Content-Type: text/html\r\n", "%s", s_form);
    } else {
      mg_http_reply(c, 404, "", "not found\n");
    }
  }
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  const char *url = argc > 1 ? argv[1] : "http://0.0.0.0:8004";
  if (argc > 2) s_dir = argv[2];
  mg_mgr_init(&mgr);
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return 1;
  }
  MG_INFO(("saving uploaded files to %s; listening on %s", s_dir, url));
  for (;;) mg_mgr_poll(&mgr, 100);
  mg_mgr_free(&mgr);
  return 0;
}
