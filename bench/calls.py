"""Call overhead benchmark: `await outbound.get_call_result(iid)` from Python,
through host.js, our service client and the simulator, against a plain JS loop
making the same `getCallResult` calls with callbacks through the same client
and host.

    python3 build.py && .venv/bin/python bench/calls.py [--size N] [--groups G] [--rounds R]

Calls are timed in groups (browsers round performance.now() to 0.1 ms, too
coarse for one call): sequential, N calls one after the other; concurrent, 100
calls at once; each group's time divided by its calls is one sample. The table
shows the median sample, so a group that happened to share its time with the
simulator's log rendering (every 100 ms) or a garbage collection counts as much
as one group, for both paths alike. Rounds alternate Python and JS so drift hits
both alike. Target: Python / JS ≤ 1.5.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from wwe_testing.browser import launch_options  # noqa: E402
from wwe_testing.server import serving  # noqa: E402

PYTHON = """
import asyncio, json, time
from bridge import outbound

async def sequential(groups, size):
    out = []
    for _ in range(groups):
        t0 = time.perf_counter()
        for _ in range(size):
            await outbound.get_call_result("1")
        out.append((time.perf_counter() - t0) * 1000 / size)
    return out

async def concurrent(groups, size):
    out = []
    for _ in range(groups):
        t0 = time.perf_counter()
        await asyncio.gather(*(outbound.get_call_result("1") for _ in range(size)))
        out.append((time.perf_counter() - t0) * 1000 / size)
    return out

json.dumps({"sequential": await sequential(GROUPS, SIZE), "concurrent": await concurrent(GROUPS, 100)})
"""

JS = """async ([groups, size]) => {
  const outbound = genesys.wwe.service.outbound;
  const call = () => new Promise((resolve, reject) => outbound.getCallResult("1", resolve, reject));
  const sequential = [], concurrent = [];
  for (let g = 0; g < groups; g++) {
    const t0 = performance.now();
    for (let i = 0; i < size; i++) await call();
    sequential.push((performance.now() - t0) / size);
  }
  for (let g = 0; g < groups; g++) {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 100 }, call));
    concurrent.push((performance.now() - t0) / 100);
  }
  return JSON.stringify({ sequential, concurrent });
}"""


# The rows: which page runs the Python loop. JS runs in both pages, alternating
# with Python, and the baseline is the median of all its samples.
LOOPS = {
    "Python, bridge loop": "boot.html",
    "Python, Pyodide loop": "boot.html?event-loop=pyodide",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50, help="sequential calls per group")
    parser.add_argument("--groups", type=int, default=10, help="groups of each kind per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    python_code = PYTHON.replace("GROUPS", str(args.groups)).replace("SIZE", str(args.size))
    samples: dict[str, dict[str, list[float]]] = {name: {"seq": [], "conc": []} for name in [*LOOPS, "JS"]}
    with serving(ROOT / "dist") as (server, _), sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        for name, view_url in LOOPS.items():
            page = browser.new_page()
            page.goto(server.url + "index.html?view=" + quote(view_url, safe=""))
            view = page.frame(name="view")
            view.wait_for_function("() => document.documentElement?.dataset.bridgeState === 'ready'", timeout=90_000)
            page.set_default_timeout(300_000)
            for round_ in range(args.rounds + 1):  # the first round warms up both paths
                python = json.loads(view.evaluate("(code) => pyodide.runPythonAsync(code)", python_code))
                js = json.loads(view.evaluate(JS, [args.groups, args.size]))
                if round_:
                    for row, data in ((name, python), ("JS", js)):
                        samples[row]["seq"].extend(data["sequential"])
                        samples[row]["conc"].extend(data["concurrent"])
            page.close()
        browser.close()
    medians = {name: (statistics.median(s["seq"]), statistics.median(s["conc"])) for name, s in samples.items()}
    js_seq, js_conc = medians["JS"]
    print(f"{'per call, ms':>22} {'sequential':>11} {'ratio':>6} {'100 concurrent':>15} {'ratio':>6}")
    for name, (seq, conc) in medians.items():
        ratios = ("", "") if name == "JS" else (f"{seq / js_seq:.2f}", f"{conc / js_conc:.2f}")
        label = "JS (callbacks)" if name == "JS" else name
        print(f"{label:>22} {seq:>11.3f} {ratios[0]:>6} {conc:>15.3f} {ratios[1]:>6}")
    print(f"(target: Python / JS ≤ 1.5; medians of {args.rounds} rounds × {args.groups} groups; "
          f"{args.size} calls per sequential group)")


if __name__ == "__main__":
    main()
