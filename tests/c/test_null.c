// Every string, URL, address, utility and iobuf function with NULL pointer
// arguments: each returns its documented safe value and does not crash.
#include "test_util.h"

static size_t s_logged;
static void count_log(char ch, void *param) {
  (void) param;
  if (ch == '\n') s_logged++;
}

int main(void) {
  struct mg_str caps[2], a = mg_str("keep"), bad = {NULL, 5}, r;
  struct mg_addr addr;
  uint32_t u32 = 7;
  char buf[4] = "abc";

  mg_log_set(MG_LL_ERROR);
  mg_log_set_fn(count_log, NULL);

  // Strings.
  r = mg_str(NULL);
  CHECK(r.buf == NULL && r.len == 0);
  r = mg_str_s(NULL);
  CHECK(r.buf == NULL && r.len == 0);
  r = mg_str_n(NULL, 10);
  CHECK(r.buf == NULL && r.len == 0);
  CHECK(mg_casecmp(NULL, NULL) == 0);
  CHECK(mg_casecmp(NULL, "a") < 0);
  CHECK(mg_casecmp("a", NULL) > 0);
  CHECK(mg_strcmp(bad, mg_str("")) == 0);
  CHECK(mg_strcmp(mg_str(NULL), mg_str(NULL)) == 0);
  CHECK(mg_strcasecmp(bad, bad) == 0);
  r = mg_strdup(bad);
  CHECK(r.buf == NULL && r.len == 0);
  r = mg_strdup(mg_str(NULL));
  CHECK(r.buf == NULL && r.len == 0);
  CHECK(mg_match(bad, mg_str("#"), NULL) == false);
  caps[0] = mg_str("x");
  CHECK(mg_match(bad, mg_str("#"), caps) == false);
  CHECK(caps[0].buf == NULL && caps[0].len == 0);
  CHECK(mg_match(mg_str(NULL), mg_str(NULL), NULL) == true);
  CHECK(mg_match(mg_str(NULL), mg_str("*"), caps) == true);
  CHECK(caps[0].buf == NULL && caps[0].len == 0);
  CHECK(caps[1].buf == NULL && caps[1].len == 0);
  CHECK(mg_match(mg_str(NULL), mg_str("?"), caps) == false);
  CHECK(mg_match(mg_str("abc"), bad, NULL) == false);
  CHECK(mg_span(bad, &a, &a, ',') == false);
  CHECK(mg_span(mg_str(NULL), NULL, NULL, ',') == false);
  CHECK(mg_span(mg_str("x,y"), NULL, NULL, ',') == true);
  CHECK(a.len == 4 && memcmp(a.buf, "keep", 4) == 0);
  CHECK(mg_str_to_num(mg_str("12"), 10, NULL, 4) == false);
  CHECK(mg_str_to_num(bad, 10, &u32, 4) == false);
  CHECK(mg_str_to_num(mg_str(NULL), 0, &u32, 4) == false);
  CHECK(u32 == 7);

  // URLs.
  CHECK(mg_url_port(NULL) == 0);
  CHECK(mg_url_is_ssl(NULL) == false);
  r = mg_url_host(NULL);
  CHECK(r.buf == NULL && r.len == 0);
  r = mg_url_user(NULL);
  CHECK(r.buf == NULL && r.len == 0);
  r = mg_url_pass(NULL);
  CHECK(r.buf == NULL && r.len == 0);
  CHECK(mg_url_uri(NULL) != NULL && strcmp(mg_url_uri(NULL), "/") == 0);

  // Addresses.
  CHECK(mg_aton(mg_str("1.2.3.4"), NULL) == false);
  memset(&addr, 0x11, sizeof(addr));
  CHECK(mg_aton(bad, &addr) == false);
  CHECK(addr.port == 0x1111 && addr.addr.ip[0] == 0x11);

  // Utilities.
  CHECK(mg_random(NULL, 16) == false);
  CHECK(mg_random(NULL, 0) == true);
  CHECK(mg_random_str(NULL, 8) == NULL);
  CHECK(mg_random_str(buf, 0) == buf && strcmp(buf, "abc") == 0);
  CHECK(mg_crc32(0, NULL, 0) == 0);
  CHECK(mg_crc32(123, NULL, 5) == 123);
  CHECK(mg_path_is_sane(bad) == false);
  CHECK(mg_path_is_sane(mg_str(NULL)) == true);
  mg_bzero(NULL, 10);
  mg_free(NULL);

  // iobuf.
  CHECK(mg_iobuf_init(NULL, 10, 16) == false);
  CHECK(mg_iobuf_resize(NULL, 10) == false);
  mg_iobuf_free(NULL);
  CHECK(mg_iobuf_add(NULL, 0, "abc", 3) == 0);
  CHECK(mg_iobuf_del(NULL, 0, 3) == 0);

  // Firmware update without mg_ota_begin(), or with a NULL chunk: each call
  // refuses and logs (tests/c/test_ota.c covers updates).
  {
    size_t before = s_logged;
    CHECK(mg_ota_write("x", 1) == false);
    CHECK(mg_ota_end() == false);
    CHECK(mg_ota_write(NULL, 5) == false);
    CHECK(s_logged == before + 3);
  }

  // Every NULL that is an error was logged (one line each, at least).
  CHECK(s_logged >= 20);
  mg_log_set_fn(NULL, NULL);
  printf("%lu error lines logged\n", (unsigned long) s_logged);
  return test_summary("test_null");
}
