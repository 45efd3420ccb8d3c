// mDNS responder: answers for NAME.local (A) and advertises an HTTP service
// NAME._http._tcp.local on port 8000 (DNS-SD: PTR, SRV, TXT), as the
// mdns-server tutorial of Mongoose does.
//   ./mdns_server [NAME] [IP]
// NAME defaults to "Mongoose" (no dots). Without IP the A record carries the
// address of the interface the question came in on. Runs until killed.
#include "mongoose.h"

static struct mg_addr s_addr;
static bool s_has_addr;

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_MDNS_REQ) {
    // Our service; the TXT data is length-prefixed strings, verbatim.
    static struct mg_dnssd_record rec = {{(char *) "_http._tcp", 10},
                                         {(char *) "\x07path=/x", 8}, 8000};
    struct mg_mdns_req *req = (struct mg_mdns_req *) ev_data;
    if (s_has_addr) req->addr = &s_addr;
    if (req->rr->atype == MG_DNS_RTYPE_A) {
      MG_INFO(("A question for %.*s", (int) req->reqname.len, req->reqname.buf));
    } else if (!req->is_listing && mg_strcmp(req->reqname, mg_str("_http._tcp")) == 0) {
      // PTR for the service type; SRV and TXT for our instance of it.
      req->r = &rec;
      req->is_resp = true;
      MG_INFO(("type %d question for our service", req->rr->atype));
    }
  }
  (void) c;
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  const char *name = argc > 1 ? argv[1] : "Mongoose";
  if (argc > 2) {
    if (!mg_aton(mg_str(argv[2]), &s_addr) || s_addr.is_ip6) return 2;
    s_has_addr = true;
  }
  mg_log_set(MG_LL_INFO);
  mg_mgr_init(&mgr);
  if (mg_mdns_listen(&mgr, fn, (void *) name) == NULL) return 1;
  printf("listening\n");
  fflush(stdout);
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  return 0;
}
