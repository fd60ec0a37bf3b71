"""A replay server for the conformance suites: answers fixed vendor payloads
over real HTTP on 127.0.0.1 and records what the client asked (path, query,
headers), so a test can check both what a client reads and what it sends."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


def load(vendor: str, name: str) -> dict:
    """A fixture: {"_source": where its shape comes from, "status",
    "headers" (optional), "body"}."""
    return json.loads((FIXTURES / vendor / f"{name}.json").read_text())


class Replay:
    """`routes`: path (without query) -> fixture dict, or a list of fixture
    dicts answered in turn (the last one repeats); a path with no route
    answers 404 with an empty object."""

    def __init__(self, routes: dict):
        self.routes = {k: (v if isinstance(v, list) else [v]) for k, v in routes.items()}
        self.requests: list[dict] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                replay._answer(self, "GET")

            def do_POST(self):  # noqa: N802
                replay._answer(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def _answer(self, handler, method):
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            handler.rfile.read(length)
        self.requests.append(
            {
                "method": method,
                "path": parts.path,
                "query": {k: v[-1] for k, v in parse_qs(parts.query).items()},
                "headers": dict(handler.headers),
            }
        )
        queue = self.routes.get(parts.path)
        if queue:
            fixture = queue.pop(0) if len(queue) > 1 else queue[0]
        else:
            fixture = {"status": 404, "body": {}}
        payload = json.dumps(fixture.get("body")).encode()
        headers = dict(fixture.get("headers") or {})
        handler.send_response(fixture.get("status", 200))
        handler.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        handler.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            handler.send_header(key, str(value))
        handler.end_headers()
        handler.wfile.write(payload)

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def shape_errors(expected, actual, where: str = "$") -> list[str]:
    """Where `actual` departs from the fixture's shape: every documented key
    present (and no key the vendor does not send), the same JSON types (int
    and float are both numbers; a fixture's null admits any value), arrays
    checked item by item against the fixture's first item."""
    if expected is None:
        return []
    if isinstance(expected, bool) or isinstance(actual, bool):
        ok = isinstance(actual, bool) and isinstance(expected, bool)
        return [] if ok or actual is None else [f"{where}: expected a boolean, got {actual!r}"]
    if isinstance(expected, (int, float)):
        if actual is None or isinstance(actual, (int, float)):
            return []
        return [f"{where}: expected a number, got {actual!r}"]
    if isinstance(expected, str):
        if actual is None or isinstance(actual, str):
            return []
        return [f"{where}: expected a string, got {actual!r}"]
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected an array, got {type(actual).__name__}"]
        if not expected:
            return []
        errors = []
        for i, item in enumerate(actual):
            errors += shape_errors(expected[0], item, f"{where}[{i}]")
        return errors
    if not isinstance(actual, dict):
        return [f"{where}: expected an object, got {type(actual).__name__}"]
    errors = [f"{where}: missing key {k!r}" for k in expected if k not in actual]
    errors += [f"{where}: undocumented key {k!r}" for k in actual if k not in expected]
    for key in expected:
        if key in actual:
            errors += shape_errors(expected[key], actual[key], f"{where}.{key}")
    return errors
