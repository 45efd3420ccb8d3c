// Streaming of large static files: pipelined requests after a file, a custom
// C mg_fs (buffered path, with and without seek), connection endings
// (Connection: close, HTTP/1.0, half-close, client gone mid-file), a slow
// reader against which c->send stays bounded on both paths, and a 1 GiB
// download checked by SHA-256 while the server's peak RSS stays small.
#include "test_serve_util.h"

#define BIG_SIZE (1 << 20)     // 1 MiB: streamed
#define HUGE_SIZE (32 << 20)   // for the slow reader
#define GIANT_SIZE (1ULL << 30)  // 1 GiB

static char s_root[256], s_mapping[600], s_mapping2[600];
static volatile size_t s_max_send;  // largest c->send.len seen, server side
static volatile int s_opens, s_closes;
static volatile size_t s_read_bytes;  // bytes read through the custom fs

// ---- A custom filesystem: POSIX through stdio, with counters ----
static int w_st(const char *path, size_t *size, time_t *mtime) {
  struct stat st;
  if (stat(path, &st) != 0) return 0;
  if (size) *size = (size_t) st.st_size;
  if (mtime) *mtime = st.st_mtime;
  return MG_FS_READ | (S_ISDIR(st.st_mode) ? MG_FS_DIR : 0);
}
static void w_ls(const char *path, void (*fn)(const char *, void *), void *ud) {
  DIR *d = opendir(path);
  struct dirent *e;
  if (d == NULL) return;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) fn(e->d_name, ud);
  }
  closedir(d);
}
static void *w_op(const char *path, int flags) {
  FILE *fp = (flags & MG_FS_WRITE) ? NULL : fopen(path, "rb");
  if (fp != NULL) s_opens++;
  return fp;
}
static void w_cl(void *fd) {
  s_closes++;
  fclose((FILE *) fd);
}
static size_t w_rd(void *fd, void *buf, size_t len) {
  size_t n = fread(buf, 1, len, (FILE *) fd);
  s_read_bytes += n;
  return n;
}
static size_t w_wr(void *fd, const void *buf, size_t len) {
  (void) fd, (void) buf, (void) len;
  return 0;
}
static size_t w_sk(void *fd, size_t offset) {
  fseek((FILE *) fd, (long) offset, SEEK_SET);
  return (size_t) ftell((FILE *) fd);
}
static bool w_mv(const char *a, const char *b) {
  (void) a, (void) b;
  return false;
}
static bool w_rm(const char *a) {
  (void) a;
  return false;
}
static struct mg_fs s_wrapfs = {w_st, w_ls, w_op, w_cl, w_rd, w_wr, w_sk, w_mv, w_rm, w_rm};
static struct mg_fs s_noseekfs = {w_st, w_ls, w_op, w_cl, w_rd, w_wr, NULL, w_mv, w_rm, w_rm};

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if ((ev == MG_EV_POLL || ev == MG_EV_WRITE) && c->is_accepted) {
    if (c->send.len > s_max_send) s_max_send = c->send.len;
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    struct mg_http_serve_opts o;
    memset(&o, 0, sizeof(o));
    o.root_dir = s_root;
    if (mg_match(hm->uri, mg_str("/api/#"), NULL)) {
      mg_http_reply(c, 200, "", "api\n");
    } else if (mg_match(hm->uri, mg_str("/cork"), NULL)) {
      // The socket's TCP_CORK, which a sendfile(2) transfer sets for its
      // duration: it must be off again once the file is out.
      int on = -1;
      socklen_t len = sizeof(on);
      getsockopt((int) (size_t) c->fd, IPPROTO_TCP, TCP_CORK, &on, &len);
      mg_http_reply(c, 200, "", "cork=%d\n", on);
    } else if (mg_match(hm->uri, mg_str("/custom/#"), NULL)) {
      o.root_dir = s_mapping;
      o.fs = &s_wrapfs;
      mg_http_serve_dir(c, hm, &o);
    } else if (mg_match(hm->uri, mg_str("/noseek/#"), NULL)) {
      o.root_dir = s_mapping2;
      o.fs = &s_noseekfs;
      mg_http_serve_dir(c, hm, &o);
    } else {
      mg_http_serve_dir(c, hm, &o);
    }
  }
}

static void test_pipelined(int port) {
  static struct conn c;
  struct resp r;
  const char *reqs =
      "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /cork HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /custom/big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/x HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /big.bin HTTP/1.1\r\nRange: bytes=100-200099\r\n\r\n"
      "GET /a.txt HTTP/1.1\r\nConnection: close\r\n\r\n";
  c.len = 0;
  c.fd = client_connect(port, 10000);
  CHECK(send_all(c.fd, reqs, strlen(reqs)));
  read_resp(&c, &r, false);
  CHECK(r.status == 200 && r.complete && r.body_len == BIG_SIZE);
  CHECK(is_pattern(r.body, r.body_len, 0));
  free_resp(&r);
  read_resp(&c, &r, false);
  CHECK(r.status == 200 && strcmp(r.body, "cork=0\n") == 0);
  free_resp(&r);
  read_resp(&c, &r, false);
  CHECK(r.status == 200 && strcmp(r.body, "hello\n") == 0);
  free_resp(&r);
  read_resp(&c, &r, true);
  CHECK(r.status == 200 && has_header(&r, "Content-Length", "1048576"));
  free_resp(&r);
  read_resp(&c, &r, false);
  CHECK(r.status == 200 && r.body_len == BIG_SIZE && is_pattern(r.body, r.body_len, 0));
  free_resp(&r);
  read_resp(&c, &r, false);
  CHECK(r.status == 200 && strcmp(r.body, "api\n") == 0);
  free_resp(&r);
  read_resp(&c, &r, false);
  CHECK(r.status == 206 && r.body_len == 200000 && is_pattern(r.body, r.body_len, 100));
  free_resp(&r);
  read_resp(&c, &r, false);
  CHECK(r.status == 200 && strcmp(r.body, "hello\n") == 0);
  free_resp(&r);
  CHECK(c.len == 0 && peer_closed(c.fd));  // nothing more, then the close
  close(c.fd);
}

static void test_custom_fs(int port) {
  struct resp r;
  int opens = s_opens;
  size_t read_before = s_read_bytes;
  CHECK(get(port, "/custom/a.txt", "", &r) == 200);
  CHECK(strcmp(r.body, "hello\n") == 0);
  free_resp(&r);
  CHECK(s_opens > opens && s_read_bytes > read_before);
  CHECK(get(port, "/custom/big.bin", "Range: bytes=700000-999999\r\n", &r) == 206);
  CHECK(r.body_len == 300000 && is_pattern(r.body, r.body_len, 700000));
  free_resp(&r);
  CHECK(get(port, "/custom/", "", &r) == 200);  // listing through ls()
  CHECK(strstr(r.body, ">big.bin<") != NULL && strstr(r.body, ">1048576<") != NULL);
  free_resp(&r);
  CHECK(get(port, "/custom/nope", "", &r) == 404);
  free_resp(&r);
  // Without sk(), a range is reached by reading and dropping
  CHECK(get(port, "/noseek/big.bin", "Range: bytes=500000-\r\n", &r) == 206);
  CHECK(r.body_len == BIG_SIZE - 500000 && is_pattern(r.body, r.body_len, 500000));
  free_resp(&r);
  CHECK(get(port, "/noseek/a.txt", "Range: bytes=2-\r\n", &r) == 206);
  CHECK(strcmp(r.body, "llo\n") == 0);
  free_resp(&r);
}

// Reads a response to a request for a file of `size` bytes until the close;
// true if it was the whole file.
static bool read_file_to_close(int fd, size_t size) {
  static char buf[1 << 16];
  size_t got = 0, head = 0, total = 0;
  bool ok = true, in_body = false;
  char tail[4] = {0, 0, 0, 0};
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0), i = 0;
    if (n <= 0) break;
    if (!in_body) {
      for (i = 0; i < n && !in_body; i++) {
        memmove(tail, tail + 1, 3);
        tail[3] = buf[i];
        head++;
        in_body = memcmp(tail, "\r\n\r\n", 4) == 0;
      }
    }
    if (in_body && n > i) {
      ok = ok && is_pattern(buf + i, (size_t) (n - i), got);
      got += (size_t) (n - i);
    }
    total += (size_t) n;
  }
  return ok && in_body && got == size && total == head + size;
}

static void test_endings(int port) {
  int fd;
  const char *req;
  // Connection: close after a streamed file: all of it, then the close
  fd = client_connect(port, 10000);
  req = "GET /big.bin HTTP/1.1\r\nConnection: close\r\n\r\n";
  send_all(fd, req, strlen(req));
  CHECK(read_file_to_close(fd, BIG_SIZE));
  close(fd);
  // HTTP/1.0 without keep-alive: the same
  fd = client_connect(port, 10000);
  req = "GET /custom/big.bin HTTP/1.0\r\n\r\n";
  send_all(fd, req, strlen(req));
  CHECK(read_file_to_close(fd, BIG_SIZE));
  close(fd);
  // The client half-closes after its request: the file still arrives whole
  fd = client_connect(port, 10000);
  req = "GET /big.bin HTTP/1.1\r\n\r\n";
  send_all(fd, req, strlen(req));
  shutdown(fd, SHUT_WR);
  CHECK(read_file_to_close(fd, BIG_SIZE));
  close(fd);
  // HTTP/1.0 keep-alive: said in the response, and the connection stays
  {
    static struct conn c;
    struct resp r;
    c.len = 0;
    c.fd = client_connect(port, 10000);
    req = "GET /big.bin HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    send_all(c.fd, req, strlen(req));
    read_resp(&c, &r, false);
    CHECK(r.status == 200 && r.body_len == BIG_SIZE);
    CHECK(has_header(&r, "Connection", "keep-alive"));
    free_resp(&r);
    req = "GET /a.txt HTTP/1.0\r\n\r\n";
    send_all(c.fd, req, strlen(req));
    read_resp(&c, &r, false);
    CHECK(r.status == 200 && strcmp(r.body, "hello\n") == 0);
    free_resp(&r);
    CHECK(peer_closed(c.fd));
    close(c.fd);
  }
  // The client goes away in the middle: the server closes the file
  {
    char buf[4096];
    int i;
    fd = client_connect(port, 10000);
    req = "GET /custom/huge.bin HTTP/1.1\r\n\r\n";
    send_all(fd, req, strlen(req));
    CHECK(recv(fd, buf, sizeof(buf), 0) > 0);
    close(fd);
    for (i = 0; i < 200 && s_opens != s_closes; i++) usleep(10000);
    CHECK(s_opens == s_closes);
  }
}

// A reader that stops reading: the server must keep c->send small (it only
// refills below a threshold, or uses sendfile), read little of the file, and
// go on serving others meanwhile.
static void slow_reader(int port, const char *uri, size_t max_send) {
  char buf[65536], req[256];
  int fd = socket(AF_INET, SOCK_STREAM, 0), rcvbuf = 16384;
  struct sockaddr_in sin;
  struct timeval tv = {10, 0};
  size_t got = 0, read_before = s_read_bytes;
  struct resp r;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t) port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(connect(fd, (struct sockaddr *) &sin, sizeof(sin)) == 0);
  snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nConnection: close\r\n\r\n", uri);
  send_all(fd, req, strlen(req));
  while (got < 65536) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    got += (size_t) n;
  }
  s_max_send = 0;
  usleep(400000);  // stall; the server keeps polling
  CHECK(get(port, "/a.txt", "", &r) == 200);  // others are still served
  free_resp(&r);
  usleep(100000);
  if (s_max_send > max_send) fprintf(stderr, "  %s: c->send reached %zu\n", uri, s_max_send);
  CHECK(s_max_send <= max_send);
  CHECK(s_read_bytes - read_before < 12u << 20);  // far from the 32 MiB file
  for (;;) {  // now read everything: it must all arrive
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    got += (size_t) n;
  }
  CHECK(got > HUGE_SIZE && got < HUGE_SIZE + 1024);
  close(fd);
}

static uint64_t vm_kb(const char *field) {
  char line[256];
  uint64_t v = 0;
  FILE *fp = fopen("/proc/self/status", "r");
  while (fp != NULL && fgets(line, sizeof(line), fp) != NULL) {
    if (strncmp(line, field, strlen(field)) == 0) v = strtoull(line + strlen(field) + 1, NULL, 10);
  }
  if (fp != NULL) fclose(fp);
  return v;
}

#define HASHER                                                                 \
  "python3 -c 'import hashlib,sys\n"                                           \
  "h=hashlib.sha256()\n"                                                       \
  "for b in iter(lambda: sys.stdin.buffer.read(1<<20), b\"\"): h.update(b)\n" \
  "print(h.hexdigest())'"

// Runs the hasher over a file, or over what is written to *pipe_out.
static bool hash_file(const char *path, char out[65]) {
  char cmd[1024], line[128] = "";
  FILE *fp;
  int rc;
  snprintf(cmd, sizeof(cmd), HASHER " < '%s'", path);
  if ((fp = popen(cmd, "r")) == NULL) return false;
  if (fgets(line, sizeof(line), fp) == NULL) line[0] = '\0';
  rc = pclose(fp);
  line[strcspn(line, "\r\n")] = '\0';
  memcpy(out, line, 64);
  out[64] = '\0';
  if (rc != 0 || strlen(line) != 64) fprintf(stderr, "  hasher: rc %d, [%s]\n", rc, line);
  return rc == 0 && strlen(line) == 64;
}

static void test_giant(int port) {
  char path[512], hashpath[512], cmd[1024], want[65] = "", got[65] = "";
  static char buf[1 << 20];
  uint64_t i, x = 88172645463325252ULL, rss0, hwm, received = 0;
  FILE *fp, *hasher;
  int fd, clear;
  bool in_body = false;
  char tail[4] = {0, 0, 0, 0};
  double t0;
  const char *req = "GET /giant.bin HTTP/1.1\r\nConnection: close\r\n\r\n";

  // 1 GiB of pseudo-random data, written in 1 MiB blocks
  snprintf(path, sizeof(path), "%s/giant.bin", s_root);
  snprintf(hashpath, sizeof(hashpath), "%s/giant.sha256", s_base);
  fp = fopen(path, "wb");
  CHECK(fp != NULL);
  if (fp == NULL) return;
  for (i = 0; i < GIANT_SIZE / sizeof(buf); i++) {
    uint64_t *w = (uint64_t *) buf;
    size_t k;
    for (k = 0; k < sizeof(buf) / 8; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      w[k] = x;
    }
    if (fwrite(buf, 1, sizeof(buf), fp) != sizeof(buf)) break;
  }
  CHECK(fclose(fp) == 0 && i == GIANT_SIZE / sizeof(buf));
  CHECK(hash_file(path, want));

  // Peak RSS from here on (writing 5 to clear_refs resets VmHWM)
  fp = fopen("/proc/self/clear_refs", "w");
  clear = fp != NULL && fputs("5", fp) >= 0;
  if (fp != NULL) fclose(fp);
  CHECK(clear);
  rss0 = vm_kb("VmRSS:");

  snprintf(cmd, sizeof(cmd), HASHER " > '%s'", hashpath);
  hasher = popen(cmd, "w");
  CHECK(hasher != NULL);
  if (hasher == NULL) return;
  t0 = (double) mg_millis();
  s_max_send = 0;
  fd = client_connect(port, 30000);
  send_all(fd, req, strlen(req));
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0), j = 0;
    if (n <= 0) break;
    for (; !in_body && j < n; j++) {
      memmove(tail, tail + 1, 3);
      tail[3] = buf[j];
      in_body = memcmp(tail, "\r\n\r\n", 4) == 0;
    }
    if (n > j) {
      fwrite(buf + j, 1, (size_t) (n - j), hasher);
      received += (uint64_t) (n - j);
    }
  }
  close(fd);
  CHECK(pclose(hasher) == 0);
  hwm = vm_kb("VmHWM:");
  fp = fopen(hashpath, "r");
  if (fp != NULL) {
    if (fgets(got, sizeof(got), fp) == NULL) got[0] = '\0';
    fclose(fp);
  }
  printf("1 GiB: %llu bytes in %.0f ms, peak RSS growth %llu KiB\n",
         (unsigned long long) received, (double) mg_millis() - t0,
         (unsigned long long) (hwm - rss0));
  CHECK(received == GIANT_SIZE);
  CHECK(strlen(want) == 64);
  CHECK_STR(got, want);
  CHECK(hwm > 0 && hwm - rss0 < 64 * 1024);
  CHECK(s_max_send <= 1024);  // sendfile(2): the file never passes through c->send
  remove(path);
}

int main(void) {
  struct server srv;
  mg_log_set(MG_LL_ERROR);
  make_base("serve_stream");
  snprintf(s_root, sizeof(s_root), "%s/root", s_base);
  snprintf(s_mapping, sizeof(s_mapping), "/custom=%s", s_root);
  snprintf(s_mapping2, sizeof(s_mapping2), "/noseek=%s", s_root);
  CHECK(put_dir("root"));
  CHECK(put_str("root/a.txt", "hello\n"));
  CHECK(put_pattern("root/big.bin", BIG_SIZE));
  CHECK(put_pattern("root/huge.bin", HUGE_SIZE));
  server_start(&srv, fn, NULL);
  test_pipelined(srv.port);
  test_custom_fs(srv.port);
  test_endings(srv.port);
  slow_reader(srv.port, "/custom/huge.bin", 2 * 128 * 1024 + 1024);  // buffered
  slow_reader(srv.port, "/huge.bin", 1024);  // sendfile: only the head
  test_giant(srv.port);
  server_stop(&srv);
  CHECK(s_opens == s_closes);
  remove_base();
  return test_summary("test_serve_stream");
}
