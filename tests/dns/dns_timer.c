// The event loop keeps running while names are being looked up, and a
// connection closed during its lookup is never called about it again.
//   ./dns_timer udp://127.0.0.1:PORT
// The server is tests/py/dns_server.py. Starts 40 lookups of silent.test
// (never answered) and 10 of slow.test (answered after 800 ms), and a 20 ms
// repeating timer, then polls with a 1 s timeout for 1.5 s. Checks:
//  - the 50 mg_connect() calls return at once (under 100 ms in all);
//  - the timer fires at least 50 times, never more than 150 ms apart;
//  - the slow.test lookups resolve (MG_EV_RESOLVE, c->rem = 127.0.0.9);
//  - a connection closed right after mg_connect() and one whose lookup was
//    cancelled with mg_resolve_cancel() get no MG_EV_RESOLVE or MG_EV_ERROR;
//  - the silent.test lookups end with "DNS timeout" after mgr.dnstimeout;
//  - mg_mgr_free() with lookups pending sends them nothing but MG_EV_CLOSE.
// Prints "PASS" and exits 0, or prints what failed and exits 1.
#include "mongoose.h"

static int s_ticks, s_resolved, s_timeouts, s_other_errors, s_stale_events;
static uint64_t s_last_tick, s_max_gap;

static void tick(void *arg) {
  uint64_t now = mg_millis();
  if (s_last_tick != 0 && now - s_last_tick > s_max_gap) {
    s_max_gap = now - s_last_tick;
  }
  s_last_tick = now;
  s_ticks++;
  (void) arg;
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_RESOLVE) {
    if (c->rem.addr.ip[0] == 127 && c->rem.addr.ip[3] == 9) s_resolved++;
    c->is_closing = 1;
  } else if (ev == MG_EV_ERROR) {
    if (strcmp((char *) ev_data, "DNS timeout") == 0) {
      s_timeouts++;
    } else {
      printf("unexpected error: %s\n", (char *) ev_data);
      s_other_errors++;
    }
  }
}

// The handler of connections that must hear nothing after they stop waiting.
static void stale_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_RESOLVE || ev == MG_EV_ERROR || ev == MG_EV_CONNECT) {
    s_stale_events++;
  }
  (void) c, (void) ev_data;
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  struct mg_connection *c;
  uint64_t start, took;
  int i, failed = 0;
  if (argc < 2) return 2;
  mg_mgr_init(&mgr);
  mgr.dns4.url = argv[1];
  mgr.dnstimeout = 1200;
  mg_timer_add(&mgr, 20, MG_TIMER_REPEAT, tick, NULL);

  start = mg_millis();
  for (i = 0; i < 40; i++) mg_connect(&mgr, "udp://silent.test:9", fn, NULL);
  for (i = 0; i < 10; i++) mg_connect(&mgr, "tcp://slow.test:9", fn, NULL);
  took = mg_millis() - start;

  c = mg_connect(&mgr, "tcp://slow.test:9", stale_fn, NULL);
  c->is_closing = 1;  // closed while its lookup is pending
  c = mg_connect(&mgr, "tcp://slow.test:9", stale_fn, NULL);
  mg_resolve_cancel(c);  // no longer waits; the program closes it later

  start = mg_millis();
  while (mg_millis() - start < 1500) mg_mgr_poll(&mgr, 1000);
  c->is_closing = 1;
  mg_mgr_poll(&mgr, 10);

  printf("connect calls took %llu ms; %d ticks, max gap %llu ms; %d resolved, "
         "%d timeouts, %d other errors, %d stale events\n",
         (unsigned long long) took, s_ticks, (unsigned long long) s_max_gap,
         s_resolved, s_timeouts, s_other_errors, s_stale_events);
  if (took >= 100) printf("FAIL: mg_connect blocked\n"), failed++;
  if (s_ticks < 50 || s_max_gap > 150) printf("FAIL: timer starved\n"), failed++;
  if (s_resolved != 10) printf("FAIL: slow.test not resolved\n"), failed++;
  if (s_timeouts != 40) printf("FAIL: expected 40 DNS timeouts\n"), failed++;
  if (s_other_errors || s_stale_events) printf("FAIL: stray events\n"), failed++;
  // Freeing the manager with lookups pending: no event but MG_EV_CLOSE.
  for (i = 0; i < 3; i++) mg_connect(&mgr, "tcp://silent.test:9", stale_fn, NULL);
  mg_mgr_poll(&mgr, 10);
  mg_mgr_free(&mgr);
  if (s_stale_events) printf("FAIL: events while freeing\n"), failed++;
  if (failed == 0) printf("PASS\n");
  return failed == 0 ? 0 : 1;
}
