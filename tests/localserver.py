"""A real HTTP server on 127.0.0.1 for tests: recorded pages and scripted faults.

Routes are registered per test (``server.add("/feed.xml", body, headers=...)``)
or served from a directory (``server.serve_dir("/site", path)``). Faults are
real: a status code, a ``Retry-After`` header, a redirect loop, a response that
never comes (``delay``), a body of any size. Every request is logged in
``server.requests`` so tests can assert what was (not) fetched.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes | Callable[[BaseHTTPRequestHandler], bytes]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]


class LocalServer:
    """Threaded HTTP/1.1 server bound to 127.0.0.1 on a free port."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.dirs: dict[str, Path] = {}
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean; requests are in server.requests

            def do_HEAD(self) -> None:
                self._respond(head=True)

            def do_GET(self) -> None:
                self._respond(head=False)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.request_body = self.rfile.read(length) if length else b""
                self._respond(head=False)

            def _respond(self, head: bool) -> None:
                with server._lock:
                    server.requests.append(
                        LoggedRequest(self.command, self.path, dict(self.headers.items()))
                    )
                route = server._find(self.path)
                if route is None:
                    self._send(404, b"not found", {"Content-Type": "text/plain"}, head)
                    return
                if route.delay:
                    # Sleep in small steps so the server can shut down promptly.
                    end = time.monotonic() + route.delay
                    while time.monotonic() < end and not server._stopping.is_set():
                        time.sleep(0.05)
                    if server._stopping.is_set():
                        return
                body = route.body(self) if callable(route.body) else route.body
                self._send(route.status, body, route.headers, head)

            def _send(self, status: int, body: bytes, headers: dict[str, str], head: bool) -> None:
                try:
                    self.send_response(status)
                    lowered = {k.lower() for k in headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    if "content-length" not in lowered:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if not head:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: bytes | str | Callable[[BaseHTTPRequestHandler], bytes],
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        content_type: str | None = None,
    ) -> str:
        """Register ``path`` (query string included if given) and return its full URL."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = dict(headers or {})
        if content_type:
            hdrs["Content-Type"] = content_type
        self.routes[path] = Route(body, status, hdrs, delay)
        return self.url(path)

    def serve_dir(self, prefix: str, directory: Path) -> None:
        self.dirs[prefix.rstrip("/")] = directory

    def fetched(self, path: str) -> int:
        """How many GET/HEAD requests reached ``path`` (query included when given)."""
        with self._lock:
            return sum(1 for r in self.requests if r.path == path or urlsplit(r.path).path == path)

    def _find(self, raw_path: str) -> Route | None:
        if raw_path in self.routes:
            return self.routes[raw_path]
        path = urlsplit(raw_path).path
        if path in self.routes:
            return self.routes[path]
        for prefix, directory in self.dirs.items():
            if path.startswith(prefix + "/"):
                candidate = (directory / path[len(prefix) + 1 :]).resolve()
                if candidate.is_file() and directory.resolve() in candidate.parents:
                    ctype = _guess_type(candidate)
                    return Route(candidate.read_bytes(), 200, {"Content-Type": ctype})
        return None

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _guess_type(path: Path) -> str:
    suffix = path.suffix.lower()
    return {
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml",
        ".json": "application/json",
        ".gz": "application/gzip",
        ".txt": "text/plain; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
    }.get(suffix, "application/octet-stream")
