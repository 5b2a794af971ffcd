"""The development server (build.py serve, wwe-bridge serve, the plugin's) closes idle and
half-open connections after its timeout and serves a bounded number at once; it answers
again once they are closed."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from pathlib import Path

from wwe_testing import server as dev_server


def test_half_open_connections_are_closed_after_the_timeout_and_the_server_answers_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "index.html").write_text("<!doctype html><title>ok</title>")
    assert dev_server.DistHandler.timeout == dev_server.IDLE_TIMEOUT_S == 30  # as shipped (None: never closed)
    monkeypatch.setattr(dev_server.DistHandler, "timeout", 1.0)  # (the same, sooner)
    threads = threading.active_count()
    with dev_server.serving(tmp_path) as (srv, _):
        host, port = srv.server_address[:2]
        stuck = []
        for _ in range(300):  # each sends half a request line and then nothing
            s = socket.create_connection((host, port), timeout=5)
            s.sendall(b"GET /index.html HT")
            stuck.append(s)
        # a thread per connection served, up to its bound: the others were closed at once
        assert threading.active_count() - threads <= dev_server.MAX_CONNECTIONS + 2
        # each is closed by the server once its 1 s idle timeout is over: wait for that end of
        # stream, up to 3 s from now for all of them (a connection still open then is not closed)
        deadline = time.monotonic() + 3.0
        closed = 0
        for s in stuck:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                closed += s.recv(1) == b""  # (the server's close: end of stream)
            except ConnectionResetError:
                closed += 1
            except TimeoutError:
                pass  # still open
            s.close()
        assert closed == 300
        with urllib.request.urlopen(f"{srv.url}index.html", timeout=10) as answer:
            assert answer.read().startswith(b"<!doctype html>")
