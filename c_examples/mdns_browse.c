// mDNS / DNS-SD browser: asks the local network for the instances of a
// service type (a PTR question, mg_mdns_query) and prints every answer heard
// (MG_EV_MDNS_RESP): instance or host name, service, port, TXT, address.
//   ./mdns_browse [TYPE] [SECONDS]
// TYPE defaults to "_http._tcp.local", SECONDS to 3. The question is asked
// again every second.
#include "mongoose.h"

static const char *s_type = "_http._tcp.local";

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_MDNS_RESP) {
    struct mg_mdns_resp *r = (struct mg_mdns_resp *) ev_data;
    char addr[64], txt[256];
    size_t i, n = r->sd.txt.len < sizeof(txt) - 1 ? r->sd.txt.len : sizeof(txt) - 1;
    // TXT data is length-prefixed strings: show them as "|a=b|c=d".
    for (i = 0; i < n; i++) {
      char ch = r->sd.txt.buf[i];
      txt[i] = (ch >= 0x20 && ch < 0x7f) ? ch : '|';
    }
    txt[n] = '\0';
    mg_snprintf(addr, sizeof(addr), "%M", mg_print_ip, &r->addr);
    printf("type %d name %.*s service %.*s port %u txt %s addr %s\n",
           r->rr->atype, (int) r->name.len, r->name.buf,
           (int) r->sd.srvcproto.len, r->sd.srvcproto.buf, r->sd.port, txt,
           addr);
    fflush(stdout);
  }
  (void) c;
}

static void ask(void *arg) {
  mg_mdns_query((struct mg_connection *) arg, s_type, MG_DNS_RTYPE_PTR);
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  struct mg_connection *c;
  uint64_t end;
  if (argc > 1) s_type = argv[1];
  end = mg_millis() + (uint64_t) (argc > 2 ? atoi(argv[2]) : 3) * 1000;
  mg_mgr_init(&mgr);
  if ((c = mg_mdns_listen(&mgr, fn, NULL)) == NULL) return 1;
  mg_timer_add(&mgr, 1000, MG_TIMER_REPEAT | MG_TIMER_RUN_NOW, ask, c);
  while (mg_millis() < end) mg_mgr_poll(&mgr, 100);
  mg_mgr_free(&mgr);
  return 0;
}
