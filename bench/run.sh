#!/usr/bin/env bash
# Benchmarks. Prints figures; asserts nothing about speed.
#   bash bench/run.sh [all|wakeup|data|http|http-idle|ws|files]
#
# ws: c_examples/websocket_server (release build) under bench/ws_load.c, a
# load client on this library: 100 connections echoing 64-byte and 64 KiB
# messages, one in flight per connection (DURATION applies, default 10s).
# Server pinned to CPU 0, client to CPU 1 when there are two CPUs.
#
# http: c_examples/http_server (release build, /bench) against nginx with one
# worker, both pinned to CPU 0, wrk pinned to CPU 1 (when the machine has two
# or more CPUs). Settings, as environment variables:
#   DURATION=10s  length of each wrk run
#   IDLE=10000    idle keep-alive connections held during the last load
# files: c_examples/file_server against nginx (1 worker, sendfile on) serving
# the same directory: a 100 MiB file downloaded with curl (MiB/s, best and
# median of RUNS=5), and a 4 KiB file under wrk at 50 connections (req/s).
# Installs wrk and nginx(-light) with apt-get when they are missing.
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

if [[ $what == all || $what == data ]]; then
  cc bench/data_bench.c -o "$out/data_bench" "${cc_flags[@]}"
  echo "== mg_queue, JSON, hashes and base64 =="
  "$out/data_bench"
fi

if [[ $what == all || $what == ws ]]; then
  cc -O2 -Iinclude c_examples/websocket_server.c -o "$out/websocket_server" \
    -Ltarget/release -lmongoose "-Wl,-rpath,$PWD/target/release" -lpthread -ldl -lm
  cc -O2 bench/ws_load.c -o "$out/ws_load" "${cc_flags[@]}" -ldl -lm
  secs=${DURATION:-10s}
  secs=${secs%s}
  ws_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if (($(nproc) >= 2)); then ws_srv=(taskset -c 0) ws_cli=(taskset -c 1); else ws_srv=() ws_cli=(); fi
  "${ws_srv[@]}" "$out/websocket_server" "ws://127.0.0.1:$ws_port" 3600000 >"$out/websocket_server.log" 2>&1 &
  ws_pid=$!
  trap 'kill $ws_pid 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$ws_port),1)" 2>/dev/null && break
    sleep 0.1
  done
  echo "== WebSocket echo: c_examples/websocket_server, bench/ws_load, 100 connections, ${secs}s per run =="
  echo "   CPU us/msg: server utime+stime over the run / echoed messages"
  clk=$(getconf CLK_TCK)
  for size in 64 65536; do
    t0=$(awk '{print $14 + $15}' "/proc/$ws_pid/stat")
    line=$("${ws_cli[@]}" "$out/ws_load" "ws://127.0.0.1:$ws_port/websocket" 100 "$size" "$secs")
    t1=$(awk '{print $14 + $15}' "/proc/$ws_pid/stat")
    echoes=$(awk '{print $6}' <<<"$line")
    echo "   $line; server CPU $(awk -v t=$((t1 - t0)) -v c="$clk" -v n="$echoes" 'BEGIN {v = n > 0 ? t * 1e6 / c / n : 0; printf "%.2f", v}') us/msg"
  done
  echo "   server RSS peak: $(awk '/VmHWM/ {print $2, $3}' /proc/$ws_pid/status)"
  kill $ws_pid
  wait $ws_pid 2>/dev/null || true
  trap - EXIT
fi

if [[ $what != all && $what != http && $what != http-idle && $what != files ]]; then
  exit 0
fi

# ---- Common to the HTTP and file benchmarks --------------------------------
duration=${DURATION:-10s}
idle=${IDLE:-10000}
sudo=""
[[ $(id -u) == 0 ]] || sudo=sudo

apt_install() {
  $sudo apt-get install -y -q "$@" >"$out/apt.log" 2>&1 ||
    { $sudo apt-get update -q >>"$out/apt.log" 2>&1 &&
      $sudo apt-get install -y -q "$@" >>"$out/apt.log" 2>&1; }
}
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
command -v wrk >/dev/null || apt_install wrk
[[ -x $nginx_bin ]] || apt_install nginx-light || apt_install nginx
command -v wrk >/dev/null && [[ -x $nginx_bin ]] ||
  { echo "bench: cannot install wrk and nginx (see $out/apt.log)" >&2; exit 1; }

# Both servers and the clients need room for IDLE connections plus the rest.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (($(ulimit -n) < idle + 2000)); then
  echo "bench: open-file limit $(ulimit -n) is too low for IDLE=$idle" >&2
  exit 1
fi

if (($(nproc) >= 2)); then
  srv_cpu=(taskset -c 0) cli_cpu=(taskset -c 1)
else
  srv_cpu=() cli_cpu=()
fi
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
body='Hello, World!\n'  # what http_server.c's /bench returns (BENCH_BODY)
abs_out="$PWD/$out"
clk=$(getconf CLK_TCK)

pids_to_kill=()
cleanup() {
  for p in "${pids_to_kill[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "bench: nothing listens on port $1" >&2
  exit 1
}

cpu_ticks() {  # utime + stime of the given processes, in clock ticks
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$t"
}

# run_wrk LABEL NAME PORT "PIDS" WRK-ARGS... : one wrk run, one table row.
run_wrk() {
  local label=$1 name=$2 port=$3 pids=$4
  shift 4
  local t0 t1 file opts=() script_args=()
  while (($#)) && [[ $1 != -- ]]; do opts+=("$1"); shift; done
  script_args=("$@")  # "--" and what follows go after the URL
  file="$out/wrk-${label// /_}-$name.txt"
  t0=$(cpu_ticks $pids)
  "${cli_cpu[@]}" wrk "${opts[@]}" "http://127.0.0.1:$port${wrk_path:-/bench}" "${script_args[@]}" >"$file" 2>&1
  t1=$(cpu_ticks $pids)
  awk -v label="$label" -v name="$name" -v ticks=$((t1 - t0)) -v clk="$clk" '
    / requests in / { reqs = $1 }
    /^Requests\/sec/ { rps = $2 }
    $1 == "99%" { p99 = $2 }
    /Socket errors|Non-2xx/ { sub(/^ +/, ""); errs = errs $0 " " }
    END {
      us = reqs > 0 ? ticks * 1e6 / clk / reqs : 0
      printf "| %-26s | %-12s | %11.0f | %9s | %7.2f | %s\n",
        label, name, rps, p99, us, errs == "" ? "" : errs
    }' "$file"
}


# ---- Static files: file_server vs nginx ------------------------------------
if [[ $what == all || $what == files ]]; then
  runs=${RUNS:-5}
  files="$abs_out/files"
  mkdir -p "$files"
  [[ -f $files/100mib.bin && $(stat -c %s "$files/100mib.bin") == 104857600 ]] ||
    head -c 104857600 /dev/urandom >"$files/100mib.bin"
  [[ -f $files/4k.bin && $(stat -c %s "$files/4k.bin") == 4096 ]] ||
    head -c 4096 /dev/urandom >"$files/4k.bin"
  cc -O2 -Iinclude c_examples/file_server.c -o "$out/file_server" \
    -Ltarget/release -lmongoose "-Wl,-rpath,$PWD/target/release" -lpthread -ldl -lm

  fs_port=$(free_port)
  "${srv_cpu[@]}" "$out/file_server" -l "http://127.0.0.1:$fs_port" "$files" >"$out/file_server.log" 2>&1 &
  fs_pids=($!)
  pids_to_kill+=($!)

  ngf_port=$(free_port)
  mkdir -p "$abs_out/nginx-files/logs" "$abs_out/nginx-files/tmp"
  cat >"$out/nginx-files.conf" <<EOF
# Generated by bench/run.sh (files).
worker_processes 1;
daemon off;
pid $abs_out/nginx-files/nginx.pid;
error_log $abs_out/nginx-files/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  client_body_temp_path $abs_out/nginx-files/tmp/body;
  proxy_temp_path $abs_out/nginx-files/tmp/proxy;
  fastcgi_temp_path $abs_out/nginx-files/tmp/fastcgi;
  uwsgi_temp_path $abs_out/nginx-files/tmp/uwsgi;
  scgi_temp_path $abs_out/nginx-files/tmp/scgi;
  server {
    listen 127.0.0.1:$ngf_port;
    root $files;
  }
}
EOF
  "${srv_cpu[@]}" "$nginx_bin" -c "$abs_out/nginx-files.conf" -p "$abs_out/nginx-files" &
  ngf_master=$!
  pids_to_kill+=($!)
  wait_port "$fs_port"
  wait_port "$ngf_port"
  sleep 0.5
  ngf_pids=("$ngf_master" $(pgrep -P "$ngf_master"))

  # Same bytes from both?
  want=$(sha256sum <"$files/100mib.bin" | cut -d' ' -f1)
  for port in "$fs_port" "$ngf_port"; do
    got=$(curl -s "http://127.0.0.1:$port/100mib.bin" | sha256sum | cut -d' ' -f1)
    if [[ $got != "$want" ]]; then
      echo "bench: the 100 MiB file from port $port differs" >&2
      exit 1
    fi
  done

  # download NAME PORT "PIDS": RUNS downloads of the 100 MiB file, one row:
  # best and median MiB/s, server CPU ms per download.
  download() {
    local name=$1 port=$2 pids=$3 i t0 t1 speeds=()
    t0=$(cpu_ticks $pids)
    for ((i = 0; i < runs; i++)); do
      speeds+=($("${cli_cpu[@]}" curl -s -o /dev/null -w '%{speed_download}' \
        "http://127.0.0.1:$port/100mib.bin"))
    done
    t1=$(cpu_ticks $pids)
    printf '%s\n' "${speeds[@]}" | sort -g | awk -v name="$name" \
      -v ms=$(((t1 - t0) * 1000 / clk / runs)) '
      { v[NR] = $1 / 1048576 }
      END { printf "| %-12s | %10.0f | %12.0f | %22d |\n", name, v[NR], v[int((NR + 1) / 2)], ms }'
  }

  echo "== Static files: c_examples/file_server vs nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') (1 worker, sendfile on) =="
  echo "   $(nproc) CPUs; servers on CPU 0, clients on CPU 1"
  echo "   100 MiB file, curl -o /dev/null, $runs downloads each:"
  echo "| server       | best MiB/s | median MiB/s | server CPU ms/download |"
  download mongoose-rs "$fs_port" "${fs_pids[*]}"
  download nginx "$ngf_port" "${ngf_pids[*]}"

  echo "   4 KiB file, wrk -t2 -c50, $duration:"
  echo "| load                       | server       |       req/s |   p99 lat | CPU us/req | errors"
  wrk_path=/4k.bin
  "${cli_cpu[@]}" wrk -t1 -c10 -d1s "http://127.0.0.1:$fs_port$wrk_path" >/dev/null
  "${cli_cpu[@]}" wrk -t1 -c10 -d1s "http://127.0.0.1:$ngf_port$wrk_path" >/dev/null
  run_wrk "4 KiB file, 50 conns" mongoose-rs "$fs_port" "${fs_pids[*]}" -t2 -c50 -d"$duration" --latency
  run_wrk "4 KiB file, 50 conns" nginx "$ngf_port" "${ngf_pids[*]}" -t2 -c50 -d"$duration" --latency
  unset wrk_path
  echo "   server RSS peak: mongoose-rs $(awk '/VmHWM/ {print $2, $3}' /proc/"${fs_pids[0]}"/status);" \
    "nginx worker $(awk '/VmHWM/ {print $2, $3}' /proc/"${ngf_pids[1]}"/status)"
  echo
fi

# ---- HTTP: http_server vs nginx -------------------------------------------
if [[ $what == all || $what == http || $what == http-idle ]]; then
cc -O2 -Iinclude c_examples/http_server.c -o "$out/http_server" \
  -Ltarget/release -lmongoose "-Wl,-rpath,$PWD/target/release" -lpthread -ldl -lm

ours_port=$(free_port)
"${srv_cpu[@]}" "$out/http_server" "http://127.0.0.1:$ours_port" >"$out/http_server.log" 2>&1 &
ours_pids=($!)
pids_to_kill+=($!)

nginx_port=$(free_port)
mkdir -p "$abs_out/nginx/logs" "$abs_out/nginx/tmp"
cat >"$out/nginx.conf" <<EOF
# Generated by bench/run.sh.
worker_processes 1;
worker_rlimit_nofile $(ulimit -n);
daemon off;
pid $abs_out/nginx/nginx.pid;
error_log $abs_out/nginx/logs/error.log warn;
events { worker_connections $(($(ulimit -n) - 100)); }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $abs_out/nginx/tmp/body;
  proxy_temp_path $abs_out/nginx/tmp/proxy;
  fastcgi_temp_path $abs_out/nginx/tmp/fastcgi;
  uwsgi_temp_path $abs_out/nginx/tmp/uwsgi;
  scgi_temp_path $abs_out/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location /bench { default_type text/plain; return 200 "$body"; }
  }
}
EOF
"${srv_cpu[@]}" "$nginx_bin" -c "$abs_out/nginx.conf" -p "$abs_out/nginx" &
nginx_master=$!
pids_to_kill+=($!)
wait_port "$ours_port"
wait_port "$nginx_port"
sleep 0.5
nginx_pids=("$nginx_master" $(pgrep -P "$nginx_master"))

# Same bytes from both?
ours_body=$(python3 -c "import urllib.request as u; print(repr(u.urlopen('http://127.0.0.1:$ours_port/bench').read()))")
nginx_body=$(python3 -c "import urllib.request as u; print(repr(u.urlopen('http://127.0.0.1:$nginx_port/bench').read()))")
if [[ $ours_body != "$nginx_body" ]]; then
  echo "bench: bodies differ: ours $ours_body, nginx $nginx_body" >&2
  exit 1
fi

# Warm up both (not reported).
"${cli_cpu[@]}" wrk -t1 -c10 -d1s "http://127.0.0.1:$ours_port/bench" >/dev/null
"${cli_cpu[@]}" wrk -t1 -c10 -d1s "http://127.0.0.1:$nginx_port/bench" >/dev/null

# What one mg_mgr_poll() costs with many idle connections and nothing to do.
cc -O2 -Iinclude bench/idle_pass.c -o "$out/idle_pass" "${cc_flags[@]}"
echo "== event loop pass over idle connections (bench/idle_pass.c, one process holds both ends) =="
pass_conns=$((($(ulimit -n) - 100) / 2)); ((pass_conns > idle)) && pass_conns=$idle
"${srv_cpu[@]}" "$out/idle_pass" "$pass_conns" 2000 | sed 's/^/   /'

echo "== HTTP: c_examples/http_server vs nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///'), 1 worker =="
echo "   $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')); servers on CPU 0, wrk on CPU 1; $duration per run"
echo "   CPU us/req: server utime+stime over the run / requests"
echo "| load                       | server       |       req/s |   p99 lat | CPU us/req | errors"
loads=("keep-alive 50 conns" "keep-alive 1000 conns" "pipelined x16 50 conns")
[[ $what == http-idle ]] && loads=()  # http-idle: only the idle load below
for load in "${loads[@]}"; do
  case $load in
    keep-alive\ 50*) args=(-t2 -c50 -d"$duration" --latency) ;;
    keep-alive\ 1000*) args=(-t2 -c1000 -d"$duration" --latency) ;;
    pipelined*) args=(-t2 -c50 -d"$duration" --latency -s bench/pipeline.lua -- 16) ;;
  esac
  run_wrk "$load" mongoose-rs "$ours_port" "${ours_pids[*]}" "${args[@]}"
  run_wrk "$load" nginx "$nginx_port" "${nginx_pids[*]}" "${args[@]}"
done

# 50 active connections while IDLE idle keep-alive connections are held open.
for srv in mongoose-rs nginx; do
  if [[ $srv == nginx ]]; then port=$nginx_port pids="${nginx_pids[*]}"; else port=$ours_port pids="${ours_pids[*]}"; fi
  log="$out/idle-$srv.log"
  "${cli_cpu[@]}" python3 bench/idle_conns.py 127.0.0.1 "$port" /bench "$idle" >"$log" 2>&1 &
  idle_pid=$!
  pids_to_kill+=($idle_pid)
  until grep -q '^ready' "$log"; do
    if ! kill -0 "$idle_pid" 2>/dev/null; then
      echo "bench: idle connection helper failed:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
  run_wrk "$idle idle + 50 active" "$srv" "$port" "$pids" -t2 -c50 -d"$duration" --latency
  kill -TERM "$idle_pid"
  wait "$idle_pid" 2>/dev/null || true
  echo "   ($srv: idle helper: $(grep -E '^(ready|open)' "$log" | tr '\n' ' '))"
  sleep 1
done
echo "   server RSS at the end: mongoose-rs $(awk '/VmHWM/ {print $2, $3}' /proc/"${ours_pids[0]}"/status) peak;" \
  "nginx worker $(awk '/VmHWM/ {print $2, $3}' /proc/"${nginx_pids[1]}"/status) peak"
echo "   (full wrk output in $out/wrk-*.txt)"
fi
