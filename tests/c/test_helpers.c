// Helpers Mongoose 7.22 programs use: the big-endian load/store macros,
// mg_timegm, mg_check_ip_acl, the mg_print_html_esc printer, mg_bzero on a
// volatile buffer, pthreads through mongoose.h alone, and the build-time
// size macros (tests/c_suite.rs also checks the warning for a redefinition).
#include "test_util.h"  // includes mongoose.h, and nothing else from POSIX

// Compiles only if mongoose.h brings in <pthread.h>, as programs written
// like Mongoose's multi-threaded tutorial expect.
static void *thread_fn(void *arg) {
  int *p = (int *) arg;
  *p = 42;
  return NULL;
}

static void test_pthread(void) {
  pthread_t t;
  int v = 0;
  CHECK(pthread_create(&t, NULL, thread_fn, &v) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(v == 42);
}

static void test_be_macros(void) {
  uint8_t buf[12];
  memset(buf, 0xee, sizeof(buf));
  MG_STORE_BE16(buf + 1, 0x1234);  // unaligned on purpose
  CHECK(buf[0] == 0xee && buf[1] == 0x12 && buf[2] == 0x34 && buf[3] == 0xee);
  CHECK(MG_LOAD_BE16(buf + 1) == 0x1234);
  MG_STORE_BE32(buf + 3, 0xa1b2c3d4U);
  CHECK(buf[3] == 0xa1 && buf[4] == 0xb2 && buf[5] == 0xc3 && buf[6] == 0xd4);
  CHECK(MG_LOAD_BE32(buf + 3) == 0xa1b2c3d4U);
  CHECK(buf[7] == 0xee);
  MG_STORE_BE24(buf, 0x010203);
  CHECK(MG_LOAD_BE24(buf) == 0x010203);
  MG_STORE_BE64(buf + 2, 0x0102030405060708ULL);
  CHECK(MG_LOAD_BE64(buf + 2) == 0x0102030405060708ULL && buf[9] == 8);
  // The value is evaluated once: a side effect happens once.
  {
    int i = 0;
    MG_STORE_BE16(buf, i++ + 0x100);
    CHECK(i == 1 && MG_LOAD_BE16(buf) == 0x100);
  }
}

static void test_timegm(void) {
  // Mongoose's own expectations, and the edges.
  CHECK(mg_timegm(2023, 1, 1, 0, 0, 0) == 1672531200);
  CHECK(mg_timegm(2025, 12, 31, 23, 59, 59) == 1767225599);
  CHECK(mg_timegm(2024, 2, 1, 0, 0, 0) == 1706745600);
  CHECK(mg_timegm(2000, 4, 1, 0, 0, 0) == 954547200);
  CHECK(mg_timegm(1970, 1, 1, 0, 0, 0) == 0);
  CHECK(mg_timegm(2024, 2, 29, 12, 0, 0) == 1709208000);
  CHECK(mg_timegm(2100, 3, 1, 0, 0, 0) == 4107542400ULL);
  CHECK(mg_timegm(1969, 12, 31, 23, 59, 59) == 0);
  CHECK(mg_timegm(2024, 0, 1, 0, 0, 0) == 0);
  CHECK(mg_timegm(2024, 13, 1, 0, 0, 0) == 0);
}

static void test_ip_acl(void) {
  struct mg_addr ip;
  memset(&ip, 0, sizeof(ip));
  ip.addr.ip4 = MG_IPV4(1, 2, 3, 4);
  CHECK(mg_check_ip_acl(mg_str_n(NULL, 0), &ip) == 1);
  CHECK(mg_check_ip_acl(mg_str(""), &ip) == 1);
  CHECK(mg_check_ip_acl(mg_str("invalid"), &ip) == -1);
  CHECK(mg_check_ip_acl(mg_str("+hi"), &ip) == -2);
  CHECK(mg_check_ip_acl(mg_str("+//"), &ip) == -2);
  CHECK(mg_check_ip_acl(mg_str("+1.2.3.4/33"), &ip) == -2);
  CHECK(mg_check_ip_acl(mg_str("-0.0.0.0/0"), &ip) == 0);
  CHECK(mg_check_ip_acl(mg_str("+1.2.3.4"), &ip) == 1);
  CHECK(mg_check_ip_acl(mg_str("+1.2.3.5"), &ip) == 0);  // deny by default
  CHECK(mg_check_ip_acl(mg_str("-0.0.0.0/0,+1.0.0.0/8"), &ip) == 1);
  CHECK(mg_check_ip_acl(mg_str("-0.0.0.0/0,+1.2.3.4"), &ip) == 1);
  CHECK(mg_check_ip_acl(mg_str("-0.0.0.0/0,+1.0.0.0/16"), &ip) == 0);
  CHECK(mg_check_ip_acl(mg_str("+1.0.0.0/8,-1.2.0.0/16"), &ip) == 0);
  CHECK(mg_check_ip_acl(mg_str("+0.0.0.0/0,-1.2.3.4,+1.2.3.0/24"), &ip) == 1);
  CHECK(mg_check_ip_acl(mg_str("+1.2.3.4,"), &ip) == -1);
  ip.is_ip6 = true;  // IPv4 lists only, as in Mongoose
  CHECK(mg_check_ip_acl(mg_str("-0.0.0.0/0"), &ip) == -1);
  CHECK(mg_check_ip_acl(mg_str("-0.0.0.0/0"), NULL) == -1);
}

static void test_html_esc(void) {
  char buf[100];
  const char *s = "<a href=\"x\">T&C</a>";
  size_t n = mg_snprintf(buf, sizeof(buf), "[%M]", mg_print_html_esc,
                         (int) strlen(s), s);
  CHECK_STR(buf, "[&lt;a href=&quot;x&quot;&gt;T&amp;C&lt;/a&gt;]");
  CHECK(n == strlen(buf));
  // Exactly len bytes.
  mg_snprintf(buf, sizeof(buf), "[%M]", mg_print_html_esc, 2, "<<<");
  CHECK_STR(buf, "[&lt;&lt;]");
  mg_snprintf(buf, sizeof(buf), "[%M]", mg_print_html_esc, 0, "abc");
  CHECK_STR(buf, "[]");
}

static void test_bzero(void) {
  volatile unsigned char secret[16];
  size_t i;
  for (i = 0; i < sizeof(secret); i++) secret[i] = (unsigned char) (i + 1);
  mg_bzero(secret, 8);  // a volatile buffer, as in Mongoose 7.22
  CHECK(secret[0] == 0 && secret[7] == 0 && secret[8] == 9);
  mg_bzero(NULL, 0);
}

// The prebuilt library's sizes; mongoose.h warns when a program defines
// another value (see tests/c_suite.rs).
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(MG_MAX_HTTP_HEADERS == 30, "library value");
#endif

int main(void) {
  test_pthread();
  test_be_macros();
  test_timegm();
  test_ip_acl();
  test_html_esc();
  test_bzero();
  CHECK(sizeof(((struct mg_http_message *) 0)->headers) /
            sizeof(struct mg_http_header) ==
        MG_MAX_HTTP_HEADERS);
  return test_summary("test_helpers");
}
