// mg_http_next_multipart over real multipart/form-data bodies (as curl,
// Chrome and Firefox send them), edge cases, every truncation of a body,
// garbage, and a form POSTed over loopback to a server that walks its parts.
#include "http_test_util.h"

// Captured from `curl -F field='hello world' -F file=@up.bin -F empty=`;
// the file holds CR, LF, NUL and 0xff bytes.
static const char s_curl[] =
    "--------------------------449ab96fd3e040c7\r\n"
    "Content-Disposition: form-data; name=\"field\"\r\n"
    "\r\n"
    "hello world\r\n"
    "--------------------------449ab96fd3e040c7\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"up.bin\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "line1\r\nline2\n\0\xff end\r\n"
    "--------------------------449ab96fd3e040c7\r\n"
    "Content-Disposition: form-data; name=\"empty\"\r\n"
    "\r\n"
    "\r\n"
    "--------------------------449ab96fd3e040c7--\r\n";
static const char s_curl_file[] = "line1\r\nline2\n\0\xff end";

// The shape Chrome produces for <form enctype="multipart/form-data">: a text
// field, two files in one <input multiple> (one with a space and an escaped
// quote in its name, one empty) and a field whose value holds boundary-like
// text that is not a delimiter.
static const char s_chrome[] =
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "My \"holiday\" pictures\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"files\"; filename=\"a %22b%22.txt\"\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "first file\n--not a boundary\r\n----WebKitFormBoundary\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"files\"; filename=\"\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";

// Firefox's boundary style, and lower-case header names as some clients send.
static const char s_firefox[] =
    "-----------------------------9051914041544843365972754266\r\n"
    "content-disposition: form-data; name=\"text\"\r\n"
    "\r\n"
    "text default\r\n"
    "-----------------------------9051914041544843365972754266\r\n"
    "Content-Disposition: form-data; name=\"file1\"; filename=\"a.html\"\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<!DOCTYPE html><title>Content of a.html.</title>\n\r\n"
    "-----------------------------9051914041544843365972754266--\r\n";

struct want {
  const char *name, *filename, *body;
  size_t body_len;  // 0: strlen(body)
};

static bool eq(struct mg_str s, const char *want, size_t len) {
  if (want == NULL) return s.buf == NULL && s.len == 0;
  if (len == 0) len = strlen(want);
  return s.len == len && (len == 0 || memcmp(s.buf, want, len) == 0);
}

// Walks body and compares every part with want[0..n).
static void check_parts(const char *what, const char *buf, size_t len, const struct want *w,
                        size_t n) {
  struct mg_str body = mg_str_n(buf, len);
  struct mg_http_part part;
  size_t ofs = 0, i = 0, prev = 0;
  while ((ofs = mg_http_next_multipart(body, ofs, &part)) > 0) {
    CHECK(ofs > prev && ofs < len);  // progress, and inside the body
    prev = ofs;
    if (i < n) {
      bool ok = eq(part.name, w[i].name, 0) && eq(part.filename, w[i].filename, 0) &&
                eq(part.body, w[i].body, w[i].body_len);
      s_checks++;
      if (!ok) {
        s_failures++;
        fprintf(stderr, "FAIL %s part %d: name [%.*s] filename [%.*s] body [%.*s]\n", what,
                (int) i, (int) part.name.len, part.name.buf ? part.name.buf : "",
                (int) part.filename.len, part.filename.buf ? part.filename.buf : "",
                (int) part.body.len, part.body.buf ? part.body.buf : "");
      }
    }
    i++;
  }
  // A finished walk leaves the part empty.
  CHECK(part.name.buf == NULL && part.filename.buf == NULL && part.body.buf == NULL);
  CHECK(part.body.len == 0);
  s_checks++;
  if (i != n) s_failures++, fprintf(stderr, "FAIL %s: %d parts, want %d\n", what, (int) i, (int) n);
}

static void test_real_bodies(void) {
  static const struct want curl[] = {
      {"field", NULL, "hello world", 0},
      {"file", "up.bin", s_curl_file, sizeof(s_curl_file) - 1},
      {"empty", NULL, "", 0},
  };
  static const struct want chrome[] = {
      {"title", NULL, "My \"holiday\" pictures", 0},
      {"files", "a %22b%22.txt", "first file\n--not a boundary\r\n----WebKitFormBoundary", 0},
      {"files", "", "", 0},
  };
  static const struct want firefox[] = {
      {"text", NULL, "text default", 0},
      {"file1", "a.html", "<!DOCTYPE html><title>Content of a.html.</title>\n", 0},
  };
  check_parts("curl", s_curl, sizeof(s_curl) - 1, curl, 3);
  check_parts("chrome", s_chrome, sizeof(s_chrome) - 1, chrome, 3);
  check_parts("firefox", s_firefox, sizeof(s_firefox) - 1, firefox, 2);
}

// The offsets are those of the boundary lines, and part may be NULL.
static void test_offsets(void) {
  struct mg_str body = mg_str_n(s_curl, sizeof(s_curl) - 1);
  const char *b = "--------------------------449ab96fd3e040c7";
  size_t ofs = mg_http_next_multipart(body, 0, NULL), n = 1;
  CHECK(ofs > 0 && memcmp(s_curl + ofs, b, strlen(b)) == 0);
  while ((ofs = mg_http_next_multipart(body, ofs, NULL)) > 0) {
    CHECK(memcmp(s_curl + ofs, b, strlen(b)) == 0);
    n++;
  }
  CHECK(n == 3);
  // Out of range offsets.
  CHECK(mg_http_next_multipart(body, body.len, NULL) == 0);
  CHECK(mg_http_next_multipart(body, body.len + 100, NULL) == 0);
  CHECK(mg_http_next_multipart(body, (size_t) -1, NULL) == 0);
}

// Inputs that must end the walk at once (return 0), part left empty.
static void test_bad_input(void) {
  static const char *bad[] = {
      "",
      "no boundary at all",
      "--xyz",                            // no CRLF after the boundary
      "--xyz\r\n",                        // nothing after it
      "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n\r\n--",  // empty
      "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n",  // no blank line
      "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",  // no end
      "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--xyz",  // cut
      "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--abc--\r\n",
      "--xyz\rContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--xyz--\r\n",
      "--xyz\nContent-Disposition: form-data; name=\"a\"\n\nvalue\n--xyz--\n",  // bare LF
      "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\r\nvalue\r\n--xyz--",
      "--xyz--\r\n",  // only the closing boundary
      "\r\n\r\n\r\n\r\n",
  };
  size_t i;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct mg_http_part part;
    size_t r;
    memset(&part, 0x55, sizeof(part));
    r = mg_http_next_multipart(mg_str(bad[i]), 0, &part);
    s_checks++;
    if (r != 0) s_failures++, fprintf(stderr, "FAIL bad input %d: returned %d\n", (int) i, (int) r);
    CHECK(part.name.buf == NULL && part.filename.buf == NULL && part.body.buf == NULL);
  }
  // A NULL body view.
  CHECK(mg_http_next_multipart(mg_str_n(NULL, 0), 0, NULL) == 0);
  // Minimal valid forms, to show the inputs above fail for their flaw only.
  {
    struct mg_http_part part;
    CHECK(mg_http_next_multipart(mg_str("--x\r\n\r\nv\r\n--x--"), 0, &part) == 10);
    CHECK(eq(part.body, "v", 0) && part.name.buf == NULL);
    CHECK(mg_http_next_multipart(mg_str("--x\r\nContent-Disposition:form-data;name=n\r\n\r\n\r\n--x\r\n"),
                                 0, &part) > 0);
    CHECK(eq(part.name, "n", 0) && eq(part.body, "", 0));
  }
}

// Every prefix of a body, each in a heap block of exactly that size (so a
// read past the end would touch unowned memory), yields only whole parts.
static void test_truncations(void) {
  const char *src[] = {s_curl, s_chrome, s_firefox};
  size_t lens[] = {sizeof(s_curl) - 1, sizeof(s_chrome) - 1, sizeof(s_firefox) - 1};
  size_t k, n;
  for (k = 0; k < 3; k++) {
    size_t full_parts = 0, ofs = 0;
    while ((ofs = mg_http_next_multipart(mg_str_n(src[k], lens[k]), ofs, NULL)) > 0) full_parts++;
    for (n = 0; n <= lens[k]; n++) {
      char *buf = (char *) malloc(n + 1);
      struct mg_http_part part;
      size_t parts = 0, o = 0, ok = 1;
      memcpy(buf, src[k], n);
      while ((o = mg_http_next_multipart(mg_str_n(buf, n), o, &part)) > 0) {
        parts++;
        if (o > n || part.body.buf < buf || part.body.buf + part.body.len > buf + n) ok = 0;
      }
      if (!ok || parts > full_parts) {
        s_failures++;
        fprintf(stderr, "FAIL truncation %d/%d: %d parts\n", (int) k, (int) n, (int) parts);
      }
      free(buf);
    }
    s_checks++;
    if (full_parts == 0) s_failures++;
  }
}

// Pseudo-random garbage, and random mutations of a valid body: the walk must
// end, every offset must move forward inside the body, every view inside it.
static void test_garbage(void) {
  uint32_t seed = 12345;
  int round, bad = 0;
  for (round = 0; round < 3000; round++) {
    size_t len = sizeof(s_chrome) - 1, i, ofs = 0, prev = 0;
    char *buf = (char *) malloc(len);
    struct mg_http_part part;
    memcpy(buf, s_chrome, len);
    for (i = 0; i < (size_t) (round % 7) + 1; i++) {
      seed = seed * 1103515245u + 12345u;
      buf[(seed >> 8) % len] = "\r\n-x\"=;\0"[(seed >> 4) % 8];
    }
    if (round % 3 == 0) {  // pure noise
      for (i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (seed >> 16) % 4 == 0 ? "\r\n-"[(seed >> 8) % 3] : (char) (seed >> 8);
      }
    }
    while ((ofs = mg_http_next_multipart(mg_str_n(buf, len), ofs, &part)) > 0) {
      if (ofs <= prev || ofs >= len) bad++;
      if (part.body.len > 0 && (part.body.buf < buf || part.body.buf + part.body.len > buf + len))
        bad++;
      if (ofs <= prev) break;
      prev = ofs;
    }
    free(buf);
  }
  CHECK(bad == 0);
}

// A form POSTed over loopback; the handler walks hm->body like Mongoose's
// form-upload tutorial and reports what it found.
static void handler(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    struct mg_http_part part;
    size_t ofs = 0;
    char out[512] = "";
    size_t n = 0;
    while ((ofs = mg_http_next_multipart(hm->body, ofs, &part)) > 0) {
      n += mg_snprintf(out + n, sizeof(out) - n, "[%.*s|%.*s|%d]", (int) part.name.len,
                       part.name.buf, (int) part.filename.len, part.filename.buf,
                       (int) part.body.len);
    }
    mg_http_reply(c, 200, "", "%s", out);
  }
}

static void test_over_http(void) {
  struct server s;
  char req[2048], resp[2048];
  bool closed;
  int fd, n;
  server_start(&s, handler, NULL);
  fd = client_connect(s.port, 3000);
  n = snprintf(req, sizeof(req),
               "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
               "Content-Type: multipart/form-data; "
               "boundary=------------------------449ab96fd3e040c7\r\n\r\n",
               (int) sizeof(s_curl) - 1);
  memcpy(req + n, s_curl, sizeof(s_curl) - 1);
  CHECK(send_all(fd, req, (size_t) n + sizeof(s_curl) - 1));
  recv_responses(fd, resp, sizeof(resp), 1, &closed);
  CHECK(strstr(resp, "HTTP/1.1 200") == resp);
  CHECK(strstr(resp, "[field||11][file|up.bin|19][empty||0]") != NULL);
  close(fd);
  server_stop(&s);
}

int main(void) {
  test_real_bodies();
  test_offsets();
  test_bad_input();
  test_truncations();
  test_garbage();
  test_over_http();
  return test_summary("test_multipart");
}
