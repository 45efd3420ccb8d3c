// A small MQTT broker on mg_mqtt_listen(), for MQTT 3.1.1 and 5.0 clients:
// topic filters as the MQTT specification defines them ('+' one level, '#'
// the rest, '$' topics not matched by a leading wildcard), QoS 0 and 1
// delivery (QoS 2 requests are granted QoS 1), retained messages, wills
// (published when a client goes away without DISCONNECT, or is dropped for
// silence), keepalive enforcement (a client silent for 1.5 times its
// keepalive is disconnected) and MQTT 5 properties passed on to MQTT 5
// subscribers. No persistent sessions: a client's subscriptions end with
// its connection. Not implemented: MQTT 5 will delay and session expiry
// (wills go out at once), message expiry, topic aliases (refused), shared
// subscriptions and subscription identifiers (CONNACK says so), AUTH.
// Flow control: while a subscriber has more than THROTTLE_HIGH bytes waiting
// to be sent, the clients publishing to it are not read from (c->is_full),
// until every backlog is under THROTTLE_LOW (or a second has passed); a
// subscriber more than DROP_QOS0 behind, not reading, gets no more QoS 0
// messages until it catches up.
//   ./mqtt_broker [-l URL] [-v LOG_LEVEL]     default URL mqtt://0.0.0.0:1883
#include "mongoose.h"

#define MAX_PROPS 32
#define THROTTLE_HIGH (256 * 1024)
#define THROTTLE_LOW (64 * 1024)
#define DROP_QOS0 (1024 * 1024)

struct sub {
  struct sub *next;
  char *filter;
  size_t len;
  uint8_t qos;              // granted QoS (0 or 1)
  bool no_local;            // MQTT 5: not our own messages
  bool retain_as_published; // MQTT 5: keep the retain flag when forwarding
};

struct client {
  struct client *next;
  struct mg_connection *c;
  char *id;
  bool connected;      // CONNECT accepted
  uint16_t keepalive;  // seconds, 0: none
  uint64_t last_seen;  // mg_millis() of the last byte received
  struct sub *subs;
  // The will, published unless the client disconnects properly.
  bool has_will;
  char *will_topic, *will_msg, *will_props;
  size_t will_topic_len, will_msg_len, will_props_len;
  uint8_t will_qos;
  bool will_retain;
};

struct retained {
  struct retained *next;
  char *topic, *data, *props;  // props: raw MQTT 5 property bytes
  size_t topic_len, data_len, props_len;
  uint8_t qos;
};

static struct client *s_clients;
static struct retained *s_retained;
static uint64_t s_throttled_since;  // mg_millis() when reading was paused, or 0
static unsigned long s_dropped;     // QoS 0 messages not sent to slow readers
static int s_signo;

static void signal_handler(int signo) {
  s_signo = signo;
}

static char *copy(const char *p, size_t n) {
  char *s = (char *) malloc(n + 1);
  if (s != NULL) {
    if (n > 0) memcpy(s, p, n);
    s[n] = '\0';
  }
  return s;
}

static uint16_t get16(const uint8_t *p) {
  return (uint16_t) (p[0] << 8 | p[1]);
}

// Reads a variable byte integer at *pos (bounded by end); false if invalid.
static bool get_varint(const uint8_t *b, size_t end, size_t *pos, size_t *val) {
  size_t v = 0;
  for (int i = 0; i < 4 && *pos < end; i++) {
    uint8_t x = b[(*pos)++];
    v |= (size_t) (x & 0x7f) << (7 * i);
    if ((x & 0x80) == 0) {
      *val = v;
      return true;
    }
  }
  return false;
}

// Reads a two-byte length and that many bytes at *pos; false if they do not fit.
static bool get_str(const uint8_t *b, size_t end, size_t *pos, struct mg_str *s) {
  if (*pos + 2 > end) return false;
  s->len = get16(b + *pos);
  s->buf = (char *) b + *pos + 2;
  if (*pos + 2 + s->len > end) return false;
  *pos += 2 + s->len;
  return true;
}

// Offset of the variable header: after the fixed header's remaining length.
static size_t var_header(const struct mg_mqtt_message *mm) {
  size_t pos = 1, len;
  get_varint((const uint8_t *) mm->dgram.buf, mm->dgram.len, &pos, &len);
  return pos;
}

// Next level of s from *pos into *lvl; false once s is used up.
static bool next_level(struct mg_str s, size_t *pos, struct mg_str *lvl) {
  size_t end = *pos;
  if (*pos > s.len) return false;
  while (end < s.len && s.buf[end] != '/') end++;
  lvl->buf = s.buf + *pos, lvl->len = end - *pos;
  *pos = end + 1;
  return true;
}

// MQTT topic matching (3.1.1 section 4.7, 5.0 section 4.7).
static bool topic_matches(struct mg_str filter, struct mg_str topic) {
  size_t fp = 0, tp = 0;
  struct mg_str f, t;
  if (topic.len > 0 && topic.buf[0] == '$' && filter.len > 0 &&
      (filter.buf[0] == '+' || filter.buf[0] == '#'))
    return false;
  while (next_level(filter, &fp, &f)) {
    if (f.len == 1 && f.buf[0] == '#') return true;  // also matches the parent
    if (!next_level(topic, &tp, &t)) return false;
    if (f.len == 1 && f.buf[0] == '+') continue;
    if (f.len != t.len || memcmp(f.buf, t.buf, f.len) != 0) return false;
  }
  return tp > topic.len;
}

static bool valid_filter(struct mg_str f) {
  if (f.len == 0) return false;
  for (size_t i = 0; i < f.len; i++) {
    bool starts = i == 0 || f.buf[i - 1] == '/';
    if (f.buf[i] == '\0') return false;
    if (f.buf[i] == '#' && (!starts || i + 1 != f.len)) return false;
    if (f.buf[i] == '+' && (!starts || (i + 1 < f.len && f.buf[i + 1] != '/')))
      return false;
  }
  return true;
}

// Reads the raw MQTT 5 property bytes into props[], leaving out the topic
// alias and subscription identifiers, which are per connection.
static size_t load_props(const char *raw, size_t len, struct mg_mqtt_prop *props) {
  struct mg_mqtt_message m;
  size_t n = 0, ofs = 0;
  memset(&m, 0, sizeof(m));
  m.dgram = mg_str_n(raw, len);
  m.props_start = 0, m.props_size = len;
  while (n < MAX_PROPS && (ofs = mg_mqtt_next_prop(&m, &props[n], ofs)) > 0) {
    if (props[n].id != MQTT_PROP_TOPIC_ALIAS &&
        props[n].id != MQTT_PROP_SUBSCRIPTION_IDENTIFIER)
      n++;
  }
  return n;
}

static void send_pub(struct mg_connection *c, struct mg_str topic,
                     struct mg_str data, uint8_t qos, bool retain,
                     const char *props, size_t props_len) {
  struct mg_mqtt_prop p[MAX_PROPS];
  struct mg_mqtt_opts o;
  memset(&o, 0, sizeof(o));
  o.topic = topic, o.message = data, o.qos = qos, o.retain = retain;
  if (c->is_mqtt5 && props_len > 0) {
    o.props = p;
    o.num_props = load_props(props, props_len, p);
  }
  mg_mqtt_pub(c, &o);
}

// Delivers a message to every client with a matching subscription, once per
// client, at the highest QoS its matching subscriptions allow.
static void deliver(struct client *from, struct mg_str topic, struct mg_str data,
                    uint8_t qos, bool retain, const char *props, size_t props_len) {
  for (struct client *cl = s_clients; cl != NULL; cl = cl->next) {
    int best = -1;
    bool keep_retain = false;
    if (!cl->connected || cl->c->is_closing) continue;
    for (struct sub *s = cl->subs; s != NULL; s = s->next) {
      if (s->no_local && cl == from) continue;
      if (!topic_matches(mg_str_n(s->filter, s->len), topic)) continue;
      if (s->qos > best) best = s->qos;
      keep_retain |= s->retain_as_published;
    }
    if (best < 0) continue;
    if (qos == 0 || best == 0) {
      if (cl->c->send.len > DROP_QOS0) {
        s_dropped++;
        continue;
      }
    }
    send_pub(cl->c, topic, data, (uint8_t) (qos < best ? qos : best),
             retain && keep_retain, props, props_len);
    if (cl->c->send.len > THROTTLE_HIGH && from != NULL && !from->c->is_full) {
      from->c->is_full = 1;  // stop reading from the publisher for now
      if (s_throttled_since == 0) s_throttled_since = mg_millis();
    }
  }
}

// Resumes reading from every client once the backlogs are small again.
static void check_throttle(void) {
  if (s_throttled_since == 0) return;
  if (mg_millis() - s_throttled_since < 1000) {
    for (struct client *cl = s_clients; cl != NULL; cl = cl->next) {
      size_t n = cl->c->send.len;
      if (n > THROTTLE_LOW && n <= DROP_QOS0) return;
    }
  }
  for (struct client *cl = s_clients; cl != NULL; cl = cl->next) cl->c->is_full = 0;
  s_throttled_since = 0;
}

static void retain_message(struct mg_str topic, struct mg_str data, uint8_t qos,
                           const char *props, size_t props_len) {
  struct retained **pp = &s_retained, *r;
  while (*pp != NULL && mg_strcmp(mg_str_n((*pp)->topic, (*pp)->topic_len), topic) != 0)
    pp = &(*pp)->next;
  if ((r = *pp) != NULL) {  // replace or, with an empty payload, delete
    *pp = r->next;
    free(r->topic), free(r->data), free(r->props), free(r);
  }
  if (data.len == 0) return;
  r = (struct retained *) calloc(1, sizeof(*r));
  if (r == NULL) return;
  r->topic = copy(topic.buf, topic.len), r->topic_len = topic.len;
  r->data = copy(data.buf, data.len), r->data_len = data.len;
  r->props = copy(props, props_len), r->props_len = props_len;
  r->qos = qos;
  r->next = s_retained, s_retained = r;
}

static void publish(struct client *from, struct mg_str topic, struct mg_str data,
                    uint8_t qos, bool retain, const char *props, size_t props_len) {
  MG_DEBUG(("PUB [%.*s] %lu bytes qos %d%s", (int) topic.len, topic.buf,
            (unsigned long) data.len, qos, retain ? " retained" : ""));
  if (qos > 1) qos = 1;
  if (retain) retain_message(topic, data, qos, props, props_len);
  deliver(from, topic, data, qos, retain, props, props_len);
}

static void send_connack(struct mg_connection *c, uint8_t code,
                         const char *assigned_id) {
  if (c->is_mqtt5) {
    // Properties: what this broker does not offer, and an assigned id.
    uint8_t b[128];
    size_t n = 0, idlen = assigned_id ? strlen(assigned_id) : 0;
    b[n++] = MQTT_PROP_SHARED_SUBSCRIPTION_AVAILABLE, b[n++] = 0;
    b[n++] = MQTT_PROP_SUBSCRIPTION_IDENTIFIER_AVAILABLE, b[n++] = 0;
    b[n++] = MQTT_PROP_MAXIMUM_QOS, b[n++] = 1;
    if (idlen > 0 && idlen < 64) {
      b[n++] = MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER;
      b[n++] = 0, b[n++] = (uint8_t) idlen;
      memcpy(b + n, assigned_id, idlen), n += idlen;
    }
    uint8_t head[3] = {0, code, (uint8_t) n};
    mg_mqtt_send_header(c, MQTT_CMD_CONNACK, 0, (uint32_t) (sizeof(head) + n));
    mg_send(c, head, sizeof(head));
    mg_send(c, b, n);
  } else {
    uint8_t resp[2] = {0, code};
    mg_mqtt_send_header(c, MQTT_CMD_CONNACK, 0, sizeof(resp));
    mg_send(c, resp, sizeof(resp));
  }
  if (code != 0) c->is_draining = 1;
}

static void drop_will(struct client *cl) {
  free(cl->will_topic), free(cl->will_msg), free(cl->will_props);
  cl->will_topic = cl->will_msg = cl->will_props = NULL;
  cl->has_will = false;
}

static void handle_connect(struct client *cl, struct mg_mqtt_message *mm) {
  struct mg_connection *c = cl->c;
  const uint8_t *b = (const uint8_t *) mm->dgram.buf;
  size_t end = mm->dgram.len, pos = var_header(mm), n;
  struct mg_str name, id, wprops = mg_str_n(NULL, 0), wtopic, wmsg, s;
  uint8_t level, flags;
  char assigned[24] = "";

  if (cl->connected) {
    mg_error(c, "second CONNECT");
    return;
  }
  if (!get_str(b, end, &pos, &name) || pos + 4 > end) goto malformed;
  level = b[pos], flags = b[pos + 1];
  cl->keepalive = get16(b + pos + 2);
  pos += 4;
  if (level != 4 && level != 5) {
    MG_INFO(("%lu unsupported protocol level %d", c->id, level));
    c->is_mqtt5 = 0;
    send_connack(c, 1, NULL);  // 3.1.1: unacceptable protocol version
    return;
  }
  if (level == 5) {  // CONNECT properties: nothing here needs them
    if (!get_varint(b, end, &pos, &n) || pos + n > end) goto malformed;
    pos += n;
  }
  if (!get_str(b, end, &pos, &id)) goto malformed;
  if (flags & 0x04) {  // will
    if (level == 5) {
      size_t start;
      if (!get_varint(b, end, &pos, &n) || pos + n > end) goto malformed;
      start = pos, pos += n;
      wprops = mg_str_n((const char *) b + start, n);
    }
    if (!get_str(b, end, &pos, &wtopic) || !get_str(b, end, &pos, &wmsg))
      goto malformed;
    if (wtopic.len == 0 || memchr(wtopic.buf, '+', wtopic.len) ||
        memchr(wtopic.buf, '#', wtopic.len))
      goto malformed;
    cl->has_will = true;
    cl->will_topic = copy(wtopic.buf, wtopic.len), cl->will_topic_len = wtopic.len;
    cl->will_msg = copy(wmsg.buf, wmsg.len), cl->will_msg_len = wmsg.len;
    cl->will_props = copy(wprops.buf, wprops.len), cl->will_props_len = wprops.len;
    cl->will_qos = (flags >> 3) & 3;
    cl->will_retain = (flags & 0x20) != 0;
  }
  if ((flags & 0x80) && !get_str(b, end, &pos, &s)) goto malformed;  // user
  if ((flags & 0x40) && !get_str(b, end, &pos, &s)) goto malformed;  // password
  if (id.len == 0) {
    if (level == 4 && !(flags & 0x02)) {
      send_connack(c, 2, NULL);  // identifier rejected
      return;
    }
    mg_snprintf(assigned, sizeof(assigned), "mg-%lu", c->id);
    id = mg_str(assigned);
  }
  // A second connection with the same id replaces the first.
  for (struct client *o = s_clients; o != NULL; o = o->next) {
    if (o != cl && o->connected && o->id != NULL && strlen(o->id) == id.len &&
        memcmp(o->id, id.buf, id.len) == 0) {
      MG_INFO(("%lu takes over client id %s from %lu", c->id, o->id, o->c->id));
      o->c->is_closing = 1;
    }
  }
  cl->id = copy(id.buf, id.len);
  cl->connected = true;
  MG_DEBUG(("%lu CONNECT %s v%d keepalive %d", c->id, cl->id, level, cl->keepalive));
  send_connack(c, 0, assigned[0] ? assigned : NULL);
  return;
malformed:
  mg_error(c, "malformed CONNECT");
}

static void add_sub(struct client *cl, struct mg_str filter, uint8_t opts,
                    bool *existed) {
  struct sub *s;
  for (s = cl->subs; s != NULL; s = s->next) {
    if (s->len == filter.len && memcmp(s->filter, filter.buf, filter.len) == 0) break;
  }
  *existed = s != NULL;
  if (s == NULL) {
    s = (struct sub *) calloc(1, sizeof(*s));
    if (s == NULL) return;
    s->filter = copy(filter.buf, filter.len), s->len = filter.len;
    s->next = cl->subs, cl->subs = s;
  }
  s->qos = (opts & 3) > 1 ? 1 : (opts & 3);
  s->no_local = cl->c->is_mqtt5 && (opts & 0x04);
  s->retain_as_published = cl->c->is_mqtt5 && (opts & 0x08);
}

static void send_retained(struct client *cl, struct mg_str filter, uint8_t qos) {
  for (struct retained *r = s_retained; r != NULL; r = r->next) {
    struct mg_str topic = mg_str_n(r->topic, r->topic_len);
    if (!topic_matches(filter, topic)) continue;
    send_pub(cl->c, topic, mg_str_n(r->data, r->data_len),
             r->qos < qos ? r->qos : qos, true, r->props, r->props_len);
  }
}

// Position of the payload of a SUBSCRIBE or UNSUBSCRIBE: after the id and,
// in MQTT 5, the properties. 0 if malformed.
static size_t sub_payload(struct mg_connection *c, struct mg_mqtt_message *mm) {
  size_t pos = var_header(mm) + 2, n;
  if (c->is_mqtt5 &&
      (!get_varint((const uint8_t *) mm->dgram.buf, mm->dgram.len, &pos, &n) ||
       pos + n > mm->dgram.len))
    return 0;
  return c->is_mqtt5 ? pos + n : pos;
}

static void handle_subscribe(struct client *cl, struct mg_mqtt_message *mm) {
  struct mg_connection *c = cl->c;
  const uint8_t *b = (const uint8_t *) mm->dgram.buf;
  size_t end = mm->dgram.len, pos = sub_payload(c, mm), count = 0;
  uint8_t codes[256], retain_handling[256];
  struct mg_str filters[256];
  uint16_t id = mg_htons(mm->id);
  if (pos == 0) goto malformed;
  while (pos < end && count < sizeof(codes)) {
    struct mg_str f;
    uint8_t opts;
    bool existed = false;
    if (!get_str(b, end, &pos, &f) || pos >= end) goto malformed;
    opts = b[pos++];
    if ((opts & 3) == 3) goto malformed;
    filters[count] = f;
    retain_handling[count] = (opts >> 4) & 3;
    if (valid_filter(f)) {
      add_sub(cl, f, opts, &existed);
      codes[count] = (opts & 3) > 1 ? 1 : (opts & 3);
      if (existed && retain_handling[count] == 1) retain_handling[count] = 2;
      MG_DEBUG(("%lu SUB [%.*s] qos %d", c->id, (int) f.len, f.buf, codes[count]));
    } else {
      codes[count] = c->is_mqtt5 ? 0x8f : 0x80;  // topic filter invalid / failure
      retain_handling[count] = 2;
    }
    count++;
  }
  if (count == 0) goto malformed;  // at least one filter (3.8.3-3)
  mg_mqtt_send_header(c, MQTT_CMD_SUBACK, 0,
                      (uint32_t) (2 + (c->is_mqtt5 ? 1 : 0) + count));
  mg_send(c, &id, 2);
  if (c->is_mqtt5) mg_send(c, "", 1);  // no properties
  mg_send(c, codes, count);
  for (size_t i = 0; i < count; i++) {
    if (retain_handling[i] != 2) send_retained(cl, filters[i], codes[i]);
  }
  return;
malformed:
  mg_error(c, "malformed SUBSCRIBE");
}

static void handle_unsubscribe(struct client *cl, struct mg_mqtt_message *mm) {
  struct mg_connection *c = cl->c;
  const uint8_t *b = (const uint8_t *) mm->dgram.buf;
  size_t end = mm->dgram.len, pos = sub_payload(c, mm), count = 0;
  uint8_t codes[256];
  uint16_t id = mg_htons(mm->id);
  if (pos == 0) goto malformed;
  while (pos < end && count < sizeof(codes)) {
    struct mg_str f;
    struct sub **pp = &cl->subs;
    if (!get_str(b, end, &pos, &f)) goto malformed;
    while (*pp != NULL &&
           ((*pp)->len != f.len || memcmp((*pp)->filter, f.buf, f.len) != 0))
      pp = &(*pp)->next;
    codes[count++] = *pp != NULL ? 0x00 : 0x11;  // success / no subscription
    if (*pp != NULL) {
      struct sub *s = *pp;
      *pp = s->next;
      free(s->filter), free(s);
    }
  }
  if (count == 0) goto malformed;
  mg_mqtt_send_header(c, MQTT_CMD_UNSUBACK, 0,
                      (uint32_t) (c->is_mqtt5 ? 3 + count : 2));
  mg_send(c, &id, 2);
  if (c->is_mqtt5) {
    mg_send(c, "", 1);
    mg_send(c, codes, count);
  }
  return;
malformed:
  mg_error(c, "malformed UNSUBSCRIBE");
}

static void free_client(struct client *cl) {
  LIST_DELETE(struct client, &s_clients, cl);
  for (struct sub *s = cl->subs, *next; s != NULL; s = next) {
    next = s->next;
    free(s->filter), free(s);
  }
  drop_will(cl);
  free(cl->id);
  free(cl);
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  struct client *cl = c->is_listening ? NULL : (struct client *) c->fn_data;
  if (ev == MG_EV_ACCEPT) {
    cl = (struct client *) calloc(1, sizeof(*cl));
    if (cl == NULL) {
      c->is_closing = 1;
      return;
    }
    cl->c = c;
    cl->last_seen = mg_millis();
    LIST_ADD_HEAD(struct client, &s_clients, cl);
    c->fn_data = cl;
  } else if (cl == NULL) {
    return;
  } else if (ev == MG_EV_READ) {
    cl->last_seen = mg_millis();
  } else if (ev == MG_EV_WRITE) {
    check_throttle();
  } else if (ev == MG_EV_MQTT_CMD) {
    struct mg_mqtt_message *mm = (struct mg_mqtt_message *) ev_data;
    if (!cl->connected && mm->cmd != MQTT_CMD_CONNECT) {
      mg_error(c, "packet %d before CONNECT", mm->cmd);
      return;
    }
    switch (mm->cmd) {
      case MQTT_CMD_CONNECT: handle_connect(cl, mm); break;
      case MQTT_CMD_SUBSCRIBE: handle_subscribe(cl, mm); break;
      case MQTT_CMD_UNSUBSCRIBE: handle_unsubscribe(cl, mm); break;
      case MQTT_CMD_PINGREQ: mg_mqtt_pong(c); break;
      case MQTT_CMD_PUBLISH: {
        const char *props = mm->dgram.buf + mm->props_start;
        size_t plen = c->is_mqtt5 ? mm->props_size : 0;
        if (mm->topic.len == 0) {
          mg_error(c, "topic aliases are not supported");
          break;
        }
        publish(cl, mm->topic, mm->data, mm->qos, (mm->dgram.buf[0] & 1) != 0,
                props, plen);
        break;
      }
      case MQTT_CMD_DISCONNECT:
        // MQTT 5 reason 0x04 asks for the will to be published anyway.
        if (!(c->is_mqtt5 && mm->dgram.len > 2 && mm->ack == 0x04)) drop_will(cl);
        c->is_draining = 1;
        break;
      default: break;
    }
  } else if (ev == MG_EV_CLOSE) {
    if (cl->connected && cl->has_will) {
      MG_DEBUG(("%lu publishing the will of %s", c->id, cl->id));
      cl->connected = false;  // not a receiver of its own will
      publish(cl, mg_str_n(cl->will_topic, cl->will_topic_len),
              mg_str_n(cl->will_msg, cl->will_msg_len), cl->will_qos,
              cl->will_retain, cl->will_props, cl->will_props_len);
    }
    free_client(cl);
  }
}

// Disconnects clients silent for more than 1.5 times their keepalive
// (3.1.2-24); their wills are then published.
static void keepalive_timer(void *arg) {
  uint64_t now = mg_millis();
  (void) arg;
  check_throttle();
  for (struct client *cl = s_clients; cl != NULL; cl = cl->next) {
    if (cl->keepalive > 0 && !cl->c->is_closing &&
        now - cl->last_seen > (uint64_t) cl->keepalive * 1500) {
      MG_INFO(("%lu %s: keepalive expired", cl->c->id, cl->id ? cl->id : "?"));
      cl->c->is_closing = 1;
    }
  }
}

int main(int argc, char *argv[]) {
  const char *url = "mqtt://0.0.0.0:1883";
  struct mg_mgr mgr;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
      url = argv[++i];
    } else if (strcmp(argv[i], "-v") == 0 && i + 1 < argc) {
      mg_log_set(atoi(argv[++i]));
    } else {
      fprintf(stderr, "usage: %s [-l URL] [-v LOG_LEVEL]\n", argv[0]);
      return 1;
    }
  }
  signal(SIGINT, signal_handler);
  signal(SIGTERM, signal_handler);
  mg_mgr_init(&mgr);
  if (mg_mqtt_listen(&mgr, url, fn, NULL) == NULL) {
    fprintf(stderr, "cannot listen on %s\n", url);
    return 1;
  }
  mg_timer_add(&mgr, 200, MG_TIMER_REPEAT, keepalive_timer, NULL);
  printf("MQTT broker listening on %s\n", url);
  fflush(stdout);
  while (s_signo == 0) mg_mgr_poll(&mgr, 1000);
  MG_INFO(("QoS 0 messages dropped for slow subscribers: %lu", s_dropped));
  mg_mgr_free(&mgr);
  while (s_retained != NULL) {
    struct retained *r = s_retained;
    s_retained = r->next;
    free(r->topic), free(r->data), free(r->props), free(r);
  }
  return 0;
}
