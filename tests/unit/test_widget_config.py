"""The widget under a deployer's configuration and rules (CPython, fake WWE): each privilege
hides its action and never sends its call, WWE's options are honoured, layouts follow the
interaction's campaign, and every rule hook does what it says, a failing one included."""

from __future__ import annotations

import asyncio
from typing import Any

from bridge import Event, Outbound
from outbound_widget.app import Widget
from outbound_widget.config import parse_config
from outbound_widget.drafts import MemoryStorage
from outbound_widget.rules import Record, Rules, Veto

from .fake_dom import FakeDom
from .helpers import run
from .test_widget_state import NOTES, NOW, TYPE, UNTIL, VISITS, Wwe, _buttons, click, deliver_preview, switch, type_into


async def start(wwe: Wwe, config: str = "", rules: Rules | None = None, iid: str | None = "1") -> tuple[Widget, FakeDom]:
    dom = FakeDom()
    widget = Widget(dom.page, dom, Outbound(wwe.host, timeout=5), iid, clock=lambda: NOW, config=parse_config(config), rules=rules)
    await widget.start()
    await widget.idle()
    return widget, dom


def campaign(wwe: Wwe, iid: str, name: str, state: str = "TALKING") -> None:
    wwe.host.emit("interaction", {"eventType": "CHANGED", "interaction": {"interactionId": iid, "state": state,
                                                                          "campaignName": name}})


def labels(dom: FakeDom) -> list[str]:
    """The record form's rows, in the order shown, by label."""
    from bridge.tree import walk
    return [el[1]["data-name"] for el in walk(dom.roots["slot-record"]) if "data-name" in el[1]
            and "field" in el[1].get("class", "")]


# -- privileges -------------------------------------------------------------------------


def test_each_privilege_hides_its_action_and_a_click_regardless_sends_nothing() -> None:
    async def scenario() -> None:
        withheld = "\n".join(f"{p} = false" for p in (
            "can-set-call-result", "can-mark-do-not-call", "can-reschedule", "can-reschedule-before-call",
            "can-dial-alternative-chained-record", "can-reject-record", "can-cancel-record",
            "can-get-next-preview-record"))
        wwe = Wwe()
        widget, dom = await start(wwe, f"[privilege.outbound]\n{withheld}")
        assert dom.text("slot-call-result") == "" and dom.text("slot-reschedule") == ""
        assert not dom.has("w-get-preview")
        # only the number OCS chose can be dialled from the chain
        assert [b[1]["data-handle"] for b in _buttons(dom, "call-record")] == ["283"]
        for action, extra in (("set-call-result", {"values": {"w-call-result": "6"}}), ("toggle-dnc", {}),
                              ("reschedule", {"values": {"w-when": "06/02/2030 10:00"}}), ("cancel-reschedule", {}),
                              ("call-record", {"handle": "284"}), ("get-preview", {"values": {"w-campaign": "Sales"}})):
            click(widget, action, **extra)
        await widget.idle()
        for method in ("setCallResult", "setDoNotCall", "rescheduleRecord", "cancelReschedule", "callPreviewRecord",
                       "getPreviewRecord"):
            assert wwe.sent(method) == [], method
        # (its panel is not shown; the last refusal is kept as its status)
        assert widget.shown.area("call-result").status.message.startswith("Not allowed for you (privilege.outbound.")
        assert "Not allowed for you (privilege.outbound.can-get-next-preview-record)" in dom.status("campaign")[1]
        deliver_preview(wwe, widget, "P9")
        await widget.idle()
        assert widget.interaction_id == "P9" and dom.has("w-call-preview")
        assert not dom.has("w-reject-preview") and not dom.has("w-cancel-preview")
        click(widget, "reject-preview")
        click(widget, "cancel-preview")
        await widget.idle()
        assert wwe.sent("rejectPreviewRecord") == [] and wwe.sent("cancelPreviewRecord") == []
        assert "Not allowed for you (privilege.outbound.can-cancel-record)" in dom.status("preview")[1]
    run(scenario())


def test_reschedule_before_and_after_the_call_and_on_another_number() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, "[privilege.outbound]\ncan-reschedule-before-call = false", iid=None)
        deliver_preview(wwe, widget, "P1")
        await widget.idle()
        assert "available once the record has been called" in dom.text("w-reschedule-why") and not dom.has("w-when")
        click(widget, "reschedule", values={"w-when": "06/02/2030 10:00"})
        await widget.idle()
        assert wwe.sent("rescheduleRecord") == []
        switch(widget, "1")
        await widget.idle()
        # after the call: allowed, and on the chain's other number (can-reschedule-on-new-number)
        assert dom.value("w-callback-number") == "283"
        widget.handle({"type": "change", "action": "choose-callback-number", "value": "284"})
        click(widget, "reschedule", values={"w-when": "06/02/2030 10:00"})
        await widget.idle()
        assert [a[1] for a in wwe.sent("rescheduleRecord")] == [284]
        widget2, dom2 = await start(Wwe(), "[privilege.outbound]\ncan-reschedule-on-new-number = false")
        assert not dom2.has("w-callback-number")
        widget2.handle({"type": "change", "action": "choose-callback-number", "value": "284"})
        click(widget2, "reschedule", values={"w-when": "06/02/2030 10:00"})
        await widget2.idle()
    run(scenario())


# -- WWE's options --------------------------------------------------------------------


def test_call_result_values_their_order_and_the_automatic_pick() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, '[outbound]\ncall-result-values = ["NoAnswer", "Busy"]\n'
                                        'call-result-automatically-selected = "Busy"')
        from bridge.tree import walk
        options = [el[1]["value"] for el in walk(dom.element("w-call-result")) if el[0] == "option"]
        assert options == ["", "7", "6"]
        assert dom.value("w-call-result") == "6"
        click(widget, "set-call-result", values={"w-call-result": "0"})  # OK: WWE has it, the deployer did not list it
        await widget.idle()
        assert wwe.sent("setCallResult") == [] and dom.status("call-result")[1].startswith("Ok is not a call result you may set")
        click(widget, "set-call-result", values={"w-call-result": "6"})
        await widget.idle()
        assert [a[1] for a in wwe.sent("setCallResult")] == [6]
    run(scenario())


def test_at_most_n_previews_at_once() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, "[outbound]\npreview.max-simultaneous-preview-record = 1", iid=None)
        click(widget, "get-preview", values={"w-campaign": "Sales"})
        await widget.idle()
        assert widget.interaction_id == "P1" and dom.disabled("w-get-preview")
        assert "the most allowed at once (1)" in dom.text("w-get-why")
        click(widget, "get-preview", values={"w-campaign": "Sales"})
        await widget.idle()
        assert len(wwe.sent("getPreviewRecord")) == 1
        click(widget, "reject-preview")
        await widget.idle()
        assert not dom.disabled("w-get-preview")
    run(scenario())


async def until(condition: Any) -> None:
    """Wait for what the widget shows or holds (a countdown runs on the loop's clock)."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not within 5 s")


def test_a_timed_preview_dials_itself_unless_the_agent_looks_away() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, "[outbound]\ntimed-preview-auto-dial = 1", iid=None)
        deliver_preview(wwe, widget, "P1")
        await until(lambda: "Dialling in 1 s (timed preview): Reject or Cancel record to stop it." in dom.text("w-auto-dial"))
        await widget.idle()  # (the countdown is one of the widget's tasks: idle once it dialled)
        assert [a[0] for a in wwe.sent("callPreviewRecord")] == ["P1"] and wwe.interactions["P1"]["state"] == "DIALING"
        deliver_preview(wwe, widget, "P2")
        await until(lambda: widget.interaction_id == "P2" and widget.shown.auto_dial_at is not None)
        switch(widget, "1")  # the agent looks at another customer: P2 is not dialled behind their back
        await widget.idle()
        assert [a[0] for a in wwe.sent("callPreviewRecord")] == ["P1"] and widget.interactions["P2"].auto_dial_at is None
    run(scenario())


def test_panels_and_direct_push_can_be_turned_off() -> None:
    async def scenario() -> None:
        widget, dom = await start(Wwe(), "[widget]\ndirect-push = false\n"
                                         "panels = { chain = false, reschedule = false, call-result = false }")
        assert dom.text("slot-chain") == dom.text("slot-reschedule") == dom.text("slot-call-result") == ""
        assert not dom.has("w-direct-push") and dom.has("w-get-preview")
        click(widget, "toggle-direct-push")
        await widget.idle()
        assert "turned off here" in dom.status("campaign")[1]
        wwe = Wwe()
        widget, dom = await start(wwe, "[widget.panels]\ncall-result = false\nreschedule = false\nchain = false\n"
                                        "preview = false\n[outbound]\ntimed-preview-auto-dial = 0")
        for action, extra in (("set-call-result", {"values": {"w-call-result": "6"}}), ("toggle-dnc", {}),
                              ("reschedule", {"values": {"w-when": "06/02/2030 10:00"}}), ("call-record", {"handle": "283"}),
                              ("get-preview", {"values": {"w-campaign": "Sales"}})):
            click(widget, action, **extra)  # a hidden panel's forged click does nothing
        deliver_preview(wwe, widget, "P3")  # and a timed preview nobody can see is not dialled
        await widget.idle()
        assert widget.interaction_id == "P3" and dom.text("slot-preview") == "" and widget.shown.auto_dial_at is None
        for method in ("setCallResult", "setDoNotCall", "rescheduleRecord", "callPreviewRecord", "getPreviewRecord"):
            assert wwe.sent(method) == [], method
    run(scenario())


# -- layout -------------------------------------------------------------------------


LAYOUTS = """
[layout]
order = ["TYPE"]
hidden = ["RO"]
labels = { NOTES = "Agent notes" }
help = { VISITS = "How often they came." }
readonly = ["VISITS"]
[campaign.Sales.layout]
groups = [{ title = "Call", fields = ["UNTIL", "NOTES"] }]
labels = { UNTIL = "Callable until" }
"""


def test_layouts_follow_the_campaign_as_interactions_alternate() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, LAYOUTS)
        assert labels(dom) == ["TYPE", "NOTES", "VISITS", "UNTIL"]  # ordered, RO hidden
        assert "Agent notes" in dom.text("f0-label") and "How often they came." in dom.text("f1-hint")
        assert "Locked by your team's configuration" in dom.text("f1-msg") and not dom.has("f1-revert")
        type_into(widget, VISITS, "9")  # a forged edit of a locked field changes nothing
        assert not widget.shown.editor.has_changes()
        campaign(wwe, "2", "Sales")
        await widget.idle()
        for _ in range(2):
            switch(widget, "2")
            await widget.idle()
            assert labels(dom) == ["UNTIL", "NOTES", "TYPE", "VISITS"]
            assert dom.text("slot-record").count("Call") and "Callable until" in dom.text("f2-label")
            switch(widget, "1")
            await widget.idle()
            assert labels(dom) == ["TYPE", "NOTES", "VISITS", "UNTIL"] and "Call Until" in dom.text("f2-label")
        # the campaign told after the record was shown: its layout applies at once
        campaign(wwe, "1", "Sales")
        await widget.idle()
        assert labels(dom) == ["UNTIL", "NOTES", "TYPE", "VISITS"]
    run(scenario())


# -- rules ---------------------------------------------------------------------------


def example_rules(log: list[Any] | None = None) -> Rules:
    rules = Rules()

    @rules.validate("NOTES")
    def no_shouting(notes: Any, record: Record) -> str | None:
        return "no capitals only" if notes and notes.isupper() else None

    @rules.validate("UNTIL", "VISITS")
    def late_for_regulars(until: Any, record: Record) -> str | None:
        visits = record["VISITS"] or 0
        return "regulars are called before 20:00" if visits > 5 and until and until.hour >= 20 else None

    @rules.derive("TYPE")
    def mobile_for_regulars(record: Record) -> int:
        return 4 if (record["VISITS"] or 0) > 5 else 1

    @rules.before_save
    def stamp(changes: dict[str, Any], record: Record) -> Any:
        if log is not None:
            log.append(dict(changes))
        if changes.get("NOTES") == "veto":
            raise Veto("not today")
        if changes.get("NOTES") == "boom":
            raise RuntimeError("the rule has a bug")
        return {"NOTES": changes["NOTES"].strip()} if "NOTES" in changes else None

    return rules


def test_validators_block_the_save_with_their_message_on_the_right_field() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, rules=example_rules())
        type_into(widget, NOTES, "HELLO")
        assert dom.text("f0-msg") == "Notes: no capitals only" and dom.attr("f0", "aria-invalid") == "true"
        type_into(widget, VISITS, "9")  # cross-field: VISITS changed, the message lands on UNTIL
        assert dom.text("f2-msg") == "Call Until: regulars are called before 20:00"
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields") == []
        assert "no capitals only" in dom.text("slot-summary") and "before 20:00" in dom.text("slot-summary")
        type_into(widget, NOTES, "Hello")
        type_into(widget, UNTIL, "19:00")
        assert dom.text("f0-msg") == "" and dom.text("f2-msg") == ""
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields")[-1][1] == {"NOTES": "Hello", "VISITS": 9, "UNTIL": "19:00", "TYPE": 4}
    run(scenario())


def test_derived_fields_are_locked_and_follow_the_edits() -> None:
    async def scenario() -> None:
        widget, dom = await start(Wwe(), rules=example_rules())
        assert "Computed by your team's rules" in dom.text(f"f{TYPE}-msg") and not dom.has(f"f{TYPE}-revert")
        type_into(widget, VISITS, "9", kind="input")
        assert "Mobile" in dom.text(f"f{TYPE}-row")
        type_into(widget, VISITS, "2")
        assert widget.shown.editor.value("TYPE") == "1" and not widget.shown.editor.is_changed("TYPE")
    run(scenario())


def test_before_save_amends_vetoes_and_a_bug_in_it_keeps_every_edit() -> None:
    async def scenario() -> None:
        wwe, log = Wwe(), []
        widget, dom = await start(wwe, rules=example_rules(log))
        type_into(widget, NOTES, "veto")
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields") == [] and dom.status("record") == ("error", "Not saved: not today")
        type_into(widget, NOTES, "boom")
        click(widget, "save")
        await widget.idle()
        state, text = dom.status("record")
        assert wwe.sent("updateRecordFields") == [] and state == "error"
        assert text.startswith("Not saved: the rule stamp failed (RuntimeError: the rule has a bug); your edits are kept")
        assert widget.shown.editor.text("NOTES") == "boom" and dom.errors and "the rule has a bug" in dom.errors[-1]
        type_into(widget, NOTES, "  padded  ")
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields")[-1][1] == {"NOTES": "padded"} and wwe.value("1", "NOTES") == "padded"
        assert log[-1] == {"NOTES": "  padded  "}
    run(scenario())


def test_a_raising_validator_or_default_is_shown_and_loses_nothing() -> None:
    async def scenario() -> None:
        rules = Rules()

        @rules.validate("NOTES")
        def broken(notes: Any, record: Record) -> str | None:
            return record["NO_SUCH_FIELD"]  # type: ignore[no-any-return]

        @rules.default("NOTES")
        def broken_default(record: Record) -> Any:
            raise ValueError("no default today")

        wwe = Wwe()
        widget, dom = await start(wwe, rules=rules)
        assert "the rule broken_default failed (ValueError: no default today)" in dom.text("slot-notice")
        type_into(widget, NOTES, "kept")
        assert "the rule broken failed (KeyError" in dom.text("f0-msg") and "has no field 'NO_SUCH_FIELD'" in dom.text("f0-msg")
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields") == [] and widget.shown.editor.text("NOTES") == "kept"
        assert not widget.errors  # a rule's bug is the deployer's, shown; not the widget's
    run(scenario())


def test_defaults_fill_empty_fields_and_reactions_pick_a_call_result() -> None:
    async def scenario() -> None:
        rules, seen = Rules(), []

        @rules.default("NOTES")
        def greet(record: Record) -> str:
            return f"{record['VISITS']} visits"

        @rules.on("record")
        def busy_for_regulars(interaction_id: str, reaction: Any) -> None:
            if reaction.record["VISITS"] >= 3:
                reaction.choose_call_result("Busy")

        @rules.on("interaction")
        def note(event: Event, reaction: Any) -> None:
            seen.append(event.event_type)
            reaction.notice(f"WWE says {event.event_type}")

        @rules.on("outbound")
        def pushed(event: Event, reaction: Any) -> None:
            seen.append(f"{event.event_type} {event.interaction_id}")

        wwe = Wwe()
        widget, dom = await start(wwe, rules=rules)
        assert widget.shown.editor.text("NOTES") == "3 visits" and widget.shown.editor.is_changed("NOTES")
        assert "Set by your team's rules: Notes." in dom.text("slot-notice")
        assert dom.value("w-call-result") == "6"
        campaign(wwe, "1", "Sales")
        await widget.idle()
        assert seen == ["CHANGED"] and dom.text("slot-notice").endswith("WWE says CHANGED")
        switch(widget, "2")
        await widget.idle()
        assert widget.shown.editor.text("NOTES") == "3 visits"  # each record gets its own default
        deliver_preview(wwe, widget, "P7")
        await widget.idle()
        assert seen[-1] == "PreviewRecord P7" and widget.interaction_id == "P7"
    run(scenario())


def test_a_before_save_amendment_that_does_not_do_is_undone_and_named() -> None:
    async def scenario() -> None:
        rules = Rules()

        @rules.validate("VISITS")
        def few(visits: Any, record: Record) -> str | None:
            return "at most 10" if visits is not None and visits > 10 else None

        @rules.before_save
        def count_visit(changes: dict[str, Any], record: Record) -> dict[str, Any]:
            return {"VISITS": "many" if changes["NOTES"] == "typed" else 99, "NOTES": changes["NOTES"].upper()}

        wwe = Wwe()
        widget, dom = await start(wwe, '[layout]\nhidden = ["VISITS"]', rules)
        for notes, reason in (("typed", "a before_save rule set values the fields do not take (Visits: "),
                              ("valid type", "with the changes a before_save rule made, Visits (not shown here: "
                                             "layout.hidden): at most 10; your entries are kept")):
            type_into(widget, NOTES, notes)
            click(widget, "save")
            await widget.idle()
            assert wwe.sent("updateRecordFields") == []
            state, text = dom.status("record")
            assert state == "error" and reason in text, text
            # what the agent entered is back, the hidden field untouched
            editor = widget.shown.editor
            assert editor.text("NOTES") == notes and not editor.is_changed("VISITS")
            assert dom.value("f0") == notes and dom.text("slot-summary") == ""
    run(scenario())


def test_a_campaign_section_wwe_does_not_know_is_pointed_out() -> None:
    async def scenario() -> None:
        widget, dom = await start(Wwe(), "[campaign.Sale.privilege.outbound]\ncan-reschedule = false")
        assert any("[campaign.'Sale'] matches none of WWE's campaigns (did you mean 'Sales'?)" in w for w in dom.warnings)
    run(scenario())


def test_edits_of_fields_the_configuration_locks_or_hides_are_dropped_and_said() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        storage = MemoryStorage()
        dom = FakeDom(storage)
        widget = Widget(dom.page, dom, Outbound(wwe.host, timeout=5), "1", clock=lambda: NOW, config=parse_config(""))
        await widget.start()
        await widget.idle()
        type_into(widget, NOTES, "draft notes")
        type_into(widget, VISITS, "8")
        widget.close()
        # the deployer locks Notes and hides Visits; the agent reloads the page
        dom = FakeDom(storage)
        reloaded = Widget(dom.page, dom, Outbound(wwe.host, timeout=5), "1", clock=lambda: NOW,
                          config=parse_config('[layout]\nreadonly = ["NOTES"]\nhidden = ["VISITS"]'))
        await reloaded.start()
        await reloaded.idle()
        assert not reloaded.shown.editor.has_changes()
        assert "Your unsaved change(s) to Notes, Visits were dropped" in dom.text("slot-notice")
        # a forged edit of the hidden field is refused like the locked one's
        reloaded.handle({"type": "change", "field": str(VISITS), "id": f"f{VISITS}", "value": "9"})
        reloaded.handle({"type": "change", "field": str(NOTES), "id": f"f{NOTES}", "value": "x"})
        assert not reloaded.shown.editor.has_changes()
    run(scenario())


def test_rules_that_answer_what_a_field_does_not_take_change_nothing_and_say_so() -> None:
    async def scenario() -> None:
        rules = Rules()

        @rules.default("NOTES")
        def fine(record: Record) -> str:
            return "ok"

        @rules.derive("VISITS")
        def visits(record: Record) -> Any:
            if record["NOTES"] == "boom":
                raise LookupError("no visits today")
            return "lots" if record["NOTES"] == "lots" else 3

        @rules.validate("NOTES")
        def yes(notes: Any, record: Record) -> Any:
            return True if notes == "odd" else None

        wwe = Wwe()
        widget, dom = await start(wwe, rules=rules)
        type_into(widget, NOTES, "lots", kind="input")
        assert "the rule visits gave 'lots', which Visits does not take" in dom.text("slot-notice")
        assert widget.shown.editor.value("VISITS") == 3
        type_into(widget, NOTES, "boom", kind="input")
        assert "the rule visits failed (LookupError: no visits today)" in dom.text("slot-notice")
        type_into(widget, NOTES, "odd")
        assert "the rule yes failed (TypeError: a validator returns a message (text) or None, not bool" in dom.text("f0-msg")
        assert "Computed by your team's rules" in dom.text(f"f{VISITS}-msg")  # the reason stays through every patch
    run(scenario())


def test_second_pass_rules_edge_cases_keep_the_record_and_say_why() -> None:
    async def scenario() -> None:
        rules = Rules()

        @rules.default("NOTES")
        def chatty(record: Record) -> Any:
            raise ValueError("x" * 3000)

        @rules.derive("TYPE")
        def kind(record: Record) -> Any:
            if record["VISITS"] == 13:
                raise LookupError("unlucky")
            return (x for x in "4") if record["VISITS"] == 7 else "1"

        @rules.before_save
        def amend(changes: dict[str, Any], record: Record) -> Any:
            notes = changes.get("NOTES")
            if notes == "back":
                return {"VISITS": 3}  # WWE's own value
            if notes == "exit":
                raise SystemExit("bye")
            if notes == "ro":
                return {"RO": "changed"}
            return None

        @rules.before_save
        def veto(changes: dict[str, Any], record: Record) -> Any:
            return "not today" if changes.get("NOTES") == "back" else None

        wwe = Wwe()
        widget, dom = await start(wwe, rules=rules)
        notice = dom.text("slot-notice")
        assert "the rule chatty failed (ValueError: xxx" in notice and len(notice) <= 320
        editor = widget.shown.editor
        type_into(widget, VISITS, "13")
        assert "the rule kind failed (LookupError: unlucky)" in dom.text("slot-notice")
        type_into(widget, VISITS, "7")  # a generator is no field value
        assert "it gave generator" in dom.text("slot-notice") and editor.text("TYPE") == "1"
        type_into(widget, VISITS, "8")  # the rule works again: its failure is no longer shown
        assert "the rule kind" not in dom.text("slot-notice")
        for notes, expected in (("back", "Not saved: not today"),
                                ("exit", "Not saved: the rule amend failed (SystemExit: bye)"),
                                ("ro", "Not saved: the rule amend failed (ValueError: it amended 'RO', which WWE marks read-only)")):
            type_into(widget, NOTES, notes)
            click(widget, "save")
            await widget.idle()
            assert dom.status("record")[1].startswith(expected), dom.status("record")
            # the agent's 8 survives a hook that set Visits back to WWE's 3 before the save stopped
            assert editor.text("VISITS") == "8" and editor.is_changed("VISITS") and editor.text("NOTES") == notes
        assert wwe.sent("updateRecordFields") == [] and not widget.errors
    run(scenario())


def test_a_timed_preview_follows_its_campaign_learnt_after_it_was_armed() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, "[outbound]\ntimed-preview-auto-dial = 2\n"
                                       "[campaign.Sales.widget.panels]\npreview = false", iid=None)
        wwe.add("P1", "PREVIEW", [{"GSW_RECORD_HANDLE": 500, "GSW_PHONE": "+15550500"}])
        wwe.host.emit("outbound", {"eventType": "PreviewRecord", "interactionId": "P1"})  # no campaignName
        await until(lambda: widget.shown is not None and widget.shown.auto_dial_at is not None)
        campaign(wwe, "P1", "Sales", state="PREVIEW")  # its campaign hides the preview panel
        await widget.idle()
        assert wwe.sent("callPreviewRecord") == [] and widget.shown.auto_dial_at is None
    run(scenario())
