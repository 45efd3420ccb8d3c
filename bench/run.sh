#!/usr/bin/env bash
# Benchmarks. Prints figures; asserts nothing about speed.
#   bash bench/run.sh [wakeup]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
cargo build --release --quiet
out=bench/out
mkdir -p "$out"
cc_flags=(-O2 -Iinclude -Ltarget/release -lmongoose "-Wl,-rpath,$PWD/target/release" -lpthread)

if [[ $what == all || $what == wakeup ]]; then
  cc bench/wakeup_bench.c -o "$out/wakeup_bench" "${cc_flags[@]}"
  echo "== mg_wakeup throughput (messages delivered to the event loop) =="
  for t in 1 2 4 8; do "$out/wakeup_bench" "$t" $((1000000 / t)) 16; done
  "$out/wakeup_bench" 4 25000 4096
fi
