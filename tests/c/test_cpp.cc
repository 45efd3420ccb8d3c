// mongoose.h from C++: compiled with -Wall -Wextra -Werror (and -pedantic by
// tests/layout.rs). Uses struct fields, events, macros and a few functions.
#include "test_util.h"  // includes mongoose.h


static int s_polls;

static void handler(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_POLL) s_polls++;
  (void) c;
  (void) ev_data;
}

static char s_log[256];
static size_t s_log_len;

static void capture(char ch, void *param) {
  (void) param;
  if (s_log_len + 1 < sizeof(s_log)) s_log[s_log_len++] = ch;
  s_log[s_log_len] = '\0';
}

int main() {
  // Structs and bitfields.
  struct mg_connection c;
  memset(&c, 0, sizeof(c));
  c.fn = handler;
  c.is_udp = 1;
  c.is_listening = 1;
  c.fn(&c, MG_EV_POLL, NULL);
  CHECK(s_polls == 1);
  CHECK(c.is_udp == 1 && c.is_client == 0);
  CHECK(sizeof(c.data) == MG_DATA_SIZE);

  // Enumerators usable as ints and as the enum type.
  enum mg_event ev = MG_EV_HTTP_MSG;
  int user_ev = MG_EV_USER + 1;
  CHECK(ev > MG_EV_ERROR);
  CHECK(user_ev > MG_EV_MODBUS_REQ);

  // Macros.
  struct mg_addr a;
  memset(&a, 0, sizeof(a));
  a.addr.ip4 = MG_IPV4(127, 0, 0, 1);
  CHECK(a.addr.ip[0] == 127 && a.addr.ip[3] == 1);
  CHECK(MG_BIT(3) == 8);

  // Logging macros, through a custom log function. What the formatter
  // prints is tested elsewhere; here the macros and calls must compile, link
  // and run.
  mg_log_set(MG_LL_INFO);
  mg_log_set_fn(capture, NULL);
  MG_INFO(("hello from C++ %d %s", 42, "!"));
  MG_DEBUG(("not shown"));
  mg_log_set_fn(NULL, NULL);
  CHECK(mg_log_level == MG_LL_INFO);
  CHECK(strstr(s_log, "not shown") == NULL);

  char buf[32];
  buf[0] = '\0';
  CHECK(mg_snprintf(buf, sizeof(buf), "%d-%s", 7, "x") <= 3);
  CHECK(strlen(buf) <= 3);
  CHECK(mg_ntohs(mg_htons(0x1234)) == 0x1234);

  struct mg_str s = mg_str("x");
  CHECK(s.len == 1 && s.buf[0] == 'x');

  struct mg_mgr mgr;
  mg_mgr_init(&mgr);
  mg_mgr_poll(&mgr, 0);
  mg_mgr_free(&mgr);

  printf("test_cpp: %d checks, %d passed, %d failed\n", s_checks,
         s_checks - s_failures, s_failures);
  return s_failures == 0 && s_checks > 0 ? 0 : 1;
}
