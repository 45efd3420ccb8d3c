#!/usr/bin/env bash
# Installs the peers of tests/dns_peer.rs and tests/mdns_peer.rs: dnsmasq and
# dig (Debian, as root), and dnslib, dnspython and zeroconf in the virtualenv
# target/pyenv-dns. Idempotent; .ci/run calls it before cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dnsmasq >/dev/null 2>&1 || ! command -v dig >/dev/null 2>&1 ||
  ! command -v ip >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    timeout 600 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
      dnsmasq-base bind9-dnsutils iproute2 >/dev/null
  else
    echo "dnsmasq/dig/ip missing and cannot be installed here (not root or no apt-get)" >&2
    exit 1
  fi
fi
venv=target/pyenv-dns
if ! "$venv/bin/python" -c 'import dnslib, dns.message, zeroconf' 2>/dev/null; then
  python3 -m venv "$venv"
  timeout 600 "$venv/bin/pip" install -q dnslib dnspython zeroconf
fi
echo "DNS peers ready: $(dnsmasq --version | head -1); dig $(dig -v 2>&1 | head -1); $("$venv/bin/python" -c 'import dnslib, dns.version, zeroconf; print("dnslib", dnslib.version, "dnspython", dns.version.version, "zeroconf", zeroconf.__version__)')"
