"""Driving the WWE simulator from tests: open it, call the service client in a
framed view, serve a second origin, swap in a scenario."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from wwe_testing.pytest_plugin import simulator_url, wait_for_simulator

from .conftest import BOOT_TIMEOUT_MS, PageLog, Site, open_page

FOREIGN = "http://foreign.test"
SIM_TIMEOUT_MS = 30_000
DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "web/sim/scenarios/default.json"


def default_scenario() -> dict[str, Any]:
    return json.loads(DEFAULT_SCENARIO.read_text())  # type: ignore[no-any-return]


def trusting(html: bytes, wwe_origins: str | None) -> bytes:
    """A page as a deployer configures it: WWE's origins on its <html> (what build.py --wwe-origin writes)."""
    if wwe_origins is None:
        return html
    return html.replace(b"<html ", f'<html data-wwe-origins="{wwe_origins}" '.encode(), 1)


def serve_foreign_origin(context, site: Site, wwe_origins: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Answer http://foreign.test/<path> from dist/: the same files from another origin
    (its pages trusting *wwe_origins* as WWE, when given)."""
    def handle(route):  # type: ignore[no-untyped-def]
        path = urlparse(route.request.url).path.lstrip("/") or "index.html"
        file = site.root / path
        if not file.is_file():
            route.fulfill(status=404, body=b"not found")
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        body = trusting(file.read_bytes(), wwe_origins) if file.suffix == ".html" else file.read_bytes()
        route.fulfill(status=200, body=body, content_type=kind)

    context.route(f"{FOREIGN}/**", handle)


def serve_scenario(context, scenario: Any, name: str = "scenario.json") -> str:  # type: ignore[no-untyped-def]
    """Serve *scenario* (a dict, or raw text) at a test-only URL; returns the URL to pass as ?scenario=."""
    body = scenario if isinstance(scenario, str) else json.dumps(scenario)
    context.route(f"**/__test_scenarios__/{name}", lambda route: route.fulfill(
        status=200, body=body, content_type="application/json"))
    return f"__test_scenarios__/{name}"


def open_sim(browser, site: Site, log: PageLog, *, view: str | None = "sim/panel.html", scenario: Any = None,  # type: ignore[no-untyped-def]
             origins: str | None = None, before=None, context_options: dict[str, Any] | None = None):
    """A new context with the simulator loaded; returns (context, page)."""
    context, page = open_page(browser, log, **(context_options or {}))
    page.set_default_timeout(SIM_TIMEOUT_MS)
    if before:
        before(context)
    scenario_url = serve_scenario(context, scenario) if scenario is not None else None
    page.goto(simulator_url(site.url, view, scenario=scenario_url, origins=origins))
    wait_for_simulator(page)
    return context, page


def panel(page, name: str = "panel"):  # type: ignore[no-untyped-def]
    """A framed API panel, once its service client is installed."""
    frame = page.frame(name=name)
    assert frame is not None, f"no frame named {name}"
    frame.wait_for_function("() => document.documentElement?.dataset.panelState === 'ready'")
    return frame


CALL_JS = """([method, args]) => new Promise((resolve) => {
    const t0 = performance.now();
    genesys.wwe.service.outbound[method](...args,
        (answer) => resolve({ok: answer, ms: performance.now() - t0}),
        (answer) => resolve({failed: answer, ms: performance.now() - t0}));
})"""


def call(frame, method: str, *args: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Call genesys.wwe.service.outbound[method] in *frame*; {"ok": answer} or {"failed": answer}."""
    return frame.evaluate(CALL_JS, [method, list(args)])  # type: ignore[no-any-return]


def ok(frame, method: str, *args: Any) -> Any:  # type: ignore[no-untyped-def]
    result = call(frame, method, *args)
    assert "ok" in result, f"{method}{args} failed: {result}"
    return result["ok"]


def error_message(frame, method: str, *args: Any) -> str:  # type: ignore[no-untyped-def]
    result = call(frame, method, *args)
    assert "failed" in result, f"{method}{args} should have failed: {result}"
    return result["failed"]["errorMessage"]  # type: ignore[no-any-return]


def log_entries(page, kind: str | None = None) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    entries = page.evaluate("JSON.parse(JSON.stringify(wweSim.log.entries))")
    return [e for e in entries if kind is None or e["kind"] == kind]


def widget_url(interaction: str | None = "1", timeout: float | None = None) -> str:
    query = []
    if interaction is not None:
        query.append(f"interaction={quote(interaction, safe='')}")
    if timeout is not None:
        query.append(f"timeout={timeout}")
    return "widget.html" + ("?" + "&".join(query) if query else "")


def wait_for_widget(frame, *, record: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Wait for the widget to start and (by default) show a record with its call result."""
    frame.wait_for_function(
        "() => ['ready', 'error'].includes(document.documentElement?.dataset.widgetState)", timeout=BOOT_TIMEOUT_MS)
    assert frame.evaluate("document.documentElement.dataset.widgetState") == "ready", frame.inner_text("body")
    if record:
        frame.wait_for_selector("#w-form")
        frame.wait_for_selector("#w-call-result")
        frame.wait_for_selector("#w-chain tbody tr")


def configure_pages(context, site: Site, attributes: str) -> None:  # type: ignore[no-untyped-def]
    """Serve the site's pages with *attributes* on their <html>, as a deployer configures them."""
    def handle(route):  # type: ignore[no-untyped-def]
        path = urlparse(route.request.url).path.lstrip("/")
        file = site.root / path
        if not file.is_file():
            route.continue_()
            return
        body = file.read_bytes().replace(b"<html ", f"<html {attributes} ".encode(), 1)
        route.fulfill(status=200, body=body, content_type="text/html", headers={"Cache-Control": "no-cache"})

    context.route(f"{site.url}widget.html*", handle)
