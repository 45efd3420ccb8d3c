// SNTP client: asks a time server for the time, prints it and what mg_now()
// says afterwards, and exits.
//   ./sntp_client [url]      default url: udp://time.google.com:123
// Exit code: 0 when the server answered, 1 on an error (a bad answer, no
// answer within 3 seconds, an unknown host).
#include "mongoose.h"

struct result {
  bool done;     // stop polling
  bool success;  // a valid answer arrived
};

// Prints `ms` milliseconds since the epoch as an ISO 8601 UTC time.
static void print_time(const char *label, uint64_t ms) {
  time_t secs = (time_t) (ms / 1000);
  struct tm tm;
  char buf[32];
  gmtime_r(&secs, &tm);
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  printf("%s %s.%03uZ (%llu ms since epoch)\n", label, buf,
         (unsigned) (ms % 1000), (unsigned long long) ms);
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct result *res = (struct result *) c->fn_data;
  if (ev == MG_EV_SNTP_TIME) {
    // The library has set its clock already: mg_now() follows the server.
    print_time("SNTP time:", *(uint64_t *) ev_data);
    print_time("mg_now(): ", mg_now());
    res->success = true;
  } else if (ev == MG_EV_ERROR) {
    // The library has logged the error (ev_data); res->success stays false.
  } else if (ev == MG_EV_CLOSE) {
    res->done = true;  // the library closes after the answer or an error
  }
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : NULL;  // NULL: Mongoose's default
  struct result res = {false, false};
  struct mg_mgr mgr;
  mg_mgr_init(&mgr);
  print_time("Clock:     ", mg_now());  // the system clock, before SNTP
  if (mg_sntp_connect(&mgr, url, fn, &res) == NULL) res.done = true;
  while (!res.done) mg_mgr_poll(&mgr, 100);
  mg_mgr_free(&mgr);
  fflush(stdout);
  return res.success ? 0 : 1;
}
