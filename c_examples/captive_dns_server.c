// Captive-portal DNS server: answers every A question with one address, as
// a hotspot does to send every browser to its login page.
//   ./captive_dns_server [udp://IP:PORT] [ADDRESS]
// Defaults: udp://0.0.0.0:5533 and 1.2.3.4. Try it with
//   dig -t A www.example.com @127.0.0.1 -p 5533
// Questions of other types get an answer with no records. Runs until killed.
#include "mongoose.h"

static uint8_t s_ip[4] = {1, 2, 3, 4};

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_READ) {
    struct mg_dns_rr rr;  // the first question, right after the header
    size_t n = mg_dns_parse_rr(c->recv.buf, c->recv.len, 12, true, &rr);
    if (n > 0 && n + 12 + 16 <= 512) {
      uint8_t buf[512];
      struct mg_dns_header *h = (struct mg_dns_header *) buf;
      bool is_a = rr.atype == MG_DNS_RTYPE_A;
      size_t len = 12 + n;
      memset(buf, 0, sizeof(buf));
      h->txnid = ((struct mg_dns_header *) c->recv.buf)->txnid;
      h->flags = mg_htons(0x8400);  // an authoritative response
      h->num_questions = mg_htons(1);
      h->num_answers = mg_htons(is_a ? 1 : 0);
      memcpy(buf + 12, c->recv.buf + 12, n);  // the question, as asked
      if (is_a) {
        uint8_t answer[] = {0xc0, 12,          // the question's name
                            0, 1, 0, 1,        // type A, class IN
                            0, 0, 0, 120,      // TTL
                            0, 4,              // 4 bytes of data:
                            s_ip[0], s_ip[1], s_ip[2], s_ip[3]};
        memcpy(buf + len, answer, sizeof(answer));
        len += sizeof(answer);
      }
      MG_INFO(("question of type %d answered", rr.atype));
      mg_send(c, buf, len);
    }
    c->recv.len = 0;  // one datagram at a time
  }
  (void) ev_data;
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : "udp://0.0.0.0:5533";
  struct mg_mgr mgr;
  struct mg_connection *c;
  if (argc > 2) {
    struct mg_addr a;
    if (!mg_aton(mg_str(argv[2]), &a) || a.is_ip6) return 2;
    memcpy(s_ip, a.addr.ip, 4);
  }
  mg_mgr_init(&mgr);
  if ((c = mg_listen(&mgr, url, fn, NULL)) == NULL) return 1;
  printf("%d\n", mg_ntohs(c->loc.port));  // the port, for port 0
  fflush(stdout);
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  return 0;
}
