"""The Python `websockets` library as an independent client against our
WebSocket server (an echo endpoint such as c_examples/websocket_server).

    python ws_client.py ws://127.0.0.1:PORT/websocket

Prints one line per check and exits 1 if any failed.
"""
import asyncio
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError

URL = sys.argv[1]
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures += 1


def payload(n, seed):
    return bytes((i * 7 + seed) % 251 for i in range(n))


async def recv_echo(ws):
    """Next message that is not a push from the server's timer."""
    while True:
        m = await ws.recv()
        if not (isinstance(m, str) and m.startswith('{"type":"push"')):
            return m


async def sizes():
    async with connect(URL, max_size=None) as ws:
        for i, n in enumerate([0, 125, 126, 65535, 65536, 1 << 20, 3_000_000, 3_000_000]):
            data = payload(n, i)
            if i % 2:
                await ws.send(data)
                check(await recv_echo(ws) == data, f"binary echo of {n} bytes")
            else:
                text = "".join(chr(97 + b % 26) for b in data)
                await ws.send(text)
                check(await recv_echo(ws) == text, f"text echo of {n} characters")


async def fragmented_with_pings():
    async with connect(URL) as ws:
        pongs = []

        async def parts():
            for i, part in enumerate(["Frag", "men", "ted ", "wörld"]):
                yield part
                pongs.append(await ws.ping(f"ping-{i}".encode()))

        await ws.send(parts())
        check(await recv_echo(ws) == "Fragmented wörld", "fragmented text with pings between")
        done = await asyncio.wait_for(asyncio.gather(*pongs), 5)
        check(len(done) == 4, "a pong for each ping")


async def close_code():
    async with connect(URL) as ws:
        await ws.send("x")
        await recv_echo(ws)
        await ws.close(4001, "see you")
        check(ws.close_code == 4001,
              f"close code echoed (got {ws.close_code})")


async def too_big():
    async with connect(URL, max_size=None) as ws:
        try:
            await ws.send(b"x" * (10 << 20))
            await recv_echo(ws)
            check(False, "10 MiB message refused")
        except ConnectionClosedError as e:
            check(e.rcvd is not None and e.rcvd.code == 1009,
                  f"10 MiB message: close code 1009 (got {e.rcvd})")


async def invalid_utf8():
    async with connect(URL) as ws:
        # A text frame that is not UTF-8 (text=True sends bytes unchecked).
        await ws.send(b"\xff\xfe", text=True)
        try:
            await recv_echo(ws)
            check(False, "invalid UTF-8 refused")
        except ConnectionClosedError as e:
            check(e.rcvd is not None and e.rcvd.code == 1007,
                  f"invalid UTF-8: close code 1007 (got {e.rcvd})")


async def many(n):
    async def one(i):
        async with connect(URL) as ws:
            await ws.send(f"client {i}")
            return await recv_echo(ws) == f"client {i}"

    results = await asyncio.gather(*(one(i) for i in range(n)))
    check(all(results), f"{n} concurrent clients echoed")


async def subprotocol():
    """The server calls mg_ws_upgrade(c, hm, NULL): it confirms the offered
    subprotocol, as Mongoose does (websockets refuses an unconfirmed one)."""
    async with connect(URL, subprotocols=["mqtt"]) as ws:
        check(ws.subprotocol == "mqtt", f"subprotocol confirmed: {ws.subprotocol!r}")
        await ws.send("hi")
        check(await recv_echo(ws) == "hi", "echo with a subprotocol")


async def main():
    for t in [subprotocol, sizes, fragmented_with_pings, close_code, too_big, invalid_utf8, lambda: many(200)]:
        await asyncio.wait_for(t(), 60)


asyncio.run(main())
print(f"{failures} failed", flush=True)
sys.exit(1 if failures else 0)
