// Timers: a repeating timer, a one-shot timer and periodic work done in
// MG_EV_POLL with mg_timer_expired().
//   ./timers [seconds]      runs for the given time (default 3), then exits
#include "mongoose.h"

static int s_ticks;

static void tick(void *arg) {
  MG_INFO(("tick %d (%s)", ++s_ticks, (char *) arg));
}

static void once(void *arg) {
  (void) arg;
  MG_INFO(("one-shot timer fired"));
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  uint64_t end, report = 0;
  int seconds = argc > 1 ? atoi(argv[1]) : 3;
  mg_mgr_init(&mgr);
  mg_timer_add(&mgr, 500, MG_TIMER_REPEAT | MG_TIMER_RUN_NOW, tick, "every 500 ms");
  mg_timer_add(&mgr, 1200, MG_TIMER_ONCE, once, NULL);
  end = mg_millis() + (uint64_t) seconds * 1000;
  while (mg_millis() < end) {
    mg_mgr_poll(&mgr, 5000);  // timers still fire on time
    if (mg_timer_expired(&report, 1000, mg_millis())) {
      MG_INFO(("uptime %llu ms", (unsigned long long) mg_millis()));
    }
  }
  printf("ticks: %d\n", s_ticks);
  mg_mgr_free(&mgr);
  return 0;
}
