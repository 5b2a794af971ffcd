"""End-to-end fixtures: the plugin's served dist/ and Chromium, pages that fail the
test on any uncaught page error and record every request they make."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from wwe_testing.pytest_plugin import WweServer

BOOT_TIMEOUT_MS = 90_000

pytestmark = pytest.mark.e2e


# Our own suite runs on the pytest plugin we ship (wwe_testing/pytest_plugin.py):
# the served site and the browser are its session fixtures.
Site = WweServer


@pytest.fixture(scope="session")
def site(wwe_server: WweServer) -> WweServer:
    return wwe_server


@pytest.fixture(scope="session")
def browser(wwe_browser):  # type: ignore[no-untyped-def]
    return wwe_browser


@dataclass
class PageLog:
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


def open_page(browser, log: PageLog, **context_options):  # type: ignore[no-untyped-def]
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.on("pageerror", lambda exc: log.errors.append(str(exc)))
    page.on("request", lambda req: log.requests.append(req.url))
    page.on("console", lambda msg: log.console.append(f"{msg.type}: {msg.text}"))
    return context, page


@contextmanager
def booted_page(browser, site: Site, path: str = "boot.html") -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A page in a context of its own, booted to ready at *path*; fails on any uncaught page error."""
    log = PageLog()
    context, page = open_page(browser, log)
    try:
        page.goto(site.url + path)
        assert wait_for_boot(page) == "ready"
        yield page
    finally:
        context.close()
    assert not log.errors, f"uncaught page errors: {log.errors}"


@pytest.fixture(scope="module")
def booted(browser, site: Site) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """One booted page (boot.html, the bridge's event loop) per test module."""
    with booted_page(browser, site) as page:
        yield page


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log: PageLog):  # type: ignore[no-untyped-def]
    """A fresh page (own context, so a cold cache) that fails the test on a page error."""
    context, page = open_page(browser, page_log)
    yield page
    context.close()
    assert not page_log.errors, f"uncaught page errors: {page_log.errors}"


def wait_for_boot(page) -> str:  # type: ignore[no-untyped-def]
    """Wait until the page leaves the `loading` state; returns `ready` or `error`."""
    # (predicates are functions, not expression strings: our pages' CSP forbids eval)
    page.wait_for_function(
        "() => ['ready', 'error'].includes(document.documentElement?.dataset.bridgeState)",
        timeout=BOOT_TIMEOUT_MS,
    )
    return page.evaluate("document.documentElement.dataset.bridgeState")  # type: ignore[no-any-return]


PY_JS = """async (code) => {
    const result = await pyodide.runPythonAsync(code);
    const value = result?.toJs ? result.toJs({dict_converter: Object.fromEntries}) : result;
    result?.destroy?.();
    return JSON.stringify(value ?? null);
}"""


def py(target, code: str):  # type: ignore[no-untyped-def]
    """Run async Python in a booted page or frame; returns its last expression as JSON-able data."""
    return json.loads(target.evaluate(PY_JS, code))
