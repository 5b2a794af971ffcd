"""A static file server for dist/ with the headers a real deployment should send.

Used by `build.py serve`, the test suite and the benchmarks. It binds to 127.0.0.1
only. Content-named folders (`b/<build id>/`, `pyodide/<version>/`) are immutable
and cached for a year; HTML and everything else must be revalidated, so a new
build is picked up on the next page load.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".bin": "application/octet-stream",  # the interpreter snapshot
    ".py": "text/x-python; charset=utf-8",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}
IMMUTABLE_PREFIXES = ("/b/", "/pyodide/")


class DistHandler(SimpleHTTPRequestHandler):
    """Serves one folder with explicit MIME types and cache headers; logs nothing."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    requests_seen: list[str]
    mounts: dict[str, str] = {}  # URL prefix ("/custom/") -> folder served there

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in self.mounts.items():
            if clean.startswith(prefix):
                root, self.directory = self.directory, folder
                try:
                    return super().translate_path("/" + path[len(prefix):])
                finally:
                    self.directory = root
        return super().translate_path(path)

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith(IMMUTABLE_PREFIXES):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.requests_seen.append(self.path)
        try:
            super().do_GET()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away mid-download (a closed page): nothing to report

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class DistServer(ThreadingHTTPServer):
    daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"


def make_server(root: Path, port: int = 0, mounts: dict[str, Path] | None = None) -> tuple[DistServer, list[str]]:
    """A server for *root* on 127.0.0.1:*port* (0 picks a free port), and its request log.

    *mounts* serves more folders beside it: ``{"/custom/": Path("my_pages")}``.
    """
    seen: list[str] = []
    folders = {("/" + prefix.strip("/") + "/"): str(folder) for prefix, folder in (mounts or {}).items()}
    handler = type("Handler", (DistHandler,), {"requests_seen": seen, "mounts": folders})
    server = DistServer(("127.0.0.1", port), functools.partial(handler, directory=str(root)))
    return server, seen


@contextmanager
def serving(root: Path, port: int = 0, mounts: dict[str, Path] | None = None) -> Iterator[tuple[DistServer, list[str]]]:
    """Serve *root* (and *mounts*) in a background thread for the duration of the block."""
    server, seen = make_server(root, port, mounts)
    thread = threading.Thread(target=server.serve_forever, name="dist-server", daemon=True)
    thread.start()
    try:
        yield server, seen
    finally:
        server.shutdown()
        server.server_close()


def serve_forever(root: Path, port: int) -> None:
    """Serve until Ctrl+C, printing the main page's URL."""
    server, _ = make_server(root, port)
    print(f"Serving {root} at {server.url}", flush=True)
    print(f"Open {server.url}index.html  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
