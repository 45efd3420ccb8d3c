#!/usr/bin/env bash
# scripts/run-example.sh serves the directory it is started from: started in
# a temporary directory with a relative DIR argument, the file server serves
# that directory's files, and nothing of the repository (.git/, README.md).
#   run_example.sh REPO_ROOT
set -euo pipefail
root=$(cd "$1" && pwd)
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/site/sub"
echo "served from the caller's directory" >"$tmp/site/sub/here.txt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cd "$tmp/site"
bash "$root/scripts/run-example.sh" file_server -p "$port" sub >"$tmp/log" 2>&1 &
pid=$!
get() {
  python3 - "$port" "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=5)
    print(r.status, r.read().decode(errors="replace").strip())
except urllib.error.HTTPError as e:
    print(e.code)
PY
}
for _ in $(seq 600); do # the script may build the library first
  if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
    break
  fi
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; echo "FAIL: run-example.sh exited"; exit 1; }
  sleep 0.5
done
got=$(get /here.txt)
[ "$got" = "200 served from the caller's directory" ] || { cat "$tmp/log"; echo "FAIL: /here.txt: $got"; exit 1; }
got=$(get /README.md)
[ "$got" = "404" ] || { echo "FAIL: /README.md: $got"; exit 1; }
echo "ok: run-example.sh serves $tmp/site/sub"
