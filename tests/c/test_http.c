// HTTP/1.1 server and client over loopback: keep-alive and close rules,
// deferred replies from worker threads, pipelining, 1-byte writes, chunked
// bodies, 100-continue, and the client against Content-Length, chunked,
// read-until-close and body-less (304) responses, an empty line before a
// status line, and bytes after a Connection: close response (ignored).
#include "http_test_util.h"

struct job {
  struct mg_mgr *mgr;
  unsigned long id;
  int delay_ms;
};

static void *worker(void *arg) {
  struct job *j = (struct job *) arg;
  usleep((useconds_t) j->delay_ms * 1000);
  mg_wakeup(j->mgr, j->id, "deferred", 8);
  free(j);
  return NULL;
}

// What MG_EV_HTTP_HDRS showed for the last request to /hdrs.
static struct {
  size_t head_len, body_len, message_len;
  bool body_after_head, message_at_head;
  int count;
} s_hdrs;

static void handler(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_HDRS) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/hdrs"), NULL)) {
      s_hdrs.head_len = hm->head.len;
      s_hdrs.body_len = hm->body.len;
      s_hdrs.message_len = hm->message.len;
      s_hdrs.body_after_head = hm->body.buf == hm->head.buf + hm->head.len;
      s_hdrs.message_at_head = hm->message.buf == hm->head.buf;
      s_hdrs.count++;
    }
  }
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    CHECK(c->is_resp);  // set before MG_EV_HTTP_MSG
    if (mg_match(hm->uri, mg_str("/hello"), NULL)) {
      mg_http_reply(c, 200, "Content-Type: text/plain\r\n", "hello\n");
    } else if (mg_match(hm->uri, mg_str("/echo"), NULL)) {
      mg_http_reply(c, 200, "", "%.*s|%.*s", (int) hm->query.len, hm->query.buf,
                    (int) hm->body.len, hm->body.buf);
    } else if (mg_match(hm->uri, mg_str("/own-connection"), NULL)) {
      mg_http_reply(c, 200, "connection: close\r\n", "own\n");
    } else if (mg_match(hm->uri, mg_str("/hdrs"), NULL)) {
      mg_http_reply(c, 200, "", "%d:%.*s", s_hdrs.count, (int) hm->body.len,
                    hm->body.buf);
    } else if (mg_match(hm->uri, mg_str("/deferred"), NULL)) {
      pthread_t tid;
      struct job *j = (struct job *) calloc(1, sizeof(*j));
      j->mgr = c->mgr, j->id = c->id, j->delay_ms = 50;
      pthread_create(&tid, NULL, worker, j);
      pthread_detach(tid);
    } else if (mg_match(hm->uri, mg_str("/chunked"), NULL)) {
      mg_printf(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      mg_http_printf_chunk(c, "first,");
      mg_http_write_chunk(c, "second,", 7);
      mg_http_printf_chunk(c, "%d", 3);
      CHECK(c->is_resp);
      mg_http_printf_chunk(c, "");
      CHECK(!c->is_resp);
    } else if (mg_match(hm->uri, mg_str("/not-modified"), NULL)) {
      // A 304 announces the length of the full response: it has no body.
      mg_printf(c, "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
      c->is_resp = 0;
    } else if (mg_match(hm->uri, mg_str("/crlf-first"), NULL)) {
      // An empty line before the status line (as after a 100 Continue).
      mg_printf(c, "\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      c->is_resp = 0;
    } else if (mg_match(hm->uri, mg_str("/close-then-more"), NULL)) {
      // Bytes after a Connection: close response are not a response.
      mg_printf(c, "%s%s",
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil");
      c->is_resp = 0;
    } else if (mg_match(hm->uri, mg_str("/bare-lf"), NULL)) {
      // A response with bare LF line ends, as some embedded servers send.
      mg_printf(c, "HTTP/1.1 200 OK\nContent-Length: 5\nX: y\n\nlf ok");
      c->is_resp = 0;
    } else if (mg_match(hm->uri, mg_str("/until-close"), NULL)) {
      mg_printf(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
      c->is_resp = 0;
      c->is_draining = 1;
    } else {
      mg_http_reply(c, 404, "", "not found\n");
    }
  } else if (ev == MG_EV_WAKEUP) {
    struct mg_str *data = (struct mg_str *) ev_data;
    mg_http_reply(c, 200, "", "%.*s\n", (int) data->len, data->buf);
  }
}

static struct server s_srv;

static void exchange(const char *req, size_t req_len, int responses, char *buf,
                     size_t size, bool *closed) {
  int fd = client_connect(s_srv.port, 2000);
  CHECK(fd >= 0);
  CHECK(send_all(fd, req, req_len));
  recv_responses(fd, buf, size, responses, closed);
  if (!*closed) *closed = peer_closed(fd);
  close(fd);
}

static void test_keepalive_rules(void) {
  char buf[8192];
  bool closed;
  const char *r;
  // HTTP/1.1: stays open after two requests.
  r = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
  {
    int fd = client_connect(s_srv.port, 300);
    send_all(fd, r, strlen(r));
    recv_responses(fd, buf, sizeof(buf), 2, &closed);
    CHECK(count_substr(buf, "HTTP/1.1 200 OK\r\n") == 2);
    CHECK(strstr(buf, "Content-Length: 6\r\n") != NULL);
    CHECK(strstr(buf, "Connection:") == NULL);  // kept alive: nothing to say
    CHECK(!peer_closed(fd));  // still open
    close(fd);
  }
  // Connection: close: the response says it closes (RFC 9112 9.6), then does.
  r = "GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n";
  exchange(r, strlen(r), 1, buf, sizeof(buf), &closed);
  CHECK(strstr(buf, "hello\n") != NULL && closed);
  CHECK(count_substr(buf, "Connection: close\r\n") == 1);
  // A handler's own Connection field is not doubled.
  r = "GET /own-connection HTTP/1.1\r\nConnection: close\r\n\r\n";
  exchange(r, strlen(r), 1, buf, sizeof(buf), &closed);
  CHECK(count_substr(buf, "onnection: ") == 1 && closed);
  CHECK(strstr(buf, "connection: close\r\n") != NULL);
  // HTTP/1.0 without keep-alive closes.
  r = "GET /hello HTTP/1.0\r\n\r\n";
  exchange(r, strlen(r), 1, buf, sizeof(buf), &closed);
  CHECK(strstr(buf, "hello\n") != NULL && closed);
  CHECK(strstr(buf, "Connection: close\r\n") != NULL);
  // HTTP/1.0 with keep-alive stays open and says so.
  r = "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  {
    int fd = client_connect(s_srv.port, 300);
    send_all(fd, r, strlen(r));
    recv_responses(fd, buf, sizeof(buf), 1, &closed);
    CHECK(strstr(buf, "Connection: keep-alive\r\n") != NULL);
    CHECK(!closed && !peer_closed(fd));
    close(fd);
  }
}

static void test_deferred(void) {
  char buf[8192];
  bool closed;
  const char *r;
  // A deferred reply to a request that asked to close: whole, then close.
  r = "GET /deferred HTTP/1.1\r\nConnection: close\r\n\r\n";
  exchange(r, strlen(r), 1, buf, sizeof(buf), &closed);
  CHECK(strstr(buf, "HTTP/1.1 200 OK\r\n") != NULL && strstr(buf, "deferred\n") != NULL);
  CHECK(closed);
  // The same for HTTP/1.0.
  r = "GET /deferred HTTP/1.0\r\n\r\n";
  exchange(r, strlen(r), 1, buf, sizeof(buf), &closed);
  CHECK(strstr(buf, "deferred\n") != NULL && closed);
  // Deferred, then a pipelined request: answered in order.
  r = "GET /deferred HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n";
  {
    int fd = client_connect(s_srv.port, 2000);
    send_all(fd, r, strlen(r));
    recv_responses(fd, buf, sizeof(buf), 2, &closed);
    CHECK(strstr(buf, "deferred\n") != NULL && strstr(buf, "hello\n") != NULL);
    CHECK(strstr(buf, "deferred\n") < strstr(buf, "hello\n"));
    close(fd);
  }
  // Pipelined requests where the last asks to close: all answered, then close.
  r = "GET /hello HTTP/1.1\r\n\r\nGET /deferred HTTP/1.1\r\n\r\n"
      "GET /echo?last HTTP/1.1\r\nConnection: close\r\n\r\n";
  exchange(r, strlen(r), 3, buf, sizeof(buf), &closed);
  CHECK(count_substr(buf, "HTTP/1.1 200 OK") == 3);
  CHECK(strstr(buf, "last|") != NULL && closed);
}

static void test_pipelining(void) {
  static char req[100 * 64], buf[100 * 256];
  size_t n = 0;
  int i, fd;
  bool closed;
  char want[32];
  const char *p;
  for (i = 0; i < 100; i++) {
    n += (size_t) sprintf(req + n, "GET /echo?%d HTTP/1.1\r\nHost: x\r\n\r\n", i);
  }
  fd = client_connect(s_srv.port, 2000);
  CHECK(send_all(fd, req, n));  // all 100 in one write
  recv_responses(fd, buf, sizeof(buf), 100, &closed);
  CHECK(count_substr(buf, "HTTP/1.1 200 OK") == 100);
  p = buf;
  for (i = 0; i < 100; i++) {  // in order
    sprintf(want, "\r\n\r\n%d|", i);
    p = strstr(p, want);
    CHECK(p != NULL);
    if (p == NULL) break;
  }
  close(fd);
}

static void test_byte_by_byte(void) {
  const char *r = "POST /echo?x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
  char buf[4096];
  bool closed;
  size_t i;
  int fd = client_connect(s_srv.port, 2000);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  for (i = 0; i < strlen(r); i++) {
    CHECK(send_all(fd, r + i, 1));
    usleep(1000);
  }
  recv_responses(fd, buf, sizeof(buf), 1, &closed);
  CHECK(strstr(buf, "\r\n\r\nx|hello") != NULL);
  close(fd);
}

// At MG_EV_HTTP_HDRS the body is announced before it arrives, as Mongoose
// does: body.len is the Content-Length and message.len covers head and body,
// so a handler can tell how much is coming (the upload tutorials rely on it).
static void test_hdrs_announce_body(void) {
  const char *head = "POST /hdrs HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
  char buf[4096];
  bool closed;
  int fd = client_connect(s_srv.port, 2000);
  memset(&s_hdrs, 0, sizeof(s_hdrs));
  CHECK(send_all(fd, head, strlen(head)) && send_all(fd, "12345", 5));
  usleep(50000);  // the head and half the body arrive first
  CHECK(send_all(fd, "67890", 5));
  recv_responses(fd, buf, sizeof(buf), 1, &closed);
  CHECK(strstr(buf, "\r\n\r\n1:1234567890") != NULL);
  CHECK(s_hdrs.head_len == strlen(head));
  CHECK(s_hdrs.body_len == 10);
  CHECK(s_hdrs.message_len == strlen(head) + 10);
  CHECK(s_hdrs.body_after_head && s_hdrs.message_at_head);
  close(fd);
}

static void test_chunked_request(void) {
  const char *r =
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\nworld!\r\n0\r\nTrailer: x\r\n\r\n"
      "GET /hello HTTP/1.1\r\n\r\n";
  char buf[4096];
  bool closed;
  int fd = client_connect(s_srv.port, 2000);
  send_all(fd, r, strlen(r));
  recv_responses(fd, buf, sizeof(buf), 2, &closed);
  CHECK(strstr(buf, "\r\n\r\n|hello,world!") != NULL);
  CHECK(strstr(buf, "hello\n") != NULL);
  close(fd);
}

static void test_chunked_response(void) {
  const char *r = "GET /chunked HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n";
  char buf[4096];
  bool closed;
  int fd = client_connect(s_srv.port, 2000);
  send_all(fd, r, strlen(r));
  recv_responses(fd, buf, sizeof(buf), 2, &closed);
  CHECK(strstr(buf, "6\r\nfirst,\r\n7\r\nsecond,\r\n1\r\n3\r\n0\r\n\r\n") != NULL);
  CHECK(strstr(buf, "hello\n") != NULL);
  close(fd);
}

static void test_expect_continue(void) {
  const char *h = "POST /echo HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
  char buf[4096];
  bool closed;
  ssize_t n;
  int fd = client_connect(s_srv.port, 2000);
  send_all(fd, h, strlen(h));
  n = recv(fd, buf, sizeof(buf) - 1, 0);  // before sending the body
  CHECK(n > 0);
  if (n > 0) {
    buf[n] = '\0';
    CHECK(strcmp(buf, "HTTP/1.1 100 Continue\r\n\r\n") == 0);
  }
  send_all(fd, "body", 4);
  recv_responses(fd, buf, sizeof(buf), 1, &closed);
  CHECK(strstr(buf, "200 OK") != NULL && strstr(buf, "|body") != NULL);
  close(fd);
}

struct client_state {
  int status;
  char body[256];
  bool done, closed;
  int msgs;
};

static void client_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct client_state *cs = (struct client_state *) c->fn_data;
  if (ev == MG_EV_CONNECT) {
    mg_printf(c, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", (char *) c->data);
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    cs->status = mg_http_status(hm);
    snprintf(cs->body, sizeof(cs->body), "%.*s", (int) hm->body.len, hm->body.buf);
    cs->msgs++;
    cs->done = true;
    c->is_draining = 1;
  } else if (ev == MG_EV_CLOSE) {
    cs->closed = true;
  }
}

static void fetch(const char *uri, struct client_state *cs) {
  struct mg_mgr mgr;
  struct mg_connection *c;
  char url[64];
  uint64_t end;
  memset(cs, 0, sizeof(*cs));
  mg_mgr_init(&mgr);
  snprintf(url, sizeof(url), "http://127.0.0.1:%d", s_srv.port);
  c = mg_http_connect(&mgr, url, client_fn, cs);
  snprintf((char *) c->data, sizeof(c->data), "%s", uri);
  end = mg_millis() + 3000;
  while (!cs->closed && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  mg_mgr_free(&mgr);
}

static void test_client(void) {
  struct client_state cs;
  fetch("/hello", &cs);
  CHECK(cs.status == 200 && strcmp(cs.body, "hello\n") == 0 && cs.msgs == 1);
  fetch("/chunked", &cs);
  CHECK(cs.status == 200 && strcmp(cs.body, "first,second,3") == 0 && cs.msgs == 1);
  fetch("/until-close", &cs);
  CHECK(cs.status == 200 && strcmp(cs.body, "all of it") == 0 && cs.msgs == 1);
  fetch("/not-modified", &cs);
  CHECK(cs.status == 304 && cs.body[0] == '\0' && cs.msgs == 1);
  fetch("/crlf-first", &cs);
  CHECK(cs.status == 200 && strcmp(cs.body, "ok") == 0 && cs.msgs == 1);
  fetch("/close-then-more", &cs);
  CHECK(cs.status == 200 && strcmp(cs.body, "ok") == 0 && cs.msgs == 1);
  fetch("/bare-lf", &cs);
  CHECK(cs.status == 200 && strcmp(cs.body, "lf ok") == 0 && cs.msgs == 1);
  fetch("/nope", &cs);
  CHECK(cs.status == 404 && cs.msgs == 1);
}

static void test_parse(void) {
  struct mg_http_message hm;
  const char *req = "POST /x?a=1 HTTP/1.1\r\nHost: h\r\nX-Y:  z \r\n\r\nbody";
  const char *resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc";
  struct mg_str *v;
  // No length on a POST: an empty body, as in Mongoose (RFC 9112 6.3).
  int n = mg_http_parse(req, strlen(req), &hm);
  CHECK(n == (int) strlen(req) - 4);
  CHECK(hm.body.len == 0 && hm.message.len == (size_t) n);
  CHECK(hm.method.len == 4 && memcmp(hm.method.buf, "POST", 4) == 0);
  CHECK(hm.uri.len == 2 && memcmp(hm.uri.buf, "/x", 2) == 0);
  CHECK(hm.query.len == 3 && memcmp(hm.query.buf, "a=1", 3) == 0);
  CHECK(hm.proto.len == 8 && memcmp(hm.proto.buf, "HTTP/1.1", 8) == 0);
  v = mg_http_get_header(&hm, "x-y");
  CHECK(v != NULL && v->len == 1 && v->buf[0] == 'z');
  CHECK(mg_http_get_header(&hm, "Nope") == NULL);
  n = mg_http_parse(resp, strlen(resp), &hm);
  CHECK(n == (int) strlen(resp) - 3);
  CHECK(mg_http_status(&hm) == 404 && hm.body.len == 3);
  CHECK(hm.message.len == strlen(resp));
  n = mg_http_parse("\r\nHTTP/1.1 204 No Content\r\n\r\n", 29, &hm);
  CHECK(n == 29 && mg_http_status(&hm) == 204);
  CHECK(mg_http_parse("GET / HTTP/1.1\r\n", 16, &hm) == 0);
  CHECK(mg_http_parse("GET / HTTP/1.1\r\nbad header\r\n\r\n", 30, &hm) == -1);
  CHECK(mg_http_get_request_len((const unsigned char *) "GET / HTTP/1.0\n\nxx", 18) == 16);
  CHECK(mg_http_get_request_len((const unsigned char *) "GET / HTTP/1.0\r\n", 16) == 0);
  CHECK(mg_http_get_request_len((const unsigned char *) "GET /\x01 HTTP/1.0\r\n\r\n", 21) == -1);
  // Bare LF line ends: the parser agrees with mg_http_get_request_len().
  {
    const char *lf = "GET /a.txt HTTP/1.0\nHost: x\r\nX: y\n\nrest";
    n = mg_http_parse(lf, strlen(lf), &hm);
    CHECK(n == (int) strlen(lf) - 4);
    CHECK(n == mg_http_get_request_len((const unsigned char *) lf, strlen(lf)));
    CHECK(hm.proto.len == 8 && memcmp(hm.proto.buf, "HTTP/1.0", 8) == 0);
    v = mg_http_get_header(&hm, "X");
    CHECK(v != NULL && v->len == 1 && v->buf[0] == 'y');
    v = mg_http_get_header(&hm, "Host");
    CHECK(v != NULL && v->len == 1 && v->buf[0] == 'x');
    CHECK(mg_http_parse("GET / HTTP/1.0\n\n", 16, &hm) == 16);
    CHECK(mg_http_parse("GET / HTTP/1.0\rX: y\n\n", 22, &hm) == -1);  // bare CR
    n = mg_http_parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 37, &hm);
    CHECK(n == 35 && mg_http_status(&hm) == 200 && hm.body.len == 2);
  }
  // A response without a length: body.len is 0 (Mongoose: (size_t) -1).
  n = mg_http_parse("HTTP/1.1 200 OK\r\n\r\nabc", 22, &hm);
  CHECK(n == 19 && hm.body.len == 3);
  n = mg_http_parse("HTTP/1.1 200 OK\r\n\r\n", 19, &hm);
  CHECK(n == 19 && hm.body.len == 0);
  // Junk that no more bytes can make valid is an error at once.
  CHECK(mg_http_parse("\b23", 3, &hm) == -1);
  CHECK(mg_http_parse("G(", 2, &hm) == -1);
  CHECK(mg_http_parse("GET", 3, &hm) == 0);
  CHECK(mg_http_parse("GET ! HTTP/1.1\r\n\r\n", 18, &hm) == -1);
}

// A port that was free a moment ago (mg_hello takes a URL, not port 0).
static int free_port(void) {
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  int fd = socket(AF_INET, SOCK_STREAM, 0), port;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, (struct sockaddr *) &sin, sizeof(sin));
  getsockname(fd, (struct sockaddr *) &sin, &len);
  port = ntohs(sin.sin_port);
  close(fd);
  return port;
}

static void *hello_thread(void *arg) {
  mg_hello((const char *) arg);
  return NULL;
}

static void hello_exchange(int port, const char *req, char *buf, size_t size) {
  bool closed;
  int i, fd = -1;
  for (i = 0; i < 200 && fd < 0; i++) {  // until mg_hello is listening
    if ((fd = client_connect(port, 2000)) < 0) usleep(10000);
  }
  CHECK(fd >= 0);
  if (fd < 0) return;
  CHECK(send_all(fd, req, strlen(req)));
  recv_responses(fd, buf, size, 1, &closed);
  close(fd);
}

// mg_hello(): "hi" for any URI, /debug sets the log level from the body,
// /quit answers "ok" and makes mg_hello() return.
static void test_hello(void) {
  char url[64], buf[1024];
  pthread_t tid;
  int port = free_port();
  snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
  CHECK(pthread_create(&tid, NULL, hello_thread, url) == 0);
  hello_exchange(port, "GET /anything HTTP/1.1\r\n\r\n", buf, sizeof(buf));
  CHECK(strstr(buf, "HTTP/1.1 200 OK\r\n") == buf);
  CHECK(strstr(buf, "\r\n\r\nhi\n") != NULL);
  hello_exchange(port,
                 "POST /debug HTTP/1.1\r\nContent-Length: 11\r\n\r\n{\"level\":0}",
                 buf, sizeof(buf));
  CHECK(strstr(buf, "Debug level set to 0\n") != NULL);
  CHECK(mg_log_level == MG_LL_NONE);
  mg_log_set(MG_LL_ERROR);
  hello_exchange(port, "GET /quit HTTP/1.1\r\n\r\n", buf, sizeof(buf));
  CHECK(strstr(buf, "\r\n\r\nok\n") != NULL);
  pthread_join(tid, NULL);  // returns: /quit stopped it
  mg_hello("http://999.1.1.1:1");  // cannot listen: returns at once
  mg_hello(NULL);
}

int main(void) {
  mg_log_set(MG_LL_ERROR);
  test_parse();
  server_start(&s_srv, handler, NULL);
  test_keepalive_rules();
  test_deferred();
  test_pipelining();
  test_byte_by_byte();
  test_hdrs_announce_body();
  test_chunked_request();
  test_chunked_response();
  test_expect_continue();
  test_client();
  server_stop(&s_srv);
  test_hello();
  return test_summary("test_http");
}
