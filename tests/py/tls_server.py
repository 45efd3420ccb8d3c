"""Python's ssl module and http.server as an independent HTTPS server for our
client (tests/tls/https_client.c). Prints "PORT <n>" once listening, then
serves until killed: every GET is answered 200 with "from python PATH".

    tls_server.py CERT_DIR [two-way]

With "two-way", client certificates signed by CERT_DIR/ca.pem are required.
"""
import http.server
import os
import ssl
import sys

certs = sys.argv[1]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"))
if len(sys.argv) > 2 and sys.argv[2] == "two-way":
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(os.path.join(certs, "ca.pem"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = f"from python {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print("PORT", server.server_address[1], flush=True)
server.serve_forever()
