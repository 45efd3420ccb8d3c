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

int main(void) {
  test_init();
  test_add_del();
  test_resize();
  return test_summary("test_iobuf");
}
