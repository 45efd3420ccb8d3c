// MQTT: mg_mqtt_parse() and mg_mqtt_next_prop() on packets of both versions,
// the packets mg_mqtt_* build, and a client against a small broker written
// here on mg_mqtt_listen() (the way Mongoose's broker tutorial does it), over
// loopback TCP: CONNECT with will, user and password, SUBSCRIBE, QoS 0/1/2
// both ways with the handshakes the library answers, DUP on retransmission,
// MQTT 5 properties both ways, a refused CONNACK; then every kind of hostile
// input from a raw socket, each giving MG_EV_ERROR and a close while another
// client keeps working.
#include "test_util.h"

#define MAX_CMDS 64

struct side {
  int cmds[MAX_CMDS];  // MQTT_CMD_* seen, in order
  int ncmds;
  int msgs;            // MG_EV_MQTT_MSG
  char last_topic[64], last_data[64];
  uint8_t last_qos, last_first_byte;
  int open_code;       // from MG_EV_MQTT_OPEN, -1 before
  int errors;
  char last_error[200];
  bool closed;
  bool is_mqtt5;
  uint8_t connect_flags;
  char user_prop[64];  // "key=value" of a received user property
  uint32_t expiry;     // received message expiry interval
};

static struct side s_srv, s_cli;
static uint8_t s_connack_code;  // what the broker answers CONNECT with

static void record(struct side *s, int ev, void *ev_data) {
  if (ev == MG_EV_MQTT_CMD) {
    struct mg_mqtt_message *mm = (struct mg_mqtt_message *) ev_data;
    if (s->ncmds < MAX_CMDS) s->cmds[s->ncmds++] = mm->cmd;
  } else if (ev == MG_EV_MQTT_MSG) {
    struct mg_mqtt_message *mm = (struct mg_mqtt_message *) ev_data;
    struct mg_mqtt_prop prop;
    size_t ofs = 0;
    s->msgs++;
    mg_snprintf(s->last_topic, sizeof(s->last_topic), "%.*s",
                (int) mm->topic.len, mm->topic.buf);
    mg_snprintf(s->last_data, sizeof(s->last_data), "%.*s",
                (int) mm->data.len, mm->data.buf);
    s->last_qos = mm->qos;
    s->last_first_byte = (uint8_t) mm->dgram.buf[0];
    while ((ofs = mg_mqtt_next_prop(mm, &prop, ofs)) > 0) {
      if (prop.id == MQTT_PROP_USER_PROPERTY) {
        mg_snprintf(s->user_prop, sizeof(s->user_prop), "%.*s=%.*s",
                    (int) prop.key.len, prop.key.buf, (int) prop.val.len,
                    prop.val.buf);
      } else if (prop.id == MQTT_PROP_MESSAGE_EXPIRY_INTERVAL) {
        s->expiry = prop.iv;
      }
    }
  } else if (ev == MG_EV_MQTT_OPEN) {
    s->open_code = *(int *) ev_data;
  } else if (ev == MG_EV_ERROR) {
    s->errors++;
    mg_snprintf(s->last_error, sizeof(s->last_error), "%s", (char *) ev_data);
  } else if (ev == MG_EV_CLOSE) {
    s->closed = true;
  }
}

// The broker: CONNACK, SUBACK, and every PUBLISH echoed back to its sender
// with the same QoS and properties.
static void broker_fn(struct mg_connection *c, int ev, void *ev_data) {
  if (c->is_listening) return;
  record(&s_srv, ev, ev_data);
  if (ev != MG_EV_MQTT_CMD) return;
  struct mg_mqtt_message *mm = (struct mg_mqtt_message *) ev_data;
  s_srv.is_mqtt5 = c->is_mqtt5;
  if (mm->cmd == MQTT_CMD_CONNECT) {
    // Flags byte: after the 2-byte length, "MQTT" and the level.
    s_srv.connect_flags = (uint8_t) mm->dgram.buf[9];
    if (c->is_mqtt5) {  // CONNECT properties, through mg_mqtt_next_prop()
      struct mg_mqtt_prop prop;
      size_t ofs = 0;
      while ((ofs = mg_mqtt_next_prop(mm, &prop, ofs)) > 0) {
        if (prop.id == MQTT_PROP_USER_PROPERTY)
          mg_snprintf(s_srv.user_prop, sizeof(s_srv.user_prop), "%.*s=%.*s",
                      (int) prop.key.len, prop.key.buf, (int) prop.val.len,
                      prop.val.buf);
      }
    }
    if (c->is_mqtt5) {
      uint8_t resp[] = {0, s_connack_code, 0};  // no properties
      mg_mqtt_send_header(c, MQTT_CMD_CONNACK, 0, sizeof(resp));
      mg_send(c, resp, sizeof(resp));
    } else {
      uint8_t resp[] = {0, s_connack_code};
      mg_mqtt_send_header(c, MQTT_CMD_CONNACK, 0, sizeof(resp));
      mg_send(c, resp, sizeof(resp));
    }
  } else if (mm->cmd == MQTT_CMD_SUBSCRIBE) {
    uint16_t id = mg_htons(mm->id);
    uint8_t qos = 2, zero = 0;
    mg_mqtt_send_header(c, MQTT_CMD_SUBACK, 0, c->is_mqtt5 ? 4 : 3);
    mg_send(c, &id, 2);
    if (c->is_mqtt5) mg_send(c, &zero, 1);
    mg_send(c, &qos, 1);
  } else if (mm->cmd == MQTT_CMD_PUBLISH) {
    struct mg_mqtt_prop props[4];
    size_t n = 0, ofs = 0;
    struct mg_mqtt_opts o;
    memset(&o, 0, sizeof(o));
    while (n < 4 && (ofs = mg_mqtt_next_prop(mm, &props[n], ofs)) > 0) n++;
    o.topic = mm->topic, o.message = mm->data, o.qos = mm->qos;
    o.props = props, o.num_props = n;
    mg_mqtt_pub(c, &o);
  } else if (mm->cmd == MQTT_CMD_PINGREQ) {
    mg_mqtt_pong(c);
  }
}

static void client_fn(struct mg_connection *c, int ev, void *ev_data) {
  record(&s_cli, ev, ev_data);
  (void) c;
}

static void reset(void) {
  memset(&s_srv, 0, sizeof(s_srv));
  memset(&s_cli, 0, sizeof(s_cli));
  s_srv.open_code = s_cli.open_code = -1;
}

static bool has_cmd(const struct side *s, int cmd) {
  for (int i = 0; i < s->ncmds; i++)
    if (s->cmds[i] == cmd) return true;
  return false;
}

static int count_cmd(const struct side *s, int cmd) {
  int n = 0;
  for (int i = 0; i < s->ncmds; i++) n += s->cmds[i] == cmd;
  return n;
}

static void poll_for(struct mg_mgr *mgr, int ms) {
  uint64_t end = mg_millis() + (uint64_t) ms;
  while (mg_millis() < end) mg_mgr_poll(mgr, 5);
}

static bool poll_until_fn(struct mg_mgr *mgr, bool (*done)(void), int ms) {
  uint64_t end = mg_millis() + (uint64_t) ms;
  while (!done() && mg_millis() < end) mg_mgr_poll(mgr, 5);
  return done();
}

static bool cli_open(void) { return s_cli.open_code >= 0; }
static bool cli_has_suback(void) { return has_cmd(&s_cli, MQTT_CMD_SUBACK); }
static int s_want_msgs;
static bool cli_got_msgs(void) { return s_cli.msgs >= s_want_msgs; }
static bool qos2_done(void) {
  return has_cmd(&s_cli, MQTT_CMD_PUBCOMP) && has_cmd(&s_srv, MQTT_CMD_PUBCOMP);
}
static bool srv_error(void) { return s_srv.errors > 0 && s_srv.closed; }
static bool cli_closed(void) { return s_cli.closed; }

// --- the API's values, as Mongoose 7.22's mqtt.h has them ---

static void test_values(void) {
  int cmds[] = {MQTT_CMD_CONNECT,     MQTT_CMD_CONNACK,   MQTT_CMD_PUBLISH,
                MQTT_CMD_PUBACK,      MQTT_CMD_PUBREC,    MQTT_CMD_PUBREL,
                MQTT_CMD_PUBCOMP,     MQTT_CMD_SUBSCRIBE, MQTT_CMD_SUBACK,
                MQTT_CMD_UNSUBSCRIBE, MQTT_CMD_UNSUBACK,  MQTT_CMD_PINGREQ,
                MQTT_CMD_PINGRESP,    MQTT_CMD_DISCONNECT, MQTT_CMD_AUTH};
  for (int i = 0; i < 15; i++) CHECK(cmds[i] == i + 1);
  CHECK(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR == 0x01);
  CHECK(MQTT_PROP_CORRELATION_DATA == 0x09);
  CHECK(MQTT_PROP_SUBSCRIPTION_IDENTIFIER == 0x0B);
  CHECK(MQTT_PROP_SESSION_EXPIRY_INTERVAL == 0x11);
  CHECK(MQTT_PROP_AUTHENTICATION_DATA == 0x16);
  CHECK(MQTT_PROP_RESPONSE_INFORMATION == 0x1A);
  CHECK(MQTT_PROP_SERVER_REFERENCE == 0x1C);
  CHECK(MQTT_PROP_REASON_STRING == 0x1F);
  CHECK(MQTT_PROP_RECEIVE_MAXIMUM == 0x21);
  CHECK(MQTT_PROP_USER_PROPERTY == 0x26);
  CHECK(MQTT_PROP_SHARED_SUBSCRIPTION_AVAILABLE == 0x2A);
  CHECK(MQTT_PROP_TYPE_BYTE == 0 && MQTT_PROP_TYPE_STRING == 1);
  CHECK(MQTT_PROP_TYPE_STRING_PAIR == 2 && MQTT_PROP_TYPE_BINARY_DATA == 3);
  CHECK(MQTT_PROP_TYPE_VARIABLE_INT == 4 && MQTT_PROP_TYPE_INT == 5);
  CHECK(MQTT_PROP_TYPE_SHORT == 6);
  CHECK(MQTT_OK == 0 && MQTT_INCOMPLETE == 1 && MQTT_MALFORMED == 2);
  CHECK(MG_EV_MQTT_CMD == MG_EV_WS_CTL + 1 && MG_EV_MQTT_OPEN == MG_EV_MQTT_CMD + 2);
  // The struct layouts of a 64-bit Mongoose build.
  if (sizeof(void *) == 8) {
    CHECK(sizeof(struct mg_mqtt_prop) == 40);
    CHECK(sizeof(struct mg_mqtt_opts) == 120);
    CHECK(sizeof(struct mg_mqtt_message) == 72);
    CHECK(offsetof(struct mg_mqtt_message, ack) == 52);
    CHECK(offsetof(struct mg_mqtt_opts, clean) == 87);
  }
}

// --- mg_mqtt_parse and mg_mqtt_next_prop on fixed bytes ---

static void test_parse(void) {
  struct mg_mqtt_message m;
  // 3.1.1 PUBLISH QoS 1, topic "a/b", id 7, payload "hi".
  uint8_t p4[] = {0x32, 9, 0, 3, 'a', '/', 'b', 0, 7, 'h', 'i'};
  CHECK(mg_mqtt_parse(p4, sizeof(p4), 4, &m) == MQTT_OK);
  CHECK(m.cmd == MQTT_CMD_PUBLISH && m.qos == 1 && m.id == 7);
  CHECK(m.topic.len == 3 && memcmp(m.topic.buf, "a/b", 3) == 0);
  CHECK(m.data.len == 2 && memcmp(m.data.buf, "hi", 2) == 0);
  CHECK(m.dgram.buf == (char *) p4 && m.dgram.len == sizeof(p4));
  CHECK(mg_mqtt_parse(p4, 5, 4, &m) == MQTT_INCOMPLETE);
  CHECK(mg_mqtt_parse(p4, 1, 4, &m) == MQTT_INCOMPLETE);

  // MQTT 5 PUBLISH with a user property k=v and message expiry 300.
  uint8_t p5[] = {0x30, 20, 0, 1, 't', 12, 0x26, 0, 1, 'k', 0, 1, 'v',
                  0x02, 0, 0, 1, 0x2c, 'x', 'y', 'z', '!'};
  struct mg_mqtt_prop prop;
  size_t ofs;
  CHECK(mg_mqtt_parse(p5, sizeof(p5), 5, &m) == MQTT_OK);
  CHECK(m.props_start == 6 && m.props_size == 12);
  CHECK(m.data.len == 4 && memcmp(m.data.buf, "xyz!", 4) == 0);
  ofs = mg_mqtt_next_prop(&m, &prop, 0);
  CHECK(ofs == 7 && prop.id == MQTT_PROP_USER_PROPERTY);
  CHECK(prop.key.len == 1 && prop.key.buf[0] == 'k');
  CHECK(prop.val.len == 1 && prop.val.buf[0] == 'v');
  ofs = mg_mqtt_next_prop(&m, &prop, ofs);
  CHECK(ofs == 12 && prop.id == MQTT_PROP_MESSAGE_EXPIRY_INTERVAL);
  CHECK(prop.iv == 300);
  CHECK(mg_mqtt_next_prop(&m, &prop, ofs) == 0);

  // CONNACK: the code is in ack.
  uint8_t ca[] = {0x20, 2, 0, 5};
  CHECK(mg_mqtt_parse(ca, sizeof(ca), 4, &m) == MQTT_OK && m.ack == 5);
  // SUBACK and UNSUBACK carry the id.
  uint8_t sa[] = {0x90, 3, 0x12, 0x34, 1};
  CHECK(mg_mqtt_parse(sa, sizeof(sa), 4, &m) == MQTT_OK && m.id == 0x1234);
  // AUTH is a packet in MQTT 5 only.
  uint8_t auth[] = {0xf0, 0};
  CHECK(mg_mqtt_parse(auth, sizeof(auth), 5, &m) == MQTT_OK);
  CHECK(mg_mqtt_parse(auth, sizeof(auth), 4, &m) == MQTT_MALFORMED);
}

// The hostile packets, each malformed for mg_mqtt_parse() and for a server.
struct bad {
  const char *name;
  uint8_t bytes[16];
  size_t len;
  uint8_t version;
};

static const struct bad s_bad[] = {
    {"remaining length over 4 bytes", {0x30, 0xff, 0xff, 0xff, 0xff, 1}, 6, 4},
    {"remaining length past MG_MAX_RECV_SIZE", {0x30, 0xff, 0xff, 0xff, 0x7f}, 5, 4},
    {"truncated PUBACK", {0x40, 1, 0}, 3, 4},
    {"truncated SUBSCRIBE", {0x82, 1, 0}, 3, 4},
    {"truncated CONNACK", {0x20, 1, 0}, 3, 4},
    {"truncated PUBLISH id", {0x32, 4, 0, 1, 'a', 0}, 6, 4},
    {"truncated CONNECT", {0x10, 4, 0, 4, 'M', 'Q'}, 6, 4},
    {"property length past the packet", {0x30, 5, 0, 1, 't', 9, 1}, 7, 5},
    {"property value past its section", {0x30, 6, 0, 1, 't', 2, 0x23, 0}, 8, 5},
    {"unknown property", {0x30, 6, 0, 1, 't', 2, 0x7f, 0}, 8, 5},
    {"topic length past the end", {0x30, 3, 0, 9, 'a'}, 5, 4},
    {"zero-length topic without alias", {0x30, 2, 0, 0}, 4, 4},
    {"zero-length topic without alias (5)", {0x30, 3, 0, 0, 0}, 5, 5},
    {"invalid UTF-8 in topic", {0x30, 4, 0, 2, 0xc3, 0x28}, 6, 4},
    {"wildcard in a PUBLISH topic", {0x30, 3, 0, 1, '+'}, 5, 4},
    {"packet type 0", {0x00, 0}, 2, 4},
    {"packet type 15", {0xf0, 0}, 2, 4},
    {"QoS 3", {0x36, 5, 0, 1, 'a', 0, 1}, 7, 4},
    {"reserved flags", {0x42, 2, 0, 1}, 4, 4},
    {"QoS 1 with packet id 0", {0x32, 5, 0, 1, 'a', 0, 0}, 7, 4},
};
#define NUM_BAD (sizeof(s_bad) / sizeof(s_bad[0]))

static void test_parse_malformed(void) {
  for (size_t i = 0; i < NUM_BAD; i++) {
    struct mg_mqtt_message m;
    int rc = mg_mqtt_parse(s_bad[i].bytes, s_bad[i].len, s_bad[i].version, &m);
    if (rc != MQTT_MALFORMED) fprintf(stderr, "not malformed: %s\n", s_bad[i].name);
    CHECK(rc == MQTT_MALFORMED);
  }
  // next_prop never reads outside dgram, whatever the message says.
  uint8_t p[] = {0x30, 3, 0, 1, 't'};
  struct mg_mqtt_message m;
  struct mg_mqtt_prop prop;
  memset(&m, 0, sizeof(m));
  m.dgram = mg_str_n((char *) p, sizeof(p));
  m.props_start = 3, m.props_size = 100;
  CHECK(mg_mqtt_next_prop(&m, &prop, 0) == 0);
  m.props_start = 1000, m.props_size = 1;
  CHECK(mg_mqtt_next_prop(&m, &prop, 0) == 0);
}

// --- a client against the broker above ---

static struct mg_connection *start_client(struct mg_mgr *mgr, const char *url,
                                          uint8_t version) {
  struct mg_mqtt_opts o;
  static struct mg_mqtt_prop props[1];
  memset(&o, 0, sizeof(o));
  props[0].id = MQTT_PROP_USER_PROPERTY;
  props[0].key = mg_str("hello"), props[0].val = mg_str("broker");
  o.props = props, o.num_props = 1;
  o.client_id = mg_str("tester");
  o.user = mg_str("alice"), o.pass = mg_str("secret");
  o.topic = mg_str("will/topic"), o.message = mg_str("gone");
  o.qos = 1, o.retain = true, o.clean = true, o.keepalive = 30;
  o.version = version;
  return mg_mqtt_connect(mgr, url, &o, client_fn, NULL);
}

static void test_session(struct mg_mgr *mgr, const char *url, uint8_t version) {
  struct mg_connection *c;
  struct mg_mqtt_opts o;
  uint16_t id1, id2;
  reset();
  c = start_client(mgr, url, version);
  CHECK(c != NULL);
  CHECK(poll_until_fn(mgr, cli_open, 3000));
  CHECK(s_cli.open_code == 0);
  CHECK(c->is_mqtt5 == (version == 5));
  CHECK(s_srv.is_mqtt5 == (version == 5));
  // will (0x04), will QoS 1 (0x08), will retain (0x20), user, password,
  // clean session.
  CHECK(s_srv.connect_flags == 0xee);
  CHECK(s_cli.cmds[0] == MQTT_CMD_CONNACK);
  CHECK(strcmp(s_srv.user_prop, version == 5 ? "hello=broker" : "") == 0);

  memset(&o, 0, sizeof(o));
  o.topic = mg_str("a/+/c"), o.qos = 2;
  mg_mqtt_sub(c, &o);
  CHECK(poll_until_fn(mgr, cli_has_suback, 3000));

  // QoS 0, 1 and 2 round trips: the broker echoes with the same QoS.
  for (uint8_t qos = 0; qos <= 2; qos++) {
    struct mg_mqtt_prop props[2];
    char msg[16];
    memset(&o, 0, sizeof(o));
    memset(props, 0, sizeof(props));
    props[0].id = MQTT_PROP_USER_PROPERTY;
    props[0].key = mg_str("color"), props[0].val = mg_str("blue");
    props[1].id = MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, props[1].iv = 600;
    mg_snprintf(msg, sizeof(msg), "qos%d", qos);
    o.topic = mg_str("a/b/c"), o.message = mg_str(msg), o.qos = qos;
    o.props = props, o.num_props = 2;
    id1 = mg_mqtt_pub(c, &o);
    CHECK((qos == 0) == (id1 == 0));
    s_want_msgs = qos + 1;
    CHECK(poll_until_fn(mgr, cli_got_msgs, 3000));
    CHECK_STR(s_cli.last_topic, "a/b/c");
    CHECK_STR(s_cli.last_data, msg);
    CHECK(s_cli.last_qos == qos);
    CHECK_STR(s_srv.last_data, msg);
    if (version == 5) {
      CHECK_STR(s_cli.user_prop, "color=blue");
      CHECK(s_cli.expiry == 600);
    } else {
      CHECK(s_cli.user_prop[0] == '\0');
    }
  }
  // The QoS handshakes, answered by the library on both sides:
  // client PUBLISH(1) -> server PUBACK; server PUBLISH(1) -> client PUBACK;
  // QoS 2: PUBREC, PUBREL, PUBCOMP in both directions.
  CHECK(poll_until_fn(mgr, qos2_done, 3000));
  CHECK(count_cmd(&s_cli, MQTT_CMD_PUBACK) == 1);
  CHECK(count_cmd(&s_srv, MQTT_CMD_PUBACK) == 1);
  CHECK(count_cmd(&s_cli, MQTT_CMD_PUBREC) == 1);
  CHECK(count_cmd(&s_srv, MQTT_CMD_PUBREC) == 1);
  CHECK(count_cmd(&s_cli, MQTT_CMD_PUBREL) == 1);
  CHECK(count_cmd(&s_srv, MQTT_CMD_PUBREL) == 1);
  CHECK(count_cmd(&s_cli, MQTT_CMD_PUBCOMP) == 1);
  CHECK(count_cmd(&s_srv, MQTT_CMD_PUBCOMP) == 1);

  // Fresh ids, and a retransmission keeps its id and sets DUP.
  memset(&o, 0, sizeof(o));
  o.topic = mg_str("x/y"), o.message = mg_str("dup"), o.qos = 1;
  id1 = mg_mqtt_pub(c, &o);
  id2 = mg_mqtt_pub(c, &o);
  CHECK(id1 != 0 && id2 != 0 && id2 != id1);
  o.retransmit_id = id1;
  CHECK(mg_mqtt_pub(c, &o) == id1);
  s_want_msgs = 0;
  poll_for(mgr, 100);
  CHECK(s_srv.last_first_byte == (0x30 | 2 | 8));  // PUBLISH, QoS 1, DUP

  // PINGREQ / PINGRESP, UNSUBSCRIBE, DISCONNECT.
  mg_mqtt_ping(c);
  memset(&o, 0, sizeof(o));
  o.topic = mg_str("a/+/c");
  mg_mqtt_unsub(c, &o);
  poll_for(mgr, 100);
  CHECK(has_cmd(&s_cli, MQTT_CMD_PINGRESP));
  CHECK(has_cmd(&s_srv, MQTT_CMD_UNSUBSCRIBE));
  mg_mqtt_disconnect(c, NULL);
  c->is_draining = 1;
  CHECK(poll_until_fn(mgr, cli_closed, 3000));
  poll_for(mgr, 50);
  CHECK(has_cmd(&s_srv, MQTT_CMD_DISCONNECT));
  CHECK(s_cli.errors == 0 && s_srv.errors == 0);
}

static void test_refused(struct mg_mgr *mgr, const char *url) {
  reset();
  s_connack_code = 5;  // not authorised
  start_client(mgr, url, 4);
  CHECK(poll_until_fn(mgr, cli_closed, 3000));
  CHECK(s_cli.open_code == 5);
  s_connack_code = 0;
}

// Each hostile packet from a raw socket: MG_EV_ERROR saying "malformed" on
// the server side, the socket closed, and the manager still serving.
static void test_hostile(struct mg_mgr *mgr, int port, const char *url) {
  for (size_t i = 0; i < NUM_BAD; i++) {
    uint8_t connect5[] = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 0,
                          0, 0, 0};
    char buf[64];
    int fd = tcp_connect(port, 3000);
    CHECK(fd >= 0);
    reset();
    if (s_bad[i].version == 5) {
      CHECK(send(fd, connect5, sizeof(connect5), 0) == (ssize_t) sizeof(connect5));
      while (!has_cmd(&s_srv, MQTT_CMD_CONNECT) && s_srv.errors == 0)
        mg_mgr_poll(mgr, 5);
      CHECK(recv(fd, buf, sizeof(buf), 0) == 5);  // CONNACK
    }
    CHECK(send(fd, s_bad[i].bytes, s_bad[i].len, 0) == (ssize_t) s_bad[i].len);
    bool ok = poll_until_fn(mgr, srv_error, 3000);
    if (!ok || strstr(s_srv.last_error, "malformed") == NULL)
      fprintf(stderr, "%s: %s\n", s_bad[i].name, s_srv.last_error);
    CHECK(ok);
    CHECK(strstr(s_srv.last_error, "MQTT: malformed packet") != NULL);
    CHECK(recv(fd, buf, sizeof(buf), 0) == 0);  // closed
    close(fd);
  }
  // A client that stops inside a packet holds nothing up: another one
  // completes a whole session meanwhile.
  {
    uint8_t partial[] = {0x30, 0x80};  // PUBLISH, remaining length unfinished
    int fd = tcp_connect(port, 3000);
    CHECK(fd >= 0);
    CHECK(send(fd, partial, sizeof(partial), 0) == (ssize_t) sizeof(partial));
    test_session(mgr, url, 4);
    close(fd);
  }
}

int main(void) {
  struct mg_mgr mgr;
  struct mg_connection *lc;
  char url[64];
  int port;
  mg_log_set(MG_LL_INFO);
  test_values();
  test_parse();
  test_parse_malformed();

  mg_mgr_init(&mgr);
  lc = mg_mqtt_listen(&mgr, "mqtt://127.0.0.1:0", broker_fn, NULL);
  CHECK(lc != NULL);
  port = mg_ntohs(lc->loc.port);
  mg_snprintf(url, sizeof(url), "mqtt://127.0.0.1:%d", port);
  test_session(&mgr, url, 4);
  test_session(&mgr, url, 5);
  test_refused(&mgr, url);
  test_hostile(&mgr, port, url);
  CHECK(mg_mqtt_listen(NULL, url, broker_fn, NULL) == NULL);
  CHECK(mg_mqtt_connect(&mgr, NULL, NULL, client_fn, NULL) == NULL);
  mg_mgr_free(&mgr);
  return test_summary("test_mqtt");
}
