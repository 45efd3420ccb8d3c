"""An SSDP device for tests/mdns_peer.rs (standard library only).

    python ssdp_device.py SECONDS

Joins 239.255.255.250:1900 on 127.0.0.1, prints "ready", and answers each
M-SEARCH by unicast with a 200 OK naming a SERVER and a LOCATION. Logs each
M-SEARCH to stdout as "M-SEARCH to DESTINATION from SENDER" (the destination
address read with IP_PKTINFO), then exits after SECONDS.
"""
import socket
import struct
import sys
import time

GROUP = "239.255.255.250"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux value; Python 3.11 lacks the name
s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
s.bind(("", 1900))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton(GROUP) + socket.inet_aton("127.0.0.1"))
print("ready", flush=True)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    s.settimeout(max(0.01, end - time.time()))
    try:
        data, anc, _flags, peer = s.recvmsg(2048, socket.CMSG_SPACE(12))
    except socket.timeout:
        break
    dest = "?"
    for level, kind, value in anc:
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
            dest = socket.inet_ntoa(value[8:12])  # ipi_addr: header destination
    if data.startswith(b"M-SEARCH"):
        print("M-SEARCH to", dest, "from", peer[0], flush=True)
        s.sendto(b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=100\r\nST: upnp:rootdevice\r\n"
                 b"SERVER: TestOS/1.0 UPnP/1.0 PyDevice/1.0\r\n"
                 b"LOCATION: http://127.0.0.1:8080/desc.xml\r\n\r\n", peer)
