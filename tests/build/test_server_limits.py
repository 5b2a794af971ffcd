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


def test_a_request_trickling_in_is_closed_at_the_deadline_not_kept_alive_by_each_byte(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "index.html").write_text("ok")
    monkeypatch.setattr(dev_server.DistHandler, "timeout", 1.0)
    with dev_server.serving(tmp_path) as (srv, _):
        host, port = srv.server_address[:2]
        s = socket.create_connection((host, port), timeout=5)
        started, closed = time.monotonic(), False
        try:
            for byte in b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n":  # a byte every 0.2 s: each read is quick
                s.sendall(bytes([byte]))
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        if not closed:
            s.settimeout(5)
            closed = s.recv(1) == b""
        assert closed and time.monotonic() - started < 3.0  # its 1 s to arrive in full, not 45 bytes x 0.2 s
        s.close()


def test_idle_connections_past_the_bound_make_room_for_a_real_request(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>ok</title>")
    assert dev_server.DistHandler.timeout == 30  # (as shipped: the request below must not wait for it)
    with dev_server.serving(tmp_path) as (srv, _):
        host, port = srv.server_address[:2]
        idle = [socket.create_connection((host, port), timeout=5) for _ in range(dev_server.MAX_CONNECTIONS + 72)]
        started = time.monotonic()
        with urllib.request.urlopen(f"{srv.url}index.html", timeout=10) as answer:
            assert answer.read().startswith(b"<!doctype html>")
        assert time.monotonic() - started < 5.0
        for s in idle:
            s.close()
