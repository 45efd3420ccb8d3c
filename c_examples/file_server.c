// A static file server with a small API, the Mongoose way.
//
//   ./file_server [-p PORT | -l URL] [DIR]
//
// Serves DIR (default: the current directory) on http://localhost:8000:
// files (ranges, ETag/304, .gz siblings, *.shtml includes), index.html or a
// listing for directories. Requests under /api/ are answered by a worker
// thread per request, which hands its result back to the event loop with
// mg_wakeup(); the loop replies with mg_http_reply(). Keep-alive,
// "Connection: close" and HTTP/1.0 all work with the deferred reply.
//
//   curl localhost:8000/                        -> listing or index.html
//   curl -r 0-99 localhost:8000/some/file       -> 206, the first 100 bytes
//   curl 'localhost:8000/api/sum?a=1&b=2'       -> {"sum":3,"count":2}
//   curl 'localhost:8000/api/sum?a=5&delay=500' (the worker sleeps 0.5 s)
#include "mongoose.h"

#define DEFAULT_DELAY_MS 20
#define MAX_DELAY_MS 5000

static volatile sig_atomic_t s_signo;
static const char *s_root = ".";

static void on_signal(int signo) {
  s_signo = signo;
}

struct job {
  struct mg_mgr *mgr;
  unsigned long conn_id;  // who gets the answer
  bool is_sum;            // the endpoint: /api/sum, or unknown
  char query[1];          // copy of the query string; allocated longer
};

// The worker: computes the answer and sends "STATUS BODY" back with
// mg_wakeup(), the one mongoose call that is safe from another thread.
static void *worker(void *param) {
  struct job *job = (struct job *) param;
  struct mg_str q = mg_str(job->query), pair, key, val;
  unsigned long long sum = 0, n;
  unsigned delay = DEFAULT_DELAY_MS, count = 0;
  char reply[128];
  bool ok = true;
  while (ok && job->is_sum && mg_span(q, &pair, &q, '&')) {
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
  if (!job->is_sum) {
    mg_snprintf(reply, sizeof(reply), "404 {%m:%m}", MG_ESC("error"),
                MG_ESC("unknown endpoint, try /api/sum?a=1&b=2"));
  } else if (!ok) {
    mg_snprintf(reply, sizeof(reply), "400 {%m:%m}", MG_ESC("error"),
                MG_ESC("query values must be numbers"));
  } else {
    mg_snprintf(reply, sizeof(reply), "200 {%m:%llu,%m:%u}", MG_ESC("sum"),
                sum, MG_ESC("count"), count);
  }
  // If the client has gone away meanwhile, the message is simply dropped.
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
  job->is_sum = mg_match(hm->uri, mg_str("/api/sum"), NULL);
  memcpy(job->query, hm->query.buf, hm->query.len);
  if (pthread_create(&tid, NULL, worker, job) != 0) {
    free(job);
    mg_http_reply(c, 503, "", "cannot start a worker\n");
    return;
  }
  pthread_detach(tid);
  // No reply yet: c->is_resp stays set, so pipelined requests wait.
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (mg_match(hm->uri, mg_str("/api/#"), NULL)) {
      start_worker(c, hm);
    } else {
      struct mg_http_serve_opts opts;
      memset(&opts, 0, sizeof(opts));
      opts.root_dir = s_root;
      opts.ssi_pattern = "#.shtml";
      mg_http_serve_dir(c, hm, &opts);
    }
  } else if (ev == MG_EV_WAKEUP) {
    struct mg_str *data = (struct mg_str *) ev_data;  // "STATUS BODY"
    int status = atoi(data->buf);
    const char *body = strchr(data->buf, ' ');
    mg_http_reply(c, status, "Content-Type: application/json\r\n", "%s\n",
                  body != NULL ? body + 1 : "");
  }
}

static void usage(const char *prog) {
  fprintf(stderr,
          "Usage: %s [-p PORT | -l URL] [DIR]\n"
          "  Serves DIR (default .) on http://localhost:8000 and the worker\n"
          "  API on /api/ (e.g. /api/sum?a=1&b=2).\n",
          prog);
  exit(EXIT_FAILURE);
}

int main(int argc, char *argv[]) {
  char url[256] = "http://localhost:8000";
  struct mg_mgr mgr;
  struct stat st;
  int i;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
      mg_snprintf(url, sizeof(url), "http://localhost:%s", argv[++i]);
    } else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
      mg_snprintf(url, sizeof(url), "%s", argv[++i]);
    } else if (argv[i][0] == '-') {
      usage(argv[0]);
    } else {
      s_root = argv[i];
    }
  }
  if (stat(s_root, &st) != 0 || !S_ISDIR(st.st_mode)) {
    MG_ERROR(("%s is not a directory", s_root));
    return EXIT_FAILURE;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  mg_mgr_init(&mgr);
  mg_wakeup_init(&mgr);  // before any worker calls mg_wakeup()
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return EXIT_FAILURE;
  }
  MG_INFO(("serving %s on %s", s_root, url));
  while (s_signo == 0) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  MG_INFO(("exiting on signal %d", s_signo));
  return EXIT_SUCCESS;
}
