#!/usr/bin/env python3
"""Opens N keep-alive connections to an HTTP server, makes one request on
each (so the server has seen a complete request and keeps the connection as
an idle keep-alive one), then holds them open until SIGTERM or SIGINT.

    python3 bench/idle_conns.py HOST PORT PATH N

Prints "ready N" once all are open. On SIGTERM it prints how many are still
open ("open K of N"): a server must not drop idle connections while it is
busy with others.
"""
import errno
import signal
import socket
import sys
import time


def fetch(sock, host, path):
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before a response")
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed inside a response body")
        body += chunk
    if not head.startswith(b"HTTP/1.1 200"):
        raise ConnectionError(head.split(b"\r\n")[0].decode())


def still_open(sock):
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except OSError as e:
        return e.errno in (errno.EAGAIN, errno.EWOULDBLOCK)


def main():
    host, port, path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    socks = []
    t0 = time.monotonic()
    for i in range(n):
        s = socket.create_connection((host, port), timeout=10)
        fetch(s, host, path)
        s.setblocking(False)  # for the liveness check at the end
        socks.append(s)
    print(f"ready {len(socks)} ({time.monotonic() - t0:.1f} s to open)", flush=True)

    def stop(signum, frame):
        alive = sum(still_open(s) for s in socks)
        print(f"open {alive} of {len(socks)}", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
