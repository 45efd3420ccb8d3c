// Tiny assertion helpers shared by the C tests. Each test is a program that
// exits 0 when every check passed; the Rust driver (tests/c_suite.rs) and
// ctest both run them.
#ifndef TEST_UTIL_H
#define TEST_UTIL_H
#include "mongoose.h"

static int s_checks, s_failures;

#define CHECK(expr)                                                      \
  do {                                                                   \
    s_checks++;                                                          \
    if (!(expr)) {                                                       \
      s_failures++;                                                      \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #expr);    \
    }                                                                    \
  } while (0)

#define CHECK_STR(got, want)                                             \
  do {                                                                   \
    const char *g_ = (got), *w_ = (want);                                \
    s_checks++;                                                          \
    if (g_ == NULL || strcmp(g_, w_) != 0) {                             \
      s_failures++;                                                      \
      fprintf(stderr, "FAIL %s:%d: %s: got [%s], want [%s]\n", __FILE__, \
              __LINE__, #got, g_ ? g_ : "(null)", w_);                   \
    }                                                                    \
  } while (0)

// Prints the summary line and returns the process exit code.
static inline int test_summary(const char *name) {
  printf("%s: %d checks, %d passed, %d failed\n", name, s_checks,
         s_checks - s_failures, s_failures);
  return s_failures == 0 && s_checks > 0 ? 0 : 1;
}

// A blocking TCP client socket connected to 127.0.0.1:port, with a receive
// timeout of timeout_ms (0: none). -1 when the connect fails.
static inline int tcp_connect(int port, int timeout_ms) {
  struct sockaddr_in sin;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t) port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *) &sin, sizeof(sin)) != 0) {
    close(fd);
    return -1;
  }
  if (timeout_ms > 0) {
    struct timeval tv;
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  return fd;
}

// Polls mgr until *flag becomes true or ms milliseconds pass.
static inline bool poll_until(struct mg_mgr *mgr, volatile bool *flag, int ms) {
  uint64_t end = mg_millis() + (uint64_t) ms;
  while (!*flag && mg_millis() < end) mg_mgr_poll(mgr, 10);
  return *flag;
}
#endif
