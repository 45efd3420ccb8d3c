// Logging: the level variable, the MG_* macros and a custom log function.
#include "test_util.h"

static char s_buf[256];
static size_t s_len;

static void capture(char ch, void *param) {
  (void) param;
  if (s_len + 1 < sizeof(s_buf)) s_buf[s_len++] = ch, s_buf[s_len] = '\0';
}

int main(void) {
  mg_log_set(MG_LL_DEBUG);
  CHECK(mg_log_level == MG_LL_DEBUG);
  mg_log_set_fn(capture, NULL);
  MG_DEBUG(("hello"));
  CHECK(strstr(s_buf, "test_log.c") != NULL);
  CHECK(strstr(s_buf, "main") != NULL);
  s_len = 0, s_buf[0] = '\0';
  mg_log_set(MG_LL_ERROR);
  MG_INFO(("should not appear"));
  CHECK(s_len == 0);
  mg_log_set_fn(NULL, NULL);
  return test_summary("test_log");
}
