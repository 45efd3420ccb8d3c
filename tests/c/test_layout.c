// The C declarations in mongoose.h against the Rust definitions the library
// was compiled with. layout_expected.h is written by tests/layout.rs (run it
// with `cargo test --test layout`), which passes -I for it.
#include "mongoose.h"

#include "layout_expected.h"

static int s_checks, s_failures;

static void check_eq(const char *what, unsigned long long got,
                     unsigned long long want, int line) {
  s_checks++;
  if (got != want) {
    s_failures++;
    fprintf(stderr, "FAIL test_layout.c:%d: %s: C has %llu, Rust has %llu\n",
            line, what, got, want);
  }
}
#define CHECK_EQ(what, got, want) \
  check_eq(what, (unsigned long long) (got), (unsigned long long) (want), __LINE__)

// sizeof/alignof of each public type. C99 has no alignof: the offset of a
// member after a char is the alignment.
#define ALIGNOF(type) offsetof(struct { char c_; type t_; }, t_)
#define CHECK_TYPE(type, size, align)              \
  CHECK_EQ("sizeof(" #type ")", sizeof(type), size); \
  CHECK_EQ("alignof(" #type ")", ALIGNOF(type), align);

// offsetof and sizeof of every field.
#define CHECK_FIELD(type, field, ofs, size)                            \
  CHECK_EQ("offsetof(" #type ", " #field ")", offsetof(type, field), ofs); \
  CHECK_EQ("sizeof(" #type "." #field ")", sizeof(((type *) 0)->field), size);

// The bitfields live in the 32-bit word right after `tls`.
#define FLAGS_OFS (offsetof(struct mg_connection, tls) + sizeof(void *))

static uint32_t flags_word(const struct mg_connection *c) {
  uint32_t w;
  memcpy(&w, (const char *) c + FLAGS_OFS, sizeof(w));
  return w;
}

static void set_flags_word(struct mg_connection *c, uint32_t w) {
  memcpy((char *) c + FLAGS_OFS, &w, sizeof(w));
}

// Setting the bitfield from C sets exactly the Rust mask; writing the mask
// (or every other bit) into the word reads back as 1 (or 0) from C.
#define CHECK_FLAG(name, mask)                                  \
  do {                                                          \
    struct mg_connection c;                                     \
    memset(&c, 0, sizeof(c));                                   \
    c.name = 1;                                                 \
    CHECK_EQ(#name " set from C", flags_word(&c), mask);        \
    memset(&c, 0, sizeof(c));                                   \
    set_flags_word(&c, mask);                                   \
    CHECK_EQ(#name " read from C", c.name, 1);                  \
    set_flags_word(&c, ~(uint32_t) (mask));                     \
    CHECK_EQ(#name " clear, others set", c.name, 0);            \
    n_flags++;                                                  \
    all |= (mask);                                              \
  } while (0);

#define CHECK_CONST(name, value) CHECK_EQ(#name, name, value);

int main(void) {
  int n_flags = 0;
  uint32_t all = 0;
  struct mg_connection c;

  RS_TYPES(CHECK_TYPE)
  RS_FIELDS(CHECK_FIELD)
  CHECK_EQ("offset of the flags word", FLAGS_OFS, RS_FLAGS_OFFSET);
  RS_FLAGS(CHECK_FLAG)
  CHECK_EQ("number of flags", n_flags, RS_FLAGS_COUNT);

  // Every bitfield set at once gives exactly the union of the masks.
  memset(&c, 0, sizeof(c));
  c.is_listening = c.is_client = c.is_accepted = c.is_resolving = 1;
  c.is_arplooking = c.is_connecting = c.is_tls = c.is_tls_hs = 1;
  c.is_udp = c.is_websocket = c.is_mqtt5 = c.is_hexdumping = 1;
  c.is_draining = c.is_closing = c.is_full = c.is_tls_throttled = 1;
  c.is_resp = c.is_readable = c.is_writable = 1;
  CHECK_EQ("all flags set from C", flags_word(&c), all);

  RS_CONSTS(CHECK_CONST)

  printf("test_layout: %d checks, %d passed, %d failed\n", s_checks,
         s_checks - s_failures, s_failures);
  return s_failures == 0 && s_checks > 0 ? 0 : 1;
}
