"""A static file server for dist/ with the headers a real deployment should send.

Used by `build.py serve`, the test suite and the benchmarks. It binds to 127.0.0.1
only. Content-named folders (`b/<build id>/`, `pyodide/<version>/`) are immutable
and cached for a year; HTML and everything else must be revalidated, so a new
build is picked up on the next page load.

Compression as a well-configured production server does it (nginx's
`brotli_static`/`gzip_static`): build.py writes `x.br` and `x.gz` beside each file
worth compressing, and a request for `x` whose `Accept-Encoding` allows it gets
those bytes with `Content-Encoding`; every file that has such a sibling is sent
with `Vary: Accept-Encoding`, so no cache hands one encoding to a browser that
asked for another.
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import os
import posixpath
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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
# Precompressed siblings, best first: (file suffix, Content-Encoding token).
ENCODINGS = ((".br", "br"), (".gz", "gzip"))


def accepted_encodings(header: str | None) -> set[str]:
    """The content codings an `Accept-Encoding` header allows (RFC 9110 12.5.3):
    listed without `q=0`; `*` allows any not listed."""
    allowed, refused, star = set(), set(), False
    for item in (header or "").split(","):
        token, _, params = item.strip().partition(";")
        token = token.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if not token:
            continue
        if token == "*":
            star = q > 0
        elif q > 0:
            allowed.add(token)
        else:
            refused.add(token)
    if star:
        allowed |= {token for _, token in ENCODINGS if token not in refused}
    return allowed


#: Seconds a connection may wait for its next request to arrive in full (request line and
#: headers: a keep-alive between requests, or a request trickling in a byte at a time), and
#: may stall sending: then the server closes it. 200 idle connections once stayed open for
#: good, a thread each.
IDLE_TIMEOUT_S = 30.0
#: Connections served at once (a browser opens ~6 per origin and page context, so tests
#: with many contexts stay well under it). A connection past it takes the place of the one
#: that has waited longest for a request, so idle ones cannot lock out a real one.
MAX_CONNECTIONS = 128


class DistHandler(SimpleHTTPRequestHandler):
    """Serves one folder with explicit MIME types and cache headers; logs nothing."""

    timeout = IDLE_TIMEOUT_S  # (StreamRequestHandler applies it to each connection's socket)

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    requests_seen: list[str]
    mounts: dict[str, str] = {}  # URL prefix ("/custom/") -> folder served there
    files: dict[str, str] = {}  # URL path ("/scenario/s.json") -> the one file served there
    NOWHERE = "/nonexistent/\0"  # what a refused path translates to: a 404
    compress = True  # serve precompressed siblings (x.br, x.gz) to browsers that accept them
    _vary = False

    def handle_one_request(self) -> None:
        # waiting for a request: the server closes this connection if the request has not
        # arrived in full by the deadline (a per-read timeout alone lets a trickle live on)
        waiting = getattr(self.server, "waiting", None)
        if waiting is not None:
            waiting.start(self, self.timeout)
        try:
            super().handle_one_request()
        finally:
            if waiting is not None:
                waiting.done(self)

    def parse_request(self) -> bool:
        waiting = getattr(self.server, "waiting", None)
        if waiting is not None:
            waiting.done(self)  # (it arrived: what is left is answering it)
        return super().parse_request()

    def give_up(self) -> None:
        """Close the connection under the handler (a request that did not arrive in time,
        or one waiting for a request while a new connection needs its place)."""
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        decoded = posixpath.normpath(urllib.parse.unquote(clean))
        if decoded in self.files:
            return self.files[decoded]
        for prefix, folder in self.mounts.items():
            if clean.startswith(prefix):
                # someone's own folder: no dotfiles (.git, .venv, .env), nothing a
                # symlink leads to outside it
                if any(part.startswith(".") for part in urllib.parse.unquote(clean[len(prefix):]).split("/")):
                    return self.NOWHERE
                root, self.directory = self.directory, folder
                try:
                    translated = super().translate_path("/" + path[len(prefix):])
                finally:
                    self.directory = root
                real, base = os.path.realpath(translated), os.path.realpath(folder)
                return translated if real == base or real.startswith(base + os.sep) else self.NOWHERE
        return super().translate_path(path)

    def _host_allowed(self) -> bool:
        """Only requests addressed to this machine by name: a page of another site that
        rebinds its DNS name to 127.0.0.1 sends its own Host, and is refused."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return host in ("127.0.0.1", "localhost", "::1")

    def end_headers(self) -> None:
        # from the path as resolved (/b/../widget.html is a page, not an immutable asset)
        path = posixpath.normpath(urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0]))
        if path.startswith(IMMUTABLE_PREFIXES):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        if self._vary:
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        # a copy asked for by its own name is opaque bytes, not the type of its source
        if str(path).endswith((".br", ".gz")):
            return "application/octet-stream"
        return super().guess_type(path)

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        self.send_error(404, "File not found")  # no listings: a deployment has none either
        return None

    def _plain_head(self) -> Any:  # (http.server's send_head: a file object or None)
        try:
            return super().send_head()
        except ValueError:  # e.g. a NUL byte in the path: not a file anyone has
            self.send_error(404, "File not found")
            return None

    def send_head(self):  # type: ignore[no-untyped-def]
        """A precompressed sibling when there is one and the browser accepts it; else as usual."""
        self._vary = False  # (one handler serves every request of a kept-alive connection)
        if not self._host_allowed():
            self.send_error(421, "Misdirected Request: this server answers only 127.0.0.1 and localhost")
            return None
        try:
            path = self.translate_path(self.path)
            if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
                path = os.path.join(path, "index.html")
            siblings = [(path + suffix, token) for suffix, token in ENCODINGS
                        if self.compress and os.path.isfile(path) and os.path.isfile(path + suffix)
                        # a copy whose time is not its source's is stale (the source was
                        # edited after the build, which gives each copy its source's time)
                        and os.stat(path + suffix).st_mtime_ns == os.stat(path).st_mtime_ns]
        except ValueError:  # e.g. a NUL byte in the path
            self.send_error(404, "File not found")
            return None
        self._vary = bool(siblings)
        accepted = accepted_encodings(self.headers.get("Accept-Encoding"))
        chosen = next(((file, token) for file, token in siblings if token in accepted), None)
        if chosen is None:
            return self._plain_head()
        file, token = chosen
        try:
            handle = open(file, "rb")  # noqa: SIM115 (returned to the caller, which closes it)
        except OSError:
            return self._plain_head()
        try:
            stat = os.fstat(handle.fileno())
            # conditional requests as for the plain file (same mtime rule as http.server)
            since = self.headers.get("If-Modified-Since")
            if since and not self.headers.get("If-None-Match"):
                try:
                    when = email.utils.parsedate_to_datetime(since)
                    if when.tzinfo is None:  # "-0000": UTC, as http.server reads it
                        when = when.replace(tzinfo=datetime.timezone.utc)
                    if int(stat.st_mtime) <= when.timestamp():
                        self.send_response(304)
                        self.end_headers()
                        handle.close()
                        return None
                except (TypeError, ValueError, OverflowError, IndexError):
                    pass
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", token)
            self.send_header("Content-Length", str(stat.st_size))
            self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
            self.end_headers()
            return handle
        except Exception:
            handle.close()
            raise

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.requests_seen.append(self.path)
        try:
            super().do_GET()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away mid-download (a closed page): nothing to report

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class Waiting:
    """The connections waiting for a request, each with its deadline; a thread closes those
    past it, and `evict_oldest` makes room for a new connection."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: dict[DistHandler, tuple[float, float]] = {}  # handler -> (started, deadline)
        self._stop = threading.Event()
        threading.Thread(target=self._reap, name="wwe-server-reaper", daemon=True).start()

    def start(self, handler: DistHandler, timeout: float | None) -> None:
        now = time.monotonic()
        with self._lock:
            self._since[handler] = (now, now + (timeout if timeout is not None else IDLE_TIMEOUT_S))

    def done(self, handler: DistHandler) -> None:
        with self._lock:
            self._since.pop(handler, None)

    def evict_oldest(self) -> bool:
        with self._lock:
            if not self._since:
                return False
            oldest = min(self._since, key=lambda h: self._since[h][0])
            del self._since[oldest]
        oldest.give_up()
        return True

    def _reap(self) -> None:
        while not self._stop.wait(0.25):
            now = time.monotonic()
            with self._lock:
                late = [h for h, (_, deadline) in self._since.items() if deadline <= now]
                for handler in late:
                    del self._since[handler]
            for handler in late:
                handler.give_up()

    def close(self) -> None:
        self._stop.set()


class DistServer(ThreadingHTTPServer):
    daemon_threads = True
    max_connections = MAX_CONNECTIONS
    request_queue_size = 128  # (socketserver's 5 made a burst of connections wait on SYN retries)

    def server_activate(self) -> None:
        super().server_activate()
        self._slots = threading.BoundedSemaphore(self.max_connections)
        self.waiting = Waiting()

    def server_close(self) -> None:
        super().server_close()
        if hasattr(self, "waiting"):
            self.waiting.close()

    def process_request(self, request: Any, client_address: Any) -> None:
        # full: the connection that has waited longest for a request makes room; if none
        # is waiting (all are answering), this one is closed and the others go on
        if not self._slots.acquire(blocking=False) and not (
                self.waiting.evict_oldest() and self._slots.acquire(timeout=2.0)):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"


def make_server(root: Path, port: int = 0, mounts: dict[str, Path] | None = None,
                compress: bool = True, files: dict[str, Path] | None = None) -> tuple[DistServer, list[str]]:
    """A server for *root* on 127.0.0.1:*port* (0 picks a free port), and its request log.

    *mounts* serves more folders beside it: ``{"/custom/": Path("my_pages")}``.
    *compress*: False never sends the precompressed siblings (a server without it).
    *files*: single files at exact paths: ``{"/scenario/s.json": Path("s.json")}``.
    """
    seen: list[str] = []
    folders = {("/" + prefix.strip("/") + "/"): str(folder) for prefix, folder in (mounts or {}).items()}
    single = {posixpath.normpath("/" + url.lstrip("/")): str(file) for url, file in (files or {}).items()}
    handler = type("Handler", (DistHandler,), {"requests_seen": seen, "mounts": folders, "compress": compress,
                                               "files": single})
    server = DistServer(("127.0.0.1", port), functools.partial(handler, directory=str(root)))
    return server, seen


@contextmanager
def serving(root: Path, port: int = 0, mounts: dict[str, Path] | None = None,
            compress: bool = True, files: dict[str, Path] | None = None) -> Iterator[tuple[DistServer, list[str]]]:
    """Serve *root* (and *mounts*, *files*) in a background thread for the duration of the block."""
    server, seen = make_server(root, port, mounts, compress, files)
    thread = threading.Thread(target=server.serve_forever, name="dist-server", daemon=True)
    thread.start()
    try:
        yield server, seen
    finally:
        server.shutdown()
        server.server_close()


def run_until_interrupted(server: DistServer) -> None:
    """Serve on this thread until Ctrl+C, then close the socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_forever(root: Path, port: int) -> None:
    """Serve until Ctrl+C, printing the main page's URL."""
    server, _ = make_server(root, port)
    print(f"Serving {root} at {server.url}", flush=True)
    print(f"Open {server.url}index.html  (Ctrl+C to stop)", flush=True)
    run_until_interrupted(server)
