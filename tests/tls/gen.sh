#!/usr/bin/env bash
# Regenerates the test certificates in this directory (needs the openssl
# CLI; the tests only read the committed files). ECDSA P-256, valid 100 years.
#   ca.pem / ca.key          test CA
#   server.pem / server.key  "localhost" and 127.0.0.1, signed by the CA
#   client.pem / client.key  a client certificate, signed by the CA
#   other-ca.pem / .key      an unrelated CA (for verification failures)
#   v1.pem / v1.key          a self-signed X.509 version 1 certificate for
#                            "localhost" (no extensions), as old programs ship
set -euo pipefail
cd "$(dirname "$0")"
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
ca() {
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -out "$1.pem" -days $days -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
}
leaf() { # name cn ext
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days $days -out "$1.pem" -extfile <(printf '%s\n' "$3")
  rm -f "$1.csr"
}
ca ca "mongoose-rs test CA"
ca other-ca "mongoose-rs unrelated test CA"
leaf server localhost "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
leaf client "test client" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
key v1.key
openssl req -new -key v1.key -subj "/CN=localhost" -out v1.csr
openssl x509 -req -in v1.csr -signkey v1.key -days $days -out v1.pem  # no extensions: v1
rm -f v1.csr
rm -f ca.srl
