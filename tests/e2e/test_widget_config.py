"""The record widget under a deployer's widget-config.toml and Python rules, in the simulator
(real Chromium, real Pyodide): privileges, WWE's options, per-campaign layouts, rules, and
what a broken configuration or a failing rule looks like."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import expect

from .conftest import py
from .sim import log_entries, open_sim, widget_url
from .widgets import flush, row_of, sent, wait_idle, widget_factory  # noqa: F401 (fixtures)

RULES = '''
from outbound_widget.rules import Rules, Veto

rules = Rules()

@rules.validate("GSW_UNTIL", "GSW_FROM")
def until_after_from(until, record):
    start = record["GSW_FROM"]
    if until is not None and start is not None and until <= start:
        return f"must be after {record.label('GSW_FROM')}"

@rules.before_save
def no_vip_notes(changes, record):
    notes = changes.get("Custom_VarChar") or ""
    if notes.startswith("VIP"):
        raise Veto("VIP notes are written by supervisors")
    if notes == "crash":
        return 1 / 0
'''


def configured(toml: str, rules: str | None = None):  # type: ignore[no-untyped-def]
    """Serve *toml* (and *rules* as widget_rules.py) beside widget.html in the test's context."""
    def before(context) -> None:  # type: ignore[no-untyped-def]
        context.route("**/widget-config.toml", lambda route: route.fulfill(status=200, body=toml, content_type="text/plain"))
        if rules is not None:
            context.route("**/widget_rules.py", lambda route: route.fulfill(status=200, body=rules,
                                                                            content_type="text/plain"))
    return before


def open_configured(widget_factory, toml: str, rules: str | None = None, interaction: str | None = "1"):  # type: ignore[no-untyped-def]
    page, view = widget_factory(interaction=interaction, record=False, before=configured(toml, rules))
    if interaction is not None:
        view.wait_for_selector("#w-form")
        view.wait_for_selector("#w-chain tbody tr, #slot-chain:empty")
    wait_idle(view)
    return page, view


def forge(view, action: str, **extra: Any) -> None:  # type: ignore[no-untyped-def]
    """A click the page reports for an action whose control is not shown (a stale page, a
    script in devtools): the widget must refuse it as it would the button."""
    event = {"type": "click", "action": action, **extra}
    py(view, f"import js\njs.window.widget.handle({event!r})\nNone")


def test_each_privilege_hides_its_action_and_its_call_is_never_sent(widget_factory) -> None:  # type: ignore[no-untyped-def]
    withheld = "\n".join(f"{name} = false" for name in (
        "can-set-call-result", "can-mark-do-not-call", "can-reschedule", "can-reschedule-before-call",
        "can-dial-alternative-chained-record", "can-reject-record", "can-cancel-record", "can-get-next-preview-record"))
    page, view = open_configured(widget_factory, f"[privilege.outbound]\n{withheld}\n[widget]\ndirect-push = false\n")
    for hidden in ("#w-call-result", "#w-set-call-result", "#w-dnc", "#w-when", "#w-get-preview", "#w-direct-push"):
        expect(view.locator(hidden)).to_have_count(0)
    # the chain: only the number OCS chose can be dialled
    expect(view.locator("[data-action=call-record]")).to_have_count(1)
    expect(view.locator("[data-action=call-record]")).to_have_attribute("data-handle", "283")
    iid = page.evaluate("wweSim.deliver('Renewals')")
    expect(view.locator("#w-iid")).to_have_text(iid)
    expect(view.locator("#w-call-preview")).to_be_visible()
    expect(view.locator("#w-reject-preview")).to_have_count(0)
    expect(view.locator("#w-cancel-preview")).to_have_count(0)
    forge(view, "reject-preview")
    forge(view, "cancel-preview")
    forge(view, "reschedule", values={"w-when": "05/27/2031 10:30"})
    forge(view, "get-preview", values={"w-campaign": "Renewals"})
    view.locator("#w-switch").select_option("1")
    expect(view.locator("#w-iid")).to_have_text("1")
    forge(view, "set-call-result", values={"w-call-result": "6"})
    forge(view, "toggle-dnc")
    forge(view, "call-record", handle="284")
    forge(view, "reschedule", values={"w-when": "05/27/2031 10:30"})
    forge(view, "cancel-reschedule")
    flush(view)
    for method in ("rejectPreviewRecord", "cancelPreviewRecord", "rescheduleRecord", "cancelReschedule",
                   "getPreviewRecord", "setCallResult", "setDoNotCall", "callPreviewRecord", "startDirectPushPreview"):
        assert sent(page, method) == [], method


def test_call_result_values_in_order_and_the_automatic_choice(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = open_configured(widget_factory, '[outbound]\ncall-result-values = ["NoAnswer", "Busy", "Answer"]\n'
                                                 'call-result-automatically-selected = "Answer"\n')
    expect(view.locator("#w-call-result option")).to_have_text(["Choose a call result…", "No answer", "Busy", "Answer"])
    expect(view.locator("#w-call-result")).to_have_value("33")
    view.locator("#w-set-call-result").click()
    expect(view.locator("#call-result-status")).to_have_text("Call result set: Answer.")
    assert sent(page, "setCallResult") == [["1", 33]]


LAYOUTS = """
[layout]
order = ["Custom_VarChar", "GSW_PHONE"]
hidden = ["GSW_CUSTOM_STRING", "GWS_FROM"]
labels = { Custom_VarChar = "Agent notes" }

[campaign.Renewals.layout]
labels = { RenewalDate = "Renews on" }
readonly = ["Plan"]
help = { Plan = "Changed by the billing team only." }
groups = [{ title = "Plan", fields = ["Plan", "RenewalDate"] }]
"""


def test_each_campaigns_layout_follows_its_interactions_as_they_alternate(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = open_configured(widget_factory, LAYOUTS)
    rows = view.locator("#w-form .field")

    def default_layout() -> None:
        expect(view.locator("#w-iid")).to_have_text("1")
        expect(rows.first).to_have_attribute("data-name", "Custom_VarChar")
        expect(rows.nth(1)).to_have_attribute("data-name", "GSW_PHONE")
        expect(view.get_by_label("Agent notes", exact=True)).to_be_visible()
        expect(view.locator("[data-name=GSW_CUSTOM_STRING], [data-name=GWS_FROM]")).to_have_count(0)
        expect(view.locator("fieldset")).to_have_count(0)

    def renewals_layout(iid: str) -> None:
        expect(view.locator("#w-iid")).to_have_text(iid)
        expect(view.locator("fieldset legend")).to_have_text(["Plan", "Other fields"])
        expect(view.locator("fieldset").first.locator(".field")).to_have_count(2)
        # the defaults' order, inherited: of the fields left, GSW_PHONE first
        expect(view.locator("fieldset").nth(1).locator(".field").first).to_have_attribute("data-name", "GSW_PHONE")
        expect(view.get_by_label("Renews on", exact=True)).to_be_visible()
        plan = view.locator("[data-name=Plan]")
        expect(plan.locator("output")).to_be_visible()  # locked: text, not an input
        expect(plan).to_contain_text("Locked by your team's configuration")
        expect(plan).to_contain_text("Changed by the billing team only.")

    default_layout()
    iid = page.evaluate("wweSim.deliver('Renewals')")
    renewals_layout(iid)
    for _ in range(2):
        view.locator("#w-switch").select_option("1")
        default_layout()
        view.locator("#w-switch").select_option(iid)
        renewals_layout(iid)
    forge(view, "revert", field="0")  # (nothing to do) and an edit of the locked field is refused:
    index = view.locator("[data-name=Plan]").get_attribute("id").removeprefix("f").removesuffix("-row")
    py(view, f"import js\njs.window.widget.handle({{'type': 'change', 'field': '{index}', 'id': 'f{index}', 'value': '3'}})\nNone")
    expect(view.locator("#w-save")).to_be_disabled()


def test_a_validator_blocks_the_save_on_its_field_and_before_save_can_veto(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = open_configured(widget_factory, 'rules = "widget_rules.py"\n', RULES)
    until = view.get_by_label("Call Until", exact=True)
    until.fill("00:00")
    until.blur()
    expect(view.locator("[data-name=GSW_UNTIL] .field-error")).to_have_text("Call Until: must be after Call From")
    view.locator("#w-save").click()
    expect(view.locator("#w-summary-box")).to_contain_text("Call Until: must be after Call From")
    expect(view.get_by_label("Call Until", exact=True)).to_be_focused()
    until.fill("22:00")
    until.blur()
    expect(view.locator("[data-name=GSW_UNTIL] .field-error")).to_be_hidden()
    notes = view.get_by_label("Notes", exact=True)
    notes.fill("VIP customer")
    view.locator("#w-save").click()
    expect(view.locator("#record-status")).to_have_text("Not saved: VIP notes are written by supervisors")
    flush(view)
    assert sent(page, "updateRecordFields") == []
    expect(notes).to_have_value("VIP customer")
    notes.fill("Call after 5 pm")
    view.locator("#w-save").click()
    expect(view.locator("#record-status")).to_have_text("Saved 2 change(s).")
    assert sent(page, "updateRecordFields") == [["1", {"GSW_UNTIL": "22:00", "Custom_VarChar": "Call after 5 pm"}]]


def test_a_rule_that_raises_is_named_and_loses_no_edit(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = open_configured(widget_factory, 'rules = "widget_rules.py"\n', RULES)
    notes = view.get_by_label("Notes", exact=True)
    notes.fill("crash")
    view.locator("#w-save").click()
    expect(view.locator("#record-status")).to_contain_text(
        "Not saved: the rule no_vip_notes failed (ZeroDivisionError: division by zero); your edits are kept.")
    flush(view)
    assert sent(page, "updateRecordFields") == []
    expect(notes).to_have_value("crash")
    expect(view.locator("#w-save")).to_have_text("Save 1 change")
    # the rule's bug is in the browser console, with its traceback, for whoever maintains the rules
    console = widget_factory.opened[-1][1].console
    assert any("a rule failed" in line and "ZeroDivisionError" in line for line in console), console
    view.goto(view.url)  # and the edit outlives a reload, as any unsaved edit does
    view.wait_for_function("() => document.documentElement?.dataset.widgetState === 'ready'", timeout=90_000)
    expect(view.get_by_label("Notes", exact=True)).to_have_value("crash")


def test_a_broken_configuration_shows_its_problems_instead_of_the_widget(browser, site) -> None:  # type: ignore[no-untyped-def]
    from .conftest import PageLog
    cases = {
        "[privilege.outbound]\ncan-reshedule = false\n[outbound]\ntreatment-mode = \"personal\"\n": [
            "privilege.outbound.can-reshedule: unknown key (did you mean 'can-reschedule'?)",
            "outbound.treatment-mode: a custom view cannot honour it"],
        'rules = "widget_rules.py"\n': ["widget_rules.py could not be loaded: NameError: name 'Rulez' is not defined",
                                        "line 2"],
    }
    for toml, expected in cases.items():
        log = PageLog()
        context, page = open_sim(browser, site, log, view=widget_url("1"),
                                 before=configured(toml, "from outbound_widget.rules import Rules\nrules = Rulez()\n"))
        try:
            view = page.frame(name="view")
            view.wait_for_function("() => document.documentElement?.dataset.widgetState === 'error'", timeout=90_000)
            panel = view.locator("#w-config-error")
            expect(panel).to_contain_text("The widget is not configured correctly")
            for words in expected:
                expect(panel).to_contain_text(words)
            expect(view.locator("#w-form, #w-call-result, #w-get-preview")).to_have_count(0)  # no half-working widget
            calls = [e["message"]["request"] for e in log_entries(page, "request") if "request" in e["message"]]
            assert calls == [], calls  # nothing was asked of WWE's outbound service
            assert not log.errors and any("outbound widget: not started" in line for line in log.console)
        finally:
            context.close()


def test_a_configuration_broken_mid_shift_loses_no_unsaved_edit(widget_factory) -> None:  # type: ignore[no-untyped-def]
    served = {"config": "[layout]\nlabels = { Custom_VarChar = \"Agent notes\" }\n"}

    def before(context) -> None:  # type: ignore[no-untyped-def]
        context.route("**/widget-config.toml", lambda route: route.fulfill(status=200, body=served["config"],
                                                                           content_type="text/plain"))

    page, view = widget_factory(before=before)
    view.get_by_label("Agent notes", exact=True).fill("keep me")
    view.get_by_label("Agent notes", exact=True).blur()
    served["config"] = "[layout]\nlabels = { Custom_VarChar = 3 }\n"  # the deployer's typo, then the agent reloads
    view.goto(view.url)
    view.wait_for_function("() => document.documentElement?.dataset.widgetState === 'error'", timeout=90_000)
    expect(view.locator("#w-config-error")).to_contain_text("layout.labels.Custom_VarChar: expected text, got the number 3")
    served["config"] = "[layout]\nlabels = { Custom_VarChar = \"Agent notes\" }\n"  # fixed
    view.goto(view.url)
    view.wait_for_function("() => document.documentElement?.dataset.widgetState === 'ready'", timeout=90_000)
    expect(view.get_by_label("Agent notes", exact=True)).to_have_value("keep me")
    expect(view.locator("#slot-notice")).to_contain_text("Restored 1 unsaved change(s) from before the reload: Agent notes")
    flush(view)
    assert sent(page, "updateRecordFields") == []


HOSTILE_RULES = """
import time
from outbound_widget.rules import Rules

rules = Rules()

@rules.validate("GSW_CUSTOM_STRING")
def never_returns(text, record):
    while text == "loop":
        try:
            while True:
                pass
        except BaseException:  # (it tries to outlive its stop)
            pass
    return None

@rules.derive("Custom_VarChar")
def sleeps(record):
    if record["GSW_CUSTOM_STRING"] == "sleep":
        time.sleep(30)
    return record["Custom_VarChar"]
"""


def test_a_rule_that_never_returns_is_stopped_and_stays_off_after_a_reload(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = open_configured(widget_factory, 'rules = "widget_rules.py"\n', HOSTILE_RULES)
    box = view.get_by_label("GSW_CUSTOM_STRING", exact=True)
    started = time.monotonic()
    box.fill("loop")
    box.blur()  # its validator runs on leaving the field
    expect(view.locator("#slot-notice")).to_contain_text("The rule never_returns ran past its budget on 'loop' and "
                                                         "was stopped", timeout=10_000)
    assert time.monotonic() - started < 5  # its 50 ms and the page's own work, not forever
    # the page answers: WWE's page around it and the widget
    assert page.evaluate("() => 1 + 1") == 2
    view.locator("#w-save").click()
    expect(view.locator("#record-status")).to_have_attribute("data-status", "done")
    # a sleeping derive is stopped at its budget too (30 s otherwise)
    started = time.monotonic()
    box.fill("sleep")
    expect(view.locator("#slot-notice")).to_contain_text("The rule sleeps ran past its budget", timeout=10_000)
    assert time.monotonic() - started < 5
    box.fill("loop")  # the draft that set it off, kept across the reload
    view.goto(view.url)
    view.wait_for_function("() => document.documentElement?.dataset.widgetState === 'ready'", timeout=90_000)
    view.wait_for_selector("#w-form")
    expect(view.get_by_label("GSW_CUSTOM_STRING", exact=True)).to_have_value("loop")
    view.get_by_label("GSW_CUSTOM_STRING", exact=True).blur()
    assert page.evaluate("() => 2 + 2") == 4


ESCAPING_RULES = '''
import asyncio

import bridge
from outbound_widget.rules import Rules, Veto

rules = Rules()
outcome = []


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no")


@rules.derive("Custom_Float")
def huge(record):
    return 10 ** 5000 if record["Custom_VarChar"] == "huge" else record["Custom_Float"]


@rules.derive("Custom_Character")
def vetoes(record):
    if record["Custom_VarChar"] == "veto":
        raise Veto("derives cannot veto")
    return record["Custom_Character"]


@rules.derive("Custom_Appointment")
def unprintable(record):
    if record["Custom_VarChar"] == "unprintable":
        raise Unprintable()
    return record["Custom_Appointment"]


@rules.validate("GSW_CUSTOM_STRING")
def interrupted(value, record):
    if value == "interrupt":
        raise KeyboardInterrupt


@rules.before_save
def cancelled(changes, record):
    if changes.get("Custom_VarChar") == "cancel":
        raise asyncio.CancelledError()


@rules.validate("Custom_Integer")
def acts(visits, record):
    if visits == 13:  # a validator that tries to act: its task is held to the rule's reads-only
        async def act():
            try:
                await bridge.outbound.set_do_not_call(record.interaction_id)
            except bridge.WriteRefusedError as exc:
                outcome.append(str(exc))
        asyncio.ensure_future(act())


@rules.after_save
async def tag(saved, record):
    await bridge.interaction.set_user_data(record.interaction_id, {"Disposition": "saved " + ",".join(sorted(saved))})
    await bridge.outbound.set_do_not_call(record.interaction_id)  # withheld by the file below


@rules.validate("Custom_Integer")
def leaves_work_behind(value, record):
    if value == 14:  # what it starts runs after it returned: a task and a callback that loop
        async def spin():
            await asyncio.sleep(0)
            while True:
                pass

        def loop_forever():
            while True:
                pass
        asyncio.ensure_future(spin())
        asyncio.get_event_loop().call_soon(loop_forever)
        asyncio.get_event_loop().call_later(0.1, loop_forever)  # (a timer: WebLoop's setTimeout path)


ended = []


@rules.after_save
async def detaches(saved, record):
    if saved.get("Custom_VarChar") == "detach":  # a task outliving the after_save, writing later
        async def later():
            try:
                await asyncio.sleep(2)
                await bridge.interaction.set_user_data(record.interaction_id, {"Late": "after the budget"})
            finally:
                ended.append("later")
        asyncio.ensure_future(later())
        asyncio.get_event_loop().call_later(2, lambda: asyncio.ensure_future(
            bridge.interaction.set_user_data(record.interaction_id, {"Late": "by a timer"})))


@rules.after_save
async def polls(saved, record):
    while saved.get("Custom_VarChar") == "poll":  # each step short: its stop lands in a step
        await bridge.outbound.get_call_result(record.interaction_id)
'''


def test_every_way_a_rule_fails_is_said_the_record_shows_and_only_after_save_writes(widget_factory) -> None:  # type: ignore[no-untyped-def]
    page, view = open_configured(widget_factory, 'rules = "widget_rules.py"\n[privilege.outbound]\n'
                                 'can-mark-do-not-call = false\n[rule-budget-ms]\nafter-save = 1000\n', ESCAPING_RULES)
    notes, notice = view.get_by_label("Notes", exact=True), view.locator("#slot-notice")
    for trigger, said in (("huge", "the rule huge failed (ValueError: it gave an integer of 16610 bits"),
                          ("veto", "the rule vetoes failed (TypeError: it raised Veto (derives cannot veto), which a "
                                   "derive rule cannot"),
                          ("unprintable", "the rule unprintable failed (Unprintable: <a Unprintable that cannot be "
                                          "shown as text>)")):
        notes.fill(trigger)
        expect(notice).to_contain_text(said)
        expect(notes).to_have_value(trigger)  # the field keeps its value
    # on every load too: the restored draft sets the rule off again, and the record shows
    view.goto(view.url)
    view.wait_for_function("() => document.documentElement?.dataset.widgetState === 'ready'", timeout=90_000)
    view.wait_for_selector("#w-form")
    expect(view.get_by_label("Notes", exact=True)).to_have_value("unprintable")
    expect(view.locator("#slot-notice")).to_contain_text("the rule unprintable failed")
    notes, notice = view.get_by_label("Notes", exact=True), view.locator("#slot-notice")
    # BaseExceptions are rule failures, not the widget's end
    custom = view.get_by_label("GSW_CUSTOM_STRING", exact=True)
    custom.fill("interrupt")
    custom.blur()
    expect(row_of(view, "GSW_CUSTOM_STRING")).to_contain_text("the rule interrupted failed (KeyboardInterrupt")
    custom.fill("Custom message")
    custom.blur()
    notes.fill("cancel")
    view.locator("#w-save").click()
    status = view.locator("#record-status")
    expect(status).to_contain_text("Not saved: the rule cancelled failed (CancelledError")
    expect(status).to_have_attribute("data-status", "error")
    # a rule that starts a write: refused, nothing sent
    visits = view.get_by_label("Visits", exact=True)
    visits.fill("13")
    visits.blur()
    outcome = py(view, "import asyncio, widget_rules\nfor _ in range(250):\n    if widget_rules.outcome: break\n"
                       "    await asyncio.sleep(0.02)\nwidget_rules.outcome")
    assert outcome and all(refused.startswith("outbound.setDoNotCall changes WWE, which the rule acts may not do: "
                                              "rules check and transform the record") for refused in outcome)
    # after_save is the one that writes, as the widget may: attached data yes, Do Not Call (withheld) no
    notes.fill("fine")
    view.locator("#w-save").click()
    expect(status).to_have_attribute("data-status", "done")
    expect(view.locator("#slot-notice")).to_contain_text(
        "The record is saved; the after_save rule tag failed (WriteRefusedError: outbound.setDoNotCall changes WWE, "
        "which the after_save rule tag may not do: the widget's privileges withhold it")
    flush(view)
    user_data = [e["message"].get("parameters") for e in log_entries(page, "request")
                 if e["message"].get("request") == "interaction.setUserData"]
    assert user_data == [["1", {"Disposition": "saved Custom_Integer,Custom_VarChar"}]]
    assert sent(page, "setDoNotCall") == [] and len(sent(page, "updateRecordFields")) == 1
    # what a rule leaves behind runs within its budget too: the page goes on
    visits.fill("14")
    visits.blur()
    assert py(view, "import asyncio\nawait asyncio.sleep(0.5)\n1 + 1") == 2
    visits.fill("5")
    visits.blur()
    # and what an after_save leaves behind ends with its budget: no late write
    notes.fill("detach")
    view.locator("#w-save").click()
    expect(status).to_contain_text("Saved 2 change(s).")
    assert py(view, "import asyncio, widget_rules\nfor _ in range(300):\n    if widget_rules.ended: break\n"
                    "    await asyncio.sleep(0.02)\nwidget_rules.ended") == ["later"]
    flush(view)
    assert not [e for e in log_entries(page, "request") if e["message"].get("request") == "interaction.setUserData"
                and "Late" in (e["message"].get("parameters") or [None, {}])[1]]
    # an after_save polling WWE past its budget is stopped, and the page's Python goes on
    notes.fill("poll")
    view.locator("#w-save").click()
    expect(view.locator("#slot-notice")).to_contain_text("the after_save rule polls ran past its budget",
                                                         timeout=15_000)
    assert py(view, "1 + 1") == 2
    notes.fill("after the poll")
    view.locator("#w-save").click()
    expect(status).to_contain_text("Saved 1 change(s).")
    assert sent(page, "updateRecordFields")[-1] == ["1", {"Custom_VarChar": "after the poll"}]
