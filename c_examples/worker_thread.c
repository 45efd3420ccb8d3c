// Slow work off the event loop: every request to /sum is handed to a worker
// thread, which sleeps a little (the "slow" part), adds up the numbers in the
// query string and sends the result back with mg_wakeup(). The event loop
// then answers with mg_http_reply(). Meanwhile the loop keeps serving other
// connections. Keep-alive, "Connection: close" and HTTP/1.0 all work as
// usual: the library closes the connection after the deferred reply when the
// request asked for that.
//   ./worker_thread [url]       default url: http://0.0.0.0:8001
//   curl 'localhost:8001/sum?a=1&b=2&c=39'          -> {"sum":42,"count":3}
//   curl 'localhost:8001/sum?a=5&delay=1000'        (the worker sleeps 1 s)
#include "mongoose.h"

#define DEFAULT_DELAY_MS 50
#define MAX_DELAY_MS 5000

struct job {
  struct mg_mgr *mgr;
  unsigned long conn_id;  // who gets the answer
  char query[1];          // copy of the query string; allocated longer
};

// Adds up every "name=number" in the query string, except "delay", which
// sets how long to sleep first.
static void *worker(void *param) {
  struct job *job = (struct job *) param;
  struct mg_str q = mg_str(job->query), pair, key, val;
  unsigned long long sum = 0, n;
  unsigned delay = DEFAULT_DELAY_MS, count = 0;
  char reply[100];
  bool ok = true;
  while (ok && mg_span(q, &pair, &q, '&')) {
    if (pair.len == 0) continue;
    mg_span(pair, &key, &val, '=');
    if (!mg_str_to_num(val, 10, &n, sizeof(n))) {
      ok = false;
    } else if (mg_strcmp(key, mg_str("delay")) == 0) {
      delay = n > MAX_DELAY_MS ? MAX_DELAY_MS : (unsigned) n;
    } else {
      sum += n, count++;
    }
  }
  usleep(delay * 1000U);  // pretend this took a while
  if (ok) {
    mg_snprintf(reply, sizeof(reply), "{%m:%llu,%m:%u}", MG_ESC("sum"), sum,
                MG_ESC("count"), count);
  } else {
    mg_snprintf(reply, sizeof(reply), "error");
  }
  // The only mongoose call that is safe from another thread. If the client
  // has gone away meanwhile, the message is simply dropped.
  mg_wakeup(job->mgr, job->conn_id, reply, strlen(reply));
  free(job);
  return NULL;
}

static void start_worker(struct mg_connection *c, struct mg_http_message *hm) {
  pthread_t tid;
  // The request lives in c->recv only during this event: copy what the
  // worker needs.
  struct job *job = (struct job *) calloc(1, sizeof(*job) + hm->query.len);
  if (job == NULL) {
    mg_http_reply(c, 500, "", "out of memory\n");
    return;
  }
  job->mgr = c->mgr;
  job->conn_id = c->id;
  memcpy(job->query, hm->query.buf, hm->query.len);
  if (pthread_create(&tid, NULL, worker, job) != 0) {
    free(job);
    mg_http_reply(c, 503, "", "cannot start a worker\n");
    return;
  }
  pthread_detach(tid);
  // No reply yet: c->is_resp stays set, so further pipelined requests wait,
  // and the library knows the response is still to come.
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/sum"), NULL)) {
      start_worker(c, hm);
    } else {
      mg_http_reply(c, 404, "", "try /sum?a=1&b=2\n");
    }
  } else if (ev == MG_EV_WAKEUP) {
    struct mg_str *data = (struct mg_str *) ev_data;
    if (mg_strcmp(*data, mg_str("error")) == 0) {
      mg_http_reply(c, 400, "", "query values must be numbers\n");
    } else {
      mg_http_reply(c, 200, "Content-Type: application/json\r\n", "%.*s\n",
                    (int) data->len, data->buf);
    }
  }
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : "http://0.0.0.0:8001";
  struct mg_mgr mgr;
  mg_mgr_init(&mgr);
  mg_wakeup_init(&mgr);  // before any worker calls mg_wakeup()
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return 1;
  }
  MG_INFO(("listening on %s", url));
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  return 0;
}
