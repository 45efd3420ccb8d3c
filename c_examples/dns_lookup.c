// DNS lookup: resolves the names given on the command line, all at once and
// without blocking, the way mg_connect() does (/etc/hosts, then mDNS for
// .local names, then DNS), and prints each one's address.
//   ./dns_lookup [-s udp://IP:PORT] [-t MS] [-6] [-m] NAME...
//     -s  DNS server (mgr.dns4.url, or dns6 with -6); default: the
//         nameservers of /etc/resolv.conf
//     -t  lookup timeout in milliseconds (mgr.dnstimeout, default 3000)
//     -6  ask for IPv6 addresses (mgr.use_dns6)
//     -m  start an mDNS listener first, so .local names resolve over mDNS
// Prints "NAME ADDRESS" or "NAME error: MESSAGE" per name, in the order the
// answers come. Exit code: 0 when every name resolved, 1 otherwise.
#include "mongoose.h"

struct lookup {
  const char *name;
  bool done, ok;
};

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct lookup *l = (struct lookup *) c->fn_data;
  if (ev == MG_EV_RESOLVE) {
    // c->rem holds the address now; a UDP "connection" sends nothing, so we
    // can stop here.
    char ip[64];
    mg_snprintf(ip, sizeof(ip), "%M", mg_print_ip, &c->rem);
    printf("%s %s\n", l->name, ip);
    l->ok = true;
    c->is_closing = 1;
  } else if (ev == MG_EV_ERROR) {
    printf("%s error: %s\n", l->name, (char *) ev_data);
  } else if (ev == MG_EV_CLOSE) {
    l->done = true;
  }
  fflush(stdout);
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  struct lookup lookups[64];
  size_t n = 0, i;
  int ai, failed = 0;
  bool mdns = false;
  mg_mgr_init(&mgr);
  for (ai = 1; ai < argc && argv[ai][0] == '-'; ai++) {
    if (strcmp(argv[ai], "-s") == 0 && ai + 1 < argc) {
      mgr.dns4.url = mgr.dns6.url = argv[++ai];
    } else if (strcmp(argv[ai], "-t") == 0 && ai + 1 < argc) {
      mgr.dnstimeout = atoi(argv[++ai]);
    } else if (strcmp(argv[ai], "-6") == 0) {
      mgr.use_dns6 = true;
    } else if (strcmp(argv[ai], "-m") == 0) {
      mdns = true;
    } else {
      fprintf(stderr, "unknown option %s\n", argv[ai]);
      return 2;
    }
  }
  if (mdns && mg_mdns_listen(&mgr, NULL, NULL) == NULL) return 1;
  for (; ai < argc && n < sizeof(lookups) / sizeof(lookups[0]); ai++, n++) {
    char url[300];
    lookups[n].name = argv[ai];
    lookups[n].done = lookups[n].ok = false;
    mg_snprintf(url, sizeof(url), "udp://%s:9", argv[ai]);
    if (mg_connect(&mgr, url, fn, &lookups[n]) == NULL) lookups[n].done = true;
  }
  for (;;) {
    bool all = true;
    for (i = 0; i < n; i++) all = all && lookups[i].done;
    if (all) break;
    mg_mgr_poll(&mgr, 50);
  }
  for (i = 0; i < n; i++) failed += lookups[i].ok ? 0 : 1;
  mg_mgr_free(&mgr);
  return failed == 0 ? 0 : 1;
}
