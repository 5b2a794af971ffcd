"""The record widget in the simulator's sidebar, driven as an agent would."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .sim import default_scenario, wait_for_widget
from .widgets import field, flush, row_of, sent, widget, widget_factory  # noqa: F401 (fixtures)

CAMPAIGN = "Outbound Campaign Custom"


# -- the generated record view ------------------------------------------------------------


def test_one_control_per_field_chosen_by_field_type(widget) -> None:  # type: ignore[no-untyped-def]
    _, view = widget
    assert field(view, "Visits").get_attribute("type") == "number" and field(view, "Visits").get_attribute("step") == "1"
    assert field(view, "Balance").get_attribute("type") == "number" and field(view, "Balance").get_attribute("step") == "any"
    assert field(view, "Tier").get_attribute("maxlength") == "1"
    assert field(view, "Notes").get_attribute("type") == "text"
    assert field(view, "Appointment").get_attribute("placeholder") == "MM/DD/YYYY HH:MM"
    assert field(view, "Call Until").get_attribute("placeholder") == "HH:MM"
    assert field(view, "Call Until").input_value() == "23:59"  # GSW_UNTIL 86399 s, shown as HH:MM
    assert field(view, "Consent to contact").get_attribute("type") == "checkbox"
    phone_type = field(view, "Phone Type")
    assert phone_type.evaluate("s => s.tagName") == "SELECT"
    options = phone_type.evaluate("s => [...s.options].map(o => [o.value, o.text])")
    assert ["9", "Pin Pager"] in options and ["4", "Mobile"] in options and options[0] == ["", "(none)"]
    assert phone_type.input_value() == "1"
    # Label from displayName, else the name.
    assert field(view, "GSW_CUSTOM_STRING").input_value() == "Custom message"


def test_mandatory_and_read_only_fields(widget) -> None:  # type: ignore[no-untyped-def]
    _, view = widget
    phone = field(view, "Phone")
    assert phone.get_attribute("required") is not None and phone.get_attribute("aria-required") == "true"
    assert row_of(view, "Phone").locator(".mandatory").is_visible()
    # Read-only: selectable text with the reason, no input to fight with.
    greeting = view.locator(".field.readonly", has_text="Greeting")
    assert greeting.locator("output").inner_text() == "Hi there!"
    assert greeting.locator("input, select").count() == 0
    assert "cannot be changed" in greeting.inner_text()
    assert view.locator(".field.readonly", has_text="Time Zone").locator("output").inner_text() == "ACT"


VALID = [
    ("GSW_CUSTOM_STRING", "fill", "Call back on Friday", "GSW_CUSTOM_STRING", "Call back on Friday"),
    ("Phone Type", "select", "4", "GSW_PHONE_TYPE", 4),
    ("Phone", "fill", "+15550001111", "GSW_PHONE", "+15550001111"),
    ("Call From", "fill", "08:30", "GSW_FROM", "08:30"),
    ("Visits", "fill", "42", "Custom_Integer", 42),
    ("Balance", "fill", "99.5", "Custom_Float", "99.5"),
    ("Tier", "fill", "z", "Custom_Character", "z"),
    ("Notes", "fill", "VIP <b>customer</b>", "Custom_VarChar", "VIP <b>customer</b>"),
    ("Appointment", "fill", "12/24/2026 09:30", "Custom_Appointment", "12/24/2026 09:30"),
    ("Consent to contact", "check", None, "Custom_Consent", True),
]


def test_valid_input_of_every_type_saves_exactly_the_changed_fields(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    for label, how, value, _, _ in VALID:
        control = field(view, label)
        if how == "fill":
            control.fill(value)
            control.blur()
        elif how == "select":
            control.select_option(value)
        else:
            control.check()
        assert control.get_attribute("aria-invalid") is None, label
    save = view.locator("#w-save")
    assert save.inner_text() == f"Save {len(VALID)} changes"
    save.click()
    view.wait_for_selector("#record-status[data-status=done]")
    assert sent(page, "updateRecordFields") == [["1", {name: wire for _, _, _, name, wire in VALID}]]
    # The saved values are the new baseline, re-read from WWE.
    assert view.locator(".field.changed").count() == 0
    assert view.locator("#w-save").is_disabled()
    assert field(view, "Visits").input_value() == "42"
    assert field(view, "Phone Type").input_value() == "4"


INVALID = [
    ("Visits", "1.5", "Visits: enter a whole number"),
    ("Balance", "1e", "Balance: "),
    ("Appointment", "02/30/2027 10:00", "Appointment: 02/30/2027 is not a date in the calendar"),
    ("Appointment", "1/5/2027", "Appointment: use MM/DD/YYYY HH:MM"),
    ("Call From", "24:00", "Call From: use HH:MM, 00:00–23:59"),
    ("Call Until", "7pm", "Call Until: use HH:MM, 00:00–23:59"),
    ("Phone", "", "Phone: required: enter a value"),
]


@pytest.mark.parametrize(("label", "text", "message"), INVALID, ids=[f"{l}-{t}" for l, t, _ in INVALID])
def test_invalid_input_is_flagged_on_blur_and_never_sent(widget, label: str, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    control = field(view, label)
    if control.get_attribute("type") == "number":
        control.fill("")
        control.press_sequentially(text)
    else:
        control.fill(text)
    control.blur()
    expect(control).to_have_attribute("aria-invalid", "true")
    described = control.get_attribute("aria-describedby").split()[0]  # type: ignore[union-attr]
    error = view.locator(f"#{described}")
    expect(error).to_be_visible()
    expect(error).to_contain_text(message)
    view.locator("#w-save").click()
    summary = view.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(message)
    expect(control).to_be_focused()
    assert sent(page, "updateRecordFields") == []


def test_error_summary_lists_every_bad_field_with_links_that_focus_them(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    field(view, "Call Until").fill("25:00")
    field(view, "Phone").fill("")
    field(view, "Notes").fill("fine")
    view.locator("#w-save").click()
    links = view.locator(".error-summary a")
    expect(links).to_have_count(2)
    assert links.nth(0).inner_text().startswith("Phone:") and links.nth(1).inner_text().startswith("Call Until:")
    expect(field(view, "Phone")).to_be_focused()
    links.nth(1).click()
    expect(field(view, "Call Until")).to_be_focused()
    assert sent(page, "updateRecordFields") == []


def test_a_char_field_takes_one_character(widget) -> None:  # type: ignore[no-untyped-def]
    _, view = widget
    tier = field(view, "Tier")
    tier.fill("")
    tier.press_sequentially("xy")
    assert tier.input_value() == "x"


def test_dirty_tracking_and_revert(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    assert view.locator("#w-save").is_disabled() and view.locator("#w-save").inner_text() == "No changes to save"
    notes = field(view, "Notes")
    notes.fill("Prefers email")
    row = row_of(view, "Notes")
    assert row.get_attribute("data-changed") == "true"
    assert row.locator(".was").inner_text() == "was: (empty)"
    assert view.locator("#w-save").inner_text() == "Save 1 change"
    row.get_by_role("button", name="Revert Notes").click()
    assert notes.input_value() == "" and row.get_attribute("data-changed") is None
    assert view.locator("#w-save").is_disabled()
    field(view, "Visits").fill("7")
    field(view, "Tier").fill("q")
    view.locator("#w-revert-all").click()
    assert field(view, "Visits").input_value() == "0" and field(view, "Tier").input_value() == "c"
    assert view.locator(".field.changed").count() == 0
    assert sent(page, "updateRecordFields") == []


def test_failed_save_shows_the_error_and_keeps_every_edit(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("wweSim.setFault('updateRecordFields', {errorMessage: 'OCS rejected the record'})")
    field(view, "Notes").fill("keep me")
    field(view, "Visits").fill("3")
    view.locator("#w-save").click()
    status = view.locator("#record-status[data-status=error]")
    status.wait_for()
    assert "OCS rejected the record" in status.inner_text()
    assert field(view, "Notes").input_value() == "keep me" and field(view, "Visits").input_value() == "3"
    assert view.locator(".field.changed").count() == 2
    page.evaluate("wweSim.setFault('updateRecordFields', null)")
    status.get_by_role("button", name="Retry").click()
    view.wait_for_selector("#record-status[data-status=done]")
    assert sent(page, "updateRecordFields")[-1] == ["1", {"Custom_VarChar": "keep me", "Custom_Integer": 3}]


def test_unsaved_edits_survive_a_reload(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    field(view, "Notes").fill("typed before the reload")
    field(view, "Call Until").fill("25:00")  # bad text is kept too
    view.goto(view.url)
    wait_for_widget(view)
    assert "Restored 2 unsaved change(s)" in view.locator("#slot-notice").inner_text()
    assert field(view, "Notes").input_value() == "typed before the reload"
    assert field(view, "Call Until").input_value() == "25:00"
    assert field(view, "Call Until").get_attribute("aria-invalid") == "true"
    field(view, "Call Until").fill("21:00")
    view.locator("#w-save").click()
    view.wait_for_selector("#record-status[data-status=done]")
    assert view.evaluate("Object.keys(sessionStorage).filter(k => k.includes('draft'))") == []


def test_enter_in_a_field_submits_nothing(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    notes = field(view, "Notes")
    notes.fill("draft")
    notes.press("Enter")
    flush(view)
    assert sent(page, "updateRecordFields") == [] and notes.input_value() == "draft"


def test_keyboard_only_edit_and_save(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    field(view, "Tier").focus()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.type("k")
    expect(field(view, "Tier")).to_have_value("k")
    page.keyboard.press("Tab")  # Tier's Revert button is now shown and focusable
    page.keyboard.press("Tab")
    expect(field(view, "Notes")).to_be_focused()
    view.locator("#w-save").focus()
    page.keyboard.press("Enter")
    view.wait_for_selector("#record-status[data-status=done]")
    assert sent(page, "updateRecordFields") == [["1", {"Custom_Character": "k"}]]


# -- actions ---------------------------------------------------------------------------------


def test_call_result_and_do_not_call(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    select = view.locator("#w-call-result")
    assert select.evaluate("s => s.options[s.selectedIndex].text") == "Busy"
    assert "Answering machine" in select.evaluate("s => [...s.options].map(o => o.text)")
    select.select_option(label="Answering machine")
    view.locator("#w-set-call-result").click()
    view.wait_for_selector("#call-result-status[data-status=done]")
    assert sent(page, "setCallResult") == [["1", 9]]
    view.locator("#w-dnc").click()
    expect(view.locator("#w-dnc")).to_have_attribute("aria-pressed", "true")
    assert view.locator("#w-call-result").is_disabled() and view.locator("#w-set-call-result").is_disabled()
    assert "Do Not Call is set" in view.locator("#w-call-result-why").inner_text()
    assert view.locator("#w-set-call-result").get_attribute("aria-describedby") == "w-call-result-why"
    assert page.evaluate("wweSim.service.interactions.get('1').doNotCall") is True
    view.locator("#w-dnc").click()
    view.wait_for_selector("#w-dnc[aria-pressed=false]")
    assert page.evaluate("wweSim.service.interactions.get('1').doNotCall") is False


def test_reschedule_in_the_record_time_zone(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = widget_factory(context_options={"timezone_id": "Europe/London"})
    assert "ACT (Australia/Darwin, UTC+09:30)" in view.locator("#w-zone").inner_text()
    assert view.locator("#w-window").count() == 0  # GSW_FROM 0, GSW_UNTIL 86399: the whole day, no window
    when = view.locator("#w-when")
    when.fill("05/27/2031 10:30")
    # 10:30 at UTC+09:30 is 01:00 UTC, 02:00 in London (BST)
    assert view.locator("#w-when-local").inner_text() == "= 05/27/2031 02:00 your time (Europe/London)"
    view.locator("#w-callback-type").select_option("CAMPAIGN")
    view.locator("#w-reschedule").click()
    view.wait_for_selector("#reschedule-status[data-status=done]")
    assert sent(page, "rescheduleRecord") == [["1", 283, "05/27/2031 10:30", "CAMPAIGN"]]
    assert "05/27/2031 10:30 ACT (Australia/Darwin, UTC+09:30) (CAMPAIGN)" in view.locator("#w-scheduled").inner_text()
    view.locator("#w-cancel-reschedule").click()
    expect(view.locator("#reschedule-status")).to_contain_text("Reschedule cancelled")
    assert len(sent(page, "cancelReschedule")) == 1
    assert page.evaluate("wweSim.service.interactions.get('1').schedule") is None


def test_reschedule_refuses_a_bad_date_before_sending(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    view.locator("#w-when").fill("31/12/2031 10:00")
    assert "Callback at: 31/12/2031 is not a date in the calendar" in view.locator("#w-when-error").inner_text()
    view.locator("#w-reschedule").click()
    assert view.locator("#w-when").get_attribute("aria-invalid") == "true"
    assert sent(page, "rescheduleRecord") == []


def test_chained_records_table(widget) -> None:  # type: ignore[no-untyped-def]
    _, view = widget
    rows = view.locator("#w-chain tbody tr")
    assert rows.count() == 2
    cells = rows.nth(0).locator("td").all_inner_texts()
    assert cells[:6] == ["+33647005", "Home Phone", "283", "Busy", "00:00", "23:59"]


def test_preview_record_end_to_end(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    view.locator("#w-campaign").select_option(CAMPAIGN)
    view.locator("#w-get-preview").click()
    view.wait_for_function("() => document.querySelector('#w-iid')?.textContent.startsWith('OB')")
    wait_for_widget(view)
    iid = view.locator("#w-iid").inner_text()
    assert field(view, "Phone").input_value() == "+15551230001"
    assert view.locator(".preview-actions").is_visible()
    view.locator("#w-reject-preview").click()
    view.wait_for_selector(".no-interaction")
    assert sent(page, "rejectPreviewRecord") == [[iid]]
    # The same record comes back; this time edit it, set a result, reschedule and dial a chained number.
    view.locator("#w-get-preview").click()
    view.wait_for_function(f"() => document.querySelector('#w-iid')?.textContent !== '{iid}' && document.querySelector('#w-iid')")
    wait_for_widget(view)
    iid = view.locator("#w-iid").inner_text()
    field(view, "Notes").fill("Spoke to the customer")
    view.locator("#w-save").click()
    view.wait_for_selector("#record-status[data-status=done]")
    view.locator("#w-chain button", has_text="Call this number").first.click()
    view.wait_for_selector("#chain-status[data-status=done]")
    assert sent(page, "callPreviewRecord") == [[iid, 301]]
    # The call is a new interaction (the reference's rule, the simulator's default): the widget follows it.
    view.wait_for_function(f"() => document.querySelector('#w-iid')?.textContent !== '{iid}'")
    preview, iid = iid, view.locator("#w-iid").inner_text()
    assert page.evaluate(f"wweSim.service.interactions.get('{iid}').previousInteractionId") == preview
    assert page.evaluate(f"wweSim.service.interactions.get('{iid}').state") in ("DIALING", "TALKING")
    assert field(view, "Notes").input_value() == "Spoke to the customer"
    view.locator("#w-call-result").select_option(label="Answer")
    view.locator("#w-set-call-result").click()
    view.wait_for_selector("#call-result-status[data-status=done]")
    view.locator("#w-when").fill("01/15/2027 09:00")
    view.locator("#w-reschedule").click()
    view.wait_for_selector("#reschedule-status[data-status=done]")
    assert sent(page, "rescheduleRecord")[-1] == [iid, 301, "01/15/2027 09:00", "PERSONAL"]


def test_cancel_a_preview_record(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    view.locator("#w-get-preview").click()
    view.wait_for_selector(".preview-actions:not([hidden])")
    iid = view.locator("#w-iid").inner_text()
    view.locator("#w-cancel-preview").click()
    view.wait_for_selector(".no-interaction")
    assert sent(page, "cancelPreviewRecord") == [[iid]]
    assert page.evaluate(f"wweSim.service.interactions.has('{iid}')") is False


def test_direct_push_records_appear_as_they_arrive(widget_factory) -> None:  # type: ignore[no-untyped-def]
    scenario = default_scenario()
    scenario["directPushIntervalMs"] = 60_000  # one record at start, then none during the test
    page, view = widget_factory(scenario=scenario)
    view.locator("#w-direct-push").click()
    view.wait_for_selector("#w-direct-push[aria-pressed=true]")
    view.wait_for_function("() => document.querySelector('#w-iid')?.textContent.startsWith('OB')")
    wait_for_widget(view)
    assert field(view, "Phone").input_value() == "+15551250001"
    view.locator("#w-direct-push").click()
    view.wait_for_selector("#w-direct-push[aria-pressed=false]")
    assert page.evaluate("wweSim.service.directPush") is False


def test_follows_a_new_interaction_and_drops_a_stale_answer(widget) -> None:  # type: ignore[no-untyped-def]
    page, view = widget
    page.evaluate("wweSim.setFault('getRecordFields', {delayMs: 1500})")
    first = page.evaluate("wweSim.deliver('Renewals')")  # its fields answer in 1.5 s
    view.wait_for_function(f"() => document.querySelector('#w-iid')?.textContent === '{first}'")
    page.evaluate("wweSim.setFault('getRecordFields', null)")
    second = page.evaluate("wweSim.deliver('Renewals')")  # answers at once
    view.wait_for_function(f"() => document.querySelector('#w-iid')?.textContent === '{second}'")
    wait_for_widget(view)
    assert field(view, "Phone").input_value() == "+15551240002"
    # the first record's (late) answer reaches the view ...
    page.wait_for_function("() => wweSim.log.entries.filter((e) => e.kind === 'response'"
                           " && e.message.request === 'outbound.getRecordFields').length >= 3")
    flush(view)
    assert view.locator("#w-iid").inner_text() == second  # ... and changed nothing
    assert field(view, "Phone").input_value() == "+15551240002"
    assert view.locator("#w-switch option").count() == 3


def test_a_hung_call_times_out_with_a_retry(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = widget_factory(timeout=2)
    page.evaluate("wweSim.setFault('setCallResult', {never: true})")
    view.locator("#w-call-result").select_option(label="No answer")
    view.locator("#w-set-call-result").click()
    expect(view.locator("#call-result-status[data-status=busy]")).to_be_visible()
    status = view.locator("#call-result-status[data-status=error]")
    status.wait_for()
    assert "did not answer within 2 s" in status.inner_text()
    page.evaluate("wweSim.setFault('setCallResult', null)")
    status.get_by_role("button", name="Retry").click()
    view.wait_for_selector("#call-result-status[data-status=done]")
    assert page.evaluate("wweSim.service.interactions.get('1').callResult") == 7


# -- safety ---------------------------------------------------------------------------------

PAYLOADS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>"]


def hostile_scenario() -> dict[str, Any]:
    img, script = PAYLOADS
    scenario = default_scenario()
    custom = scenario["campaigns"][0]
    custom["name"] = f"Camp {img}"
    scenario["interactions"][0]["campaign"] = custom["name"]
    record = custom["chains"][0]["records"][0]
    record.update({"GSW_PHONE": f"+1 {script}", "Custom_VarChar": img, "Custom_String_with_default": script,
                   "GSW_TZ_NAME": img})
    fields = scenario["fieldSets"]["reference"]
    fields[1]["displayName"] = f"Label {img}"
    fields[2]["options"]["4"] = f"Mobile {script}"
    fields[0]["value"] = img
    return scenario


def test_wwe_strings_are_text_never_markup(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = widget_factory(scenario=hostile_scenario())
    page.evaluate(f"wweSim.setFault('setCallResult', {{errorMessage: {PAYLOADS[0]!r}}})")
    view.locator("#w-call-result").select_option(label="Busy")
    view.locator("#w-set-call-result").click()
    view.wait_for_selector("#call-result-status[data-status=error]")
    assert view.evaluate("window.__xss") is None and page.evaluate("window.__xss") is None
    assert view.locator("#widget img, #widget script").count() == 0
    text = view.locator("#widget").inner_text()
    for shown in (f"Label {PAYLOADS[0]}", PAYLOADS[1], f"+1 {PAYLOADS[1]}", PAYLOADS[0]):
        assert shown in text, shown
    assert f"Camp {PAYLOADS[0]}" in view.locator("#w-campaign").inner_text()
    assert f"Mobile {PAYLOADS[1]}" in field(view, "Phone Type").inner_text()
    assert field(view, "Notes").input_value() == PAYLOADS[0]
