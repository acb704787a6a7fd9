#!/usr/bin/env python3
# Part of lambda-opt, under the Apache License v2.0.
"""A small HTTP server for tests: serves a directory on 127.0.0.1 only.

Fault modes let tests exercise retries, truncation and authentication:
  --fail-first N    the first N requests for each path get 503
  --truncate        advertise a Content-Length larger than the body, then close
  --status CODE     answer every request with CODE and a short body
  --require-auth U:P  answer 401 unless HTTP Basic credentials U:P are sent
  --slow MS         wait MS milliseconds before answering
  --redirect-to URL answer 302 with Location URL + the request's path
  --trickle BPS     send bodies at BPS bytes per second
  --tls-cert PEM --tls-key PEM  serve https with this certificate
  --ignore-range    answer range requests with the whole file (200)
Range requests (one "bytes=A-B", "bytes=A-" or "bytes=-N" range) are
answered with 206 and a Content-Range header unless --ignore-range.
The bound port is printed on stdout and, with --port-file, written to that
file (atomically). --log FILE appends "METHOD PATH STATUS" per request. The
server exits by itself after --timeout seconds.
"""

import argparse
import base64
import http.server
import os
import sys
import threading
import time
import urllib.parse


def make_handler(args, lock, counts):
    root = os.path.abspath(args.dir)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "fixture-http-server"

        def log_message(self, fmt, *fmt_args):
            pass

        def record(self, status):
            if not args.log:
                return
            with lock:
                with open(args.log, "a", encoding="utf-8") as log:
                    log.write("%s %s %d\n" % (self.command, self.path, status))

        def reply(self, status, body=b"", headers=()):
            self.record(status)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def authorized(self):
            if not args.require_auth:
                return True
            expected = base64.b64encode(args.require_auth.encode()).decode()
            return self.headers.get("Authorization", "") == "Basic " + expected

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            if args.slow:
                time.sleep(args.slow / 1000.0)
            path = urllib.parse.urlsplit(self.path).path
            with lock:
                counts[path] = counts.get(path, 0) + 1
                seen = counts[path]
            if not self.authorized():
                self.reply(401, b"unauthorized\n",
                           [("WWW-Authenticate", 'Basic realm="fixture"')])
                return
            if seen <= args.fail_first:
                self.reply(503, b"try again\n")
                return
            if args.status:
                self.reply(args.status, b"status %d\n" % args.status)
                return
            if args.redirect_to:
                self.reply(302, b"moved\n",
                           [("Location", args.redirect_to + self.path)])
                return
            rel = urllib.parse.unquote(path).lstrip("/")
            full = os.path.abspath(os.path.join(root, rel))
            if not full.startswith(root + os.sep) or not os.path.isfile(full):
                self.reply(404, b"not found\n")
                return
            with open(full, "rb") as f:
                body = f.read()
            if args.trickle:
                self.record(200)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                step = max(1, args.trickle // 4)
                try:
                    for i in range(0, len(body), step):
                        self.wfile.write(body[i:i + step])
                        self.wfile.flush()
                        time.sleep(step / args.trickle)
                except OSError:
                    pass
                self.close_connection = True
                return
            wanted = self.headers.get("Range", "")
            if wanted.startswith("bytes=") and not args.ignore_range:
                first, _, last = wanted[len("bytes="):].partition("-")
                size = len(body)
                if not first:
                    start, end = max(0, size - int(last)), size - 1
                else:
                    start = int(first)
                    end = min(int(last), size - 1) if last else size - 1
                if start >= size or start > end:
                    self.reply(416, b"", [("Content-Range", "bytes */%d" % size)])
                    return
                self.reply(206, body[start:end + 1],
                           [("Content-Range",
                             "bytes %d-%d/%d" % (start, end, size)),
                            ("Content-Type", "application/octet-stream")])
                return
            if not args.truncate:
                self.reply(200, body,
                           [("Content-Type", "application/octet-stream")])
                return
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 100))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=".", help="directory to serve")
    parser.add_argument("--port", type=int, default=0, help="0 picks a port")
    parser.add_argument("--port-file")
    parser.add_argument("--log")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--truncate", action="store_true")
    parser.add_argument("--status", type=int, default=0)
    parser.add_argument("--require-auth")
    parser.add_argument("--slow", type=int, default=0)
    parser.add_argument("--redirect-to")
    parser.add_argument("--trickle", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--ignore-range", action="store_true")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    lock = threading.Lock()
    counts = {}
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", args.port), make_handler(args, lock, counts))
    server.daemon_threads = True
    if args.tls_cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print(port, flush=True)

    timer = threading.Timer(args.timeout, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
