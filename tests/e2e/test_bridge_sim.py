"""`bridge.outbound` end to end: Python in Pyodide → host.js → our service client
→ postMessage → the WWE simulator, and back. One booted view for the module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import BOOT_TIMEOUT_MS, PageLog, Site, py, wait_for_boot
from .sim import log_entries, open_sim


@pytest.fixture(scope="module")
def simulated(browser, site: Site) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """(host page, booted view frame) with the default scenario."""
    log = PageLog()
    context, page = open_sim(browser, site, log, view="boot.html")
    view = page.frame(name="view")
    assert view is not None
    assert wait_for_boot(view) == "ready", view.inner_text("[data-boot-error]")
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    yield page, view
    context.close()
    assert not log.errors, f"uncaught page errors: {log.errors}"


@pytest.fixture
def host(simulated):  # type: ignore[no-untyped-def]
    page, _ = simulated
    yield page
    page.evaluate("wweSim.wire.faults.clear()")


@pytest.fixture
def view(simulated):  # type: ignore[no-untyped-def]
    return simulated[1]


def requests_sent(page, method: str) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for e in log_entries(page, "request") if e["message"].get("request") == f"outbound.{method}")


def test_view_uses_our_client_bound_to_the_host_origin(view, site: Site) -> None:  # type: ignore[no-untyped-def]
    assert view.evaluate("bridgeBoot.service") == {"client": "builtin", "origin": site.url.rstrip("/")}


def test_every_method_returns_typed_results(host, view) -> None:  # type: ignore[no-untyped-def]
    result = py(view, """
from bridge import outbound, Field, CallResult, RecordEditor
out = {}
campaigns = await outbound.get_campaigns()
out["campaigns"] = [(c.name, c.mode, c.status) for c in campaigns]
results = await outbound.get_list_of_call_results()
out["busy"] = results["BUSY"].code
fields = await outbound.get_record_fields("1")
out["field_types"] = [type(f).__name__ for f in fields][:1]
out["phone_type"] = [f.options["9"] for f in fields if f.name == "GSW_PHONE_TYPE"]
chain = await outbound.get_chained_records("1")
out["chain"] = [(r.record_handle, r.phone, r.tz_offset) for r in chain]
out["result_before"] = (await outbound.get_call_result("1")).name
out["set"] = (await outbound.set_call_result("1", "ANSWERING_MACHINE")).code
out["result_after"] = (await outbound.get_call_result("1")).name
await outbound.set_do_not_call("1")
await outbound.remove_do_not_call("1")
out["rescheduled"] = await outbound.reschedule_record("1", 283, "05/27/2031 10:55", "PERSONAL")
await outbound.cancel_reschedule("1")
editor = RecordEditor(fields)
editor.set_text("GSW_CUSTOM_STRING", "Edited in Python")
editor.set_text("GSW_PHONE_TYPE", "Pin Pager")
editor.set_text("Custom_Consent", "true")
out["sent"] = await outbound.update_record_fields("1", editor)
out["after"] = {f.name: f.value for f in await outbound.get_record_fields("1")
                if f.name in ("GSW_CUSTOM_STRING", "GSW_PHONE_TYPE", "Custom_Consent")}
preview = await outbound.get_preview_record("Outbound Campaign Custom")
out["preview"] = (preview.campaign_name, preview.record_handle)
await outbound.call_preview_record(preview.interaction_id, preview.record_handle)
rejected = await outbound.get_preview_record("Outbound Campaign Custom")
await outbound.reject_preview_record(rejected.interaction_id)
cancelled = await outbound.get_preview_record("Outbound Campaign Custom")
await outbound.cancel_preview_record(cancelled.interaction_id)
out["same_chain_after_reject"] = rejected.record_handle == cancelled.record_handle
await outbound.start_direct_push_preview()
await outbound.stop_direct_push_preview()
out
""")
    assert ("Outbound Campaign Custom", "Preview", "Active") in [tuple(c) for c in result["campaigns"]]
    assert result["busy"] == 6
    assert result["field_types"] == ["Field"] and result["phone_type"] == ["Pin Pager"]
    assert result["chain"] == [[283, "+33647005", 34200], [284, "+33647004", 34200]]
    assert (result["result_before"], result["set"], result["result_after"]) == ("BUSY", 9, "ANSWERING_MACHINE")
    assert result["rescheduled"] == "05/27/2031 10:55"
    # Only the changed fields, each as its valueType (enum key as a number, bool as a boolean).
    assert result["sent"] == {"GSW_CUSTOM_STRING": "Edited in Python", "GSW_PHONE_TYPE": 9, "Custom_Consent": True}
    assert result["after"] == {"GSW_CUSTOM_STRING": "Edited in Python", "GSW_PHONE_TYPE": "9", "Custom_Consent": "true"}
    assert result["preview"] == ["Outbound Campaign Custom", 301]
    assert result["same_chain_after_reject"] is True
    assert len({e["message"]["request"] for e in log_entries(host, "request") if "request" in e["message"]}) == 17


def test_reschedule_converts_an_aware_datetime_to_the_record_zone(host, view) -> None:  # type: ignore[no-untyped-def]
    # The reference's example: agent in BST at 14:30, customer 5 hours behind (EDT). The record is
    # read in winter (GSW_TZ_OFFSET is New York's offset now, EST): May's is EDT, from the zone's name,
    # through the browser's time-zone database.
    host.evaluate("""() => { const record = wweSim.service.interactions.get('1').chain.records[0];
        record.GSW_TZ_NAME = 'America/New_York'; record.GSW_TZ_OFFSET = -5 * 3600; }""")
    sent = py(view, """
from datetime import datetime, timedelta, timezone
from bridge import outbound
bst = timezone(timedelta(hours=1))
agent_now = datetime(2031, 5, 27, 14, 30, tzinfo=bst)
await outbound.reschedule_record("1", 283, agent_now + timedelta(hours=1), "CAMPAIGN")
""")
    assert sent == "05/27/2031 10:30"
    assert host.evaluate("wweSim.service.interactions.get('1').schedule.date") == "05/27/2031 10:30"


def test_wwe_refusal_is_an_outbound_error(view) -> None:  # type: ignore[no-untyped-def]
    result = py(view, """
from bridge import outbound, OutboundError
try:
    await outbound.get_record_fields("no-such-interaction")
except OutboundError as e:
    out = [e.method, e.error_message, e.payload["request"]]
out
""")
    assert result == ["getRecordFields", 'Interaction "no-such-interaction" not found', "outbound.getRecordFields"]


def test_bad_fields_are_refused_before_anything_is_sent(host, view) -> None:  # type: ignore[no-untyped-def]
    before = requests_sent(host, "updateRecordFields")
    result = py(view, """
from bridge import outbound, FieldValidationError
fields = await outbound.get_record_fields("1")
try:
    await outbound.update_record_fields("1", {"GWS_FROM": "11:00", "Custom_Integer": "1.5", "GSW_PHONE": ""}, fields=fields)
except FieldValidationError as e:
    out = sorted(p.name for p in e.problems)
out
""")
    assert result == ["Custom_Integer", "GSW_PHONE", "GWS_FROM"]
    assert requests_sent(host, "updateRecordFields") == before


def test_a_failing_fault_is_an_outbound_error_with_the_message(host, view) -> None:  # type: ignore[no-untyped-def]
    host.evaluate("wweSim.setFault('getCampaigns', {errorMessage: 'OCS unavailable'})")
    assert py(view, """
from bridge import outbound, OutboundError
try:
    await outbound.get_campaigns()
except OutboundError as e:
    out = e.error_message
out
""") == "OCS unavailable"


def test_silence_is_a_timeout_from_either_side(host, view) -> None:  # type: ignore[no-untyped-def]
    host.evaluate("wweSim.setFault('getCallResult', {never: true})")
    view.evaluate("""async () => { window.serviceClientModule = await import(
        new URL(document.documentElement.dataset.assetsUrl + 'client/service-client.js', document.baseURI).href); }""")
    result = py(view, """
import js
from pyodide.ffi import to_js
from bridge import outbound, BridgeTimeoutError
out = {}
try:
    await outbound.get_call_result("1", timeout=0.3)      # our own deadline
except BridgeTimeoutError as e:
    out["python"] = [e.method, e.timeout]
# The service client's own "Request timeout" (10 s in WWE; shortened here).
service = js.genesys.wwe.service
client = js.serviceClientModule  # imported by the test: the page's CSP forbids js.eval
js.genesys.wwe.service = client.createServiceClient(to_js({"timeoutMs": 300}, dict_converter=js.Object.fromEntries))
try:
    await outbound.get_call_result("1", timeout=5)
except BridgeTimeoutError as e:
    out["client"] = [e.method, e.timeout, str(e)]
finally:
    js.genesys.wwe.service.unload()
    js.genesys.wwe.service = service
out
""")
    assert result["python"] == ["getCallResult", 0.3]
    assert result["client"][0] == "getCallResult" and result["client"][1] is None
    assert "did not answer before the WWE client timed out" in result["client"][2]


@pytest.mark.parametrize("kind", ["missing-data", "wrong-type"])
def test_malformed_answers_are_malformed_response_errors(host, view, kind: str) -> None:  # type: ignore[no-untyped-def]
    host.evaluate(f"wweSim.setFault('getRecordFields', {{malformed: '{kind}'}})")
    assert py(view, """
from bridge import outbound, MalformedResponseError
try:
    await outbound.get_record_fields("1")
except MalformedResponseError as e:
    out = e.method
out
""") == "getRecordFields"


def test_events_reach_python_listeners_and_streams(host, view) -> None:  # type: ignore[no-untyped-def]
    py(view, """
import asyncio
from bridge import outbound
seen = []
stop = outbound.subscribe(["outbound", "interaction"], lambda e: seen.append((e.name, e.event_type, e.interaction_id)))
stream = outbound.events("outbound")
""")
    host.wait_for_function("() => [...wweSim.wire.subscriptions.values()].filter(s => s.names.includes('outbound')).length >= 2")
    iid = host.evaluate("wweSim.deliver('Renewals')")
    result = py(view, """
event = await asyncio.wait_for(stream.__anext__(), 10)
for _ in range(100):
    if len(seen) >= 2:
        break
    await asyncio.sleep(0.05)
stream.close()
stop()
fields = await outbound.get_record_fields(event.interaction_id)
[event.event_type, event.interaction_id, sorted(seen), [f.name for f in fields][:1]]
""")
    assert result[0] == "PreviewRecord" and result[1] == iid
    assert result[2] == [["interaction", "ADDED", iid], ["outbound", "PreviewRecord", iid]]
    assert result[3] == ["GSW_PHONE"]
    host.wait_for_function("() => ![...wweSim.wire.subscriptions.values()].some(s => s.source === wweSim.frames.view.contentWindow)")


def test_outside_wwe_the_bridge_says_so(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    page.goto(site.url + "boot.html")  # top level: no WWE window
    assert wait_for_boot(page) == "ready"
    assert page.evaluate("bridgeBoot.service.client") == "none"
    message = py(page, """
from bridge import outbound, NotInWWEError
try:
    await outbound.get_campaigns()
except NotInWWEError as e:
    out = str(e)
out
""")
    assert "genesys.wwe.service is not in this page" in message


def test_a_view_can_load_another_service_client_by_configuration(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    # As a deployment that uses WWE's own script: <html data-service-client="<url>">.
    # Our classic build stands in for the vendor's file (which we cannot ship).
    build = (site.root / "build-info.json").read_text().split('"build": "')[1].split('"')[0]

    def configured(route):  # type: ignore[no-untyped-def]
        html = (site.root / "boot.html").read_text().replace(
            "<html ", f'<html data-service-client="b/{build}/client/service-client.classic.js" ', 1)
        route.fulfill(status=200, body=html, content_type="text/html")

    log = PageLog()
    context, page = open_sim(browser, site, log, view="boot.html", before=lambda c: c.route("**/boot.html", configured))
    try:
        view = page.frame(name="view")
        assert wait_for_boot(view) == "ready", view.inner_text("[data-boot-error]")
        assert view.evaluate("bridgeBoot.service.client") == "vendor"
        assert view.evaluate("document.querySelectorAll('script[src$=\"service-client.classic.js\"]').length") == 1
        assert py(view, "from bridge import outbound\n(await outbound.get_call_result('1')).code") == 6
    finally:
        context.close()
    assert not log.errors
