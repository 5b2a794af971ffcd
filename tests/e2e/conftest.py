"""End-to-end fixtures: dist/ served on port 0, one Chromium per session, pages that
fail the test on any uncaught page error and record every request they make."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wwe_testing.browser import launch_options
from wwe_testing.server import DistServer, serving

BOOT_TIMEOUT_MS = 90_000

pytestmark = pytest.mark.e2e


@dataclass
class Site:
    server: DistServer
    requests: list[str]
    root: Path

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="session")
def site(root: Path) -> Iterator[Site]:
    dist = root / "dist"
    if not (dist / "index.html").exists():
        pytest.fail("dist/ is not built: run `python build.py` (or `python build.py test`)")
    with serving(dist) as (server, requests):
        yield Site(server, requests, dist)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        yield browser
        browser.close()


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
    page.wait_for_function(
        "['ready', 'error'].includes(document.documentElement.dataset.bridgeState)",
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
