// The packed filesystem with files packed at test time: tools/pack.py turns
// tests/c/packed_root into packed_fs.c (names "/packed_root/..."), which is
// compiled into this program (tests/c_suite.rs and CMakeLists.txt do that).
// Checks mg_unpacked, the mg_fs_packed table (stat, list, open, read, seek,
// read-only), the mg_fs_* helpers over it, mg_mem_files switching, the
// mg_unpack/mg_unlist lookups, and serving it over HTTP as Mongoose's
// embedded-filesystem tutorial does.
#include "http_test_util.h"

// What the program's packed_fs.c holds; compared with the files on disk
// (the tests run from the crate root).
static const char *s_files[] = {
    "/packed_root/deep/a/b/c.txt", "/packed_root/gz/index.html.gz",
    "/packed_root/img/bytes.bin",
    "/packed_root/index.html",     "/packed_root/js/app.js",
    "/packed_root/space name.txt", "/packed_root/style.css",
};
#define NUM_FILES (sizeof(s_files) / sizeof(s_files[0]))

// The content of tests/c/<name without the leading '/'> from disk.
static struct mg_str disk(const char *name) {
  char path[256];
  snprintf(path, sizeof(path), "tests/c%s", name);
  return mg_file_read(&mg_fs_posix, path);
}

static bool same(struct mg_str a, struct mg_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.buf, b.buf, a.len) == 0);
}

static void test_unpacked(void) {
  size_t i;
  for (i = 0; i < NUM_FILES; i++) {
    struct mg_str want = disk(s_files[i]), got = mg_unpacked(s_files[i]);
    s_checks++;
    if (want.buf == NULL || !same(got, want)) {
      s_failures++;
      fprintf(stderr, "FAIL unpacked %s: %d bytes, want %d\n", s_files[i], (int) got.len,
              (int) want.len);
    }
    // Text is NUL-terminated in memory, as the pack tool promises.
    CHECK(got.buf != NULL && got.buf[got.len] == '\0');
    free(want.buf);
  }
  // Exact names only.
  CHECK(mg_unpacked("/packed_root/index.htm").buf == NULL);
  CHECK(mg_unpacked("packed_root/index.html").buf == NULL);
  CHECK(mg_unpacked("/packed_root").buf == NULL);
  CHECK(mg_unpacked("").len == 0);
  CHECK(mg_unpacked(NULL).buf == NULL);
}

static void collect(const char *name, void *arg) {
  size_t len = strlen((char *) arg);
  snprintf((char *) arg + len, 512 - len, "%s;", name);
}

// The names mg_fs_packed lists in dir, each followed by ';'.
static const char *ls(const char *dir) {
  static char buf[512];
  buf[0] = '\0';
  mg_fs_packed.ls(dir, collect, buf);
  return buf;
}

static void test_table(void) {
  struct mg_fs *fs = &mg_fs_packed;
  size_t size = 1;
  time_t mtime = 1;
  char buf[64];
  void *fd;
  // st: files, directories implied by paths, missing entries.
  CHECK(fs->st("/packed_root/style.css", &size, &mtime) == MG_FS_READ);
  CHECK(size == 22 && mtime > 0);
  CHECK(fs->st("/packed_root/style.css", NULL, NULL) == MG_FS_READ);
  CHECK(fs->st("/packed_root", &size, &mtime) == MG_FS_DIR && size == 0);
  CHECK(fs->st("/packed_root/", NULL, NULL) == MG_FS_DIR);
  CHECK(fs->st("/packed_root/deep/a", NULL, NULL) == MG_FS_DIR);
  CHECK(fs->st("/", NULL, NULL) == MG_FS_DIR);
  CHECK(fs->st("/packed", NULL, NULL) == 0);
  CHECK(fs->st("/packed_root/nope", NULL, NULL) == 0);
  CHECK(fs->st("/packed_root/style.css/x", NULL, NULL) == 0);
  // ls: each entry once, directories included.
  CHECK_STR(ls("/packed_root"), "deep;gz;img;index.html;js;space name.txt;style.css;");
  CHECK_STR(ls("/packed_root/deep/"), "a;");
  CHECK_STR(ls("/"), "packed_root;");
  CHECK_STR(ls("/nothing"), "");
  // op/rd/sk/cl.
  fd = fs->op("/packed_root/img/bytes.bin", MG_FS_READ);
  CHECK(fd != NULL);
  if (fd != NULL) {
    CHECK(fs->rd(fd, buf, 10) == 10 && buf[0] == 0 && buf[9] == 9);
    CHECK(fs->sk(fd, 255) == 255);
    CHECK(fs->rd(fd, buf, 2) == 2 && (unsigned char) buf[0] == 255 && buf[1] == 0);
    CHECK(fs->sk(fd, 100000) == 768);  // clamped to the size
    CHECK(fs->rd(fd, buf, sizeof(buf)) == 0);
    CHECK(fs->sk(fd, 760) == 760);
    CHECK(fs->rd(fd, buf, sizeof(buf)) == 8);
    CHECK(fs->wr(fd, "x", 1) == 0);
    fs->cl(fd);
  }
  // Read-only, and nothing but files opens.
  CHECK(fs->op("/packed_root/style.css", MG_FS_WRITE) == NULL);
  CHECK(fs->op("/packed_root", MG_FS_READ) == NULL);
  CHECK(fs->op("/missing", MG_FS_READ) == NULL);
  CHECK(!fs->mv("/packed_root/style.css", "/x") && !fs->rm("/packed_root/style.css"));
  CHECK(!fs->mkd("/packed_root/new"));
  CHECK(fs->st("/packed_root/style.css", NULL, NULL) == MG_FS_READ);
}

// The library's helpers work over the packed table like over any other.
static void test_helpers(void) {
  struct mg_str s = mg_file_read(&mg_fs_packed, "/packed_root/js/app.js");
  struct mg_fd *fd = mg_fs_open(&mg_fs_packed, "/packed_root/index.html", MG_FS_READ);
  char name[64] = "";
  int count = 0;
  CHECK(s.buf != NULL && strcmp(s.buf, "console.log(\"packed app\");\n") == 0);
  free(s.buf);
  CHECK(fd != NULL && fd->fs == &mg_fs_packed);
  mg_fs_close(fd);
  while (mg_fs_ls(&mg_fs_packed, "/packed_root/js", name, sizeof(name))) count++;
  CHECK(count == 1 && strcmp(name, "app.js") == 0);
  CHECK(!mg_file_write(&mg_fs_packed, "/packed_root/new.txt", "x", 1));
}

// mg_mem_files selects the table; NULL falls back to mg_packed_files.
static void test_mem_files(void) {
  static const unsigned char hello[] = "hello";
  static const struct mg_mem_file mine[] = {
      {"/mine/hello.txt", hello, 5, 1000},
      {NULL, NULL, 0, 0},
  };
  size_t size = 0;
  time_t mtime = 0;
  CHECK(mg_mem_files == NULL);  // not assigned yet: the fallback served so far
  mg_mem_files = mine;
  CHECK(mg_unpacked("/mine/hello.txt").len == 5);
  CHECK(mg_unpacked("/packed_root/index.html").buf == NULL);
  CHECK(mg_fs_packed.st("/mine/hello.txt", &size, &mtime) == MG_FS_READ);
  CHECK(size == 5 && mtime == 1000);
  CHECK(mg_fs_packed.st("/mine", NULL, NULL) == MG_FS_DIR);
  // The Mongoose 7.22 way of activating the generated table.
  mg_mem_files = mg_packed_files;
  CHECK(mg_unpacked("/mine/hello.txt").buf == NULL);
  CHECK(mg_unpacked("/packed_root/index.html").len > 0);
  // The pre-7.22 lookups read the same table.
  CHECK(mg_unpack("/packed_root/style.css", &size, NULL) != NULL && size == 22);
  CHECK(mg_unpack("/nope", &size, &mtime) == NULL);
  CHECK(mg_unlist(0) != NULL && strcmp(mg_unlist(0), s_files[0]) == 0);
  CHECK(mg_unlist(NUM_FILES - 1) != NULL && mg_unlist(NUM_FILES) == NULL);
}

// embedded-filesystem style: mg_http_serve_dir over mg_fs_packed.
static void handler(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_serve_opts opts;
    memset(&opts, 0, sizeof(opts));
    opts.root_dir = "/packed_root";
    opts.fs = &mg_fs_packed;
    mg_http_serve_dir(c, (struct mg_http_message *) ev_data, &opts);
  }
}

static size_t get(int port, const char *uri, char *resp, size_t size) {
  char req[256];
  bool closed;
  int fd = client_connect(port, 3000);
  size_t n;
  snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", uri);
  send_all(fd, req, strlen(req));
  n = recv_responses(fd, resp, size, 1, &closed);
  close(fd);
  return n;
}

// GET with an Accept-Encoding field (NULL: none).
static size_t get_enc(int port, const char *uri, const char *enc, char *resp, size_t size) {
  char req[256];
  bool closed;
  int fd = client_connect(port, 3000);
  size_t n;
  snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n%s%s%s\r\n", uri,
           enc ? "Accept-Encoding: " : "", enc ? enc : "", enc ? "\r\n" : "");
  send_all(fd, req, strlen(req));
  n = recv_responses(fd, resp, size, 1, &closed);
  close(fd);
  return n;
}

static void test_serving(void) {
  struct server s;
  char resp[8192];
  struct mg_str css = disk("/packed_root/style.css");
  server_start(&s, handler, NULL);
  get(s.port, "/style.css", resp, sizeof(resp));
  CHECK(strncmp(resp, "HTTP/1.1 200", 12) == 0);
  CHECK(strstr(resp, "text/css") != NULL);
  CHECK(css.buf != NULL && strstr(resp, css.buf) != NULL);
  get(s.port, "/", resp, sizeof(resp));
  CHECK(strncmp(resp, "HTTP/1.1 200", 12) == 0 && strstr(resp, "Served from mg_fs_packed"));
  get(s.port, "/deep/a/b/c.txt", resp, sizeof(resp));
  CHECK(strncmp(resp, "HTTP/1.1 200", 12) == 0 && strstr(resp, "\r\n\r\ndeep file\n"));
  get(s.port, "/js/", resp, sizeof(resp));  // a directory without index.html
  CHECK(strncmp(resp, "HTTP/1.1 200", 12) == 0 && strstr(resp, "app.js") != NULL);
  // A directory holding only index.html.gz (Mongoose's wifi-router-dashboard
  // packs its UI that way): the gzipped page for a client that takes gzip,
  // 404 for one that does not, never a listing of the directory.
  get_enc(s.port, "/gz/", NULL, resp, sizeof(resp));
  CHECK(strncmp(resp, "HTTP/1.1 404", 12) == 0 && strstr(resp, "index.html") == NULL);
  get_enc(s.port, "/gz/", "gzip", resp, sizeof(resp));
  CHECK(strncmp(resp, "HTTP/1.1 200", 12) == 0 && strstr(resp, "Content-Encoding: gzip") != NULL);
  get(s.port, "/missing.txt", resp, sizeof(resp));
  CHECK(strncmp(resp, "HTTP/1.1 404", 12) == 0);
  get(s.port, "/../packed_root/index.html", resp, sizeof(resp));
  CHECK(strncmp(resp, "HTTP/1.1 200", 12) != 0);
  server_stop(&s);
  free(css.buf);
}

int main(void) {
  test_serving();   // as the tutorial's main.c: mg_mem_files never assigned
  test_unpacked();  // before mg_mem_files is assigned: the fallback
  test_table();
  test_helpers();
  test_mem_files();
  test_serving();
  return test_summary("test_packed");
}
