// The sntp-time-sync style: poll an SNTP server until mg_boot_timestamp_ms
// is set, then print the time mg_now() gives.
//   ./sntp_time_sync udp://127.0.0.1:PORT
// Prints "boot BOOT now NOW millis MILLIS" and exits 0 once synchronised,
// exits 1 when that did not happen within 5 seconds.
#include "mongoose.h"

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  uint64_t timer = 0, start = mg_millis();
  if (argc < 2) return 2;
  mg_mgr_init(&mgr);
  if (mg_boot_timestamp_ms != 0) return 1;  // not set before any answer
  while (mg_millis() - start < 5000) {
    // Retry every second until we have a valid time.
    uint64_t period = mg_boot_timestamp_ms == 0 ? 1000 : 3600 * 1000;
    if (mg_timer_expired(&timer, period, mg_millis())) {
      mg_sntp_connect(&mgr, argv[1], NULL, NULL);
    }
    if (mg_boot_timestamp_ms > 0) {
      uint64_t millis = mg_millis(), now = mg_now();
      printf("boot %llu now %llu millis %llu\n",
             (unsigned long long) mg_boot_timestamp_ms,
             (unsigned long long) now, (unsigned long long) millis);
      mg_mgr_free(&mgr);
      return 0;
    }
    mg_mgr_poll(&mgr, 100);
  }
  mg_mgr_free(&mgr);
  return 1;
}
