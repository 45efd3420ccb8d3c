// mg_queue: single-thread semantics (FIFO order, wrap-around, full and
// empty, booking limits, mg_queue_printf), then the stress test: one
// producer thread and one consumer thread pass 10 million messages of
// varying length through a small buffer, and the consumer checks every one.
#include "test_util.h"

#include <sched.h>

#define STRESS_COUNT 10000000UL

static void test_basics(void) {
  char mem[64], *p = NULL, *buf = NULL;
  struct mg_queue q;
  size_t n;
  mg_queue_init(&q, mem, sizeof(mem));
  CHECK(q.buf == mem && q.size == sizeof(mem) && q.head == 0 && q.tail == 0);
  CHECK(mg_queue_next(&q, &p) == 0);

  // Book, write, add; then next sees it and del removes it.
  n = mg_queue_book(&q, &buf, 5);
  CHECK(n >= 5 && buf != NULL);
  memcpy(buf, "hello", 5);
  mg_queue_add(&q, 5);
  CHECK(mg_queue_next(&q, &p) == 5 && memcmp(p, "hello", 5) == 0);
  CHECK(mg_queue_next(&q, &p) == 5);  // next does not remove
  mg_queue_del(&q, 5);
  CHECK(mg_queue_next(&q, &p) == 0);

  // FIFO through many wraps of the small buffer.
  {
    int i, bad = 0;
    for (i = 0; i < 1000; i++) {
      size_t len = 1 + (size_t) (i % 23);
      n = mg_queue_book(&q, &buf, len);
      if (n < len) {
        bad++;
        continue;
      }
      memset(buf, 'a' + i % 26, len);
      mg_queue_add(&q, len);
      if (mg_queue_next(&q, &p) != len || p[0] != 'a' + i % 26 || p[len - 1] != 'a' + i % 26) bad++;
      mg_queue_del(&q, len);
    }
    CHECK(bad == 0);
  }

  // Fill until full; the queue keeps everything in order.
  {
    int added = 0, i;
    char msg[8];
    while (mg_queue_book(&q, &buf, sizeof(msg)) >= sizeof(msg)) {
      memset(buf, '0' + added, sizeof(msg));
      mg_queue_add(&q, sizeof(msg));
      added++;
    }
    CHECK(added >= 3);
    for (i = 0; i < added; i++) {
      memset(msg, '0' + i, sizeof(msg));
      CHECK(mg_queue_next(&q, &p) == sizeof(msg) && memcmp(p, msg, sizeof(msg)) == 0);
      mg_queue_del(&q, sizeof(msg));
    }
    CHECK(mg_queue_next(&q, &p) == 0);
  }

  // A message larger than the buffer never fits; zero-length adds are
  // refused (logged), so the queue stays empty.
  CHECK(mg_queue_book(&q, &buf, sizeof(mem)) < sizeof(mem));
  CHECK(mg_queue_book(&q, NULL, 1) >= 1);  // buf may be NULL
  mg_queue_add(&q, 0);
  CHECK(mg_queue_next(&q, &p) == 0);
  mg_queue_add(&q, 1000);  // more than booked: refused
  CHECK(mg_queue_next(&q, &p) == 0);
}

static void test_printf(void) {
  char mem[100], *p = NULL;
  struct mg_queue q;
  size_t n;
  mg_queue_init(&q, mem, sizeof(mem));
  n = mg_queue_printf(&q, "%s=%d;%m", "x", 42, MG_ESC("q"));
  CHECK(n == 8);
  CHECK(mg_queue_next(&q, &p) == 8 && memcmp(p, "x=42;\"q\"", 8) == 0);
  mg_queue_del(&q, 8);
  CHECK(mg_queue_printf(&q, "%s", "") == 0);  // empty: nothing added
  CHECK(mg_queue_next(&q, &p) == 0);
  {
    char big[200];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK(mg_queue_printf(&q, "%s", big) == 0);  // does not fit
    CHECK(mg_queue_next(&q, &p) == 0);
  }
  // Several messages, then drain.
  {
    int i;
    for (i = 0; i < 5; i++) CHECK(mg_queue_printf(&q, "m%d", i) == 2);
    for (i = 0; i < 5; i++) {
      char want[4];
      mg_snprintf(want, sizeof(want), "m%d", i);
      CHECK(mg_queue_next(&q, &p) == 2 && memcmp(p, want, 2) == 0);
      mg_queue_del(&q, 2);
    }
  }
}

// ---- Stress: 10M messages, two threads ----

static struct mg_queue s_q;
static char s_mem[4096];

// Message i: 4 + i % 29 bytes; the sequence number, then bytes derived from it.
static size_t msg_len(unsigned long i) {
  return 4 + (size_t) (i % 29);
}

static unsigned char msg_byte(unsigned long i, size_t k) {
  return (unsigned char) (i * 31 + k * 7);
}

static void *producer(void *arg) {
  unsigned long i;
  (void) arg;
  for (i = 0; i < STRESS_COUNT; i++) {
    size_t len = msg_len(i), k;
    char *buf;
    uint32_t seq = (uint32_t) i;
    while (mg_queue_book(&s_q, &buf, len) < len) sched_yield();
    memcpy(buf, &seq, 4);
    for (k = 4; k < len; k++) buf[k] = (char) msg_byte(i, k);
    mg_queue_add(&s_q, len);
  }
  return NULL;
}

static void test_stress(void) {
  pthread_t tid;
  unsigned long i, bad = 0;
  uint64_t start = mg_millis();
  mg_queue_init(&s_q, s_mem, sizeof(s_mem));
  pthread_create(&tid, NULL, producer, NULL);
  for (i = 0; i < STRESS_COUNT; i++) {
    char *buf;
    size_t len, k;
    uint32_t seq;
    while ((len = mg_queue_next(&s_q, &buf)) == 0) sched_yield();
    memcpy(&seq, buf, 4);
    if (len != msg_len(i) || seq != (uint32_t) i) {
      if (bad++ < 5) fprintf(stderr, "message %lu: len %d seq %u\n", i, (int) len, seq);
    } else {
      for (k = 4; k < len; k++) {
        if ((unsigned char) buf[k] != msg_byte(i, k)) {
          if (bad++ < 5) fprintf(stderr, "message %lu: byte %d differs\n", i, (int) k);
          break;
        }
      }
    }
    mg_queue_del(&s_q, len);
  }
  pthread_join(tid, NULL);
  CHECK(bad == 0);
  CHECK(mg_queue_next(&s_q, NULL) == 0);
  printf("stress: %lu messages in %lu ms\n", STRESS_COUNT, (unsigned long) (mg_millis() - start));
}

// NULL arguments are logged and ignored, never fatal.
static void test_null_args(void) {
  char *p = NULL;
  mg_queue_init(NULL, NULL, 0);
  CHECK(mg_queue_book(NULL, &p, 1) == 0);
  mg_queue_add(NULL, 1);
  CHECK(mg_queue_next(NULL, &p) == 0);
  mg_queue_del(NULL, 1);
  CHECK(mg_queue_printf(NULL, "%d", 1) == 0);
  {
    // A zero-size queue holds nothing.
    struct mg_queue q;
    mg_queue_init(&q, NULL, 0);
    CHECK(mg_queue_book(&q, &p, 1) == 0);
    CHECK(mg_queue_next(&q, &p) == 0);
    CHECK(mg_queue_printf(&q, "x") == 0);
  }
}

int main(void) {
  test_null_args();
  test_basics();
  test_printf();
  test_stress();
  return test_summary("test_queue");
}
