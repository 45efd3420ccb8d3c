// Our MQTT client against a real broker (mosquitto, started by
// tests/mqtt_peer.rs). One scenario per run:
//   peer_client SCENARIO URL VERSION
// Scenarios: qos, retained, unsub, ping, big, many, will (over mqtt:// or
// mqtts://, VERSION 4 or 5), and ws (MQTT in WebSocket binary frames, URL
// ws://...). Exits 0 when every check held.
#include "test_util.h"

#define MAX_CMDS 64

struct conn_state {
  struct mg_connection *c;
  int open_code;  // CONNACK code, -1 before
  int cmds[16];   // count of each MQTT_CMD_* received
  int msgs;
  char topic[64];
  uint8_t qos[8];                // QoS of the first messages
  bool retain_flag;              // of the last message
  size_t data_len;               // of the last message
  char data[64];                 // first bytes of the last message
  bool data_ok;                  // big: the payload was intact
  char user_prop[64];            // MQTT 5: "k=v" of the last message
  uint32_t sub_id;               // MQTT 5: subscription identifier of it
  uint32_t receive_max;          // MQTT 5: from CONNACK
  int next_seq, out_of_order;    // many
  bool closed;
  int errors;
};

static const char *s_url;
static uint8_t s_version;
static char *s_big;  // 256 KiB payload
#define BIG_LEN (256 * 1024)

static void on_msg(struct conn_state *s, struct mg_mqtt_message *mm) {
  struct mg_mqtt_prop prop;
  size_t ofs = 0;
  if (s->msgs < 8) s->qos[s->msgs] = mm->qos;
  s->msgs++;
  mg_snprintf(s->topic, sizeof(s->topic), "%.*s", (int) mm->topic.len, mm->topic.buf);
  mg_snprintf(s->data, sizeof(s->data), "%.*s", (int) mm->data.len, mm->data.buf);
  s->data_len = mm->data.len;
  s->retain_flag = (mm->dgram.buf[0] & 1) != 0;
  if (s_big != NULL && mm->data.len == BIG_LEN)
    s->data_ok = memcmp(mm->data.buf, s_big, BIG_LEN) == 0;
  if (strncmp(s->topic, "m/", 2) == 0) {
    int seq = atoi(s->data);
    if (seq != s->next_seq) s->out_of_order++;
    s->next_seq = seq + 1;
  }
  while ((ofs = mg_mqtt_next_prop(mm, &prop, ofs)) > 0) {
    if (prop.id == MQTT_PROP_USER_PROPERTY)
      mg_snprintf(s->user_prop, sizeof(s->user_prop), "%.*s=%.*s",
                  (int) prop.key.len, prop.key.buf, (int) prop.val.len, prop.val.buf);
    if (prop.id == MQTT_PROP_SUBSCRIPTION_IDENTIFIER) s->sub_id = prop.iv;
  }
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct conn_state *s = (struct conn_state *) c->fn_data;
  if (ev == MG_EV_CONNECT && mg_url_is_ssl(s_url)) {
    struct mg_tls_opts opts;
    struct mg_str ca = mg_file_read(&mg_fs_posix, "tests/tls/ca.pem");
    memset(&opts, 0, sizeof(opts));
    opts.ca = ca;
    opts.name = mg_url_host(s_url);
    mg_tls_init(c, &opts);
    free((void *) ca.buf);
  } else if (ev == MG_EV_MQTT_OPEN) {
    s->open_code = *(int *) ev_data;
  } else if (ev == MG_EV_MQTT_CMD) {
    struct mg_mqtt_message *mm = (struct mg_mqtt_message *) ev_data;
    s->cmds[mm->cmd & 15]++;
    if (mm->cmd == MQTT_CMD_CONNACK) {
      struct mg_mqtt_prop prop;
      size_t ofs = 0;
      while ((ofs = mg_mqtt_next_prop(mm, &prop, ofs)) > 0) {
        if (prop.id == MQTT_PROP_RECEIVE_MAXIMUM) s->receive_max = prop.iv;
      }
    }
  } else if (ev == MG_EV_MQTT_MSG) {
    on_msg(s, (struct mg_mqtt_message *) ev_data);
  } else if (ev == MG_EV_ERROR) {
    s->errors++;
    fprintf(stderr, "error: %s\n", (char *) ev_data);
  } else if (ev == MG_EV_CLOSE) {
    s->closed = true;
  }
}

static struct mg_mgr s_mgr;

static bool wait_for(int *counter, int n, int ms) {
  uint64_t end = mg_millis() + (uint64_t) ms;
  while (*counter < n && mg_millis() < end) mg_mgr_poll(&s_mgr, 5);
  return *counter >= n;
}

static void poll_ms(int ms) {
  uint64_t end = mg_millis() + (uint64_t) ms;
  while (mg_millis() < end) mg_mgr_poll(&s_mgr, 5);
}

static void connect_as(struct conn_state *s, const char *id, const char *will_topic) {
  struct mg_mqtt_opts o;
  struct mg_mqtt_prop props[2], will_props[1];
  memset(props, 0, sizeof(props));
  memset(will_props, 0, sizeof(will_props));
  props[0].id = MQTT_PROP_SESSION_EXPIRY_INTERVAL, props[0].iv = 0;
  props[1].id = MQTT_PROP_USER_PROPERTY;
  props[1].key = mg_str("client"), props[1].val = mg_str("peer");
  will_props[0].id = MQTT_PROP_USER_PROPERTY;
  will_props[0].key = mg_str("why"), will_props[0].val = mg_str("gone");
  memset(s, 0, sizeof(*s));
  s->open_code = -1;
  memset(&o, 0, sizeof(o));
  o.client_id = mg_str(id);
  o.version = s_version;
  o.clean = true;
  o.keepalive = 60;
  o.props = props, o.num_props = 2;
  if (will_topic != NULL) {
    o.topic = mg_str(will_topic), o.message = mg_str("died"), o.qos = 1;
    o.will_props = will_props, o.num_will_props = 1;
  }
  s->c = mg_mqtt_connect(&s_mgr, s_url, &o, fn, s);
  CHECK(s->c != NULL);
  uint64_t end = mg_millis() + 5000;
  while (s->open_code < 0 && mg_millis() < end) mg_mgr_poll(&s_mgr, 5);
  CHECK(s->open_code == 0);
  CHECK(s->c->is_mqtt5 == (s_version == 5));
  // mosquitto's MQTT 5 CONNACK carries Receive Maximum (max_inflight 20).
  CHECK(s->receive_max == (s_version == 5 ? 20 : 0));
}

static void sub(struct conn_state *s, const char *topic, uint8_t qos) {
  struct mg_mqtt_opts o;
  struct mg_mqtt_prop id;
  int before = s->cmds[MQTT_CMD_SUBACK];
  memset(&o, 0, sizeof(o));
  memset(&id, 0, sizeof(id));
  id.id = MQTT_PROP_SUBSCRIPTION_IDENTIFIER, id.iv = 7;
  o.topic = mg_str(topic), o.qos = qos;
  o.props = &id, o.num_props = 1;
  mg_mqtt_sub(s->c, &o);
  CHECK(wait_for(&s->cmds[MQTT_CMD_SUBACK], before + 1, 5000));
}

static uint16_t pub(struct conn_state *s, const char *topic, struct mg_str data,
                    uint8_t qos, bool retain) {
  struct mg_mqtt_opts o;
  struct mg_mqtt_prop prop;
  memset(&o, 0, sizeof(o));
  memset(&prop, 0, sizeof(prop));
  prop.id = MQTT_PROP_USER_PROPERTY;
  prop.key = mg_str("from"), prop.val = mg_str("mongoose");
  o.topic = mg_str(topic), o.message = data, o.qos = qos, o.retain = retain;
  o.props = &prop, o.num_props = 1;
  return mg_mqtt_pub(s->c, &o);
}

static void scenario_qos(void) {
  struct conn_state a;
  connect_as(&a, "qos", NULL);
  sub(&a, "t/#", 2);
  for (uint8_t q = 0; q <= 2; q++) {
    char t[8];
    mg_snprintf(t, sizeof(t), "t/%d", q);
    CHECK((pub(&a, t, mg_str("x"), q, false) != 0) == (q > 0));
  }
  CHECK(wait_for(&a.msgs, 3, 5000));
  // The broker completes our QoS 2 publish (PUBREC, then PUBCOMP after the
  // library's PUBREL) and sends its QoS 2 delivery (PUBREL after the
  // library's PUBREC; the library answers PUBCOMP).
  CHECK(wait_for(&a.cmds[MQTT_CMD_PUBCOMP], 1, 5000));
  CHECK(wait_for(&a.cmds[MQTT_CMD_PUBREL], 1, 5000));
  CHECK(a.qos[0] == 0 && a.qos[1] == 1 && a.qos[2] == 2);
  CHECK(a.cmds[MQTT_CMD_PUBACK] == 1 && a.cmds[MQTT_CMD_PUBREC] == 1);
  if (s_version == 5) {
    CHECK_STR(a.user_prop, "from=mongoose");
    CHECK(a.sub_id == 7);  // our SUBSCRIBE's property, in mosquitto's PUBLISH
  } else {
    CHECK(a.user_prop[0] == '\0' && a.sub_id == 0);
  }
  poll_ms(200);  // the broker got our PUBCOMP: nothing more arrives
  CHECK(a.msgs == 3 && a.errors == 0);
}

static void scenario_retained(void) {
  struct conn_state a, b;
  connect_as(&a, "ret-a", NULL);
  pub(&a, "r/x", mg_str("kept"), 1, true);
  CHECK(wait_for(&a.cmds[MQTT_CMD_PUBACK], 1, 5000));
  connect_as(&b, "ret-b", NULL);
  sub(&b, "r/#", 1);
  CHECK(wait_for(&b.msgs, 1, 5000));
  CHECK_STR(b.topic, "r/x");
  CHECK_STR(b.data, "kept");
  CHECK(b.retain_flag);
  pub(&a, "r/x", mg_str(""), 1, true);  // clear it
  CHECK(wait_for(&a.cmds[MQTT_CMD_PUBACK], 2, 5000));
}

static void scenario_unsub(void) {
  struct conn_state a;
  struct mg_mqtt_opts o;
  connect_as(&a, "unsub", NULL);
  sub(&a, "u/#", 0);
  pub(&a, "u/1", mg_str("one"), 0, false);
  CHECK(wait_for(&a.msgs, 1, 5000));
  memset(&o, 0, sizeof(o));
  o.topic = mg_str("u/#");
  mg_mqtt_unsub(a.c, &o);
  CHECK(wait_for(&a.cmds[MQTT_CMD_UNSUBACK], 1, 5000));
  pub(&a, "u/2", mg_str("two"), 0, false);
  poll_ms(500);
  CHECK(a.msgs == 1);
}

static void scenario_ping(void) {
  struct conn_state a;
  connect_as(&a, "ping", NULL);
  mg_mqtt_ping(a.c);
  CHECK(wait_for(&a.cmds[MQTT_CMD_PINGRESP], 1, 5000));
  mg_mqtt_ping(a.c);
  CHECK(wait_for(&a.cmds[MQTT_CMD_PINGRESP], 2, 5000));
}

static void scenario_big(void) {
  struct conn_state a;
  s_big = (char *) malloc(BIG_LEN);
  for (size_t i = 0; i < BIG_LEN; i++) s_big[i] = (char) ('a' + (i * 7) % 26);
  connect_as(&a, "big", NULL);
  sub(&a, "big/#", 1);
  pub(&a, "big/x", mg_str_n(s_big, BIG_LEN), 1, false);
  CHECK(wait_for(&a.msgs, 1, 10000));
  CHECK(a.data_len == BIG_LEN && a.data_ok);
  free(s_big);
  s_big = NULL;
}

static void scenario_many(void) {
  struct conn_state a;
  char buf[16];
  connect_as(&a, "many", NULL);
  sub(&a, "m/#", 1);
  for (int i = 0; i < 10000; i++) {
    mg_snprintf(buf, sizeof(buf), "%05d", i);
    pub(&a, "m/x", mg_str(buf), 1, false);
  }
  CHECK(wait_for(&a.msgs, 10000, 30000));
  CHECK(a.msgs == 10000 && a.out_of_order == 0 && a.next_seq == 10000);
  CHECK(wait_for(&a.cmds[MQTT_CMD_PUBACK], 10000, 10000));
}

static void scenario_will(void) {
  struct conn_state a, b;
  connect_as(&b, "will-b", NULL);
  sub(&b, "wl/#", 1);
  connect_as(&a, "will-a", "wl/a");
  a.c->is_closing = 1;  // the socket closes without DISCONNECT
  CHECK(wait_for(&b.msgs, 1, 5000));
  CHECK_STR(b.topic, "wl/a");
  CHECK_STR(b.data, "died");
  if (s_version == 5) CHECK_STR(b.user_prop, "why=gone");  // will property
}

// --- MQTT in WebSocket binary frames, as the mqtt-over-ws-client tutorial ---

struct ws_state {
  bool open, done;
  int connack, suback, msgs;
  char data[64];
  char buf[4096];  // MQTT bytes received, not yet parsed
  size_t len;
};

static void ws_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct ws_state *s = (struct ws_state *) c->fn_data;
  if (ev == MG_EV_WS_OPEN) {
    struct mg_mqtt_opts opts;
    size_t len = c->send.len;
    memset(&opts, 0, sizeof(opts));
    opts.client_id = mg_str("ws"), opts.version = s_version, opts.clean = true;
    mg_mqtt_login(c, &opts);
    mg_ws_wrap(c, c->send.len - len, WEBSOCKET_OP_BINARY);
    s->open = true;
  } else if (ev == MG_EV_WS_MSG) {
    struct mg_ws_message *wm = (struct mg_ws_message *) ev_data;
    struct mg_mqtt_message mm;
    if (s->len + wm->data.len > sizeof(s->buf)) {
      s->done = true;
      return;
    }
    memcpy(s->buf + s->len, wm->data.buf, wm->data.len);
    s->len += wm->data.len;
    // A WebSocket message may hold several MQTT packets, or part of one.
    while (mg_mqtt_parse((uint8_t *) s->buf, s->len, c->is_mqtt5 ? 5 : 4, &mm) == MQTT_OK) {
      if (mm.cmd == MQTT_CMD_CONNACK && mm.ack == 0) {
        struct mg_mqtt_opts o;
        size_t len = c->send.len;
        s->connack++;
        memset(&o, 0, sizeof(o));
        o.topic = mg_str("ws/t"), o.qos = 0;
        mg_mqtt_sub(c, &o);
        mg_ws_wrap(c, c->send.len - len, WEBSOCKET_OP_BINARY);
      } else if (mm.cmd == MQTT_CMD_SUBACK) {
        struct mg_mqtt_opts o;
        size_t len = c->send.len;
        s->suback++;
        memset(&o, 0, sizeof(o));
        o.topic = mg_str("ws/t"), o.message = mg_str("over websocket"), o.qos = 1;
        mg_mqtt_pub(c, &o);
        mg_ws_wrap(c, c->send.len - len, WEBSOCKET_OP_BINARY);
      } else if (mm.cmd == MQTT_CMD_PUBLISH) {
        s->msgs++;
        mg_snprintf(s->data, sizeof(s->data), "%.*s", (int) mm.data.len, mm.data.buf);
      }
      memmove(s->buf, s->buf + mm.dgram.len, s->len - mm.dgram.len);
      s->len -= mm.dgram.len;
    }
  } else if (ev == MG_EV_CLOSE || ev == MG_EV_ERROR) {
    s->done = true;
  }
}

static void scenario_ws(void) {
  struct ws_state s;
  memset(&s, 0, sizeof(s));
  CHECK(mg_ws_connect(&s_mgr, s_url, ws_fn, &s, "%s",
                      "Sec-WebSocket-Protocol: mqtt\r\n") != NULL);
  uint64_t end = mg_millis() + 5000;
  while (s.msgs == 0 && !s.done && mg_millis() < end) mg_mgr_poll(&s_mgr, 5);
  CHECK(s.open && s.connack == 1 && s.suback == 1);
  CHECK(s.msgs == 1);
  CHECK_STR(s.data, "over websocket");
}

int main(int argc, char *argv[]) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SCENARIO URL VERSION\n", argv[0]);
    return 2;
  }
  s_url = argv[2];
  s_version = (uint8_t) atoi(argv[3]);
  mg_log_set(MG_LL_ERROR);
  mg_mgr_init(&s_mgr);
  if (strcmp(argv[1], "qos") == 0) scenario_qos();
  else if (strcmp(argv[1], "retained") == 0) scenario_retained();
  else if (strcmp(argv[1], "unsub") == 0) scenario_unsub();
  else if (strcmp(argv[1], "ping") == 0) scenario_ping();
  else if (strcmp(argv[1], "big") == 0) scenario_big();
  else if (strcmp(argv[1], "many") == 0) scenario_many();
  else if (strcmp(argv[1], "will") == 0) scenario_will();
  else if (strcmp(argv[1], "ws") == 0) scenario_ws();
  else {
    fprintf(stderr, "unknown scenario %s\n", argv[1]);
    return 2;
  }
  mg_mgr_free(&s_mgr);
  return test_summary(argv[1]);
}
