"""Widget benchmark: render time for 20, 200 and 1,000 generated fields, and the
cost of one keystroke (validate one field + patch the page), in real Pyodide in
headless Chromium.

render: the record form from the field model to elements in the page (Python
views, JSON, the DOM layer). load+render: showing an interaction from scratch
(the WWE answer parsed into Fields, the editing model built, the form rendered,
the call result and chained records loaded) with an in-page fake WWE.

    python3 build.py && .venv/bin/python bench/widget_render.py [--repeat N]

Prints milliseconds (median of N runs) and each size's ratio to the 20-field
render measured in the same run (timings on shared machines are noisy; ratios
are what to compare between runs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from wwe_testing.browser import launch_options  # noqa: E402
from wwe_testing.server import serving  # noqa: E402

SIZES = (20, 200, 1000)

# Runs inside the page: a Widget on the real DOM layer, fed by a FakeHost.
BENCH = r"""
import json, time
import js
from bridge import Outbound
from bridge.testing import FakeHost
from outbound_widget.app import Widget
from outbound_widget._dom import PageDom

layer = js.widgetLayer  # imported by the page script below (the CSP forbids js.eval)
root = js.document.createElement("main")
root.id = "widget"
for slot in ("header", "notice", "summary", "record", "callresult", "reschedule", "chain", "preview"):
    div = js.document.createElement("div")
    div.id = "slot-" + slot
    root.append(div)
js.document.body.append(root)

TYPES = [("int", "number", "7"), ("float", "string", "1.5"), ("char", "string", "c"), ("var-char", "string", "text"),
         ("date", "string", "05/27/2031 10:30"), ("time", "string", "10:30"), ("bool", "boolean", "true"),
         ("enum", "number", "2")]

def fields(n):
    out = []
    for i in range(n):
        kind, value_type, value = TYPES[i % len(TYPES)]
        field = {"name": f"F{i}", "displayName": f"Field {i}", "value": value, "isEditable": i % 10 != 9,
                 "isMandatory": i % 7 == 0, "fieldType": kind, "valueType": value_type}
        if kind == "enum":
            field["options"] = {str(k): f"Option {k}" for k in range(12)}
        out.append(field)
    return out

results = {}
for n in SIZES:
    host = FakeHost({"getRecordFields": fields(n), "getCallResult": 6, "getChainedRecords": [{"records": []}],
                     "getListOfCallResults": {"OK": 0}, "getCampaigns": []})
    widget = Widget(PageDom(layer), Outbound(host), None)
    renders, shows, keys = [], [], []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        await widget.show("1")
        shows.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        widget.render_record()
        renders.append((time.perf_counter() - t0) * 1000)
        for k in range(20):
            t0 = time.perf_counter()
            widget.handle({"type": "input", "field": "3", "id": "f3", "value": "typed " * (k % 3)})
            keys.append((time.perf_counter() - t0) * 1000)
    assert js.document.querySelectorAll("#slot-record .field").length == n
    results[n] = {"render": renders, "show": shows, "key": keys}
json.dumps(results)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    code = BENCH.replace("REPEAT", str(args.repeat)).replace("SIZES", repr(SIZES))
    with serving(ROOT / "dist") as (server, _), sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        page = browser.new_page()
        page.goto(server.url + "boot.html")
        page.wait_for_function("() => document.documentElement?.dataset.bridgeState === 'ready'", timeout=90_000)
        page.evaluate("""async () => { window.widgetLayer = await import(
            new URL(document.documentElement.dataset.assetsUrl + 'widget/dom.js', document.baseURI).href); }""")
        results = json.loads(page.evaluate("(code) => pyodide.runPythonAsync(code)", code))
        browser.close()
    base = statistics.median(results["20"]["render"])
    print(f"{'fields':>7} {'render ms':>10} {'ratio':>6} {'ms/field':>9} {'load+render ms':>15} {'keystroke ms':>13}")
    for n in SIZES:
        render = statistics.median(results[str(n)]["render"])
        show = statistics.median(results[str(n)]["show"])
        key = statistics.median(results[str(n)]["key"])
        print(f"{n:>7} {render:>10.1f} {render / base:>6.1f} {render / n:>9.3f} {show:>15.1f} {key:>13.2f}")


if __name__ == "__main__":
    main()
