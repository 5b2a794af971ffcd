"""The widget in WWE's documented desktop, driven through the pytest plugin as an integrator
would (real Chromium, real Pyodide, the simulator): documented interaction states gate its
actions, WWE's Done is refused while edits are unsaved and OCS gets the saved values, the
block goes with the view, WWE's options hide what WWE withholds, user-data filters hold,
and two views talk through the messenger."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from wwe_testing.pytest_plugin import Wwe

WIDGET = "widget.html?interaction=1"


def open_widget(wwe: Wwe, url: str = WIDGET):  # type: ignore[no-untyped-def]
    view = wwe.open_view(url)
    view.wait_for_selector("#w-form")
    idle(view)
    return view


def idle(view) -> None:  # type: ignore[no-untyped-def]
    view.wait_for_function("() => window.widget && !window.widget.busy()", timeout=30_000)


def wait_blocks(wwe: Wwe, iid: str, present: bool) -> list[str]:
    wwe.page.wait_for_function("([id, present]) => (wweSim.blocks(id).length > 0) === present", arg=[iid, present],
                               timeout=10_000)
    return wwe.mark_done_blocks(iid)


def test_documented_states_gate_the_widget(wwe: Wwe) -> None:
    iid = wwe.deliver_preview({"GSW_PHONE": "+15550123"})
    view = open_widget(wwe, f"widget.html?interaction={iid}")
    assert view.locator("#slot-call-result").inner_text().count("once the record has been called") == 1
    assert view.locator("[data-action=call-preview]").count() == 1
    view.locator("[data-action=call-preview]").click()
    # the call is dialled, then answered (TALKING): a call result now, preview actions no more
    # (the call has its own interaction ID, as the reference says: the widget follows it)
    call = wwe.page.wait_for_function("(id) => [...wweSim.service.interactions.values()].find((i) => "
                                      "i.previousInteractionId === id && i.state === 'TALKING')?.interactionId",
                                      arg=iid).json_value()
    view.wait_for_selector("#w-call-result")
    view.wait_for_function("() => document.querySelector('#w-call-preview')?.disabled")  # (said why beside it)
    wwe.set_state(call, "HELD")
    view.wait_for_function("() => document.querySelector('#w-header-box').textContent.includes('HELD')")
    assert view.locator("#w-call-result").count() == 1
    wwe.set_state(call, "Some_New_State")  # a state this widget does not know: logged, WWE decides
    view.wait_for_function("() => document.querySelector('#w-header-box').textContent.includes('SOME_NEW_STATE')")
    assert any("does not know" in line["text"] for line in wwe.console)


def test_done_is_refused_while_edits_are_unsaved_and_ocs_gets_the_saved_values(wwe: Wwe) -> None:
    view = open_widget(wwe)
    box = view.get_by_label("GSW_CUSTOM_STRING", exact=True)
    box.fill("Call after 5 pm")
    blocks = wait_blocks(wwe, "1", True)
    assert blocks == ["Outbound record: 1 unsaved change in GSW_CUSTOM_STRING. Save or revert in the outbound "
                      "widget first."]
    done = wwe.mark_done("1")  # releases the call, presses Done: refused with the widget's message
    assert done.sent is None and done.refused == blocks[0]
    assert wwe.page.locator("[data-sim-refusal='1']").inner_text().endswith(blocks[0])
    assert "unsaved change" in view.locator("#w-done-left").inner_text()
    view.locator("#w-save").click()
    wait_blocks(wwe, "1", False)
    view.wait_for_selector("#w-mark-done")  # clean and released: the widget offers it too
    done = wwe.mark_done("1")
    assert done.refused is None and done.sent is not None
    assert done.sent["fields"]["GSW_CUSTOM_STRING"] == "Call after 5 pm" and done.sent["callResult"] == 6
    assert [m["text"] for m in wwe.messages("ocs")][-1].startswith("sent to OCS: record")
    # sent to OCS: the record can no longer change
    view.wait_for_function("() => !document.querySelector('#w-mark-done')")
    refused = wwe.page.evaluate("wweSim.service.handle('updateRecordFields', ['1', {GSW_CUSTOM_STRING: 'late'}])")
    assert "marked done" in refused["errorMessage"]


def test_mark_done_from_the_widget_and_a_required_call_result(wwe: Wwe) -> None:
    wwe.page.route("**/widget-config.toml", lambda route: route.fulfill(
        status=200, body="[widget]\nmark-done-needs-call-result = true\n", content_type="text/plain"))
    wwe.page.evaluate("() => wweSim.service.interactions.get('1').callResult = undefined")
    wwe.page.evaluate("() => { const i = wweSim.service.interactions.get('1'); "
                      "wweSim.service._record(i).GSW_CALL_RESULT = 28; }")
    view = open_widget(wwe)
    assert "no call result set" in wait_blocks(wwe, "1", True)[0]
    wwe.release("1")
    view.wait_for_function("() => document.querySelector('#w-done-left')?.textContent.includes('no call result')")
    view.select_option("#w-call-result", label="Busy")
    view.locator("#w-set-call-result").click()
    wait_blocks(wwe, "1", False)
    view.locator("#w-mark-done").click()
    view.wait_for_function("() => document.querySelector('#done-status')?.textContent.includes('sent the record to OCS')")
    assert wwe.sent_to_ocs("1")[0]["callResult"] == 6


def test_the_block_goes_with_the_view_and_comes_back_with_its_drafts(wwe: Wwe) -> None:
    view = open_widget(wwe)
    view.get_by_label("GSW_CUSTOM_STRING", exact=True).fill("kept across a reload")
    wait_blocks(wwe, "1", True)
    released = len(wwe.requests("interaction.unblockMarkdone"))
    view.evaluate("() => location.reload()")
    # pagehide released it; the reloaded widget restores the draft and blocks again
    wwe.expect_request("interaction.unblockMarkdone", released + 1)
    view = wwe.view
    view.wait_for_function("() => document.documentElement?.dataset.widgetState === 'ready'", timeout=60_000)
    assert "unsaved change" in wait_blocks(wwe, "1", True)[0]
    wwe.open_view("sim/panel.html")  # the agent closes the widget: nothing protects the edits any more
    wait_blocks(wwe, "1", False)
    assert wwe.mark_done("1").sent is not None


def test_options_read_from_wwe_hide_what_wwe_withholds_and_the_file_cannot_re_grant_it(wwe: Wwe) -> None:
    wwe.page.route("**/widget-config.toml", lambda route: route.fulfill(
        status=200, body="[privilege.outbound]\ncan-set-call-result = true\ncan-mark-do-not-call = true\n",
        content_type="text/plain"))
    wwe.set_options({"privilege.outbound.can-set-call-result": False, "outbound.call-result-values": "Busy,NoAnswer"})
    view = open_widget(wwe)
    assert view.locator("#w-call-result").count() == 0 and view.locator("[data-action=toggle-dnc]").count() == 1
    assert wwe.requests("configuration.getOption") == [[["privilege.outbound.*", "outbound.*"]]]
    # a view whose origin's filter leaves configuration out: the file alone, and it says so
    wwe.accept_origins(f"{wwe.server.url} (outbound.*, interaction.*, system.*)")
    view = open_widget(wwe, WIDGET + "&again=1")
    assert view.locator("#w-call-result").count() == 1
    assert "does not let this view read its options" in view.locator("#slot-notice").inner_text()


def test_user_data_filters_refuse_and_filter(wwe: Wwe) -> None:
    wwe.set_options({"service-client-api.user-data.read-allowed": "GSW_PHONE,GSW_CAMPAIGN_NAME",
                     "service-client-api.user-data.write-allowed": "Disposition"})
    view = wwe.view  # the API panel, a real client of the wire
    view.wait_for_function("() => document.documentElement?.dataset.panelState === 'ready'")
    call = """([method, args]) => new Promise((resolve) => { const [ns, name] = method.split('.');
        genesys.wwe.service[ns][name](...args, (a) => resolve({ok: a}), (a) => resolve({failed: a})); })"""
    got = view.evaluate(call, ["interaction.getByInteractionId", ["1"]])
    assert set(got["ok"]["data"]["userData"]) == {"GSW_PHONE", "GSW_CAMPAIGN_NAME"}
    refused = view.evaluate(call, ["interaction.setUserData", ["1", {"GSW_PHONE": "+1"}]])
    assert "write-allowed" in refused["failed"]["errorMessage"]
    assert "ok" in view.evaluate(call, ["interaction.setUserData", ["1", {"Disposition": "Sale"}]])
    wwe.release("1")
    wwe.mark_done("1")
    live = view.evaluate(call, ["interaction.setUserData", ["1", {"Disposition": "Late"}]])
    assert "live interaction" in live["failed"]["errorMessage"]


def test_two_views_talk_through_the_messenger(wwe: Wwe, wwe_python) -> None:  # type: ignore[no-untyped-def]
    panel = wwe.page.frame(name="panel")
    wwe.page.click("[data-sim-tab=panel]")
    assert panel is not None
    panel.wait_for_function("() => document.documentElement?.dataset.panelState === 'ready'")
    panel.evaluate("""() => { window.heard = []; genesys.wwe.service.subscribe(['messenger:team'],
        (m) => window.heard.push(m)); }""")
    wwe_python("await messenger.broadcast_message('team', {'text': 'hello from the view'})")
    panel.wait_for_function("() => window.heard.length === 1")
    heard = panel.evaluate("() => window.heard[0]")
    assert heard["event"] == "messenger:team" and heard["data"] == {"text": "hello from the view"}
    # and back: the view's Python hears the panel
    wwe_python("import asyncio\n"
               "got = []\n"
               "stop = messenger.listen('team', lambda e: got.append(e.data))\n"
               "None")
    panel.evaluate("() => new Promise((resolve) => genesys.wwe.service.messenger.broadcastMessage('team', "
                   "{text: 'hi back'}, resolve, resolve))")
    assert wwe_python("for _ in range(100):\n    if got: break\n    await asyncio.sleep(0.02)\n"
                      "stop()\ngot") == [{"text": "hi back"}]


@pytest.mark.parametrize("names", [["privilege.outbound.*"], "outbound.preview.*"])
def test_get_option_answers_sections(wwe: Wwe, wwe_python, names) -> None:  # type: ignore[no-untyped-def]
    wwe.set_options({"outbound.preview.max-simultaneous-preview-record": 2, "MySection/answer": "42"})
    sections = wwe_python(f"[(s.name, dict(s.options)) for s in await configuration.get_option({json.dumps(names)})]")
    assert sections and all(name == "interaction-workspace" for name, _ in sections)
    assert wwe_python("(await configuration.options('MySection/*'))['MySection/answer']") == "42"


# The vendor's own client script judges our simulator where a test can load it: set
# WWE_VENDOR_SERVICE_CLIENT to a copy of GenesysPureEngage/workspace-development-kit's
# wwe-service-client-api/api-overview/wwe-service-client-api.js (we may not ship it, and CI
# cannot download it). Without it, our classic build stands in, through the same
# data-service-client path a deployment with WWE's script takes.
VENDOR_SCRIPT = os.environ.get("WWE_VENDOR_SERVICE_CLIENT")

EVERY_NAMESPACE = """
import asyncio
seen = {}
heard = []
stop = messenger.listen("team", heard.append)
seen["outbound"] = [c.name for c in await outbound.get_campaigns()]
seen["interactions"] = sorted(i.interaction_id for i in await interaction.get_interactions())
seen["state"] = (await interaction.get_by_interaction_id("1")).state
await interaction.set_user_data("1", {"Disposition": "Sale"})
seen["user_data"] = (await interaction.get_by_interaction_id("1")).user_data.get("Disposition")
await interaction.delete_user_data("1", "Disposition")
seen["deleted"] = "Disposition" not in (await interaction.get_by_interaction_id("1")).user_data
await interaction.block_mark_done("1", "<b>not yet</b>")
seen["options"] = sorted((await configuration.options("outbound.preview.*")).keys())
seen["services"] = await system.get_allowed_services()
seen["visible"] = await system.am_i_visible()
seen["toast"] = bool(await system.popup_toast({"title": "Hi", "message": "from the view"}))
seen["agent"] = (await agent.get()).user_name
seen["agent_states"] = len(await agent.get_state_list()) > 1
await voice.hold("1")
seen["held"] = (await interaction.get_by_interaction_id("1")).state
await voice.resume("1")
seen["media"] = bool(await media.get_media_list())
await messenger.broadcast_message("team", {"text": "hi"})
seen["microphone"] = await sip_endpoint.is_microphone_mute()
seen["jwt"] = bool(await auth.get_jwt_token())
await email.create("someone@example.com")  # WWE answers nothing here: the request is what counts
for _ in range(100):
    if heard: break
    await asyncio.sleep(0.02)
stop()
seen["heard"] = [e.data for e in heard]
seen
"""


def test_every_namespace_through_a_configured_service_client(wwe: Wwe, wwe_python) -> None:  # type: ignore[no-untyped-def]
    site = wwe.server.root
    script = Path(VENDOR_SCRIPT).read_bytes() if VENDOR_SCRIPT else (site / "client/service-client.classic.js").read_bytes()
    boot = (site / "boot.html").read_text().replace(
        "<html ", '<html data-service-client="/vendor/wwe-service-client-api.js" ', 1)
    served: list[str] = []

    def serve_script(route) -> None:  # type: ignore[no-untyped-def]
        served.append(route.request.url)
        route.fulfill(body=script, content_type="text/javascript")

    wwe.page.context.route("**/vendor/wwe-service-client-api.js", serve_script)
    wwe.page.context.route("**/boot.html", lambda route: route.fulfill(body=boot, content_type="text/html"))
    wwe.set_options({"outbound.preview.max-simultaneous-preview-record": 2})
    view = wwe.open_view("boot.html")
    view.wait_for_function("() => ['ready', 'error'].includes(document.documentElement?.dataset.bridgeState)", timeout=60_000)
    assert view.evaluate("bridgeBoot.service.client") == "vendor", view.inner_text("body")
    assert len(served) == 1  # that script, and it alone, is the view's service client
    if VENDOR_SCRIPT:
        assert view.evaluate("typeof ServiceClientAPI") == "function"  # the vendor's constructor
    seen = wwe_python(EVERY_NAMESPACE)
    assert seen["outbound"] and seen["interactions"] and "1" in seen["interactions"]
    assert seen["state"] == "TALKING" and seen["held"] == "HELD"
    assert seen["user_data"] == "Sale" and seen["deleted"]
    assert wwe.mark_done_blocks("1") == ["<b>not yet</b>"]
    assert seen["options"] == ["outbound.preview.max-simultaneous-preview-record"]
    assert seen["services"] == ["*"]  # no per-origin filter in this scenario: everything
    assert seen["visible"] is True
    assert seen["toast"]
    assert seen["agent"] and seen["agent_states"]
    assert seen["media"] and seen["microphone"] in (True, False) and seen["jwt"]
    assert seen["heard"] == [{"text": "hi"}]
    # every namespace reached the simulator through that script
    for request in ("outbound.getCampaigns", "interaction.blockMarkdone", "configuration.getOption", "system.popupToast",
                    "agent.getStateList", "voice.hold", "media.getMediaList", "messenger.broadcastMessage",
                    "sipEndpoint.isMicrophoneMute", "auth.getJwtToken", "email.create"):
        assert wwe.requests(request), request


def test_the_plugin_says_at_once_what_cannot_be_done(wwe: Wwe) -> None:
    with pytest.raises(AssertionError, match="server answered 404"):
        wwe.open_view("/custom/missing.html")
    with pytest.raises(AssertionError, match="no interaction '999' \\(it has 1"):
        wwe.set_state("999", "HELD")
    wwe.set_state("1", "IDLE")
    started = time.monotonic()
    with pytest.raises(AssertionError, match="has no call to release: it is IDLE"):
        wwe.release("1")
    assert time.monotonic() - started < 5


def test_a_block_ends_with_its_interaction(wwe: Wwe, wwe_python) -> None:  # type: ignore[no-untyped-def]
    iid = wwe.deliver_preview({"GSW_PHONE": "+15550123"})
    wwe_python(f"await interaction.block_mark_done({iid!r}, 'not yet')")
    assert wwe.mark_done_blocks(iid) == ["not yet"]
    wwe_python(f"await outbound.cancel_preview_record({iid!r})")
    assert wwe.mark_done_blocks(iid) == []
