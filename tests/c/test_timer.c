// Timers: once, repeat, run-now, autodelete, mg_timer_expired, and how late
// they fire when mg_mgr_poll() is called with a long timeout.
#include "test_util.h"

struct tstate {
  int calls;
  uint64_t first, last;
  uint64_t times[64];
};

static void tick(void *arg) {
  struct tstate *s = (struct tstate *) arg;
  uint64_t now = mg_millis();
  if (s->calls < 64) s->times[s->calls] = now;
  if (s->calls == 0) s->first = now;
  s->last = now;
  s->calls++;
}

static void test_once_and_repeat(void) {
  struct mg_mgr mgr;
  struct tstate once, rep, now, autod;
  uint64_t start, end;
  struct mg_timer *t;
  memset(&once, 0, sizeof(once)), memset(&rep, 0, sizeof(rep));
  memset(&now, 0, sizeof(now)), memset(&autod, 0, sizeof(autod));
  mg_mgr_init(&mgr);
  start = mg_millis();
  mg_timer_add(&mgr, 50, MG_TIMER_ONCE, tick, &once);
  mg_timer_add(&mgr, 20, MG_TIMER_REPEAT, tick, &rep);
  mg_timer_add(&mgr, 1000, MG_TIMER_RUN_NOW, tick, &now);
  t = mg_timer_add(&mgr, 10, MG_TIMER_ONCE | MG_TIMER_AUTODELETE, tick, &autod);
  CHECK(t != NULL && mgr.timers == t);  // newest first
  end = start + 300;
  // A long poll timeout must not delay the timers.
  while (mg_millis() < end) mg_mgr_poll(&mgr, 1000);
  CHECK(once.calls == 1);
  CHECK(once.first >= start + 50 && once.first <= start + 50 + 100);
  CHECK(rep.calls >= 8 && rep.calls <= 15);
  CHECK(rep.first >= start + 20 && rep.first <= start + 20 + 100);
  CHECK(now.calls == 1 && now.first <= start + 100);
  CHECK(autod.calls == 1);
  // As in Mongoose, the library's timers are MG_TIMER_AUTODELETE: the
  // finished one-shot ones (ONCE, RUN_NOW without REPEAT) left the list and
  // were freed; only the repeating one remains.
  CHECK(mgr.timers != NULL && mgr.timers->next == NULL);
  CHECK(mgr.timers != NULL && mgr.timers->fn == tick && mgr.timers->arg == &rep);
  CHECK(mgr.timers != NULL && (mgr.timers->flags & MG_TIMER_AUTODELETE));
  mg_mgr_free(&mgr);
  CHECK(mgr.timers == NULL);
}

// A program whose only timer is one-shot finds mgr.timers NULL once it fired.
static void test_once_leaves_list(void) {
  struct mg_mgr mgr;
  struct tstate once;
  uint64_t end;
  memset(&once, 0, sizeof(once));
  mg_mgr_init(&mgr);
  mg_timer_add(&mgr, 5, MG_TIMER_ONCE, tick, &once);
  CHECK(mgr.timers != NULL);
  end = mg_millis() + 2000;
  while (once.calls == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 50);
  CHECK(once.calls == 1);
  CHECK(mgr.timers == NULL);
  mg_mgr_free(&mgr);
}

static void test_lateness(void) {
  struct mg_mgr mgr;
  struct tstate rep;
  uint64_t start;
  int i, worst = 0;
  memset(&rep, 0, sizeof(rep));
  mg_mgr_init(&mgr);
  start = mg_millis();
  mg_timer_add(&mgr, 25, MG_TIMER_REPEAT, tick, &rep);
  while (rep.calls < 8) mg_mgr_poll(&mgr, 5000);
  for (i = 0; i < 8; i++) {
    int late = (int) (rep.times[i] - (start + 25 * (uint64_t) (i + 1)));
    CHECK(late >= 0);
    if (late > worst) worst = late;
  }
  printf("timer lateness: worst %d ms over 8 periods of 25 ms\n", worst);
  // Mongoose fires up to the poll timeout (5000 ms) late; allow scheduling
  // noise on a loaded machine, nothing near that.
  CHECK(worst <= 50);
  mg_mgr_free(&mgr);
}

static void test_user_list(void) {
  struct mg_timer *head = NULL, t1, t2;
  struct tstate a, b;
  memset(&a, 0, sizeof(a)), memset(&b, 0, sizeof(b));
  mg_timer_init(&head, &t1, 100, MG_TIMER_REPEAT, tick, &a);
  mg_timer_init(&head, &t2, 100, MG_TIMER_REPEAT | MG_TIMER_RUN_NOW, tick, &b);
  CHECK(head == &t2 && t2.next == &t1);
  mg_timer_poll(&head, 1000);  // first poll: starts periods, runs RUN_NOW
  CHECK(a.calls == 0 && b.calls == 1);
  mg_timer_poll(&head, 1099);
  CHECK(a.calls == 0 && b.calls == 1);
  mg_timer_poll(&head, 1100);
  CHECK(a.calls == 1 && b.calls == 2);
  mg_timer_poll(&head, 1550);  // far behind: one call, no burst
  CHECK(a.calls == 2 && b.calls == 3);
  mg_timer_free(&head, &t2);
  CHECK(head == &t1 && t1.next == NULL);
  mg_timer_free(&head, &t1);
  CHECK(head == NULL);
}

static void test_expired(void) {
  uint64_t t = 0;
  CHECK(!mg_timer_expired(&t, 100, 1000));  // starts the period
  CHECK(t == 1100);
  CHECK(!mg_timer_expired(&t, 100, 1099));
  CHECK(mg_timer_expired(&t, 100, 1100));
  CHECK(t == 1200);
  CHECK(mg_timer_expired(&t, 100, 5000));  // missed many: restart from now
  CHECK(t == 5100);
  CHECK(!mg_timer_expired(NULL, 1, 1));
}

int main(void) {
  mg_log_set(MG_LL_ERROR);
  test_once_and_repeat();
  test_once_leaves_list();
  test_lateness();
  test_user_list();
  test_expired();
  return test_summary("test_timer");
}
