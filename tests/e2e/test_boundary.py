"""The bridge's JS boundary in real Pyodide: host.js + bridge/_pyodide.py.

Driven against a bare stub service (tests/data/stub_service.js) so that each
answer shape can be forced; the simulator tests cover the faithful host.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import BOOT_TIMEOUT_MS, Site, py, wait_for_boot


@pytest.fixture
def stub_page(page, site: Site, root: Path):  # type: ignore[no-untyped-def]
    page.add_init_script(path=str(root / "tests/data/stub_service.js"))
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"
    return page


def test_every_answer_shape_becomes_a_result_or_exception(stub_page) -> None:  # type: ignore[no-untyped-def]
    stub_page.evaluate("""() => Object.assign(stubService.modes, {
        setDoNotCall: "fail", removeDoNotCall: "string", getCampaigns: "twice",
        cancelReschedule: "never", getRecordFields: "throw", getChainedRecords: "undefined"})""")
    result = py(stub_page, """
from bridge import outbound, OutboundError, BridgeTimeoutError, MalformedResponseError
out = {}
out["ok"] = (await outbound.get_call_result("1")).name
try:
    await outbound.set_do_not_call("7")
except OutboundError as e:
    out["fail"] = [e.method, e.error_message]
try:
    await outbound.remove_do_not_call("7")
except BridgeTimeoutError as e:
    out["string"] = str(e)
out["twice"] = [c.name for c in await outbound.get_campaigns()]
try:
    await outbound.cancel_reschedule("1", timeout=0.05)
except BridgeTimeoutError as e:
    out["never"] = e.timeout
try:
    await outbound.get_record_fields("1")
except OutboundError as e:
    out["throw"] = e.error_message
try:
    await outbound.get_chained_records("1")
except MalformedResponseError as e:
    out["undefined"] = str(e)
out
""")
    assert result == {
        "ok": "BUSY",
        "fail": ["setDoNotCall", "no setDoNotCall for 7"],
        "string": "outbound.removeDoNotCall: WWE did not answer before the WWE client timed out. "
                  "Is WWE still connected? Retry, or pass a longer timeout=.",
        "twice": ["Sales"],
        "never": 0.05,
        "throw": "outbound.getRecordFields threw: client exploded",
        "undefined": "outbound.getChainedRecords returned unexpected data: the answer has no `data`",
    }


def test_events_reach_several_python_listeners_and_unsubscribe(stub_page) -> None:  # type: ignore[no-untyped-def]
    py(stub_page, """
from bridge import outbound
seen_a, seen_b = [], []
stop_a = outbound.subscribe("outbound", lambda e: seen_a.append(e.event_type))
stop_b = outbound.subscribe(["outbound"], lambda e: seen_b.append(e.event_type))
""")
    # one service subscription per event name, shared by both Python listeners
    assert stub_page.evaluate("stubService.subscriberCount()") == 1
    stub_page.evaluate("stubService.emit('outbound', {eventType: 'PreviewRecord', interactionId: '9'})")
    py(stub_page, "stop_a()")
    assert stub_page.evaluate("stubService.subscriberCount()") == 1
    stub_page.evaluate("stubService.emit('outbound', {eventType: 'ChainedRecord'})")
    assert py(stub_page, "[seen_a, seen_b]") == [["PreviewRecord"], ["PreviewRecord", "ChainedRecord"]]
    py(stub_page, "stop_b()")
    assert stub_page.evaluate("stubService.subscriberCount()") == 0


def test_ten_thousand_calls_leak_nothing(stub_page, root: Path) -> None:  # type: ignore[no-untyped-def]
    stub_page.evaluate("pyodide._module.enable_pyproxy_allocation_tracing()")
    stub_page.set_default_timeout(BOOT_TIMEOUT_MS)
    code = (root / "tests/data/leak_check.py").read_text()
    report = py(stub_page, code + "\nawait main(10_000)")
    assert report["futures"] >= 10_000
    assert report["alive"] == 0, report
    assert report["pending"] == 0, report
    assert report["after"] == report["before"], report
    print("leak report:", report)


def test_calls_leave_in_order_after_python_returns_and_a_cancelled_one_never_leaves(stub_page) -> None:  # type: ignore[no-untyped-def]
    # host.js sends from a microtask (window.postMessage is slow from deep inside
    # Python), so a call cancelled before Python returns must never reach WWE.
    sent = py(stub_page, """
import asyncio, js
from bridge import outbound
host = outbound._host
host.start(9001, "getCallResult", ["a"], 5)
host.start(9002, "getCampaigns", [], 5)
host.start(9003, "getCallResult", ["c"], 5)
host.cancel(9002)
during = js.stubService.calls.length
await asyncio.sleep(0.05)
[during, js.JSON.stringify(js.stubService.calls)]
""")
    assert sent[0] == 0  # nothing left while Python was still running
    assert json.loads(sent[1]) == [["getCallResult", "a"], ["getCallResult", "c"]]
