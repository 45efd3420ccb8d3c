// SSDP search: sends an M-SEARCH to the SSDP multicast group every second and
// prints the SERVER and LOCATION headers of each device that answers, as the
// ssdp-search tutorial of Mongoose does.
//   ./ssdp_search [COUNT]
// Exits after COUNT answers (default: runs until killed).
#include "mongoose.h"

static const char *s_ssdp_url = "udp://239.255.255.250:1900";
static int s_answers, s_max_answers;

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_RESOLVE) {
    // c->rem is the group now: keep it, answers will change c->rem.
    memcpy(c->data, &c->rem, sizeof(c->rem));
  } else if (ev == MG_EV_READ) {
    struct mg_http_message hm;
    if (mg_http_parse((const char *) c->recv.buf, c->recv.len, &hm) > 0) {
      struct mg_str *server = mg_http_get_header(&hm, "SERVER");
      struct mg_str *location = mg_http_get_header(&hm, "LOCATION");
      printf("answer from %s: SERVER %.*s LOCATION %.*s\n",
             c->rem.is_ip6 ? "IPv6" : "IPv4", server ? (int) server->len : 0,
             server ? server->buf : "", location ? (int) location->len : 0,
             location ? location->buf : "");
      fflush(stdout);
      s_answers++;
    }
    // Each answer set c->rem to its sender: the next search must go to the
    // group again.
    mg_multicast_restore(c, (uint8_t *) c->data);
    c->recv.len = 0;
  }
  (void) ev_data;
}

static void search(void *arg) {
  struct mg_connection *c = (struct mg_connection *) arg;
  mg_printf(c, "%s",
            "M-SEARCH * HTTP/1.1\r\n"
            "HOST: 239.255.255.250:1900\r\n"
            "MAN: \"ssdp:discover\"\r\n"
            "ST: urn:schemas-upnp-org:device:MediaRenderer:1\r\n"
            "MX: 1\r\n"
            "\r\n");
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  struct mg_connection *c;
  s_max_answers = argc > 1 ? atoi(argv[1]) : 0;
  mg_mgr_init(&mgr);
  if ((c = mg_connect(&mgr, s_ssdp_url, fn, NULL)) == NULL) return 1;
  mg_timer_add(&mgr, 1000, MG_TIMER_REPEAT | MG_TIMER_RUN_NOW, search, c);
  while (s_max_answers == 0 || s_answers < s_max_answers) mg_mgr_poll(&mgr, 200);
  mg_mgr_free(&mgr);
  return 0;
}
