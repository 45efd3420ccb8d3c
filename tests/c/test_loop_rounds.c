// Within one mg_mgr_poll(), after the pass over every connection, the event
// loop keeps serving ready sockets (and may wait for them). Nothing may be
// left behind meanwhile:
// - output a handler queues for *another* connection (a deferred reply, a
//   chunk, mg_send, a WebSocket message) is written before mg_mgr_poll()
//   returns, not one iteration later;
// - a connection whose reply fills the socket is registered for
//   writability before the loop waits again, whether its request was served
//   in the pass or in a later round.
// The test drives the manager itself, so it knows which mg_mgr_poll() call
// did what. Sockets on the client side are plain blocking ones.
#include "http_test_util.h"

#define BIG (32 * 1024 * 1024)
#define EPOLLOUT_BIT 0x004  // EPOLLOUT, as /proc shows it

static int s_poll_no;  // number of the mg_mgr_poll() call in progress
static struct mg_connection *s_waiting, *s_chunked, *s_raw, *s_ws;
static int s_released_poll, s_big_poll[2], s_trigger_poll;
static int s_next_big;
static int s_big_fd[2];
static int s_trigger_fd = -1;  // client socket a handler writes to itself
static char *s_big_body;

static void http_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/wait"), NULL)) {
      s_waiting = c;  // answered later, by /release
    } else if (mg_match(hm->uri, mg_str("/chunks"), NULL)) {
      mg_printf(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      s_chunked = c;
    } else if (mg_match(hm->uri, mg_str("/ws"), NULL)) {
      mg_ws_upgrade(c, hm, NULL);
    } else if (mg_match(hm->uri, mg_str("/release"), NULL)) {
      mg_http_reply(s_waiting, 200, "", "released\n");
      mg_http_printf_chunk(s_chunked, "hello");
      mg_send(s_raw, "pushed", 6);
      mg_ws_send(s_ws, "news", 4, WEBSOCKET_OP_TEXT);
      mg_http_reply(c, 200, "", "ok\n");
      s_released_poll = s_poll_no;
    } else if (mg_match(hm->uri, mg_str("/trigger"), NULL)) {
      // Another client's request arrives while this poll is under way.
      const char *req = "GET /big HTTP/1.1\r\n\r\n";
      CHECK(send(s_trigger_fd, req, strlen(req), 0) == (ssize_t) strlen(req));
      mg_http_reply(c, 200, "", "ok\n");
      s_trigger_poll = s_poll_no;
    } else if (mg_match(hm->uri, mg_str("/big"), NULL)) {
      mg_printf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", BIG);
      mg_send(c, s_big_body, BIG);
      s_big_poll[s_next_big] = s_poll_no;
      s_big_fd[s_next_big++] = (int) (size_t) c->fd;
    }
  } else if (ev == MG_EV_WS_OPEN) {
    s_ws = c;
  }
}

static void raw_fn(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  if (ev == MG_EV_ACCEPT) s_raw = c;
}

static void poll_once(struct mg_mgr *mgr) {
  s_poll_no++;
  mg_mgr_poll(mgr, 50);
}

static void poll_until_set(struct mg_mgr *mgr, void *volatile *p) {
  uint64_t end = mg_millis() + 3000;
  while (*p == NULL && mg_millis() < end) poll_once(mgr);
  CHECK(*p != NULL);
}

// Reads from fd until `want` shows up (or 3 s pass); true when it did.
static bool read_until(int fd, const char *want) {
  char buf[2048];
  size_t len = 0;
  uint64_t end = mg_millis() + 3000;
  while (mg_millis() < end && len + 1 < sizeof(buf)) {
    ssize_t n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
    if (n <= 0) break;
    len += (size_t) n;
    buf[len] = '\0';
    if (strstr(buf, want) != NULL) return true;
  }
  return false;
}

// What is in fd's receive queue right now, without waiting.
static size_t read_now(int fd, char *buf, size_t size) {
  ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);
  buf[n > 0 ? n : 0] = '\0';
  return n > 0 ? (size_t) n : 0;
}

// The epoll events the manager has registered for socket fd, from
// /proc/self/fdinfo; -1 when the socket is not registered.
static int registered_events(struct mg_mgr *mgr, int fd) {
  char path[64], line[256];
  int events = -1;
  FILE *fp;
  snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", mgr->epoll_fd);
  if ((fp = fopen(path, "r")) == NULL) return -1;
  while (fgets(line, sizeof(line), fp) != NULL) {
    int tfd;
    unsigned ev;
    if (sscanf(line, "tfd: %d events: %x", &tfd, &ev) == 2 && tfd == fd) events = (int) ev;
  }
  fclose(fp);
  return events;
}

// Output for other connections goes out in the mg_mgr_poll() that made it.
static void test_output_for_others(struct mg_mgr *mgr, int http_port, int raw_port) {
  char buf[512];
  int releaser, waiter, chunked, raw, ws;
  const char *ws_req =
      "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  // The releasing client connects first: its connection is the oldest, so
  // the pass serves it after all the others.
  releaser = client_connect(http_port, 3000);
  for (int i = 0; i < 3; i++) poll_once(mgr);  // accepted before the others
  waiter = client_connect(http_port, 3000);
  chunked = client_connect(http_port, 3000);
  raw = client_connect(raw_port, 3000);
  ws = client_connect(http_port, 3000);
  CHECK(releaser >= 0 && waiter >= 0 && chunked >= 0 && raw >= 0 && ws >= 0);
  send_all(waiter, "GET /wait HTTP/1.1\r\nConnection: close\r\n\r\n", 41);
  poll_until_set(mgr, (void *volatile *) &s_waiting);
  send_all(chunked, "GET /chunks HTTP/1.1\r\n\r\n", 24);
  poll_until_set(mgr, (void *volatile *) &s_chunked);
  poll_until_set(mgr, (void *volatile *) &s_raw);
  send_all(ws, ws_req, strlen(ws_req));
  poll_until_set(mgr, (void *volatile *) &s_ws);
  CHECK(read_until(chunked, "\r\n\r\n"));
  CHECK(read_until(ws, "\r\n\r\n"));

  send_all(releaser, "GET /release HTTP/1.1\r\n\r\n", 25);
  while (s_released_poll == 0 && s_poll_no < 1000) poll_once(mgr);
  // Straight after the mg_mgr_poll() that ran the handler: everything is
  // there already (loopback delivers as the server writes).
  read_now(waiter, buf, sizeof(buf));
  CHECK(strstr(buf, "200 OK") != NULL && strstr(buf, "released\n") != NULL);
  // It asked to close: that is done within the same poll too.
  CHECK(recv(waiter, buf, sizeof(buf), MSG_DONTWAIT) == 0);
  read_now(chunked, buf, sizeof(buf));
  CHECK_STR(buf, "5\r\nhello\r\n");
  read_now(raw, buf, sizeof(buf));
  CHECK_STR(buf, "pushed");
  CHECK(read_now(ws, buf, sizeof(buf)) == 6 && memcmp(buf, "\x81\x04news", 6) == 0);
  read_now(releaser, buf, sizeof(buf));
  CHECK(strstr(buf, "ok\n") != NULL);
  close(releaser), close(waiter), close(chunked), close(raw), close(ws);
}

// A reply larger than the socket buffers, to a client that does not read:
// once the mg_mgr_poll() that queued it returns, the connection waits for
// writability, whether its request came in the pass or in a later round.
static void test_blocked_reply_waits_for_writability(struct mg_mgr *mgr, int http_port) {
  int trigger, direct, late;
  s_big_body = (char *) calloc(1, BIG);

  // Served in the pass: the request is there before the poll starts.
  direct = client_connect(http_port, 3000);
  CHECK(direct >= 0);
  for (int i = 0; i < 3; i++) poll_once(mgr);  // accepted, idle
  send_all(direct, "GET /big HTTP/1.1\r\n\r\n", 21);
  while (s_next_big < 1 && s_poll_no < 5000) poll_once(mgr);
  CHECK(s_next_big == 1);
  CHECK(registered_events(mgr, s_big_fd[0]) & EPOLLOUT_BIT);

  // Served in a round: the request is sent by a handler of another
  // connection during the pass, after the wait that started that poll. The
  // late client's connection is newer, so the pass has already passed it.
  trigger = client_connect(http_port, 3000);
  late = client_connect(http_port, 3000);
  CHECK(trigger >= 0 && late >= 0);
  for (int i = 0; i < 3; i++) poll_once(mgr);  // both accepted, idle
  s_trigger_fd = late;
  send_all(trigger, "GET /trigger HTTP/1.1\r\n\r\n", 25);
  while (s_next_big < 2 && s_poll_no < 5000) poll_once(mgr);
  CHECK(s_next_big == 2);
  CHECK(s_trigger_poll == s_big_poll[1]);  // the same mg_mgr_poll() call
  CHECK(registered_events(mgr, s_big_fd[1]) & EPOLLOUT_BIT);

  close(direct), close(trigger), close(late);
  free(s_big_body);
}

int main(void) {
  struct mg_mgr mgr;
  struct mg_connection *hl, *rl;
  mg_log_set(MG_LL_ERROR);
  mg_mgr_init(&mgr);
  hl = mg_http_listen(&mgr, "http://127.0.0.1:0", http_fn, NULL);
  rl = mg_listen(&mgr, "tcp://127.0.0.1:0", raw_fn, NULL);
  CHECK(hl != NULL && rl != NULL);
  test_output_for_others(&mgr, mg_ntohs(hl->loc.port), mg_ntohs(rl->loc.port));
  test_blocked_reply_waits_for_writability(&mgr, mg_ntohs(hl->loc.port));
  mg_mgr_free(&mgr);
  return test_summary("test_loop_rounds");
}
