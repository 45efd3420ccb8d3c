// Cost of one mg_mgr_poll() iteration over many idle connections: the pass
// every iteration makes over all connections (MG_EV_POLL and the I/O
// bookkeeping), with nothing to read or write.
//   idle_pass [CONNECTIONS] [ITERATIONS]
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "mongoose.h"

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  (void) c, (void) ev, (void) ev_data;
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000, iters = argc > 2 ? atoi(argv[2]) : 2000;
  struct mg_mgr mgr;
  struct mg_connection *l;
  struct sockaddr_in sin;
  struct rlimit rl;
  int i, *fds = (int *) calloc((size_t) n, sizeof(int)), accepted = 0;
  double t0;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  mg_log_set(MG_LL_ERROR);
  mg_mgr_init(&mgr);
  l = mg_http_listen(&mgr, "http://127.0.0.1:0", fn, NULL);
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = l->loc.port;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fds[i], (struct sockaddr *) &sin, sizeof(sin)) != 0) {
      fprintf(stderr, "connect %d failed\n", i);
      return 1;
    }
    if (i % 100 == 0) mg_mgr_poll(&mgr, 0);
  }
  while (accepted < n) {
    struct mg_connection *c;
    mg_mgr_poll(&mgr, 1);
    for (accepted = 0, c = mgr.conns; c != NULL; c = c->next) accepted += c->is_accepted;
  }
  for (i = 0; i < 10; i++) mg_mgr_poll(&mgr, 0);
  t0 = now_us();
  for (i = 0; i < iters; i++) mg_mgr_poll(&mgr, 0);
  printf("%d idle connections: %.1f us per mg_mgr_poll (%.1f ns per connection)\n", n,
         (now_us() - t0) / iters, (now_us() - t0) * 1e3 / iters / n);
  mg_mgr_free(&mgr);
  for (i = 0; i < n; i++) close(fds[i]);
  return 0;
}
