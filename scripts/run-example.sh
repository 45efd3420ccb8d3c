#!/usr/bin/env bash
# Builds the library, compiles one C example against it and runs it in the
# directory this script was started from.
#
#   bash scripts/run-example.sh [name] [args...]
#
# name: c_examples/<name>.c; default file_server (serves the current
# directory on http://localhost:8000, worker-thread API under /api/; a
# relative DIR argument is relative to the current directory too).
# Extra arguments go to the example.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

name="${1:-}"
[ $# -gt 0 ] && shift
if [ -z "$name" ]; then
  if [ -f "$root/c_examples/file_server.c" ]; then
    name=file_server
  else
    name=http_server
  fi
fi
src="$root/c_examples/$name.c"
if [ ! -f "$src" ]; then
  echo "run-example: c_examples/$name.c not found; examples:" >&2
  (cd "$root" && ls c_examples/*.c >&2 2>/dev/null) || true
  exit 1
fi

# cargo runs in the repository; the example runs here, in the caller's directory.
(cd "$root" && cargo build --release)
lib="${CARGO_TARGET_DIR:-target}"
lib="$(cd "$root" && cd "$lib" && pwd)/release"
mkdir -p "$lib/c_examples"
exe="$lib/c_examples/$name"
"${CC:-cc}" -Wall -Wextra -O2 -g -I"$lib/include" "$src" \
  -o "$exe" -L"$lib" -lmongoose -Wl,-rpath,"$lib" -lpthread -ldl -lm
echo "run-example: running $exe $* in $PWD" >&2
exec "$exe" "$@"
