"""Regenerate the docs' screenshots of the widget from the current build.

    python3 build.py && .venv/bin/python docs/screenshots.py

Serves dist/, opens the simulator with the widget in headless Chromium, and
writes docs/img/widget-*.png (the sidebar only); widget-configured.png is the widget
under docs/example/widget/ (docs/configuring.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from wwe_testing.browser import launch_options  # noqa: E402
from wwe_testing.server import serving  # noqa: E402

OUT = ROOT / "docs" / "img"
WIDTH, HEIGHT = 1440, 1400


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with serving(ROOT / "dist") as (server, _), sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, timezone_id="Europe/London")
        page = context.new_page()
        page.goto(server.url + "index.html")
        view = page.frame(name="view")
        assert view is not None
        view.wait_for_selector("#w-chain tbody tr", timeout=90_000)
        sidebar = page.locator("[data-sim-frame=view]")

        def shot(name: str) -> None:
            sidebar.screenshot(path=str(OUT / f"widget-{name}.png"))
            print(f"wrote docs/img/widget-{name}.png")

        view.get_by_label("Notes", exact=True).fill("Prefers a call after 5 pm")
        view.get_by_label("Visits", exact=True).fill("3")
        view.evaluate("window.scrollTo(0, 0)")
        shot("record")

        view.get_by_label("Call Until", exact=True).fill("25:00")
        view.get_by_label("Phone", exact=True).fill("")
        view.locator("#w-save").click()
        view.wait_for_selector(".error-summary")
        view.evaluate("window.scrollTo(0, 0)")
        shot("errors")

        # Another writer (the console) changed Visits after the record was loaded: the save stops and asks.
        view.locator("#w-revert-all").click()
        page.evaluate("wweSim.service.handle('updateRecordFields', ['1', {Custom_Integer: 5}])")
        view.get_by_label("Visits", exact=True).fill("4")
        view.locator("#w-save").click()
        view.wait_for_selector("#w-conflict-box:not([hidden])")
        view.evaluate("document.querySelector('#w-conflict-box').scrollIntoView({block: 'center'})")
        shot("conflict")
        view.get_by_role("button", name="Save mine over WWE's").click()
        view.wait_for_selector("#record-status[data-status=done]")

        view.locator("#w-when").fill("05/27/2031 10:30")
        view.locator("#w-call-result").select_option(label="Answering machine")
        view.locator("#slot-call-result").scroll_into_view_if_needed()
        view.evaluate("document.querySelector('#slot-call-result').scrollIntoView()")
        shot("actions")
        context.close()
        configured(browser, server.url)
        browser.close()


def configured(browser, url: str) -> None:  # type: ignore[no-untyped-def]
    """The widget under docs/example/widget/ (its configuration and rules), served beside it."""
    example = ROOT / "docs" / "example" / "widget"
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, timezone_id="Europe/London")
    def serve(body: str):  # type: ignore[no-untyped-def]
        return lambda route: route.fulfill(status=200, body=body, content_type="text/plain")

    for name in ("widget-config.toml", "widget_rules.py"):
        context.route(f"**/{name}", serve((example / name).read_text()))
    page = context.new_page()
    page.goto(url + "index.html")
    view = page.frame(name="view")
    assert view is not None
    view.wait_for_selector("#w-chain tbody tr", timeout=90_000)
    view.wait_for_selector("fieldset legend")
    phone = view.get_by_label("Phone", exact=True)
    phone.fill("0647005005")
    phone.blur()
    view.get_by_label("Agent notes", exact=True).fill("Asked for a callback")
    view.evaluate("window.scrollTo(0, 0)")
    page.locator("[data-sim-frame=view]").screenshot(path=str(OUT / "widget-configured.png"))
    print("wrote docs/img/widget-configured.png")
    context.close()


if __name__ == "__main__":
    main()
