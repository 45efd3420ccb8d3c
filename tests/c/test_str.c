// Strings: mg_str/mg_str_n, comparisons, mg_strdup, mg_match (with
// captures), mg_span and mg_str_to_num.
#include "test_util.h"

static bool eq(struct mg_str s, const char *want) {
  return s.len == strlen(want) && (s.len == 0 || memcmp(s.buf, want, s.len) == 0);
}

struct match_case {
  const char *str, *pattern;
  bool match;
  const char *caps[4];  // expected captures when match; NULL ends the list
};

static const struct match_case s_match[] = {
    {"", "", true, {NULL}},
    {"a", "", false, {NULL}},
    {"", "a", false, {NULL}},
    {"abc", "abc", true, {NULL}},
    {"ab", "abc", false, {NULL}},
    {"abcd", "abc", false, {NULL}},
    {"a", "?", true, {"a", NULL}},
    {"", "?", false, {NULL}},
    {"ab", "?", false, {NULL}},
    {"a/c", "a?c", true, {"/", NULL}},
    {"a", "*", true, {"a", NULL}},
    {"ab", "*", true, {"ab", NULL}},
    {"", "*", true, {"", NULL}},
    {"", "#", true, {"", NULL}},
    {"a/b", "*", false, {NULL}},
    {"///", "#", true, {"///", NULL}},
    {"/foo", "/", false, {NULL}},
    {"/x/bar", "/*/foo", false, {NULL}},
    {"/x/foo", "/*/foo", true, {"x", NULL}},
    {"/x/foox", "/*/foo", false, {NULL}},
    {"/x/foox", "/*/foo*", true, {"x", "x", NULL}},
    {"/abc", "/*", true, {"abc", NULL}},
    {"/ab/", "/*", false, {NULL}},
    {"/", "/*", true, {"", NULL}},
    {"/x/2", "/x/*", true, {"2", NULL}},
    {"/x/2/foo", "/x/*", false, {NULL}},
    {"/x/2/foo", "/x/*/*", true, {"2", "foo", NULL}},
    {"/api/foo", "/api/*", true, {"foo", NULL}},
    {"/api/log/static", "/api/*", false, {NULL}},
    {"/api/log/static", "/api/#", true, {"log/static", NULL}},
    {"/ssi/index.shtml", "#.shtml", true, {"/ssi/index", NULL}},
    {"./ssi/index.shtml", "#.shtml", true, {"./ssi/index", NULL}},
    {".c", "#.c", true, {"", NULL}},
    {"a.c", "#.c", true, {"a", NULL}},
    {"..c", "#.c", true, {".", NULL}},
    {"/.c", "#.c", true, {"/", NULL}},
    {"//a.c", "#.c", true, {"//a", NULL}},
    {"x/a.c", "#.c", true, {"x/a", NULL}},
    {"caabba", "#aa#bb#", true, {"c", "", "a", NULL}},
    {"caabxa", "#aa#bb#", false, {NULL}},
    {"a__b_c", "a*b*c", true, {"__", "_", NULL}},
    {"a_b_c_", "a*b*c", false, {NULL}},
    {"a_b_c__c", "a*b*c", true, {"_", "_c__", NULL}},
    {"a_xb_.c__c", "a*b*c", true, {"_x", "_.c__", NULL}},
    {"a", "#", true, {"a", NULL}},
    {"a", "#a", true, {"", NULL}},
    {".aa..b...b", "#a#b", true, {".", "a..b...", NULL}},
    {"/foo/bar", "/*/*", true, {"foo", "bar", NULL}},
    {"/foo/", "/*/*", true, {"foo", "", NULL}},
    {"abc", "?#", true, {"a", "bc", NULL}},
    {"a#c", "?#", true, {"a", "#c", NULL}},
    {"a*c", "?*", true, {"a", "*c", NULL}},
    {"xy", "**", true, {"", "xy", NULL}},
    {"a/ab", "#a*b", true, {"a/", "", NULL}},
    {"/a/b", "*/b", false, {NULL}},
    {"/users/42/posts/7", "/users/*/posts/*", true, {"42", "7", NULL}},
    {"/users/42/posts", "/users/*/posts/*", false, {NULL}},
    {"Hello", "hello", false, {NULL}},
};

static void test_match(void) {
  size_t i, j;
  for (i = 0; i < sizeof(s_match) / sizeof(s_match[0]); i++) {
    const struct match_case *t = &s_match[i];
    struct mg_str caps[5];
    bool got;
    memset(caps, 0x55, sizeof(caps));
    got = mg_match(mg_str(t->str), mg_str(t->pattern), caps);
    if (got != t->match) {
      fprintf(stderr, "mg_match(\"%s\", \"%s\") = %d\n", t->str, t->pattern,
              got);
    }
    CHECK(got == t->match);
    CHECK(mg_match(mg_str(t->str), mg_str(t->pattern), NULL) == t->match);
    if (!got) {
      CHECK(caps[0].buf == NULL && caps[0].len == 0);
      continue;
    }
    for (j = 0; t->caps[j] != NULL; j++) {
      if (!eq(caps[j], t->caps[j])) {
        fprintf(stderr, "mg_match(\"%s\", \"%s\") cap %d: [%.*s], want [%s]\n",
                t->str, t->pattern, (int) j, (int) caps[j].len, caps[j].buf,
                t->caps[j]);
      }
      CHECK(eq(caps[j], t->caps[j]));
      // Captures point into the matched string.
      CHECK(caps[j].buf >= t->str && caps[j].buf <= t->str + strlen(t->str));
    }
    CHECK(caps[j].buf == NULL && caps[j].len == 0);
  }
  // Not NUL-terminated input: only len bytes count.
  CHECK(mg_match(mg_str_n("abcXYZ", 3), mg_str("abc"), NULL));
  CHECK(mg_match(mg_str_n("abc", 3), mg_str_n("a*???", 2), NULL));
}

// Long subjects with captures (a 1 MB URI routed by "/api/#"): the result is
// right. That it is linear in the subject is shown by bench/run.sh.
static void test_match_long(void) {
  size_t n = 1024 * 1024, i;
  char *uri = (char *) malloc(n);
  struct mg_str caps[3];
  CHECK(uri != NULL);
  if (uri == NULL) return;
  memcpy(uri, "/api/", 5);
  for (i = 5; i < n; i++) uri[i] = (i % 7 == 0) ? '/' : 'a' + (char) (i % 26);
  CHECK(mg_match(mg_str_n(uri, n), mg_str("/api/#"), caps));
  CHECK(caps[0].buf == uri + 5 && caps[0].len == n - 5);
  CHECK(caps[1].buf == NULL && caps[1].len == 0);
  CHECK(!mg_match(mg_str_n(uri, n), mg_str("/api/*"), caps));
  CHECK(caps[0].buf == NULL && caps[0].len == 0);
  // Two captures: the first takes the shortest run, the second the rest.
  CHECK(mg_match(mg_str_n(uri, n), mg_str("/*/#"), caps));
  CHECK(caps[0].len == 3 && caps[1].len == n - 5);
  free(uri);
}

static void test_make_and_compare(void) {
  const char *hello = "hello";
  struct mg_str s = mg_str(hello), n = mg_str(NULL), e = mg_str("");
  CHECK(s.buf == hello && s.len == 5);
  CHECK(n.buf == NULL && n.len == 0);
  CHECK(e.buf != NULL && e.len == 0);
  s = mg_str_n(hello, 3);
  CHECK(s.buf == hello && s.len == 3);

  CHECK(mg_strcmp(mg_str("a"), mg_str("a")) == 0);
  CHECK(mg_strcmp(mg_str("a"), mg_str("b")) == -1);
  CHECK(mg_strcmp(mg_str("b"), mg_str("a")) == 1);
  CHECK(mg_strcmp(mg_str("ab"), mg_str("a")) == 1);
  CHECK(mg_strcmp(mg_str("a"), mg_str("ab")) == -1);
  CHECK(mg_strcmp(mg_str(""), mg_str(NULL)) == 0);
  CHECK(mg_strcmp(mg_str_n("abc", 2), mg_str("ab")) == 0);
  CHECK(mg_strcmp(mg_str("A"), mg_str("a")) == -1);
  CHECK(mg_strcasecmp(mg_str("HeLLo"), mg_str("hello")) == 0);
  CHECK(mg_strcasecmp(mg_str("a"), mg_str("B")) == -1);
  CHECK(mg_strcasecmp(mg_str("b"), mg_str("A")) == 1);
  CHECK(mg_strcasecmp(mg_str("abc"), mg_str("AB")) == 1);
  CHECK(mg_casecmp("Content-Length", "content-length") == 0);
  CHECK(mg_casecmp("a", "b") < 0);
  CHECK(mg_casecmp("b", "A") > 0);
  CHECK(mg_casecmp("ab", "a") > 0);
  CHECK(mg_casecmp("", "") == 0);
}

static void test_strdup(void) {
  char src[] = "hello, world";
  struct mg_str d = mg_strdup(mg_str_n(src, 5));
  CHECK(d.buf != NULL && d.buf != src && d.len == 5);
  CHECK_STR(d.buf, "hello");  // NUL-terminated
  src[0] = 'J';
  CHECK_STR(d.buf, "hello");  // a copy
  free(d.buf);
  d = mg_strdup(mg_str(""));
  CHECK(d.buf == NULL && d.len == 0);
  d = mg_strdup(mg_str(NULL));
  CHECK(d.buf == NULL && d.len == 0);
  d = mg_strdup(mg_str("x"));
  CHECK(d.len == 1 && d.buf[0] == 'x' && d.buf[1] == '\0');
  mg_free(d.buf);
}

static void test_span(void) {
  const char *list = "a=333,b=777,hello";
  struct mg_str s = mg_str(list), entry, k, v;
  const char *keys[] = {"a", "b", "hello"}, *vals[] = {"333", "777", ""};
  int n = 0;
  while (mg_span(s, &entry, &s, ',')) {
    CHECK(n < 3);
    if (n >= 3) break;
    CHECK(mg_span(entry, &k, &v, '='));
    CHECK(eq(k, keys[n]));
    CHECK(eq(v, vals[n]));
    CHECK(k.buf >= list && k.buf < list + strlen(list));
    n++;
  }
  CHECK(n == 3);

  CHECK(mg_span(mg_str(""), &k, &v, ',') == false);
  CHECK(mg_span(mg_str(NULL), &k, &v, ',') == false);
  k = mg_str("untouched");
  CHECK(mg_span(mg_str(""), &k, NULL, ',') == false);
  CHECK(eq(k, "untouched"));

  s = mg_str("x,");
  CHECK(mg_span(s, &k, &v, ','));
  CHECK(eq(k, "x") && v.len == 0);
  s = mg_str(",y");
  CHECK(mg_span(s, &k, &v, ','));
  CHECK(k.len == 0 && k.buf == s.buf && eq(v, "y"));
  s = mg_str("noseparator");
  CHECK(mg_span(s, &k, &v, ','));
  CHECK(eq(k, "noseparator") && v.len == 0);
  CHECK(mg_span(mg_str("a:b"), NULL, &v, ':') && eq(v, "b"));
  CHECK(mg_span(mg_str("a:b"), &k, NULL, ':') && eq(k, "a"));
  CHECK(mg_span(mg_str("a:b:c"), &k, &v, ':') && eq(k, "a") && eq(v, "b:c"));
}

static void test_str_to_num(void) {
  char buf[80];
  uint64_t u64 = 0;
  uint32_t u32 = 0;
  uint16_t u16 = 0;
  uint8_t u8 = 0;
  unsigned char raw[9];

  CHECK(mg_str_to_num(mg_str("0"), 10, &u64, 8) && u64 == 0);
  CHECK(mg_str_to_num(mg_str("123"), 10, &u64, 8) && u64 == 123);
  u64 = 42;
  CHECK(!mg_str_to_num(mg_str(" 123"), 10, &u64, 8));
  CHECK(!mg_str_to_num(mg_str("123 "), 10, &u64, 8));
  CHECK(!mg_str_to_num(mg_str(""), 10, &u64, 8));
  CHECK(!mg_str_to_num(mg_str("-"), 10, &u64, 8));
  CHECK(!mg_str_to_num(mg_str("-1"), 10, &u64, 8));
  CHECK(u64 == 42);  // untouched on failure
  CHECK(mg_str_to_num(mg_str("18446744073709551615"), 10, &u64, 8) &&
        u64 == UINT64_MAX);
  CHECK(!mg_str_to_num(mg_str("18446744073709551616"), 10, &u64, 8));
  CHECK(mg_str_to_num(mg_str("01111011"), 2, &u64, 8) && u64 == 123);
  CHECK(!mg_str_to_num(mg_str("0123"), 2, &u64, 8));
  memset(buf, '1', 64), buf[64] = '\0';
  CHECK(mg_str_to_num(mg_str(buf), 2, &u64, 8) && u64 == UINT64_MAX);
  memset(buf, '1', 65), buf[65] = '\0';  // 65 bits overflow
  CHECK(!mg_str_to_num(mg_str(buf), 2, &u64, 8));
  CHECK(mg_str_to_num(mg_str("def"), 16, &u64, 8) && u64 == 0xdef);
  CHECK(mg_str_to_num(mg_str("DEF"), 16, &u64, 8) && u64 == 0xdef);
  CHECK(!mg_str_to_num(mg_str("defg"), 16, &u64, 8));
  CHECK(!mg_str_to_num(mg_str("0x12"), 16, &u64, 8));
  CHECK(mg_str_to_num(mg_str("ffffffffffffffff"), 16, &u64, 8) &&
        u64 == UINT64_MAX);
  CHECK(!mg_str_to_num(mg_str("10000000000000000"), 16, &u64, 8));
  CHECK(mg_str_to_num(mg_str("0x123"), 0, &u64, 8) && u64 == 0x123);
  CHECK(mg_str_to_num(mg_str("0b101"), 0, &u64, 8) && u64 == 5);
  CHECK(!mg_str_to_num(mg_str("0b123"), 0, &u64, 8));
  CHECK(!mg_str_to_num(mg_str("0c123"), 0, &u64, 8));
  CHECK(!mg_str_to_num(mg_str("0x"), 0, &u64, 8));
  CHECK(mg_str_to_num(mg_str("0123"), 0, &u64, 8) && u64 == 123);
  CHECK(mg_str_to_num(mg_str_n("12345", 2), 10, &u64, 8) && u64 == 12);

  CHECK(mg_str_to_num(mg_str("4294967295"), 10, &u32, 4) && u32 == UINT32_MAX);
  CHECK(!mg_str_to_num(mg_str("4294967296"), 10, &u32, 4));
  CHECK(mg_str_to_num(mg_str("ffffffff"), 16, &u32, 4) && u32 == UINT32_MAX);
  CHECK(mg_str_to_num(mg_str("65535"), 10, &u16, 2) && u16 == 65535);
  CHECK(!mg_str_to_num(mg_str("65536"), 10, &u16, 2));
  CHECK(mg_str_to_num(mg_str("1111111111111111"), 2, &u16, 2) && u16 == 65535);
  CHECK(!mg_str_to_num(mg_str("11111111111111111"), 2, &u16, 2));
  CHECK(mg_str_to_num(mg_str("255"), 10, &u8, 1) && u8 == 255);
  CHECK(!mg_str_to_num(mg_str("256"), 10, &u8, 1));
  CHECK(mg_str_to_num(mg_str("12"), 16, &u8, 1) && u8 == 0x12);
  CHECK(!mg_str_to_num(mg_str("100"), 16, &u8, 1));

  // Bad base or size; only val_len bytes are written, at any alignment.
  CHECK(!mg_str_to_num(mg_str("1"), 8, &u64, 8));
  CHECK(!mg_str_to_num(mg_str("1"), -1, &u64, 8));
  CHECK(!mg_str_to_num(mg_str("1"), 10, &u64, 3));
  memset(raw, 0xee, sizeof(raw));
  CHECK(mg_str_to_num(mg_str("0x0102"), 0, raw + 1, 2));
  u16 = 0x0102;
  CHECK(memcmp(raw + 1, &u16, 2) == 0 && raw[0] == 0xee && raw[3] == 0xee);
}

int main(void) {
  test_match();
  test_match_long();
  test_make_and_compare();
  test_strdup();
  test_span();
  test_str_to_num();
  return test_summary("test_str");
}
