#!/usr/bin/env bash
# Sizes of what the release build ships, as built and stripped: the shared
# library, the static library, and bench/hello.c (an HTTP hello-world)
# linked statically against libmongoose.a and dynamically against the .so.
# Prints a markdown table (bytes and KiB) for docs/benchmarks.md.
#   bash bench/sizes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet 2>/dev/null
lib="${CARGO_TARGET_DIR:-target}/release"
out=bench/out/sizes
rm -rf "$out"
mkdir -p "$out"
cp "$lib/libmongoose.so" "$lib/libmongoose.a" "$out/"
strip --strip-all -o "$out/libmongoose.stripped.so" "$out/libmongoose.so"
strip --strip-debug -o "$out/libmongoose.stripped.a" "$out/libmongoose.a"
libs=$(sed -n 's/^note: native-static-libs: //p' < <(cargo build --release 2>&1) | head -1)
# shellcheck disable=SC2086 # $libs is a list of -l flags
link() { # name source extra-flags...
  local name=$1 src=$2
  shift 2
  cc -O2 -I"$lib/include" "$src" "$@" -o "$out/$name"
  strip --strip-all -o "$out/$name.stripped" "$out/$name"
}
link hello_static bench/hello.c "$out/libmongoose.a" $libs
link hello_static_gc bench/hello.c "$out/libmongoose.a" $libs -Wl,--gc-sections
link http_server_static_gc c_examples/http_server.c "$out/libmongoose.a" $libs -Wl,--gc-sections
link hello_dynamic bench/hello.c -L"$out" -lmongoose
row() {
  local what=$1 a=$2 b=$3
  local sa sb
  sa=$(stat -c %s "$a") sb=$(stat -c %s "$b")
  printf '| %s | %s (%s KiB) | %s (%s KiB) |\n' "$what" "$sa" $((sa / 1024)) "$sb" $((sb / 1024))
}
echo "| file | as built | stripped |"
echo "|---|---:|---:|"
row "libmongoose.so" "$out/libmongoose.so" "$out/libmongoose.stripped.so"
row "libmongoose.a (strip --strip-debug)" "$out/libmongoose.a" "$out/libmongoose.stripped.a"
row "hello, static (bench/hello.c + libmongoose.a)" "$out/hello_static" "$out/hello_static.stripped"
row "hello, static, -Wl,--gc-sections" "$out/hello_static_gc" "$out/hello_static_gc.stripped"
row "c_examples/http_server (uses TLS), static, -Wl,--gc-sections" "$out/http_server_static_gc" "$out/http_server_static_gc.stripped"
row "hello, dynamic (without the .so)" "$out/hello_dynamic" "$out/hello_dynamic.stripped"
