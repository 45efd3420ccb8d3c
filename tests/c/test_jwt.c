// JWT from C: mg_jwt_sign/verify_hs256 and _es256, the mg_uecc_* key
// helpers, buffer sizes, refusals (tampering, alg none, the other algorithm,
// exp and nbf) and NULL arguments. tests/jwt_peer.rs checks the tokens
// against PyJWT.
#include "test_util.h"

static const char *s_pem =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIBnBsfcMN4NdER9man511qJCV0xhD63xNftSdmRFP++eoAoGCCqGSM49\n"
    "AwEHoUQDQgAEm3pKEaBZ4tlSQkq6hh3vylLIy64r55n4fQqvWYggwxvyWKrlw8E3\n"
    "B3eaaxBkIgMRss9pGrqFE/jIxEgV6BV2OA==\n"
    "-----END EC PRIVATE KEY-----\n";

static void test_hs256(void) {
  struct mg_jwt_opts o;
  char tok[512], claims[128], tampered[512];
  size_t n, m;
  char *dot;
  memset(&o, 0, sizeof(o));
  o.claims = mg_str("{\"sub\":\"a\"}");
  o.secret = mg_str("s3cret");
  o.kid = mg_str("k\"1");
  o.header = mg_str("\"cty\":\"x\"");
  n = mg_jwt_sign_hs256(&o, tok, sizeof(tok));
  CHECK(n > 0 && n == strlen(tok));
  // The header is {"alg":"HS256","typ":"JWT","kid":"k\"1","cty":"x"}.
  {
    char hdr[128];
    size_t hn = (size_t) (strchr(tok, '.') - tok);
    size_t k = mg_base64url_decode(tok, hn, hdr, sizeof(hdr));
    CHECK(k > 0);
    CHECK_STR(hdr, "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k\\\"1\",\"cty\":\"x\"}");
  }
  m = mg_jwt_verify_hs256(mg_str_n(tok, n), &o, claims, sizeof(claims));
  CHECK(m == 11);
  CHECK_STR(claims, "{\"sub\":\"a\"}");
  // Too small for the token or the claims (with its NUL): 0.
  CHECK(mg_jwt_sign_hs256(&o, tok + 0, n) == 0);
  n = mg_jwt_sign_hs256(&o, tok, sizeof(tok));
  CHECK(mg_jwt_verify_hs256(mg_str_n(tok, n), &o, claims, 11) == 0);
  CHECK(mg_jwt_verify_hs256(mg_str_n(tok, n), &o, claims, 12) == 11);
  // Wrong secret, tampered signature, tampered claims.
  o.secret = mg_str("other");
  CHECK(mg_jwt_verify_hs256(mg_str_n(tok, n), &o, claims, sizeof(claims)) == 0);
  o.secret = mg_str("s3cret");
  memcpy(tampered, tok, n + 1);
  tampered[n - 2] = tampered[n - 2] == 'A' ? 'B' : 'A';
  CHECK(mg_jwt_verify_hs256(mg_str_n(tampered, n), &o, claims, sizeof(claims)) == 0);
  memcpy(tampered, tok, n + 1);
  dot = strchr(tampered, '.');
  dot[1] = dot[1] == 'e' ? 'f' : 'e';
  CHECK(mg_jwt_verify_hs256(mg_str_n(tampered, n), &o, claims, sizeof(claims)) == 0);
  // alg none: header {"alg":"none"} and an empty signature.
  CHECK(mg_jwt_verify_hs256(mg_str("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."), &o,
                            claims, sizeof(claims)) == 0);
  // Malformed shapes.
  CHECK(mg_jwt_verify_hs256(mg_str("a.b"), &o, claims, sizeof(claims)) == 0);
  CHECK(mg_jwt_verify_hs256(mg_str(""), &o, claims, sizeof(claims)) == 0);
  CHECK(mg_jwt_verify_hs256(mg_str("a.b.c.d"), &o, claims, sizeof(claims)) == 0);
}

static void test_time_claims(void) {
  struct mg_jwt_opts o;
  char tok[512], claims[128], c[64];
  size_t n;
  unsigned long long now = (unsigned long long) (mg_now() / 1000);
  memset(&o, 0, sizeof(o));
  o.secret = mg_str("k");
  mg_snprintf(c, sizeof(c), "{\"exp\":%llu}", now - 5);
  o.claims = mg_str(c);
  n = mg_jwt_sign_hs256(&o, tok, sizeof(tok));
  CHECK(n > 0 && mg_jwt_verify_hs256(mg_str(tok), &o, claims, sizeof(claims)) == 0);
  mg_snprintf(c, sizeof(c), "{\"exp\":%llu}", now + 60);
  o.claims = mg_str(c);
  n = mg_jwt_sign_hs256(&o, tok, sizeof(tok));
  CHECK(n > 0 && mg_jwt_verify_hs256(mg_str(tok), &o, claims, sizeof(claims)) > 0);
  mg_snprintf(c, sizeof(c), "{\"nbf\":%llu}", now + 60);
  o.claims = mg_str(c);
  n = mg_jwt_sign_hs256(&o, tok, sizeof(tok));
  CHECK(n > 0 && mg_jwt_verify_hs256(mg_str(tok), &o, claims, sizeof(claims)) == 0);
}

static void test_es256(void) {
  struct mg_jwt_opts o;
  uint8_t key[32], pub[64], pub2[64];
  char tok[512], tok2[512], claims[64];
  size_t n;
  memset(&o, 0, sizeof(o));
  CHECK(mg_uecc_parse_private_key(mg_str(s_pem), key, sizeof(key)) == 32);
  CHECK(mg_uecc_parse_private_key(mg_str(s_pem), key, 31) == 0);
  CHECK(mg_uecc_parse_private_key(mg_str("junk"), key, sizeof(key)) == 0);
  CHECK(mg_uecc_compute_public_key(key, pub, mg_uecc_secp256r1()) == 1);
  o.claims = mg_str("{\"a\":1}");
  o.private_key = key;
  n = mg_jwt_sign_es256(&o, tok, sizeof(tok));
  CHECK(n > 0);
  // Deterministic signatures (RFC 6979): the same token again.
  CHECK(mg_jwt_sign_es256(&o, tok2, sizeof(tok2)) == n && strcmp(tok, tok2) == 0);
  o.public_key = pub;
  CHECK(mg_jwt_verify_es256(mg_str(tok), &o, claims, sizeof(claims)) == 7);
  CHECK_STR(claims, "{\"a\":1}");
  // Another key does not verify it; the HS256 verifier refuses ES256.
  key[0] ^= 1;
  CHECK(mg_uecc_compute_public_key(key, pub2, mg_uecc_secp256r1()) == 1);
  o.public_key = pub2;
  CHECK(mg_jwt_verify_es256(mg_str(tok), &o, claims, sizeof(claims)) == 0);
  o.secret = mg_str("x");
  CHECK(mg_jwt_verify_hs256(mg_str(tok), &o, claims, sizeof(claims)) == 0);
  // An HS256 token is refused by the ES256 verifier.
  o.public_key = pub;
  n = mg_jwt_sign_hs256(&o, tok, sizeof(tok));
  CHECK(n > 0 && mg_jwt_verify_es256(mg_str(tok), &o, claims, sizeof(claims)) == 0);
}

static void test_null(void) {
  struct mg_jwt_opts o;
  char buf[64];
  memset(&o, 0, sizeof(o));
  CHECK(mg_jwt_sign_hs256(NULL, buf, sizeof(buf)) == 0);
  CHECK(mg_jwt_sign_hs256(&o, NULL, 10) == 0);
  CHECK(mg_jwt_sign_es256(&o, buf, sizeof(buf)) == 0);  // no private key
  CHECK(mg_jwt_verify_hs256(mg_str("a.b.c"), NULL, buf, sizeof(buf)) == 0);
  CHECK(mg_jwt_verify_es256(mg_str("a.b.c"), &o, buf, sizeof(buf)) == 0);
  CHECK(mg_uecc_compute_public_key(NULL, NULL, mg_uecc_secp256r1()) == 0);
}

int main(void) {
  mg_log_set(MG_LL_NONE);
  test_hs256();
  test_time_claims();
  test_es256();
  test_null();
  return test_summary("test_jwt");
}
