"""A local stand-in for the Hazelcast Cloud discovery service, for the cloud discovery tests.

The real service (``https://api.viridian.hazelcast.com/cluster/discovery?token=...``) cannot
be reached from the test machine, so this one answers the same request with the same JSON:
``[{"private-address": "host:port", "public-address": "host:port"}, ...]``. It is a
standard-library HTTP(S) server in a thread; tests change what it answers while it runs.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class DiscoveryRequest:
    path: str
    token: str | None
    headers: dict[str, str]


@dataclass
class DiscoveryService:
    """What the service answers, and what it was asked."""

    url: str = ""
    #: ``(private, public)`` address pairs the service lists
    nodes: list[tuple[str, str]] = field(default_factory=list)
    #: HTTP status to answer with (200: the node list)
    status: int = 200
    #: a body to send instead of the node list
    body: bytes | None = None
    #: seconds to wait before answering (a slow service)
    delay: float = 0.0
    requests: list[DiscoveryRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> tuple[int, bytes]:
        with self.lock:
            if self.body is not None:
                return self.status, self.body
            listed = [{"private-address": a, "public-address": b} for a, b in self.nodes]
            return self.status, json.dumps(listed).encode()

    @property
    def request_count(self) -> int:
        with self.lock:
            return len(self.requests)


def _handler(service: DiscoveryService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            token = urllib.parse.parse_qs(parts.query).get("token", [None])[0]
            with service.lock:
                service.requests.append(DiscoveryRequest(parts.path, token, dict(self.headers)))
            if service.delay:
                time.sleep(service.delay)  # a slow service, in the server's own thread
            if parts.path != "/cluster/discovery":
                status, body = 404, b'{"message": "no such path"}'
            else:
                status, body = service.answer()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output clean

    return Handler


@contextmanager
def discovery_service(
    *, certfile: str | None = None, keyfile: str | None = None
) -> Iterator[DiscoveryService]:
    """Serve on a free loopback port (HTTPS with *certfile*/*keyfile*) until the block ends."""
    service = DiscoveryService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    server.daemon_threads = True
    scheme = "http"
    if certfile is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    service.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
