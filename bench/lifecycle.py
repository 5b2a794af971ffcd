"""Lifecycle benchmark: WWE replaces the framed view again and again; does memory stay flat?

    python3 build.py && .venv/bin/python bench/lifecycle.py [--replacements N]

The simulator frames the record widget; each round removes that iframe and frames a
new one (as WWE does when the agent moves to another interaction), waits until the
new widget is ready, collects garbage, and reads the page's documents and JS heap
(CDP `Memory.getDOMCounters`, `Runtime.getHeapUsage`) and the memory of every
Chromium process (PSS). A view that something still references (a subscription in
WWE holding its window, say) stays alive with its whole Python heap: documents and
memory then grow with every round. Prints one row per round and the growth from
the 5th round to the last (target: within 10 %).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.boot import chromium_pss_mb  # noqa: E402
from wwe_testing.browser import launch_options  # noqa: E402
from wwe_testing.server import serving  # noqa: E402

READY = "() => { const f = document.querySelector('[data-sim-frame=view]');" \
        " try { return f.contentWindow.document.documentElement.dataset.widgetState === 'ready'; } catch { return false; } }"
REPLACE = """(n) => {
  const old = document.querySelector("[data-sim-frame=view]");
  const fresh = old.cloneNode(false);
  fresh.removeAttribute("src");
  old.replaceWith(fresh);
  fresh.src = "widget.html?interaction=" + (1 + (n % 2));
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replacements", type=int, default=20)
    args = parser.parse_args()
    rows = []
    with serving(ROOT / "dist") as (server, _), sync_playwright() as pw, \
            tempfile.TemporaryDirectory(prefix="wwe-bench-profile-") as profile:
        options = launch_options()
        headless = options.pop("headless")
        context = pw.chromium.launch_persistent_context(profile, headless=headless, **options)
        page = context.pages[0] if context.pages else context.new_page()
        cdp = context.new_cdp_session(page)
        page.goto(server.url + "index.html?view=widget.html%3Finteraction%3D1")
        print(f"{'round':>5} {'documents':>10} {'JS heap MB':>11} {'PSS MB':>8}")
        for n in range(args.replacements + 1):
            if n:
                page.evaluate(REPLACE, n)
                page.wait_for_timeout(100)
            page.wait_for_function(READY, timeout=120_000)
            page.wait_for_timeout(300)
            cdp.send("HeapProfiler.collectGarbage")
            page.wait_for_timeout(1200)
            documents = cdp.send("Memory.getDOMCounters")["documents"]
            heap = cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6
            pss = chromium_pss_mb(profile)
            rows.append((documents, heap, pss))
            print(f"{n:>5} {documents:>10} {heap:>11.1f} {pss:>8.0f}", flush=True)
        context.close()
    if len(rows) > 6:
        (d5, h5, p5), (dn, hn, pn) = rows[5], rows[-1]
        print(f"\nfrom round 5 to {len(rows) - 1}: documents {d5} → {dn}, JS heap {h5:.1f} → {hn:.1f} MB "
              f"({(hn / h5 - 1) * 100:+.0f} %), PSS {p5:.0f} → {pn:.0f} MB ({(pn / p5 - 1) * 100:+.0f} %)"
              f"   target: within 10 %: {'met' if pn <= p5 * 1.1 and hn <= h5 * 1.1 else 'NOT met'}")


if __name__ == "__main__":
    main()
