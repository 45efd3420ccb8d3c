// mg_http_upload over loopback, the way Mongoose's file-upload-multiple-posts
// tutorial uses it: a client sends a file in parts (POST
// /upload?file=NAME&offset=N), the server appends them. Also: restarting at
// offset 0, offset mismatches, oversize uploads (refused, file kept), bad
// names and traversal attempts (refused, nothing written outside the upload
// directory), a custom mg_fs table, and NULL arguments.
#include "http_test_util.h"

#include <sys/stat.h>

#define MAX_SIZE 100000

static char s_base[64];     // a fresh directory holding only root/
static char s_dir[96];      // the upload directory, s_base/root
static char s_outside[128]; // s_base/abs.txt: must never be written
static int s_fs_writes;     // wr() calls through the counting table

// A table that forwards to mg_fs_posix and counts writes, to show that the
// upload goes through the table it is given.
static size_t counting_wr(void *fd, const void *buf, size_t len) {
  s_fs_writes++;
  return mg_fs_posix.wr(fd, buf, len);
}
static struct mg_fs s_counting_fs;

struct result {
  long value;  // what mg_http_upload returned for the last request
};

// mg_http_start_upload's callback: records the status, then replies.
static char s_stream_status[64];
static int s_stream_calls;
static void stream_cb(struct mg_connection *c, const char *status) {
  s_stream_calls++;
  snprintf(s_stream_status, sizeof(s_stream_status), "%s", status ? status : "(ok)");
  mg_http_reply(c, status ? 400 : 201, "", "stream %s\n", status ? status : "done");
}

static void handler(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_HDRS) {
    // Streaming uploads (Mongoose 7.22): taken over at the head.
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    char name[64];
    mg_http_get_var(&hm->query, "name", name, sizeof(name));
    if (mg_match(hm->uri, mg_str("/stream"), NULL)) {
      mg_http_start_upload(c, hm, mg_str(name), mg_str(s_dir), &mg_fs_posix, NULL);
    } else if (mg_match(hm->uri, mg_str("/stream-cb"), NULL)) {
      mg_http_start_upload(c, hm, mg_str(name), mg_str(s_dir), &mg_fs_posix, stream_cb);
    }
  } else if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    struct result *r = (struct result *) c->fn_data;
    if (mg_match(hm->uri, mg_str("/stream#"), NULL)) {
      // Answered at MG_EV_HTTP_HDRS (a refused name stays plain HTTP).
    } else if (mg_match(hm->uri, mg_str("/upload"), NULL)) {
      r->value = mg_http_upload(c, hm, &mg_fs_posix, s_dir, MAX_SIZE);
    } else if (mg_match(hm->uri, mg_str("/counted"), NULL)) {
      r->value = mg_http_upload(c, hm, &s_counting_fs, s_dir, MAX_SIZE);
    } else if (mg_match(hm->uri, mg_str("/nodir"), NULL)) {
      r->value = mg_http_upload(c, hm, &mg_fs_posix, NULL, MAX_SIZE);
    } else {
      mg_http_reply(c, 404, "", "nope");
    }
  }
}

static struct server s_srv;
static struct result s_res;

// Sends one POST with the body and returns the status; the response body
// goes to out (NUL-terminated).
static int post(const char *uri, const void *body, size_t len, char *out, size_t outlen) {
  char head[512], resp[4096];
  bool closed;
  int fd = client_connect(s_srv.port, 3000), status = 0;
  const char *b;
  int n = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %lu\r\n\r\n",
                   uri, (unsigned long) len);
  send_all(fd, head, (size_t) n);
  send_all(fd, body, len);
  recv_responses(fd, resp, sizeof(resp), 1, &closed);
  close(fd);
  sscanf(resp, "HTTP/1.1 %d", &status);
  b = strstr(resp, "\r\n\r\n");
  snprintf(out, outlen, "%s", b ? b + 4 : "");
  return status;
}

static long file_size(const char *name) {
  char path[256];
  struct stat st;
  snprintf(path, sizeof(path), "%s/%s", s_dir, name);
  return stat(path, &st) == 0 ? (long) st.st_size : -1;
}

static bool file_is(const char *name, const char *want, size_t len) {
  char path[256], *buf = (char *) malloc(len + 1);
  FILE *fp;
  size_t n;
  snprintf(path, sizeof(path), "%s/%s", s_dir, name);
  if ((fp = fopen(path, "rb")) == NULL) return free(buf), false;
  n = fread(buf, 1, len + 1, fp);
  fclose(fp);
  n = n == len && memcmp(buf, want, len) == 0;
  free(buf);
  return n;
}

// Counts the entries of the upload directory and checks its sibling is untouched.
static int dir_entries(void) {
  char cmd[200], out[64];
  FILE *p;
  int n = -1;
  snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", s_dir);
  if ((p = popen(cmd, "r")) != NULL) {
    if (fgets(out, sizeof(out), p)) n = atoi(out);
    pclose(p);
  }
  return n;
}

static void test_parts(void) {
  char out[256], uri[128], data[3000];
  size_t i, ofs;
  for (i = 0; i < sizeof(data); i++) data[i] = (char) (i * 7 + i / 251);
  // Three parts of 1000 bytes.
  for (ofs = 0; ofs < sizeof(data); ofs += 1000) {
    snprintf(uri, sizeof(uri), "/upload?file=a.bin&offset=%lu", (unsigned long) ofs);
    CHECK(post(uri, data + ofs, 1000, out, sizeof(out)) == 200);
    CHECK(atol(out) == (long) ofs + 1000);
    CHECK(s_res.value == (long) ofs + 1000);
  }
  CHECK(file_is("a.bin", data, sizeof(data)));
  // A repeated part: offset mismatch, file unchanged.
  CHECK(post("/upload?file=a.bin&offset=1000", data, 1000, out, sizeof(out)) == 400);
  CHECK(strstr(out, "a.bin: offset mismatch") != NULL);
  CHECK(s_res.value == -5);
  CHECK(file_is("a.bin", data, sizeof(data)));
  // Offset 0 starts afresh; no offset means 0.
  CHECK(post("/upload?file=a.bin&offset=0", "new", 3, out, sizeof(out)) == 200);
  CHECK(strcmp(out, "3") == 0 && file_is("a.bin", "new", 3));
  CHECK(post("/upload?file=a.bin", "again", 5, out, sizeof(out)) == 200);
  CHECK(file_is("a.bin", "again", 5));
  // An empty body writes nothing and answers 0.
  CHECK(post("/upload?file=a.bin&offset=5", "", 0, out, sizeof(out)) == 200);
  CHECK(strcmp(out, "0") == 0 && s_res.value == 0 && file_is("a.bin", "again", 5));
  // Names with spaces and subdirectories that exist are fine.
  CHECK(post("/upload?file=my%20file.txt", "x", 1, out, sizeof(out)) == 200);
  CHECK(file_is("my file.txt", "x", 1));
  {
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/sub", s_dir);
    mkdir(sub, 0700);
    CHECK(post("/upload?file=sub/b.txt", "yz", 2, out, sizeof(out)) == 200);
    CHECK(file_is("sub/b.txt", "yz", 2));
  }
  // A large part, many reads long.
  {
    size_t big = 90000;
    char *buf = (char *) malloc(big);
    for (i = 0; i < big; i++) buf[i] = (char) (i % 253);
    CHECK(post("/upload?file=big.bin&offset=0", buf, big, out, sizeof(out)) == 200);
    CHECK(file_is("big.bin", buf, big));
    free(buf);
  }
}

static void test_oversize(void) {
  char out[256], *buf = (char *) calloc(1, MAX_SIZE + 1);
  // Parts that fit, then one that would pass max_size: refused, and the
  // file keeps its earlier parts (as in Mongoose), so the client can retry
  // from the last good offset.
  CHECK(post("/upload?file=o.bin&offset=0", buf, 60000, out, sizeof(out)) == 200);
  CHECK(file_size("o.bin") == 60000);
  CHECK(post("/upload?file=o.bin&offset=60000", buf, 40001, out, sizeof(out)) == 400);
  CHECK(strstr(out, "over max size of 100000") != NULL && s_res.value == -4);
  CHECK(file_size("o.bin") == 60000);
  CHECK(post("/upload?file=o.bin&offset=70000", buf, 10, out, sizeof(out)) == 400);
  CHECK(s_res.value == -5 && file_size("o.bin") == 60000);  // wrong offset: kept
  CHECK(post("/upload?file=o.bin&offset=60000", buf, 40000, out, sizeof(out)) == 200);
  CHECK(file_size("o.bin") == 100000);
  // One request larger than max_size: nothing created.
  CHECK(post("/upload?file=o2.bin", buf, MAX_SIZE + 1, out, sizeof(out)) == 400);
  CHECK(file_size("o2.bin") == -1);
  // Exactly max_size is fine.
  CHECK(post("/upload?file=o3.bin", buf, MAX_SIZE, out, sizeof(out)) == 200);
  CHECK(file_size("o3.bin") == MAX_SIZE);
  // An offset so large that offset + length overflows.
  CHECK(post("/upload?file=o3.bin&offset=9223372036854775807", "x", 1, out, sizeof(out)) == 400);
  CHECK(s_res.value == -4 && file_size("o3.bin") == MAX_SIZE);
  free(buf);
}

static void test_bad_requests(void) {
  static const char *bad_names[] = {
      "..%2foutside.txt",
      "../outside.txt",
      "%2e%2e%2foutside.txt",
      "..",
      "sub%2f..%2f..%2foutside.txt",
      "sub/../../outside.txt",
      "..%5coutside.txt",
      "sub%5c..%5c..%5coutside.txt",
      "~root",
      "a%00b",
      "%00",
      "x/..%2f..%2foutside.txt",
  };
  char out[256], uri[160];
  size_t i;
  int before = dir_entries();
  for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
    snprintf(uri, sizeof(uri), "/upload?file=%s&offset=0", bad_names[i]);
    s_checks++;
    if (post(uri, "evil", 4, out, sizeof(out)) != 400 || s_res.value != -2 ||
        strstr(out, "invalid file") == NULL) {
      s_failures++;
      fprintf(stderr, "FAIL bad name %s: %ld [%s]\n", bad_names[i], s_res.value, out);
    }
  }
  // An absolute name stays under the directory (and fails there: no such
  // subdirectory), it never names the absolute path.
  snprintf(uri, sizeof(uri), "/upload?file=%s", s_outside);
  CHECK(post(uri, "evil", 4, out, sizeof(out)) == 400 && s_res.value == -6);
  CHECK(access(s_outside, F_OK) != 0);
  CHECK(dir_entries() == before);
  // Missing name, negative offset.
  CHECK(post("/upload?offset=0", "x", 1, out, sizeof(out)) == 400);
  CHECK(strcmp(out, "file required") == 0 && s_res.value == -1);
  CHECK(post("/upload?file=&offset=0", "x", 1, out, sizeof(out)) == 400 && s_res.value == -1);
  CHECK(post("/upload?file=n.txt&offset=-1", "x", 1, out, sizeof(out)) == 400);
  CHECK(strcmp(out, "offset required") == 0 && s_res.value == -3);
  CHECK(file_size("n.txt") == -1);
}

static void test_custom_fs_and_nulls(void) {
  char out[256];
  s_counting_fs = mg_fs_posix;
  s_counting_fs.wr = counting_wr;
  CHECK(post("/counted?file=c.txt", "counted", 7, out, sizeof(out)) == 200);
  CHECK(s_fs_writes == 1 && file_is("c.txt", "counted", 7));
  // A NULL directory: logged, answered 500, nothing stored.
  CHECK(post("/nodir?file=d.txt", "x", 1, out, sizeof(out)) == 500 && s_res.value == -1);
  CHECK(mg_http_upload(NULL, NULL, &mg_fs_posix, s_dir, 1) == -1);
}

static void test_start_upload(void) {
  char out[256];
  size_t i, big = 300000;
  char *buf = (char *) malloc(big);
  for (i = 0; i < big; i++) buf[i] = (char) (i * 7 % 251);
  // The default callback answers 200 "ok"; the file holds the body.
  CHECK(post("/stream?name=s1.bin", buf, big, out, sizeof(out)) == 200);
  CHECK(strcmp(out, "ok\n") == 0);
  CHECK(file_is("s1.bin", buf, big));
  // Written afresh, not appended.
  CHECK(post("/stream?name=s1.bin", "abc", 3, out, sizeof(out)) == 200);
  CHECK(file_is("s1.bin", "abc", 3));
  // An empty body makes an empty file.
  CHECK(post("/stream?name=empty.bin", "", 0, out, sizeof(out)) == 200);
  CHECK(file_size("empty.bin") == 0);
  // A custom callback: called once, with NULL on success.
  s_stream_calls = 0;
  CHECK(post("/stream-cb?name=s2.bin", buf, 5000, out, sizeof(out)) == 201);
  CHECK(s_stream_calls == 1 && strcmp(s_stream_status, "(ok)") == 0);
  CHECK(file_is("s2.bin", buf, 5000));
  // Names that are not plain file names are refused, nothing written.
  CHECK(post("/stream?name=../s3.bin", "x", 1, out, sizeof(out)) == 500);
  CHECK(strcmp(out, "bad name\n") == 0);
  CHECK(post("/stream-cb?name=", "x", 1, out, sizeof(out)) == 400);
  CHECK(strcmp(s_stream_status, "bad name") == 0);
  free(buf);
}

int main(void) {
  char cmd[200], escaped[128];
  snprintf(s_base, sizeof(s_base), "/tmp/mg_upload_XXXXXX");
  if (mkdtemp(s_base) == NULL) return 1;
  snprintf(s_dir, sizeof(s_dir), "%s/root", s_base);
  mkdir(s_dir, 0700);
  snprintf(s_outside, sizeof(s_outside), "%s/abs.txt", s_base);
  mg_log_set(MG_LL_NONE);
  server_start(&s_srv, handler, &s_res);
  test_parts();
  test_oversize();
  test_bad_requests();
  test_custom_fs_and_nulls();
  test_start_upload();
  server_stop(&s_srv);
  // A name that escaped root/ would have created s_base/outside.txt.
  snprintf(escaped, sizeof(escaped), "%s/outside.txt", s_base);
  CHECK(access(escaped, F_OK) != 0);
  snprintf(cmd, sizeof(cmd), "rm -rf %s", s_base);
  CHECK(system(cmd) == 0);
  return test_summary("test_upload");
}
