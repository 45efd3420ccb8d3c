"""paho-mqtt clients against an MQTT broker (c_examples/mqtt_broker.c), and
against the example client through a broker (mosquitto).

    python mqtt_paho.py PORT SCENARIO [ARGS...]

Scenarios: wildcards, retained, will, keepalive, props, qos (the broker on
PORT), and example_client EXE ARGS... (starts EXE ARGS..., c_examples/
mqtt_client, whose broker is on PORT: its hello, an echo, its will after a
SIGKILL). Prints
"ok SCENARIO" and exits 0 when every check held; otherwise prints what
failed and exits 1.
"""
import socket
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

HOST = "127.0.0.1"
TIMEOUT = 5.0
V4, V5 = mqtt.MQTTv311, mqtt.MQTTv5


class Client:
    """A paho client that records what arrives."""

    def __init__(self, port, name, version=V4, will=None, keepalive=60):
        self.msgs = []
        self.cond = threading.Condition()
        self.c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=name, protocol=version)
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.granted = None
        self.c.on_connect = self._on_connect
        self.c.on_message = self._on_message
        self.c.on_subscribe = self._on_subscribe
        if will:
            self.c.will_set(*will)
        self.c.connect(HOST, port, keepalive=keepalive)
        self.c.loop_start()
        check(self.connected.wait(TIMEOUT), f"{name}: no CONNACK")

    def _on_connect(self, client, userdata, flags, rc, props=None):
        check(not rc.is_failure, f"CONNACK {rc}")
        self.connected.set()

    def _on_subscribe(self, client, userdata, mid, codes, props=None):
        self.granted = [c.value for c in codes]
        self.subscribed.set()

    def _on_message(self, client, userdata, msg):
        with self.cond:
            self.msgs.append(msg)
            self.cond.notify_all()

    def sub(self, topic, qos=0, **kw):
        self.subscribed.clear()
        if kw:
            self.c.subscribe(topic, **kw)
        else:
            self.c.subscribe(topic, qos)
        check(self.subscribed.wait(TIMEOUT), f"no SUBACK for {topic}")
        return self.granted

    def wait(self, n, timeout=TIMEOUT):
        end = time.time() + timeout
        with self.cond:
            while len(self.msgs) < n and time.time() < end:
                self.cond.wait(0.05)
            return list(self.msgs)

    def topics(self):
        return sorted(m.topic for m in self.msgs)

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", flush=True)
        sys.exit(1)


def settle():
    time.sleep(0.3)


def wildcards(port):
    plus = Client(port, "plus")
    hash_ = Client(port, "hash")
    all_ = Client(port, "all")
    check(plus.sub("s/+/t") == [0], "SUBACK granted QoS 0")
    hash_.sub("s/#")
    all_.sub("#")
    # paho refuses to send an invalid filter: a raw client does.
    raw = socket.create_connection((HOST, port))
    raw.settimeout(TIMEOUT)
    body = b"\x00\x04MQTT\x04\x02\x00\x3c\x00\x03raw"
    raw.sendall(bytes([0x10, len(body)]) + body)
    check(raw.recv(4) == b"\x20\x02\x00\x00", "CONNACK")
    body = b"\x00\x05" + b"\x00\x05s/#/x\x00" + b"\x00\x03s/+\x01"
    raw.sendall(bytes([0x82, len(body)]) + body)
    check(raw.recv(6) == b"\x90\x04\x00\x05\x80\x01", "SUBACK: 0x80 for s/#/x, QoS 1")
    pub = Client(port, "pub")
    for t in ["s/a/t", "s/a/b/t", "s", "s/", "$x/a", "q"]:
        pub.c.publish(t, t.encode())
    all_.wait(5)
    settle()
    check(plus.topics() == ["s/a/t"], f"s/+/t got {plus.topics()}")
    check(hash_.topics() == ["s", "s/", "s/a/b/t", "s/a/t"], f"s/# got {hash_.topics()}")
    check(all_.topics() == ["q", "s", "s/", "s/a/b/t", "s/a/t"], f"# got {all_.topics()}")
    raw.close()
    for c in (plus, hash_, all_, pub):
        c.close()


def retained(port):
    pub = Client(port, "pub")
    live = Client(port, "live")
    live.sub("r/#")
    pub.c.publish("r/1", b"one", retain=True)
    pub.c.publish("r/2", b"two", retain=True)
    pub.c.publish("r/3", b"three", retain=True)
    pub.c.publish("r/2", b"", retain=True)  # deletes r/2
    pub.c.publish("r/3", b"THREE", retain=True)  # replaces r/3
    live.wait(5)
    check([m.retain for m in live.msgs] == [False] * 5, "forwarded with retain 0")
    late = Client(port, "late")
    late.sub("r/+")
    got = late.wait(2)
    settle()
    got = sorted((m.topic, m.payload, m.retain) for m in late.msgs)
    check(got == [("r/1", b"one", True), ("r/3", b"THREE", True)], f"retained: {got}")
    for c in (pub, live, late):
        c.close()


def will(port):
    watcher = Client(port, "watcher")
    watcher.sub("w/#")
    a = Client(port, "a", will=("w/a", b"a died", 1, False))
    b = Client(port, "b", will=("w/b", b"b died", 0, False))
    b.close()  # a proper DISCONNECT: no will
    a.c.loop_stop()
    a.c.socket().close()  # gone without DISCONNECT
    got = watcher.wait(1)
    settle()
    check([(m.topic, m.payload) for m in watcher.msgs] == [("w/a", b"a died")],
          f"wills: {[(m.topic, m.payload) for m in watcher.msgs]}")
    watcher.close()


def keepalive(port):
    watcher = Client(port, "watcher")
    watcher.sub("ka/#")
    # A raw client: CONNECT with keepalive 1 s and a will, then silence.
    s = socket.create_connection((HOST, port))
    body = (b"\x00\x04MQTT\x04\x04\x00\x01" + b"\x00\x06silent" + b"\x00\x09ka/silent"
            + b"\x00\x04gone")
    s.sendall(bytes([0x10, len(body)]) + body)
    check(s.recv(4) == b"\x20\x02\x00\x00", "CONNACK")
    start = time.time()
    s.settimeout(5)
    check(s.recv(1) == b"", "closed by the broker")
    waited = time.time() - start
    check(1.4 <= waited <= 3.0, f"closed after {waited:.2f} s (keepalive 1 s)")
    check(watcher.wait(1) and watcher.msgs[0].payload == b"gone", "will after keepalive")
    # A client that pings in time stays.
    live = Client(port, "live", keepalive=1)
    time.sleep(2.5)
    check(live.c.is_connected(), "a pinging client stays connected")
    live.close()
    watcher.close()


def props(port):
    sub5 = Client(port, "sub5", version=V5)
    sub4 = Client(port, "sub4")
    sub5.sub("p/#", options=mqtt.SubscribeOptions(qos=1))
    sub4.sub("p/#", 1)
    pub = Client(port, "pub5", version=V5)
    p = Properties(PacketTypes.PUBLISH)
    p.UserProperty = [("color", "blue"), ("size", "L")]
    p.ContentType = "text/plain"
    p.ResponseTopic = "p/reply"
    p.CorrelationData = b"\x01\x02"
    pub.c.publish("p/x", b"hello", qos=1, properties=p)
    sub5.wait(1)
    sub4.wait(1)
    m = sub5.msgs[0]
    got = m.properties
    check(m.payload == b"hello" and m.qos == 1, "v5 subscriber got the message")
    check(getattr(got, "UserProperty", None) == [("color", "blue"), ("size", "L")],
          f"user properties: {got}")
    check(got.ContentType == "text/plain" and got.ResponseTopic == "p/reply", f"{got}")
    check(got.CorrelationData == b"\x01\x02", f"{got}")
    check(sub4.msgs and sub4.msgs[0].payload == b"hello", "v4 subscriber got it too")
    # No Local: a v5 client does not get its own messages back.
    sub5.sub("nl/#", options=mqtt.SubscribeOptions(qos=0, noLocal=True))
    sub5.c.publish("nl/x", b"mine")
    pub.c.publish("nl/y", b"theirs")
    sub5.wait(2)
    settle()
    check([x.topic for x in sub5.msgs[1:]] == ["nl/y"], f"no local: {[x.topic for x in sub5.msgs]}")
    for c in (sub5, sub4, pub):
        c.close()


def qos(port):
    sub = Client(port, "sub")
    check(sub.sub("q/#", 2) == [1], "QoS 2 request granted QoS 1")
    pub = Client(port, "pub")
    infos = [pub.c.publish(f"q/{i}", str(i).encode(), qos=i) for i in range(3)]
    for i in infos:
        i.wait_for_publish(TIMEOUT)
        check(i.is_published(), "PUBACK / PUBCOMP from the broker")
    sub.wait(3)
    got = sorted((m.topic, m.qos) for m in sub.msgs)
    check(got == [("q/0", 0), ("q/1", 1), ("q/2", 1)], f"delivered: {got}")
    sub.close()
    pub.close()


def example_client(port, exe, *args):
    import subprocess
    watcher = Client(port, "watcher")
    watcher.sub("mg/clnt/test", 1)
    proc = subprocess.Popen([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        check(watcher.wait(1) and watcher.msgs[0].payload == b"hello", "the client's hello")
        other = Client(port, "other")
        other.c.publish("mg/other/test", b"echo me", qos=1)
        got = watcher.wait(2)
        check([m.payload for m in got] == [b"hello", b"echo me"], f"echo: {got}")
        proc.kill()  # SIGKILL: the broker sees the socket close
        proc.wait()
        got = watcher.wait(3)
        check([m.payload for m in got] == [b"hello", b"echo me", b"bye"], "the will")
        out = proc.stdout.read().decode()
        check("RECEIVED echo me <- mg/other/test" in out, out)
        other.close()
    finally:
        if proc.poll() is None:
            proc.kill()
    watcher.close()


if __name__ == "__main__":
    port, name = int(sys.argv[1]), sys.argv[2]
    globals()[name](port, *sys.argv[3:])
    print(f"ok {name}", flush=True)
