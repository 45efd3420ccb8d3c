// Worker threads sending results back to the event loop with mg_wakeup().
// A TCP client sends a line with a number N; a worker thread computes the sum
// 1..N and the event loop writes the answer to that client, which is found by
// its connection id.
//   ./wakeup_worker [url]   default url: tcp://0.0.0.0:1235
//   echo 100 | nc -q1 localhost 1235     ->  sum(1..100) = 5050
#include "mongoose.h"

struct job {
  struct mg_mgr *mgr;
  unsigned long conn_id;
  long n;
};

static void *worker(void *param) {
  struct job *job = (struct job *) param;
  char reply[100];
  long i, sum = 0;
  for (i = 1; i <= job->n; i++) sum += i;
  mg_snprintf(reply, sizeof(reply), "sum(1..%ld) = %ld\n", job->n, sum);
  // Hand the result to the event loop thread; only mg_wakeup is thread-safe.
  mg_wakeup(job->mgr, job->conn_id, reply, strlen(reply));
  free(job);
  return NULL;
}

static void start_worker(struct mg_connection *c, long n) {
  pthread_t tid;
  struct job *job = (struct job *) calloc(1, sizeof(*job));
  job->mgr = c->mgr, job->conn_id = c->id, job->n = n;
  pthread_create(&tid, NULL, worker, job);
  pthread_detach(tid);
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_READ) {
    char *nl = (char *) memchr(c->recv.buf, '\n', c->recv.len);
    if (nl != NULL) {
      *nl = '\0';
      start_worker(c, strtol((char *) c->recv.buf, NULL, 10));
      mg_iobuf_del(&c->recv, 0, (size_t) (nl - (char *) c->recv.buf) + 1);
    }
  } else if (ev == MG_EV_WAKEUP) {
    struct mg_str *data = (struct mg_str *) ev_data;
    mg_send(c, data->buf, data->len);
  }
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : "tcp://0.0.0.0:1235";
  struct mg_mgr mgr;
  mg_mgr_init(&mgr);
  mg_wakeup_init(&mgr);  // before any thread calls mg_wakeup()
  if (mg_listen(&mgr, url, fn, NULL) == NULL) return 1;
  MG_INFO(("listening on %s", url));
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  return 0;
}
