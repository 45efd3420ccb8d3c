// mg_http_serve_dir / mg_http_serve_file over loopback: MIME types,
// validators and 304, ranges (206/416), HEAD, precompressed files, index and
// listing (escaped), extra headers, page404, root mappings, SSI, and path
// traversal in its plain, encoded and symlink forms.
#include "test_serve_util.h"

#define BIG_SIZE 204800  // above the inline limit: streamed

static char s_root[256], s_root2[256], s_p404[300], s_afile[300];

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct mg_http_message *hm = (struct mg_http_message *) ev_data;
  struct mg_http_serve_opts o;
  char mapping[600];
  if (ev != MG_EV_HTTP_MSG) return;
  memset(&o, 0, sizeof(o));
  o.extra_headers = "X-Extra: yes\r\n";
  if (mg_match(hm->uri, mg_str("/api/#"), NULL)) {
    mg_http_reply(c, 200, "", "api\n");
  } else if (mg_match(hm->uri, mg_str("/serve/a"), NULL)) {
    o.mime_types = "foo=a/b,txt=c/d";
    mg_http_serve_file(c, hm, s_afile, &o);
  } else if (mg_match(hm->uri, mg_str("/serve/star"), NULL)) {
    o.mime_types = "*=a/b";
    mg_http_serve_file(c, hm, s_afile, &o);
  } else if (mg_match(hm->uri, mg_str("/serve/missing"), NULL)) {
    mg_http_serve_file(c, hm, "/nonexistent/file.txt", &o);
  } else if (mg_match(hm->uri, mg_str("/nf/#"), NULL)) {
    snprintf(mapping, sizeof(mapping), "/nf=%s", s_root);
    o.root_dir = mapping;
    o.page404 = s_p404;
    mg_http_serve_dir(c, hm, &o);
  } else if (mg_match(hm->uri, mg_str("/badroot"), NULL)) {
    o.root_dir = "/nonexistent-root-dir";
    mg_http_serve_dir(c, hm, &o);
  } else {
    // The root first, then the mapping: the usual form in Mongoose programs.
    snprintf(mapping, sizeof(mapping), "%s,/m=%s", s_root, s_root2);
    o.root_dir = mapping;
    o.ssi_pattern = "#.shtml";
    mg_http_serve_dir(c, hm, &o);
  }
}

static void setup(void) {
  static char big[BIG_SIZE];
  size_t i;
  make_base("serve");
  snprintf(s_root, sizeof(s_root), "%s/root", s_base);
  snprintf(s_root2, sizeof(s_root2), "%s/root2", s_base);
  snprintf(s_p404, sizeof(s_p404), "%s/404.html", s_base);
  snprintf(s_afile, sizeof(s_afile), "%s/root/a.txt", s_base);
  put_dir("root");
  put_dir("root2");
  put_dir("secret");
  put_str("secret/secret.txt", "TOPSECRET\n");
  put_str("secret.txt", "TOPSECRET\n");  // next to root, as in "root/../"
  put_str("404.html", "<h1>custom 404</h1>\n");
  put_str("root/a.txt", "hello\n");
  put_str("root/b.js", "var x;\n");
  put_str("root/c.css", "p{}\n");
  put_str("root/d.png", "PNG");
  put_str("root/e.json", "{}");
  put_str("root/noext", "plain\n");
  put_str("root/f.HTML", "<p>upper</p>\n");
  put_str("root/g.txt", "plain text\n");
  put_str("root/g.txt.gz", "GZDATA");
  put_str("root/onlygz.txt.gz", "ONLYGZ");
  for (i = 0; i < BIG_SIZE; i++) big[i] = (char) pattern(i);
  put_file("root/big.bin", big, BIG_SIZE);
  put_dir("root/dredir");
  put_str("root/dredir/index.html", "hi\n");
  put_dir("root/gzdir");
  put_str("root/gzdir/index.html.gz", "GZINDEX");
  put_dir("root/dir");
  put_str("root/dir/x&y<z>.txt", "esc\n");
  put_str("root/dir/sp ace.txt", "12345");
  put_str("root/dir/\"q'.txt", "q");
  put_dir("root/dir/sub");
  put_dir("root/ssi");
  put_str("root/ssi/index.shtml",
          "top\n<!--#include file=\"part.html\" -->"
          "<!--#include virtual=\"/ssi/v.html\" -->"
          "<!--#include file=\"recurse.shtml\" -->"
          "<!--#include file=\"../../secret.txt\" -->end\n");
  put_str("root/ssi/part.html", "part\n");
  put_str("root/ssi/v.html", "virtual\n");
  put_str("root/ssi/recurse.shtml", "recurse\n<!--#include file=\"recurse.shtml\" -->");
  put_str("root2/m.txt", "mapped\n");
  put_dir("root/..hidden");
  put_str("root/..hidden/x.txt", "dotdot dir\n");
  {
    char target[512], link[512];
    snprintf(target, sizeof(target), "%s/a.txt", s_root);
    snprintf(link, sizeof(link), "%s/in_link.txt", s_root);
    CHECK(symlink(target, link) == 0);
    snprintf(target, sizeof(target), "%s/secret/secret.txt", s_base);
    snprintf(link, sizeof(link), "%s/out_link.txt", s_root);
    CHECK(symlink(target, link) == 0);
    snprintf(target, sizeof(target), "%s/secret", s_base);
    snprintf(link, sizeof(link), "%s/out_dir", s_root);
    CHECK(symlink(target, link) == 0);
    snprintf(link, sizeof(link), "%s/rel_out", s_root);
    CHECK(symlink("../secret", link) == 0);
    snprintf(link, sizeof(link), "%s/dangling", s_root);
    CHECK(symlink("/nonexistent/zzz", link) == 0);
  }
}

static void test_basics(int port) {
  struct resp r;
  char v[256];
  CHECK(get(port, "/a.txt", "", &r) == 200);
  CHECK(r.complete && strcmp(r.body, "hello\n") == 0);
  CHECK(has_header(&r, "Content-Type", "text/plain; charset=utf-8"));
  CHECK(has_header(&r, "Content-Length", "6"));
  CHECK(has_header(&r, "X-Extra", "yes"));
  CHECK(header(r.head, "Etag", v, sizeof(v)) != NULL && v[0] == '"');
  CHECK(header(r.head, "Last-Modified", v, sizeof(v)) != NULL && strstr(v, " GMT") != NULL);
  CHECK(header(r.head, "Connection", v, sizeof(v)) == NULL);  // kept alive
  free_resp(&r);
  CHECK(get(port, "/a.txt", "Connection: close\r\n", &r) == 200);
  CHECK(r.complete && has_header(&r, "Connection", "close"));
  free_resp(&r);

  CHECK(get(port, "/%61.txt", "", &r) == 200);  // percent-decoded
  CHECK(strcmp(r.body, "hello\n") == 0);
  free_resp(&r);
  CHECK(get(port, "/a.txt?x=1&y=../../", "", &r) == 200);  // query ignored
  free_resp(&r);
  CHECK(get(port, "/in_link.txt", "", &r) == 200);  // a link inside the root
  CHECK(strcmp(r.body, "hello\n") == 0);
  free_resp(&r);
  CHECK(get(port, "/api/x", "", &r) == 200);  // handler routes still work
  free_resp(&r);
}

static void test_mime(int port) {
  static const struct {
    const char *uri, *type;
  } cases[] = {
      {"/b.js", "text/javascript; charset=utf-8"},
      {"/c.css", "text/css; charset=utf-8"},
      {"/d.png", "image/png"},
      {"/e.json", "application/json"},
      {"/noext", "text/plain; charset=utf-8"},
      {"/f.HTML", "text/html; charset=utf-8"},
      {"/big.bin", "application/octet-stream"},
      {"/serve/a", "c/d"},   // mime_types "foo=a/b,txt=c/d"
      {"/serve/star", "a/b"},  // "*=a/b"
  };
  size_t i;
  struct resp r;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char v[128];
    CHECK(get(port, cases[i].uri, "", &r) == 200);
    CHECK(header(r.head, "Content-Type", v, sizeof(v)) != NULL);
    CHECK_STR(v, cases[i].type);
    free_resp(&r);
  }
  CHECK(get(port, "/serve/missing", "", &r) == 404);
  CHECK(has_header(&r, "X-Extra", "yes"));
  free_resp(&r);
}

static void test_conditional(int port) {
  struct resp r;
  char etag[128], lm[128], hdr[300];
  CHECK(get(port, "/a.txt", "", &r) == 200);
  CHECK(header(r.head, "Etag", etag, sizeof(etag)) != NULL);
  CHECK(header(r.head, "Last-Modified", lm, sizeof(lm)) != NULL);
  free_resp(&r);

  snprintf(hdr, sizeof(hdr), "If-None-Match: %s\r\n", etag);
  CHECK(get(port, "/a.txt", hdr, &r) == 304);
  CHECK(r.body_len == 0 && has_header(&r, "X-Extra", "yes"));
  CHECK(header(r.head, "Content-Length", hdr, sizeof(hdr)) == NULL);
  CHECK(header(r.head, "Content-Type", hdr, sizeof(hdr)) == NULL);
  CHECK(has_header(&r, "Etag", etag));
  free_resp(&r);
  snprintf(hdr, sizeof(hdr), "If-None-Match: \"zzz\", W/%s\r\n", etag);
  CHECK(get(port, "/a.txt", hdr, &r) == 304);
  free_resp(&r);
  CHECK(get(port, "/a.txt", "If-None-Match: *\r\n", &r) == 304);
  free_resp(&r);
  CHECK(get(port, "/a.txt", "If-None-Match: \"other\"\r\n", &r) == 200);
  free_resp(&r);
  snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s\r\n", lm);
  CHECK(get(port, "/a.txt", hdr, &r) == 304);
  free_resp(&r);
  CHECK(get(port, "/a.txt", "If-Modified-Since: Thu, 01 Jan 1970 00:00:01 GMT\r\n", &r) == 200);
  free_resp(&r);
  // If-None-Match wins over If-Modified-Since
  snprintf(hdr, sizeof(hdr), "If-None-Match: \"other\"\r\nIf-Modified-Since: %s\r\n", lm);
  CHECK(get(port, "/a.txt", hdr, &r) == 200);
  free_resp(&r);
  // HEAD with a current validator: 304 too
  snprintf(hdr, sizeof(hdr), "HEAD /a.txt HTTP/1.1\r\nIf-None-Match: %s\r\n\r\n", etag);
  CHECK(fetch(port, hdr, &r) == 304);
  free_resp(&r);
}

static void test_head(int port) {
  struct resp r;
  CHECK(fetch(port, "HEAD /a.txt HTTP/1.1\r\nConnection: close\r\n\r\n", &r) == 200);
  CHECK(has_header(&r, "Content-Length", "6") && r.body_len == 0);
  free_resp(&r);
  // Nothing follows the head: the connection closes right after it.
  {
    int fd = client_connect(port, 3000);
    char buf[4096];
    bool closed;
    size_t n;
    const char *req = "HEAD /big.bin HTTP/1.1\r\nConnection: close\r\n\r\n";
    send_all(fd, req, strlen(req));
    n = recv_all(fd, buf, sizeof(buf), &closed);
    CHECK(closed && n > 0 && strstr(buf, "Content-Length: 204800\r\n") != NULL);
    CHECK(strstr(buf, "\r\n\r\n") + 4 == buf + n);
    close(fd);
  }
  CHECK(fetch(port, "HEAD /dir/ HTTP/1.1\r\nConnection: close\r\n\r\n", &r) == 200);
  CHECK(r.body_len == 0);
  free_resp(&r);
  CHECK(fetch(port, "HEAD /missing HTTP/1.1\r\n\r\n", &r) == 404);
  free_resp(&r);
}

static void test_ranges(int port) {
  struct resp r;
  char v[128], etag[128], hdr[256];
  CHECK(get(port, "/big.bin", "Range: bytes=0-9\r\n", &r) == 206);
  CHECK(r.body_len == 10 && is_pattern(r.body, 10, 0));
  CHECK(has_header(&r, "Content-Range", "bytes 0-9/204800"));
  CHECK(has_header(&r, "Content-Length", "10"));
  free_resp(&r);
  CHECK(get(port, "/big.bin", "Range: bytes=-10\r\n", &r) == 206);
  CHECK(r.body_len == 10 && is_pattern(r.body, 10, BIG_SIZE - 10));
  CHECK(has_header(&r, "Content-Range", "bytes 204790-204799/204800"));
  free_resp(&r);
  CHECK(get(port, "/big.bin", "Range: bytes=204790-\r\n", &r) == 206);
  CHECK(r.body_len == 10 && is_pattern(r.body, 10, BIG_SIZE - 10));
  free_resp(&r);
  CHECK(get(port, "/big.bin", "Range: bytes=204000-99999999999\r\n", &r) == 206);
  CHECK(r.body_len == 800 && has_header(&r, "Content-Range", "bytes 204000-204799/204800"));
  free_resp(&r);
  // A range larger than the inline limit: streamed from an offset
  CHECK(get(port, "/big.bin", "Range: bytes=1000-150999\r\n", &r) == 206);
  CHECK(r.complete && r.body_len == 150000 && is_pattern(r.body, 150000, 1000));
  free_resp(&r);
  CHECK(get(port, "/a.txt", "Range: bytes=1-3\r\n", &r) == 206);
  CHECK(strcmp(r.body, "ell") == 0);
  free_resp(&r);

  // Unsatisfiable: 416 with the size
  CHECK(get(port, "/big.bin", "Range: bytes=204800-\r\n", &r) == 416);
  CHECK(has_header(&r, "Content-Range", "bytes */204800"));
  CHECK(has_header(&r, "X-Extra", "yes"));
  free_resp(&r);
  CHECK(get(port, "/big.bin", "Range: bytes=-0\r\n", &r) == 416);
  free_resp(&r);
  CHECK(get(port, "/big.bin", "Range: bytes=99999999999999999999999-\r\n", &r) == 416);
  free_resp(&r);
  // Invalid or multiple ranges are ignored: the whole file
  {
    static const char *ignored[] = {"bytes=9-5",   "bytes=-5-10", "bytes=0-1,5-6",
                                    "bytes=a-b",   "items=0-1",   "bytes=-",
                                    "bytes=+1-2", "bytes 0-1"};
    size_t i;
    for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
      snprintf(hdr, sizeof(hdr), "Range: %s\r\n", ignored[i]);
      CHECK(get(port, "/a.txt", hdr, &r) == 200);
      CHECK(strcmp(r.body, "hello\n") == 0);
      free_resp(&r);
    }
  }
  // If-Range: honoured only when the validator is current
  CHECK(get(port, "/a.txt", "", &r) == 200);
  header(r.head, "Etag", etag, sizeof(etag));
  free_resp(&r);
  snprintf(hdr, sizeof(hdr), "Range: bytes=0-0\r\nIf-Range: %s\r\n", etag);
  CHECK(get(port, "/a.txt", hdr, &r) == 206);
  free_resp(&r);
  CHECK(get(port, "/a.txt", "Range: bytes=0-0\r\nIf-Range: \"old\"\r\n", &r) == 200);
  free_resp(&r);
  // Range applies to GET only
  CHECK(fetch(port, "HEAD /a.txt HTTP/1.1\r\nRange: bytes=0-0\r\n\r\n", &r) == 200);
  CHECK(has_header(&r, "Content-Length", "6"));
  free_resp(&r);
  CHECK(get(port, "/a.txt", "", &r) == 200 && header(r.head, "Accept-Ranges", v, sizeof(v)));
  free_resp(&r);
}

static void test_gzip(int port) {
  struct resp r;
  CHECK(get(port, "/g.txt", "", &r) == 200);
  CHECK(strcmp(r.body, "plain text\n") == 0);
  CHECK(!has_header(&r, "Content-Encoding", "gzip"));
  free_resp(&r);
  CHECK(get(port, "/g.txt", "Accept-Encoding: deflate, gzip\r\n", &r) == 200);
  CHECK(strcmp(r.body, "GZDATA") == 0);
  CHECK(has_header(&r, "Content-Encoding", "gzip"));
  CHECK(has_header(&r, "Content-Type", "text/plain; charset=utf-8"));
  CHECK(has_header(&r, "Vary", "Accept-Encoding"));
  free_resp(&r);
  CHECK(get(port, "/g.txt", "Accept-Encoding: gzip;q=0, br\r\n", &r) == 200);
  CHECK(strcmp(r.body, "plain text\n") == 0);
  free_resp(&r);
  CHECK(get(port, "/onlygz.txt", "Accept-Encoding: gzip\r\n", &r) == 200);
  CHECK(strcmp(r.body, "ONLYGZ") == 0);
  free_resp(&r);
  CHECK(get(port, "/onlygz.txt", "", &r) == 404);
  free_resp(&r);
  CHECK(get(port, "/gzdir/", "Accept-Encoding: gzip\r\n", &r) == 200);
  CHECK(strcmp(r.body, "GZINDEX") == 0);
  CHECK(has_header(&r, "Content-Type", "text/html; charset=utf-8"));
  CHECK(has_header(&r, "Content-Encoding", "gzip"));
  free_resp(&r);
  CHECK(fetch(port, "HEAD /g.txt HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n", &r) == 200);
  CHECK(has_header(&r, "Content-Encoding", "gzip") && has_header(&r, "Content-Length", "6"));
  free_resp(&r);
}

static void test_dirs(int port) {
  struct resp r;
  CHECK(get(port, "/dredir", "", &r) == 301);
  CHECK(has_header(&r, "Location", "/dredir/"));
  CHECK(has_header(&r, "X-Extra", "yes"));
  free_resp(&r);
  CHECK(get(port, "/dredir/", "", &r) == 200);
  CHECK(strcmp(r.body, "hi\n") == 0);
  CHECK(has_header(&r, "Content-Type", "text/html; charset=utf-8"));
  free_resp(&r);

  CHECK(get(port, "/dir/", "", &r) == 200);
  CHECK(has_header(&r, "Content-Type", "text/html; charset=utf-8"));
  CHECK(has_header(&r, "X-Extra", "yes"));
  CHECK(strstr(r.body, ">Index of /dir/<") != NULL);
  CHECK(strstr(r.body, "href=\"x%26y%3cz%3e.txt\">x&amp;y&lt;z&gt;.txt<") != NULL);
  CHECK(strstr(r.body, "href=\"sp%20ace.txt\">sp ace.txt<") != NULL);
  CHECK(strstr(r.body, "&quot;q&#39;.txt<") != NULL);
  CHECK(strstr(r.body, "<z>") == NULL && strstr(r.body, "\"q'") == NULL);
  CHECK(strstr(r.body, "href=\"sub/\">sub/<") != NULL);
  CHECK(strstr(r.body, ">5<") != NULL);        // size of "sp ace.txt"
  CHECK(strstr(r.body, " GMT<") != NULL);      // modification dates
  CHECK(strstr(r.body, "href=\"../\"") != NULL);
  free_resp(&r);
  CHECK(get(port, "/dir/sub/", "", &r) == 200);
  CHECK(strstr(r.body, ">Index of /dir/sub/<") != NULL);
  free_resp(&r);
  CHECK(get(port, "/", "", &r) == 200);  // the root lists too
  CHECK(strstr(r.body, ">Index of /<") != NULL && strstr(r.body, ">a.txt<") != NULL);
  free_resp(&r);
  CHECK(get(port, "/%3Cscript%3E/", "", &r) == 404);  // a missing directory
  CHECK(strstr(r.body, "<script>") == NULL);
  free_resp(&r);
}

static void test_404_and_mappings(int port) {
  struct resp r;
  CHECK(get(port, "/missing.txt", "", &r) == 404);
  CHECK(strcmp(r.body, "Not found\n") == 0 && has_header(&r, "X-Extra", "yes"));
  free_resp(&r);
  CHECK(get(port, "/nf/missing.txt", "", &r) == 404);
  CHECK(strcmp(r.body, "<h1>custom 404</h1>\n") == 0);
  CHECK(has_header(&r, "Content-Type", "text/html; charset=utf-8"));
  CHECK(has_header(&r, "X-Extra", "yes"));
  free_resp(&r);
  CHECK(get(port, "/nf/a.txt", "", &r) == 200);  // "/nf=root" mapping
  CHECK(strcmp(r.body, "hello\n") == 0);
  free_resp(&r);
  CHECK(get(port, "/badroot", "", &r) == 404);
  free_resp(&r);

  CHECK(get(port, "/m/m.txt", "", &r) == 200);  // "root,/m=root2"
  CHECK(strcmp(r.body, "mapped\n") == 0);
  free_resp(&r);
  CHECK(get(port, "/m", "", &r) == 301);
  CHECK(has_header(&r, "Location", "/m/"));
  free_resp(&r);
  CHECK(get(port, "/m/", "", &r) == 200);
  CHECK(strstr(r.body, ">m.txt<") != NULL);
  free_resp(&r);
  CHECK(get(port, "/m.txt", "", &r) == 404);  // not under the mapping
  free_resp(&r);
  CHECK(get(port, "/mm/m.txt", "", &r) == 404);  // "/m" matches whole segments only
  free_resp(&r);
  CHECK(get(port, "/m/../a.txt", "", &r) == 400);
  free_resp(&r);
}

static void test_ssi(int port) {
  struct resp r;
  CHECK(get(port, "/ssi/", "", &r) == 200);  // index.shtml, as SSI is on
  CHECK(has_header(&r, "Content-Type", "text/html; charset=utf-8"));
  CHECK(strncmp(r.body, "top\npart\nvirtual\nrecurse\n", 25) == 0);
  CHECK(count_substr(r.body, "recurse\n") == 4);  // bounded depth
  CHECK(strstr(r.body, "TOPSECRET") == NULL);      // "../" includes refused
  CHECK(strstr(r.body, "end\n") != NULL);
  free_resp(&r);
  CHECK(get(port, "/ssi/part.html", "", &r) == 200);  // not matching the pattern
  CHECK(strcmp(r.body, "part\n") == 0);
  free_resp(&r);
}

// Requests that try to leave the root: each is refused (400) or not found
// (404), and no response carries the secret.
static void test_traversal(int port) {
  static const struct {
    const char *target;
    int status;  // 0: 400 or 404
  } cases[] = {
      {"/../secret.txt", 400},
      {"/../secret/secret.txt", 400},
      {"/%2e%2e/secret.txt", 400},
      {"/%2E%2E/secret.txt", 400},
      {"/.%2e/secret.txt", 400},
      {"/%2e./secret.txt", 400},
      {"/..%2fsecret.txt", 400},
      {"/%2e%2e%2fsecret.txt", 400},
      {"/..%2f..%2f..%2fetc%2fpasswd", 400},
      {"/dir/..%2f..%2fsecret.txt", 400},
      {"/dir/%2e%2e/%2e%2e/secret.txt", 400},
      {"/..%5csecret.txt", 400},
      {"/dir%5c..%5c..%5csecret.txt", 400},
      {"/a.txt%00.html", 400},
      {"/%00", 400},
      {"/..", 400},
      {"/%2e%2e", 400},
      {"/..;/secret.txt", 400},
      {"/..hidden/x.txt", 400},  // as Mongoose: any "/.." prefix is refused
      {"/%zz/secret.txt", 400},
      {"/%", 400},
      {"/dir/../../secret.txt", 400},
      {"//etc/passwd", 404},
      {"/etc/passwd", 404},
      {"/%2fetc%2fpasswd", 404},
      {"/%252e%252e/secret.txt", 404},  // decoded once only
      {"/%c0%ae%c0%ae/secret.txt", 404},
      {"/~/secret.txt", 404},
      {"/out_link.txt", 404},        // symlink to a file outside
      {"/out_dir/secret.txt", 404},  // through a symlinked directory
      {"/out_dir/", 404},
      {"/rel_out/secret.txt", 404},  // relative link "../secret"
      {"/dangling", 404},
      {"/nf/../secret.txt", 400},
      {"/m/%2e%2e/secret.txt", 400},
      {"/./.././secret.txt", 400},
      {"/dir/./../../secret.txt", 400},
      {"http://x/../secret.txt", 0},
      {"/..\\secret.txt", 0},
  };
  size_t i;
  int n = 0;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct resp r;
    char req[512];
    int st;
    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", cases[i].target);
    st = fetch(port, req, &r);
    if (cases[i].status != 0) {
      if (st != cases[i].status) fprintf(stderr, "  %s -> %d\n", cases[i].target, st);
      CHECK(st == cases[i].status);
    } else {
      CHECK(st == 400 || st == 404);
    }
    CHECK(r.body == NULL || strstr(r.body, "TOPSECRET") == NULL);
    free_resp(&r);
    n++;
  }
  CHECK(n >= 20);
  // The server is still fine afterwards
  {
    struct resp r;
    CHECK(get(port, "/a.txt", "", &r) == 200);
    free_resp(&r);
  }
}

int main(void) {
  struct server srv;
  mg_log_set(MG_LL_ERROR);
  setup();
  server_start(&srv, fn, NULL);
  test_basics(srv.port);
  test_mime(srv.port);
  test_conditional(srv.port);
  test_head(srv.port);
  test_ranges(srv.port);
  test_gzip(srv.port);
  test_dirs(srv.port);
  test_404_and_mappings(srv.port);
  test_ssi(srv.port);
  test_traversal(srv.port);
  server_stop(&srv);
  remove_base();
  return test_summary("test_serve");
}
