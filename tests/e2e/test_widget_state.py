"""The record widget over an agent's shift: one state per interaction, nothing
stale, nothing lost, nothing sent twice. Each test reproduces a defect found on
an earlier version, in the simulator, as an agent would meet it."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect

from .conftest import py
from .sim import default_scenario, wait_for_widget, widget_url
from .widgets import field, flush, row_of, sent, wait_idle, widget, widget_factory  # noqa: F401 (fixtures)

AREAS = ("record", "call-result", "reschedule", "chain", "preview")


def shows(view, iid: str) -> None:  # type: ignore[no-untyped-def]
    view.wait_for_function(f"() => document.querySelector('#w-iid')?.textContent === {iid!r}")


def switch_to(view, iid: str) -> None:  # type: ignore[no-untyped-def]
    view.locator("#w-switch").select_option(iid)
    shows(view, iid)
    view.wait_for_selector("#w-form")


def responses(page, method: str) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("(m) => wweSim.log.entries.filter((e) => e.kind === 'response'"
                         " && e.message.request === 'outbound.' + m).length", method)


def wait_for_response(page, method: str, count: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Wait until the simulator has answered *method* *count* times (late answers included)."""
    page.wait_for_function("([m, n]) => wweSim.log.entries.filter((e) => e.kind === 'response'"
                           " && e.message.request === 'outbound.' + m).length >= n", arg=[method, count])


def wait_for_request(page, method: str, count: int = 1) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("([m, n]) => wweSim.log.entries.filter((e) => e.kind === 'request'"
                           " && e.message.request === 'outbound.' + m).length >= n", arg=[method, count])


# -- nothing of one interaction on another --------------------------------------------


def test_a_new_record_shows_none_of_the_previous_records_actions(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    view.locator("#w-when").fill("05/27/2031 10:30")
    view.locator("#w-reschedule").click()
    expect(view.locator("#reschedule-status")).to_have_attribute("data-status", "done")
    page.evaluate("wweSim.setFault('setCallResult', {errorMessage: 'OCS is busy'})")  # WWE refuses it
    view.select_option("#w-call-result", label="No answer")
    view.locator("#w-set-call-result").click()
    expect(view.locator("#call-result-status")).to_have_attribute("data-status", "error")
    page.evaluate("wweSim.setFault('setCallResult', null)")
    pushed = page.evaluate("wweSim.deliver('Renewals')")
    shows(view, pushed)
    wait_for_widget(view)
    for area in AREAS:
        expect(view.locator(f"#{area}-status")).to_have_attribute("data-status", "idle")
    text = view.locator("#widget").inner_text()
    assert "Rescheduled" not in text and "refused" not in text and "OCS is busy" not in text
    assert view.get_by_role("button", name="Retry").count() == 0
    assert view.locator("#w-when").input_value() == ""
    # Back on interaction 1: its own statuses, and its own Retry.
    switch_to(view, "1")
    expect(view.locator("#reschedule-status")).to_contain_text("Rescheduled for 05/27/2031 10:30")
    result = view.locator("#call-result-status")
    expect(result).to_have_attribute("data-status", "error")
    result.get_by_role("button", name="Retry").click()
    wait_idle(view)
    assert sent(page, "setCallResult") == [["1", 7], ["1", 7]]


def test_the_chain_is_read_again_after_a_save_and_a_call_result(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    field(view, "Call Until").fill("21:00")
    view.locator("#w-save").click()
    expect(view.locator("#record-status")).to_have_attribute("data-status", "done")
    view.locator("#w-call-result").select_option(label="No answer")
    view.locator("#w-set-call-result").click()
    expect(view.locator("#call-result-status")).to_have_attribute("data-status", "done")
    wait_idle(view)
    cells = view.locator("#w-chain tbody tr").nth(0).locator("td").all_inner_texts()
    assert cells[3] == "No answer" and cells[5] == "21:00"


# -- saving ---------------------------------------------------------------------------


def test_what_the_agent_types_during_a_save_is_kept(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("wweSim.setFault('updateRecordFields', {delayMs: 1500})")
    notes = field(view, "Notes")
    notes.fill("first")
    view.locator("#w-save").click()
    expect(view.locator("#record-status")).to_have_attribute("data-status", "busy")
    notes.fill("first and more")
    expect(view.locator("#record-status")).to_have_attribute("data-status", "done")
    wait_idle(view)
    assert notes.input_value() == "first and more"
    assert row_of(view, "Notes").get_attribute("data-changed") == "true"
    assert row_of(view, "Notes").locator(".was").inner_text() == "was: first"
    assert sent(page, "updateRecordFields") == [["1", {"Custom_VarChar": "first"}]]
    drafts = view.evaluate("Object.entries(sessionStorage).filter(([k]) => k.includes('draft')).map(([, v]) => v)")
    assert drafts == ['{"Custom_VarChar": "first and more"}']


def test_a_failed_read_back_never_shows_unsent_text_as_saved(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("wweSim.setFault('updateRecordFields', {delayMs: 1000})")
    notes = field(view, "Notes")
    notes.fill("sent")
    view.locator("#w-save").click()
    wait_for_request(page, "updateRecordFields")
    page.evaluate("wweSim.setFault('getRecordFields', {errorMessage: 'OCS is busy'})")
    notes.fill("typed later")
    status = view.locator("#record-status")
    expect(status).to_have_attribute("data-status", "done")
    expect(status).to_contain_text("could not read the record back")
    assert row_of(view, "Notes").get_attribute("data-changed") == "true"
    assert row_of(view, "Notes").locator(".was").inner_text() == "was: sent"
    assert view.locator("#w-save").inner_text() == "Save 1 change"


def test_a_save_answered_after_the_timeout_is_confirmed_by_reading_the_record(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = widget_factory(timeout=2)
    page.evaluate("wweSim.setFault('updateRecordFields', {delayMs: 3000})")
    field(view, "Notes").fill("late")
    view.locator("#w-save").click()
    status = view.locator("#record-status")
    expect(status).to_have_attribute("data-status", "done", timeout=10_000)
    expect(status).to_contain_text("did not confirm in time, but the record shows them")
    wait_for_response(page, "updateRecordFields")  # the late answer arrives ...
    flush(view)
    assert status.get_attribute("data-status") == "done"  # ... and changes nothing
    assert view.get_by_role("button", name="Retry").count() == 0 and view.locator("#w-save").is_disabled()
    assert len(sent(page, "updateRecordFields")) == 1


def test_a_reload_during_a_save_says_what_wwe_has_and_sends_nothing_again(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("wweSim.setFault('updateRecordFields', {delayMs: 4000})")
    field(view, "Notes").fill("before the reload")
    view.locator("#w-save").click()
    wait_for_request(page, "updateRecordFields")
    view.goto(view.url)
    wait_for_widget(view)
    notice = view.locator("#slot-notice").inner_text()
    assert "reached WWE" in notice and "Restored" not in notice
    assert field(view, "Notes").input_value() == "before the reload"
    assert view.locator("#w-save").is_disabled() and view.locator(".field.changed").count() == 0
    assert len(sent(page, "updateRecordFields")) == 1


FILL_STORAGE = """() => {
    // another page of the site in this tab fills the storage they share, to the last character
    let i = 0;
    for (let size = 1 << 20; size >= 1; ) {
        try { sessionStorage.setItem('another-page-' + i++, 'x'.repeat(size)); } catch (e) { size >>= 1; }
    }
}"""
FREE_STORAGE = """() => { for (const key of Object.keys(sessionStorage))
    if (key.startsWith('another-page-')) sessionStorage.removeItem(key); }"""
DRAFT_OF_1 = "() => sessionStorage.getItem('wwe-outbound-widget:draft:1')"


def test_a_full_storage_is_said_edits_are_kept_written_when_space_frees_and_saved(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    view.evaluate(FILL_STORAGE)
    field(view, "Notes").fill("typed with the storage full")
    notice = view.locator("#w-storage-notice")
    expect(notice).to_have_text("Unsaved edits will not survive a reload: the browser's storage for this site is "
                                "full. They are kept while this page stays open: save them, or free space (close "
                                "other pages of this site in this tab).")
    assert view.evaluate(DRAFT_OF_1) is None
    view.evaluate(FREE_STORAGE)  # the other page lets go: the widget writes the draft on its own
    expect(notice).to_have_count(0, timeout=10_000)
    assert json.loads(view.evaluate(DRAFT_OF_1)) == {"Custom_VarChar": "typed with the storage full"}
    view.evaluate(FILL_STORAGE)  # full again: the edits save exactly as typed
    field(view, "Visits").fill("7")
    expect(notice).to_be_visible()
    view.locator("#w-save").click()
    expect(view.locator("#record-status")).to_have_attribute("data-status", "done")
    assert sent(page, "updateRecordFields") == [["1", {"Custom_VarChar": "typed with the storage full",
                                                       "Custom_Integer": 7}]]
    expect(notice).to_have_count(0)  # nothing unsaved is left to lose
    assert field(view, "Notes").input_value() == "typed with the storage full"


def second_view(page, url: str):  # type: ignore[no-untyped-def]
    """Frame another custom view in the simulator, as WWE shows two views of one site (the
    sidebar's and an interaction tab's); both talk to the same WWE."""
    page.evaluate("""([url]) => { const frame = document.createElement('iframe');
        frame.name = 'view2'; frame.src = url; frame.title = 'Second view';
        document.querySelector('[data-sim-frame=view]').after(frame); }""", [url])
    frame = page.wait_for_selector("iframe[name=view2]").content_frame()
    assert frame is not None
    wait_for_widget(frame)
    return frame


def test_the_same_record_saved_from_two_views_at_once_is_a_conflict_not_an_overwrite(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    other = second_view(page, widget_url("1"))
    # WWE is slow to answer reads: without coordination both saves would check the
    # record before either wrote, and the second would overwrite the first unseen
    page.evaluate("wweSim.setFault('getRecordFields', {delayMs: 600})")
    field(view, "Notes").fill("from the sidebar")
    field(other, "Notes").fill("from the tab")
    view.locator("#w-save").click()
    other.locator("#w-save").click()
    for frame in (view, other):
        expect(frame.locator("#record-status")).to_have_attribute("data-status", re.compile("done|error"),
                                                                   timeout=20_000)
    updates = sent(page, "updateRecordFields")
    assert len(updates) == 1, updates
    saved, refused = (view, other) if updates[0][1]["Custom_VarChar"] == "from the sidebar" else (other, view)
    expect(saved.locator("#record-status")).to_have_attribute("data-status", "done")
    expect(refused.locator("#record-status")).to_contain_text("WWE changed 1 field(s) you edited")
    expect(refused.locator("#w-conflict-box")).to_be_visible()
    mine = "from the tab" if refused is other else "from the sidebar"
    assert field(refused, "Notes").input_value() == mine  # nothing of the agent's lost


def test_a_save_failing_while_another_record_is_shown_is_shown_on_return(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("wweSim.setFault('updateRecordFields', {errorMessage: 'Record locked', delayMs: 1500})")
    field(view, "Notes").fill("keep me")
    view.locator("#w-save").click()
    pushed = page.evaluate("wweSim.deliver('Renewals')")
    shows(view, pushed)
    wait_for_response(page, "updateRecordFields")
    flush(view)
    expect(view.locator("#record-status")).to_have_attribute("data-status", "idle")
    switch_to(view, "1")
    status = view.locator("#record-status")
    expect(status).to_have_attribute("data-status", "error")
    expect(status).to_contain_text("Record locked")
    assert "Restored" not in view.locator("#slot-notice").inner_text()
    assert field(view, "Notes").input_value() == "keep me"
    page.evaluate("wweSim.setFault('updateRecordFields', null)")
    status.get_by_role("button", name="Retry").click()
    expect(status).to_have_attribute("data-status", "done")
    assert sent(page, "updateRecordFields")[-1] == ["1", {"Custom_VarChar": "keep me"}]


def test_a_change_made_by_another_writer_is_not_overwritten_silently(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    # The console (or another view) sets Visits to 5 after the widget loaded the record.
    page.evaluate("wweSim.service.handle('updateRecordFields', ['1', {Custom_Integer: 5}])")
    field(view, "Visits").fill("4")
    view.locator("#w-save").click()
    view.wait_for_selector("#record-status:is([data-status=error], [data-status=done])")
    assert sent(page, "updateRecordFields") == []  # nothing overwrites WWE's 5 without the agent saying so
    conflict = view.locator("#w-conflict-box")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Visits: WWE now has “5”, you entered “4”")
    expect(view.locator("#record-status")).to_have_attribute("data-status", "error")
    view.get_by_role("button", name="Save mine over WWE's").click()
    expect(view.locator("#record-status")).to_have_attribute("data-status", "done")
    assert sent(page, "updateRecordFields") == [["1", {"Custom_Integer": 4}]]
    # ... or keep WWE's
    page.evaluate("wweSim.service.handle('updateRecordFields', ['1', {Custom_Integer: 6}])")
    field(view, "Visits").fill("7")
    view.locator("#w-save").click()
    expect(conflict).to_be_visible()
    view.get_by_role("button", name="Use WWE's values").click()
    expect(field(view, "Visits")).to_have_value("6")
    assert view.locator("#w-save").is_disabled() and len(sent(page, "updateRecordFields")) == 1


def test_a_value_wwe_changes_while_the_agent_types_it_is_a_conflict_not_overwritten(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    visits = field(view, "Visits")
    visits.fill("4")  # the agent is typing ...
    page.evaluate("wweSim.service.handle('updateRecordFields', ['1', {Custom_Integer: 9}])")  # ... WWE changes it
    visits.press("End")
    visits.type("2")  # ... and the agent goes on
    view.locator("#w-save").click()
    expect(view.locator("#w-conflict-box")).to_contain_text("Visits: WWE now has “9”, you entered “42”")
    expect(view.locator("#record-status")).to_have_attribute("data-status", "error")
    flush(view)
    assert sent(page, "updateRecordFields") == [] and visits.input_value() == "42"


# -- the controls and the actions ---------------------------------------------------------


def test_status_changes_keep_what_the_agent_entered(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    view.locator("#w-call-result").select_option(label="Answering machine")
    view.locator("#w-when").fill("05/27/2031 10:30")
    view.locator("#w-campaign").select_option("Winter Promo")
    view.locator("#w-dnc").click()  # Do Not Call on: the call result section changes
    expect(view.locator("#w-dnc")).to_have_attribute("aria-pressed", "true")
    page.evaluate("wweSim.setFault('removeDoNotCall', {errorMessage: 'OCS is down'})")
    view.locator("#w-dnc").click()
    expect(view.locator("#call-result-status")).to_have_attribute("data-status", "error")
    view.locator("#w-get-preview").click()  # refused: Winter Promo is not active
    expect(view.locator("[data-status=error]", has_text="Winter Promo")).to_be_visible()
    assert view.locator("#w-call-result").evaluate("s => s.options[s.selectedIndex].text") == "Answering machine"
    assert view.locator("#w-when").input_value() == "05/27/2031 10:30"
    assert view.locator("#w-campaign").input_value() == "Winter Promo"


def test_a_second_click_while_an_action_runs_sends_nothing(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("wweSim.setFault('getPreviewRecord', {delayMs: 800})")
    view.locator("#w-get-preview").click()
    view.locator("#w-get-preview").click()
    expect(view.locator("[data-status=done]", has_text="Preview record from")).to_be_visible()
    flush(view)
    assert len(sent(page, "getPreviewRecord")) == 1


def test_actions_wwe_would_refuse_are_disabled_with_the_reason(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    view.locator("#w-get-preview").click()
    view.wait_for_selector(".preview-actions:not([hidden])")
    iid = view.locator("#w-iid").inner_text()
    wait_for_widget(view)
    set_result = view.locator("#w-set-call-result")
    expect(set_result).to_be_disabled()
    assert "Call the record first" in view.locator(f"#{set_result.get_attribute('aria-describedby')}").inner_text()
    view.locator("#w-call-preview").click()
    expect(view.locator("#preview-status")).to_have_attribute("data-status", "done")
    for button in ("#w-call-preview", "#w-reject-preview", "#w-cancel-preview"):
        expect(view.locator(button)).to_be_disabled()
        assert "has been called" in view.locator(f"#{view.locator(button).get_attribute('aria-describedby')}").inner_text()
    for button in view.locator("#w-chain button").all():
        expect(button).to_be_disabled()
        assert button.get_attribute("aria-describedby") == "w-chain-why"
    expect(set_result).to_be_enabled()
    view.locator("#w-reject-preview").click(force=True)
    view.locator("#w-when").fill("01/01/2020 10:00")
    expect(view.locator("#w-when-error")).to_contain_text("is in the past")
    view.locator("#w-reschedule").click()
    flush(view)
    assert sent(page, "rejectPreviewRecord") == [] and sent(page, "rescheduleRecord") == []
    assert sent(page, "callPreviewRecord") == [[iid, 301]]


# -- values from WWE -------------------------------------------------------------------------

BAD_VALUES = [  # label, fieldType, valueType, value as WWE sends it, what the control shows
    ("Bad time", "time", "string", "24:00", "24:00"),
    ("Bad char", "char", "string", "ab", "ab"),
    ("Bad date", "date", "string", "13/32/2026 10:00", "13/32/2026 10:00"),
    ("Bad int", "int", "number", "12.5", "12.5"),
    ("Bad bool", "bool", "boolean", "maybe", "maybe"),
    ("Bad float", "float", "number", "1e309", "1e309"),
    ("Object", "var-char", "string", {"a": 1}, '{"a": 1}'),
    ("Array", "var-char", "string", [1, 2], "[1, 2]"),
]


def values_scenario() -> dict[str, Any]:
    scenario = default_scenario()
    fields = scenario["fieldSets"]["reference"]
    for label, field_type, value_type, value, _ in BAD_VALUES:
        fields.append({"name": label.replace(" ", "_"), "displayName": label, "value": value, "isEditable": True,
                       "isMandatory": False, "fieldType": field_type, "valueType": value_type})
    fields.append({"name": "Custom_VarChar", "displayName": "Notes again", "isEditable": True, "isMandatory": False,
                   "fieldType": "var-char", "valueType": "string"})
    fields.append({"name": "Letter_Code", "displayName": "Code", "value": "1", "isEditable": True, "isMandatory": False,
                   "fieldType": "enum", "valueType": "number", "options": {"1": "One", "x": "Ex"}})
    return scenario


def test_wwe_values_are_shown_as_sent_flagged_and_never_changed_by_tabbing(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = widget_factory(scenario=values_scenario())
    for label, _, _, _, shown in BAD_VALUES:
        control = field(view, label)
        assert control.input_value() == shown, label
        assert control.get_attribute("aria-invalid") == "true", label
        expect(row_of(view, label).locator(".field-error")).to_contain_text("WWE's value")
    # Tabbing through every field changes nothing.
    field(view, BAD_VALUES[0][0]).focus()
    for _ in range(len(BAD_VALUES) * 2):
        view.page.keyboard.press("Tab")
    assert view.locator("#w-save").inner_text() == "No changes to save" and view.locator(".field.changed").count() == 0
    # A duplicate name is shown, read-only, with why; the first one is the one edited.
    again = view.locator(".field", has_text="Notes again")
    assert again.locator("input").count() == 0
    expect(again).to_contain_text("another field with this name")
    field(view, "Notes").fill("edited once")
    expect(again.locator("output")).to_have_text("—")
    # An option that cannot be sent as the number the field takes is refused when chosen.
    field(view, "Code").select_option(label="Ex")
    expect(field(view, "Code")).to_have_attribute("aria-invalid", "true")
    expect(row_of(view, "Code").locator(".field-error")).to_contain_text("cannot be sent as the number")
    view.locator("#w-save").click()
    expect(view.locator(".error-summary")).to_contain_text("Code")
    assert sent(page, "updateRecordFields") == []


def test_malformed_chain_values_are_shown_not_swallowed(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("""() => { const records = wweSim.service.interactions.get('1').chain.records;
        records[1].GSW_RECORD_HANDLE = '--5'; records[0].GSW_TZ_OFFSET = 1e12; records[0].GSW_TZ_NAME = 'Mars'; }""")
    view.goto(view.url)  # the widget reads the malformed chain when it starts
    wait_for_widget(view)
    expect(view.locator("#w-zone")).to_contain_text("is not a UTC offset")
    rows = view.locator("#w-chain tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).get_by_role("button")).to_be_disabled()
    view.locator("#w-when").fill("05/27/2031 10:30")
    expect(view.locator("#w-when-local")).to_contain_text("time zone is unknown")


def test_a_subscriber_that_raises_does_not_stop_the_others(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = widget_factory()
    py(view, """
import bridge
heard = []
def broken(event):
    raise ValueError("a listener's bug")
bridge.outbound.subscribe("outbound", broken)
bridge.outbound.subscribe("outbound", lambda event: heard.append(event.event_type))
None
""")
    pushed = page.evaluate("wweSim.deliver('Renewals')")
    shows(view, pushed)  # the widget (the first listener) heard it ...
    view.wait_for_function("() => pyodide.globals.get('heard').length === 1")  # ... and so did the last one
    # and the bug is not swallowed: shown in the page with its traceback, reported as uncaught
    error = view.locator("[data-wwe-python-error]")
    expect(error).to_contain_text("ValueError: a listener's bug")
    log = widget_factory.opened[-1][1]
    page.wait_for_function("() => true")
    assert [e for e in log.errors if "a listener's bug" in e], log.errors
    log.errors.clear()  # expected here


def test_what_wwe_may_send_but_the_reference_does_not_list_is_shown_sensibly(widget_factory) -> None:  # type: ignore[no-untyped-def]
    scenario = default_scenario()
    scenario["fieldSets"]["reference"] += [
        {"name": "NO_LABEL", "displayName": None, "value": "kept", "isEditable": True, "isMandatory": False,
         "fieldType": "var-char", "valueType": "string"},
        {"name": "NO_VALUE", "displayName": "No value", "value": None, "isEditable": True, "isMandatory": False,
         "fieldType": "var-char", "valueType": "string"},
        {"name": "Money", "displayName": "Amount due", "value": "12.30 EUR", "isEditable": True, "isMandatory": False,
         "fieldType": "money", "valueType": "string"},
    ]
    page, view = widget_factory(scenario=scenario)
    assert field(view, "NO_LABEL").input_value() == "kept"  # labelled by its name
    assert field(view, "No value").input_value() == ""
    money = view.locator(".field", has_text="Amount due")
    assert money.locator("input, select").count() == 0
    expect(money.locator("output")).to_have_text("12.30 EUR")
    expect(money).to_contain_text("WWE's field type 'money' is not one this widget knows")


def test_the_keyboard_keeps_its_place_when_an_action_finishes(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    keyboard = view.page.keyboard
    page.evaluate("wweSim.setFault('rescheduleRecord', {delayMs: 600})")
    view.locator("#w-when").focus()
    keyboard.type("05/27/2031 10:30")
    view.locator("#w-reschedule").evaluate("b => b.click()")  # clicked without taking the focus
    keyboard.press("Backspace")
    expect(view.locator("#reschedule-status")).to_have_attribute("data-status", "done")
    keyboard.type("5")  # typed after the section was redrawn: still in the field
    expect(view.locator("#w-when")).to_be_focused()
    assert view.locator("#w-when").input_value() == "05/27/2031 10:35"
    # Do Not Call from the keyboard: the toggle keeps the focus after it is redrawn
    view.locator("#w-dnc").focus()
    keyboard.press("Enter")
    expect(view.locator("#w-dnc")).to_have_attribute("aria-pressed", "true")
    expect(view.locator("#w-dnc")).to_be_focused()
    # Saving from the keyboard: Save is disabled once done, and the focus lands on the status line
    field(view, "Notes").fill("from the keyboard")
    view.locator("#w-save").focus()
    keyboard.press("Enter")
    expect(view.locator("#record-status")).to_have_attribute("data-status", "done")
    expect(view.locator("#record-status")).to_be_focused()


def test_an_answer_too_large_to_take_is_refused_quickly_and_said(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("wweSim.service.interactions.get('1').chain.records[0].Custom_VarChar = 'x'.repeat(6e6)")
    view.goto(view.url)
    wait_for_widget(view, record=False)
    record = view.locator("#slot-record")
    expect(record).to_contain_text("Could not load the record", timeout=15_000)
    expect(record).to_contain_text("a view takes at most 4 MiB")
    expect(view.locator("#chain-status")).to_contain_text("too large to take")


FLOOD = """async ([kind, n]) => {
  for (let i = 0; i < n; i += 50) {
    for (let j = i; j < Math.min(n, i + 50); j++) {
      if (kind === "preview") wweSim.wire.emit("outbound", {eventType: "PreviewRecord", interactionId: "FLOOD" + j, records: []});
      else wweSim.wire.emit("interaction", {eventType: "ADDED", interaction: {interactionId: "ADDED" + j, state: "TALKING"}});
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}"""


def test_an_event_flood_keeps_the_page_responsive_and_loads_little(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    view.evaluate("""() => { window.longest = 0; new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration); }).observe({type: "longtask"}); }""")
    requests = len([e for e in page.evaluate("wweSim.log.entries") if e["kind"] == "request"])
    page.evaluate(FLOOD, ["added", 2000])
    page.evaluate(FLOOD, ["preview", 2000])
    view.wait_for_function("() => document.querySelector('#w-iid')?.textContent === 'FLOOD1999'", timeout=60_000)
    wait_idle(view)
    made = len([e for e in page.evaluate("wweSim.log.entries") if e["kind"] == "request"]) - requests
    assert made < 100, made  # was three reads per pushed record: 6,000
    assert view.locator("#w-switch option").count() <= 101  # pruned: the list does not grow without bound
    longest = view.evaluate("window.longest")
    print(f"longest task during the flood: {longest:.0f} ms")
    assert longest < 100, longest


def test_a_dialled_preview_keeps_its_edits_under_the_calls_new_id_or_its_own(widget_factory) -> None:  # type: ignore[no-untyped-def]
    for new_id in (True, False):
        scenario = default_scenario()
        scenario["previewCallNewInteractionId"] = new_id
        page, view = widget_factory(scenario=scenario, interaction=None, record=False)
        view.locator("#w-get-preview").click()
        view.wait_for_selector(".preview-actions:not([hidden])")
        wait_for_widget(view)
        preview = view.locator("#w-iid").inner_text()
        field(view, "Notes").fill("typed before the call")
        view.locator("#w-call-preview").click()
        expect(view.locator("#preview-status")).to_have_attribute("data-status", "done")
        if new_id:
            view.wait_for_function(f"() => document.querySelector('#w-iid')?.textContent !== {preview!r}")
        wait_idle(view)
        call = view.locator("#w-iid").inner_text()
        assert (call != preview) is new_id
        assert field(view, "Notes").input_value() == "typed before the call"
        drafts = view.evaluate("Object.keys(sessionStorage).filter((k) => k.includes('draft'))")
        assert drafts == [f"wwe-outbound-widget:draft:{call}"]
        view.locator("#w-save").click()
        expect(view.locator("#record-status")).to_have_attribute("data-status", "done")
        view.locator("#w-call-result").select_option(label="Answer")
        view.locator("#w-set-call-result").click()
        expect(view.locator("#call-result-status")).to_have_attribute("data-status", "done")
        assert sent(page, "updateRecordFields")[-1][0] == call and sent(page, "setCallResult") == [[call, 33]]
        assert view.locator("#chain-status").get_attribute("data-status") != "error"


def test_the_callback_is_checked_in_the_records_zone_across_dst_and_its_window(widget_factory) -> None:  # type: ignore[no-untyped-def]
    scenario = default_scenario()
    record = scenario["campaigns"][0]["chains"][0]["records"][0]
    # A Los Angeles customer read in winter (PST, -28800), calling hours 09:00-20:00
    record.update({"GSW_TZ_NAME": "PST", "GSW_TZ_OFFSET": -28800, "GSW_FROM": 9 * 3600, "GSW_UNTIL": 20 * 3600})
    page, view = widget_factory(scenario=scenario, context_options={"timezone_id": "Europe/London"})
    expect(view.locator("#w-zone")).to_contain_text("PST (America/Los_Angeles, UTC-0")
    when = view.locator("#w-when")
    when.fill("07/01/2031 08:00")  # PDT in July: 15:00 UTC, 16:00 in London (BST)
    expect(view.locator("#w-when-local")).to_have_text("= 07/01/2031 16:00 your time (Europe/London)")
    expect(view.locator("#w-when-warning")).to_contain_text("08:00 is outside the customer's calling window, "
                                                            "09:00–20:00 record time (17:00–04:00 your time)")
    view.locator("#w-reschedule").click()
    expect(view.locator("#w-reschedule-anyway")).to_be_visible()
    flush(view)
    assert sent(page, "rescheduleRecord") == []
    when.fill("07/01/2031 10:30")
    expect(view.locator("#w-when-warning")).to_be_hidden()
    view.locator("#w-reschedule").click()
    expect(view.locator("#reschedule-status")).to_have_attribute("data-status", "done")
    assert sent(page, "rescheduleRecord") == [["1", 283, "07/01/2031 10:30", "PERSONAL"]]


def test_wwes_rate_limit_paced_or_said_once(widget_factory, site) -> None:  # type: ignore[no-untyped-def]
    from .sim import configure_pages, log_entries

    # WWE allows 2 requests a second; the widget's start makes five.
    scenario = default_scenario()
    scenario["options"] = {"service-client-api.rate-limit": 2, "service-client-api.rate-limit-quarantine-delay": 30}
    page, view = widget_factory(scenario=scenario, before=lambda context: configure_pages(
        context, site, 'data-wwe-rate-limit="2"'))
    assert not [e for e in log_entries(page) if e["kind"] in ("quarantine", "refused")]  # paced: all answered
    assert len(sent(page, "getRecordFields")) == 1
    # Without pacing, the call that would go over the limit is not sent, and the widget says so once.
    page, view = widget_factory(scenario=scenario, record=False, before=lambda context: configure_pages(
        context, site, 'data-wwe-rate-limit="2" data-wwe-rate-limit-pace="off"'))
    notice = view.locator("#slot-notice")
    expect(notice).to_contain_text("it went over WWE's rate limit")
    assert notice.inner_text().count("rate limit") == 1
    flush_free = [e for e in log_entries(page) if e["kind"] in ("quarantine", "refused")]
    assert flush_free == []  # nothing was sent over WWE's limit, so WWE never stopped listening
    assert "Not sent: WWE is ignoring this view" in view.locator("#widget").inner_text()
