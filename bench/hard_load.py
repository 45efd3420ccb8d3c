#!/usr/bin/env python3
"""Hostile clients for bench/run.sh's "hard" mode.

pipeline PORT SECONDS: one connection pipelines "GET /big" (64 KiB answers)
    for SECONDS and never reads.
trickle PORT PID SECONDS: a chunked POST: 400 000 one-byte chunks at once
    (2.4 MB of framing), then a 6-byte chunk every 2 ms for SECONDS; prints
    the server's (PID) CPU time during the trickle, as a share of one core.
"""
import os
import socket
import sys
import time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pipeline(port, seconds):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    req = b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n" * 64
    end, sent = time.time() + seconds, 0
    while time.time() < end:
        try:
            sent += s.send(req)
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            break
    print(f"pipeliner: {sent // 30} requests sent, none read")
    s.close()


def trickle(port, pid, seconds):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    s.sendall(b"1\r\nx\r\n" * 400000)
    time.sleep(1)
    t0, c0, n = time.time(), cpu_seconds(pid), 0
    while time.time() - t0 < seconds:
        try:
            s.sendall(b"1\r\nx\r\n")
        except OSError:
            break
        n += 1
        time.sleep(0.002)
    c1, t1 = cpu_seconds(pid), time.time()
    print(f"trickle: {n} chunks in {t1 - t0:.1f} s, server CPU {100 * (c1 - c0) / (t1 - t0):.1f} % of a core")
    s.close()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "pipeline":
        pipeline(int(sys.argv[2]), float(sys.argv[3]))
    else:
        trickle(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
