// The filesystem layer from C: mg_fs_posix called directly, mg_fs_open/
// close/ls, mg_file_read/write/printf on POSIX, and the same helpers through
// a custom in-memory mg_fs table, which must see every call.
#include "test_util.h"

// ---- A tiny in-memory filesystem: up to 8 files in one flat directory ----
struct memfile {
  char name[64];
  char data[256];
  size_t len, pos;
  bool used, open;
};
static struct memfile s_files[8];
static int s_calls;

static struct memfile *mem_find(const char *path) {
  int i;
  for (i = 0; i < 8; i++) {
    if (s_files[i].used && strcmp(s_files[i].name, path) == 0) return &s_files[i];
  }
  return NULL;
}

static int mem_st(const char *path, size_t *size, time_t *mtime) {
  struct memfile *f = mem_find(path);
  s_calls++;
  if (strcmp(path, "/") == 0) return MG_FS_DIR | MG_FS_READ;
  if (f == NULL) return 0;
  if (size) *size = f->len;
  if (mtime) *mtime = 1000;
  return MG_FS_READ | MG_FS_WRITE;
}

static void mem_ls(const char *path, void (*fn)(const char *, void *), void *ud) {
  int i;
  s_calls++;
  (void) path;
  for (i = 0; i < 8; i++) {
    if (s_files[i].used) fn(s_files[i].name + 1, ud);  // names without '/'
  }
}

static void *mem_op(const char *path, int flags) {
  struct memfile *f = mem_find(path);
  int i;
  s_calls++;
  if (f == NULL && (flags & MG_FS_WRITE)) {
    for (i = 0; i < 8 && f == NULL; i++) {
      if (!s_files[i].used) {
        f = &s_files[i];
        memset(f, 0, sizeof(*f));
        f->used = true;
        snprintf(f->name, sizeof(f->name), "%s", path);
      }
    }
  }
  if (f == NULL) return NULL;
  f->pos = (flags & MG_FS_WRITE) ? f->len : 0;
  f->open = true;
  return f;
}

static void mem_cl(void *fd) {
  s_calls++;
  ((struct memfile *) fd)->open = false;
}

static size_t mem_rd(void *fd, void *buf, size_t len) {
  struct memfile *f = (struct memfile *) fd;
  size_t n = f->len - f->pos < len ? f->len - f->pos : len;
  s_calls++;
  memcpy(buf, f->data + f->pos, n);
  f->pos += n;
  return n;
}

static size_t mem_wr(void *fd, const void *buf, size_t len) {
  struct memfile *f = (struct memfile *) fd;
  size_t room = sizeof(f->data) - f->len, n = len < room ? len : room;
  s_calls++;
  memcpy(f->data + f->len, buf, n);
  f->len += n;
  return n;
}

static size_t mem_sk(void *fd, size_t offset) {
  struct memfile *f = (struct memfile *) fd;
  s_calls++;
  f->pos = offset < f->len ? offset : f->len;
  return f->pos;
}

static bool mem_mv(const char *from, const char *to) {
  struct memfile *a = mem_find(from), *b = mem_find(to);
  s_calls++;
  if (a == NULL) return false;
  if (b != NULL) b->used = false;
  snprintf(a->name, sizeof(a->name), "%s", to);
  return true;
}

static bool mem_rm(const char *path) {
  struct memfile *f = mem_find(path);
  s_calls++;
  if (f == NULL) return false;
  f->used = false;
  return true;
}

static bool mem_mkd(const char *path) {
  (void) path;
  return false;
}

static struct mg_fs s_memfs = {mem_st, mem_ls, mem_op, mem_cl, mem_rd,
                               mem_wr, mem_sk, mem_mv, mem_rm, mem_mkd};

static void test_posix(void) {
  char dir[64], path[128], name[256];
  struct mg_str s;
  struct mg_fd *fd;
  size_t size = 0;
  time_t mtime = 0;
  int count = 0;
  char buf[16];

  snprintf(dir, sizeof(dir), "/tmp/mg_test_fs_%d", (int) getpid());
  CHECK(mg_fs_posix.mkd(dir));
  CHECK((mg_fs_posix.st(dir, NULL, NULL) & MG_FS_DIR) != 0);

  snprintf(path, sizeof(path), "%s/a.txt", dir);
  CHECK(mg_fs_posix.st(path, &size, &mtime) == 0);
  CHECK(mg_file_write(&mg_fs_posix, path, "hello", 5));
  CHECK(mg_fs_posix.st(path, &size, &mtime) == (MG_FS_READ | MG_FS_WRITE));
  CHECK(size == 5);
  CHECK(mtime > 1000000000);
  s = mg_file_read(&mg_fs_posix, path);
  CHECK(s.len == 5 && s.buf != NULL && strcmp(s.buf, "hello") == 0);
  mg_free(s.buf);

  CHECK(mg_file_printf(&mg_fs_posix, path, "%s=%d", "x", 42));
  s = mg_file_read(&mg_fs_posix, path);
  CHECK(s.buf != NULL && strcmp(s.buf, "x=42") == 0);
  mg_free(s.buf);

  // MG_FS_WRITE appends, like fopen("a+")
  fd = mg_fs_open(&mg_fs_posix, path, MG_FS_WRITE);
  CHECK(fd != NULL && fd->fs == &mg_fs_posix);
  if (fd != NULL) {
    CHECK(fd->fs->wr(fd->fd, "!!", 2) == 2);
    mg_fs_close(fd);
  }
  fd = mg_fs_open(&mg_fs_posix, path, MG_FS_READ);
  CHECK(fd != NULL);
  if (fd != NULL) {
    CHECK(fd->fs->sk(fd->fd, 2) == 2);
    memset(buf, 0, sizeof(buf));
    CHECK(fd->fs->rd(fd->fd, buf, sizeof(buf)) == 4);
    CHECK_STR(buf, "42!!");
    mg_fs_close(fd);
  }
  CHECK(mg_fs_open(&mg_fs_posix, path, MG_FS_WRITE | MG_FS_EXCL) == NULL);
  mg_fs_close(NULL);

  snprintf(path, sizeof(path), "%s/b.txt", dir);
  CHECK(mg_file_write(&mg_fs_posix, path, "", 0));
  name[0] = '\0';
  while (mg_fs_ls(&mg_fs_posix, dir, name, sizeof(name))) {
    CHECK(strcmp(name, "a.txt") == 0 || strcmp(name, "b.txt") == 0);
    count++;
  }
  CHECK(count == 2);

  s = mg_file_read(&mg_fs_posix, "/nonexistent/zzz");
  CHECK(s.buf == NULL && s.len == 0);
  s = mg_file_read(&mg_fs_posix, dir);  // a directory is not a file
  CHECK(s.buf == NULL);
  CHECK(mg_fs_open(&mg_fs_posix, "/nonexistent/zzz", MG_FS_READ) == NULL);
  CHECK(!mg_file_write(&mg_fs_posix, "/nonexistent/zzz", "x", 1));

  CHECK(mg_fs_posix.rm(path));
  snprintf(path, sizeof(path), "%s/a.txt", dir);
  snprintf(name, sizeof(name), "%s/c.txt", dir);
  CHECK(mg_fs_posix.mv(path, name));
  CHECK(mg_fs_posix.st(path, NULL, NULL) == 0);
  CHECK(mg_fs_posix.rm(name));
  CHECK(mg_fs_posix.rm(dir));
  CHECK(mg_fs_posix.st(dir, NULL, NULL) == 0);
}

static void test_custom(void) {
  struct mg_str s;
  struct mg_fd *fd;
  char name[8];
  int count = 0, before;

  before = s_calls;
  CHECK(mg_file_write(&s_memfs, "/m.txt", "memory", 6));
  CHECK(s_calls > before);
  s = mg_file_read(&s_memfs, "/m.txt");
  CHECK(s.buf != NULL && strcmp(s.buf, "memory") == 0);
  mg_free(s.buf);
  CHECK(mg_file_printf(&s_memfs, "/m.txt", "%05d", 7));
  s = mg_file_read(&s_memfs, "/m.txt");
  CHECK(s.buf != NULL && strcmp(s.buf, "00007") == 0);
  mg_free(s.buf);

  fd = mg_fs_open(&s_memfs, "/m.txt", MG_FS_READ);
  CHECK(fd != NULL && fd->fs == &s_memfs);
  if (fd != NULL) {
    CHECK(((struct memfile *) fd->fd)->open);
    mg_fs_close(fd);
  }
  CHECK(mg_file_write(&s_memfs, "/longer-name.txt", "x", 1));
  name[0] = '\0';
  while (mg_fs_ls(&s_memfs, "/", name, sizeof(name))) count++;
  CHECK(count == 1);  // "longer-name.txt" does not fit in 8 bytes: skipped
  CHECK_STR(name, "m.txt");

  // Operations the table leaves NULL fail cleanly
  {
    struct mg_fs ro = s_memfs;
    ro.wr = NULL;
    ro.mv = NULL;
    CHECK(!mg_file_write(&ro, "/n.txt", "x", 1));
    ro.op = NULL;
    CHECK(mg_fs_open(&ro, "/m.txt", MG_FS_READ) == NULL);
    s = mg_file_read(&ro, "/m.txt");
    CHECK(s.buf == NULL);
  }
  // NULL arguments are refused, not dereferenced
  CHECK(mg_fs_open(NULL, "/m.txt", MG_FS_READ) == NULL);
  CHECK(mg_fs_open(&s_memfs, NULL, MG_FS_READ) == NULL);
  CHECK(!mg_fs_ls(&s_memfs, "/", NULL, 0));
  s = mg_file_read(NULL, "/m.txt");
  CHECK(s.buf == NULL);
  CHECK(!mg_file_write(&s_memfs, "/m.txt", NULL, 3));
}

int main(void) {
  mg_log_set(MG_LL_NONE);
  test_posix();
  test_custom();
  return test_summary("test_fs");
}
