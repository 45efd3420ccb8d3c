// Malformed and request-smuggling inputs sent over a raw socket to an HTTP
// server. Each row gives the bytes, the status line of the last response,
// and how many requests the handler may see: the server must answer the bad
// request, close the connection, and never read what follows it as another
// request. Afterwards the server must still serve a normal request.
#include "http_test_util.h"

static int s_msgs;  // MG_EV_HTTP_MSG events, updated by the server thread

static void handler(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    int n = __atomic_add_fetch(&s_msgs, 1, __ATOMIC_SEQ_CST);
    mg_http_reply(c, 200, "", "ok %d\n", n);
  }
  (void) ev_data;
}

struct row {
  const char *name;
  const char *raw;
  size_t len;
  const char *status;  // status line of the last response, without reason
  int msgs;            // requests the handler must see
};

// String literals may hold NUL bytes: the length comes from sizeof.
#define R(name, raw, status, msgs) {name, raw, sizeof(raw) - 1, status, msgs}
#define H "Host: x\r\n"

static const struct row s_rows[] = {
    // Request line.
    R("method only", "GET\r\n\r\n", "HTTP/1.1 400", 0),
    R("no version", "GET /\r\n\r\n", "HTTP/1.1 400", 0),
    R("no method", "/ HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("leading space", " GET / HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("double space", "GET  / HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("trailing space", "GET / HTTP/1.1 \r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("tab separator", "GET\t/ HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("bad method char", "G(T / HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("control in method", "GE\x01T / HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("HTTP/2.0", "GET / HTTP/2.0\r\n" H "\r\n", "HTTP/1.1 505", 0),
    R("HTTP/3.0", "GET / HTTP/3.0\r\n" H "\r\n", "HTTP/1.1 505", 0),
    R("HTTP/0.9", "GET / HTTP/0.9\r\n" H "\r\n", "HTTP/1.1 505", 0),
    R("HTTP/1.x", "GET / HTTP/1.x\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("HTTP/1.10", "GET / HTTP/1.10\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("HTTP/11", "GET / HTTP/11\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("lowercase http", "GET / http/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("NUL in target", "GET /a\0b HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("DEL in target", "GET /a\x7f HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    // Header syntax.
    R("header without colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", "HTTP/1.1 400", 0),
    R("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", "HTTP/1.1 400", 0),
    R("tab before colon", "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", "HTTP/1.1 400", 0),
    R("empty header name", "GET / HTTP/1.1\r\n: x\r\n\r\n", "HTTP/1.1 400", 0),
    R("control in name", "GET / HTTP/1.1\r\nX-\x01: y\r\n\r\n", "HTTP/1.1 400", 0),
    R("NUL in value", "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", "HTTP/1.1 400", 0),
    R("control in value", "GET / HTTP/1.1\r\nX: a\x01" "b\r\n\r\n", "HTTP/1.1 400", 0),
    R("DEL in value", "GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", "HTTP/1.1 400", 0),
    R("obs-fold space", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", "HTTP/1.1 400", 0),
    R("obs-fold tab", "GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", "HTTP/1.1 400", 0),
    // Bare LF line ends are accepted (RFC 9112 section 2.2, as Mongoose and
    // nginx do); a bare CR is not.
    R("bare LF line ends", "GET / HTTP/1.0\n\n", "HTTP/1.1 200", 1),
    R("mixed line ends", "GET / HTTP/1.1\nHost: x\r\nConnection: close\n\r\n", "HTTP/1.1 200", 1),
    R("bare LF, then a bad request", "GET / HTTP/1.1\n" H "\nGET ! HTTP/1.1\n\n", "HTTP/1.1 400", 1),
    R("LF-only head", "GET / HTTP/1.1\nHost: x\nConnection: close\n\n", "HTTP/1.1 200", 1),
    R("bare CR in head", "GET / HTTP/1.1\rHost: x\r\n\r\n", "HTTP/1.1 400", 0),
    R("duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "HTTP/1.1 400", 0),
    R("unsupported Expect", "GET / HTTP/1.1\r\n" H "Expect: 200-ok\r\n\r\n", "HTTP/1.1 417", 0),
    // Content-Length.
    R("duplicate CL, same value",
      "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
      "HTTP/1.1 400", 0),
    R("duplicate CL, different values",
      "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\nContent-Length: 0\r\n\r\nhello",
      "HTTP/1.1 400", 0),
    R("CL list", "POST / HTTP/1.1\r\n" H "Content-Length: 5, 5\r\n\r\nhello", "HTTP/1.1 400", 0),
    R("negative CL", "POST / HTTP/1.1\r\n" H "Content-Length: -1\r\n\r\nhello", "HTTP/1.1 400",
      0),
    R("non-numeric CL", "POST / HTTP/1.1\r\n" H "Content-Length: abc\r\n\r\n", "HTTP/1.1 400",
      0),
    R("plus-signed CL", "POST / HTTP/1.1\r\n" H "Content-Length: +5\r\n\r\nhello",
      "HTTP/1.1 400", 0),
    R("hex CL", "POST / HTTP/1.1\r\n" H "Content-Length: 0x5\r\n\r\nhello", "HTTP/1.1 400", 0),
    R("overflowing CL",
      "POST / HTTP/1.1\r\n" H "Content-Length: 18446744073709551617\r\n\r\nhello",
      "HTTP/1.1 400", 0),
    R("empty CL", "POST / HTTP/1.1\r\n" H "Content-Length:\r\n\r\n", "HTTP/1.1 400", 0),
    R("CL with inner space", "POST / HTTP/1.1\r\n" H "Content-Length: 1 2\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("CL above MG_MAX_RECV_SIZE", "POST / HTTP/1.1\r\n" H "Content-Length: 4000000\r\n\r\nab",
      "HTTP/1.1 413", 0),
    // No length: an empty body (RFC 9112 section 6.3, as Mongoose), so what
    // follows is the next request.
    R("POST, no length", "POST / HTTP/1.1\r\n" H "Connection: close\r\n\r\nhello",
      "HTTP/1.1 200", 1),
    R("PUT, no length, then GET",
      "PUT /f HTTP/1.1\r\n" H "\r\nGET / HTTP/1.1\r\n" H "Connection: close\r\n\r\n",
      "HTTP/1.1 200", 2),
    R("HTTP/1.0 POST, no length", "POST / HTTP/1.0\r\n\r\nhello", "HTTP/1.1 200", 1),
    R("HTTP/1.0 POST, no length, bare LF", "POST /a.txt HTTP/1.0\n\n", "HTTP/1.1 200", 1),
    // Request-target forms (RFC 9112 section 3.2).
    R("target !", "GET ! HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("target without slash", "GET a.txt HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("target * with GET", "GET * HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("authority-form with GET", "GET x:80 HTTP/1.1\r\n" H "\r\n", "HTTP/1.1 400", 0),
    R("OPTIONS *", "OPTIONS * HTTP/1.1\r\n" H "Connection: close\r\n\r\n", "HTTP/1.1 200", 1),
    R("absolute-form", "GET http://x/a HTTP/1.1\r\n" H "Connection: close\r\n\r\n",
      "HTTP/1.1 200", 1),
    // Transfer-Encoding.
    R("TE gzip", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip\r\n\r\nxx", "HTTP/1.1 400", 0),
    R("TE chunked, gzip",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("TE gzip, chunked",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 501", 0),
    R("TE identity", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: identity\r\n\r\nhello",
      "HTTP/1.1 400", 0),
    R("TE empty", "POST / HTTP/1.1\r\n" H "Transfer-Encoding:\r\n\r\n0\r\n\r\n", "HTTP/1.1 400",
      0),
    R("duplicate TE chunked",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("TE chunked then TE x",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n"
      "0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("TE xchunked", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("TE with space before colon",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 400",
      0),
    // Trailing whitespace is not part of a field value: this one is valid,
    // and the request that follows its (empty) body is never read because
    // the first one asked to close.
    R("TE chunked with trailing spaces",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked  \r\nConnection: close\r\n\r\n"
      "0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n",
      "HTTP/1.1 200", 1),
    // Smuggling classics.
    R("CL.TE",
      "POST / HTTP/1.1\r\n" H "Content-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\nSMUGGLED",
      "HTTP/1.1 400", 0),
    R("TE.CL",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
      "8\r\nSMUGGLED\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("TE.TE obfuscated",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nTransfer-Encoding: cow\r\n\r\n"
      "5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("CL.0 with smuggled GET",
      "GET / HTTP/1.1\r\n" H "Content-Length: 0\r\nContent-Length: 32\r\n\r\n"
      "GET /admin HTTP/1.1\r\nHost: x\r\n\r\n",
      "HTTP/1.1 400", 0),
    // Chunked bodies.
    R("non-hex chunk size", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 400", 0),
    R("negative chunk size",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("chunk size too long",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n",
      "HTTP/1.1 400", 0),
    R("0x chunk size",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("space after chunk size",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("chunk size above MG_MAX_RECV_SIZE",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\nfffffffff\r\nhello",
      "HTTP/1.1 413", 0),
    R("missing CRLF after chunk data",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloGET / HTTP/1.1\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("LF after chunk data",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("bare LF after chunk size",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("unterminated chunk extension",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n5;a=\"b\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 400", 0),
    R("folded trailer",
      "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n",
      "HTTP/1.1 400", 0),
    // A good request, then a bad one: the first is answered, then the error.
    R("good then HTTP/9.9", "GET / HTTP/1.1\r\n" H "\r\nGET / HTTP/9.9\r\n" H "\r\n",
      "HTTP/1.1 505", 1),
    R("good POST then garbage",
      "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhelloXYZ\r\n\r\n", "HTTP/1.1 400", 1),
};

static struct server s_srv;
static char s_buf[64 * 1024];

// Sends raw bytes on a new connection; checks the answer and the close.
static void run_row(const char *name, const char *raw, size_t len, const char *status,
                    int msgs) {
  int fd = client_connect(s_srv.port, 3000), seen;
  bool closed = false;
  const char *last = NULL, *p;
  __atomic_store_n(&s_msgs, 0, __ATOMIC_SEQ_CST);
  s_checks++;
  if (fd < 0 || !send_all(fd, raw, len)) {
    s_failures++;
    fprintf(stderr, "FAIL %s: cannot connect or send\n", name);
    if (fd >= 0) close(fd);
    return;
  }
  recv_all(fd, s_buf, sizeof(s_buf), &closed);
  close(fd);
  // The last response's status line.
  for (p = s_buf; (p = strstr(p, "HTTP/1.1 ")) != NULL; p++) {
    if (p == s_buf || p[-1] == '\n') last = p;
  }
  seen = __atomic_load_n(&s_msgs, __ATOMIC_SEQ_CST);
  if (last == NULL || strncmp(last, status, strlen(status)) != 0 ||
      last[strlen(status)] != ' ' || !closed || seen != msgs ||
      count_substr(s_buf, "HTTP/1.1 200 ") != msgs ||
      (strcmp(status, "HTTP/1.1 200") != 0 && strstr(last, "Connection: close\r\n") == NULL)) {
    s_failures++;
    fprintf(stderr, "FAIL %s: want %s (%d requests, closed), got %d requests, %s, [%.200s]\n",
            name, status, msgs, seen, closed ? "closed" : "open", s_buf);
  }
}

// An invalid Content-Length gets a 400 whose whole answer fits in the
// 100-byte buffers Mongoose programs and tests read answers into.
static void test_short_400(void) {
  static const char *reqs[] = {
      "GET /a.txt HTTP/1.0\nContent-Length: -123\n\n",
      "POST /a.txt HTTP/1.0\nContent-Length: -123\n\n",
      "GET /a.txt HTTP/1.0\nContent-Length: 1x\n\n",
  };
  size_t i;
  for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
    int fd = client_connect(s_srv.port, 3000);
    bool closed = false;
    size_t n;
    CHECK(fd >= 0 && send_all(fd, reqs[i], strlen(reqs[i])));
    memset(s_buf, 0, 200);
    n = recv_all(fd, s_buf, sizeof(s_buf), &closed);
    close(fd);
    CHECK(closed && strncmp(s_buf, "HTTP/1.1 400 ", 13) == 0);
    CHECK(n > 0 && n <= 100);
  }
}

int main(void) {
  size_t i;
  int rows = 0;
  mg_log_set(MG_LL_NONE);
  server_start(&s_srv, handler, NULL);
  test_short_400();
  for (i = 0; i < sizeof(s_rows) / sizeof(s_rows[0]); i++, rows++) {
    run_row(s_rows[i].name, s_rows[i].raw, s_rows[i].len, s_rows[i].status, s_rows[i].msgs);
  }
  {
    // Generated rows: more than MG_MAX_HTTP_HEADERS fields, and a head over
    // 16 KiB (complete, and still without its end).
    static char raw[20000];
    size_t n = (size_t) snprintf(raw, sizeof(raw), "GET / HTTP/1.1\r\n");
    int k;
    for (k = 0; k < MG_MAX_HTTP_HEADERS + 1; k++) {
      n += (size_t) snprintf(raw + n, sizeof(raw) - n, "X-%d: %d\r\n", k, k);
    }
    n += (size_t) snprintf(raw + n, sizeof(raw) - n, "\r\n");
    run_row("too many headers", raw, n, "HTTP/1.1 431", 0), rows++;

    n = (size_t) snprintf(raw, sizeof(raw), "GET / HTTP/1.1\r\nX: ");
    memset(raw + n, 'a', 16 * 1024), n += 16 * 1024;
    n += (size_t) snprintf(raw + n, sizeof(raw) - n, "\r\n\r\n");
    run_row("complete head over 16 KiB", raw, n, "HTTP/1.1 431", 0), rows++;
    run_row("unfinished head over 16 KiB", raw, n - 4, "HTTP/1.1 431", 0), rows++;
  }
  printf("test_http_bad: %d rows\n", rows);
  {
    // The server survives: a normal request on a new connection works.
    const char *ok = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    run_row("normal request afterwards", ok, strlen(ok), "HTTP/1.1 200", 1);
  }
  server_stop(&s_srv);
  return test_summary("test_http_bad");
}
