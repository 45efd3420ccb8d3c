// Helpers for HTTP tests: run a server's event loop in a thread and talk to
// it with plain blocking sockets, so tests control every byte on the wire.
#ifndef HTTP_TEST_UTIL_H
#define HTTP_TEST_UTIL_H
#include "test_util.h"

struct server {
  struct mg_mgr mgr;
  pthread_t tid;
  volatile bool stop;
  int port;
};

static void *server_loop(void *arg) {
  struct server *s = (struct server *) arg;
  while (!s->stop) mg_mgr_poll(&s->mgr, 5);
  return NULL;
}

// Starts an HTTP server with handler fn on a free port, polled by a thread.
static inline void server_start(struct server *s, mg_event_handler_t fn, void *data) {
  struct mg_connection *l;
  memset(s, 0, sizeof(*s));
  mg_mgr_init(&s->mgr);
  mg_wakeup_init(&s->mgr);
  l = mg_http_listen(&s->mgr, "http://127.0.0.1:0", fn, data);
  s->port = mg_ntohs(l->loc.port);
  pthread_create(&s->tid, NULL, server_loop, s);
}

static inline void server_stop(struct server *s) {
  s->stop = true;
  pthread_join(s->tid, NULL);
  mg_mgr_free(&s->mgr);
}

// A blocking client socket with a receive timeout (see test_util.h).
#define client_connect tcp_connect

static inline bool send_all(int fd, const void *buf, size_t len) {
  const char *p = (const char *) buf;
  while (len > 0) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n <= 0) return false;
    p += n, len -= (size_t) n;
  }
  return true;
}

// Reads until the peer closes, the buffer is full or the timeout hits.
// Returns bytes read; *closed tells whether the peer closed.
static inline size_t recv_all(int fd, char *buf, size_t size, bool *closed) {
  size_t len = 0;
  *closed = false;
  while (len + 1 < size) {
    ssize_t n = recv(fd, buf + len, size - 1 - len, 0);
    if (n == 0) {
      *closed = true;
      break;
    }
    if (n < 0) break;  // timeout
    len += (size_t) n;
  }
  buf[len] = '\0';
  return len;
}

// Reads until `count` complete responses (by Content-Length or chunked end)
// have arrived, the peer closes, or the timeout hits.
static inline size_t recv_responses(int fd, char *buf, size_t size, int count, bool *closed) {
  size_t len = 0;
  *closed = false;
  for (;;) {
    int seen = 0;
    const char *p = buf;
    buf[len] = '\0';
    while (p < buf + len) {
      const char *end = strstr(p, "\r\n\r\n");
      const char *cl;
      if (end == NULL) break;
      cl = strstr(p, "Content-Length: ");
      if (cl != NULL && cl < end) {
        size_t body = (size_t) strtoul(cl + 16, NULL, 10);
        if ((size_t) (end + 4 - buf) + body > len) break;
        p = end + 4 + body;
      } else if (strstr(p, "Transfer-Encoding: chunked") != NULL &&
                 strstr(p, "Transfer-Encoding: chunked") < end) {
        const char *fin = strstr(end + 4, "\r\n0\r\n\r\n");
        if (strncmp(end + 4, "0\r\n\r\n", 5) == 0) fin = end + 4 - 2;
        if (fin == NULL) break;
        p = fin + 7;
      } else if (strncmp(p + 9, "100", 3) == 0) {
        p = end + 4;
        continue;  // interim response, not counted
      } else {
        p = end + 4;
      }
      seen++;
    }
    if (seen >= count || len + 1 >= size) break;
    {
      ssize_t n = recv(fd, buf + len, size - 1 - len, 0);
      if (n == 0) {
        *closed = true;
        break;
      }
      if (n < 0) break;
      len += (size_t) n;
    }
  }
  buf[len] = '\0';
  return len;
}

// True when the peer has closed (EOF within the timeout).
static inline bool peer_closed(int fd) {
  char tmp[256];
  for (;;) {
    ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
    if (n == 0) return true;
    if (n < 0) return false;
  }
}

static inline int count_substr(const char *s, const char *sub) {
  int n = 0;
  while ((s = strstr(s, sub)) != NULL) n++, s += strlen(sub);
  return n;
}
#endif
