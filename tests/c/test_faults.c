// Faults: running out of descriptors on accept (the listener survives and
// does not spin), and a peer reset (only that connection closes).
#include <sys/resource.h>

#include "test_util.h"

struct fstate {
  int accepted, closed, polls, errors;
};

static void server(struct mg_connection *c, int ev, void *ev_data) {
  struct fstate *s = (struct fstate *) c->fn_data;
  (void) ev_data;
  if (ev == MG_EV_ACCEPT) s->accepted++;
  if (ev == MG_EV_POLL && c->is_listening) s->polls++;
  if (ev == MG_EV_ERROR) s->errors++;
  if (ev == MG_EV_CLOSE && c->is_accepted) s->closed++;
  if (ev == MG_EV_READ) {
    mg_send(c, c->recv.buf, c->recv.len);
    c->recv.len = 0;
  }
}

static void test_emfile(void) {
  struct mg_mgr mgr;
  struct fstate s;
  struct mg_connection *l;
  struct rlimit old, lim;
  int fds[6], i, probe, port;
  uint64_t end;
  memset(&s, 0, sizeof(s));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", server, &s);
  port = mg_ntohs(l->loc.port);
  mg_mgr_poll(&mgr, 0);
  // Leave room for the 6 client sockets and 2 accepted ones.
  probe = dup(0);
  close(probe);
  getrlimit(RLIMIT_NOFILE, &old);
  lim = old;
  lim.rlim_cur = (rlim_t) probe + 8;
  CHECK(setrlimit(RLIMIT_NOFILE, &lim) == 0);
  for (i = 0; i < 6; i++) fds[i] = tcp_connect(port, 0);
  for (i = 0; i < 6; i++) CHECK(fds[i] >= 0);
  s.polls = 0;
  end = mg_millis() + 500;
  while (mg_millis() < end) mg_mgr_poll(&mgr, 1000);
  printf("accepted %d, listener polls in 500 ms while out of fds: %d\n",
         s.accepted, s.polls);
  CHECK(s.accepted >= 1 && s.accepted < 6);  // ran out of descriptors
  CHECK(s.polls < 50);  // paused, not spinning on the full backlog
  CHECK(mgr.conns != NULL);
  // Free descriptors: the listener accepts the rest.
  for (i = 0; i < 6; i++) close(fds[i]);
  end = mg_millis() + 3000;
  while (s.accepted < 6 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(s.accepted == 6);
  setrlimit(RLIMIT_NOFILE, &old);
  mg_mgr_free(&mgr);
}

static void test_reset(void) {
  struct mg_mgr mgr;
  struct fstate s;
  struct mg_connection *l;
  struct linger lg = {1, 0};
  int a, b, port;
  char buf[8];
  uint64_t end;
  memset(&s, 0, sizeof(s));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", server, &s);
  port = mg_ntohs(l->loc.port);
  a = tcp_connect(port, 0);
  b = tcp_connect(port, 0);
  end = mg_millis() + 3000;
  while (s.accepted < 2 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(s.accepted == 2);
  // Reset a: SO_LINGER with zero timeout makes close() send RST.
  CHECK(write(a, "x", 1) == 1);
  setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  close(a);
  end = mg_millis() + 3000;
  while (s.closed < 1 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(s.closed == 1);
  // b still works.
  CHECK(write(b, "ok", 2) == 2);
  end = mg_millis() + 200;
  while (mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(recv(b, buf, sizeof(buf), MSG_DONTWAIT) == 2 && memcmp(buf, "ok", 2) == 0);
  CHECK(s.closed == 1);
  close(b);
  mg_mgr_free(&mgr);
}

int main(void) {
  mg_log_set(MG_LL_NONE);
  test_emfile();
  test_reset();
  return test_summary("test_faults");
}
