#!/usr/bin/env bash
# Installs the MQTT peers the tests and the benchmark use: Debian's mosquitto
# broker (apt-get, as root) and paho-mqtt (pip, into $MQTT_VENV, by default
# target/pyenv-mqtt).
# Called by .ci/run; safe to run again (it skips what is there).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing mosquitto with apt-get"
    timeout 600 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq mosquitto >/dev/null
  else
    echo "mosquitto is missing and cannot be installed here (not root or no apt-get)" >&2
    exit 1
  fi
fi

venv=${MQTT_VENV:-target/pyenv-mqtt}
if ! "$venv/bin/python" -c 'import paho.mqtt, sys; sys.exit(paho.mqtt.__version__ != "2.1.0")' 2>/dev/null; then
  echo "installing paho-mqtt into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check paho-mqtt==2.1.0
fi
