#!/usr/bin/env bash
# Builds the library, compiles one C example against it and runs it.
#
#   bash scripts/run-example.sh [name] [args...]
#
# name: c_examples/<name>.c; default file_server (serves the current
# directory on http://localhost:8000, worker-thread API under /api/).
# Extra arguments go to the example.
set -euo pipefail
cd "$(dirname "$0")/.."

name="${1:-}"
[ $# -gt 0 ] && shift
if [ -z "$name" ]; then
  if [ -f c_examples/file_server.c ]; then
    name=file_server
  else
    name=http_server
  fi
fi
src="c_examples/$name.c"
if [ ! -f "$src" ]; then
  echo "run-example: $src not found; examples:" >&2
  ls c_examples/*.c >&2 2>/dev/null || true
  exit 1
fi

cargo build --release
lib="${CARGO_TARGET_DIR:-target}"
lib="$(cd "$lib" && pwd)/release"
mkdir -p "$lib/c_examples"
exe="$lib/c_examples/$name"
"${CC:-cc}" -Wall -Wextra -O2 -g -Iinclude "$src" \
  -o "$exe" -L"$lib" -lmongoose -Wl,-rpath,"$lib" -lpthread -ldl -lm
echo "run-example: running $exe $*" >&2
exec "$exe" "$@"
