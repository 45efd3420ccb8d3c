// mg_wakeup(): 8 threads send 100k messages each and every one arrives once,
// whole and in per-thread order; a 1 MiB message arrives intact.
#include "test_util.h"

#define THREADS 8
#define PER_THREAD 100000

struct wstate {
  unsigned long conn_id;
  struct mg_mgr *mgr;
  long received;
  long next_seq[THREADS];
  long out_of_order, malformed;
  size_t big_len;
  bool big_ok;
  int sender_failures;
};

struct sender_arg {
  struct wstate *s;
  int tid;
};

static void *sender(void *param) {
  struct sender_arg *a = (struct sender_arg *) param;
  long i;
  for (i = 0; i < PER_THREAD; i++) {
    long msg[2] = {a->tid, i};
    if (!mg_wakeup(a->s->mgr, a->s->conn_id, msg, sizeof(msg))) {
      a->s->sender_failures++;
    }
  }
  return NULL;
}

static void handler(struct mg_connection *c, int ev, void *ev_data) {
  struct wstate *s = (struct wstate *) c->fn_data;
  if (ev == MG_EV_WAKEUP) {
    struct mg_str *m = (struct mg_str *) ev_data;
    if (m->len == 2 * sizeof(long)) {
      long msg[2];
      memcpy(msg, m->buf, sizeof(msg));
      if (msg[0] < 0 || msg[0] >= THREADS) {
        s->malformed++;
      } else {
        if (msg[1] != s->next_seq[msg[0]]) s->out_of_order++;
        s->next_seq[msg[0]] = msg[1] + 1;
        s->received++;
      }
    } else if (m->len == 1024 * 1024) {
      size_t i;
      bool ok = true;
      for (i = 0; i < m->len; i++) ok &= (unsigned char) m->buf[i] == (i * 7) % 251;
      s->big_ok = ok && m->buf[m->len] == '\0';
      s->big_len = m->len;
    } else {
      s->malformed++;
    }
  }
}

int main(void) {
  struct mg_mgr mgr;
  struct wstate s;
  struct sender_arg args[THREADS];
  pthread_t tids[THREADS];
  struct mg_connection *c;
  unsigned char *big;
  uint64_t end;
  size_t i;
  int t;

  mg_log_set(MG_LL_ERROR);
  memset(&s, 0, sizeof(s));
  mg_mgr_init(&mgr);
  CHECK(mg_wakeup_init(&mgr));
  c = mg_listen(&mgr, "udp://127.0.0.1:0", handler, &s);
  CHECK(c != NULL);
  s.conn_id = c->id;
  s.mgr = &mgr;

  for (t = 0; t < THREADS; t++) {
    args[t].s = &s, args[t].tid = t;
    pthread_create(&tids[t], NULL, sender, &args[t]);
  }
  end = mg_millis() + 60000;
  while (s.received < (long) THREADS * PER_THREAD && mg_millis() < end) {
    mg_mgr_poll(&mgr, 50);
  }
  for (t = 0; t < THREADS; t++) pthread_join(tids[t], NULL);
  mg_mgr_poll(&mgr, 0);
  printf("received %ld of %d, out of order %ld, malformed %ld\n", s.received,
         THREADS * PER_THREAD, s.out_of_order, s.malformed);
  CHECK(s.received == (long) THREADS * PER_THREAD);
  CHECK(s.out_of_order == 0);
  CHECK(s.malformed == 0);
  CHECK(s.sender_failures == 0);

  big = (unsigned char *) malloc(1024 * 1024);
  for (i = 0; i < 1024 * 1024; i++) big[i] = (unsigned char) ((i * 7) % 251);
  CHECK(mg_wakeup(&mgr, s.conn_id, big, 1024 * 1024));
  free(big);
  end = mg_millis() + 5000;
  while (s.big_len == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 50);
  CHECK(s.big_len == 1024 * 1024);
  CHECK(s.big_ok);

  // A wakeup wakes a poll that would otherwise sleep for a long time.
  {
    uint64_t start;
    long before = s.received;
    long msg[2] = {0, s.next_seq[0]};
    CHECK(mg_wakeup(&mgr, s.conn_id, msg, sizeof(msg)));
    start = mg_millis();
    mg_mgr_poll(&mgr, 5000);
    CHECK(s.received == before + 1);
    CHECK(mg_millis() - start < 1000);
  }
  CHECK(mg_wakeup(&mgr, 0, "x", 1) == false);
  CHECK(mg_wakeup(&mgr, s.conn_id, NULL, 5) == false);
  mg_mgr_free(&mgr);
  return test_summary("test_wakeup");
}
