"""Leak benchmark: 10,000 bridge calls mixing success, failure, timeout and
duplicate answers, in real Pyodide in headless Chromium. Reports the live JS
handles and PyProxies, the uncollected futures and the JS heap before and after
(each after a full garbage collection).

    python3 build.py && .venv/bin/python bench/leaks.py [--calls N]

Answers come from a bare stand-in service (tests/data/stub_service.js), so the
numbers are the bridge's own: host.js + bridge/_pyodide.py + the client.
Targets: 0 handles or proxies leaked, 0 futures alive, heap growth < 1 MB.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from wwe_testing.browser import launch_options  # noqa: E402
from wwe_testing.server import serving  # noqa: E402


def heap(cdp) -> float:  # type: ignore[no-untyped-def]
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("HeapProfiler.collectGarbage")
    return float(cdp.send("Runtime.getHeapUsage")["usedSize"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--no-tracing", action="store_true", help="skip PyProxy allocation tracing (its counter then reads 0)")
    args = parser.parse_args()
    check = (ROOT / "tests/data/leak_check.py").read_text()
    with serving(ROOT / "dist") as (server, _), sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        page = browser.new_page()
        page.add_init_script(path=str(ROOT / "tests/data/stub_service.js"))
        page.goto(server.url + "boot.html")
        page.wait_for_function("() => document.documentElement?.dataset.bridgeState === 'ready'", timeout=90_000)
        page.set_default_timeout(600_000)
        if not args.no_tracing:
            page.evaluate("() => pyodide._module.enable_pyproxy_allocation_tracing()")
        cdp = page.context.new_cdp_session(page)
        page.evaluate("(code) => pyodide.runPythonAsync(code)", check + "\nawait batch(0, 400)")  # warm every path
        heap_before = heap(cdp)
        report = json.loads(page.evaluate(
            "(code) => pyodide.runPythonAsync(code)", check + f"\nimport json\njson.dumps(await main({args.calls}))"))
        heap_right_after = heap(cdp)
        # Each answered call leaves its (cancelled) 10 s timeout timer queued in the
        # JS event loop until it would have fired: wait them out before judging.
        page.wait_for_timeout(11_000)
        heap_after = heap(cdp)
        browser.close()
    (handles_before, proxies_before), (handles_after, proxies_after) = report["before"], report["after"]
    growth = (heap_after - heap_before) / 1e6
    print(f"{'':>22} {'before':>10} {'after':>10} {'leaked':>8}   target")
    print(f"{'JS handles (hiwire)':>22} {handles_before:>10} {handles_after:>10} {handles_after - handles_before:>8}   0")
    print(f"{'live PyProxies':>22} {proxies_before:>10} {proxies_after:>10} {proxies_after - proxies_before:>8}   0")
    print(f"{'futures alive':>22} {'':>10} {report['alive']:>10} {report['alive']:>8}   0   (of {report['futures']} created)")
    print(f"{'calls still pending':>22} {'':>10} {report['pending']:>10} {report['pending']:>8}   0")
    print(f"{'JS heap MB':>22} {heap_before / 1e6:>10.2f} {heap_after / 1e6:>10.2f} {growth:>+8.2f}   < 1.00   ({args.calls} calls)")
    print(f"{'(right after the calls)':>22} {'':>10} {heap_right_after / 1e6:>10.2f} {(heap_right_after - heap_before) / 1e6:>+8.2f}"
          "   cancelled timeout timers still queued")


if __name__ == "__main__":
    main()
