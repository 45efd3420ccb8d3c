"""Cross-checks c_examples/jwt_auth against PyJWT, in both directions.

Usage: jwt_check.py PORT EC_KEY_PEM
- tokens the server signs (HS256 and ES256) verify with PyJWT;
- tokens PyJWT signs are accepted by the server, with their claims echoed;
- tampered, wrongly signed, expired, not-yet-valid and alg "none" tokens
  get 401.
Exits 0 when every check passed; prints each failure.
"""
import json
import sys
import time
import urllib.error
import urllib.request

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

PORT = int(sys.argv[1])
KEY_PEM = open(sys.argv[2], "rb").read()
SECRET = "change-me"
BASE = f"http://127.0.0.1:{PORT}"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def get(path, token=None):
    req = urllib.request.Request(BASE + path)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


private_key = serialization.load_pem_private_key(KEY_PEM, password=None)
public_key = private_key.public_key()

# Ours signs, PyJWT verifies.
st, body = get("/login-hs256")
tok = json.loads(body)["token"]
claims = jwt.decode(tok, SECRET, algorithms=["HS256"])
check(st == 200 and claims == {"sub": "admin", "scope": "dash:read"}, "HS256 from us verifies")
hdr = jwt.get_unverified_header(tok)
check(hdr == {"alg": "HS256", "typ": "JWT", "kid": "hmac-key-1"}, f"HS256 header {hdr}")
st, body = get("/login-es256")
tok = json.loads(body)["token"]
claims = jwt.decode(tok, public_key, algorithms=["ES256"])
check(st == 200 and claims == {"sub": "viewer"}, "ES256 from us verifies")
check(jwt.get_unverified_header(tok).get("kid") == "ec-key-1", "ES256 header has kid")
# Our tokens work against ourselves too.
check(get("/data", tok)[0] == 200, "our ES256 token accepted")

# PyJWT signs, ours verifies.
now = int(time.time())
good = {"sub": "py", "n": 7, "exp": now + 60}
st, body = get("/data", jwt.encode(good, SECRET, algorithm="HS256"))
check(st == 200 and json.loads(body) == good, f"PyJWT HS256 accepted: {st} {body!r}")
st, body = get("/data", jwt.encode(good, private_key, algorithm="ES256"))
check(st == 200 and json.loads(body) == good, f"PyJWT ES256 accepted: {st} {body!r}")
st, _ = get("/data", jwt.encode(good, SECRET, algorithm="HS256", headers={"kid": "x"}))
check(st == 200, "PyJWT HS256 with kid accepted")

# Refusals.
t = jwt.encode(good, SECRET, algorithm="HS256")
h, p, s = t.split(".")
forged = jwt.api_jws.base64url_encode(json.dumps({"sub": "root", "exp": now + 60}).encode()).decode()
check(get("/data", f"{h}.{forged}.{s}")[0] == 401, "tampered claims refused")
check(get("/data", f"{h}.{p}.{s[:-2]}AA")[0] == 401, "tampered signature refused")
check(get("/data", jwt.encode(good, "wrong", algorithm="HS256"))[0] == 401, "wrong secret refused")
check(get("/data", jwt.encode({"sub": "py", "exp": now - 10}, SECRET, algorithm="HS256"))[0] == 401,
      "expired HS256 refused")
check(get("/data", jwt.encode({"sub": "py", "exp": now - 10}, private_key, algorithm="ES256"))[0] == 401,
      "expired ES256 refused")
check(get("/data", jwt.encode({"nbf": now + 3600}, SECRET, algorithm="HS256"))[0] == 401,
      "not-yet-valid refused")
none_tok = jwt.encode(good, None, algorithm="none")
check(get("/data", none_tok)[0] == 401, "alg none refused")
check(get("/data", none_tok + "c2ln")[0] == 401, "alg none with a signature refused")
other_key = jwt.encode(good, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")
check(get("/data", other_key)[0] == 401, "ES256 from another key refused")
check(get("/data")[0] == 401, "no token refused")
check(get("/data", "garbage")[0] == 401, "garbage refused")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
