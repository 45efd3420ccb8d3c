// Wakeup throughput: N sender threads each send M messages of S bytes with
// mg_wakeup(); the event loop counts them. Prints messages/s and checks that
// every message arrived.
//   ./wakeup_bench [threads] [messages_per_thread] [size]
#include <sys/resource.h>

#include "mongoose.h"

static struct mg_mgr s_mgr;
static unsigned long s_id;
static long s_per_thread;
static size_t s_size;
static long s_received;

static void *sender(void *arg) {
  char buf[4096];
  long i;
  memset(buf, 'x', sizeof(buf));
  for (i = 0; i < s_per_thread; i++) {
    if (!mg_wakeup(&s_mgr, s_id, buf, s_size)) abort();
  }
  (void) arg;
  return NULL;
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_WAKEUP) s_received++;
  (void) c, (void) ev_data;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[]) {
  int threads = argc > 1 ? atoi(argv[1]) : 4, i;
  pthread_t tids[64];
  double start, secs;
  long total;
  struct rusage ru;
  struct mg_connection *c;
  s_per_thread = argc > 2 ? atol(argv[2]) : 250000;
  s_size = argc > 3 ? (size_t) atol(argv[3]) : 16;
  if (threads > 64) threads = 64;
  if (s_size > 4096) s_size = 4096;
  total = s_per_thread * threads;
  mg_log_set(MG_LL_ERROR);
  mg_mgr_init(&s_mgr);
  mg_wakeup_init(&s_mgr);
  c = mg_listen(&s_mgr, "udp://127.0.0.1:0", fn, NULL);
  s_id = c->id;
  start = now_s();
  for (i = 0; i < threads; i++) pthread_create(&tids[i], NULL, sender, NULL);
  while (s_received < total) mg_mgr_poll(&s_mgr, 100);
  secs = now_s() - start;
  for (i = 0; i < threads; i++) pthread_join(tids[i], NULL);
  getrusage(RUSAGE_SELF, &ru);
  printf("threads=%d messages=%ld size=%zu received=%ld time=%.3fs rate=%.0f msg/s maxrss=%ld KiB\n",
         threads, total, s_size, s_received, secs, (double) total / secs, ru.ru_maxrss);
  mg_mgr_free(&s_mgr);
  return s_received == total ? 0 : 1;
}
