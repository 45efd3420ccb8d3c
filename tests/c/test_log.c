// Logging: the level variable, the MG_* macros, a custom log function,
// formatted messages and mg_hexdump().
#include "test_util.h"

static char s_buf[2048];
static size_t s_len;

static void capture(char ch, void *param) {
  (void) param;
  if (s_len + 1 < sizeof(s_buf)) s_buf[s_len++] = ch, s_buf[s_len] = '\0';
}

static void reset(void) {
  s_len = 0, s_buf[0] = '\0';
}

static void test_levels(void) {
  mg_log_set(MG_LL_DEBUG);
  CHECK(mg_log_level == MG_LL_DEBUG);
  MG_DEBUG(("hello"));
  CHECK(strstr(s_buf, "test_log.c") != NULL);
  CHECK(strstr(s_buf, "test_levels") != NULL);
  reset();
  mg_log_set(MG_LL_ERROR);
  MG_INFO(("should not appear"));
  CHECK(s_len == 0);
  MG_ERROR(("shown"));
  CHECK(strstr(s_buf, "shown\r\n") != NULL);
  reset();
  mg_log_set(MG_LL_NONE);
  MG_ERROR(("hidden"));
  CHECK(s_len == 0);
}

// A custom sink gets the whole line: prefix, message, "\r\n".
static void test_line_format(void) {
  char want[64];
  mg_log_set(MG_LL_INFO);
  reset();
  MG_INFO(("x=%d s=%s %M", 42, "str", mg_print_hex, 2, "\x01\xff"));
  // The prefix is 40 characters: time, level, file:line:function, spaces.
  CHECK(s_len > 40);
  CHECK(strncmp(s_buf + 40, "x=42 s=str 01ff\r\n", 17) == 0);
  CHECK(s_len == 40 + 17);
  CHECK(s_buf[39] == ' ');
  snprintf(want, sizeof(want), " %d test_log.c:", MG_LL_INFO);
  CHECK(strstr(s_buf, want) != NULL);
  CHECK(strstr(s_buf, ":test_line") != NULL);
  // mg_log() alone prints the message and the line end.
  reset();
  mg_log("%s|%5.2f", "raw", 1.5);
  CHECK_STR(s_buf, "raw| 1.50\r\n");
}

static void test_hexdump(void) {
  const char *data = "0123456789abcdefXY\n";
  reset();
  mg_hexdump(data, strlen(data));
  CHECK(strncmp(s_buf,
                "0000   30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66   "
                "0123456789abcdef\n",
                74) == 0);
  CHECK(strncmp(s_buf + 74, "0010   58 59 0a ", 16) == 0);
  CHECK(strstr(s_buf + 74, "  XY.             \n") != NULL);
  CHECK(s_len == 148);
  reset();
  mg_hexdump(NULL, 0);
  CHECK(s_len == 0);
}

// How many lines of the captured log contain `what`.
static int lines_with(const char *what) {
  int n = 0;
  const char *line = s_buf;
  while (*line != '\0') {
    const char *end = strchr(line, '\n');
    size_t len = end == NULL ? strlen(line) : (size_t) (end - line);
    struct mg_str l = mg_str_n(line, len);
    size_t i;
    for (i = 0; i + strlen(what) <= l.len; i++) {
      if (memcmp(l.buf + i, what, strlen(what)) == 0) {
        n++;
        break;
      }
    }
    line += len + (end != NULL);
  }
  return n;
}

static void nop_fn(struct mg_connection *c, int ev, void *ev_data) {
  (void) c, (void) ev, (void) ev_data;
}

// An error is logged once, at MG_LL_ERROR: a listen on a port in use (the
// whole log is that one line) and a refused connection (MG_EV_ERROR).
static void test_errors_logged_once(void) {
  struct mg_mgr mgr;
  struct mg_connection *a;
  char url[64];
  int i;
  mg_log_set(MG_LL_ERROR);
  mg_mgr_init(&mgr);
  a = mg_listen(&mgr, "tcp://127.0.0.1:0", nop_fn, NULL);
  CHECK(a != NULL);
  mg_snprintf(url, sizeof(url), "http://127.0.0.1:%d", (int) mg_ntohs(a->loc.port));
  reset();
  CHECK(mg_http_listen(&mgr, url, nop_fn, NULL) == NULL);
  CHECK(lines_with("in use") == 1);
  CHECK(strchr(s_buf, '\n') == s_buf + s_len - 1);  // one line in all
  mg_snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", (int) mg_ntohs(a->loc.port));
  reset();
  CHECK(mg_listen(&mgr, url, nop_fn, NULL) == NULL);
  CHECK(lines_with("in use") == 1 && strchr(s_buf, '\n') == s_buf + s_len - 1);
  a->is_closing = 1;
  mg_mgr_poll(&mgr, 0);
  reset();
  CHECK(mg_connect(&mgr, url, nop_fn, NULL) != NULL);  // nothing listens now
  for (i = 0; i < 50 && s_len == 0; i++) mg_mgr_poll(&mgr, 10);
  for (i = 0; i < 5; i++) mg_mgr_poll(&mgr, 1);
  CHECK(lines_with("refused") == 1 && strchr(s_buf, '\n') == s_buf + s_len - 1);
  mg_mgr_free(&mgr);
}

int main(void) {
  mg_log_set_fn(capture, NULL);
  test_errors_logged_once();
  test_levels();
  test_line_format();
  test_hexdump();
  mg_log_set_fn(NULL, NULL);
  return test_summary("test_log");
}
