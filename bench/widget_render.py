"""Widget benchmark, in real Pyodide in headless Chromium, on the real DOM layer.

Two parts:

- render: the record form for 20, 200 and 1,000 generated fields, from the field
  model to elements in the page; load+render: showing an interaction from scratch
  (the WWE answer parsed, the editing model built, the form rendered, the call
  result and chained records loaded).
- end to end, at 1,000 and 5,000 fields: Playwright types into a field, and for
  each key the page measures from keydown to the end of the widget's handling
  plus the style and layout it caused; saving one change is timed from the click
  to the "Saved" status. WWE is an in-page fake (`FakeHost`) that answers on the
  next turn of the event loop, so the save's time is the widget's own: two reads
  of the whole record (the check before sending and the read-back), the update,
  and the patches. Measured with WWE's desktop (the mark-done guard keeping WWE's
  block in step with every keystroke) and without it, as the baseline.

    python3 build.py && .venv/bin/python bench/widget_render.py [--repeat N]

Prints milliseconds (medians) and ratios against a baseline measured in the same
run (timings on shared machines are noisy; ratios are what to compare).
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

SIZES = (20, 200, 1000, 5000)
E2E_SIZES = (1000, 5000)

# Runs inside the page: fields of every type, and a page with the widget's slots.
SETUP = r"""
import json
import js
from bridge import Outbound
from bridge.testing import FakeHost
from outbound_widget.app import Widget
from outbound_widget._dom import PageBrowser
from bridge.ui import Page
from outbound_widget.desktop import Desktop

layer = js.widgetLayer  # imported by the page script below (the CSP forbids js.eval)
js.wweBridgeUI = layer  # where bridge.ui finds the DOM layer (the view loader's name for it)
root = js.document.createElement("main")
root.id = "widget"
for slot in ("header", "notice", "summary", "record", "call-result", "reschedule", "done", "chain", "preview"):
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

def stateful_host(n):
    held = fields(n)
    def update(args):
        for field in held:
            if field["name"] in args[1]:
                field["value"] = str(args[1][field["name"]])
    return FakeHost({"getRecordFields": lambda args: json.loads(json.dumps(held)), "getCallResult": 6,
                     "getChainedRecords": [{"records": []}], "getListOfCallResults": {"OK": 0}, "getCampaigns": [],
                     "updateRecordFields": update,
                     # the desktop around outbound: the mark-done guard's block follows each keystroke
                     "interaction.getByInteractionId": {"interactionId": "1", "state": "TALKING"},
                     "interaction.blockMarkdone": None, "interaction.unblockMarkdone": None,
                     "configuration.getOption": [], "system.getAllowedServices": ["*"], "system.amIVisible": True})
"""

RENDER = r"""
import time
results = {}
for n in SIZES:
    widget = Widget(Page(), PageBrowser(layer), Outbound(stateful_host(n)), None)
    renders, shows, keys = [], [], []
    for _ in range(REPEAT):
        widget.interactions.clear()
        t0 = time.perf_counter()
        await widget.show("1")
        shows.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        widget.record.render(widget.shown)
        renders.append((time.perf_counter() - t0) * 1000)
        for k in range(20):
            t0 = time.perf_counter()
            widget.handle({"type": "input", "field": "3", "id": "f3", "value": "typed " * (k % 3)})
            keys.append((time.perf_counter() - t0) * 1000)
    assert js.document.querySelectorAll("#slot-record .field").length == n
    widget.close()
    results[n] = {"render": renders, "show": shows, "key": keys}
json.dumps(results)
"""

MOUNT = r"""
import outbound_widget.rules as rules_module
from outbound_widget.rules import Rules
rules = None
if RULES:
    # a deployer's typical pair: a check of the typed field, a value derived from it
    rules = Rules()
    def short_enough(text, record):
        return None if len(text or "") < 200 else "too long"

    def shouted(record):
        return (record["F3"] or "").upper()[:20]

    rules.validate("F3")(short_enough)
    rules.derive("F11")(shouted)
    if RULES == "unbounded":  # the same rules with no time budget armed: the baseline of its cost
        rules_module.run_within = lambda budget_ms, function, *args, **_: function(*args)
host = stateful_host(SIZE)
page = Page()
widget = Widget(page, PageBrowser(layer), Outbound(host), None, desktop=Desktop.on(host) if DESKTOP else None, rules=rules)
page.listen("widget", widget.handle)
await widget.start()
await widget.show("1")
js.window.widget = widget
None
"""

# Per keystroke: keydown (capture, first) to the end of the input event's handling
# (a window listener runs after the widget's, on the same event), then the style and
# layout the patches caused (forced by reading a layout property).
KEY_PROBE = """() => {
  window.keyTimes = [];
  window.handlerTimes = [];
  let start = 0;
  document.addEventListener("keydown", () => { start = performance.now(); }, true);
  window.addEventListener("input", () => {
    window.handlerTimes.push(performance.now() - start);
    document.body.offsetHeight;
    window.keyTimes.push(performance.now() - start);
  });
}"""

SAVE = """async () => {
  const before = document.getElementById("record-status");
  const status = () => document.getElementById("record-status")?.dataset.status;
  const start = performance.now();
  document.getElementById("w-save").click();
  // each status change replaces the status line: wait for a new one that says "done"
  while (document.getElementById("record-status") === before || status() !== "done") {
    if (status() === "error") throw new Error(document.getElementById("record-status").textContent);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  document.body.offsetHeight;
  return performance.now() - start;
}"""


def run_python(page, code: str) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("(code) => pyodide.runPythonAsync(code)", code)  # type: ignore[no-any-return]


def open_page(browser, url: str):  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(url + "boot.html")
    page.wait_for_function("() => document.documentElement?.dataset.bridgeState === 'ready'", timeout=90_000)
    page.evaluate("""async () => {
        const assets = new URL(document.documentElement.dataset.assetsUrl, document.baseURI).href;
        window.widgetLayer = await import(assets + 'ui/dom.js');
        // the widget page's own styles: layout costs depend on them
        const link = Object.assign(document.createElement('link'), {rel: 'stylesheet', href: assets + 'widget/widget.css'});
        await new Promise((resolve, reject) => { link.onload = resolve; link.onerror = reject; document.head.append(link); });
    }""")
    run_python(page, SETUP)
    return page


def end_to_end(browser, url: str, size: int, repeat: int, desktop: bool, rules: str = "") -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    page = open_page(browser, url)
    run_python(page, MOUNT.replace("SIZE", str(size)).replace("DESKTOP", str(desktop)).replace("RULES", repr(rules)))
    page.evaluate(KEY_PROBE)
    saves = []
    for round_ in range(repeat):
        control = page.locator("#f3")  # a var-char field
        control.fill("")
        control.press_sequentially(f"typed {round_} ab")
        saves.append(page.evaluate(SAVE))
    keys = page.evaluate("window.keyTimes")
    handlers = page.evaluate("window.handlerTimes")
    page.close()
    return {"key": keys, "handler": handlers, "save": saves}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    code = RENDER.replace("REPEAT", str(args.repeat)).replace("SIZES", repr(SIZES))
    with serving(ROOT / "dist") as (server, _), sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        page = open_page(browser, server.url)
        results = json.loads(run_python(page, code))
        page.close()
        e2e = {n: end_to_end(browser, server.url, n, args.repeat, True) for n in E2E_SIZES}
        bare = {n: end_to_end(browser, server.url, n, args.repeat, False) for n in E2E_SIZES}
        budgeted = {n: end_to_end(browser, server.url, n, args.repeat, True, "budgeted") for n in E2E_SIZES}
        unbounded = {n: end_to_end(browser, server.url, n, args.repeat, True, "unbounded") for n in E2E_SIZES}
        browser.close()
    base = statistics.median(results["20"]["render"])
    print(f"{'fields':>7} {'render ms':>10} {'ratio':>6} {'ms/field':>9} {'load+render ms':>15} {'keystroke ms':>13}")
    for n in SIZES:
        render = statistics.median(results[str(n)]["render"])
        show = statistics.median(results[str(n)]["show"])
        key = statistics.median(results[str(n)]["key"])
        print(f"{n:>7} {render:>10.1f} {render / base:>6.1f} {render / n:>9.3f} {show:>15.1f} {key:>13.2f}")
    print()
    print("end to end (Playwright typing; keydown to handled + layout; save: click to 'Saved', in-page WWE)")
    print(f"{'fields':>7} {'keystroke ms':>13} {'p90':>6} {'of which handling':>18} {'save 1 change ms':>17}")
    first = E2E_SIZES[0]
    for n in E2E_SIZES:
        keys = sorted(e2e[n]["key"])
        print(f"{n:>7} {statistics.median(keys):>13.2f} {keys[int(len(keys) * 0.9)]:>6.2f} "
              f"{statistics.median(e2e[n]['handler']):>18.2f} {statistics.median(e2e[n]['save']):>17.1f}")
    print("the same, outbound only (no WWE desktop: no mark-done guard), and the guard's cost as a ratio")
    for n in E2E_SIZES:
        key, key_bare = statistics.median(e2e[n]["key"]), statistics.median(bare[n]["key"])
        save, save_bare = statistics.median(e2e[n]["save"]), statistics.median(bare[n]["save"])
        print(f"{n:>7} {key_bare:>13.2f} keystroke x{key / key_bare:.2f} with the guard; save {save_bare:.1f} ms, x{save / save_bare:.2f}")
    print("with a validator and a derive: the rules' time budget armed against not (same rules, same run)")
    for n in E2E_SIZES:
        key, key_free = statistics.median(budgeted[n]["key"]), statistics.median(unbounded[n]["key"])
        save, save_free = statistics.median(budgeted[n]["save"]), statistics.median(unbounded[n]["save"])
        print(f"{n:>7} keystroke {key:.2f} ms against {key_free:.2f} (x{key / key_free:.2f}); "
              f"save {save:.1f} ms against {save_free:.1f} (x{save / save_free:.2f})")
    for n in E2E_SIZES[1:]:
        print(f"{n} / {first} fields: keystroke {statistics.median(e2e[n]['key']) / statistics.median(e2e[first]['key']):.2f}x, "
              f"save {statistics.median(e2e[n]['save']) / statistics.median(e2e[first]['save']):.2f}x")


if __name__ == "__main__":
    main()
