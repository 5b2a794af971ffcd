"""The WWE simulator and our service client, on the wire, in real Chromium.

The API panel (sim/panel.html, our client's classic build) is the custom view
here: these tests are about the protocol, so they need no Python in the page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import PageLog, Site, open_page
from .sim import (
    FOREIGN, call, default_scenario, error_message, log_entries, ok, open_sim, panel,
    serve_foreign_origin, simulator_url, wait_for_simulator,
)

REFERENCE = json.loads((Path(__file__).resolve().parents[1] / "data/reference_samples.json").read_text())
CAMPAIGN = "Outbound Campaign Custom"


@pytest.fixture
def sim_factory(browser, site: Site):  # type: ignore[no-untyped-def]
    """Open simulators (each in its own context); fails the test on any page error."""
    opened = []

    def make(**kwargs: Any):  # type: ignore[no-untyped-def]
        log = PageLog()
        context, page = open_sim(browser, site, log, **kwargs)
        opened.append((context, log))
        return page

    yield make
    for context, log in opened:
        context.close()
        assert not log.errors, f"uncaught page errors: {log.errors}"


@pytest.fixture
def sim(sim_factory):  # type: ignore[no-untyped-def]
    page = sim_factory()
    assert page.evaluate("document.documentElement.dataset.simState") == "ready"
    return page


@pytest.fixture
def view(sim):  # type: ignore[no-untyped-def]
    return panel(sim, "view")


# -- envelopes and the 17 methods ----------------------------------------------------


def test_every_method_round_trips_with_the_documented_envelopes(sim, view) -> None:  # type: ignore[no-untyped-def]
    campaigns = ok(view, "getCampaigns")["data"]
    assert {c["name"]: (c["mode"], c["status"]) for c in campaigns}[CAMPAIGN] == ("Preview", "Active")
    results = ok(view, "getListOfCallResults")
    assert results["data"]["BUSY"] == 6 and results["data"]["WRONG_NUMBER"] == 53 and len(results["data"]) == 39
    # The reference's sample fields, with the value the record holds for the enum.
    fields = ok(view, "getRecordFields", "1")["data"]
    assert fields[:2] == REFERENCE["getRecordFields"][:2]
    assert fields[2] == {**REFERENCE["getRecordFields"][2], "value": "1"}
    chain = ok(view, "getChainedRecords", "1")["data"]
    assert [r["GSW_RECORD_HANDLE"] for r in chain[0]["records"]] == [283, 284]
    assert chain[0]["records"][0]["GSW_TZ_OFFSET"] == 34200
    assert ok(view, "getCallResult", "1")["data"] == REFERENCE["getCallResult"] == 6
    ok(view, "setCallResult", "1", 9)
    assert ok(view, "getCallResult", "1")["data"] == 9
    ok(view, "setDoNotCall", "1")
    ok(view, "removeDoNotCall", "1")
    ok(view, "rescheduleRecord", "1", 283, "05/27/2031 10:55", "PERSONAL")
    assert sim.evaluate("wweSim.service.interactions.get('1').schedule") == {
        "recordHandle": 283, "date": "05/27/2031 10:55", "callbackType": "PERSONAL"}
    ok(view, "cancelReschedule", "1")
    assert sim.evaluate("wweSim.service.interactions.get('1').schedule") is None
    ok(view, "updateRecordFields", "1", {"GSW_CUSTOM_STRING": "Changed", "GSW_PHONE_TYPE": 9, "GSW_UNTIL": "23:45"})
    fields = {f["name"]: f["value"] for f in ok(view, "getRecordFields", "1")["data"]}
    assert (fields["GSW_CUSTOM_STRING"], fields["GSW_PHONE_TYPE"], fields["GSW_UNTIL"]) == ("Changed", "9", "23:45")
    preview = ok(view, "getPreviewRecord", CAMPAIGN)["data"]
    assert preview["campaignName"] == CAMPAIGN and preview["records"][0]["GSW_RECORD_HANDLE"] == 301
    ok(view, "callPreviewRecord", preview["interactionId"], 301)
    second = ok(view, "getPreviewRecord", CAMPAIGN)["data"]["interactionId"]
    ok(view, "rejectPreviewRecord", second)
    third = ok(view, "getPreviewRecord", CAMPAIGN)["data"]["interactionId"]
    ok(view, "cancelPreviewRecord", third)
    ok(view, "startDirectPushPreview")
    ok(view, "stopDirectPushPreview")

    # The wire, as the host logged it: requests and answers in WWE's shapes.
    requests = [e["message"] for e in log_entries(sim, "request") if "request" in e["message"]]
    assert len({r["request"] for r in requests}) == 17
    for message in requests:
        assert message["userAgent"] == "WWE Client" and message["protocolVersion"] == 2
        assert isinstance(message["referenceId"], str)
    by_name = {r["request"]: r for r in requests}
    assert "parameters" not in by_name["outbound.getCampaigns"]
    assert by_name["outbound.rescheduleRecord"]["parameters"] == ["1", 283, "05/27/2031 10:55", "PERSONAL"]
    assert by_name["outbound.rejectPreviewRecord"]["parameters"] == [second]
    responses = [e["message"] for e in log_entries(sim, "response") if "request" in e["message"]]
    for message in responses:
        assert message["userAgent"] == "WWE Server" and message["protocolVersion"] == 2
        assert "errorMessage" not in message
    # The callbacks get the message without its referenceId (as the vendor client does).
    answer = ok(view, "getCallResult", "1")
    assert set(answer) == {"request", "data", "userAgent", "protocolVersion"}


# -- rules ------------------------------------------------------------------------

RULES = [
    ("getRecordFields", ["nope"], 'Interaction "nope" not found'),
    ("setCallResult", ["1", "BUSY"], 'Call result must be a number, not "BUSY"'),
    ("setCallResult", ["1", 99], "Unknown call result 99"),
    ("updateRecordFields", ["1", {"GWS_FROM": "11:00"}], 'Field "GWS_FROM" is not editable'),
    ("updateRecordFields", ["1", {"GSW_PHONE": ""}], 'Field "GSW_PHONE" is mandatory and cannot be empty'),
    ("updateRecordFields", ["1", {"Custom_Integer": 1.5}], "must be an integer (fieldType int)"),
    ("updateRecordFields", ["1", {"Custom_Integer": "3"}], "must be a number (valueType number)"),
    ("updateRecordFields", ["1", {"Custom_Float": "abc"}], "must be a number (fieldType float)"),
    ("updateRecordFields", ["1", {"Custom_Character": "ab"}], "must be exactly one character (fieldType char)"),
    ("updateRecordFields", ["1", {"Custom_VarChar": 5}], "must be a string (valueType string)"),
    ("updateRecordFields", ["1", {"Custom_Appointment": "02/30/2027 10:00"}], "must be a date MM/DD/YYYY HH:MM"),
    ("updateRecordFields", ["1", {"GSW_FROM": "24:00"}], "must be a time HH:MM between 00:00 and 23:59"),
    ("updateRecordFields", ["1", {"Custom_Consent": "yes"}], "must be a boolean (valueType boolean)"),
    ("updateRecordFields", ["1", {"GSW_PHONE_TYPE": 99}], "must be one of the options' keys"),
    ("updateRecordFields", ["1", {"Nope": 1}], 'Field "Nope" is not in the record'),
    ("rescheduleRecord", ["1", 283, "13/01/2030 10:00", "PERSONAL"], 'Invalid reschedule date "13/01/2030 10:00"'),
    ("rescheduleRecord", ["1", 283, "05/27/2030 10:00", "LATER"], 'Invalid callback type "LATER"'),
    ("rescheduleRecord", ["1", 999, "05/27/2030 10:00", "CAMPAIGN"], "Record handle 999 is not in the chain"),
    ("callPreviewRecord", ["1", 283], "is not a preview record any more"),
    ("getPreviewRecord", ["Winter Promo"], "is Loaded, not active"),
    ("getPreviewRecord", ["Renewals"], "preview records are pushed, not pulled"),
    ("getPreviewRecord", ["Nope"], 'Campaign "Nope" not found'),
    ("stopDirectPushPreview", [], "Direct push preview is not started"),
]


@pytest.mark.parametrize(("method", "args", "expected"), RULES, ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(RULES)])
def test_each_rule_fails_with_its_message(view, method: str, args: list[Any], expected: str) -> None:  # type: ignore[no-untyped-def]
    assert expected in error_message(view, method, *args)


def test_call_result_refused_while_do_not_call_is_set(view) -> None:  # type: ignore[no-untyped-def]
    ok(view, "setDoNotCall", "1")
    assert "Do Not Call is set" in error_message(view, "setCallResult", "1", 6)
    ok(view, "removeDoNotCall", "1")
    ok(view, "setCallResult", "1", 6)


def test_failed_update_changes_nothing_and_names_every_bad_field(view) -> None:  # type: ignore[no-untyped-def]
    message = error_message(view, "updateRecordFields", "1", {"Custom_VarChar": "kept?", "Custom_Integer": "x", "GWS_FROM": "1"})
    assert '"Custom_Integer"' in message and '"GWS_FROM"' in message
    fields = {f["name"]: f["value"] for f in ok(view, "getRecordFields", "1")["data"]}
    assert fields["Custom_VarChar"] == ""


def test_preview_lifecycle(sim, view) -> None:  # type: ignore[no-untyped-def]
    first = ok(view, "getPreviewRecord", CAMPAIGN)["data"]
    iid = first["interactionId"]
    assert "has no call yet" in error_message(view, "setCallResult", iid, 6)
    ok(view, "callPreviewRecord", iid, 301)
    # The call is a new interaction: the preview's ID is refused from now on (reference: "once the
    # call is made the ID provided becomes the new interaction ID that corresponds to the call").
    call = sim.evaluate(f"[...wweSim.service.interactions.values()].find((i) => i.previousInteractionId === '{iid}')")
    assert call["state"] in ("DIALING", "TALKING") and call["interactionId"] != iid
    assert "not found" in error_message(view, "setCallResult", iid, 33)
    ok(view, "setCallResult", call["interactionId"], 33)
    # Reject puts the record back: the next preview is the same chain again.
    again = ok(view, "getPreviewRecord", CAMPAIGN)["data"]
    ok(view, "rejectPreviewRecord", again["interactionId"])
    assert "not found" in error_message(view, "getRecordFields", again["interactionId"])
    same = ok(view, "getPreviewRecord", CAMPAIGN)["data"]
    assert same["records"] == again["records"]
    # Cancel takes it out of the campaign for good.
    ok(view, "cancelPreviewRecord", same["interactionId"])
    assert "No records available" in error_message(view, "getPreviewRecord", CAMPAIGN)
    called = call["interactionId"]
    assert sim.locator(f"[data-interaction-id='{called}']").count() == 1  # the call is on the desktop
    assert sim.locator(f"[data-interaction-id='{same['interactionId']}']").count() == 0


def test_direct_push_sends_records_until_stopped(sim_factory) -> None:  # type: ignore[no-untyped-def]
    scenario = default_scenario()
    scenario["directPushIntervalMs"] = 100
    page = sim_factory(scenario=scenario)
    view = panel(page, "view")
    view.evaluate("window.pushed = []; genesys.wwe.service.subscribe('outbound', (m) => pushed.push(m))")
    ok(view, "startDirectPushPreview")
    assert "already started" in error_message(view, "startDirectPushPreview")
    view.wait_for_function("() => pushed.length >= 2")
    ok(view, "stopDirectPushPreview")
    count = view.evaluate("pushed.length")
    assert page.evaluate("wweSim.service.directPushTick()") is None  # a tick after the stop pushes nothing
    ok(view, "getCampaigns")  # an event sent before this answer would have arrived before it
    assert view.evaluate("pushed.length") == count
    event = view.evaluate("pushed[0]")
    assert event["event"] == "outbound" and "referenceId" not in event
    assert event["data"]["eventType"] == "PreviewRecord"
    assert event["data"]["campaignName"] == "Collections Direct"
    assert event["data"]["records"][0]["GSW_RECORD_HANDLE"] == 501
    # A pushed record is a real interaction: its fields answer.
    assert ok(view, "getRecordFields", event["data"]["interactionId"])["data"]


# -- faults -----------------------------------------------------------------------


def test_fault_delay(sim, view) -> None:  # type: ignore[no-untyped-def]
    sim.evaluate("wweSim.setFault('getCallResult', {delayMs: 400})")
    result = call(view, "getCallResult", "1")
    assert result["ok"]["data"] == 6 and result["ms"] >= 390


def test_fault_fail_with_message_changes_nothing(sim, view) -> None:  # type: ignore[no-untyped-def]
    sim.evaluate("wweSim.setFault('setCallResult', {errorMessage: 'OCS is down'})")
    failed = call(view, "setCallResult", "1", 9)["failed"]
    assert failed == {"request": "outbound.setCallResult", "errorMessage": "OCS is down",
                      "userAgent": "WWE Server", "protocolVersion": 2}
    assert ok(view, "getCallResult", "1")["data"] == 6


def test_fault_never_answer_times_out_with_the_vendor_string(sim, view, site: Site) -> None:  # type: ignore[no-untyped-def]
    sim.evaluate("wweSim.setFault('getCampaigns', {never: true})")
    assert view.evaluate("genesys.wwe.service.target.timeoutMs") == 10_000  # the vendor's timeout
    result = view.evaluate("""async (url) => {
        const { createServiceClient } = await import(url);
        const client = createServiceClient({ timeoutMs: 300 });
        return await new Promise((resolve) => client.outbound.getCampaigns(
            (a) => resolve({ok: a}), (a) => resolve({failed: a, pending: client.pendingCount})));
    }""", view.evaluate("document.querySelector('script[src$=\"classic.js\"]').src").replace(".classic.js", ".js"))
    assert result == {"failed": "Request timeout", "pending": 0}
    assert any("fault: never" in e.get("text", "") for e in log_entries(sim, "fault"))


def test_fault_answer_twice_reaches_the_callback_once(sim, view) -> None:  # type: ignore[no-untyped-def]
    sim.evaluate("wweSim.setFault('getCallResult', {twice: true})")
    calls = view.evaluate("""() => new Promise((resolve) => {
        let n = 0;
        genesys.wwe.service.outbound.getCallResult("1", () => n++, () => n++);
        setTimeout(() => resolve(n), 300);
    })""")
    assert calls == 1
    answers = [e for e in log_entries(sim, "response") if e["message"].get("request") == "outbound.getCallResult"]
    assert len(answers) == 2 and answers[0]["message"]["referenceId"] == answers[1]["message"]["referenceId"]


@pytest.mark.parametrize("kind", ["missing-data", "wrong-type"])
def test_fault_malformed_answer(sim, view, kind: str) -> None:  # type: ignore[no-untyped-def]
    sim.evaluate(f"wweSim.setFault('getRecordFields', {{malformed: '{kind}'}})")
    answer = ok(view, "getRecordFields", "1")
    if kind == "missing-data":
        assert "data" not in answer
    else:
        assert not isinstance(answer["data"], list)


def test_faults_from_the_scenario_and_from_the_control_panel(sim_factory) -> None:  # type: ignore[no-untyped-def]
    scenario = default_scenario()
    scenario["faults"] = {"getCampaigns": {"errorMessage": "from the scenario"}}
    page = sim_factory(scenario=scenario)
    view = panel(page, "view")
    assert error_message(view, "getCampaigns") == "from the scenario"
    page.select_option("[data-sim-fault-method]", "getCallResult")
    page.fill("[data-sim-fault-form] [name=errorMessage]", "from the form")
    page.click("[data-sim-fault-form] button[type=submit]")
    assert page.locator("[data-sim-faults] [data-method=getCallResult]").count() == 1
    assert error_message(view, "getCallResult", "1") == "from the form"
    page.click("[data-sim-fault-clear]")
    assert ok(view, "getCampaigns")["data"]


# -- origins ----------------------------------------------------------------------


def test_request_from_an_unlisted_origin_is_not_answered(sim_factory, site: Site) -> None:  # type: ignore[no-untyped-def]
    # the view, on another origin than the simulator, is configured to trust it as WWE
    simulator = site.url.rstrip("/")
    page = sim_factory(view=f"{FOREIGN}/sim/panel.html",
                       before=lambda context: serve_foreign_origin(context, site, wwe_origins=simulator))
    view = panel(page, "view")
    assert view.evaluate("location.origin") == FOREIGN
    pending = view.evaluate("""() => new Promise((resolve) => {
        let answered = false;
        genesys.wwe.service.outbound.getCampaigns(() => answered = true, () => answered = true);
        setTimeout(() => resolve(answered), 500);
    })""")
    assert pending is False
    refused = log_entries(page, "refused")
    assert refused and refused[-1]["origin"] == FOREIGN
    assert not [e for e in log_entries(page, "response") if e["origin"] == FOREIGN]
    # Listed, it is answered.
    page.evaluate(f"wweSim.setAcceptedOrigins('{site.url.rstrip('/')}, {FOREIGN}')")
    assert ok(view, "getCampaigns")["data"]
    page.evaluate("wweSim.setAcceptedOrigins('*')")
    assert ok(view, "getCallResult", "1")["data"] == 6


def test_client_ignores_messages_from_other_frames(sim_factory, site: Site) -> None:  # type: ignore[no-untyped-def]
    page = sim_factory(before=lambda context: serve_foreign_origin(context, site))
    view = panel(page, "view")
    page.evaluate("wweSim.setFault('getCampaigns', {delayMs: 800})")
    view.evaluate("""() => { window.answers = [];
        genesys.wwe.service.outbound.getCampaigns((a) => answers.push(a), (a) => answers.push(a)); }""")
    forged = """(target) => { for (let i = 0; i < 50; i++) target.postMessage({referenceId: String(i),
        request: "outbound.getCampaigns", data: ["forged"], userAgent: "WWE Server", protocolVersion: 2}, "*"); }"""
    # A sibling frame of the same origin (not the WWE window) ...
    panel(page, "panel").evaluate(f"({forged})(parent.frames['view'])")
    # ... and a frame from another origin inside the host page.
    page.evaluate(f"""() => new Promise((resolve) => {{
        const f = document.createElement('iframe'); f.name = 'evil'; f.src = '{FOREIGN}/build-info.json';
        f.onload = resolve; document.body.append(f); }})""")
    page.frame(name="evil").evaluate(f"({forged})(parent.frames['view'])")
    view.wait_for_function("() => answers.length === 1")
    # The forged messages were posted before the genuine (late) answer, and messages
    # arrive in order: one more genuine round trip shows that none of them counted.
    page.evaluate("wweSim.setFault('getCampaigns', null)")
    ok(view, "getCampaigns")
    answers = view.evaluate("answers")
    assert len(answers) == 1 and answers[0]["data"] != ["forged"]
    assert answers[0]["data"][0]["name"] == CAMPAIGN


def test_answers_must_name_their_request_and_speak_the_protocol(sim_factory) -> None:  # type: ignore[no-untyped-def]
    page = sim_factory()
    view = panel(page, "view")
    page.evaluate("wweSim.setFault('getRecordFields', {delayMs: 800})")
    view.evaluate("""() => { window.answers = [];
        genesys.wwe.service.outbound.getRecordFields("1", (a) => answers.push(a), (a) => answers.push(a)); }""")
    request = [e for e in log_entries(page, "request") if e["message"].get("request") == "outbound.getRecordFields"][-1]
    reference = request["message"]["referenceId"]
    # From WWE's own window and origin (the host page), yet not answers to that request:
    page.evaluate("""(reference) => { const view = document.querySelector('[data-sim-frame=view]').contentWindow;
        const wwe = {referenceId: reference, userAgent: "WWE Server"};
        view.postMessage({...wwe, protocolVersion: 2, request: "outbound.getCampaigns", data: [{name: "Sales"}]}, "*");
        view.postMessage({...wwe, request: "outbound.getRecordFields", data: [{name: "NO_VERSION"}]}, "*");
        view.postMessage({...wwe, protocolVersion: 99, request: "outbound.getRecordFields", data: [{name: "V99"}]}, "*");
        view.postMessage({event: "outbound", data: {eventType: "PreviewRecord"}, userAgent: "WWE Server"}, "*"); }""",
                  reference)
    view.wait_for_function("() => answers.length === 1")
    answers = view.evaluate("answers")
    assert [f["name"] for f in answers[0]["data"]][:2] == ["GWS_FROM", "GSW_CUSTOM_STRING"]  # the genuine answer
    # ... and a request that does not speak protocol 2 is not acted on, and says why
    result = view.evaluate("""() => new Promise((resolve) => {
        addEventListener("message", (e) => { if (e.data?.referenceId === "v99") resolve(e.data); });
        parent.postMessage({request: "outbound.setDoNotCall", parameters: ["1"], referenceId: "v99",
                            userAgent: "WWE Client", protocolVersion: 99}, "*"); })""")
    assert "Unsupported protocolVersion 99" in result["errorMessage"]
    assert page.evaluate("wweSim.service.interactions.get('1').doNotCall") is False
    assert "protocolVersion 99 is not 2" in log_entries(page, "refused")[-1]["text"]


def test_only_real_outbound_methods_are_answered(sim_factory) -> None:  # type: ignore[no-untyped-def]
    page = sim_factory()
    view = panel(page, "view")
    for name in ("__proto__", "toString", "constructor", "hasOwnProperty", "valueOf"):
        answer = view.evaluate("""(name) => new Promise((resolve) => genesys.wwe.service.sendMessage(
            {request: "outbound." + name, parameters: []}, resolve, resolve))""", name)
        assert answer["errorMessage"] == f'Unknown outbound method "{name}"', answer


# -- events -----------------------------------------------------------------------


def test_event_fan_out_to_two_subscribers_and_unsubscribe(sim, view) -> None:  # type: ignore[no-untyped-def]
    view.evaluate("""() => { window.got = {a: [], b: []};
        window.a = (m) => got.a.push(m.data.eventType); window.b = (m) => got.b.push(m.data.eventType);
        genesys.wwe.service.subscribe(['outbound'], a); genesys.wwe.service.subscribe('outbound', b); }""")
    # a, b and panel.js's own in this view, one in the panel tab
    sim.wait_for_function("() => wweSim.wire.subscriptions.size === 4")
    iid = sim.evaluate("wweSim.deliver('Renewals')")
    view.wait_for_function("() => got.a.length === 1 && got.b.length === 1")
    # One event per window on the wire, however many subscribers the view has.
    events = [e for e in log_entries(sim, "event") if e["message"]["data"].get("interactionId") == iid]
    assert len([e for e in events if e["message"]["event"] == "outbound"]) == 2  # the view and the panel tab
    view.evaluate("genesys.wwe.service.unsubscribe(a)")
    sim.wait_for_function("() => wweSim.wire.subscriptions.size === 3")
    sim.evaluate("wweSim.deliver('Renewals')")
    view.wait_for_function("() => got.b.length === 2")
    assert view.evaluate("got") == {"a": ["PreviewRecord"], "b": ["PreviewRecord", "PreviewRecord"]}


def test_delivery_buttons_push_a_record_to_the_view(sim, view) -> None:  # type: ignore[no-untyped-def]
    view.evaluate("window.pushed = []; genesys.wwe.service.subscribe(['outbound', 'interaction'], (m) => pushed.push(m))")
    sim.wait_for_function("() => wweSim.wire.subscriptions.size === 3")
    sim.click("[data-sim-deliver-campaign='Renewals']")
    view.wait_for_function("() => pushed.some((m) => m.event === 'outbound')")
    pushed = view.evaluate("pushed")
    outbound = next(m for m in pushed if m["event"] == "outbound")["data"]
    added = next(m for m in pushed if m["event"] == "interaction")["data"]
    assert added["eventType"] == "ADDED" and added["interaction"]["userData"]["GSW_TZ_OFFSET"] == -28800
    assert outbound["campaignName"] == "Renewals" and outbound["interactionId"] == added["interaction"]["interactionId"]
    assert sim.locator(f"[data-interaction-id='{outbound['interactionId']}'][data-state=PREVIEW]").count() == 1


# -- the host page ------------------------------------------------------------------


def test_message_log_shows_requests_answers_and_timing(sim, view) -> None:  # type: ignore[no-untyped-def]
    sim.evaluate("wweSim.setFault('getChainedRecords', {delayMs: 250})")
    ok(view, "getChainedRecords", "1")
    response = [e for e in log_entries(sim, "response") if e["message"].get("request") == "outbound.getChainedRecords"][-1]
    assert response["afterMs"] >= 240
    # rows reach the page in batches (every 100 ms)
    row = sim.locator("[data-sim-log] li[data-kind=response]", has_text="outbound.getChainedRecords").first
    expect(row).to_contain_text("ms)")


def test_bad_scenario_names_the_wrong_key(sim_factory) -> None:  # type: ignore[no-untyped-def]
    scenario = default_scenario()
    scenario["campaigns"][1]["mode"] = "Predictive"
    scenario["interactions"][0]["campaign"] = "Nope"
    page = sim_factory(scenario=scenario)
    assert page.evaluate("document.documentElement.dataset.simState") == "error"
    text = page.inner_text("[data-sim-error]")
    assert '/campaigns/1/mode: must be one of "Preview", "PushPreview", "DirectPushPreview", not "Predictive"' in text
    scenario = default_scenario()
    scenario["interactions"][0]["campaign"] = "Nope"
    page = sim_factory(scenario=scenario)
    assert '/interactions/0/campaign: "Nope" is not a campaign name' in page.inner_text("[data-sim-error]")
    page = sim_factory(scenario="{not json")
    assert "is not JSON" in page.inner_text("[data-sim-error]")


def test_default_page_frames_the_widget(sim_factory) -> None:  # type: ignore[no-untyped-def]
    page = sim_factory(view=None)
    assert page.locator("[data-sim-frame=view]").get_attribute("src").endswith("/widget.html?interaction=1")  # type: ignore[union-attr]
    assert page.locator("[data-sim-tab]").count() == 3
    page.click("[data-sim-tab=panel]")
    # every method of every namespace of the contract: outbound's 17 open, the others folded
    calls = panel(page, "panel").locator("[data-call]")
    assert calls.count() == page.evaluate("Object.values(wweSim.contract.namespaces).reduce((n, s) => n + Object.keys(s.methods).length, 0)")
    assert panel(page, "panel").locator("details[open] [data-call]").count() == 17


def test_view_parameter_must_be_http(sim_factory) -> None:  # type: ignore[no-untyped-def]
    page = sim_factory(view="javascript:alert(1)")
    assert "view must be an http(s) page" in page.inner_text("[data-sim-error]")


def test_the_call_can_keep_the_previews_id_when_the_scenario_says_so(sim_factory) -> None:  # type: ignore[no-untyped-def]
    scenario = default_scenario()
    scenario["previewCallNewInteractionId"] = False
    page = sim_factory(scenario=scenario)
    view = panel(page, "view")
    iid = ok(view, "getPreviewRecord", CAMPAIGN)["data"]["interactionId"]
    ok(view, "callPreviewRecord", iid, 301)
    assert page.evaluate(f"wweSim.service.interactions.get('{iid}').state") in ("DIALING", "TALKING")
    ok(view, "setCallResult", iid, 33)


def test_a_link_cannot_configure_the_simulator_against_its_user(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    """The simulator lives on the views' host, which the views trust: a link must not make it
    load another site's scenario, answer every origin, or (away from this machine) anything."""
    log = PageLog()
    context, page = open_page(browser, log)
    try:
        serve_foreign_origin(context, site)
        page.goto(simulator_url(site.url, "sim/panel.html", scenario=f"{FOREIGN}/sim/scenarios/default.json"))
        assert wait_for_simulator(page) == "error"
        assert "scenario must be a file of this site" in page.locator("[data-sim-error]").inner_text()
        page.goto(simulator_url(site.url, "sim/panel.html", origins="*"))
        assert wait_for_simulator(page) == "error"
        assert 'origins= cannot be "*"' in page.locator("[data-sim-error]").inner_text()
        # served from a host that is not this machine, the URL configures nothing
        page.goto(simulator_url(f"{FOREIGN}/", f"{FOREIGN}/sim/panel.html", origins="http://evil.test"))
        assert wait_for_simulator(page) == "ready"
        assert "?view= is ignored" in page.locator("[data-sim-note]").inner_text()
        assert page.evaluate("wweSim.wire.acceptedText") == FOREIGN
        assert page.locator("[data-sim-frame=view]").get_attribute("src").endswith("/widget.html?interaction=1")  # type: ignore[union-attr]
    finally:
        context.close()


def test_wwe_ignores_a_view_over_its_rate_limit_for_the_quarantine_delay(sim_factory) -> None:  # type: ignore[no-untyped-def]
    page = sim_factory()
    view = panel(page, "view")
    page.evaluate("wweSim.setRateLimit(5, 1)")  # 5 requests a second, then 1 s of silence
    view.evaluate("""() => { window.answers = [];
        for (let i = 0; i < 8; i++) genesys.wwe.service.outbound.getCampaigns((a) => answers.push(i), () => answers.push(-i)); }""")
    view.wait_for_function("() => answers.length === 5")
    page.wait_for_function("() => wweSim.log.entries.filter((e) => e.kind === 'refused').length === 2")
    assert view.evaluate("answers") == [0, 1, 2, 3, 4]
    notes = [e["text"] for e in log_entries(page) if e["kind"] in ("quarantine", "refused")]
    assert "over service-client-api.rate-limit (5 requests a second)" in notes[0] and "ignored for 1 s" in notes[0]
    assert all("quarantined for" in text for text in notes[1:])
    # once the quarantine is over, the view is answered again
    page.wait_for_function("() => [...wweSim.wire.quarantined.values()].every((end) => performance.now() >= end)")
    assert ok(view, "getCampaigns")["data"]
    assert page.locator("[data-sim-rate-limit]").input_value() == "5"
