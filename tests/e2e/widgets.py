"""The record widget framed in the simulator: fixtures and helpers shared by its tests."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from .conftest import PageLog, Site, py
from .sim import log_entries, open_sim, wait_for_widget, widget_url


@pytest.fixture
def widget_factory(browser, site: Site):  # type: ignore[no-untyped-def]
    """Open the simulator with the widget as its view; returns (host page, widget frame)."""
    opened = []

    def make(*, interaction: str | None = "1", record: bool = True, timeout: float | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        for attempt in (1, 2):
            log = PageLog()
            context, page = open_sim(browser, site, log, view=widget_url(interaction, timeout), **kwargs)
            opened.append((context, log))
            frame = page.frame(name="view")
            try:
                wait_for_widget(frame, record=record)
            except PlaywrightError as exc:
                # A renderer that crashed while starting (seen once in CI, never again)
                # is the machine's problem, not the widget's: start over once, loudly.
                if attempt == 2 or "crashed" not in str(exc).lower():
                    raise
                print(f"renderer crashed while the widget started; retrying once: {exc}")
                continue
            return page, frame
        raise AssertionError("unreachable")

    make.opened = opened  # type: ignore[attr-defined]  # (context, log) of each simulator opened
    yield make
    for context, log in opened:
        context.close()
        assert not log.errors, f"uncaught page errors: {log.errors}"
        # A bug in the widget's Python is shown to the agent and logged, not raised in JS.
        assert not [line for line in log.console if "unexpected error" in line], log.console


@pytest.fixture
def widget(widget_factory):  # type: ignore[no-untyped-def]
    return widget_factory()


def sent(page, method: str) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    """The parameters of every `method` request the simulator received."""
    return [e["message"].get("parameters", []) for e in log_entries(page, "request")
            if e["message"].get("request") == f"outbound.{method}"]


def field(frame, label: str):  # type: ignore[no-untyped-def]
    return frame.get_by_label(label, exact=True)


def row_of(frame, label: str):  # type: ignore[no-untyped-def]
    return frame.locator(".field").filter(has=frame.get_by_label(label, exact=True))




def wait_idle(view) -> None:  # type: ignore[no-untyped-def]
    """Wait until no action or read of the widget is running."""
    view.wait_for_function("() => window.widget && !window.widget.busy()", timeout=30_000)


def flush(view) -> None:  # type: ignore[no-untyped-def]
    """Make sure every request the view sent so far reached the simulator, and every
    answer or event sent to the view before now was handled: one more round trip
    through the same channel (window messages are delivered in order), then idle."""
    py(view, "import bridge\nawait bridge.outbound.get_list_of_call_results()\nNone")
    wait_idle(view)
