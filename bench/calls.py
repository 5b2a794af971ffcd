"""Call overhead benchmark: `await outbound.get_call_result(iid)` from Python,
through host.js, our service client and the simulator, against a plain JS loop
making the same `getCallResult` calls with callbacks through the same client
and host.

    python3 build.py && .venv/bin/python bench/calls.py [--calls N] [--rounds R]

Sequential: N calls one after the other, total time divided by N (browsers
round performance.now() to 0.1 ms, too coarse for one call). Concurrent: 100
calls at once, total time divided by 100. Rounds alternate Python and JS so drift hits both alike.
Target: Python / JS ≤ 1.5.
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

PYTHON = """
import asyncio, json, time
from bridge import outbound

async def sequential(n):
    t0 = time.perf_counter()
    for _ in range(n):
        await outbound.get_call_result("1")
    return (time.perf_counter() - t0) * 1000 / n

async def concurrent(n):
    t0 = time.perf_counter()
    await asyncio.gather(*(outbound.get_call_result("1") for _ in range(n)))
    return (time.perf_counter() - t0) * 1000 / n

json.dumps({"sequential": await sequential(SEQ), "concurrent": await concurrent(100)})
"""

JS = """async ([seq]) => {
  const outbound = genesys.wwe.service.outbound;
  const call = () => new Promise((resolve, reject) => outbound.getCallResult("1", resolve, reject));
  let t0 = performance.now();
  for (let i = 0; i < seq; i++) await call();
  const sequential = (performance.now() - t0) / seq;
  t0 = performance.now();
  await Promise.all(Array.from({ length: 100 }, call));
  return JSON.stringify({ sequential, concurrent: (performance.now() - t0) / 100 });
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    python_code = PYTHON.replace("SEQ", str(args.calls))
    results: dict[str, dict[str, list[float]]] = {"python": {"seq": [], "conc": []}, "js": {"seq": [], "conc": []}}
    with serving(ROOT / "dist") as (server, _), sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        page = browser.new_page()
        page.goto(server.url + "index.html?view=boot.html")
        view = page.frame(name="view")
        view.wait_for_function("() => document.documentElement.dataset.bridgeState === 'ready'", timeout=90_000)
        page.set_default_timeout(300_000)
        for round_ in range(args.rounds + 1):  # the first round warms up both paths
            for name in ("python", "js"):
                if name == "python":
                    data = json.loads(view.evaluate("(code) => pyodide.runPythonAsync(code)", python_code))
                else:
                    data = json.loads(view.evaluate(JS, [args.calls]))
                if round_:
                    results[name]["seq"].append(data["sequential"])
                    results[name]["conc"].append(data["concurrent"])
        browser.close()
    print(f"{'per call, ms':>16} {'sequential':>11} {'100 concurrent':>15}")
    medians = {}
    for name in ("python", "js"):
        seq = statistics.median(results[name]["seq"])
        conc = statistics.median(results[name]["conc"])
        medians[name] = (seq, conc)
        label = "Python (bridge)" if name == "python" else "JS (callbacks)"
        print(f"{label:>16} {seq:>11.3f} {conc:>15.3f}")
    print(f"{'Python / JS':>16} {medians['python'][0] / medians['js'][0]:>11.2f} "
          f"{medians['python'][1] / medians['js'][1]:>15.2f}   (target ≤ 1.5; median of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
