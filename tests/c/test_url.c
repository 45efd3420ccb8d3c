// URLs (every mg_url_* function over one table) and mg_aton.
#include "test_util.h"

static bool eq(struct mg_str s, const char *want) {
  return s.len == strlen(want) && (s.len == 0 || memcmp(s.buf, want, s.len) == 0);
}

// True if s lies within the string url (or is empty).
static bool inside(struct mg_str s, const char *url) {
  return s.len == 0 || (s.buf >= url && s.buf + s.len <= url + strlen(url));
}

struct url_case {
  const char *url, *host;
  unsigned short port;
  bool ssl;
  const char *user, *pass, *uri;
};

static const struct url_case s_urls[] = {
    {"foo", "foo", 0, false, "", "", "/"},
    {"//foo", "foo", 0, false, "", "", "/"},
    {"foo:1234", "foo", 1234, false, "", "", "/"},
    {":1234", "", 1234, false, "", "", "/"},
    {"//foo:1234", "foo", 1234, false, "", "", "/"},
    {"p://foo", "foo", 0, false, "", "", "/"},
    {"p://foo/", "foo", 0, false, "", "", "/"},
    {"p://foo/x//", "foo", 0, false, "", "", "/x//"},
    {"p://foo///x", "foo", 0, false, "", "", "///x"},
    {"p://foo/x:y/z", "foo", 0, false, "", "", "/x:y/z"},
    {"x://foo:1234/xx", "foo", 1234, false, "", "", "/xx"},
    {"p://bar:1234/a:b", "bar", 1234, false, "", "", "/a:b"},
    {"http://bar", "bar", 80, false, "", "", "/"},
    {"http://localhost:1234", "localhost", 1234, false, "", "", "/"},
    {"https://bar", "bar", 443, true, "", "", "/"},
    {"ws://bar/chat", "bar", 80, false, "", "", "/chat"},
    {"wss://bar", "bar", 443, true, "", "", "/"},
    {"wss://u:p@bar", "bar", 443, true, "u", "p", "/"},
    {"wss://u:p@bar:123/abc", "bar", 123, true, "u", "p", "/abc"},
    {"mqtt://broker.hivemq.com", "broker.hivemq.com", 1883, false, "", "", "/"},
    {"mqtts://b.example:8884", "b.example", 8884, true, "", "", "/"},
    {"mqtts://b.example", "b.example", 8883, true, "", "", "/"},
    {"ssl://h:1", "h", 1, true, "", "", "/"},
    {"tls://h:2", "h", 2, true, "", "", "/"},
    {"tcps://h:3", "h", 3, true, "", "", "/"},
    {"tcp://0.0.0.0:8000", "0.0.0.0", 8000, false, "", "", "/"},
    {"udp://8.8.8.8:53", "8.8.8.8", 53, false, "", "", "/"},
    {"tcp://:8000", "", 8000, false, "", "", "/"},
    {"http://u:p@[::1]/abc", "[::1]", 80, false, "u", "p", "/abc"},
    {"http://u:p@[::1]:2121/abc/cd:ef", "[::1]", 2121, false, "u", "p",
     "/abc/cd:ef"},
    {"p://u:p@[1:2::3]:1234/a", "[1:2::3]", 1234, false, "u", "p", "/a"},
    {"https://[2001:db8::1]", "[2001:db8::1]", 443, true, "", "", "/"},
    {"p://[ab::1]:12/a/b/c", "[ab::1]", 12, false, "", "", "/a/b/c"},
    {"p://:@foo", "foo", 0, false, "", "", "/"},
    {"p://u@foo", "foo", 0, false, "u", "", "/"},
    {"p://u:@foo", "foo", 0, false, "u", "", "/"},
    {"p://:p@foo", "foo", 0, false, "", "p", "/"},
    {"p://u:p@foo//a@b", "foo", 0, false, "u", "p", "//a@b"},
    {"p://foo/q?mail=a@b.c", "foo", 0, false, "", "", "/q?mail=a@b.c"},
    {"http://h/path?x=1&y=2", "h", 80, false, "", "", "/path?x=1&y=2"},
    {"http://h:8080?x=1", "h", 8080, false, "", "", "/"},
    {"http://admin:s3cret@10.0.0.1:8080/api/v1?q=1", "10.0.0.1", 8080, false,
     "admin", "s3cret", "/api/v1?q=1"},
    {"HTTPS://Example.COM", "Example.COM", 443, true, "", "", "/"},
    {"http://h:99999", "h", 0, false, "", "", "/"},
    {"", "", 0, false, "", "", "/"},
};

static void test_urls(void) {
  size_t i;
  for (i = 0; i < sizeof(s_urls) / sizeof(s_urls[0]); i++) {
    const struct url_case *t = &s_urls[i];
    struct mg_str host = mg_url_host(t->url), user = mg_url_user(t->url),
                  pass = mg_url_pass(t->url);
    const char *uri = mg_url_uri(t->url);
    unsigned short port = mg_url_port(t->url);
    bool ssl = mg_url_is_ssl(t->url);
    bool ok = eq(host, t->host) && eq(user, t->user) && eq(pass, t->pass) &&
              strcmp(uri, t->uri) == 0 && port == t->port && ssl == t->ssl;
    if (!ok) {
      fprintf(stderr,
              "%s: host [%.*s] user [%.*s] pass [%.*s] uri [%s] port %hu "
              "ssl %d\n",
              t->url, (int) host.len, host.buf, (int) user.len, user.buf,
              (int) pass.len, pass.buf, uri, port, ssl);
    }
    CHECK(eq(host, t->host));
    CHECK(eq(user, t->user));
    CHECK(eq(pass, t->pass));
    CHECK(strcmp(uri, t->uri) == 0);
    CHECK(port == t->port);
    CHECK(ssl == t->ssl);
    // Results point into the URL itself.
    CHECK(inside(host, t->url) && inside(user, t->url) && inside(pass, t->url));
    if (strcmp(t->uri, "/") != 0) {
      CHECK(uri >= t->url && uri < t->url + strlen(t->url));
    }
  }
}

struct aton_case {
  const char *str;
  bool ok, ip6;
  uint8_t ip[16];
  uint8_t scope;
};

static const struct aton_case s_aton[] = {
    {"127.0.0.1", true, false, {127, 0, 0, 1}, 0},
    {"0.0.0.0", true, false, {0}, 0},
    {"255.255.255.255", true, false, {255, 255, 255, 255}, 0},
    {"10.1.2.3", true, false, {10, 1, 2, 3}, 0},
    {"localhost", true, false, {127, 0, 0, 1}, 0},
    {"LOCALHOST", true, false, {127, 0, 0, 1}, 0},
    {"", true, false, {0}, 0},
    {"1:2:3:4:5:6:7:8", true, true, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}, 0},
    {"1:2::3", true, true, {0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}, 0},
    {"1::1", true, true, {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0},
    {"::1", true, true, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0},
    {"[::1]", true, true, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0},
    {"1::", true, true, {0, 1}, 0},
    {"::", true, true, {0}, 0},
    {"::fFff:1.2.3.4", true, true, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}, 0},
    {"2001:4860:4860::8888", true, true,
     {0x20, 1, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88}, 0},
    {"::1%1", true, true, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 1},
    {"::1%255", true, true, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 255},
    {"abcd::aabb:ccdd%17", true, true,
     {0xab, 0xcd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd}, 17},
    {"[fe80::1%3]", true, true, {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 3},
    {"0", false, false, {0}, 0},
    {"0.0.0.", false, false, {0}, 0},
    {"0.0.0.256", false, false, {0}, 0},
    {"0.0.0.-1", false, false, {0}, 0},
    {"1.2.3", false, false, {0}, 0},
    {"1.2.3.4.5", false, false, {0}, 0},
    {"1..2.3", false, false, {0}, 0},
    {"1.2.3.4 ", false, false, {0}, 0},
    {"example.com", false, false, {0}, 0},
    {"localhost2", false, false, {0}, 0},
    {"1:2:3:4:5:6:7:8:9", false, false, {0}, 0},
    {"1::2::3", false, false, {0}, 0},
    {"12345::1", false, false, {0}, 0},
    {"[::1", false, false, {0}, 0},
    {"::1%256", false, false, {0}, 0},
    {"::1%", false, false, {0}, 0},
    {"1.2.3.4:80", false, false, {0}, 0},
};

static void test_aton(void) {
  size_t i;
  for (i = 0; i < sizeof(s_aton) / sizeof(s_aton[0]); i++) {
    const struct aton_case *t = &s_aton[i];
    struct mg_addr a, before;
    bool ok;
    memset(&a, 0xa5, sizeof(a));
    a.port = mg_htons(4321);
    before = a;
    ok = mg_aton(mg_str(t->str), &a);
    if (ok != t->ok) fprintf(stderr, "mg_aton(\"%s\") = %d\n", t->str, ok);
    CHECK(ok == t->ok);
    CHECK(a.port == mg_htons(4321));  // the port is never touched
    if (!t->ok) {
      CHECK(memcmp(&a, &before, sizeof(a)) == 0);
      continue;
    }
    CHECK(a.is_ip6 == t->ip6);
    CHECK(memcmp(a.addr.ip, t->ip, t->ip6 ? 16 : 4) == 0);
    CHECK(a.scope_id == t->scope);
  }
  {
    struct mg_addr a;
    CHECK(mg_aton(mg_str("127.0.0.1"), &a));
    CHECK(a.addr.ip4 == MG_IPV4(127, 0, 0, 1));
    CHECK(mg_ntohl(a.addr.ip4) == 0x7f000001);
    // Only len bytes are parsed.
    CHECK(mg_aton(mg_str_n("10.0.0.1xyz", 8), &a));
    CHECK(a.addr.ip4 == MG_IPV4(10, 0, 0, 1));
  }
  {
    // mg_url_host() keeps an IPv6 literal's brackets; mg_aton() takes the
    // host with or without them.
    struct mg_addr a, b;
    struct mg_str h = mg_url_host("ws://[::1]:9000/x");
    CHECK(h.len == 5 && memcmp(h.buf, "[::1]", 5) == 0);
    CHECK(mg_aton(h, &a) && a.is_ip6 && a.addr.ip[15] == 1);
    CHECK(mg_aton(mg_str_n(h.buf + 1, h.len - 2), &b) && b.is_ip6);
    CHECK(memcmp(a.addr.ip, b.addr.ip, 16) == 0);
  }
}

int main(void) {
  test_urls();
  test_aton();
  return test_summary("test_url");
}
