// Under sustained load, with many idle connections, the event loop keeps
// timers and MG_EV_POLL prompt: a busy mg_mgr_poll() serves I/O in extra
// rounds, but those rounds are bounded, stop for a due timer, and end with
// the call's own `ms`: with 0, a call is one pass over the connections.
#include <pthread.h>
#include <sys/resource.h>
#include "http_test_util.h"

#define IDLE 1000
#define CLIENTS 16
#define RUN_MS 800
#define TIMER_MS 10

static uint64_t s_last_timer, s_max_timer_gap, s_last_poll, s_max_poll_gap;
static int s_timer_fires;
static unsigned long s_requests, s_max_per_call0;
static volatile bool s_load_stop;
static int s_port;

static void note_gap(uint64_t *last, uint64_t *max_gap) {
  uint64_t now = mg_millis();
  if (*last != 0 && now - *last > *max_gap) *max_gap = now - *last;
  *last = now;
}

static void timer_fn(void *arg) {
  (void) arg;
  s_timer_fires++;
  note_gap(&s_last_timer, &s_max_timer_gap);
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_POLL && c->is_listening) {
    note_gap(&s_last_poll, &s_max_poll_gap);
  } else if (ev == MG_EV_HTTP_MSG) {
    (void) ev_data;
    s_requests++;
    mg_http_reply(c, 200, "", "ok\n");
  }
}

// One keep-alive client sending requests back to back until told to stop.
static void *load(void *arg) {
  char buf[4096];
  const char *req = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
  int fd = client_connect(s_port, 2000);
  (void) arg;
  if (fd < 0) return NULL;
  while (!s_load_stop) {
    bool closed;
    if (!send_all(fd, req, strlen(req))) break;
    recv_responses(fd, buf, sizeof(buf), 1, &closed);
    if (closed) break;
  }
  close(fd);
  return NULL;
}

int main(void) {
  struct mg_mgr mgr;
  struct mg_connection *l;
  struct rlimit rl;
  pthread_t tids[CLIENTS];
  int idle[IDLE], nidle = 0, i;
  uint64_t start;

  // Room for the idle connections at both ends.
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  mg_log_set(MG_LL_ERROR);
  mg_mgr_init(&mgr);
  l = mg_http_listen(&mgr, "http://127.0.0.1:0", fn, NULL);
  CHECK(l != NULL);
  s_port = mg_ntohs(l->loc.port);
  for (i = 0; i < IDLE; i++) {
    int fd = client_connect(s_port, 0);
    if (fd < 0) break;
    idle[nidle++] = fd;
    if (i % 64 == 0) mg_mgr_poll(&mgr, 0);  // accept as they come
  }
  for (i = 0; i < 100; i++) mg_mgr_poll(&mgr, 1);
  CHECK(nidle >= IDLE / 2);

  for (i = 0; i < CLIENTS; i++) pthread_create(&tids[i], NULL, load, NULL);
  // First without timers: MG_EV_POLL alone must keep coming.
  s_last_poll = 0, s_max_poll_gap = 0;
  start = mg_millis();
  while (mg_millis() - start < RUN_MS) mg_mgr_poll(&mgr, 1000);
  // Then with a timer, which must fire on time.
  mg_timer_add(&mgr, TIMER_MS, MG_TIMER_REPEAT, timer_fn, NULL);
  start = mg_millis();
  while (mg_millis() - start < RUN_MS) mg_mgr_poll(&mgr, 1000);
  // A call with ms = 0 serves each client once, in its pass: no more rounds
  // (a client has one request in flight at a time).
  for (i = 0; i < 500; i++) {
    unsigned long before = s_requests;
    mg_mgr_poll(&mgr, 0);
    if (s_requests - before > s_max_per_call0) s_max_per_call0 = s_requests - before;
  }
  s_load_stop = true;
  // Let the clients finish their last request.
  for (i = 0; i < 50; i++) mg_mgr_poll(&mgr, 1);
  for (i = 0; i < CLIENTS; i++) pthread_join(tids[i], NULL);

  printf("requests %lu, timer fires %d, max timer gap %llu ms, max poll gap %llu ms, %d idle\n",
         s_requests, s_timer_fires, (unsigned long long) s_max_timer_gap,
         (unsigned long long) s_max_poll_gap, nidle);
  CHECK(s_requests > 1000);
  // Expected about RUN_MS / TIMER_MS fires and gaps of one or two periods;
  // the bounds leave room for a loaded CI machine.
  CHECK(s_timer_fires >= RUN_MS / TIMER_MS / 4);
  CHECK(s_max_timer_gap < 150);
  CHECK(s_max_poll_gap < 150);
  printf("at most %lu requests answered by one mg_mgr_poll(&mgr, 0)\n", s_max_per_call0);
  CHECK(s_max_per_call0 > 0 && s_max_per_call0 <= 2 * CLIENTS);

  for (i = 0; i < nidle; i++) close(idle[i]);
  mg_mgr_free(&mgr);
  return test_summary("test_loop_load");
}
