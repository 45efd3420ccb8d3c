// Known-answer tests: base64 (RFC 4648 section 10 vectors, buffer limits,
// streaming update/final, URL-safe variant), MD5 (RFC 1321 test suite),
// SHA-1 and SHA-256 (FIPS 180 examples: "abc", the 448-bit message, one
// million 'a'), SHA-384, HMAC-SHA256 (RFC 4231) and CRC-16/X.25. The hash
// contexts are declared on the stack by their typedef names, as Mongoose
// programs do.
#include "test_util.h"

static void hex(const unsigned char *p, size_t n, char *out) {
  size_t i;
  for (i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
  out[2 * n] = '\0';
}

#define CHECK_DIGEST(d, want)          \
  do {                                 \
    char h_[2 * sizeof(d) + 1];        \
    hex(d, sizeof(d), h_);             \
    CHECK_STR(h_, want);               \
  } while (0)

static const struct {
  const char *plain, *b64;
} s_rfc4648[] = {
    {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

static void test_base64(void) {
  char buf[128];
  size_t i;
  for (i = 0; i < sizeof(s_rfc4648) / sizeof(s_rfc4648[0]); i++) {
    const char *p = s_rfc4648[i].plain, *b = s_rfc4648[i].b64;
    size_t n = 0, k;
    CHECK(mg_base64_encode((const unsigned char *) p, strlen(p), buf, sizeof(buf)) == strlen(b));
    CHECK_STR(buf, b);
    CHECK(mg_base64_decode(b, strlen(b), buf, sizeof(buf)) == strlen(p));
    CHECK_STR(buf, p);
    // Streaming, one byte at a time.
    memset(buf, 'X', sizeof(buf));
    for (k = 0; k < strlen(p); k++) n = mg_base64_update((unsigned char) p[k], buf, n);
    n = mg_base64_final(buf, n);
    CHECK(n == strlen(b));
    CHECK_STR(buf, b);
    // The %M printer uses the same encoder.
    mg_snprintf(buf, sizeof(buf), "%M", mg_print_base64, (int) strlen(p), p);
    CHECK_STR(buf, b);
  }
  // The output buffer needs room for the NUL.
  CHECK(mg_base64_encode((const unsigned char *) "a", 1, buf, 4) == 0 && buf[0] == '\0');
  CHECK(mg_base64_encode((const unsigned char *) "a", 1, buf, 5) == 4);
  CHECK(mg_base64_encode((const unsigned char *) "a", 1, buf, 0) == 0);
  CHECK(mg_base64_encode((const unsigned char *) "xy", 3, buf, sizeof(buf)) == 4);
  CHECK_STR(buf, "eHkA");  // the NUL is data here
  CHECK(mg_base64_decode("AAA=", 4, buf, 3) == 0);
  CHECK(mg_base64_decode("AAA=", 4, buf, 4) == 2);
  CHECK(mg_base64_decode("Zm9vYg", 6, buf, 4) == 0);  // room for 4 and a NUL
  CHECK(mg_base64_decode("Zm9vYg", 6, buf, 5) == 4);
  CHECK(mg_base64_decode("Q2VzYW50YQ==", 12, buf, sizeof(buf)) == 7);
  CHECK_STR(buf, "Cesanta");
  CHECK(mg_base64_decode("Q2VzYW50YQ", 10, buf, sizeof(buf)) == 7);  // unpadded
  CHECK_STR(buf, "Cesanta");
  // Malformed input decodes to nothing (and "").
  {
    static const char *bad[] = {"A", "A=", "AA=", "AAAA====", "AAAA----", "Zg==Zg==", "Z===",
                                "\xd0\xba\xd1\x8e", "Zm9v Yg==", "Zm9v\n"};
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
      strcpy(buf, "junk");
      CHECK(mg_base64_decode(bad[i], strlen(bad[i]), buf, sizeof(buf)) == 0);
      CHECK(buf[0] == '\0');
    }
  }
  // Every byte value survives a round trip.
  {
    unsigned char all[256], back[300];
    char enc[400];
    size_t n;
    for (i = 0; i < 256; i++) all[i] = (unsigned char) i;
    n = mg_base64_encode(all, sizeof(all), enc, sizeof(enc));
    CHECK(n == 344);
    CHECK(mg_base64_decode(enc, n, (char *) back, sizeof(back)) == 256);
    CHECK(memcmp(all, back, 256) == 0);
    n = mg_base64url_encode(all, sizeof(all), enc, sizeof(enc));
    CHECK(n == 342 && strchr(enc, '+') == NULL && strchr(enc, '/') == NULL &&
          strchr(enc, '=') == NULL);
    CHECK(mg_base64url_decode(enc, n, (char *) back, sizeof(back)) == 256);
    CHECK(memcmp(all, back, 256) == 0);
  }
  // URL-safe alphabet, no padding.
  CHECK(mg_base64url_encode((const unsigned char *) "\xfb\xff", 2, buf, sizeof(buf)) == 3);
  CHECK_STR(buf, "-_8");
  CHECK(mg_base64url_decode("-_8", 3, buf, sizeof(buf)) == 2);
  CHECK((unsigned char) buf[0] == 0xfb && (unsigned char) buf[1] == 0xff);
  CHECK(mg_base64url_decode("+/8", 3, buf, sizeof(buf)) == 0);
  CHECK(mg_base64url_encode((const unsigned char *) "f", 1, buf, 3) == 2);
  CHECK_STR(buf, "Zg");
}

static void test_md5(void) {
  static const struct {
    const char *msg, *want;
  } t[] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
       "d174ab98d277d9f5a5611c2c9f419d9f"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "57edf4a22be3c955ac49da2e2107b67a"},
  };
  size_t i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    mg_md5_ctx ctx;
    unsigned char d[16];
    mg_md5_init(&ctx);
    mg_md5_update(&ctx, (const unsigned char *) t[i].msg, strlen(t[i].msg));
    mg_md5_final(&ctx, d);
    CHECK_DIGEST(d, t[i].want);
  }
}

// One million 'a', fed in uneven pieces.
#define MILLION 1000000
static char *million_a(void) {
  char *p = (char *) malloc(MILLION);
  memset(p, 'a', MILLION);
  return p;
}

static void test_million(void) {
  char *a = million_a();
  unsigned char d1[20], d2[32], d5[16], d6[48];
  mg_sha1_ctx c1;
  mg_sha256_ctx c2;
  mg_md5_ctx c5;
  mg_sha384_ctx c6;
  size_t off = 0, step = 1;
  mg_sha1_init(&c1);
  mg_sha256_init(&c2);
  mg_md5_init(&c5);
  mg_sha384_init(&c6);
  while (off < MILLION) {
    size_t n = step < MILLION - off ? step : MILLION - off;
    mg_sha1_update(&c1, (unsigned char *) a + off, n);
    mg_sha256_update(&c2, (unsigned char *) a + off, n);
    mg_md5_update(&c5, (unsigned char *) a + off, n);
    mg_sha384_update(&c6, (unsigned char *) a + off, n);
    off += n;
    step = step * 3 % 997 + 1;
  }
  mg_sha1_final(d1, &c1);
  mg_sha256_final(d2, &c2);
  mg_md5_final(&c5, d5);
  mg_sha384_final(d6, &c6);
  CHECK_DIGEST(d1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  CHECK_DIGEST(d2, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK_DIGEST(d5, "7707d6ae4e027c70eea2a935c2296f21");
  CHECK_DIGEST(d6,
               "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b"
               "07b8b3dc38ecc4ebae97ddd87f3d8985");
  // The one-shot functions agree.
  mg_sha256(d2, (uint8_t *) a, MILLION);
  CHECK_DIGEST(d2, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  free(a);
}

static void test_sha(void) {
  static const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  unsigned char d1[20], d2[32], d6[48];
  mg_sha1_ctx c1;
  mg_sha256_ctx c2;

  mg_sha1_init(&c1);
  mg_sha1_final(d1, &c1);
  CHECK_DIGEST(d1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  mg_sha1_init(&c1);
  mg_sha1_update(&c1, (const unsigned char *) "abc", 3);
  mg_sha1_final(d1, &c1);
  CHECK_DIGEST(d1, "a9993e364706816aba3e25717850c26c9cd0d89d");
  mg_sha1_init(&c1);
  mg_sha1_update(&c1, (const unsigned char *) m448, strlen(m448));
  mg_sha1_final(d1, &c1);
  CHECK_DIGEST(d1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");

  mg_sha256_init(&c2);
  mg_sha256_final(d2, &c2);
  CHECK_DIGEST(d2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  mg_sha256_init(&c2);
  mg_sha256_update(&c2, (const unsigned char *) "ab", 2);
  mg_sha256_update(&c2, (const unsigned char *) "c", 1);
  mg_sha256_final(d2, &c2);
  CHECK_DIGEST(d2, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  mg_sha256(d2, (uint8_t *) m448, strlen(m448));
  CHECK_DIGEST(d2, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

  mg_sha384(d6, (uint8_t *) "abc", 3);
  CHECK_DIGEST(d6,
               "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
               "8086072ba1e7cc2358baeca134c825a7");

  // A WebSocket handshake key (RFC 6455 section 1.3): SHA-1, then base64.
  {
    const char *k = "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char b64[40];
    mg_sha1_init(&c1);
    mg_sha1_update(&c1, (const unsigned char *) k, strlen(k));
    mg_sha1_final(d1, &c1);
    mg_base64_encode(d1, sizeof(d1), b64, sizeof(b64));
    CHECK_STR(b64, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }
}

static void test_hmac(void) {
  unsigned char key[131], data[152], d[32];
  memset(key, 0x0b, 20);
  mg_hmac_sha256(d, key, 20, (uint8_t *) "Hi There", 8);
  CHECK_DIGEST(d, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  mg_hmac_sha256(d, (uint8_t *) "Jefe", 4, (uint8_t *) "what do ya want for nothing?", 28);
  CHECK_DIGEST(d, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  memset(key, 0xaa, 20);
  memset(data, 0xdd, 50);
  mg_hmac_sha256(d, key, 20, data, 50);
  CHECK_DIGEST(d, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  {
    int i;
    for (i = 0; i < 25; i++) key[i] = (unsigned char) (i + 1);
    memset(data, 0xcd, 50);
    mg_hmac_sha256(d, key, 25, data, 50);
    CHECK_DIGEST(d, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  }
  memset(key, 0xaa, 131);
  mg_hmac_sha256(d, key, 131, (uint8_t *) "Test Using Larger Than Block-Size Key - Hash Key First",
                 54);
  CHECK_DIGEST(d, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  {
    const char *m =
        "This is a test using a larger than block-size key and a larger than block-size data. "
        "The key needs to be hashed before being used by the HMAC algorithm.";
    mg_hmac_sha256(d, key, 131, (uint8_t *) m, strlen(m));
    CHECK_DIGEST(d, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }
}

static void test_crc(void) {
  CHECK(mg_crc16(0, "123456789", 9) == 0x906e);
  CHECK(mg_crc16(mg_crc16(0, "1234", 4), "56789", 5) == 0x906e);
  CHECK(mg_crc16(0, "", 0) == 0);
  CHECK(mg_crc16(0x1234, NULL, 0) == 0x1234);
  CHECK(mg_crc32(0, "123456789", 9) == 0xcbf43926);
}

// The contexts are the size Mongoose declares, so C code can embed them.
static void test_sizes(void) {
  CHECK(sizeof(mg_md5_ctx) == 88);
  CHECK(sizeof(mg_sha1_ctx) == 92);
  CHECK(sizeof(mg_sha256_ctx) == 112);
  CHECK(sizeof(mg_sha384_ctx) == 216);
}

// NULL arguments are logged and ignored, never fatal.
static void test_null_args(void) {
  unsigned char d[48];
  char buf[8];
  mg_sha1_ctx c1;
  mg_sha1_init(NULL);
  mg_sha1_init(&c1);
  mg_sha1_update(&c1, NULL, 5);
  mg_sha1_update(NULL, (const unsigned char *) "x", 1);
  mg_sha1_final(NULL, &c1);
  mg_sha1_final(d, NULL);
  mg_md5_init(NULL);
  mg_md5_final(NULL, d);
  mg_sha256_init(NULL);
  mg_sha256_update(NULL, NULL, 0);
  mg_sha256_final(d, NULL);
  mg_sha384_init(NULL);
  mg_sha384_final(d, NULL);
  mg_sha256(NULL, (uint8_t *) "x", 1);
  mg_sha384(d, NULL, 3);
  mg_hmac_sha256(d, NULL, 3, (uint8_t *) "x", 1);
  CHECK(mg_base64_encode(NULL, 3, buf, sizeof(buf)) == 0 && buf[0] == '\0');
  CHECK(mg_base64_encode((const unsigned char *) "x", 1, NULL, 8) == 0);
  CHECK(mg_base64_decode(NULL, 4, buf, sizeof(buf)) == 0);
  CHECK(mg_base64_update('x', NULL, 0) == 0);
  CHECK(mg_base64_final(NULL, 3) == 0);
  CHECK(mg_crc16(7, NULL, 3) == 7);
  // The context still works after the rejected calls.
  mg_sha1_init(&c1);
  mg_sha1_update(&c1, (const unsigned char *) "abc", 3);
  mg_sha1_final(d, &c1);
  CHECK(d[0] == 0xa9 && d[19] == 0x9d);
}

int main(void) {
  test_null_args();
  test_base64();
  test_md5();
  test_sha();
  test_million();
  test_hmac();
  test_crc();
  test_sizes();
  return test_summary("test_hash");
}
