// Connections over loopback: TCP and UDP echo, refused connect, bind on a
// busy port, the event order, extraconnsize, is_draining, is_full, pfn,
// MG_EV_POLL and the mgr->conns list.
#include "test_util.h"

struct events {
  int open, accept, connect, read, write, close, error, poll;
  int order[32], n;
  char error_msg[128];
  char got[256];
  size_t got_len;
  unsigned long id;
  struct mg_addr loc, rem;  // as seen at MG_EV_CONNECT
};

static void note(struct events *e, int ev) {
  if (e->n < 32) e->order[e->n++] = ev;
}

static void echo_server(struct mg_connection *c, int ev, void *ev_data) {
  struct events *e = (struct events *) c->fn_data;
  if (ev == MG_EV_ACCEPT) e->accept++;
  if (ev == MG_EV_READ) {
    CHECK(*(long *) ev_data > 0);
    mg_send(c, c->recv.buf, c->recv.len);
    c->recv.len = 0;
  }
  if (ev == MG_EV_CLOSE && !c->is_listening) e->close++;
}

static void client(struct mg_connection *c, int ev, void *ev_data) {
  struct events *e = (struct events *) c->fn_data;
  if (ev != MG_EV_POLL) note(e, ev);
  if (ev == MG_EV_OPEN) e->open++;
  if (ev == MG_EV_POLL) e->poll++;
  if (ev == MG_EV_CONNECT) {
    e->connect++;
    e->id = c->id, e->loc = c->loc, e->rem = c->rem;
    mg_send(c, "hello", 5);
  }
  if (ev == MG_EV_WRITE) e->write++;
  if (ev == MG_EV_READ) {
    e->read++;
    memcpy(e->got + e->got_len, c->recv.buf, c->recv.len);
    e->got_len += c->recv.len;
    c->recv.len = 0;
    if (e->got_len >= 5) c->is_draining = 1;
  }
  if (ev == MG_EV_ERROR) {
    e->error++;
    strncpy(e->error_msg, (char *) ev_data, sizeof(e->error_msg) - 1);
  }
  if (ev == MG_EV_CLOSE) e->close++;
}

static int count_hello(const char *log) {
  int n = 0;
  while ((log = strstr(log, "68 65 6c 6c 6f")) != NULL) n++, log++;
  return n;
}

static char s_log[4096];
static size_t s_log_len;

static void capture_log(char ch, void *param) {
  (void) param;
  if (s_log_len + 1 < sizeof(s_log)) s_log[s_log_len++] = ch, s_log[s_log_len] = '\0';
}

static int count_conns(struct mg_mgr *mgr) {
  int n = 0;
  struct mg_connection *c;
  for (c = mgr->conns; c != NULL; c = c->next) n++;
  return n;
}

static void test_tcp_echo(void) {
  struct mg_mgr mgr;
  struct events se, ce;
  char url[64];
  struct mg_connection *l, *c;
  uint64_t end;
  memset(&se, 0, sizeof(se)), memset(&ce, 0, sizeof(ce));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", echo_server, &se);
  CHECK(l != NULL && l->is_listening && !l->is_udp);
  CHECK(mg_ntohs(l->loc.port) != 0);
  CHECK(l->loc.addr.ip[0] == 127 && l->loc.is_ip6 == false);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  c = mg_connect(&mgr, url, client, &ce);
  CHECK(c != NULL && c->is_client);
  CHECK(c->id > l->id);
  CHECK(ce.open == 1);       // MG_EV_OPEN is sent inside mg_connect
  CHECK(ce.connect == 0);    // MG_EV_CONNECT comes from mg_mgr_poll
  CHECK(count_conns(&mgr) == 2);
  end = mg_millis() + 3000;
  while (ce.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(ce.connect == 1);
  CHECK(ce.got_len == 5 && memcmp(ce.got, "hello", 5) == 0);
  CHECK(ce.write >= 1);
  CHECK(ce.error == 0);
  CHECK(ce.poll > 0);
  CHECK(ce.order[0] == MG_EV_OPEN && ce.order[1] == MG_EV_RESOLVE &&
        ce.order[2] == MG_EV_CONNECT);
  CHECK(ce.order[ce.n - 1] == MG_EV_CLOSE);
  CHECK(se.accept == 1);
  // The server notices the client's close.
  end = mg_millis() + 3000;
  while (se.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(se.close == 1);
  CHECK(count_conns(&mgr) == 1);
  mg_mgr_free(&mgr);
  CHECK(mgr.conns == NULL);
}

static void udp_server(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  if (ev == MG_EV_READ) {
    mg_send(c, c->recv.buf, c->recv.len);  // a datagram back to c->rem
    c->recv.len = 0;
  }
}

static void udp_client(struct mg_connection *c, int ev, void *ev_data) {
  struct events *e = (struct events *) c->fn_data;
  (void) ev_data;
  if (ev == MG_EV_CONNECT) {
    e->connect++;
    CHECK(e->write == 0);
    CHECK(mg_send(c, "ping", 4));
    // As in Mongoose, the datagram is reported at once with its size.
    CHECK(e->write == 1 && e->got_len == 4);
  }
  if (ev == MG_EV_WRITE) {
    e->write++;
    e->got_len = (size_t) *(long *) ev_data;
  }
  if (ev == MG_EV_READ) {
    memcpy(e->got, c->recv.buf, c->recv.len);
    e->got_len = c->recv.len;
    c->recv.len = 0;
    e->read++;
  }
}

// mg_connect_svc: the protocol handler sees every event from MG_EV_OPEN on,
// before the program's handler, with its own pfn_data.
static int s_svc_order[64], s_svc_n;
static void svc_pfn(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  CHECK(c->pfn_data == (void *) &s_svc_n);
  if (s_svc_n < 64) s_svc_order[s_svc_n++] = 1000 + ev;
}
static void svc_fn(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  if (s_svc_n < 64) s_svc_order[s_svc_n++] = ev;
  if (ev == MG_EV_CONNECT) c->is_closing = 1;
}

static void test_connect_svc(void) {
  struct mg_mgr mgr;
  struct mg_connection *l, *c;
  char url[64];
  uint64_t end;
  int i, closes = 0;
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", NULL, NULL);
  CHECK(l != NULL);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  c = mg_connect_svc(&mgr, url, svc_fn, NULL, svc_pfn, &s_svc_n);
  CHECK(c != NULL && c->pfn == svc_pfn && c->pfn_data == &s_svc_n);
  end = mg_millis() + 3000;
  while (mg_millis() < end) {
    mg_mgr_poll(&mgr, 10);
    for (closes = 0, i = 0; i < s_svc_n; i++) closes += s_svc_order[i] == MG_EV_CLOSE;
    if (closes) break;
  }
  CHECK(s_svc_n >= 4 && s_svc_order[0] == 1000 + MG_EV_OPEN && s_svc_order[1] == MG_EV_OPEN);
  // Each event reached pfn first, then fn.
  for (i = 0; i + 1 < s_svc_n; i += 2) CHECK(s_svc_order[i] == 1000 + s_svc_order[i + 1]);
  CHECK(closes == 1);
  CHECK(mg_connect_svc(&mgr, NULL, svc_fn, NULL, svc_pfn, NULL) == NULL);
  mg_mgr_free(&mgr);
}

static void test_udp_echo(void) {
  struct mg_mgr mgr;
  struct events ce;
  char url[64];
  struct mg_connection *l;
  uint64_t end;
  memset(&ce, 0, sizeof(ce));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "udp://127.0.0.1:0", udp_server, NULL);
  CHECK(l != NULL && l->is_udp);
  snprintf(url, sizeof(url), "udp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  CHECK(mg_connect(&mgr, url, udp_client, &ce) != NULL);
  end = mg_millis() + 3000;
  while (ce.read == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(ce.connect == 1 && ce.write == 1);
  CHECK(ce.got_len == 4 && memcmp(ce.got, "ping", 4) == 0);
  mg_mgr_free(&mgr);
}

// Output queued in c->send of a UDP connection (mg_printf, not mg_send)
// leaves as one datagram at the next poll, and the loop then sleeps again
// instead of spinning on the queued bytes.
static void udp_printf_server(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  if (ev == MG_EV_READ) {
    mg_printf(c, "echo:%.*s", (int) c->recv.len, (char *) c->recv.buf);
    mg_printf(c, "%s", "!");
    c->recv.len = 0;
  }
}

static void udp_printf_client(struct mg_connection *c, int ev, void *ev_data) {
  struct events *e = (struct events *) c->fn_data;
  (void) ev_data;
  if (ev == MG_EV_CONNECT) mg_printf(c, "%s-%d", "ping", 7);
  if (ev == MG_EV_WRITE) e->write++;
  if (ev == MG_EV_READ) {
    memcpy(e->got, c->recv.buf, c->recv.len);
    e->got_len = c->recv.len;
    c->recv.len = 0;
    e->read++;
  }
}

static void test_udp_printf(void) {
  struct mg_mgr mgr;
  struct events ce;
  char url[64];
  struct mg_connection *l, *cc;
  uint64_t end;
  int polls = 0;
  memset(&ce, 0, sizeof(ce));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "udp://127.0.0.1:0", udp_printf_server, NULL);
  CHECK(l != NULL);
  snprintf(url, sizeof(url), "udp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  cc = mg_connect(&mgr, url, udp_printf_client, &ce);
  CHECK(cc != NULL);
  s_log_len = 0, s_log[0] = '\0';
  mg_log_set_fn(capture_log, NULL);
  l->is_hexdumping = 1;  // datagrams are dumped both ways too
  end = mg_millis() + 3000;
  while (ce.read == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(ce.read == 1);
  CHECK(ce.write >= 1);
  CHECK(ce.got_len == 12 && memcmp(ce.got, "echo:ping-7!", 12) == 0);
  CHECK(l->send.len == 0 && cc->send.len == 0);
  mg_log_set_fn(NULL, NULL);
  CHECK(strstr(s_log, " <- 127.0.0.1:") != NULL && strstr(s_log, " 6\n") != NULL);
  CHECK(strstr(s_log, " -> 127.0.0.1:") != NULL && strstr(s_log, " 12\n") != NULL);
  // Nothing left to send: 300 ms of mg_mgr_poll(.., 50) is a handful of
  // calls, not the thousands of a loop that keeps waking for the bytes.
  end = mg_millis() + 300;
  while (mg_millis() < end) mg_mgr_poll(&mgr, 50), polls++;
  CHECK(polls < 60);
  mg_mgr_free(&mgr);
}

static void test_ipv6(void) {
  struct mg_mgr mgr;
  struct events se, ce;
  char url[64];
  struct mg_connection *l;
  uint64_t end;
  memset(&se, 0, sizeof(se)), memset(&ce, 0, sizeof(ce));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://[::1]:0", echo_server, &se);
  if (l == NULL) {  // no IPv6 loopback on this machine
    printf("IPv6 loopback unavailable, IPv6 case not run\n");
    mg_mgr_free(&mgr);
    return;
  }
  CHECK(l->loc.is_ip6);
  snprintf(url, sizeof(url), "tcp://[::1]:%d", mg_ntohs(l->loc.port));
  mg_connect(&mgr, url, client, &ce);
  end = mg_millis() + 3000;
  while (ce.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(ce.got_len == 5 && memcmp(ce.got, "hello", 5) == 0);
  mg_mgr_free(&mgr);
}

static void test_refused(void) {
  struct mg_mgr mgr;
  struct events ce;
  char url[64];
  struct mg_connection *l;
  int port;
  uint64_t end;
  memset(&ce, 0, sizeof(ce));
  mg_mgr_init(&mgr);
  // Find a free port, then close the listener so nothing listens there.
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", echo_server, NULL);
  port = mg_ntohs(l->loc.port);
  l->is_closing = 1;
  mg_mgr_poll(&mgr, 0);
  CHECK(mgr.conns == NULL);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);
  mg_connect(&mgr, url, client, &ce);
  end = mg_millis() + 3000;
  while (ce.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(ce.error == 1);
  CHECK(ce.connect == 0);
  CHECK(ce.close == 1);
  CHECK(strstr(ce.error_msg, "refused") != NULL);
  // MG_EV_ERROR comes before MG_EV_CLOSE, and CLOSE is the last event.
  CHECK(ce.order[ce.n - 2] == MG_EV_ERROR && ce.order[ce.n - 1] == MG_EV_CLOSE);
  mg_mgr_free(&mgr);
}

static void test_bind_busy(void) {
  struct mg_mgr mgr;
  char url[64];
  struct mg_connection *l;
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", echo_server, NULL);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  CHECK(mg_listen(&mgr, url, echo_server, NULL) == NULL);
  CHECK(mg_listen(&mgr, "tcp://999.1.1.1:0", echo_server, NULL) == NULL);
  CHECK(mg_listen(&mgr, "tcp://127.0.0.1:70000", echo_server, NULL) == NULL);
  CHECK(count_conns(&mgr) == 1);
  mg_mgr_free(&mgr);
}

struct flags_state {
  int reads, polls_while_full, pfn_calls, fn_reads;
  bool done, closed;
  size_t total;
};

static void full_server(struct mg_connection *c, int ev, void *ev_data) {
  struct flags_state *s = (struct flags_state *) c->fn_data;
  (void) ev_data;
  if (ev == MG_EV_ACCEPT) {
    // extraconnsize bytes follow the struct and start zeroed.
    unsigned char *extra = (unsigned char *) (c + 1);
    int i, zero = 1;
    for (i = 0; i < 64; i++) zero &= extra[i] == 0;
    CHECK(zero);
    memset(extra, 0xab, 64);
    c->is_full = 1;  // do not read yet
  }
  if (ev == MG_EV_READ) {
    s->reads++;
    s->total = c->recv.len;
  }
  if (ev == MG_EV_POLL && c->is_accepted && c->is_full) {
    if (++s->polls_while_full >= 5) c->is_full = 0;
  }
  if (ev == MG_EV_CLOSE && c->is_accepted) s->closed = true;
}

static void sender(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  if (ev == MG_EV_CONNECT) {
    mg_send(c, "0123456789", 10);
    c->is_draining = 1;  // close once sent
  }
}

static void test_full_and_extra(void) {
  struct mg_mgr mgr;
  struct flags_state s;
  char url[64];
  struct mg_connection *l;
  uint64_t end;
  memset(&s, 0, sizeof(s));
  mg_mgr_init(&mgr);
  mgr.extraconnsize = 64;
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", full_server, &s);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  mg_connect(&mgr, url, sender, NULL);
  end = mg_millis() + 3000;
  while (!s.closed && mg_millis() < end) mg_mgr_poll(&mgr, 5);
  CHECK(s.polls_while_full >= 5);  // no reads while is_full was set
  CHECK(s.reads >= 1 && s.total == 10);
  CHECK(s.closed);
  mg_mgr_free(&mgr);
}

static void proto_handler(struct mg_connection *c, int ev, void *ev_data) {
  struct flags_state *s = (struct flags_state *) c->pfn_data;
  (void) ev_data;
  if (ev == MG_EV_READ) {
    s->pfn_calls++;
    CHECK(s->fn_reads == s->pfn_calls - 1);  // pfn runs before fn
    if (s->pfn_calls == 1) c->pfn = NULL;    // detach the protocol
  }
}

static void user_handler(struct mg_connection *c, int ev, void *ev_data) {
  struct flags_state *s = (struct flags_state *) c->fn_data;
  (void) ev_data;
  if (ev == MG_EV_ACCEPT) c->pfn = proto_handler, c->pfn_data = s;
  if (ev == MG_EV_READ) {
    s->fn_reads++;
    c->recv.len = 0;
  }
  if (ev == MG_EV_CLOSE && c->is_accepted) s->closed = true;
}

static void two_sends(struct mg_connection *c, int ev, void *ev_data) {
  int *step = (int *) c->fn_data;
  (void) ev_data;
  if (ev == MG_EV_CONNECT) mg_send(c, "a", 1), *step = 1;
  if (ev == MG_EV_POLL && *step > 0 && *step < 40) {
    if (++*step == 20) mg_send(c, "b", 1);
    if (*step == 39) c->is_draining = 1;
  }
}

static void test_pfn(void) {
  struct mg_mgr mgr;
  struct flags_state s;
  char url[64];
  struct mg_connection *l;
  int step = 0;
  uint64_t end;
  memset(&s, 0, sizeof(s));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", user_handler, &s);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  mg_connect(&mgr, url, two_sends, &step);
  end = mg_millis() + 3000;
  while (!s.closed && mg_millis() < end) mg_mgr_poll(&mgr, 1);
  CHECK(s.pfn_calls == 1);  // detached after the first read
  CHECK(s.fn_reads == 2);
  mg_mgr_free(&mgr);
}

static void big_sender(struct mg_connection *c, int ev, void *ev_data) {
  (void) ev_data;
  if (ev == MG_EV_CONNECT) {
    size_t n = MG_MAX_RECV_SIZE + 100000;
    char *buf = (char *) calloc(1, n);
    mg_send(c, buf, n);
    free(buf);
  }
}

static void hoarder(struct mg_connection *c, int ev, void *ev_data) {
  struct events *e = (struct events *) c->fn_data;
  if (ev == MG_EV_ERROR) {
    e->error++;
    strncpy(e->error_msg, (char *) ev_data, sizeof(e->error_msg) - 1);
  }
  if (ev == MG_EV_CLOSE && c->is_accepted) e->close++;
  // Never consumes c->recv.
}

static void test_max_recv(void) {
  struct mg_mgr mgr;
  struct events se;
  char url[64];
  struct mg_connection *l;
  uint64_t end;
  memset(&se, 0, sizeof(se));
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", hoarder, &se);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  mg_connect(&mgr, url, big_sender, NULL);
  end = mg_millis() + 10000;
  while (se.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(se.error == 1);
  CHECK(strstr(se.error_msg, "MG_MAX_RECV_SIZE") != NULL);
  CHECK(se.close == 1);
  mg_mgr_free(&mgr);
}

// A handler that takes every byte out of c->recv on each MG_EV_READ still
// gets large reads while data keeps arriving (not MG_IO_SIZE each time).
static void streamer(struct mg_connection *c, int ev, void *ev_data) {
  long *max_read = (long *) c->fn_data;
  if (ev == MG_EV_READ) {
    long n = *(long *) ev_data;
    if (n > *max_read) *max_read = n;
    max_read[1] += (long) c->recv.len;
    c->recv.len = 0;
  }
}

static void test_streaming_reads(void) {
  struct mg_mgr mgr;
  long stats[2] = {0, 0};  // largest read, total bytes
  char url[64];
  struct mg_connection *l, *c;
  size_t total = 8 * 1024 * 1024;
  char *buf = (char *) calloc(1, total);
  uint64_t end;
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", streamer, stats);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  c = mg_connect(&mgr, url, NULL, NULL);
  mg_send(c, buf, total);
  free(buf);
  end = mg_millis() + 10000;
  while (stats[1] < (long) total && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(stats[1] == (long) total);
  CHECK(stats[0] > 8 * MG_IO_SIZE);
  // Once the stream stops, an idle connection gives its large buffer back.
  for (c = mgr.conns; c != NULL && !c->is_accepted; c = c->next) (void) 0;
  CHECK(c != NULL && c->recv.size > 4 * MG_IO_SIZE);
  end = mg_millis() + 2000;
  while (c != NULL && c->recv.size > 0 && mg_millis() < end) mg_mgr_poll(&mgr, 1);
  CHECK(c != NULL && c->recv.size == 0);
  mg_mgr_free(&mgr);
}

// c->is_hexdumping: traffic in both directions is dumped to the log.
static void test_hexdump(void) {
  struct mg_mgr mgr;
  struct events se, ce;
  char url[64];
  struct mg_connection *l, *c;
  uint64_t end;
  memset(&se, 0, sizeof(se)), memset(&ce, 0, sizeof(ce));
  s_log_len = 0, s_log[0] = '\0';
  mg_log_set_fn(capture_log, NULL);
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "tcp://127.0.0.1:0", echo_server, &se);
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  c = mg_connect(&mgr, url, client, &ce);
  c->is_hexdumping = 1;
  end = mg_millis() + 3000;
  while (ce.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  {  // "-- ID LOCAL -> REMOTE BYTES", as Mongoose prints it
    char sent[128], got[128], loc[40], rem[40];
    mg_snprintf(loc, sizeof(loc), "%M", mg_print_ip_port, &ce.loc);
    mg_snprintf(rem, sizeof(rem), "%M", mg_print_ip_port, &ce.rem);
    snprintf(sent, sizeof(sent), "-- %lu %s -> %s 5\n", ce.id, loc, rem);
    snprintf(got, sizeof(got), "-- %lu %s <- %s 5\n", ce.id, loc, rem);
    CHECK(strstr(s_log, sent) != NULL);  // sent "hello"
    CHECK(strstr(s_log, got) != NULL);   // received the echo
  }
  CHECK(count_hello(s_log) == 2);
  // Connections accepted by a dumping listener dump too: the server side
  // adds its "hello" in and out.
  s_log_len = 0, s_log[0] = '\0';
  memset(&ce, 0, sizeof(ce));
  l->is_hexdumping = 1;
  c = mg_connect(&mgr, url, client, &ce);
  c->is_hexdumping = 1;
  end = mg_millis() + 3000;
  while (ce.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  mg_log_set_fn(NULL, NULL);
  CHECK(count_hello(s_log) == 4);
  mg_mgr_free(&mgr);
}

// mg_wrapfd(): one end of a socketpair becomes a connection (OPEN, then
// READ of what the other end writes; what it sends arrives there), with
// empty addresses; when the other end closes, the connection closes.
static void test_wrapfd(void) {
  struct mg_mgr mgr;
  struct events e;
  struct mg_connection *c;
  int sv[2];
  char buf[16];
  ssize_t n;
  uint64_t end;
  memset(&e, 0, sizeof(e));
  mg_mgr_init(&mgr);
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  c = mg_wrapfd(&mgr, sv[0], client, &e);
  CHECK(c != NULL);
  if (c == NULL) return;
  CHECK(e.open == 1 && e.connect == 0);
  CHECK(c->fd == (void *) (size_t) sv[0]);
  CHECK(c->rem.port == 0 && c->loc.port == 0 && !c->is_client);
  CHECK(write(sv[1], "hey", 3) == 3);
  end = mg_millis() + 2000;
  while (e.got_len < 3 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(e.got_len == 3 && memcmp(e.got, "hey", 3) == 0);
  mg_send(c, "back", 4);
  mg_mgr_poll(&mgr, 0);
  n = read(sv[1], buf, sizeof(buf));
  CHECK(n == 4 && memcmp(buf, "back", 4) == 0);
  close(sv[1]);
  end = mg_millis() + 2000;
  while (e.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(e.close == 1 && mgr.conns == NULL);
  // A descriptor that cannot be registered stays the caller's.
  CHECK(mg_wrapfd(&mgr, -1, client, &e) == NULL);
  CHECK(mg_wrapfd(NULL, 0, client, &e) == NULL);
  mg_mgr_free(&mgr);
}

// mg_alloc_conn() + mg_open_listener(): the pieces mg_listen() is made of;
// and mg_connect_resolved() connecting to an address set in c->rem.
static void test_open_listener_and_connect_resolved(void) {
  struct mg_mgr mgr;
  struct events se, ce;
  struct mg_connection *l, *c;
  uint64_t end;
  memset(&se, 0, sizeof(se)), memset(&ce, 0, sizeof(ce));
  mg_mgr_init(&mgr);
  l = mg_alloc_conn(&mgr);
  CHECK(l != NULL);
  if (l == NULL) return;
  CHECK(mg_open_listener(l, "tcp://127.0.0.1:0"));
  CHECK(l->is_listening && !l->is_udp && l->loc.port != 0);
  CHECK(!mg_open_listener(l, "tcp://127.0.0.1:0"));  // already has a socket
  l->fn = echo_server, l->fn_data = &se;
  c = mg_alloc_conn(&mgr);
  CHECK(c != NULL);
  if (c == NULL) return;
  CHECK(mg_aton(mg_str("127.0.0.1"), &c->rem));
  c->rem.port = l->loc.port;
  c->fn = client, c->fn_data = &ce;
  mg_connect_resolved(c);
  CHECK(c->is_client);
  end = mg_millis() + 3000;
  while (ce.close == 0 && mg_millis() < end) mg_mgr_poll(&mgr, 10);
  CHECK(ce.connect == 1 && se.accept == 1);
  CHECK(ce.got_len == 5 && memcmp(ce.got, "hello", 5) == 0);
  CHECK(ce.error == 0);
  mg_connect_resolved(NULL);
  CHECK(!mg_open_listener(NULL, "tcp://127.0.0.1:0"));
  mg_mgr_free(&mgr);
}

// mg_now(): wall-clock milliseconds since the epoch.
static void test_now(void) {
  uint64_t t = (uint64_t) time(NULL) * 1000, now = mg_now();
  CHECK(now + 2000 >= t && now <= t + 2000);
}

static void test_null_args(void) {
  struct mg_mgr mgr;
  memset(&mgr, 0, sizeof(mgr));
  mg_mgr_init(NULL);
  mg_mgr_poll(NULL, 0);
  mg_mgr_poll(&mgr, 0);  // not initialised: an error, not a crash
  mg_mgr_free(NULL);
  CHECK(mg_listen(NULL, "tcp://127.0.0.1:0", NULL, NULL) == NULL);
  CHECK(mg_connect(NULL, "tcp://127.0.0.1:1", NULL, NULL) == NULL);
  mg_mgr_init(&mgr);
  CHECK(mg_listen(&mgr, NULL, NULL, NULL) == NULL);
  CHECK(mg_connect(&mgr, NULL, NULL, NULL) == NULL);
  CHECK(mg_send(NULL, "x", 1) == false);
  mg_close_conn(NULL);
  mg_call(NULL, MG_EV_POLL, NULL);
  CHECK(mg_wakeup(&mgr, 1, "x", 1) == false);  // mg_wakeup_init not called
  CHECK(mg_wakeup(NULL, 1, "x", 1) == false);
  CHECK(mg_timer_add(NULL, 10, 0, NULL, NULL) == NULL);
  mg_mgr_free(&mgr);
}

int main(void) {
  mg_log_set(MG_LL_ERROR);
  test_tcp_echo();
  test_udp_echo();
  test_connect_svc();
  test_udp_printf();
  test_ipv6();
  test_refused();
  test_bind_busy();
  test_full_and_extra();
  test_pfn();
  test_max_recv();
  test_streaming_reads();
  test_hexdump();
  test_wrapfd();
  test_open_listener_and_connect_resolved();
  test_now();
  test_null_args();
  return test_summary("test_net");
}
