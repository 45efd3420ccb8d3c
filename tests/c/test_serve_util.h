// Helpers for the static-file tests: a scratch directory tree, raw HTTP
// exchanges over blocking sockets, and a response reader that knows
// Content-Length and HEAD, so pipelined responses can be taken apart.
#ifndef TEST_SERVE_UTIL_H
#define TEST_SERVE_UTIL_H
#include "http_test_util.h"

static char s_base[128];  // scratch directory, removed at the end

// Writes len bytes to base/rel (creating the file); true on success.
static inline bool put_file(const char *rel, const void *data, size_t len) {
  char path[512];
  FILE *fp;
  bool ok;
  snprintf(path, sizeof(path), "%s/%s", s_base, rel);
  if ((fp = fopen(path, "wb")) == NULL) return false;
  ok = fwrite(data, 1, len, fp) == len;
  return fclose(fp) == 0 && ok;
}

static inline bool put_str(const char *rel, const char *s) {
  return put_file(rel, s, strlen(s));
}

static inline bool put_dir(const char *rel) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", s_base, rel);
  return mkdir(path, 0755) == 0;
}

static inline void make_base(const char *name) {
  snprintf(s_base, sizeof(s_base), "/tmp/mg_%s_%d", name, (int) getpid());
  mkdir(s_base, 0755);
}

static inline void remove_base(void) {
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s_base);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", s_base);
}

// Byte i of the deterministic test pattern of big files.
static inline unsigned char pattern(uint64_t i) {
  return (unsigned char) ((i * 2654435761u) >> 13) ^ (unsigned char) (i >> 20);
}

static inline bool put_pattern(const char *rel, size_t len) {
  char path[512];
  unsigned char buf[65536];
  size_t done = 0, i;
  FILE *fp;
  snprintf(path, sizeof(path), "%s/%s", s_base, rel);
  if ((fp = fopen(path, "wb")) == NULL) return false;
  while (done < len) {
    size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
    for (i = 0; i < n; i++) buf[i] = pattern(done + i);
    if (fwrite(buf, 1, n, fp) != n) break;
    done += n;
  }
  return fclose(fp) == 0 && done == len;
}

static inline bool is_pattern(const char *p, size_t len, uint64_t offset) {
  size_t i;
  for (i = 0; i < len; i++) {
    if ((unsigned char) p[i] != pattern(offset + i)) return false;
  }
  return true;
}

// A socket with its own read-ahead buffer, to read responses one by one.
struct conn {
  int fd;
  char buf[1 << 16];
  size_t len;
};

// One response: status, head (NUL-terminated) and body (malloc'ed).
struct resp {
  int status;
  char head[8192];
  char *body;
  size_t body_len;
  bool complete;  // head and all Content-Length bytes arrived
};

// The end of the head ("\r\n\r\n") in buf, or NULL.
static inline char *head_end(char *buf, size_t len) {
  size_t i;
  for (i = 0; i + 4 <= len; i++) {
    if (memcmp(buf + i, "\r\n\r\n", 4) == 0) return buf + i;
  }
  return NULL;
}

static inline bool conn_fill(struct conn *c) {
  ssize_t n;
  if (c->len == sizeof(c->buf)) return false;
  n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
  if (n <= 0) return false;
  c->len += (size_t) n;
  return true;
}

// Finds header `name` in a head; copies its value to out. NULL if absent.
static inline const char *header(const char *head, const char *name, char *out, size_t size) {
  const char *p = strstr(head, "\r\n");
  size_t nl = strlen(name);
  while (p != NULL && p[2] != '\r' && p[2] != '\0') {
    const char *line = p + 2, *eol = strstr(line, "\r\n");
    if (eol == NULL) break;
    if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
      const char *v = line + nl + 1;
      size_t n;
      while (*v == ' ') v++;
      n = (size_t) (eol - v);
      if (n >= size) n = size - 1;
      memcpy(out, v, n);
      out[n] = '\0';
      return out;
    }
    p = eol;
  }
  return NULL;
}

// Reads one response; a HEAD response (is_head) has no body whatever its
// Content-Length says. Without Content-Length the body runs to the close.
static inline void read_resp(struct conn *c, struct resp *r, bool is_head) {
  char *end;
  char cl[32];
  size_t head_len, want;
  bool by_close;
  memset(r, 0, sizeof(*r));
  for (;;) {
    end = head_end(c->buf, c->len);
    if (end != NULL) break;
    if (!conn_fill(c)) return;
  }
  head_len = (size_t) (end + 4 - c->buf);
  if (head_len >= sizeof(r->head)) return;
  memcpy(r->head, c->buf, head_len);
  r->head[head_len] = '\0';
  r->status = atoi(r->head + 9);
  by_close = header(r->head, "Content-Length", cl, sizeof(cl)) == NULL;
  want = is_head || r->status == 304 ? 0 : by_close ? (size_t) -1 : strtoul(cl, NULL, 10);
  memmove(c->buf, c->buf + head_len, c->len - head_len);
  c->len -= head_len;
  r->body = (char *) malloc(by_close ? (1 << 20) : want + 1);
  while (r->body_len < want) {
    size_t n = c->len < want - r->body_len ? c->len : want - r->body_len;
    if (by_close && r->body_len + n >= (1 << 20)) break;
    memcpy(r->body + r->body_len, c->buf, n);
    r->body_len += n;
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
    if (r->body_len < want && !conn_fill(c)) break;
  }
  r->body[r->body_len] = '\0';
  r->complete = by_close || r->body_len == want;
}

static inline void free_resp(struct resp *r) {
  free(r->body);
  r->body = NULL;
}

// Sends `req` on a new connection and reads one response into r.
static inline int fetch(int port, const char *req, struct resp *r) {
  static struct conn c;
  c.len = 0;
  c.fd = client_connect(port, 5000);
  memset(r, 0, sizeof(*r));
  if (c.fd < 0) return -1;
  if (send_all(c.fd, req, strlen(req))) read_resp(&c, r, strncmp(req, "HEAD ", 5) == 0);
  close(c.fd);
  return r->status;
}

// GET `uri` with extra header lines `hdrs` ("" for none); returns the status.
static inline int get(int port, const char *uri, const char *hdrs, struct resp *r) {
  char req[2048];
  snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n", uri, hdrs);
  return fetch(port, req, r);
}

static inline bool has_header(const struct resp *r, const char *name, const char *value) {
  char v[512];
  return header(r->head, name, v, sizeof(v)) != NULL && strcmp(v, value) == 0;
}
#endif
