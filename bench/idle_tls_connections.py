#!/usr/bin/env python3
"""Holds N idle TLS connections to a server and reports the server's memory
per connection: the TLS counterpart of `toytls-load --mode idle` for servers
that speak real TLS (nginx in bench/compare.sh).

Each connection does a full TLS handshake (no certificate verification, as
wrk does), one keep-alive GET, reads the whole response, then stays open and
idle. The server's VmRSS (its process and descendants, from /proc) is read
before the first connection and after all are idle; the output is one line
of key=value pairs, like toytls-load --kv.

    idle_tls_connections.py --port 8443 --connections 10000 --server-pid PID
"""
import argparse
import os
import selectors
import socket
import ssl
import sys
import time


def process_tree(pid):
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in children.read().split():
                    pids.extend(process_tree(int(child)))
    except FileNotFoundError:
        pass
    return pids


def rss_bytes(pid):
    total = 0
    for member in process_tree(pid):
        try:
            with open(f"/proc/{member}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except FileNotFoundError:
            pass
    return total


class IdleConnection:
    """One connection: connect -> handshake -> request -> response -> idle."""

    def __init__(self, context, address, request):
        self.context = context
        self.request = request
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.connect_ex(address)
        self.state = "connecting"
        self.received = b""
        self.error = None

    def step(self):
        """Advances as far as possible; returns the events to wait for, or None when idle or failed."""
        try:
            if self.state == "connecting":
                error = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if error:
                    raise OSError(error, os.strerror(error))
                # Wrapped only once TCP is connected: an SSLSocket made from
                # an unconnected socket expects its own connect().
                self.sock = self.context.wrap_socket(self.sock, server_hostname="localhost",
                                                     do_handshake_on_connect=False)
                self.state = "handshake"
            if self.state == "handshake":
                self.sock.do_handshake()
                self.sock.sendall(self.request)  # a few bytes: fits the socket buffer
                self.state = "response"
            while self.state == "response":
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("server closed the connection")
                self.received += data
                head_end = self.received.find(b"\r\n\r\n")
                if head_end < 0:
                    continue
                length = 0
                for line in self.received[:head_end].split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if len(self.received) >= head_end + 4 + length:
                    if not self.received.startswith(b"HTTP/1.1 200"):
                        raise ConnectionError("status " + self.received[:12].decode(errors="replace"))
                    self.state = "idle"
                    self.received = b""
            return None
        except ssl.SSLWantReadError:
            return selectors.EVENT_READ
        except ssl.SSLWantWriteError:
            return selectors.EVENT_WRITE
        except (OSError, ValueError) as error:
            self.error = str(error)
            self.state = "failed"
            return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/index.html")
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--hold", type=float, default=2.0, help="seconds to hold the idle connections before reading RSS")
    parser.add_argument("--max-connecting", type=int, default=256)
    options = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    request = f"GET {options.path} HTTP/1.1\r\nHost: {options.host}:{options.port}\r\n\r\n".encode()

    rss_before = rss_bytes(options.server_pid)
    selector = selectors.DefaultSelector()
    idle, failed, errors = [], 0, {}
    started = 0
    in_progress = 0
    deadline = time.monotonic() + 120
    while len(idle) + failed < options.connections and time.monotonic() < deadline:
        while started < options.connections and in_progress < options.max_connecting:
            connection = IdleConnection(context, (options.host, options.port), request)
            selector.register(connection.sock, selectors.EVENT_WRITE, connection)
            started += 1
            in_progress += 1
        for key, _ in selector.select(timeout=0.1):
            connection = key.data
            old_socket = key.fileobj
            wanted = connection.step()
            if wanted is not None:
                if connection.sock is not old_socket:  # wrapped: same descriptor, new object
                    selector.unregister(old_socket)
                    selector.register(connection.sock, wanted, connection)
                else:
                    selector.modify(connection.sock, wanted, connection)
                continue
            selector.unregister(old_socket)
            in_progress -= 1
            if connection.state == "idle":
                idle.append(connection)
            else:
                failed += 1
                errors[connection.error] = errors.get(connection.error, 0) + 1
    time.sleep(options.hold)
    rss_after = rss_bytes(options.server_pid)
    per_connection = (rss_after - rss_before) / len(idle) if idle else 0
    protocol = idle[0].sock.version() + " " + idle[0].sock.cipher()[0] if idle else "-"
    for error, count in errors.items():
        print(f"idle_tls_connections: {count} x {error}", file=sys.stderr)
    print(f"idle_tls_connections: idle_connections={len(idle)} errors={failed} protocol={protocol.replace(' ', '/')}"
          f" server_rss_before_bytes={rss_before} server_rss_after_bytes={rss_after}"
          f" server_rss_per_connection_bytes={per_connection:.0f}")
    for connection in idle:
        connection.sock.close()
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
