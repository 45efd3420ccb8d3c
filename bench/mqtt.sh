#!/usr/bin/env bash
# MQTT broker benchmark: c_examples/mqtt_broker (release build) against
# mosquitto, same machine, same load generator (bench/mqtt_load.c, MQTT 3.1.1
# clients on this library), 64-byte QoS 0 messages to one topic:
#   fan-out: 1 publisher -> 50 subscribers
#   fan-in:  50 publishers -> 1 subscriber
# Reports messages delivered to the subscribers per second and the broker's
# CPU time (utime+stime from /proc) per delivered message. Brokers on CPU 0,
# the load on CPU 1 (with two or more CPUs). Settings (environment):
#   SECONDS_PER_RUN=5  measured seconds per run (after a 1 s warm-up)
#   MQTT_RUNS=3        runs per broker and load, alternating who goes first;
#                      the table gives the medians
#   bash bench/mqtt.sh     (or: bash bench/run.sh mqtt)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECONDS_PER_RUN:-5}
runs=${MQTT_RUNS:-3}
out=bench/out
mkdir -p "$out"
bash scripts/install-mqtt-peers.sh >/dev/null
cargo build --release --quiet
mosq=$(command -v mosquitto || echo /usr/sbin/mosquitto)
if (($(nproc) >= 2)); then srv_cpu=(taskset -c 0) cli_cpu=(taskset -c 1); else srv_cpu=() cli_cpu=(); fi
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on port $1" >&2
  exit 1
}
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

flags=(-O2 -Iinclude -Ltarget/release -lmongoose "-Wl,-rpath,$PWD/target/release" -lpthread -ldl -lm)
cc c_examples/mqtt_broker.c -o "$out/mqtt_broker" "${flags[@]}"
cc bench/mqtt_load.c -o "$out/mqtt_load" "${flags[@]}"

ours_port=$(free_port)
"${srv_cpu[@]}" "$out/mqtt_broker" -l "mqtt://127.0.0.1:$ours_port" >"$out/mqtt_broker.log" 2>&1 &
ours_pid=$!
pids+=($!)
mosq_port=$(free_port)
user_line=""
[[ $(id -u) == 0 ]] && user_line="user root"
cat >"$out/mosquitto.conf" <<CONF
per_listener_settings false
allow_anonymous true
persistence false
log_type error
$user_line
listener $mosq_port 127.0.0.1
CONF
"${srv_cpu[@]}" "$mosq" -c "$out/mosquitto.conf" >"$out/mosquitto.log" 2>&1 &
mosq_pid=$!
pids+=($!)
wait_port "$ours_port"
wait_port "$mosq_port"

echo "== MQTT: c_examples/mqtt_broker vs $("$mosq" -h 2>/dev/null | head -1 | sed 's/ (build.*//') =="
echo "   $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')); brokers on CPU 0, load on CPU 1"
echo "   64-byte QoS 0 messages, ${secs}s measured per run, $runs runs each, medians"
: >"$out/mqtt_results.txt"
for ((run = 1; run <= runs; run++)); do
  order=(mongoose-rs mosquitto)
  ((run % 2)) || order=(mosquitto mongoose-rs)
  for load in "1 50" "50 1"; do
    for b in "${order[@]}"; do
      if [[ $b == mosquitto ]]; then port=$mosq_port pid=$mosq_pid; else port=$ours_port pid=$ours_pid; fi
      line=$("${cli_cpu[@]}" "$out/mqtt_load" "mqtt://127.0.0.1:$port" $load "$secs" "$pid")
      echo "$b $load $line" >>"$out/mqtt_results.txt"
      sleep 0.5
    done
  done
done
python3 - "$out/mqtt_results.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    key = (f[0], f[1], f[2])
    kv = dict(x.split("=") for x in f[3:])
    rows.setdefault(key, []).append((float(kv["msgs_per_s"]), float(kv["broker_cpu_us_per_msg"])))
print("| load                     | broker       | delivered msgs/s | broker CPU us/msg |")
print("|--------------------------|--------------|-----------------:|------------------:|")
for pubs, subs, name in [("1", "50", "1 pub -> 50 subs"), ("50", "1", "50 pubs -> 1 sub")]:
    med = {}
    for b in ("mongoose-rs", "mosquitto"):
        r = rows.get((b, pubs, subs), [])
        if not r:
            continue
        m = (statistics.median(x[0] for x in r), statistics.median(x[1] for x in r))
        med[b] = m
        print(f"| {name:24} | {b:12} | {m[0]:16.0f} | {m[1]:17.3f} |")
    if len(med) == 2:
        o, q = med["mongoose-rs"], med["mosquitto"]
        print(f"| {name:24} | ratio        | {o[0] / q[0]:15.2f}x | {o[1] / q[1]:16.2f}x |")
PY
