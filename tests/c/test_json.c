// JSON: mg_json_get and every getter, table-driven: path forms, escapes,
// nesting, error values, truncated documents (each prefix in its own
// exact-size allocation, so an overread is a real out-of-bounds access),
// deep nesting and huge numbers; mg_json_next iteration; doubles printed
// with %g / %.17g read back by mg_json_get_num.
#include "test_util.h"

#include <math.h>

#define NF MG_JSON_NOT_FOUND
#define INV MG_JSON_INVALID
#define DEEP MG_JSON_TOO_DEEP

static struct mg_str S(const char *s) {
  return mg_str_n(s, strlen(s));
}

// A copy of the first n bytes of s in an allocation of exactly n bytes.
static char *exact(const char *s, size_t n) {
  char *p = (char *) malloc(n > 0 ? n : 1);
  memcpy(p, s, n);
  return p;
}

static const char *DOC =
    "{\"name\":\"box\",\"size\":[1,2.5,-3e2],\"ok\":true,\"no\":false,"
    "\"nil\":null,\"nested\":{\"a\":{\"b\":[10,{\"c\":\"deep\"}]}},"
    "\"esc\":\"q\\\"b\\\\s\\/n\\nt\\tu\\u0041\\u00e9\",\"empty\":\"\","
    "\"hex\":\"48656c6C6f\",\"b64\":\"SGVsbG8=\",\"arr\":[],\"obj\":{},"
    "\"dup\":1,\"dup\":2, \"sp ace\" : 7 }";

static void test_get_table(void) {
  static const struct {
    const char *json, *path;
    int ofs, len;  // ofs < 0: expected error, len unused
  } t[] = {
      // The documented example.
      {"{ \"a\": 1, \"b\": [2, 3] }", "$", 0, 23},
      {"{ \"a\": 1, \"b\": [2, 3] }", "$.a", 7, 1},
      {"{ \"a\": 1, \"b\": [2, 3] }", "$.b", 15, 6},
      {"{ \"a\": 1, \"b\": [2, 3] }", "$.b[0]", 16, 1},
      {"{ \"a\": 1, \"b\": [2, 3] }", "$.b[1]", 19, 1},
      {"{ \"a\": 1, \"b\": [2, 3] }", "$.b[2]", NF, 0},
      {"{ \"a\": 1, \"b\": [2, 3] }", "$.c", NF, 0},
      {"{ \"a\": 1, \"b\": [2, 3] }", "$.a.b", NF, 0},
      {"{ \"a\": 1, \"b\": [2, 3] }", "$[0]", NF, 0},
      // Scalars at the top level, with whitespace around.
      {" true ", "$", 1, 4},
      {"false", "$", 0, 5},
      {"null", "$", 0, 4},
      {"\t\r\n 42 ", "$", 4, 2},
      {"-0", "$", 0, 2},
      {"0.5", "$", 0, 3},
      {"1e10", "$", 0, 4},
      {"1E+10", "$", 0, 5},
      {"-1.25e-3", "$", 0, 8},
      {"\"\"", "$", 0, 2},
      {"\"a b\"", "$", 0, 5},
      {"\"\\\"hi\\\"\"", "$", 0, 8},
      {"[]", "$", 0, 2},
      {"{}", "$", 0, 2},
      {"[ ]", "$", 0, 3},
      {"{ }", "$", 0, 3},
      {"[1,2]", "$[0]", 1, 1},
      {"[1,2]", "$[1]", 3, 1},
      {"[1,2]", "$[2]", NF, 0},
      {"[[1,2],[3,[4]]]", "$[1][1][0]", 11, 1},
      {"[[1,2],[3,[4]]]", "$[1][1]", 10, 3},
      {"[[1,2],[3,[4]]]", "$[0][2]", NF, 0},
      {"[{\"a\":1},{\"a\":2}]", "$[1].a", 14, 1},
      {"{\"a\":[]}", "$.a", 5, 2},
      {"{\"a\":[]}", "$.a[0]", NF, 0},
      {"{\"a\":[1]}", "$.a[0]", 6, 1},
      {"{\"a\":{}}", "$.a.b", NF, 0},
      {"{\"a\":\"x\"}", "$.a[0]", NF, 0},
      {"{\"a\":\"x\"}", "$.a.b", NF, 0},
      // Keys compare whole and raw.
      {"{\"ab\":1,\"a\":2}", "$.a", 12, 1},
      {"{\"a\":1,\"ab\":2}", "$.ab", 12, 1},
      {"{\"A\":1}", "$.a", NF, 0},
      {"{\"a b\":1}", "$.a b", 7, 1},
      {"{\"\":1}", "$.x", NF, 0},
      {"{\"a\":1,\"a\":2}", "$.a", 5, 1},  // first wins
      {"{\"a\" : 1 , \"b\" : 2}", "$.b", 17, 1},
      // Values of every type inside containers.
      {"{\"s\":\"x\\\"y\"}", "$.s", 5, 6},
      {"{\"t\":true}", "$.t", 5, 4},
      {"{\"n\":null}", "$.n", 5, 4},
      {"{\"o\":{\"p\":[true]}}", "$.o.p[0]", 11, 4},
      {"{\"o\":{\"p\":[true]}}", "$.o", 5, 12},
      {"[\"]\",\"[\",2]", "$[2]", 9, 1},
      {"{\"k\":\"}\",\"l\":3}", "$.l", 13, 1},
      // Malformed paths.
      {"{\"a\":1}", "", INV, 0},
      {"{\"a\":1}", "a", INV, 0},
      {"{\"a\":1}", "$.", INV, 0},
      {"{\"a\":1}", "$a", INV, 0},
      {"[1]", "$[", INV, 0},
      {"[1]", "$[]", INV, 0},
      {"[1]", "$[x]", INV, 0},
      {"[1]", "$[-1]", INV, 0},
      {"[1]", "$[0", INV, 0},
      {"{\"a\":1}", "$..a", INV, 0},
      // Malformed documents.
      {"", "$", INV, 0},
      {"   ", "$", INV, 0},
      {"x", "$", INV, 0},
      {"tru", "$", INV, 0},
      {"nul", "$", INV, 0},
      {"-", "$", INV, 0},
      {"1.", "$", INV, 0},
      {".5", "$", INV, 0},
      {"1e", "$", INV, 0},
      {"1e+", "$", INV, 0},
      {"+1", "$", INV, 0},
      {"[1,]", "$", INV, 0},
      {"[,1]", "$", INV, 0},
      {"[1 2]", "$", INV, 0},
      {"{\"a\" 1}", "$", INV, 0},
      {"{\"a\":}", "$", INV, 0},
      {"{a:1}", "$", INV, 0},
      {"{\"a\":1,}", "$", INV, 0},
      {"{\"a\":1", "$", INV, 0},
      {"[1,2", "$", INV, 0},
      {"[1,2", "$[5]", INV, 0},
      {"\"abc", "$", INV, 0},
      {"\"a\\x\"", "$", INV, 0},
      {"\"a\\u12\"", "$", INV, 0},
      {"\"a\\u12G4\"", "$", INV, 0},
      {"\"a\\", "$", INV, 0},
      {"{\"a\":[1,{\"b\":}]}", "$.c", INV, 0},
      {"{\"a\":1} junk", "$.b", NF, 0},  // trailing text is not scanned
      // The target is found before the document goes bad.
      {"[1,2", "$[0]", 1, 1},
      {"{\"a\":1,\"b\":", "$.a", 5, 1},
      {"{\"a\":1,\"b\":x}", "$.a", 5, 1},
      {"[\"ok\", !!!", "$[0]", 1, 4},
      // Unicode passes through.
      {"{\"\xc3\xa9\":\"\xe2\x82\xac\"}", "$.\xc3\xa9", 6, 5},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    int len = -99;
    size_t n = strlen(t[i].json);
    char *copy = exact(t[i].json, n);
    int ofs = mg_json_get(mg_str_n(copy, n), t[i].path, &len);
    int want_len = t[i].ofs < 0 ? 0 : t[i].len;
    s_checks++;
    if (ofs != t[i].ofs || len != want_len) {
      s_failures++;
      fprintf(stderr, "FAIL get row %d: %s %s: got %d/%d, want %d/%d\n", (int) i,
              t[i].json, t[i].path, ofs, len, t[i].ofs, want_len);
    }
    free(copy);
  }
  CHECK(mg_json_get(S("[1]"), "$", NULL) == 0);  // toklen may be NULL
  CHECK(mg_json_get(S("[1]"), NULL, NULL) == INV);
  CHECK(mg_json_get(mg_str_n(NULL, 0), "$", NULL) == INV);
}

static void test_depth(void) {
  char buf[200];
  int n, len;
  for (n = 28; n <= 33; n++) {
    memset(buf, '[', (size_t) n);
    memset(buf + n, ']', (size_t) n);
    len = 0;
    if (n <= MG_JSON_MAX_DEPTH) {
      CHECK(mg_json_get(mg_str_n(buf, (size_t) (2 * n)), "$", &len) == 0);
      CHECK(len == 2 * n);
    } else {
      CHECK(mg_json_get(mg_str_n(buf, (size_t) (2 * n)), "$", &len) == DEEP);
    }
  }
  // Objects count the same; a value before the deep part is still found.
  {
    char *s = mg_mprintf("{\"x\":1,\"y\":%s}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    CHECK(mg_json_get(S(s), "$.x", &len) == 5 && len == 1);
    CHECK(mg_json_get(S(s), "$.y", &len) == DEEP);
    CHECK(mg_json_get(S(s), "$.z", &len) == DEEP);
    free(s);
  }
  // 10000 unclosed brackets: refused quickly, no stack overflow.
  {
    char *s = (char *) malloc(10000);
    memset(s, '{', 10000);
    CHECK(mg_json_get(mg_str_n(s, 10000), "$", &len) == INV);  // '{' needs a key
    memset(s, '[', 10000);
    CHECK(mg_json_get(mg_str_n(s, 10000), "$", &len) == DEEP);
    free(s);
  }
}

// Every proper prefix of a valid document is invalid as a whole ("$"); no
// lookup reads past the prefix (each lives in an exact-size allocation).
static void test_truncated(void) {
  size_t n, full = strlen(DOC);
  int bad = 0, len;
  CHECK(mg_json_get(S(DOC), "$", &len) == 0 && len == (int) full);
  for (n = 0; n < full; n++) {
    char *p = exact(DOC, n);
    struct mg_str s = mg_str_n(p, n);
    char *str;
    double d;
    bool b;
    size_t ofs = 0;
    struct mg_str k, v;
    if (mg_json_get(s, "$", &len) != INV) bad++;
    // The getters and the iterator must cope too.
    mg_json_get_num(s, "$.size[2]", &d);
    mg_json_get_bool(s, "$.ok", &b);
    str = mg_json_get_str(s, "$.esc");
    free(str);
    while ((ofs = mg_json_next(s, ofs, &k, &v)) > 0) {
    }
    free(p);
  }
  CHECK(bad == 0);
}

static void test_num(void) {
  static const struct {
    const char *json, *path;
    bool ok;
    double v;
  } t[] = {
      {"1", "$", true, 1},
      {"-1", "$", true, -1},
      {"0", "$", true, 0},
      {"-0", "$", true, -0.0},
      {"3.25", "$", true, 3.25},
      {"1e3", "$", true, 1000},
      {"1E-2", "$", true, 0.01},
      {"-2.5e+1", "$", true, -25},
      {"[1,2.5,-3e2]", "$[2]", true, -300},
      {"{\"a\":{\"b\":7}}", "$.a.b", true, 7},
      {"123456789012345678901234567890", "$", true, 1.2345678901234568e29},
      {"0.1", "$", true, 0.1},
      {"1e-400", "$", true, 0},
      {"\"1\"", "$", false, 0},
      {"true", "$", false, 0},
      {"null", "$", false, 0},
      {"[1]", "$", false, 0},
      {"{\"a\":1}", "$.b", false, 0},
      {"{\"a\":1", "$.b", false, 0},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    double v = -12345;
    bool ok = mg_json_get_num(S(t[i].json), t[i].path, &v);
    s_checks++;
    if (ok != t[i].ok || (ok && v != t[i].v) || (!ok && v != -12345)) {
      s_failures++;
      fprintf(stderr, "FAIL num row %d: %s: got %d %.17g\n", (int) i, t[i].json, ok, v);
    }
  }
  {
    double v = 0;
    CHECK(mg_json_get_num(S("1e400"), "$", &v) && isinf(v) && v > 0);
    CHECK(mg_json_get_num(S("-1e400"), "$", &v) && isinf(v) && v < 0);
    CHECK(mg_json_get_num(S("-0"), "$", &v) && v == 0 && signbit(v));
    CHECK(mg_json_get_num(S("5"), "$", NULL));  // v may be NULL
  }
}

static void test_bool_long(void) {
  static const struct {
    const char *json, *path;
    int want;  // 1 true, 0 false, -1 not a boolean
  } tb[] = {
      {"true", "$", 1},         {"false", "$", 0},         {" true", "$", 1},
      {"[false,true]", "$[1]", 1}, {"{\"x\":false}", "$.x", 0}, {"\"true\"", "$", -1},
      {"1", "$", -1},           {"null", "$", -1},         {"truex", "$", 1},
      {"{\"x\":tru}", "$.x", -1},
  };
  static const struct {
    const char *json, *path;
    long dflt, want;
  } tl[] = {
      {"42", "$", -1, 42},
      {"-42", "$", -1, -42},
      {"3.99", "$", -1, 3},
      {"-3.99", "$", -1, -3},
      {"1e3", "$", -1, 1000},
      {"\"42\"", "$", -1, -1},
      {"{\"a\":[5,6]}", "$.a[1]", 0, 6},
      {"{\"a\":[5,6]}", "$.a[2]", 77, 77},
      {"2147483648", "$", 0, 2147483648L},
      {"1e300", "$", 0, LONG_MAX},
      {"-1e300", "$", 0, LONG_MIN},
      {"null", "$", 9, 9},
  };
  size_t i;
  for (i = 0; i < sizeof(tb) / sizeof(tb[0]); i++) {
    bool v = false;
    bool ok = mg_json_get_bool(S(tb[i].json), tb[i].path, &v);
    s_checks++;
    if ((tb[i].want < 0 && ok) || (tb[i].want >= 0 && (!ok || v != (tb[i].want == 1)))) {
      s_failures++;
      fprintf(stderr, "FAIL bool row %d: %s\n", (int) i, tb[i].json);
    }
  }
  for (i = 0; i < sizeof(tl) / sizeof(tl[0]); i++) {
    long v = mg_json_get_long(S(tl[i].json), tl[i].path, tl[i].dflt);
    s_checks++;
    if (v != tl[i].want) {
      s_failures++;
      fprintf(stderr, "FAIL long row %d: %s: got %ld\n", (int) i, tl[i].json, v);
    }
  }
  CHECK(mg_json_get_bool(S("true"), "$", NULL));
}

static void test_strings(void) {
  static const struct {
    const char *json, *path, *want;  // want NULL: no string
  } t[] = {
      {"\"abc\"", "$", "abc"},
      {"\"\"", "$", ""},
      {"\"a\\\"b\"", "$", "a\"b"},
      {"\"a\\\\b\"", "$", "a\\b"},
      {"\"a\\/b\"", "$", "a/b"},
      {"\"\\b\\f\\n\\r\\t\"", "$", "\b\f\n\r\t"},
      {"\"\\u0041\\u0062\"", "$", "Ab"},
      {"\"\\u00e9\"", "$", "\xe9"},  // Mongoose: \u00XX is the byte 0xXX
      {"\"\\u00ff\\u0080\"", "$", "\xff\x80"},
      {"\"\\u0100\"", "$", "\xc4\x80"},  // above 0xFF: UTF-8 (Mongoose fails)
      {"\"\\u20AC\"", "$", "\xe2\x82\xac"},
      {"\"\\ud83d\\ude00\"", "$", "\xf0\x9f\x98\x80"},
      {"\"\\ud83dx\"", "$", "\xef\xbf\xbdx"},  // lone surrogate: U+FFFD
      {"\"\\ude00\"", "$", "\xef\xbf\xbd"},
      {"\"\xc3\xa9t\xc3\xa9\"", "$", "\xc3\xa9t\xc3\xa9"},
      {"{\"a\":[\"x\",\"y\"]}", "$.a[1]", "y"},
      {"{\"a\":1}", "$.a", NULL},
      {"{\"a\":null}", "$.a", NULL},
      {"{\"a\":[\"x\"]}", "$.a", NULL},
      {"{\"a\":\"x\"}", "$.b", NULL},
      {"\"a\\qb\"", "$", NULL},
      {"\"abc", "$", NULL},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    char *s = mg_json_get_str(S(t[i].json), t[i].path);
    char buf[64];
    size_t n = mg_json_unescape(S(t[i].json), t[i].path, buf, sizeof(buf));
    s_checks++;
    if ((t[i].want == NULL) != (s == NULL) || (s != NULL && strcmp(s, t[i].want) != 0)) {
      s_failures++;
      fprintf(stderr, "FAIL str row %d: %s: got [%s]\n", (int) i, t[i].json, s ? s : "(null)");
    }
    s_checks++;
    if (n != (t[i].want ? strlen(t[i].want) : 0) || (t[i].want && strcmp(buf, t[i].want) != 0)) {
      s_failures++;
      fprintf(stderr, "FAIL unescape row %d: %s: got %d\n", (int) i, t[i].json, (int) n);
    }
    free(s);
  }
  {
    // mg_json_unescape: exact fit, one byte short, zero-size buffer.
    char buf[4] = "zzz";
    CHECK(mg_json_unescape(S("\"abc\""), "$", buf, 4) == 3 && strcmp(buf, "abc") == 0);
    CHECK(mg_json_unescape(S("\"abcd\""), "$", buf, 4) == 0 && buf[0] == '\0');
    buf[0] = 'z';
    CHECK(mg_json_unescape(S("\"a\""), "$", buf, 0) == 0 && buf[0] == 'z');
    CHECK(mg_json_unescape(S("\"\\u0000x\""), "$", buf, 4) == 2 && buf[1] == 'x');
  }
  {
    // The whole document's escapes.
    char *s = mg_json_get_str(S(DOC), "$.esc");
    CHECK_STR(s, "q\"b\\s/n\nt\tuA\xe9");
    free(s);
    s = mg_json_get_str(S(DOC), "$.nested.a.b[1].c");
    CHECK_STR(s, "deep");
    free(s);
    s = mg_json_get_str(S(DOC), "$.sp ace");
    CHECK(s == NULL);
    CHECK(mg_json_get_long(S(DOC), "$.sp ace", 0) == 7);
    CHECK(mg_json_get_long(S(DOC), "$.dup", 0) == 1);
  }
}

static void test_hex_b64(void) {
  static const struct {
    const char *json;
    int want_len;  // -1: NULL expected
    const char *want;
  } th[] = {
      {"\"48656c6C6f\"", 5, "Hello"}, {"\"\"", 0, ""},       {"\"00ff\"", 2, "\x00\xff"},
      {"\"abc\"", -1, NULL},          {"\"zz\"", -1, NULL},  {"12", -1, NULL},
      {"\"0g\"", -1, NULL},
  };
  static const struct {
    const char *json;
    int want_len;
    const char *want;
  } tb[] = {
      {"\"SGVsbG8=\"", 5, "Hello"}, {"\"SGVsbG8\"", 5, "Hello"}, {"\"\"", 0, ""},
      {"\"Zm9vYmFy\"", 6, "foobar"}, {"\"Zg==\"", 1, "f"},        {"\"Zg=\"", -1, NULL},
      {"\"@@@@\"", -1, NULL},       {"true", -1, NULL},
  };
  size_t i;
  for (i = 0; i < sizeof(th) / sizeof(th[0]); i++) {
    int len = -7;
    char *p = mg_json_get_hex(S(th[i].json), "$", &len);
    s_checks++;
    // As in Mongoose, a failure leaves len untouched.
    if (th[i].want_len < 0 ? (p != NULL || len != -7)
                           : (p == NULL || len != th[i].want_len ||
                              memcmp(p, th[i].want, (size_t) len) != 0 || p[len] != '\0')) {
      s_failures++;
      fprintf(stderr, "FAIL hex row %d: %s: got %p len %d\n", (int) i, th[i].json, (void *) p, len);
    }
    free(p);
  }
  for (i = 0; i < sizeof(tb) / sizeof(tb[0]); i++) {
    int len = -7;
    char *p = mg_json_get_b64(S(tb[i].json), "$", &len);
    s_checks++;
    if (tb[i].want_len < 0 ? (p != NULL || len != 0)
                           : (p == NULL || len != tb[i].want_len ||
                              memcmp(p, tb[i].want, (size_t) len) != 0 || p[len] != '\0')) {
      s_failures++;
      fprintf(stderr, "FAIL b64 row %d: %s: got %p len %d\n", (int) i, tb[i].json, (void *) p, len);
    }
    free(p);
  }
  {
    char *p = mg_json_get_hex(S(DOC), "$.hex", NULL);  // len may be NULL
    CHECK_STR(p, "Hello");
    free(p);
    p = mg_json_get_b64(S(DOC), "$.b64", NULL);
    CHECK_STR(p, "Hello");
    free(p);
  }
}

static bool same_str(struct mg_str s, const char *want) {
  if (want == NULL) return s.buf == NULL && s.len == 0;
  return s.len == strlen(want) && memcmp(s.buf, want, s.len) == 0;
}

static void test_tok_and_next(void) {
  struct mg_str tok, key, val, obj;
  size_t ofs = 0;
  int n = 0;
  tok = mg_json_get_tok(S(DOC), "$.size");
  CHECK(same_str(tok, "[1,2.5,-3e2]"));
  CHECK(tok.buf == strstr(DOC, "[1,2.5"));
  CHECK(same_str(mg_json_get_tok(S(DOC), "$.name"), "\"box\""));
  CHECK(same_str(mg_json_get_tok(S(DOC), "$.nil"), "null"));
  CHECK(same_str(mg_json_get_tok(S(DOC), "$.missing"), NULL));
  CHECK(same_str(mg_json_get_tok(S("[1,"), "$"), NULL));

  // Array: keys are {NULL, 0}.
  {
    static const char *want[] = {"1", "2.5", "-3e2"};
    while ((ofs = mg_json_next(tok, ofs, &key, &val)) > 0) {
      CHECK(n < 3 && same_str(key, NULL) && same_str(val, want[n]));
      n++;
    }
    CHECK(n == 3);
  }
  // Object: keys keep their quotes; values are raw.
  {
    static const char *want[][2] = {{"\"x\"", "1"}, {"\"y\"", "\"s,}\""}, {"\"z\"", "{\"q\":[1,2]}"}, {"\"w\"", "[]"}};
    obj = S("{ \"x\" : 1 ,\"y\":\"s,}\", \"z\":{\"q\":[1,2]},\"w\":[] }");
    ofs = 0, n = 0;
    while ((ofs = mg_json_next(obj, ofs, &key, &val)) > 0) {
      CHECK(n < 4 && same_str(key, want[n][0]) && same_str(val, want[n][1]));
      n++;
    }
    CHECK(n == 4);
  }
  // Nothing to iterate.
  CHECK(mg_json_next(S("[]"), 0, &key, &val) == 0);
  CHECK(mg_json_next(S("{ }"), 0, &key, &val) == 0);
  CHECK(mg_json_next(S("42"), 0, &key, &val) == 0);
  CHECK(mg_json_next(S("\"[1]\""), 0, &key, &val) == 0);
  CHECK(mg_json_next(S(""), 0, &key, &val) == 0);
  CHECK(mg_json_next(S("[1,2]"), 100, &key, &val) == 0);
  // A broken entry stops the iteration.
  {
    obj = S("[1,x,3]");
    ofs = mg_json_next(obj, 0, NULL, &val);
    CHECK(ofs > 0 && same_str(val, "1"));
    CHECK(mg_json_next(obj, ofs, NULL, &val) == 0);
    obj = S("{\"a\" 1}");
    CHECK(mg_json_next(obj, 0, &key, &val) == 0);
  }
  // Nested iteration over the whole document counts its members.
  {
    ofs = 0, n = 0;
    while ((ofs = mg_json_next(S(DOC), ofs, NULL, NULL)) > 0) n++;
    CHECK(n == 15);
  }
}

// %g prints as Mongoose does (fixed for exponents in (-P, P), so 1e-5 is
// 0.00001; C prints 1e-05); %.17g output reads back to the same double.
static void test_double_round_trip(void) {
  static const struct {
    const char *fmt;
    double v;
    const char *want;
  } t[] = {
      {"%g", 0.0, "0"},           {"%g", 1.0, "1"},          {"%g", 0.5, "0.5"},
      {"%g", 100000.0, "100000"}, {"%g", 1e6, "1e+06"},      {"%g", 1e-5, "0.00001"},
      {"%g", 3.14159265, "3.14159"}, {"%g", -2.5, "-2.5"},   {"%g", 1e100, "1e+100"},
      {"%.3g", 1234.5, "1.23e+03"},  {"%.10g", 0.1, "0.1"},  {"%.17g", 0.1, "0.10000000000000001"},
  };
  static const double vals[] = {0.1, 1.0 / 3, 2.0 / 3, 1e-300, 5e-324, 1.7976931348623157e308,
                                123456789.123456789, -0.000123, 4503599627370497.0, 9007199254740993.0,
                                6.02214076e23, 2.2250738585072014e-308};
  size_t i;
  char buf[64];
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    mg_snprintf(buf, sizeof(buf), t[i].fmt, t[i].v);
    CHECK_STR(buf, t[i].want);
  }
  for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
    double back = 0;
    mg_snprintf(buf, sizeof(buf), "%.17g", vals[i]);
    CHECK(mg_json_get_num(S(buf), "$", &back));
    CHECK(memcmp(&back, &vals[i], sizeof(back)) == 0);
    mg_snprintf(buf, sizeof(buf), "{\"v\":%.17g}", -vals[i]);
    CHECK(mg_json_get_num(S(buf), "$.v", &back) && back == -vals[i]);
  }
}

int main(void) {
  test_get_table();
  test_depth();
  test_truncated();
  test_num();
  test_bool_long();
  test_strings();
  test_hex_b64();
  test_tok_and_next();
  test_double_round_trip();
  return test_summary("test_json");
}
