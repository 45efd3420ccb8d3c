"""The Python `websockets` library as an independent server for our WebSocket
client. Prints "PORT <n>" once listening, then serves until killed:

    /echo       echoes every message (text as text, binary as binary)
    /frag       sends "Hello wörld" in three fragments with a ping between
                each, then echoes
    /close4000  closes at once with code 4000
Each connection's close code from the client is printed: "closed <path> <code>".
"""
import asyncio
import sys

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed


async def handler(ws):
    path = ws.request.path
    try:
        if path == "/close4000":
            await ws.close(4000, "bye")
        else:
            if path == "/frag":
                async def parts():
                    for i, part in enumerate(["Hel", "lo ", "wörld"]):
                        yield part
                        if i < 2:
                            await ws.ping(f"p{i}".encode())

                await ws.send(parts())
            async for m in ws:
                await ws.send(m)
    except ConnectionClosed:
        pass
    code = ws.close_code
    print(f"closed {path} {code}", flush=True)


async def main():
    async with serve(handler, "127.0.0.1", 0, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        await asyncio.Future()


asyncio.run(main())
