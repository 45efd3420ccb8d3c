// Throughput of the data utilities: mg_queue between two threads, JSON
// lookups, hashes and base64. Prints one line per figure; checks results so
// that nothing is optimised away or silently wrong.
//   ./data_bench
#include "mongoose.h"

#include <sched.h>

static double now_s(void) {
  return (double) mg_millis() / 1000.0;
}

// ---- mg_queue: one producer thread, the main thread consumes ----

static struct mg_queue s_q;
static unsigned long s_count;
static size_t s_msg;

static void *producer(void *arg) {
  unsigned long i;
  (void) arg;
  for (i = 0; i < s_count; i++) {
    char *buf;
    while (mg_queue_book(&s_q, &buf, s_msg) < s_msg) sched_yield();
    memcpy(buf, &i, sizeof(i));
    mg_queue_add(&s_q, s_msg);
  }
  return NULL;
}

static void bench_queue(size_t qsize, size_t msg, unsigned long count) {
  char *mem = (char *) malloc(qsize);
  pthread_t tid;
  unsigned long i;
  double t;
  s_count = count, s_msg = msg;
  mg_queue_init(&s_q, mem, qsize);
  t = now_s();
  pthread_create(&tid, NULL, producer, NULL);
  for (i = 0; i < count; i++) {
    char *buf;
    unsigned long seq;
    size_t len;
    while ((len = mg_queue_next(&s_q, &buf)) == 0) sched_yield();
    memcpy(&seq, buf, sizeof(seq));
    if (len != msg || seq != i) abort();
    mg_queue_del(&s_q, len);
  }
  pthread_join(tid, NULL);
  t = now_s() - t;
  printf("mg_queue %6lu B buffer, %4lu B messages: %lu in %.3f s = %.2f M msg/s\n",
         (unsigned long) qsize, (unsigned long) msg, count, t, (double) count / t / 1e6);
  free(mem);
}

// ---- JSON: lookups in a ~2 KB document ----

static void bench_json(void) {
  struct mg_iobuf io = {0, 0, 0, 256};
  int i, n = 200000, len = 0;
  double t, sum = 0, v;
  struct mg_str doc;
  mg_xprintf(mg_pfn_iobuf, &io, "{\"items\":[");
  for (i = 0; i < 40; i++) {
    mg_xprintf(mg_pfn_iobuf, &io, "%s{\"id\":%d,\"name\":%m,\"price\":%g}", i ? "," : "", i,
               MG_ESC("item name"), i * 1.5);
  }
  mg_xprintf(mg_pfn_iobuf, &io, "],\"total\":40}");
  doc = mg_str_n((char *) io.buf, io.len);
  t = now_s();
  for (i = 0; i < n; i++) {
    if (!mg_json_get_num(doc, "$.items[39].price", &v)) abort();
    sum += v;
  }
  t = now_s() - t;
  if (sum != n * 58.5) abort();
  printf("mg_json_get_num $.items[39].price in %d B: %.2f M lookups/s (%.0f MB/s scanned)\n",
         (int) doc.len, n / t / 1e6, n * (double) doc.len / t / 1e6);
  t = now_s();
  for (i = 0; i < n; i++) {
    if (mg_json_get(doc, "$", &len) != 0 || len != (int) doc.len) abort();
  }
  t = now_s() - t;
  printf("mg_json_get $ (validate all) of %d B: %.0f MB/s\n", (int) doc.len,
         n * (double) doc.len / t / 1e6);
  mg_iobuf_free(&io);
}

// ---- Hashes and base64 over 64 MB ----

#define BIG (64 * 1024 * 1024)

static void bench_hashes(void) {
  unsigned char *data = (unsigned char *) malloc(BIG), d[48];
  char *b64 = (char *) malloc(BIG / 3 * 4 + 8), *back = (char *) malloc(BIG + 8);
  size_t i, n;
  double t;
  mg_sha1_ctx c1;
  mg_sha256_ctx c2;
  mg_md5_ctx c5;
  for (i = 0; i < BIG; i++) data[i] = (unsigned char) (i * 7);

  t = now_s();
  mg_sha1_init(&c1);
  mg_sha1_update(&c1, data, BIG);
  mg_sha1_final(d, &c1);
  printf("SHA-1:   %.0f MB/s\n", BIG / (now_s() - t) / 1e6);
  t = now_s();
  mg_sha256_init(&c2);
  mg_sha256_update(&c2, data, BIG);
  mg_sha256_final(d, &c2);
  printf("SHA-256: %.0f MB/s\n", BIG / (now_s() - t) / 1e6);
  t = now_s();
  mg_md5_init(&c5);
  mg_md5_update(&c5, data, BIG);
  mg_md5_final(&c5, d);
  printf("MD5:     %.0f MB/s\n", BIG / (now_s() - t) / 1e6);
  t = now_s();
  n = mg_base64_encode(data, BIG - 1, b64, BIG / 3 * 4 + 8);
  printf("base64 encode: %.0f MB/s\n", BIG / (now_s() - t) / 1e6);
  t = now_s();
  if (mg_base64_decode(b64, n, back, BIG + 8) != BIG - 1 || memcmp(back, data, BIG - 1) != 0) {
    abort();
  }
  printf("base64 decode: %.0f MB/s (of output)\n", BIG / (now_s() - t) / 1e6);
  free(data), free(b64), free(back);
}

int main(void) {
  bench_queue(4096, 16, 10000000);
  bench_queue(65536, 16, 10000000);
  bench_queue(65536, 256, 2000000);
  bench_json();
  bench_hashes();
  return 0;
}
