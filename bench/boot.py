"""Boot benchmark: time to interactive of the record widget in the simulator
against a bare page that only runs `loadPyodide()` with default options.

    python3 build.py && .venv/bin/python bench/boot.py [--runs N]

Same server (127.0.0.1), same browser. Cold: a fresh browser context (empty
cache) per run; warm: a reload in that context. The widget is interactive when
its record form is rendered and editable (the page's `widget-ready` mark, from
the frame's navigation start); the bare page when `loadPyodide()` resolves.
Prints medians, the ratio widget / bare, and bytes transferred.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from wwe_testing.browser import launch_options  # noqa: E402
from wwe_testing.server import serving  # noqa: E402

BARE_HTML = '<!doctype html><meta charset="utf-8"><title>bare</title><script type="module" src="bare.js"></script>\n'
BARE_JS = """import { loadPyodide } from "/bare-pyodide/pyodide.mjs";
await loadPyodide();
performance.mark("bare-ready");
"""
MEASURE = """(mark) => {
  const entry = performance.getEntriesByName(mark)[0];
  const nav = performance.getEntriesByType("navigation")[0];
  const bytes = performance.getEntriesByType("resource").reduce((n, r) => n + r.transferSize, nav?.transferSize ?? 0);
  return entry ? { ms: entry.startTime, bytes } : null;
}"""


def wait_mark(target, mark: str):  # type: ignore[no-untyped-def]
    target.wait_for_function(f"() => performance.getEntriesByName({mark!r}).length > 0", timeout=120_000)
    return target.evaluate(MEASURE, mark)


def run_widget(browser, url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "index.html?view=" + "widget.html%3Finteraction%3D1")
    cold = wait_mark(page.frame(name="view"), "widget-ready")
    view = page.frame(name="view")
    view.goto(view.url)
    warm = wait_mark(page.frame(name="view"), "widget-ready")
    context.close()
    return cold, warm


def run_bare(browser, url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "bench/bare.html")
    cold = wait_mark(page, "bare-ready")
    page.reload()
    warm = wait_mark(page, "bare-ready")
    context.close()
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp)
        (bare / "bare.html").write_text(BARE_HTML)
        (bare / "bare.js").write_text(BARE_JS)
        mounts = {"/bench/": bare, "/bare-pyodide/": ROOT / "node_modules" / "pyodide"}
        with serving(ROOT / "dist", mounts=mounts) as (server, _), sync_playwright() as pw:
            browser = pw.chromium.launch(**launch_options())
            results: dict[str, list[tuple[dict, dict]]] = {"widget": [], "bare": []}
            for _ in range(args.runs):  # interleaved, so drift affects both alike
                results["bare"].append(run_bare(browser, server.url))
                results["widget"].append(run_widget(browser, server.url))
            browser.close()
    print(f"{'':>14} {'cold ms':>9} {'warm ms':>9} {'cold MB':>8} {'warm MB':>8}")
    medians = {}
    for name, runs in results.items():
        cold = statistics.median(r[0]["ms"] for r in runs)
        warm = statistics.median(r[1]["ms"] for r in runs)
        medians[name] = (cold, warm)
        cold_mb = statistics.median(r[0]["bytes"] for r in runs) / 1e6
        warm_mb = statistics.median(r[1]["bytes"] for r in runs) / 1e6
        label = "widget (TTI)" if name == "widget" else "bare pyodide"
        print(f"{label:>14} {cold:>9.0f} {warm:>9.0f} {cold_mb:>8.1f} {warm_mb:>8.1f}")
    ratio_cold = medians["widget"][0] / medians["bare"][0]
    ratio_warm = medians["widget"][1] / medians["bare"][1]
    print(f"{'widget / bare':>14} {ratio_cold:>9.2f} {ratio_warm:>9.2f}   (target ≤ 0.50)   median of {args.runs} runs")


if __name__ == "__main__":
    main()
