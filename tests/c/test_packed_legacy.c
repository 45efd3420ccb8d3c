// A program built the pre-7.22 way: its packed_fs.c (reproduced below in
// the shape Mongoose's old pack tool generated) defines mg_unpack() and
// mg_unlist() itself. Those definitions replace the library's weak ones, so
// mg_fs_packed and mg_unpacked() serve this program's files, with the shared
// and with the static library.
#include "test_util.h"

// ---- what an old packed_fs.c holds ----
static const unsigned char v1[] = {'<', 'h', '1', '>', 'o', 'l', 'd', '<', '/', 'h', '1', '>', 0};
static const unsigned char v2[] = {'a', 'b', 'c', 0};
static const struct packed_file {
  const char *name;
  const unsigned char *data;
  size_t size;
  time_t mtime;
} packed_files[] = {
    {"/web/index.html", v1, sizeof(v1), 1700000000},
    {"/web/sub/x.txt", v2, sizeof(v2), 1700000001},
    {NULL, NULL, 0, 0},
};
static int s_unpack_calls;

const char *mg_unlist(size_t no) {
  return packed_files[no].name;
}
const char *mg_unpack(const char *name, size_t *size, time_t *mtime) {
  const struct packed_file *p;
  s_unpack_calls++;
  for (p = packed_files; p->name != NULL; p++) {
    if (strcmp(p->name, name) != 0) continue;
    if (size != NULL) *size = p->size - 1;
    if (mtime != NULL) *mtime = p->mtime;
    return (const char *) p->data;
  }
  return NULL;
}
// ---- end of packed_fs.c ----

static void add(const char *name, void *arg) {
  strcat((char *) arg, name);
  strcat((char *) arg, ";");
}

int main(void) {
  struct mg_str s = mg_unpacked("/web/index.html");
  size_t size = 0;
  time_t mtime = 0;
  char names[128] = "";
  struct mg_str whole;
  CHECK(s.len == 12 && memcmp(s.buf, "<h1>old</h1>", 12) == 0);
  CHECK(s_unpack_calls == 1);  // the program's function answered
  CHECK(mg_fs_packed.st("/web/sub/x.txt", &size, &mtime) == MG_FS_READ);
  CHECK(size == 3 && mtime == 1700000001);
  CHECK(mg_fs_packed.st("/web/sub", NULL, NULL) == MG_FS_DIR);
  mg_fs_packed.ls("/web", add, names);
  CHECK_STR(names, "index.html;sub;");
  whole = mg_file_read(&mg_fs_packed, "/web/sub/x.txt");
  CHECK(whole.buf != NULL && strcmp(whole.buf, "abc") == 0);
  free(whole.buf);
  CHECK(mg_unpacked("/web/none").buf == NULL);
  return test_summary("test_packed_legacy");
}
