"""A small SNTP server (RFC 4330) for tests/sntp_peer.rs, standard library only.

    python3 sntp_server.py MODE [UNIX_SECONDS]

Binds a UDP socket on 127.0.0.1 (a free port), prints the port, and answers
every request until killed. MODE says how:
  good   the time given (default: now), stratum 2, version 4
  v3     the same, as an NTPv3 server
  kod    a kiss-of-death: stratum 0, reference id "DENY", leap indicator 3
  alarm  stratum 2, but leap indicator 3 (clock not synchronised)
  echo   the request itself sent back (client mode)
  short  the first 40 bytes of a good answer
  forge  a good answer whose originate timestamp is not the request's
Each request is logged to stderr: its length and first byte.
"""
import socket
import struct
import sys
import time

NTP_DELTA = 2208988800  # 1970-01-01 minus 1900-01-01, in seconds


def ntp_stamp(unix_seconds):
    """64-bit NTP timestamp (era taken modulo 2**32) of a Unix time."""
    whole = int(unix_seconds)
    frac = int(round((unix_seconds - whole) * (1 << 32))) & 0xFFFFFFFF
    return (((whole + NTP_DELTA) & 0xFFFFFFFF) << 32) | frac


def answer(mode, request, fixed):
    now = fixed if fixed is not None else time.time()
    li, version, stratum, ref = 0, 4, 2, b"\x7f\x00\x00\x01"
    if mode == "v3":
        version = 3
    elif mode == "kod":
        li, stratum, ref = 3, 0, b"DENY"
    elif mode == "alarm":
        li = 3
    elif mode == "echo":
        return request
    originate = request[40:48]
    if mode == "forge":
        originate = bytes(b ^ 0x55 for b in originate)
    head = struct.pack(
        "!BBbbII4s",
        (li << 6) | (version << 3) | 4,
        stratum,
        6,  # poll interval, log2 seconds
        -20,  # precision, log2 seconds
        0,  # root delay
        0,  # root dispersion
        ref,
    )
    stamps = struct.pack("!Q", ntp_stamp(now - 60))  # reference: last set
    stamps += originate
    stamps += struct.pack("!QQ", ntp_stamp(now), ntp_stamp(now))
    packet = head + stamps
    assert len(packet) == 48
    return packet[:40] if mode == "short" else packet


def main():
    mode = sys.argv[1]
    fixed = float(sys.argv[2]) if len(sys.argv) > 2 else None
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    while True:
        request, peer = s.recvfrom(1024)
        first = request[0] if request else -1
        print("request %d bytes, first byte 0x%02x" % (len(request), first),
              file=sys.stderr, flush=True)
        if len(request) >= 48:
            s.sendto(answer(mode, request, fixed), peer)


if __name__ == "__main__":
    main()
