// struct mg_iobuf: init, add (start/middle/end/past end, NULL data), del
// clamping, resize rounding to align, free.
#include "test_util.h"

static bool data_is(struct mg_iobuf *io, const void *want, size_t len) {
  return io->len == len && (len == 0 || memcmp(io->buf, want, len) == 0);
}

static void test_init(void) {
  struct mg_iobuf io;
  memset(&io, 0x5a, sizeof(io));
  CHECK(mg_iobuf_init(&io, 0, 16));
  CHECK(io.buf == NULL && io.size == 0 && io.len == 0 && io.align == 16);
  CHECK(mg_iobuf_init(&io, 5, 16));
  CHECK(io.buf != NULL && io.size == 16 && io.len == 0 && io.align == 16);
  CHECK(memcmp(io.buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0);
  mg_iobuf_free(&io);
  CHECK(io.buf == NULL && io.size == 0 && io.len == 0);
  CHECK(mg_iobuf_init(&io, 7, 0));
  CHECK(io.buf != NULL && io.size == 7);
  mg_iobuf_free(&io);
  mg_iobuf_free(&io);  // twice is harmless
  CHECK(io.buf == NULL && io.size == 0);
}

static void test_add_del(void) {
  struct mg_iobuf io = {NULL, 0, 0, 10};
  CHECK(mg_iobuf_resize(&io, 1));
  CHECK(io.buf != NULL && io.size == 10 && io.len == 0);

  // Past the end: the gap is zero-filled.
  CHECK(mg_iobuf_add(&io, 3, "hi", 2) == 2);
  CHECK(io.size == 10 && data_is(&io, "\0\0\0hi", 5));
  // At the end.
  CHECK(mg_iobuf_add(&io, io.len, "!", 1) == 1);
  CHECK(io.size == 10 && data_is(&io, "\0\0\0hi!", 6));
  // At the start.
  CHECK(mg_iobuf_add(&io, 0, "x", 1) == 1);
  CHECK(io.size == 10 && data_is(&io, "x\0\0\0hi!", 7));
  // In the middle.
  CHECK(mg_iobuf_add(&io, 1, "AB", 2) == 2);
  CHECK(io.size == 10 && data_is(&io, "xAB\0\0\0hi!", 9));

  CHECK(mg_iobuf_del(&io, 1, 5) == 5);
  CHECK(io.size == 10 && data_is(&io, "xhi!", 4));
  // The freed tail is zeroed.
  CHECK(memcmp(io.buf + 4, "\0\0\0\0\0", 5) == 0);
  // Clamping: offset past the end removes nothing; length is cut to fit.
  CHECK(mg_iobuf_del(&io, 10, 100) == 0);
  CHECK(data_is(&io, "xhi!", 4));
  CHECK(mg_iobuf_del(&io, 4, 1) == 0);
  CHECK(mg_iobuf_del(&io, 3, 100) == 1);
  CHECK(data_is(&io, "xhi", 3));
  CHECK(mg_iobuf_del(&io, 1, (size_t) -1) == 2);
  CHECK(data_is(&io, "x", 1));
  CHECK(mg_iobuf_del(&io, 0, 0) == 0);

  // Growing past size rounds up to align.
  CHECK(mg_iobuf_add(&io, io.len, "123456789", 9) == 9);
  CHECK(io.size == 10 && data_is(&io, "x123456789", 10));
  CHECK(mg_iobuf_add(&io, io.len, "a", 1) == 1);
  CHECK(io.size == 20 && data_is(&io, "x123456789a", 11));
  // NULL data reserves zeroed space.
  CHECK(mg_iobuf_add(&io, 1, NULL, 3) == 3);
  CHECK(io.size == 20 && data_is(&io, "x\0\0\0" "123456789a", 14));
  // Adding nothing changes nothing.
  CHECK(mg_iobuf_add(&io, 0, "zzz", 0) == 0);
  CHECK(io.size == 20 && io.len == 14);
  // Adding a part of the buffer to itself, even when it must grow.
  CHECK(mg_iobuf_add(&io, io.len, io.buf + 4, 9) == 9);
  CHECK(io.size == 30 &&
        data_is(&io, "x\0\0\0" "123456789a" "123456789", 23));
  mg_iobuf_free(&io);
  CHECK(io.buf == NULL && io.size == 0 && io.len == 0 && io.align == 10);
}

static void test_resize(void) {
  struct mg_iobuf io = {NULL, 0, 0, 0};
  CHECK(mg_iobuf_resize(&io, 3));
  CHECK(io.size == 3);
  CHECK(mg_iobuf_add(&io, 0, "abc", 3) == 3);
  CHECK(mg_iobuf_add(&io, 3, "d", 1) == 1);  // align 0: exact sizes
  CHECK(io.size == 4 && data_is(&io, "abcd", 4));
  io.align = 8;
  CHECK(mg_iobuf_resize(&io, 9));
  CHECK(io.size == 16 && data_is(&io, "abcd", 4));
  CHECK(mg_iobuf_resize(&io, 16));
  CHECK(io.size == 16);
  CHECK(mg_iobuf_resize(&io, 2));  // rounds up to 8: all data still fits
  CHECK(io.size == 8 && data_is(&io, "abcd", 4));
  io.align = 0;
  CHECK(mg_iobuf_resize(&io, 2));  // shrinking drops data that does not fit
  CHECK(io.size == 2 && data_is(&io, "ab", 2));
  CHECK(mg_iobuf_resize(&io, 0));
  CHECK(io.buf == NULL && io.size == 0 && io.len == 0);
  // The buffer is plain C memory.
  CHECK(mg_iobuf_add(&io, 0, "hey", 3) == 3);
  free(io.buf);
}

// Growth is amortized: appending N bytes reallocates O(log N) times and the
// sizes reallocated add up to O(N) (the bytes copied), whatever the append
// sizes. Sizes stay multiples of align (MG_IO_SIZE for connections).
struct growth {
  size_t reallocs, copied, last_size;
};

static void note_growth(struct growth *g, const struct mg_iobuf *io) {
  if (io->size != g->last_size) {
    g->reallocs++;
    g->copied += io->len;  // at most len bytes moved to the new allocation
    g->last_size = io->size;
  }
}

static void test_growth(void) {
  static const size_t steps[] = {1, 3, 100, 7, 4096, 1, 65536, 13};
  struct mg_iobuf io = {NULL, 0, 0, MG_IO_SIZE};
  struct growth g = {0, 0, 0};
  char chunk[65536];
  size_t i, total = 0;
  memset(chunk, 'x', sizeof(chunk));
  for (i = 0; total < 10 * 1024 * 1024; i++) {
    size_t n = steps[i % (sizeof(steps) / sizeof(steps[0]))];
    CHECK(mg_iobuf_add(&io, io.len, chunk, n) == n);
    total += n;
    note_growth(&g, &io);
    if (io.size % MG_IO_SIZE != 0) break;
  }
  CHECK(io.len == total && io.size % MG_IO_SIZE == 0);
  CHECK(g.reallocs <= 40);
  CHECK(g.copied <= 3 * total);
  mg_iobuf_free(&io);

  // One byte at a time, through the mg_xprintf() iobuf output function.
  {
    struct mg_iobuf out = {NULL, 0, 0, 0};
    struct growth h = {0, 0, 0};
    for (i = 0; i < 1000000; i++) {
      mg_pfn_iobuf('a', &out);
      note_growth(&h, &out);
    }
    CHECK(out.len == 1000000 && out.buf[out.len] == '\0');
    CHECK(h.reallocs <= 60);
    CHECK(h.copied <= 3 * out.len);
    mg_iobuf_free(&out);
  }
}

// 100 000 mg_printf() calls build a 10 MB reply in c->send with O(log N)
// reallocations (the send buffer grew 512 bytes at a time before).
static void test_send_growth(void) {
  struct mg_mgr mgr;
  struct mg_connection *c;
  struct growth g = {0, 0, 0};
  int i;
  mg_mgr_init(&mgr);
  c = mg_listen(&mgr, "tcp://127.0.0.1:0", NULL, NULL);
  CHECK(c != NULL);
  c = mg_connect(&mgr, "tcp://127.0.0.1:1", NULL, NULL);
  CHECK(c != NULL);
  if (c != NULL) {
    for (i = 0; i < 100000; i++) {
      CHECK(mg_printf(c, "%0*d", 100, i) == 100);
      note_growth(&g, &c->send);
    }
    CHECK(c->send.len == 100 * 100000);
    CHECK(c->send.size % MG_IO_SIZE == 0);
    CHECK(g.reallocs <= 40);
    CHECK(g.copied <= 3 * c->send.len);
  }
  mg_mgr_free(&mgr);
}

int main(void) {
  test_init();
  test_add_del();
  test_resize();
  test_growth();
  test_send_growth();
  return test_summary("test_iobuf");
}
