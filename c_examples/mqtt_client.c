// MQTT client, after Mongoose's mqtt-client tutorial: connects to a broker,
// subscribes to SUB_TOPIC, publishes "hello" to PUB_TOPIC, prints what
// arrives and echoes every message from another topic to PUB_TOPIC. It
// leaves a will ("bye" on PUB_TOPIC), pings the broker at its keepalive,
// and a timer reconnects when the connection is down.
//   ./mqtt_client [-u URL] [-s SUB_TOPIC] [-p PUB_TOPIC] [-q QOS] [-V 4|5]
//                 [-k KEEPALIVE] [-C CA_FILE] [-n COUNT] [-v LOG_LEVEL]
// URL: mqtt://HOST:PORT or mqtts://HOST:PORT (the server certificate is
// checked against CA_FILE, default tests/tls/ca.pem). With -n it exits after
// receiving COUNT messages.
#include "mongoose.h"

static const char *s_url = "mqtt://127.0.0.1:1883";
static const char *s_sub_topic = "mg/+/test";
static const char *s_pub_topic = "mg/clnt/test";
static const char *s_ca = "tests/tls/ca.pem";
static int s_qos = 1, s_version = 4, s_keepalive = 30, s_count = 0;
static int s_received;
static struct mg_connection *s_conn;  // the client connection, NULL when down
static int s_signo;

static void signal_handler(int signo) {
  s_signo = signo;
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_OPEN) {
    MG_INFO(("%lu CREATED", c->id));
  } else if (ev == MG_EV_CONNECT) {
    if (mg_url_is_ssl(s_url)) {
      struct mg_str ca = mg_file_read(&mg_fs_posix, s_ca);
      struct mg_tls_opts opts;
      memset(&opts, 0, sizeof(opts));
      opts.ca = ca;
      opts.name = mg_url_host(s_url);
      mg_tls_init(c, &opts);
      free((void *) ca.buf);
    }
  } else if (ev == MG_EV_ERROR) {
    MG_ERROR(("%lu ERROR %s", c->id, (char *) ev_data));
  } else if (ev == MG_EV_MQTT_OPEN) {
    struct mg_mqtt_opts sub, pub;
    printf("CONNECTED to %s (MQTT %s)\n", s_url, c->is_mqtt5 ? "5" : "3.1.1");
    memset(&sub, 0, sizeof(sub));
    sub.topic = mg_str(s_sub_topic);
    sub.qos = (uint8_t) s_qos;
    mg_mqtt_sub(c, &sub);
    printf("SUBSCRIBED to %s\n", s_sub_topic);
    memset(&pub, 0, sizeof(pub));
    pub.topic = mg_str(s_pub_topic);
    pub.message = mg_str("hello");
    pub.qos = (uint8_t) s_qos;
    mg_mqtt_pub(c, &pub);
    printf("PUBLISHED hello -> %s\n", s_pub_topic);
    fflush(stdout);
  } else if (ev == MG_EV_MQTT_MSG) {
    struct mg_mqtt_message *mm = (struct mg_mqtt_message *) ev_data;
    printf("RECEIVED %.*s <- %.*s\n", (int) mm->data.len, mm->data.buf,
           (int) mm->topic.len, mm->topic.buf);
    fflush(stdout);
    if (mg_strcmp(mm->topic, mg_str(s_pub_topic)) != 0) {  // echo it
      struct mg_mqtt_opts pub;
      memset(&pub, 0, sizeof(pub));
      pub.topic = mg_str(s_pub_topic);
      pub.message = mm->data;
      pub.qos = (uint8_t) s_qos;
      mg_mqtt_pub(c, &pub);
    }
    if (s_count > 0 && ++s_received >= s_count) s_signo = -1;
  } else if (ev == MG_EV_CLOSE) {
    MG_INFO(("%lu CLOSED", c->id));
    s_conn = NULL;
  }
}

// Every second: reconnect if the connection is down; ping at the keepalive.
static void timer_fn(void *arg) {
  static uint64_t last_ping;
  struct mg_mgr *mgr = (struct mg_mgr *) arg;
  if (s_conn == NULL) {
    struct mg_mqtt_opts opts;
    memset(&opts, 0, sizeof(opts));
    opts.clean = true;
    opts.qos = (uint8_t) s_qos;
    opts.topic = mg_str(s_pub_topic);  // the will
    opts.message = mg_str("bye");
    opts.version = (uint8_t) s_version;
    opts.keepalive = (uint16_t) s_keepalive;
    s_conn = mg_mqtt_connect(mgr, s_url, &opts, fn, NULL);
    last_ping = mg_millis();
  } else if (s_keepalive > 0 &&
             mg_millis() - last_ping >= (uint64_t) s_keepalive * 1000) {
    mg_mqtt_ping(s_conn);
    last_ping = mg_millis();
  }
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) goto usage;
    if (strcmp(a, "-u") == 0) s_url = v;
    else if (strcmp(a, "-s") == 0) s_sub_topic = v;
    else if (strcmp(a, "-p") == 0) s_pub_topic = v;
    else if (strcmp(a, "-q") == 0) s_qos = atoi(v);
    else if (strcmp(a, "-V") == 0) s_version = atoi(v);
    else if (strcmp(a, "-k") == 0) s_keepalive = atoi(v);
    else if (strcmp(a, "-C") == 0) s_ca = v;
    else if (strcmp(a, "-n") == 0) s_count = atoi(v);
    else if (strcmp(a, "-v") == 0) mg_log_set(atoi(v));
    else goto usage;
    i++;
  }
  signal(SIGINT, signal_handler);
  signal(SIGTERM, signal_handler);
  mg_mgr_init(&mgr);
  mg_timer_add(&mgr, 1000, MG_TIMER_REPEAT | MG_TIMER_RUN_NOW, timer_fn, &mgr);
  while (s_signo == 0) mg_mgr_poll(&mgr, 1000);
  if (s_conn != NULL) mg_mqtt_disconnect(s_conn, NULL);  // no will on exit
  mg_mgr_poll(&mgr, 10);
  mg_mgr_free(&mgr);
  return 0;
usage:
  fprintf(stderr,
          "usage: %s [-u URL] [-s SUB_TOPIC] [-p PUB_TOPIC] [-q QOS] [-V 4|5] "
          "[-k KEEPALIVE] [-C CA_FILE] [-n COUNT] [-v LOG_LEVEL]\n",
          argv[0]);
  return 1;
}
