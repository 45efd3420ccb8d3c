"""mDNS peer for tests/mdns_peer.rs, built on zeroconf and dnspython.

    python mdns_peer.py ask NAME        ask about the responder NAME
    python mdns_peer.py serve SECONDS   register zchost.local / zcsvc

ask: with zeroconf, browses _http._tcp.local. and resolves the instance
NAME._http._tcp.local. (SRV, TXT, A), printing "browse: ...", "service:
PORT SERVER ADDRESSES PROPERTIES"; then with dnspython sends a one-shot
query with the QU bit for NAME.local A and prints "unicast-a: ADDRESS" from
the unicast answer.
serve: registers the service zcsvc._http._tcp.local. on host zchost.local.
(127.0.0.77, port 8077), prints "registered", and answers for SECONDS.
Everything runs on 127.0.0.1, IPv4 only.
"""
import socket
import sys
import time

import dns.message
import dns.rdatatype
from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, Zeroconf


def make_zc():
    return Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)


def ask(name):
    zc = make_zc()
    found = []

    def on_change(zeroconf, service_type, name, state_change):
        found.append(name)

    ServiceBrowser(zc, "_http._tcp.local.", handlers=[on_change])
    info = zc.get_service_info("_http._tcp.local.", f"{name}._http._tcp.local.",
                               timeout=4000)
    deadline = time.time() + 3
    while not found and time.time() < deadline:
        time.sleep(0.05)
    print("browse:", sorted(set(found)), flush=True)
    if info is None:
        print("service: none", flush=True)
    else:
        props = {k.decode(): (v.decode() if v else v) for k, v in info.properties.items()}
        print("service:", info.port, info.server, info.parsed_addresses(), props,
              flush=True)
    zc.close()

    q = dns.message.make_query(f"{name}.local", "A")
    q.id = 0
    q.flags = 0
    q.question[0].rdclass |= 0x8000  # QU: answer me by unicast
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    s.bind(("127.0.0.1", 0))
    s.sendto(q.to_wire(), ("224.0.0.251", 5353))
    try:
        data, peer = s.recvfrom(2048)
        r = dns.message.from_wire(data)
        # mDNS sets the cache-flush bit in the class, so dnspython may keep
        # the record data generic: read the 4 bytes either way.
        addrs = [getattr(a, "address", None) or socket.inet_ntoa(a.data)
                 for rr in r.answer for a in rr if rr.rdtype == dns.rdatatype.A]
        print("unicast-a:", ",".join(addrs), "from", peer[0], flush=True)
    except socket.timeout:
        print("unicast-a: none", flush=True)


def serve(seconds):
    zc = make_zc()
    info = ServiceInfo("_http._tcp.local.", "zcsvc._http._tcp.local.",
                       addresses=[socket.inet_aton("127.0.0.77")], port=8077,
                       properties={"path": "/zc"}, server="zchost.local.")
    zc.register_service(info)
    print("registered", flush=True)
    time.sleep(seconds)
    zc.unregister_service(info)
    zc.close()


if __name__ == "__main__":
    if sys.argv[1] == "ask":
        ask(sys.argv[2])
    else:
        serve(float(sys.argv[2]))
