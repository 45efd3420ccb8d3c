// Memory is given back to the system: after 400 connections that each
// buffered 80 KiB close, the process's resident size falls back near where it started
// (glibc would otherwise keep the freed heap memory, so the process stayed at
// its peak after an attack).
#include "test_util.h"

// AddressSanitizer's allocator keeps freed memory in its quarantine, and
// malloc_trim() concerns glibc's heap only: under it, the RSS check below
// says nothing (the scenario still runs, for the sanitizer's checks).
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#include <sys/resource.h>

// Buffers under glibc's mmap threshold (128 KiB), so they live in the heap.
#define NCONNS 400
#define PER_CONN (80 * 1024)

// Resident set size in KiB, from /proc/self/statm.
static long rss_kb(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f == NULL) return -1;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
  fclose(f);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// The server keeps everything it receives in c->recv (it never consumes).
static void sink(struct mg_connection *c, int ev, void *ev_data) {
  (void) c, (void) ev, (void) ev_data;
}

static size_t buffered(struct mg_mgr *mgr, int *accepted) {
  struct mg_connection *c;
  size_t n = 0;
  *accepted = 0;
  for (c = mgr->conns; c != NULL; c = c->next) {
    if (c->is_accepted) n += c->recv.len, (*accepted)++;
  }
  return n;
}

// Connects NCONNS clients that each send PER_CONN bytes, waits until the
// server holds all of it, opens one more connection that stays (its memory,
// allocated last, keeps glibc from giving back the heap top by itself), then
// closes the NCONNS and waits until the server closed its ends. Returns the
// RSS with everything buffered, or -1.
static long one_round(struct mg_mgr *mgr, const char *url, const char *chunk,
                      struct mg_connection **survivor) {
  struct mg_connection *clients[NCONNS];
  size_t total = 0;
  uint64_t end;
  int i, accepted = 0;
  long peak;
  for (i = 0; i < NCONNS; i++) {
    clients[i] = mg_connect(mgr, url, NULL, NULL);
    CHECK(clients[i] != NULL);
    if (clients[i] != NULL) CHECK(mg_send(clients[i], chunk, PER_CONN));
  }
  end = mg_millis() + 30000;
  while (mg_millis() < end &&
         (total = buffered(mgr, &accepted)) < (size_t) NCONNS * PER_CONN) {
    mg_mgr_poll(mgr, 10);
  }
  CHECK(total == (size_t) NCONNS * PER_CONN);
  peak = rss_kb();
  if (*survivor != NULL) (*survivor)->is_closing = 1;
  *survivor = mg_connect(mgr, url, NULL, NULL);
  CHECK(*survivor != NULL);
  end = mg_millis() + 5000;
  while (mg_millis() < end && accepted != NCONNS + 1) {
    mg_mgr_poll(mgr, 10);
    buffered(mgr, &accepted);
  }
  // The clients close; the server sees the ends and closes too.
  for (i = 0; i < NCONNS; i++) {
    if (clients[i] != NULL) clients[i]->is_closing = 1;
  }
  end = mg_millis() + 10000;
  do {
    mg_mgr_poll(mgr, 10);
    buffered(mgr, &accepted);
  } while (accepted > 1 && mg_millis() < end);
  CHECK(accepted == 1);
  for (i = 0; i < 5; i++) mg_mgr_poll(mgr, 10);  // idle now
  return peak;
}

static void test_rss_falls_back(void) {
  struct mg_mgr mgr;
  struct mg_connection *l, *survivor = NULL;
  char url[64], *chunk = (char *) malloc(PER_CONN);
  long base, peak, after;
  int i;
  struct rlimit rl;
  CHECK(chunk != NULL);
  if (chunk == NULL) return;
  memset(chunk, 'm', PER_CONN);
  // Both ends of every connection are in this process.
  CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
  if (rl.rlim_cur < 4 * NCONNS) {
    rl.rlim_cur = rl.rlim_max < 4 * NCONNS ? rl.rlim_max : 4 * NCONNS;
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
  }
  CHECK(rl.rlim_cur >= 2 * NCONNS + 16);
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", sink, NULL);
  CHECK(l != NULL);
  if (l == NULL) return;
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  for (i = 0; i < 20; i++) mg_mgr_poll(&mgr, 1);
  base = rss_kb();
  peak = one_round(&mgr, url, chunk, &survivor);
  after = rss_kb();

  printf("RSS: %ld KiB at start, %ld KiB with %d KiB buffered, %ld KiB after\n",
         base, peak, NCONNS * PER_CONN >> 10, after);
  CHECK(base > 0 && peak > 0 && after > 0);
  // The data was resident (so the check below means something)...
  CHECK(peak - base > NCONNS * (PER_CONN / 1024) / 2);
  // ...and most of it is given back.
#ifndef UNDER_ASAN
  CHECK(after - base < NCONNS * (PER_CONN / 1024) / 8);
#else
  printf("under AddressSanitizer: RSS after the close not checked\n");
#endif
  mg_mgr_free(&mgr);
  free(chunk);
}

int main(void) {
  test_rss_falls_back();
  return test_summary("test_memory");
}
