"""Event floods: how the record widget copes with 1,000 and 10,000 WWE events in a
burst, in the simulator, in headless Chromium.

A real WWE sends a few events a minute; a bug, or a hostile frame on WWE's origin,
can send thousands. Three floods: `interaction` CHANGED for the interaction on
screen, `interaction` ADDED with distinct IDs, outbound `PreviewRecord` with
distinct IDs. The simulator sends them 50 per task (so that the host page is not
what blocks). For each: the time until the widget has handled them all, the
longest task on the page's main thread (Long Tasks API; the widget shares its
thread with the simulator), the outbound requests the widget
made, and the view's JS heap growth. Baseline, measured in the same run: the same
burst received by a plain JavaScript view (our service client and a subscriber
that only counts).

    python3 build.py && .venv/bin/python bench/events.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from wwe_testing.browser import launch_options  # noqa: E402
from wwe_testing.pytest_plugin import simulator_url, wait_for_simulator  # noqa: E402
from wwe_testing.server import serving  # noqa: E402

FLOODS = {
    "CHANGED (shown)": """(i) => ["interaction", {eventType: "CHANGED", interaction: {interactionId: "1", state: "TALKING",
                                                   campaignName: "Outbound Campaign Custom", doNotCall: i % 2 === 1}}]""",
    "ADDED (distinct)": """(i) => ["interaction", {eventType: "ADDED", interaction: {interactionId: "X" + i, state: "TALKING"}}]""",
    "PreviewRecord (distinct)": """(i) => ["outbound", {eventType: "PreviewRecord", interactionId: "P" + i,
                                                      campaignName: "Renewals", records: []}]""",
}

# The longest task on the main thread while the flood is handled (Long Tasks API:
# tasks over 50 ms; the view shares the thread with the simulator).
HEARTBEAT = """() => { window.beat = {max: 0};
  window.beatObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) beat.max = Math.max(beat.max, entry.duration); });
  beatObserver.observe({type: "longtask"}); }"""

# The baseline view: a plain page with our service client and a subscriber that counts.
BASELINE_VIEW = """<!doctype html><html><head><meta charset="utf-8"><title>baseline</title>
<script src="/client/service-client.classic.js"></script></head><body><script>
window.heard = 0;
genesys.wwe.service.subscribe(["outbound", "interaction"], () => { window.heard++; });
document.documentElement.dataset.panelState = "ready";
</script></body></html>"""

# Runs in the host (simulator) page: send n events, 50 per task; resolves when sent.
EMIT = """async (n) => { const build = MAKE;
  for (let i = 0; i < n; i += 50) {
    for (let j = i; j < Math.min(n, i + 50); j++) { const [name, data] = build(j); wweSim.wire.emit(name, data); }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}"""


def flood(browser, url: str, view_path: str, make: str, n: int, widget: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    context.route("**/__bench__/view.html", lambda route: route.fulfill(body=BASELINE_VIEW, content_type="text/html"))
    page = context.new_page()
    page.goto(simulator_url(url, view_path))
    wait_for_simulator(page)
    view = page.frame(name="view")
    if widget:
        view.wait_for_function("() => document.documentElement?.dataset.widgetState === 'ready'", timeout=90_000)
        view.wait_for_function("() => window.widget && !window.widget.busy()", timeout=30_000)
    else:
        view.wait_for_function("() => document.documentElement?.dataset.panelState === 'ready'")
        # subscribed once the simulator has a subscription for it
        page.wait_for_function("() => wweSim.wire.subscriptions.size > 0")
    requests_before = page.evaluate("wweSim.log.entries.filter((e) => e.kind === 'request').length")
    heap_before = view.evaluate("performance.memory.usedJSHeapSize")
    view.evaluate(HEARTBEAT)
    start = page.evaluate("performance.now()")
    page.evaluate(EMIT.replace("MAKE", make), n)
    if widget:
        view.wait_for_function("() => !window.widget.busy()", timeout=600_000, polling=50)
    else:
        view.wait_for_function(f"() => window.heard >= {n}", timeout=600_000, polling=50)
    elapsed = page.evaluate("performance.now()") - start
    view.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")  # the observer's last entries
    blocked = view.evaluate("window.beatObserver.disconnect(), window.beat.max")
    requests = page.evaluate("wweSim.log.entries.filter((e) => e.kind === 'request').length") - requests_before
    heap = (view.evaluate("performance.memory.usedJSHeapSize") - heap_before) / 1e6
    context.close()
    return {"ms": elapsed, "blocked": blocked, "requests": requests, "heap": heap}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with serving(ROOT / "dist") as (server, _), sync_playwright() as pw:
        options = launch_options()
        options["args"] = [*options.get("args", []), "--enable-precise-memory-info"]  # type: ignore[misc]
        browser = pw.chromium.launch(**options)
        print(f"{'flood':<26} {'events':>7} {'widget ms':>10} {'baseline ms':>12} {'ratio':>6} "
              f"{'longest task ms':>16} {'(baseline)':>11} {'requests':>9} {'heap MB':>8}")
        for name, make in FLOODS.items():
            for n in args.sizes:
                base = flood(browser, server.url, "__bench__/view.html", make, n, widget=False)
                got = flood(browser, server.url, "widget.html?interaction=1", make, n, widget=True)
                print(f"{name:<26} {n:>7} {got['ms']:>10.0f} {base['ms']:>12.0f} {got['ms'] / base['ms']:>6.2f} "
                      f"{got['blocked']:>16.0f} {base['blocked']:>11.0f} {got['requests']:>9.0f} {got['heap']:>8.1f}")
        browser.close()


if __name__ == "__main__":
    main()
