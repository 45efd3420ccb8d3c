#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a short time (FUZZ_SECONDS, 20 by
# default), under AddressSanitizer, starting from the committed seeds in
# fuzz/seeds/<target>. New inputs go to target/fuzz-corpus/<target>, so the
# seeds stay as committed. A crash, leak, timeout or failed check fails the
# step and leaves the input in fuzz/artifacts/<target>/.
#
# Needs the nightly toolchain and cargo-fuzz: cargo-fuzz is installed from
# crates.io when missing; without nightly (which rustup cannot fetch from a
# package registry) the step says so and is skipped. FUZZ=0 skips it too.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
if [ "${FUZZ:-1}" = 0 ]; then
  echo "SKIPPED: fuzzing (FUZZ=0)"
  exit 0
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "nightly toolchain missing: trying rustup toolchain install nightly"
  if ! timeout 600 rustup toolchain install nightly --profile minimal >/dev/null 2>&1; then
    echo "SKIPPED: fuzzing (no nightly toolchain, and it could not be installed here)"
    exit 0
  fi
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz missing: installing it from crates.io"
  if ! timeout 1200 cargo install cargo-fuzz --locked >/dev/null 2>&1; then
    echo "SKIPPED: fuzzing (cargo-fuzz is missing and could not be installed)"
    exit 0
  fi
fi

cd fuzz
targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build -O
failed=""
for t in $targets; do
  corpus="../target/fuzz-corpus/$t"
  mkdir -p "$corpus"
  log="../target/fuzz-corpus/$t.log"
  if cargo +nightly fuzz run -O "$t" "$corpus" "seeds/$t" -- \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz $t: ok, $runs runs in ${seconds}s"
  else
    echo "fuzz $t: FAILED (log: target/fuzz-corpus/$t.log)"
    grep -E 'ERROR|panicked|SUMMARY|Test unit written' "$log" | head -20 || true
    failed="$failed $t"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzz targets failed:$failed"
  exit 1
fi
echo "all fuzz targets ran without a finding"
