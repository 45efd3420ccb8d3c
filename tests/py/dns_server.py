"""A scripted DNS server for tests/dns_peer.rs, built on dnslib.

    python dns_server.py [ADDRESS [PORT]]

Binds UDP on ADDRESS (default 127.0.0.1) and PORT (default: a free one),
prints the port, and answers until killed. The first label of the asked
name says how to answer (the zone is .test):

  okN.test      A 127.0.0.N (AAAA ::N when asked for AAAA)
  slow.test     A 127.0.0.9, after 800 ms
  silent.test   nothing
  nx.test       NXDOMAIN
  empty.test    NOERROR with no answer
  cname.test    CNAME c1.test, CNAME c2.test, A 127.0.0.22
  spoof.test    first an answer with another id (A 6.6.6.6), then the real
                one (A 127.0.0.33) 100 ms later
  wrongq.test   first an answer to another question (A 6.6.6.6), then the
                real one
  garbage.test  first random bytes starting with the right id, then the
                real one (A 127.0.0.44)
  loop.test     first an answer whose answer name is a compression pointer
                to itself, then the real one (A 127.0.0.55)
  counts.test   first an answer claiming 60 answers but holding one (A
                6.6.6.6), then the real one (A 127.0.0.66)
  cut.test      first the real answer cut short, then the real one (A
                127.0.0.77)
  servfail.test SERVFAIL
Anything else gets NXDOMAIN. With the environment variable DNS_SILENT=1
the server answers nothing at all (a dead nameserver). Each query is logged
to stderr as "QUERY name type id".
"""
import os
import random
import socket
import struct
import sys
import threading
import time

from dnslib import AAAA, CNAME, QTYPE, RCODE, RR, A, DNSRecord


def reply(req, rcode=RCODE.NOERROR):
    r = req.reply()
    r.header.rcode = rcode
    return r


def real(req, ip):
    r = reply(req)
    qn = req.q.qname
    if req.q.qtype == QTYPE.AAAA:
        r.add_answer(RR(qn, QTYPE.AAAA, rdata=AAAA("::" + ip.split(".")[-1]), ttl=60))
    else:
        r.add_answer(RR(qn, QTYPE.A, rdata=A(ip), ttl=60))
    return r.pack()


def answers(req, data):
    """The datagrams to send for a query, as (delay_seconds, bytes)."""
    name = str(req.q.qname).rstrip(".").lower()
    label = name.split(".")[0]
    if label.startswith("ok") and label[2:].isdigit():
        return [(0, real(req, "127.0.0." + label[2:]))]
    if label == "slow":
        return [(0.8, real(req, "127.0.0.9"))]
    if label == "silent":
        return []
    if label == "empty":
        return [(0, reply(req).pack())]
    if label == "cname":
        r = reply(req)
        r.add_answer(RR(req.q.qname, QTYPE.CNAME, rdata=CNAME("c1.test"), ttl=60))
        r.add_answer(RR("c1.test", QTYPE.CNAME, rdata=CNAME("c2.test"), ttl=60))
        r.add_answer(RR("c2.test", QTYPE.A, rdata=A("127.0.0.22"), ttl=60))
        return [(0, r.pack())]
    if label == "spoof":
        fake = DNSRecord.parse(real(req, "6.6.6.6"))
        fake.header.id = (req.header.id + 1) & 0xFFFF
        return [(0, fake.pack()), (0.1, real(req, "127.0.0.33"))]
    if label == "wrongq":
        other = DNSRecord.question("other.test")
        other.header.id = req.header.id
        r = other.reply()
        r.add_answer(RR("other.test", QTYPE.A, rdata=A("6.6.6.6"), ttl=60))
        return [(0, r.pack()), (0.1, real(req, "127.0.0.34"))]
    if label == "garbage":
        junk = data[:2] + bytes([0x81, 0x80]) + os.urandom(40)
        return [(0, junk), (0.1, real(req, "127.0.0.44"))]
    if label == "loop":
        # Header (1 question, 1 answer), the question copied, then an answer
        # whose name is a pointer to its own offset.
        q = data[12:]
        head = struct.pack(">HHHHHH", req.header.id, 0x8180, 1, 1, 0, 0)
        ofs = 12 + len(q)
        ans = struct.pack(">HHHIH", 0xC000 | ofs, 1, 1, 60, 4) + bytes([6, 6, 6, 6])
        return [(0, head + q + ans), (0.1, real(req, "127.0.0.55"))]
    if label == "counts":
        bad = bytearray(real(req, "6.6.6.6"))
        bad[6:8] = struct.pack(">H", 60)
        return [(0, bytes(bad)), (0.1, real(req, "127.0.0.66"))]
    if label == "cut":
        good = real(req, "127.0.0.77")
        return [(0, good[:-3]), (0.1, good)]
    if label == "servfail":
        return [(0, reply(req, RCODE.SERVFAIL).pack())]
    return [(0, reply(req, RCODE.NXDOMAIN).pack())]


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    silent = os.environ.get("DNS_SILENT") == "1"
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((addr, port))
    print(sock.getsockname()[1], flush=True)
    while True:
        data, peer = sock.recvfrom(2048)
        try:
            req = DNSRecord.parse(data)
        except Exception:  # noqa: BLE001 - junk is logged and dropped
            print("JUNK", len(data), file=sys.stderr, flush=True)
            continue
        print("QUERY", str(req.q.qname), QTYPE[req.q.qtype], req.header.id,
              file=sys.stderr, flush=True)
        if silent:
            continue
        for delay, out in answers(req, data):
            if delay:
                threading.Timer(delay, sock.sendto, (out, peer)).start()
            else:
                sock.sendto(out, peer)


if __name__ == "__main__":
    random.seed()
    main()
