// JWT bearer authentication over HTTP, in the style of Mongoose's jwt-auth
// tutorial:
//   GET /login-hs256  -> {"token": "<HS256 JWT>"}
//   GET /login-es256  -> {"token": "<ES256 JWT>"}
//   any other URI     -> the token's claims when "Authorization: Bearer" holds
//                        a valid token (either algorithm), else 401.
// Usage: jwt_auth [LISTEN_URL]   (default http://127.0.0.1:8000)
// The key below is a throw-away test key (tests/jwt/ec_key.pem); a real
// server keeps its keys out of its source.
#include "mongoose.h"

static const char *s_secret = "change-me";
static const char *s_ec_key =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIBnBsfcMN4NdER9man511qJCV0xhD63xNftSdmRFP++eoAoGCCqGSM49\n"
    "AwEHoUQDQgAEm3pKEaBZ4tlSQkq6hh3vylLIy64r55n4fQqvWYggwxvyWKrlw8E3\n"
    "B3eaaxBkIgMRss9pGrqFE/jIxEgV6BV2OA==\n"
    "-----END EC PRIVATE KEY-----\n";

enum { TOKEN_MAX = 1024, CLAIMS_MAX = 256 };

// Replies with {"token": ...} or 500 when signing failed.
static void reply_token(struct mg_connection *c, size_t n, const char *jwt) {
  mg_http_reply(c, n > 0 ? 200 : 500, "Content-Type: application/json\r\n",
                "{%m:%m}\n", MG_ESC("token"), MG_ESC(n > 0 ? jwt : ""));
}

// Checks a bearer token with either algorithm; the claims go to out.
static size_t check_token(struct mg_str token, char *out, size_t len) {
  struct mg_jwt_opts opts;
  uint8_t key[32], pub[64];
  size_t n;
  memset(&opts, 0, sizeof(opts));
  opts.secret = mg_str(s_secret);
  if ((n = mg_jwt_verify_hs256(token, &opts, out, len)) > 0) return n;
  if (mg_uecc_parse_private_key(mg_str(s_ec_key), key, sizeof(key)) != 32 ||
      mg_uecc_compute_public_key(key, pub, mg_uecc_secp256r1()) != 1) {
    return 0;
  }
  memset(&opts, 0, sizeof(opts));
  opts.public_key = pub;
  return mg_jwt_verify_es256(token, &opts, out, len);
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    char user[1], token[TOKEN_MAX], claims[CLAIMS_MAX], jwt[TOKEN_MAX];
    struct mg_jwt_opts opts;
    memset(&opts, 0, sizeof(opts));
    token[0] = '\0';
    mg_http_creds(hm, user, sizeof(user), token, sizeof(token));
    if (mg_match(hm->uri, mg_str("/login-hs256"), NULL)) {
      mg_snprintf(claims, sizeof(claims), "{%m:%m,%m:%m}", MG_ESC("sub"),
                  MG_ESC("admin"), MG_ESC("scope"), MG_ESC("dash:read"));
      opts.claims = mg_str(claims);
      opts.kid = mg_str("hmac-key-1");
      opts.secret = mg_str(s_secret);
      reply_token(c, mg_jwt_sign_hs256(&opts, jwt, sizeof(jwt)), jwt);
    } else if (mg_match(hm->uri, mg_str("/login-es256"), NULL)) {
      uint8_t key[32];
      size_t n = 0;
      mg_snprintf(claims, sizeof(claims), "{%m:%m}", MG_ESC("sub"),
                  MG_ESC("viewer"));
      opts.claims = mg_str(claims);
      opts.kid = mg_str("ec-key-1");
      opts.private_key = key;
      if (mg_uecc_parse_private_key(mg_str(s_ec_key), key, sizeof(key)) == 32)
        n = mg_jwt_sign_es256(&opts, jwt, sizeof(jwt));
      reply_token(c, n, jwt);
    } else if (check_token(mg_str(token), claims, sizeof(claims)) > 0) {
      mg_http_reply(c, 200, "Content-Type: application/json\r\n", "%s\n",
                    claims);
    } else {
      mg_http_reply(c, 401, "WWW-Authenticate: Bearer\r\n", "Unauthorized\n");
    }
  }
}

int main(int argc, char *argv[]) {
  struct mg_mgr mgr;
  const char *url = argc > 1 ? argv[1] : "http://127.0.0.1:8000";
  mg_mgr_init(&mgr);
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) return 1;
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  return 0;
}
