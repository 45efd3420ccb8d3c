// HTTP helpers, table-driven: mg_http_get_header_var, mg_http_var,
// mg_http_get_var, mg_url_decode, mg_url_encode, mg_http_creds and
// mg_http_bauth, including empty, missing, malformed and overflow cases.
#include "test_util.h"

#define NONE ((const char *) 0)  // "not found" / NULL argument in tables

static struct mg_str S(const char *s) {
  struct mg_str r;
  r.buf = (char *) s;
  r.len = s == NULL ? 0 : strlen(s);
  return r;
}

// True when v is the string want, or NULL/empty-not-found when want is NONE.
static bool same(struct mg_str v, const char *want) {
  if (want == NONE) return v.buf == NULL && v.len == 0;
  return v.buf != NULL && v.len == strlen(want) && memcmp(v.buf, want, v.len) == 0;
}

static void report(const char *what, int row, struct mg_str got, const char *want) {
  fprintf(stderr, "FAIL %s row %d: got [%.*s]%s, want [%s]\n", what, row, (int) got.len,
          got.buf ? got.buf : "", got.buf ? "" : " (NULL)", want ? want : "(none)");
}

static void test_header_var(void) {
  static const struct {
    const char *header, *name, *want;
  } t[] = {
      {"a=1; b=2", "a", "1"},
      {"a=1; b=2", "b", "2"},
      {"a=1; b=2", "c", NONE},
      {"a=1;b=2", "b", "2"},
      {"a=1, b=2", "b", "2"},
      {"blah; access_token=hello", "access_token", "hello"},
      {"xid=1; id=2", "id", "2"},  // a whole name first
      // No whole name: Mongoose's rule, the first "name=" anywhere, which
      // Mongoose's device-dashboard relies on for its login cookie.
      {"xid=1", "id", "1"},
      {"secure_access_token=tok123; other=1", "access_token", "tok123"},
      {"secure_access_token=x; access_token=y", "access_token", "y"},
      // The first variable after an auth scheme.
      {"Digest username=\"a\", realm=\"b\"", "username", "a"},
      {"Digest username=\"a\", realm=\"b\"", "realm", "b"},
      {"Digest  nonce=n1,qop=auth", "nonce", "n1"},
      {"ID=1", "id", NONE},  // case-sensitive
      {"form-data; name=\"foo\"; filename=\"a b.txt\"", "name", "foo"},
      {"form-data; name=\"foo\"; filename=\"a b.txt\"", "filename", "a b.txt"},
      {"form-data; name=\"foo\"", "form-data", NONE},
      {"multipart/form-data; boundary=----xyz", "boundary", "----xyz"},
      {"a=\"x; b=1\"; b=2", "b", "2"},  // separators inside quotes
      {"a=\"\"", "a", ""},
      {"a=", "a", ""},
      {"a=; b=2", "a", ""},
      {"a = 1", "a", "1"},
      {"a=\"open", "a", "open"},
      {"a=1 junk; b=2", "b", "2"},
      {"", "a", NONE},
      {"a=1", "", NONE},
      {NONE, "a", NONE},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    struct mg_str v = mg_http_get_header_var(S(t[i].header), S(t[i].name));
    s_checks++;
    if (!same(v, t[i].want)) s_failures++, report("header_var", (int) i, v, t[i].want);
  }
  {
    // The result points into the header.
    const char *h = "k=v";
    struct mg_str v = mg_http_get_header_var(S(h), S("k"));
    CHECK(v.buf == h + 2 && v.len == 1);
  }
}

static void test_http_var(void) {
  static const struct {
    const char *buf, *name, *want;
  } t[] = {
      {"a=1&b=2", "a", "1"},       {"a=1&b=2", "b", "2"},
      {"a=1&b=2", "B", "2"},       {"a=1&b=2", "c", NONE},
      {"ab=1&b=2", "b", "2"},      {"ab=1", "b", NONE},
      {"a=x%20y+z", "a", "x%20y+z"}, {"a=&b=2", "a", ""},
      {"a&b=2", "a", NONE},        {"&&&a=1", "a", "1"},
      {"a=1=2", "a", "1=2"},       {"", "a", NONE},
      {"a=1", "", NONE},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    struct mg_str v = mg_http_var(S(t[i].buf), S(t[i].name));
    s_checks++;
    if (!same(v, t[i].want)) s_failures++, report("http_var", (int) i, v, t[i].want);
  }
}

static void test_get_var(void) {
#define q "key1=value1&key2=value2&key3=value%203&key4=value+4"
  static const struct {
    const char *buf, *name;
    int dst_len;  // -1: dst is NULL
    int rc;
    const char *want;
  } t[] = {
      {q, "key1", 64, 6, "value1"},
      {q, "KEY1", 64, 6, "value1"},
      {q, "key3", 64, 7, "value 3"},
      {q, "key4", 64, 7, "value 4"},  // form encoding: '+' is a space
      {q, "key", 64, -4, ""},
      {q, "inexistent", 64, -4, ""},
      {q, "key1", 7, 6, "value1"},  // exactly fits with its NUL
      {q, "key1", 6, -3, ""},       // one byte short
      {q, "key1", 1, -3, ""},
      {q, "key1", 0, -2, NONE},
      {q, "key1", -1, -2, NONE},
      {q, NONE, 64, -1, ""},
      {"", "key1", 64, -1, ""},
      {"key=broken%2", "key", 64, -3, ""},
      {"key=broken%2x", "key", 64, -3, ""},
      {"key=%", "key", 64, -3, ""},
      {"key=%zz", "key", 64, -3, ""},
      {"&&&kEy=%", "kEy", 64, -3, ""},
      {"k=%41%42%43", "k", 64, 3, "ABC"},
      {"k=", "k", 64, 0, ""},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    char dst[64];
    struct mg_str buf = S(t[i].buf);
    int rc;
    memset(dst, 'x', sizeof(dst));
    rc = mg_http_get_var(&buf, t[i].name, t[i].dst_len < 0 ? NULL : dst,
                         t[i].dst_len < 0 ? 0 : (size_t) t[i].dst_len);
    s_checks++;
    if (rc != t[i].rc || (t[i].want != NONE && strcmp(dst, t[i].want) != 0)) {
      s_failures++;
      fprintf(stderr, "FAIL get_var row %d: rc %d want %d, dst [%.8s]\n", (int) i, rc, t[i].rc,
              dst);
    }
  }
  {
    char dst[8];
    CHECK(mg_http_get_var(NULL, "a", dst, sizeof(dst)) == -1);
  }
#undef q
}

static void test_url_decode(void) {
  static const struct {
    const char *src;
    int n;  // -1: strlen(src)
    int dst_len, form, rc;
    const char *want;
  } t[] = {
      {"foo", -1, 3, 0, -1, ""},  // no room for the NUL
      {"foo", -1, 4, 0, 3, "foo"},
      {"a+", -1, 10, 0, 2, "a+"},
      {"a+", -1, 10, 1, 2, "a "},
      {"a%20b", -1, 10, 0, 3, "a b"},
      {"%2B", -1, 10, 1, 1, "+"},  // an encoded '+' stays '+'
      {"%41%62", -1, 10, 0, 2, "Ab"},
      {"a=%", -1, 10, 0, -1, ""},  // '%' at the end
      {"a=%1", -1, 10, 0, -1, ""},
      {"%zz", -1, 10, 0, -1, ""},
      {"%g0", -1, 10, 0, -1, ""},
      {"%61", 1, 10, 0, -1, ""},  // cut inside the escape
      {"%61", 3, 10, 0, 1, "a"},
      {"a=%123", -1, 10, 0, 4, "a=\x12" "3"},
      {"", -1, 10, 0, 0, ""},
      {"", -1, 1, 0, 0, ""},
      {"a", -1, 0, 0, -1, NONE},
      {"abc", 2, 10, 0, 2, "ab"},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    char dst[16];
    size_t n = t[i].n < 0 ? strlen(t[i].src) : (size_t) t[i].n;
    int rc;
    memset(dst, 'x', sizeof(dst));
    rc = mg_url_decode(t[i].src, n, dst, (size_t) t[i].dst_len, t[i].form);
    s_checks++;
    if (rc != t[i].rc || (t[i].want != NONE && strcmp(dst, t[i].want) != 0)) {
      s_failures++;
      fprintf(stderr, "FAIL url_decode row %d: rc %d want %d\n", (int) i, rc, t[i].rc);
    }
  }
  {
    // A NUL byte decodes like any other; the length tells where it ends.
    char dst[8];
    CHECK(mg_url_decode("a%00b", 5, dst, sizeof(dst), 0) == 3);
    CHECK(memcmp(dst, "a\0b\0", 4) == 0);
    CHECK(mg_url_decode(NULL, 0, dst, sizeof(dst), 0) == 0 && dst[0] == '\0');
    CHECK(mg_url_decode("a", 1, NULL, 5, 0) == -1);
  }
}

static void test_url_encode(void) {
  static const struct {
    const char *src;
    size_t len;
    size_t rc;
    const char *want;
  } t[] = {
      {"", 16, 0, ""},
      {"a", 0, 0, NONE},
      {"a", 1, 0, ""},  // no room for the NUL
      {"a", 2, 1, "a"},
      {"._-~", 16, 4, "._-~"},
      {"a@%>", 16, 10, "a%40%25%3e"},
      {"a@%>", 11, 10, "a%40%25%3e"},  // exactly fits
      {"a@%>", 10, 0, ""},
      {"a@b.c", 16, 7, "a%40b.c"},
      {"a b+c/d", 32, 13, "a%20b%2bc%2fd"},
      {"\xff\x01", 16, 6, "%ff%01"},
      {"AZaz09", 16, 6, "AZaz09"},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    char buf[32];
    size_t rc;
    memset(buf, 'x', sizeof(buf));
    rc = mg_url_encode(t[i].src, strlen(t[i].src), buf, t[i].len);
    s_checks++;
    if (rc != t[i].rc || (t[i].want != NONE && strcmp(buf, t[i].want) != 0)) {
      s_failures++;
      fprintf(stderr, "FAIL url_encode row %d: rc %d want %d\n", (int) i, (int) rc,
              (int) t[i].rc);
    }
  }
  {
    // Round trip of every byte value.
    char raw[256], enc[800], dec[257];
    int k;
    for (k = 0; k < 256; k++) raw[k] = (char) k;
    CHECK(mg_url_encode(raw, sizeof(raw), enc, sizeof(enc)) > 0);
    CHECK(mg_url_decode(enc, strlen(enc), dec, sizeof(dec), 0) == 256);
    CHECK(memcmp(raw, dec, 256) == 0);
  }
}

static void test_creds(void) {
  static const struct {
    const char *req;
    size_t ulen, plen;
    const char *user, *pass;
  } t[] = {
      {"GET /creds?access_token=x HTTP/1.0\r\n\r\n", 16, 16, "", "x"},
      {"GET /creds HTTP/1.0\r\nAuthorization: Bearer x\r\n\r\n", 16, 16, "", "x"},
      {"GET /creds HTTP/1.0\r\nAuthorization: Basic Zm9vOmJhcg==\r\n\r\n", 16, 16, "foo",
       "bar"},
      {"GET /creds HTTP/1.0\r\nCookie: blah; access_token=hello\r\n\r\n", 16, 16, "", "hello"},
      {"GET / HTTP/1.1\r\nauthorization: basic Zm9vOmJhcg==\r\n\r\n", 16, 16, "foo", "bar"},
      // "a:b:c": the user ends at the first colon.
      {"GET / HTTP/1.1\r\nAuthorization: Basic YTpiOmM=\r\n\r\n", 16, 16, "a", "b:c"},
      // ":" alone: both empty.
      {"GET / HTTP/1.1\r\nAuthorization: Basic Og==\r\n\r\n", 16, 16, "", ""},
      // No colon, or not base64: nothing.
      {"GET / HTTP/1.1\r\nAuthorization: Basic Zm9v\r\n\r\n", 16, 16, "", ""},
      {"GET / HTTP/1.1\r\nAuthorization: Basic !!!!\r\n\r\n", 16, 16, "", ""},
      // Basic wins over a cookie and a query token.
      {"GET /?access_token=q HTTP/1.1\r\nCookie: access_token=c\r\n"
       "Authorization: Basic Zm9vOmJhcg==\r\n\r\n",
       16, 16, "foo", "bar"},
      // Cookie before query; an unknown scheme falls through to them.
      {"GET /?access_token=q HTTP/1.1\r\nCookie: access_token=c\r\n\r\n", 16, 16, "", "c"},
      {"GET /?access_token=q HTTP/1.1\r\nAuthorization: Digest x\r\n\r\n", 16, 16, "", "q"},
      {"GET /?a=1&access_token=a%20b HTTP/1.1\r\n\r\n", 16, 16, "", "a b"},
      {"GET / HTTP/1.1\r\nCookie: other=1\r\n\r\n", 16, 16, "", ""},
      {"GET / HTTP/1.1\r\n\r\n", 16, 16, "", ""},
      // Too long for the buffers: empty, never truncated.
      {"GET / HTTP/1.1\r\nAuthorization: Bearer 0123456789\r\n\r\n", 16, 10, "", ""},
      {"GET / HTTP/1.1\r\nAuthorization: Bearer 012345678\r\n\r\n", 16, 10, "", "012345678"},
      {"GET / HTTP/1.1\r\nAuthorization: Basic Zm9vOmJhcg==\r\n\r\n", 3, 16, "", "bar"},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    struct mg_http_message hm;
    char user[16], pass[16];
    memset(user, 'x', sizeof(user));
    memset(pass, 'x', sizeof(pass));
    s_checks++;
    if (mg_http_parse(t[i].req, strlen(t[i].req), &hm) <= 0) {
      s_failures++;
      fprintf(stderr, "FAIL creds row %d: request does not parse\n", (int) i);
      continue;
    }
    mg_http_creds(&hm, user, t[i].ulen, pass, t[i].plen);
    s_checks++;
    if (strcmp(user, t[i].user) != 0 || strcmp(pass, t[i].pass) != 0) {
      s_failures++;
      fprintf(stderr, "FAIL creds row %d: [%.16s]:[%.16s], want [%s]:[%s]\n", (int) i, user,
              pass, t[i].user, t[i].pass);
    }
  }
  {
    char user[4] = "xyz", pass[4] = "xyz";
    mg_http_creds(NULL, user, sizeof(user), pass, sizeof(pass));  // logged
    CHECK(user[0] == '\0' && pass[0] == '\0');
  }
}

static void test_bauth(void) {
  static const struct {
    const char *user, *pass, *want;
  } t[] = {
      {"foo", "bar", "Authorization: Basic Zm9vOmJhcg==\r\n"},
      {"foo", NONE, "Authorization: Basic Zm9vOg==\r\n"},
      {"", "", "Authorization: Basic Og==\r\n"},
      {"Aladdin", "open sesame", "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"},
      {"u", "p:q", "Authorization: Basic dTpwOnE=\r\n"},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    struct mg_connection c;
    memset(&c, 0, sizeof(c));
    mg_http_bauth(&c, t[i].user, t[i].pass);
    s_checks++;
    if (c.send.len != strlen(t[i].want) || memcmp(c.send.buf, t[i].want, c.send.len) != 0) {
      s_failures++;
      fprintf(stderr, "FAIL bauth row %d: [%.*s]\n", (int) i, (int) c.send.len,
              (char *) c.send.buf);
    }
    free(c.send.buf);
  }
  {
    // Between a request line and the blank line, as a client writes it.
    struct mg_connection c;
    const char *want = "GET /\r\nAuthorization: Basic Zm9vOmJhcg==\r\n\r\n";
    memset(&c, 0, sizeof(c));
    mg_printf(&c, "%s", "GET /\r\n");
    mg_http_bauth(&c, "foo", "bar");
    mg_printf(&c, "%s", "\r\n");
    CHECK(c.send.len == strlen(want) && memcmp(c.send.buf, want, c.send.len) == 0);
    // A long credential (base64 of 3000 bytes) is written whole.
    {
      char user[3001];
      memset(user, 'u', 3000);
      user[3000] = '\0';
      c.send.len = 0;
      mg_http_bauth(&c, user, "");
      CHECK(c.send.len == strlen("Authorization: Basic \r\n") + 4 * ((3001 + 2) / 3));
    }
    free(c.send.buf);
    mg_http_bauth(NULL, "a", "b");  // logged, no crash
    memset(&c, 0, sizeof(c));
    mg_http_bauth(&c, NULL, "b");  // logged, nothing written
    CHECK(c.send.len == 0);
  }
}

int main(void) {
  mg_log_set(MG_LL_NONE);  // the NULL-argument cases log errors on purpose
  test_header_var();
  test_http_var();
  test_get_var();
  test_url_decode();
  test_url_encode();
  test_creds();
  test_bauth();
  return test_summary("test_http_util");
}
