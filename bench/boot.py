"""Boot benchmark: the record widget against the best bare Pyodide page a user could
write instead, in the conditions users have.

    python3 build.py && .venv/bin/python bench/boot.py [--runs N] [--throttled-runs N]

Subjects, all served by the same server (wwe_testing/server.py, as `build.py serve`:
precompressed files when the browser accepts them) from the same dist/, each with
the same <link rel=preload> for the runtime's files as our pages:

- ``widget``: the record widget framed by the simulator, ready when its record form
  is rendered and editable (the frame's `widget-ready` mark);
- ``view``: an integrator's Python view (docs/example/custom/chain_view.html: /bridge.js
  and a .py, no preloads of its own) framed by the simulator, ready when its script's
  top level ran (its chain is shown: `view-ready`);
- ``bare+pyc``: a page that only runs `loadPyodide()` with our byte-compiled
  standard library (`stdLibURL`), the fastest plain start there is: the baseline of
  every ratio;
- ``bare``: the same with Pyodide's default (.py) standard library, for reference.

Conditions (each a fresh Chromium profile unless said):

- ``cold``: first visit, persistent profile (as users' browsers are);
- ``reload``: the same view loaded again in that profile (disk cache, V8's code cache);
- ``second view``: a second copy of the view in the same page (one more iframe);
- ``private cold/reload``: the same in a private (incognito-like) context, where
  Chromium keeps no file over a few MB on disk;
- ``10 Mbit/s``, ``50 Mbit/s``: cold, with DevTools network throttling (CDP
  `Network.emulateNetworkConditions`: 10 Mbit/s with 50 ms latency, 50 Mbit/s with 20 ms).

Also: bytes on the wire cold (`transferSize`), per-stage times of the widget, when
the wasm was first requested, V8's wasm code cache on reload (trace events: lazy
compilations left, cached module deserialised), and the memory (PSS of every
Chromium process) each additional view costs. Ratios are widget / bare+pyc, medians
of runs alternating between subjects in the same run.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from wwe_testing.browser import launch_options  # noqa: E402
from wwe_testing.server import serving  # noqa: E402

PYODIDE = "/pyodide/314.0.7/"
TIMEOUT_MS = 180_000
THROTTLES = {  # name -> (bits per second, latency ms)
    "50 Mbit/s": (50e6, 20),
    "10 Mbit/s": (10e6, 50),
}

# The element a view lives in, and the mark that says it is ready, per subject.
# Both bare pages preload what loadPyodide() fetches, as our pages do.
BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare</title>
<link rel="modulepreload" href="{pyodide}pyodide.mjs">
<link rel="modulepreload" href="{pyodide}pyodide.asm.mjs">
{preloads}<script type="module" src="bare.js?{query}"></script>
"""
BARE_JS = """import {{ loadPyodide }} from "{pyodide}pyodide.mjs";
const stdlib = new URLSearchParams(import.meta.url.split("?")[1]).get("stdlib");
await loadPyodide({{ lockFileURL: "{lock}", ...(stdlib ? {{ stdLibURL: stdlib }} : {{}}) }});
performance.mark("view-ready");
"""
# Time from the view's navigation start to its mark; bytes the view's document fetched.
MEASURE = """(win) => {
  const mark = win.performance.getEntriesByName(win.__readyMark)[0];
  if (!mark) return null;
  const entries = win.performance.getEntriesByType("resource");
  const nav = win.performance.getEntriesByType("navigation")[0];
  const wasm = entries.find((r) => r.name.includes("pyodide.asm.wasm"));
  return {
    ms: mark.startTime,
    bytes: entries.reduce((n, r) => n + r.transferSize, nav?.transferSize ?? 0),
    wasmRequestedAt: wasm ? wasm.startTime : null,
    stages: win.bridgeBoot ? { ...win.bridgeBoot.timings } : {},
    stdlib: win.bridgeBoot?.stdlib ?? null,
  };
}"""


class Subject:
    """How to open, reload and add one kind of view, and where its window is."""

    def __init__(self, name: str, url: str, mark: str, second_url: str, framed: bool) -> None:
        self.name, self.url, self.mark, self.second_url, self.framed = name, url, mark, second_url, framed

    def view_js(self, index: int) -> str:
        # the view's window: the sidebar frame for the widget, the page (then its iframe) for bare
        if index == 0:
            return "document.querySelector('[data-sim-frame=view]').contentWindow" if self.framed else "window"
        return "document.querySelector('iframe[data-bench-view]').contentWindow"

    def measure(self, page: Page, index: int = 0) -> dict[str, Any]:
        view = self.view_js(index)
        page.wait_for_function(
            f"() => {{ try {{ const w = {view}; w.__readyMark = {self.mark!r};"
            f" return w.document.readyState !== 'loading' && w.performance.getEntriesByName({self.mark!r}).length > 0; }}"
            " catch { return false; } }",
            timeout=TIMEOUT_MS,
        )
        return page.evaluate(f"() => ({MEASURE})({view})")  # type: ignore[no-any-return]

    def open(self, page: Page) -> dict[str, Any]:
        page.goto(self.url)
        return self.measure(page)

    def reload(self, page: Page) -> dict[str, Any]:
        if self.framed:  # WWE reloads the view, not itself
            page.evaluate(f"() => {self.view_js(0)}.location.reload()")
            page.wait_for_timeout(200)
        else:
            page.reload()
        return self.measure(page)

    def add_view(self, page: Page) -> dict[str, Any]:
        page.evaluate(
            """(src) => { const f = document.createElement("iframe"); f.dataset.benchView = "";
                 f.src = src; f.style.cssText = "width:360px;height:600px"; document.body.append(f); }""",
            self.second_url,
        )
        return self.measure(page, 1)


def chromium_pss_mb(profile: str) -> float:
    """Proportional set size of the Chromium started with *profile*, all processes."""
    parents: dict[int, int] = {}
    roots = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            parents[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            if f"--user-data-dir={profile}" in (proc / "cmdline").read_bytes().decode(errors="replace").replace("\0", " "):
                roots.append(int(proc.name))
        except (OSError, ValueError, IndexError):
            continue
    family = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    total_kb = 0
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def settled_pss(page: Page, profile: str) -> float:
    """PSS after a full garbage collection and a moment to return memory."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    cdp.detach()
    page.wait_for_timeout(1500)
    return chromium_pss_mb(profile)


def traced(page: Page, action: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], collections.Counter[str]]:
    """Run *action* while tracing V8's wasm events; its result and the events' counts."""
    cdp = page.context.new_cdp_session(page)
    events: list[dict[str, Any]] = []
    complete: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda params: events.extend(params["value"]))
    cdp.on("Tracing.tracingComplete", lambda params: complete.append(True))
    cdp.send("Tracing.start", {"traceConfig": {"includedCategories": ["v8.wasm", "disabled-by-default-v8.wasm.detailed"]}})
    result = action()
    cdp.send("Tracing.end")
    deadline = time.monotonic() + 60
    while not complete and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    cdp.detach()
    return result, collections.Counter(e["name"] for e in events)


def throttle(page: Page, bits_per_second: float, latency_ms: float) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency_ms,
        "downloadThroughput": bits_per_second / 8, "uploadThroughput": bits_per_second / 8,
    })


def persistent_run(pw: Any, subject: Subject, *, trace: bool, throttled: tuple[float, float] | None = None) -> dict[str, Any]:
    """A fresh persistent profile: cold, then (unthrottled) reload, a second view and memory."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="wwe-bench-profile-") as profile:
        options = launch_options()
        headless = options.pop("headless")
        context = pw.chromium.launch_persistent_context(profile, headless=headless, **options)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            if throttled:
                throttle(page, *throttled)
                out["cold"] = subject.open(page)
                return out
            out["cold"] = subject.open(page)
            page.wait_for_timeout(500)
            if trace:
                out["reload"], events = traced(page, lambda: subject.reload(page))
                out["lazy_compiles"] = events["wasm.CompileLazy"]
                out["cache_hits"] = events["CacheHit"] + events["wasm.Deserialize"] + events["wasm.DeserializeNativeModule"]
            else:
                out["reload"] = subject.reload(page)
            one_view = settled_pss(page, profile)
            out["second"] = subject.add_view(page)
            out["pss_per_view"] = settled_pss(page, profile) - one_view
        finally:
            context.close()
    return out


def private_run(browser: Any, subject: Subject) -> dict[str, Any]:
    context = browser.new_context()
    try:
        page = context.new_page()
        cold = subject.open(page)
        page.wait_for_timeout(500)
        return {"cold": cold, "reload": subject.reload(page)}
    finally:
        context.close()


def median(runs: list[dict[str, Any]], *path: str) -> float:
    values = []
    for run in runs:
        value: Any = run
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            values.append(float(value))
    return statistics.median(values) if values else float("nan")


def report(results: dict[str, dict[str, list[dict[str, Any]]]], args: argparse.Namespace) -> dict[str, Any]:
    """Print the table; return its numbers (for --json: the docs draw their charts from them)."""
    subjects = list(results)
    summary: dict[str, Any] = {"subjects": subjects, "baseline": "bare+pyc", "rows": [], "stages": {},
                               "runs": args.runs, "throttled_runs": args.throttled_runs, "chromium": args.version,
                               "date": time.strftime("%Y-%m-%d")}
    # (label, kind of run, value, unit, target ratio, the baseline the target is against)
    rows = [
        ("cold, persistent profile", "persistent", ("cold", "ms"), "ms", 0.5, "bare+pyc"),
        ("reload, persistent profile", "persistent", ("reload", "ms"), "ms", 0.5, "bare+pyc"),
        ("second view in the page", "persistent", ("second", "ms"), "ms", 0.5, "bare+pyc"),
        ("cold, private context", "private", ("cold", "ms"), "ms", None, None),
        ("reload, private context", "private", ("reload", "ms"), "ms", None, None),
        *[(f"cold at {name}, compressed", name, ("cold", "ms"), "ms",
           *((0.8, "bare") if name.startswith("10") else (None, None))) for name in THROTTLES],
        ("bytes on the wire, cold", "persistent", ("cold", "bytes"), "MB", 1.2, "bare"),
        ("memory per additional view (PSS)", "persistent", ("pss_per_view",), "MB", 1.3, "bare"),
    ]
    width = 34
    print(f"\n{'':<{width}}" + "".join(f"{s:>12}" for s in subjects)
          + f"{'/ bare+pyc':>11}{'/ bare':>8}{'view/b+pyc':>12}   target (ratios: widget, then the view)")
    for label, kind, path, unit, target, against in rows:
        values = {s: median(results[s].get(kind, []), *path) for s in subjects}
        if values["widget"] != values["widget"]:  # no runs of this kind
            continue
        scale = 1e6 if path[-1] == "bytes" else 1
        cells = "".join(f"{values[s] / scale:>9.1f} {unit:<2}" if unit == "MB" else f"{values[s]:>9.0f} {unit:<2}"
                        for s in subjects)
        ratios = {b: values["widget"] / values[b] if values.get(b) else float("nan") for b in ("bare+pyc", "bare")}
        verdict = ""
        if target is not None and against is not None:
            verdict = f"≤ {target} × {against}: " + ("met" if ratios[against] <= target else "NOT met")
        view = values["view"] / values["bare+pyc"] if values.get("view") and values.get("bare+pyc") else float("nan")
        summary["rows"].append({"label": label, "unit": unit, "values": {s: values[s] / scale for s in subjects},
                                "target": target, "against": against})
        print(f"{label:<{width}}{cells}{ratios['bare+pyc']:>11.2f}{ratios['bare']:>8.2f}{view:>12.2f}   {verdict}")
    widget = results["widget"].get("persistent", [])
    if widget:
        print("\nwidget stages, cold / reload (ms, median):")
        for stage in ("download", "interpreter", "packages", "bridge"):
            summary["stages"][stage] = {"cold": median(widget, "cold", "stages", stage),
                                        "reload": median(widget, "reload", "stages", stage)}
            print(f"  {stage:<12} {median(widget, 'cold', 'stages', stage):>7.0f} {median(widget, 'reload', 'stages', stage):>7.0f}")
        print(f"  (python started from: {widget[0]['cold'].get('stdlib')})")
    print("\nwasm first requested at (ms after navigation, cold):  "
          + "  ".join(f"{s} {median(results[s].get('persistent', []), 'cold', 'wasmRequestedAt'):.0f}" for s in subjects))
    if args.trace:
        print("V8 wasm code cache on reload (lazy compilations left / cached-module events):  "
              + "  ".join(f"{s} {median(results[s]['persistent'], 'lazy_compiles'):.0f}/{median(results[s]['persistent'], 'cache_hits'):.0f}"
                          for s in subjects))
    print(f"\nmedians of {args.runs} runs ({args.throttled_runs} throttled), subjects alternating; "
          f"{'uncompressed' if args.no_compression else 'precompressed files sent to browsers that accept them'}; "
          f"Chromium {args.version}")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per subject unthrottled (default 5)")
    parser.add_argument("--throttled-runs", type=int, default=3, help="runs per subject and throttle (default 3; 0 skips)")
    parser.add_argument("--no-private", action="store_true", help="skip the private-context rows")
    parser.add_argument("--no-trace", dest="trace", action="store_false", help="do not trace the reload for the code cache")
    parser.add_argument("--no-compression", action="store_true", help="serve every file uncompressed (both sides)")
    parser.add_argument("--json", type=Path, metavar="PATH",
                        help="also write the table's numbers there (docs/data/boot.json: the docs' charts)")
    args = parser.parse_args()
    stdlib = next((ROOT / "dist" / PYODIDE.strip("/")).glob("python_stdlib-*.pyc.zip"), None)
    lock = next((ROOT / "dist" / "b").glob("*/pyodide-lock.json"), None)
    if stdlib is None or lock is None:
        sys.exit("dist/ is not built: run `python3 build.py` first")
    lock_url = "/" + lock.relative_to(ROOT / "dist").as_posix()
    pyc_url = PYODIDE + stdlib.name
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp)
        wasm_preload = f'<link rel="preload" as="fetch" crossorigin href="{PYODIDE}pyodide.asm.wasm">\n'
        for name, stdlib_url in (("bare", PYODIDE + "python_stdlib.zip"), ("bare-pyc", pyc_url)):
            preloads = wasm_preload + f'<link rel="preload" as="fetch" crossorigin href="{stdlib_url}">\n'
            query = f"stdlib={stdlib_url}" if name == "bare-pyc" else ""
            (bare / f"{name}.html").write_text(BARE_HTML.format(pyodide=PYODIDE, preloads=preloads, query=query))
        (bare / "bare.js").write_text(BARE_JS.format(pyodide=PYODIDE, lock=lock_url))
        # an integrator's Python view (docs/example: /bridge.js, no preloads of its own)
        example = ROOT / "docs" / "example" / "custom"
        with serving(ROOT / "dist", mounts={"/bench/": bare, "/custom/": example},
                     compress=not args.no_compression) as (server, _), \
                sync_playwright() as pw:
            base = server.url
            subjects = [
                Subject("widget", base + "index.html?view=widget.html%3Finteraction%3D1", "widget-ready",
                        base + "widget.html?interaction=1", framed=True),
                Subject("view", base + "index.html?view=%2Fcustom%2Fchain_view.html%3Finteraction%3D1", "view-ready",
                        base + "custom/chain_view.html?interaction=1", framed=True),
                Subject("bare+pyc", base + "bench/bare-pyc.html", "view-ready", base + "bench/bare-pyc.html", framed=False),
                Subject("bare", base + "bench/bare.html", "view-ready", base + "bench/bare.html", framed=False),
            ]
            results: dict[str, dict[str, list[dict[str, Any]]]] = {s.name: collections.defaultdict(list) for s in subjects}
            browser = pw.chromium.launch(**launch_options())
            args.version = browser.version
            for i in range(args.runs):  # interleaved, so drift affects every subject alike
                for subject in subjects:
                    results[subject.name]["persistent"].append(persistent_run(pw, subject, trace=args.trace and i < 2))
                    if not args.no_private:
                        results[subject.name]["private"].append(private_run(browser, subject))
                print(f"run {i + 1}/{args.runs}: " + "  ".join(
                    f"{s} {results[s]['persistent'][-1]['cold']['ms']:.0f}/{results[s]['persistent'][-1]['reload']['ms']:.0f}"
                    f"/{results[s]['persistent'][-1]['second']['ms']:.0f} ms" for s in results), flush=True)
            for name, (bps, latency) in THROTTLES.items():
                for i in range(args.throttled_runs):
                    for subject in subjects:
                        results[subject.name][name].append(persistent_run(pw, subject, trace=False, throttled=(bps, latency)))
                    print(f"{name} run {i + 1}/{args.throttled_runs}: " + "  ".join(
                        f"{s.name} {results[s.name][name][-1]['cold']['ms']:.0f} ms" for s in subjects), flush=True)
            browser.close()
    summary = report(results, args)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
