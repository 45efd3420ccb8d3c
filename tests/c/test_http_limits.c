// HTTP server limits beyond Mongoose: back-pressure on a client that
// pipelines and never reads, the head / idle / body timeouts (per manager
// and per listener, 0 turning one off, never while the program owns the
// connection), and the lingering close that keeps error answers from being
// lost to a reset.
#include "http_test_util.h"

#define BIG_REPLY (64 * 1024)

static volatile size_t s_max_send;   // largest c->send seen after a reply
static volatile int s_answered;      // requests answered

// fn_data, when not NULL, holds timeouts this listener's connections get
// in MG_EV_ACCEPT (per-listener timeouts, instead of the manager's).
static void big_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_ACCEPT && c->fn_data != NULL) {
    uint64_t *t = (uint64_t *) c->fn_data;
    CHECK(mg_http_set_timeouts(c, t[0], t[1], t[2]));
  }
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/defer"), NULL)) return;  // answered never
    if (mg_match(hm->uri, mg_str("/big"), NULL)) {
      static char body[BIG_REPLY];
      memset(body, 'b', sizeof(body));
      mg_http_reply(c, 200, "", "%.*s", (int) sizeof(body), body);
    } else {
      mg_http_reply(c, 200, "", "ok\n");
    }
    s_answered++;
    if (c->send.len > s_max_send) s_max_send = c->send.len;
  }
}

// Starts a server whose manager has the given timeouts (before its thread).
static void start_with(struct server *s, uint64_t head, uint64_t idle,
                       uint64_t body, bool per_listener) {
  static uint64_t t[3];
  struct mg_connection *l;
  memset(s, 0, sizeof(*s));
  mg_mgr_init(&s->mgr);
  t[0] = head, t[1] = idle, t[2] = body;
  if (!per_listener) mg_mgr_set_http_timeouts(&s->mgr, head, idle, body);
  l = mg_http_listen(&s->mgr, "http://127.0.0.1:0", big_fn, per_listener ? t : NULL);
  s->port = mg_ntohs(l->loc.port);
  pthread_create(&s->tid, NULL, server_loop, s);
}

// 200 pipelined requests for 64 KiB answers from a client that does not
// read: the server stops parsing while more than 1 MiB waits in c->send
// (without back-pressure it would queue all 12.8 MB); once the client
// reads, every answer arrives.
static void test_back_pressure(void) {
  struct server s;
  char req[] = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  static char buf[200 * (BIG_REPLY + 200)];
  int fd, i, n = 200;
  bool closed;
  size_t got;
  s_max_send = 0, s_answered = 0;
  start_with(&s, 0, 0, 0, false);
  fd = client_connect(s.port, 5000);
  CHECK(fd >= 0);
  for (i = 0; i < n; i++) CHECK(send_all(fd, req, sizeof(req) - 1));
  usleep(500 * 1000);  // the server works while the client does not read
  printf("not reading: %d answered, largest c->send %lu\n", s_answered,
         (unsigned long) s_max_send);
  CHECK(s_answered < n);
  CHECK(s_max_send <= 1024 * 1024 + BIG_REPLY + 256);
  got = recv_responses(fd, buf, sizeof(buf), n, &closed);
  CHECK(count_substr(buf, "HTTP/1.1 200 OK") == n);
  CHECK(got > (size_t) n * BIG_REPLY);
  CHECK(s_answered == n);
  close(fd);
  server_stop(&s);
}

// Waits up to ms for the server to close fd; returns the time it took or -1.
static long closed_after(int fd, int ms, char *buf, size_t size) {
  uint64_t start = mg_millis();
  bool closed;
  (void) ms;
  recv_all(fd, buf, size, &closed);
  return closed ? (long) (mg_millis() - start) : -1;
}

static void test_timeouts(bool per_listener) {
  struct server s;
  char buf[4096];
  int fd;
  long t;
  start_with(&s, 300, 400, 300, per_listener);

  // A head that never ends: 408 and close after about 300 ms.
  fd = client_connect(s.port, 5000);
  CHECK(send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n", 25));
  t = closed_after(fd, 5000, buf, sizeof(buf));
  CHECK(t >= 200 && t < 3000);
  CHECK(strncmp(buf, "HTTP/1.1 408 ", 13) == 0);
  close(fd);

  // A head that trickles in still ends at 300 ms from its first byte.
  fd = client_connect(s.port, 5000);
  {
    uint64_t start = mg_millis();
    bool closed = false;
    int k;
    CHECK(send_all(fd, "GET / HTTP/1.1\r\n", 16));
    for (k = 0; k < 10; k++) {
      if (!send_all(fd, "X-A: b\r\n", 8)) break;
      usleep(60 * 1000);
    }
    recv_all(fd, buf, sizeof(buf), &closed);
    CHECK(closed && mg_millis() - start < 3000);
    CHECK(strncmp(buf, "HTTP/1.1 408 ", 13) == 0);
  }
  close(fd);

  // An idle keep-alive connection: answered, then closed after ~400 ms.
  fd = client_connect(s.port, 5000);
  CHECK(send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27));
  t = closed_after(fd, 5000, buf, sizeof(buf));
  CHECK(strncmp(buf, "HTTP/1.1 200 ", 13) == 0);
  CHECK(t >= 300 && t < 3000);
  close(fd);

  // A stalled body: 408 after 300 ms without progress.
  fd = client_connect(s.port, 5000);
  CHECK(send_all(fd, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nab", 41));
  t = closed_after(fd, 5000, buf, sizeof(buf));
  CHECK(t >= 200 && t < 3000);
  CHECK(strncmp(buf, "HTTP/1.1 408 ", 13) == 0);
  close(fd);

  // A deferred reply: the program owns the connection, nothing times out.
  fd = client_connect(s.port, 700);
  CHECK(send_all(fd, "GET /defer HTTP/1.1\r\nHost: x\r\n\r\n", 32));
  CHECK(closed_after(fd, 700, buf, sizeof(buf)) == -1);
  CHECK(buf[0] == '\0');
  close(fd);
  server_stop(&s);
}

// 0 turns the timeouts off: a partial head and an idle connection stay.
static void test_timeouts_off(void) {
  struct server s;
  char buf[256];
  int fd1, fd2;
  start_with(&s, 0, 0, 0, false);
  fd1 = client_connect(s.port, 800);
  fd2 = client_connect(s.port, 800);
  CHECK(send_all(fd1, "GET / HTTP/1.1\r\n", 16));
  CHECK(closed_after(fd1, 800, buf, sizeof(buf)) == -1);
  CHECK(closed_after(fd2, 800, buf, sizeof(buf)) == -1);
  close(fd1);
  close(fd2);
  server_stop(&s);
}

// An oversized head (431) from clients that keep sending: every client gets
// its whole answer, then the end of the stream (lingering close), not a
// reset that would destroy the answer.
static void test_lingering_close(void) {
  struct server s;
  static char junk[256 * 1024];
  char buf[4096];
  int i, ok = 0, clients = 20;
  memset(junk, 'a', sizeof(junk));
  start_with(&s, 0, 0, 0, false);
  for (i = 0; i < clients; i++) {
    int fd = client_connect(s.port, 5000);
    bool closed = false;
    size_t n;
    CHECK(send_all(fd, "GET / HTTP/1.1\r\nX-Big: ", 23));
    // More than the head limit, and more after the server answered.
    (void) send_all(fd, junk, 64 * 1024);
    usleep(20 * 1000);
    (void) send_all(fd, junk, sizeof(junk));
    n = recv_all(fd, buf, sizeof(buf), &closed);
    if (n > 0 && strncmp(buf, "HTTP/1.1 431 ", 13) == 0 && closed) ok++;
    close(fd);
  }
  printf("lingering close: %d of %d clients got their 431\n", ok, clients);
  CHECK(ok == clients);
  server_stop(&s);
}

// The error answer queued behind answers the client has not read yet (its
// receive buffer is small and full): the server must not close while they
// are in flight, or the client's further input makes the kernel reset the
// connection and drop them. With the lingering close the client reads all
// four answers, the 431, then the end of the stream.
static void test_lingering_close_behind_answers(void) {
  struct server s;
  static char junk[32 * 1024], buf[5 * BIG_REPLY];
  char big[] = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  struct sockaddr_in sin;
  struct timeval tv = {2, 0};
  int fd, i, rcvbuf = 4096;
  bool closed = false;
  size_t n;
  memset(junk, 'a', sizeof(junk));
  start_with(&s, 0, 0, 0, false);
  fd = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t) s.port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(connect(fd, (struct sockaddr *) &sin, sizeof(sin)) == 0);
  for (i = 0; i < 4; i++) CHECK(send_all(fd, big, sizeof(big) - 1));
  CHECK(send_all(fd, "GET / HTTP/1.1\r\nX-Big: ", 23));
  CHECK(send_all(fd, junk, 20 * 1024));  // past the 16 KiB head limit: 431
  usleep(300 * 1000);
  (void) send_all(fd, junk, sizeof(junk));  // the client goes on sending
  usleep(100 * 1000);
  n = recv_all(fd, buf, sizeof(buf), &closed);
  printf("behind answers: %lu bytes, %d answers, 431: %s, closed: %d\n",
         (unsigned long) n, count_substr(buf, "HTTP/1.1 200 OK"),
         strstr(buf, "HTTP/1.1 431 ") ? "yes" : "no", closed);
  CHECK(count_substr(buf, "HTTP/1.1 200 OK") == 4);
  CHECK(strstr(buf, "HTTP/1.1 431 ") != NULL);
  CHECK(closed);
  close(fd);
  server_stop(&s);
}

// The manager-wide cap on buffered receive data (1 MB here): below it a
// 900 KB body is received as usual; four clients that each push 400 KB of
// 2 MB bodies exceed it, and the biggest holders are answered 503 and
// closed; a new client is still served.
static void test_recv_cap(void) {
  struct server s;
  static char body[900 * 1024], buf[8192];
  const char *head = "POST /u HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n";
  char small_head[96];
  int fds[4], i, refused = 0, fd;
  bool closed;
  memset(body, 'x', sizeof(body));
  memset(&s, 0, sizeof(s));
  mg_mgr_init(&s.mgr);
  mg_mgr_set_recv_cap(&s.mgr, 1000 * 1000);
  {
    struct mg_connection *l =
        mg_http_listen(&s.mgr, "http://127.0.0.1:0", big_fn, NULL);
    s.port = mg_ntohs(l->loc.port);
  }
  pthread_create(&s.tid, NULL, server_loop, &s);

  fd = client_connect(s.port, 5000);
  snprintf(small_head, sizeof(small_head),
           "POST /u HTTP/1.1\r\nContent-Length: %d\r\n\r\n", (int) sizeof(body));
  CHECK(send_all(fd, small_head, strlen(small_head)));
  CHECK(send_all(fd, body, sizeof(body)));
  recv_responses(fd, buf, sizeof(buf), 1, &closed);
  CHECK(strncmp(buf, "HTTP/1.1 200 ", 13) == 0);
  close(fd);

  for (i = 0; i < 4; i++) {
    fds[i] = client_connect(s.port, 3000);
    CHECK(send_all(fds[i], head, strlen(head)));
    CHECK(send_all(fds[i], body, 400 * 1024));
  }
  usleep(300 * 1000);
  for (i = 0; i < 4; i++) {
    (void) send(fds[i], body, 64 * 1024, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  for (i = 0; i < 4; i++) {
    recv_all(fds[i], buf, sizeof(buf), &closed);
    if (strncmp(buf, "HTTP/1.1 503 ", 13) == 0 && closed) refused++;
    close(fds[i]);
  }
  printf("receive cap: %d of 4 refused\n", refused);
  CHECK(refused >= 1);
  fd = client_connect(s.port, 5000);
  CHECK(send_all(fd, "GET / HTTP/1.1\r\n\r\n", 18));
  recv_responses(fd, buf, sizeof(buf), 1, &closed);
  CHECK(strncmp(buf, "HTTP/1.1 200 ", 13) == 0);
  close(fd);
  server_stop(&s);
}

int main(void) {
  CHECK(!mg_http_set_timeouts(NULL, 1, 1, 1));
  test_back_pressure();
  test_timeouts(false);
  test_timeouts(true);
  test_timeouts_off();
  test_lingering_close();
  test_lingering_close_behind_answers();
  test_recv_cap();
  return test_summary("test_http_limits");
}
