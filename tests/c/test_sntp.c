// SNTP client: mg_sntp_connect(), mg_sntp_request(), mg_sntp_parse() and
// mg_now(), against a small SNTP server in this file (a UDP listener of the
// same manager) that answers each request with a packet built here: a good
// one, or one of several bad ones, or none at all.
#include "test_util.h"

// 2030-01-01T00:00:00.500Z and 2040-01-01T00:00:00.250Z (past the NTP era
// rollover of 2036) in milliseconds since the Unix epoch.
#define T_2030 1893456000500ULL
#define T_2040 2208988800250ULL
#define NTP_UNIX_OFFSET 2208988800ULL

enum answer {
  GOOD,
  SHORT,
  GARBAGE,
  CLIENT_MODE,
  OLD_VERSION,
  KISS_OF_DEATH,
  UNSYNCED_STRATUM,
  LEAP_ALARM,
  WRONG_ORIGINATE,
  NO_TRANSMIT,
  SILENT
};

struct server {
  enum answer answer;
  uint64_t time_ms;       // the time the server reports
  int requests;           // requests received
  int bad_requests;       // requests that were not SNTP client requests
};

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t) (v >> 24), p[1] = (uint8_t) (v >> 16);
  p[2] = (uint8_t) (v >> 8), p[3] = (uint8_t) v;
}

// An NTP timestamp (seconds since 1900 modulo 2^32, binary fraction).
static void put_ts(uint8_t *p, uint64_t unix_ms) {
  uint64_t frac = ((unix_ms % 1000) << 32) / 1000 + 1;
  put32(p, (uint32_t) (unix_ms / 1000 + NTP_UNIX_OFFSET));
  put32(p + 4, (uint32_t) frac);
}

// Builds a server answer to the request `req` (48 bytes).
static size_t make_answer(const struct server *s, const uint8_t *req,
                          uint8_t *out) {
  memset(out, 0, 48);
  out[0] = (0 << 6) | (4 << 3) | 4;  // no leap warning, version 4, server
  out[1] = 1;                        // stratum 1
  out[2] = 6, out[3] = 0xec;         // poll, precision
  memcpy(out + 12, "GPS\0", 4);      // reference id
  put_ts(out + 16, s->time_ms - 1000);
  memcpy(out + 24, req + 40, 8);     // originate = the request's transmit
  put_ts(out + 32, s->time_ms);      // receive
  put_ts(out + 40, s->time_ms);      // transmit
  switch (s->answer) {
    case GOOD: break;
    case SHORT: return 20;
    case GARBAGE: memset(out, 0xa5, 48); out[0] = 0xff; break;
    case CLIENT_MODE: out[0] = (4 << 3) | 3; break;
    case OLD_VERSION: out[0] = (2 << 3) | 4; break;
    case KISS_OF_DEATH:
      out[0] = (3 << 6) | (4 << 3) | 4, out[1] = 0;
      memcpy(out + 12, "RATE", 4);
      memset(out + 16, 0, 32 - 8);  // reference, receive... zero
      memcpy(out + 24, req + 40, 8);
      break;
    case UNSYNCED_STRATUM: out[1] = 16; break;
    case LEAP_ALARM: out[0] = (3 << 6) | (4 << 3) | 4; break;
    case WRONG_ORIGINATE: out[31] ^= 1; break;
    case NO_TRANSMIT: memset(out + 40, 0, 8); break;
    case SILENT: return 0;
  }
  return 48;
}

static void server_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct server *s = (struct server *) c->fn_data;
  if (ev == MG_EV_READ) {
    uint8_t out[48];
    size_t n;
    s->requests++;
    if (c->recv.len != 48 || c->recv.buf[0] != ((4 << 3) | 3)) {
      s->bad_requests++;
    } else if ((n = make_answer(s, c->recv.buf, out)) > 0) {
      mg_send(c, out, n);
    }
    c->recv.len = 0;
  }
  (void) ev_data;
}

struct client {
  bool done;              // closed
  int times, errors;      // MG_EV_SNTP_TIME, MG_EV_ERROR seen
  uint64_t time;          // its value
  uint64_t now_in_event;  // mg_now() in the MG_EV_SNTP_TIME handler
  char error[200];        // the last error message
  bool extra_request;     // send a second request at MG_EV_CONNECT
};

static void client_fn(struct mg_connection *c, int ev, void *ev_data) {
  struct client *cl = (struct client *) c->fn_data;
  if (ev == MG_EV_CONNECT && cl->extra_request) {
    mg_sntp_request(c);
  } else if (ev == MG_EV_SNTP_TIME) {
    cl->times++;
    cl->time = *(uint64_t *) ev_data;
    cl->now_in_event = mg_now();
  } else if (ev == MG_EV_ERROR) {
    cl->errors++;
    snprintf(cl->error, sizeof(cl->error), "%s", (char *) ev_data);
  } else if (ev == MG_EV_CLOSE) {
    cl->done = true;
  }
}

// Runs one exchange against a server answering `answer`; returns what the
// client saw. `srv` keeps the server's counters.
static void exchange(enum answer answer, uint64_t t, struct client *cl,
                     struct server *srv, int wait_ms) {
  struct mg_mgr mgr;
  struct mg_connection *l, *c;
  char url[64];
  memset(srv, 0, sizeof(*srv));
  srv->answer = answer, srv->time_ms = t;
  mg_mgr_init(&mgr);
  l = mg_listen(&mgr, "udp://127.0.0.1:0", server_fn, srv);
  CHECK(l != NULL);
  if (l == NULL) return;
  snprintf(url, sizeof(url), "udp://127.0.0.1:%d", mg_ntohs(l->loc.port));
  c = mg_sntp_connect(&mgr, url, client_fn, cl);
  CHECK(c != NULL && c->is_udp && c->is_client);
  poll_until(&mgr, &cl->done, wait_ms);
  CHECK(cl->done);
  mg_mgr_free(&mgr);
}

static bool near(uint64_t got, uint64_t want, uint64_t slack) {
  return got >= want && got <= want + slack;
}

// Before any answer, mg_now() is the wall clock; a good answer sets it.
static void test_good_answer(void) {
  struct client cl;
  struct server srv;
  uint64_t wall = (uint64_t) time(NULL) * 1000, now = mg_now();
  CHECK(now + 2000 >= wall && now <= wall + 2000);

  memset(&cl, 0, sizeof(cl));
  exchange(GOOD, T_2030, &cl, &srv, 2000);
  CHECK(srv.requests == 1 && srv.bad_requests == 0);
  CHECK(cl.times == 1 && cl.errors == 0);
  CHECK(near(cl.time, T_2030, 200));         // plus half the round trip
  CHECK(near(cl.now_in_event, cl.time, 50));  // set before the event
  now = mg_now();
  CHECK(near(now, T_2030, 2000));
  // The answer set the boot timestamp: mg_now() is mg_millis() plus it.
  CHECK(mg_boot_timestamp_ms != 0);
  CHECK(near(mg_now(), mg_millis() + mg_boot_timestamp_ms, 1));
  // mg_now() keeps counting from there on the monotonic clock.
  {
    uint64_t t0 = mg_now(), m0 = mg_millis();
    while (mg_millis() < m0 + 30) (void) 0;
    CHECK(mg_now() >= t0 + 30 && mg_now() <= t0 + 100);
  }
}

// After the NTP era rollover (2036), and a second request that the client
// sends from its handler at MG_EV_CONNECT.
static void test_next_era_and_extra_request(void) {
  struct client cl;
  struct server srv;
  memset(&cl, 0, sizeof(cl));
  cl.extra_request = true;
  exchange(GOOD, T_2040, &cl, &srv, 2000);
  CHECK(srv.requests == 2 && srv.bad_requests == 0);
  CHECK(cl.times == 1 && cl.errors == 0);
  CHECK(near(cl.time, T_2040, 200));
  CHECK(near(mg_now(), T_2040, 2000));
}

static void expect_error(enum answer answer, const char *want, int wait_ms) {
  struct client cl;
  struct server srv;
  uint64_t before = mg_now();
  memset(&cl, 0, sizeof(cl));
  // A different time, which must not reach the clock.
  exchange(answer, T_2030 + 86400000ULL, &cl, &srv, wait_ms);
  CHECK(srv.requests == 1);
  CHECK(cl.times == 0);
  CHECK(cl.errors == 1);
  if (strstr(cl.error, want) == NULL) {
    fprintf(stderr, "FAIL: answer %d: error [%s], want [%s]\n", (int) answer,
            cl.error, want);
    CHECK(strstr(cl.error, want) != NULL);
  }
  CHECK(mg_now() >= before && mg_now() < before + 86400000ULL / 2);
}

static void test_bad_answers(void) {
  expect_error(SHORT, "short reply (20 bytes", 2000);
  expect_error(GARBAGE, "not a server reply (mode 7)", 2000);
  expect_error(CLIENT_MODE, "not a server reply (mode 3)", 2000);
  expect_error(OLD_VERSION, "version 2", 2000);
  expect_error(KISS_OF_DEATH, "kiss-of-death from server (code RATE)", 2000);
  expect_error(UNSYNCED_STRATUM, "stratum 16", 2000);
  expect_error(LEAP_ALARM, "leap indicator", 2000);
  expect_error(WRONG_ORIGINATE, "does not match our request", 2000);
  expect_error(NO_TRANSMIT, "no valid transmit timestamp", 2000);
  expect_error(SILENT, "no reply within 3000 ms", 5000);
}

// A plain-text datagram from a raw UDP socket the client is connected to.
static void test_text_datagram(void) {
  struct mg_mgr mgr;
  struct client cl;
  struct sockaddr_in sin, from;
  socklen_t fromlen = sizeof(from);
  char url[64], buf[100];
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct timeval tv = {2, 0};
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(fd, (struct sockaddr *) &sin, sizeof(sin)) == 0);
  CHECK(getsockname(fd, (struct sockaddr *) &sin, &fromlen) == 0);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  memset(&cl, 0, sizeof(cl));
  mg_mgr_init(&mgr);
  snprintf(url, sizeof(url), "udp://127.0.0.1:%d", ntohs(sin.sin_port));
  CHECK(mg_sntp_connect(&mgr, url, client_fn, &cl) != NULL);
  mg_mgr_poll(&mgr, 50);
  fromlen = sizeof(from);
  CHECK(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *) &from,
                 &fromlen) == 48);
  CHECK(buf[0] == 0x23);
  CHECK(sendto(fd, "hello, world", 12, 0, (struct sockaddr *) &from,
               fromlen) == 12);
  poll_until(&mgr, &cl.done, 2000);
  CHECK(cl.done && cl.errors == 1 && cl.times == 0);
  CHECK(strstr(cl.error, "short reply (12 bytes") != NULL);
  mg_mgr_free(&mgr);
  close(fd);
}

static void test_parse(void) {
  uint8_t req[48] = {0x23}, pkt[48], small[47];
  struct server s;
  memset(&s, 0, sizeof(s));
  s.answer = GOOD, s.time_ms = T_2030;
  make_answer(&s, req, pkt);
  CHECK(mg_sntp_parse(pkt, sizeof(pkt)) == (int64_t) T_2030);
  s.time_ms = T_2040;
  make_answer(&s, req, pkt);
  CHECK(mg_sntp_parse(pkt, sizeof(pkt)) == (int64_t) T_2040);
  memcpy(small, pkt, sizeof(small));
  CHECK(mg_sntp_parse(small, sizeof(small)) == -1);
  s.answer = KISS_OF_DEATH;
  make_answer(&s, req, pkt);
  CHECK(mg_sntp_parse(pkt, sizeof(pkt)) == -1);
  CHECK(mg_sntp_parse(NULL, 0) == -1);
  CHECK(mg_sntp_parse(NULL, 48) == -1);
}

static void record_error(struct mg_connection *c, int ev, void *ev_data) {
  struct client *cl = (struct client *) c->fn_data;
  if (ev == MG_EV_ERROR) {
    cl->errors++;
    snprintf(cl->error, sizeof(cl->error), "%s", (char *) ev_data);
  }
  if (ev == MG_EV_CLOSE) cl->done = true;
}

static void test_misuse(void) {
  struct mg_mgr mgr;
  struct client cl;
  struct mg_connection *l;
  memset(&cl, 0, sizeof(cl));
  mg_mgr_init(&mgr);
  CHECK(mg_sntp_connect(NULL, "udp://127.0.0.1:123", NULL, NULL) == NULL);
  mg_sntp_request(NULL);  // logged, ignored
  // Not an SNTP connection: logged, nothing sent.
  l = mg_listen(&mgr, "udp://127.0.0.1:0", NULL, NULL);
  CHECK(l != NULL);
  mg_sntp_request(l);
  // SNTP runs over UDP only.
  CHECK(mg_sntp_connect(&mgr, "tcp://127.0.0.1:1", record_error, &cl) != NULL);
  poll_until(&mgr, &cl.done, 1000);
  CHECK(cl.done && cl.errors == 1 && strstr(cl.error, "udp://") != NULL);
  mg_mgr_free(&mgr);
  CHECK(MG_EV_SNTP_TIME == 18);
}

int main(void) {
  test_parse();
  test_good_answer();
  test_next_era_and_extra_request();
  test_bad_answers();
  test_text_datagram();
  test_misuse();
  return test_summary("test_sntp");
}
