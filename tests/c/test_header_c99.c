// mongoose.h as strict ISO C99: tests/layout.rs compiles this with
// -std=c99 -pedantic -Wall -Wextra -Werror. Exercises the header's macros.
#include "test_util.h"  // includes mongoose.h


static void noop(void *arg) {
  (void) arg;
}

int main(void) {
  struct mg_timer t1, t2, *head = NULL;
  struct mg_addr a;
  uint8_t ip6[16] = MG_IPV6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
  char buf[16];

  memset(&t1, 0, sizeof(t1));
  memset(&t2, 0, sizeof(t2));
  t1.fn = noop;
  t2.flags = MG_TIMER_REPEAT | MG_TIMER_RUN_NOW;
  LIST_ADD_HEAD(struct mg_timer, &head, &t1);
  LIST_ADD_TAIL(struct mg_timer, &head, &t2);
  CHECK(head == &t1 && t1.next == &t2 && t2.next == NULL);
  LIST_DELETE(struct mg_timer, &head, &t1);
  CHECK(head == &t2);

  memset(&a, 0, sizeof(a));
  a.addr.ip4 = MG_IPV4(10, 0, 0, 2);
  CHECK(a.addr.ip[0] == 10 && a.addr.ip[3] == 2);
  CHECK(mg_ntohl(a.addr.ip4) == MG_U32(10, 0, 0, 2));
  CHECK(ip6[0] == 0x20 && ip6[1] == 0x01 && ip6[15] == 1);
  CHECK(MG_ROUND_UP(10, 8) == 16 && MG_ROUND_DOWN(10, 8) == 8);
  CHECK(MG_ROUND_UP(10, 0) == 10);
  CHECK(strcmp(MG_VERSION, "7.22") == 0);

  mg_log_set(MG_LL_ERROR);
  CHECK(mg_log_level == MG_LL_ERROR);
  MG_DEBUG(("not shown %d", 1));
  mg_log_set(MG_LL_INFO);

  // Only that it compiles and runs: the formatter has its own tests.
  buf[0] = '\0';
  CHECK(mg_snprintf(buf, sizeof(buf), "%d.%d.%d.%d",
                    MG_IPADDR_PARTS(&a.addr.ip4)) <= 8);
  CHECK(strlen(buf) <= 8);

  {
    struct mg_str s = mg_str("abc");
    CHECK(s.len == 3);
  }

  printf("test_header_c99: %d checks, %d passed, %d failed\n", s_checks,
         s_checks - s_failures, s_failures);
  return s_failures == 0 && s_checks > 0 ? 0 : 1;
}
