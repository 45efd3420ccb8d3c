// MQTT load generator for bench/mqtt.sh: PUBS publisher and SUBS subscriber
// connections (MQTT 3.1.1, this library) to a broker; every subscriber
// subscribes to "bench/t", every publisher sends 64-byte QoS 0 messages to
// it as fast as the broker takes them (a publisher writes more only when
// less than 16 KiB of its output is waiting). After a 1 s warm-up it counts
// the messages the subscribers receive for SECONDS seconds, and the CPU
// time the broker process (BROKER_PID) used meanwhile.
//   mqtt_load URL PUBS SUBS SECONDS BROKER_PID
// Prints: delivered=N published=N seconds=S msgs_per_s=R broker_cpu_us_per_msg=C
#include "mongoose.h"

#define PAYLOAD_LEN 64
#define HIGH_WATER (16 * 1024)

static int s_subacks, s_connacks, s_closed;
static uint64_t s_delivered, s_published;

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_MQTT_OPEN) {
    s_connacks++;
    if (c->fn_data != NULL) {  // a subscriber
      struct mg_mqtt_opts o;
      memset(&o, 0, sizeof(o));
      o.topic = mg_str("bench/t");
      mg_mqtt_sub(c, &o);
    }
  } else if (ev == MG_EV_MQTT_CMD) {
    struct mg_mqtt_message *mm = (struct mg_mqtt_message *) ev_data;
    if (mm->cmd == MQTT_CMD_SUBACK) s_subacks++;
  } else if (ev == MG_EV_MQTT_MSG) {
    s_delivered++;
  } else if (ev == MG_EV_ERROR) {
    fprintf(stderr, "error: %s\n", (char *) ev_data);
  } else if (ev == MG_EV_CLOSE) {
    s_closed++;
  }
}

static double broker_cpu_s(int pid) {
  char path[64], buf[1024];
  unsigned long ut = 0, st = 0;
  FILE *f;
  snprintf(path, sizeof(path), "/proc/%d/stat", pid);
  if ((f = fopen(path, "r")) == NULL) return 0;
  if (fgets(buf, sizeof(buf), f) != NULL) {
    char *p = strrchr(buf, ')');  // fields after the command name
    if (p != NULL) sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
  }
  fclose(f);
  return (double) (ut + st) / (double) sysconf(_SC_CLK_TCK);
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  struct mg_connection *pubs[256];
  char payload[PAYLOAD_LEN];
  int npub, nsub, seconds, pid;
  uint64_t start, end, base = 0;
  double cpu0 = 0;
  bool measuring = false;
  if (argc != 6) {
    fprintf(stderr, "usage: %s URL PUBS SUBS SECONDS BROKER_PID\n", argv[0]);
    return 2;
  }
  npub = atoi(argv[2]), nsub = atoi(argv[3]), seconds = atoi(argv[4]);
  pid = atoi(argv[5]);
  if (npub < 1 || npub > 256 || nsub < 1) return 2;
  memset(payload, 'x', sizeof(payload));
  mg_log_set(MG_LL_ERROR);
  mg_mgr_init(&mgr);
  for (int i = 0; i < nsub; i++) {
    struct mg_mqtt_opts o;
    char id[32];
    memset(&o, 0, sizeof(o));
    mg_snprintf(id, sizeof(id), "sub%d", i);
    o.client_id = mg_str(id), o.clean = true;
    mg_mqtt_connect(&mgr, argv[1], &o, fn, (void *) 1);
  }
  for (int i = 0; i < npub; i++) {
    struct mg_mqtt_opts o;
    char id[32];
    memset(&o, 0, sizeof(o));
    mg_snprintf(id, sizeof(id), "pub%d", i);
    o.client_id = mg_str(id), o.clean = true;
    pubs[i] = mg_mqtt_connect(&mgr, argv[1], &o, fn, NULL);
  }
  end = mg_millis() + 10000;
  while ((s_subacks < nsub || s_connacks < nsub + npub) && mg_millis() < end)
    mg_mgr_poll(&mgr, 10);
  if (s_subacks < nsub) {
    fprintf(stderr, "only %d of %d subscribers ready\n", s_subacks, nsub);
    return 1;
  }
  start = mg_millis();
  end = start + 1000 + (uint64_t) seconds * 1000;
  while (mg_millis() < end && s_closed == 0) {
    struct mg_mqtt_opts o;
    memset(&o, 0, sizeof(o));
    o.topic = mg_str("bench/t"), o.message = mg_str_n(payload, sizeof(payload));
    for (int i = 0; i < npub; i++) {
      while (pubs[i]->send.len < HIGH_WATER) {
        mg_mqtt_pub(pubs[i], &o);
        if (measuring) s_published++;
      }
    }
    mg_mgr_poll(&mgr, 0);
    if (!measuring && mg_millis() >= start + 1000) {  // warm-up over
      measuring = true;
      base = s_delivered;
      cpu0 = broker_cpu_s(pid);
      start = mg_millis();
    }
  }
  {
    double secs = (double) (mg_millis() - start) / 1000.0;
    double cpu = broker_cpu_s(pid) - cpu0;
    uint64_t n = s_delivered - base;
    printf("delivered=%llu published=%llu seconds=%.2f msgs_per_s=%.0f "
           "broker_cpu_us_per_msg=%.3f\n",
           (unsigned long long) n, (unsigned long long) s_published, secs,
           (double) n / secs, n > 0 ? cpu * 1e6 / (double) n : 0.0);
  }
  {
    int closed = s_closed;
    mg_mgr_free(&mgr);
    return closed == 0 ? 0 : 1;
  }
}
