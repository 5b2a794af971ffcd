"""The bridge's event loop (bridge/_pyodide.py `BridgeLoop`, host.js `createWaker`)
in real Pyodide: asyncio semantics kept, the page kept responsive, and blocking
(`run_sync`, `asyncio.run`) available where asked for. One booted page per module.
"""

from __future__ import annotations


import pytest

from .conftest import PageLog, Site, open_page, py, wait_for_boot


def test_the_boot_installs_the_bridge_loop(booted) -> None:  # type: ignore[no-untyped-def]
    assert booted.evaluate("bridgeBoot.eventLoop") == "bridge"
    assert py(booted, "import asyncio; type(asyncio.get_running_loop()).__name__") == "BridgeLoop"


def test_pyodide_loop_on_request(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    log = PageLog()
    context, page = open_page(browser, log)
    try:
        page.goto(site.url + "boot.html?event-loop=pyodide")
        assert wait_for_boot(page) == "ready"
        assert page.evaluate("bridgeBoot.eventLoop") == "pyodide"
        loop = py(page, "import asyncio; l = asyncio.get_running_loop(); [type(l).__module__, type(l).__name__]")
        assert loop == ["pyodide.webloop", "WebLoop"]
    finally:
        context.close()
    assert not log.errors, log.errors


def test_callbacks_run_in_order_and_cancelled_ones_do_not(booted) -> None:  # type: ignore[no-untyped-def]
    assert py(booted, """
import asyncio
loop = asyncio.get_running_loop()
seen = []
handles = [loop.call_soon(seen.append, i) for i in range(5)]
handles[2].cancel()
loop.call_later(0, seen.append, "later(0)")
loop.call_later(0.02, seen.append, "later(0.02)")
await asyncio.sleep(0)
first = list(seen)
await asyncio.sleep(0.05)
[first, seen]
""") == [[0, 1, 3, 4, "later(0)"], [0, 1, 3, 4, "later(0)", "later(0.02)"]]


def test_a_failing_callback_is_reported_and_the_rest_still_run(booted) -> None:  # type: ignore[no-untyped-def]
    assert py(booted, """
import asyncio
loop = asyncio.get_running_loop()
reported, seen = [], []
old = loop.get_exception_handler()
loop.set_exception_handler(lambda loop, context: reported.append(type(context["exception"]).__name__))
try:
    loop.call_soon(lambda: 1 / 0)
    loop.call_soon(seen.append, "after")
    await asyncio.sleep(0)
finally:
    loop.set_exception_handler(old)
[reported, seen]
""") == [["ZeroDivisionError"], ["after"]]


@pytest.mark.parametrize("spin", ["await asyncio.sleep(0)", "await js.Promise.resolve(0)"])
def test_a_busy_python_loop_lets_the_page_respond(booted, spin: str) -> None:  # type: ignore[no-untyped-def]
    # Ready callbacks run from microtasks, which alone would starve the page:
    # the waker's budget must hand the browser a turn every few milliseconds.
    booted.evaluate("""() => {
        window.__gaps = [];
        let last = performance.now();
        window.__ticker = setInterval(() => {
            const now = performance.now();
            window.__gaps.push(now - last);
            last = now;
        }, 1);
    }""")
    try:
        result = py(booted, f"""
import asyncio, js, time
from bridge import outbound
spins = 0
t0 = time.perf_counter()
while time.perf_counter() - t0 < 0.5:
    {spin}
    spins += 1
[spins, asyncio.get_running_loop()._waker.macrotaskRuns()]
""")
        gaps = booted.evaluate("window.__gaps")
    finally:
        booted.evaluate("clearInterval(window.__ticker)")
    spins, macrotask_runs = result
    assert spins > 1000, spins
    assert macrotask_runs > 0
    assert len(gaps) > 20, gaps  # the timer kept firing during the 0.5 s
    assert max(gaps) < 100, max(gaps)


def test_blocking_works_in_tasks_created_under_allow_run_sync(booted) -> None:  # type: ignore[no-untyped-def]
    result = py(booted, """
import asyncio, js, bridge
from pyodide.ffi import run_sync

async def answer():
    await asyncio.sleep(0.01)
    return 41

async def blocking():
    return asyncio.run(answer()) + run_sync(js.Promise.resolve(1))

try:
    await blocking()
except RuntimeError as exc:
    refused = str(exc)
with bridge.allow_run_sync():
    task = asyncio.ensure_future(blocking())
[refused, await task]
""")
    refused, value = result
    assert value == 42
    assert refused.startswith("asyncio.run() (run_until_complete) needs Pyodide's stack switching")
    assert "with bridge.allow_run_sync():" in refused and 'eventLoop: "pyodide"' in refused
