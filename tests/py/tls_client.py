"""Python's ssl module as an independent HTTPS client of tests/tls/https_server.c.

    tls_client.py PORT CERT_DIR STATIC_FILE [two-way]

One keep-alive connection makes every request (checked: one socket, one
handshake): /hello twice, a 5 MiB /big response, STATIC_FILE through
/static/, and /hello again after garbage and a plaintext HTTP request went to
the same port on other connections, which must be closed without an HTTP
answer. Then two new connections: the second resumes the first's session.
With "two-way", the server requires client certificates: a client without
one must fail, one with tests/tls/client.pem must get through.
Prints "ok ..." lines; exits non-zero on the first failure.
"""
import hashlib
import http.client
import os
import socket
import ssl
import sys

port, certs, static = int(sys.argv[1]), sys.argv[2], sys.argv[3]
two_way = len(sys.argv) > 4 and sys.argv[4] == "two-way"


def context(with_cert):
    ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
    if with_cert:
        ctx.load_cert_chain(os.path.join(certs, "client.pem"), os.path.join(certs, "client.key"))
    return ctx


def expect(cond, what):
    if not cond:
        print("FAIL", what, flush=True)
        sys.exit(1)
    print("ok", what, flush=True)


def get(conn, path):
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read()


def closed_without_answer(payload):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(payload)
    data = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
    except ConnectionResetError:
        pass
    s.close()
    return b"HTTP/" not in data


if two_way:
    conn = http.client.HTTPSConnection("localhost", port, context=context(False), timeout=5)
    try:
        status, _ = get(conn, "/hello")
        expect(False, "two-way: a client without a certificate is refused")
    except (ssl.SSLError, ConnectionError, http.client.HTTPException) as e:
        expect(True, f"two-way: a client without a certificate is refused ({type(e).__name__})")
    conn.close()

conn = http.client.HTTPSConnection("localhost", port, context=context(two_way), timeout=10)
status, body = get(conn, "/hello")
expect(status == 200 and body == b"hello\n", "GET /hello")
sock = conn.sock
expect(sock.version() in ("TLSv1.2", "TLSv1.3"), f"protocol {sock.version()}")
status, body = get(conn, "/hello")
expect(status == 200 and body == b"hello\n" and conn.sock is sock, "keep-alive GET /hello")

n = 5 * 1024 * 1024
status, body = get(conn, f"/big/{n}")
want = bytes((i * 7) % 251 for i in range(251)) * (n // 251 + 1)
expect(status == 200 and body == want[:n] and conn.sock is sock, "5 MiB response")

with open(static, "rb") as f:
    data = f.read()
status, body = get(conn, "/static/" + os.path.basename(static))
expect(status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(data).digest()
       and conn.sock is sock, f"static file of {len(data)} bytes (mg_http_serve_dir)")

expect(closed_without_answer(bytes((i * 31 + 7) % 256 for i in range(3000))),
       "garbage: closed, no answer")
expect(closed_without_answer(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"),
       "plaintext HTTP: closed, no answer")
status, body = get(conn, "/hello")
expect(status == 200 and body == b"hello\n" and conn.sock is sock,
       "the TLS connection still works")
conn.close()


def one_request(ctx, session=None):
    """GET /hello on a new connection (Connection: close); its session."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    s = ctx.wrap_socket(raw, server_hostname="localhost", session=session)
    s.sendall(b"GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    data = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
    except (ssl.SSLZeroReturnError, ConnectionResetError):
        pass
    reused, sess = s.session_reused, s.session
    s.close()
    return data.startswith(b"HTTP/1.1 200") and data.endswith(b"hello\n"), reused, sess


# Session resumption: a new connection offering the previous one's session
# (a TLS 1.3 ticket or a TLS 1.2 session) resumes it.
ctx = context(two_way)
ok, reused, sess = one_request(ctx)
expect(ok and not reused, "a new connection: full handshake")
ok, reused, _ = one_request(ctx, sess)
expect(ok and reused, "the next one resumes the session")
print("ALL OK", flush=True)
