// Firmware update on a host (mg_ota_begin/write/end): the image is written
// to $MG_OTA_FILE (default "firmware.bin" in the current directory) through
// a temporary file renamed into place only when the update is complete.
#include "test_util.h"

static char s_dir[64];

// The whole content of path into buf (NUL-terminated); -1 when absent.
static long slurp(const char *path, char *buf, size_t len) {
  FILE *fp = fopen(path, "rb");
  size_t n;
  if (fp == NULL) return -1;
  n = fread(buf, 1, len - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  return (long) n;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

int main(void) {
  char target[128], tmp[160], buf[64], cwd[512];
  mg_log_set(MG_LL_NONE);
  CHECK(MG_OTA != MG_OTA_NONE);
  snprintf(s_dir, sizeof(s_dir), "/tmp/mg_ota_XXXXXX");
  CHECK(mkdtemp(s_dir) != NULL);
  snprintf(target, sizeof(target), "%s/fw.bin", s_dir);
  snprintf(tmp, sizeof(tmp), "%s.tmp", target);
  setenv("MG_OTA_FILE", target, 1);

  // A whole update in chunks replaces the file.
  CHECK(mg_ota_begin(10));
  CHECK(exists(tmp) && !exists(target));
  CHECK(mg_ota_write("0123", 4));
  CHECK(mg_ota_write("456789", 6));
  CHECK(!exists(target));  // nothing replaced before the end
  CHECK(mg_ota_end());
  CHECK(slurp(target, buf, sizeof(buf)) == 10 && strcmp(buf, "0123456789") == 0);
  CHECK(!exists(tmp));
  CHECK(!mg_ota_end());  // nothing in progress any more

  // A short update leaves the old file as it was.
  CHECK(mg_ota_begin(5));
  CHECK(mg_ota_write("abc", 3));
  CHECK(!mg_ota_end());
  CHECK(slurp(target, buf, sizeof(buf)) == 10 && strcmp(buf, "0123456789") == 0);
  CHECK(!exists(tmp));

  // More than announced: refused, dropped, old file kept.
  CHECK(mg_ota_begin(3));
  CHECK(!mg_ota_write("abcd", 4));
  CHECK(!mg_ota_write("a", 1));
  CHECK(!mg_ota_end());
  CHECK(slurp(target, buf, sizeof(buf)) == 10);
  CHECK(!exists(tmp));

  // A second begin drops the unfinished first one.
  CHECK(mg_ota_begin(2) && mg_ota_write("x", 1));
  CHECK(mg_ota_begin(2) && mg_ota_write("yz", 2) && mg_ota_end());
  CHECK(slurp(target, buf, sizeof(buf)) == 2 && strcmp(buf, "yz") == 0);

  // Without MG_OTA_FILE: firmware.bin in the current directory.
  unsetenv("MG_OTA_FILE");
  CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
  CHECK(chdir(s_dir) == 0);
  CHECK(mg_ota_begin(0) && mg_ota_end());
  CHECK(mg_ota_begin(2) && mg_ota_write("ok", 2) && mg_ota_end());
  CHECK(slurp("firmware.bin", buf, sizeof(buf)) == 2 && strcmp(buf, "ok") == 0);
  remove("firmware.bin");
  CHECK(chdir(cwd) == 0);

  // An unwritable target: begin refuses.
  setenv("MG_OTA_FILE", "/nonexistent-dir/fw.bin", 1);
  CHECK(!mg_ota_begin(1));

  remove(target);
  CHECK(rmdir(s_dir) == 0);
  return test_summary("test_ota");
}
