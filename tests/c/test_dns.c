// DNS messages and the resolver, from C: mg_dns_parse(), mg_dns_parse_rr()
// on messages built here (good, hostile and broken), a captive-portal style
// DNS server of our own (a UDP listener answering with mg_dns_parse_rr() and
// mg_send()) serving the resolver of the same manager, and the boot
// timestamp behind mg_now().
#include "test_util.h"

// Appends a 16-bit big-endian value.
static size_t put16(uint8_t *p, size_t n, uint16_t v) {
  p[n] = (uint8_t) (v >> 8), p[n + 1] = (uint8_t) v;
  return n + 2;
}

// A message: header, then the question "www.example.com" of type qtype.
static size_t header_and_question(uint8_t *p, uint16_t id, uint16_t flags,
                                  uint16_t an, uint16_t qtype) {
  static const uint8_t name[] = "\3www\7example\3com";  // + final zero
  size_t n = 0;
  n = put16(p, n, id), n = put16(p, n, flags), n = put16(p, n, 1);
  n = put16(p, n, an), n = put16(p, n, 0), n = put16(p, n, 0);
  memcpy(p + n, name, sizeof(name)), n += sizeof(name);
  n = put16(p, n, qtype), n = put16(p, n, 1);
  return n;
}

// An answer record for the question's name (a pointer to offset 12).
static size_t answer(uint8_t *p, size_t n, uint16_t type, const void *data,
                     uint16_t len) {
  n = put16(p, n, 0xc00c), n = put16(p, n, type), n = put16(p, n, 1);
  n = put16(p, n, 0), n = put16(p, n, 60), n = put16(p, n, len);
  memcpy(p + n, data, len);
  return n + len;
}

static void test_parse(void) {
  uint8_t m[600];
  struct mg_dns_message dm;
  struct mg_dns_rr rr;
  static const uint8_t ip4[4] = {192, 0, 2, 7};
  static const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
  size_t n, q;

  // A response with one A answer.
  q = header_and_question(m, 0x1234, 0x8180, 1, MG_DNS_RTYPE_A);
  n = answer(m, q, MG_DNS_RTYPE_A, ip4, 4);
  CHECK(mg_dns_parse(m, n, &dm));
  CHECK(dm.txnid == 0x1234);
  CHECK(dm.resolved && !dm.addr.is_ip6);
  CHECK(memcmp(dm.addr.addr.ip, ip4, 4) == 0);
  CHECK_STR(dm.name, "www.example.com");

  // Records: a question takes name + 4 bytes, an answer name + 10 + data.
  CHECK(mg_dns_parse_rr(m, n, 12, true, &rr) == 21);
  CHECK(rr.nlen == 17 && rr.atype == MG_DNS_RTYPE_A && rr.aclass == 1);
  CHECK(mg_dns_parse_rr(m, n, q, false, &rr) == 16);
  CHECK(rr.nlen == 2 && rr.atype == 1 && rr.aclass == 1 && rr.alen == 4);
  CHECK(mg_dns_parse_rr(m, n - 1, q, false, &rr) == 0);  // data cut short
  CHECK(mg_dns_parse_rr(m, n, n, false, &rr) == 0);      // past the end
  CHECK(mg_dns_parse_rr(m, 11, 0, true, &rr) == 0);      // no header
  CHECK(mg_dns_parse_rr(m, 513, 12, true, &rr) == 0);    // over 512 bytes

  // AAAA.
  q = header_and_question(m, 7, 0x8180, 1, MG_DNS_RTYPE_AAAA);
  n = answer(m, q, MG_DNS_RTYPE_AAAA, ip6, 16);
  CHECK(mg_dns_parse(m, n, &dm) && dm.resolved && dm.addr.is_ip6);
  CHECK(memcmp(dm.addr.addr.ip, ip6, 16) == 0);

  // A query: the name, no address.
  q = header_and_question(m, 9, 0x0100, 0, MG_DNS_RTYPE_A);
  CHECK(mg_dns_parse(m, q, &dm) && !dm.resolved && dm.txnid == 9);
  CHECK_STR(dm.name, "www.example.com");

  // NXDOMAIN / no answer: parses, not resolved.
  q = header_and_question(m, 9, 0x8183, 0, MG_DNS_RTYPE_A);
  CHECK(mg_dns_parse(m, q, &dm) && !dm.resolved);

  // Broken messages fail cleanly.
  CHECK(!mg_dns_parse(m, 11, &dm));
  q = header_and_question(m, 1, 0x8180, 1, MG_DNS_RTYPE_A);
  n = answer(m, q, MG_DNS_RTYPE_A, ip4, 4);
  CHECK(!mg_dns_parse(m, n - 2, &dm));  // truncated answer
  m[5] = 2;                             // two questions
  CHECK(!mg_dns_parse(m, n, &dm));
  m[5] = 1, m[7] = 60;  // 60 answers, one present: the first one counts
  CHECK(mg_dns_parse(m, n, &dm) && dm.resolved);
  m[7] = 60;
  q = header_and_question(m, 1, 0x8180, 60, MG_DNS_RTYPE_TXT);
  n = answer(m, q, MG_DNS_RTYPE_TXT, "\3abc", 4);  // no address, then the end
  CHECK(!mg_dns_parse(m, n, &dm));
  // An answer whose name points at itself: a compression loop.
  q = header_and_question(m, 1, 0x8180, 1, MG_DNS_RTYPE_A);
  n = answer(m, q, MG_DNS_RTYPE_A, ip4, 4);
  m[q] = (uint8_t) (0xc0 | (q >> 8)), m[q + 1] = (uint8_t) q;
  CHECK(!mg_dns_parse(m, n, &dm));
  CHECK(mg_dns_parse_rr(m, n, q, false, &rr) == 0);
  // Two labels pointing at each other.
  m[12] = 0xc0, m[13] = 14, m[14] = 0xc0, m[15] = 12;
  CHECK(!mg_dns_parse(m, n, &dm));
  // A message of more than 512 bytes.
  memset(m, 0, sizeof(m));
  q = header_and_question(m, 1, 0x8180, 1, MG_DNS_RTYPE_A);
  CHECK(!mg_dns_parse(m, 513, &dm));

  // NULL arguments: an error return, no crash.
  CHECK(!mg_dns_parse(NULL, 20, &dm));
  CHECK(!mg_dns_parse(m, q, NULL));
  CHECK(mg_dns_parse_rr(NULL, 20, 12, true, &rr) == 0);
  CHECK(mg_dns_parse_rr(m, q, 12, true, NULL) == 0);
}

// The captive-portal server: every A question is answered with 127.0.0.99,
// except names starting with "nx", which get NXDOMAIN.
static int s_questions;
static void captive_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_READ) {
    struct mg_dns_rr rr;
    size_t n = mg_dns_parse_rr(c->recv.buf, c->recv.len, 12, true, &rr);
    if (n > 0) {
      uint8_t buf[512];
      static const uint8_t ip[4] = {127, 0, 0, 99};
      struct mg_dns_header *h = (struct mg_dns_header *) buf;
      bool nx = c->recv.buf[13] == 'n' && c->recv.buf[14] == 'x';
      s_questions++;
      memset(buf, 0, sizeof(buf));
      h->txnid = ((struct mg_dns_header *) c->recv.buf)->txnid;
      h->num_questions = mg_htons(1);
      h->num_answers = mg_htons(nx ? 0 : 1);
      h->flags = mg_htons(nx ? 0x8403 : 0x8400);
      memcpy(buf + 12, c->recv.buf + 12, n);
      n = nx ? 12 + n : answer(buf, 12 + n, MG_DNS_RTYPE_A, ip, 4);
      mg_send(c, buf, n);
    }
    c->recv.len = 0;
  }
  (void) ev_data;
}

struct client {
  int resolved;
  char error[100];
  struct mg_addr rem;
};

static void client_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct client *cl = (struct client *) c->fn_data;
  if (ev == MG_EV_RESOLVE) {
    cl->resolved++;
    cl->rem = c->rem;
    c->is_closing = 1;
  } else if (ev == MG_EV_ERROR) {
    mg_snprintf(cl->error, sizeof(cl->error), "%s", (char *) ev_data);
  }
}

static void test_captive_server_and_resolver(void) {
  struct mg_mgr mgr;
  struct mg_connection *srv;
  struct client a = {0, "", {{{0}}, 0, 0, 0}}, b = a, nx = a, lit = a;
  char url[64];
  int i;
  mg_mgr_init(&mgr);
  srv = mg_listen(&mgr, "udp://127.0.0.1:0", captive_fn, NULL);
  CHECK(srv != NULL);
  if (srv == NULL) return;
  mg_snprintf(url, sizeof(url), "udp://127.0.0.1:%d", mg_ntohs(srv->loc.port));
  mgr.dns4.url = url;
  // Two connections to one name share one question.
  mg_connect(&mgr, "udp://portal.test:1234", client_fn, &a);
  mg_connect(&mgr, "udp://PORTAL.test:1234", client_fn, &b);
  mg_connect(&mgr, "udp://nxhost.test:1234", client_fn, &nx);
  // An IP literal resolves inside mg_connect, asking nobody.
  mg_connect(&mgr, "udp://127.0.0.5:1234", client_fn, &lit);
  CHECK(lit.resolved == 1);
  CHECK(a.resolved == 0);  // a name: not inside mg_connect
  for (i = 0; i < 50 && (a.resolved == 0 || nx.error[0] == '\0'); i++) {
    mg_mgr_poll(&mgr, 20);
  }
  CHECK(a.resolved == 1 && b.resolved == 1);
  CHECK(a.rem.addr.ip[0] == 127 && a.rem.addr.ip[3] == 99);
  CHECK(mg_ntohs(a.rem.port) == 1234);
  CHECK_STR(nx.error, "nxhost.test DNS lookup failed");
  CHECK(nx.resolved == 0);
  CHECK(s_questions == 2);

  // mg_resolve() on a connection of the program's own making, and
  // mg_resolve_cancel() on another: it hears nothing more.
  {
    struct client r = {0, "", {{{0}}, 0, 0, 0}}, x = r;
    struct mg_connection *c1 = mg_alloc_conn(&mgr), *c2 = mg_alloc_conn(&mgr);
    c1->fn = client_fn, c1->fn_data = &r, c1->is_udp = 1;
    c2->fn = client_fn, c2->fn_data = &x, c2->is_udp = 1;
    mg_resolve(c1, "udp://other.test:77");
    mg_resolve(c2, "udp://third.test:78");
    CHECK(c1->is_resolving && c2->is_resolving);
    mg_resolve_cancel(c2);
    CHECK(!c2->is_resolving);
    for (i = 0; i < 50 && r.resolved == 0; i++) mg_mgr_poll(&mgr, 20);
    for (i = 0; i < 5; i++) mg_mgr_poll(&mgr, 10);
    CHECK(r.resolved == 1 && r.rem.addr.ip[3] == 99);
    CHECK(mg_ntohs(r.rem.port) == 77);
    CHECK(x.resolved == 0 && x.error[0] == '\0');
    c2->is_closing = 1;
    mg_resolve(NULL, "udp://x.test:1");     // logged, no crash
    mg_resolve_cancel(NULL);                // likewise
  }
  mg_mgr_free(&mgr);
}

static void test_boot_timestamp(void) {
  uint64_t wall = (uint64_t) time(NULL) * 1000;
  CHECK(mg_boot_timestamp_ms == 0);
  CHECK(mg_now() + 2000 > wall && mg_now() < wall + 2000);  // system clock
  mg_boot_timestamp_ms = 1000000;  // as if SNTP said so
  CHECK(mg_now() - mg_millis() == 1000000);
  mg_boot_timestamp_ms = 0;
}

int main(void) {
  test_parse();
  test_captive_server_and_resolver();
  test_boot_timestamp();
  return test_summary("test_dns");
}
