"""A deployer's rule cannot freeze, blank or silently weaken the widget (CPython, fake WWE):
a rule over its time budget is stopped, said with its name and value, and turned off for
the record, in the tab and after a reload; every other way a rule can fail is a reported
rule failure and the record still shows."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bridge import InteractionService, VoiceService, WriteRefusedError
from outbound_widget.config import parse_config
from outbound_widget.rule_budget import RuleTimeout, run_async_within, run_within
from outbound_widget.rules import Record, Rules, Veto
from tests.unit.fake_dom import FakeDom

from .helpers import run
from .test_widget_config import start
from .test_widget_state import NOTES, VISITS, Wwe, click, type_into


def looping_rules(calls: list[str]) -> Rules:
    rules = Rules()

    @rules.validate("NOTES")
    def never_returns(notes: Any, record: Record) -> str | None:
        calls.append(notes)
        while notes == "loop":
            pass
        return None

    return rules


def test_run_within_stops_a_loop_and_a_sleep_at_the_budget_and_returns_what_finishes() -> None:
    def spin() -> None:
        while True:
            pass

    for function in (spin, lambda: time.sleep(30)):
        started = time.perf_counter()
        with pytest.raises(RuleTimeout, match="budget of 40 ms"):
            run_within(40, function)
        assert time.perf_counter() - started < 1.0
    assert run_within(40, lambda x: x * 2, 21) == 42


async def _hung() -> None:
    await asyncio.get_running_loop().create_future()


async def _loops_once_cancelled() -> None:
    try:
        await asyncio.get_running_loop().create_future()
    except asyncio.CancelledError:
        while True:
            pass


async def _waits_again_once_cancelled() -> None:
    try:
        await asyncio.get_running_loop().create_future()
    except asyncio.CancelledError:
        await asyncio.sleep(30)


async def _answers_later() -> str:
    await asyncio.sleep(0.01)
    return "done"


async def _cleans_up(log: list[str]) -> None:
    try:
        await asyncio.get_running_loop().create_future()
    finally:
        log.append("cleaned up")


def test_run_async_within_stops_waits_and_steps_and_leaves_nothing_armed() -> None:
    from outbound_widget import rule_budget

    async def scenario() -> None:
        for coroutine in (_hung(), _loops_once_cancelled(), _waits_again_once_cancelled()):
            started = time.perf_counter()
            with pytest.raises(RuleTimeout, match="budget of 100 ms"):
                await run_async_within(100, coroutine)
            assert time.perf_counter() - started < 1.0
            assert rule_budget._deadline is None  # disarmed: the page's own code runs on
            assert sum(range(1000)) == 499500
        log: list[str] = []
        with pytest.raises(RuleTimeout):
            await run_async_within(50, _cleans_up(log))
        assert log == ["cleaned up"]  # a cancelled wait's finally still runs (the bridge cancels its call there)
        assert await run_async_within(100, _answers_later()) == "done"
    run(scenario())


def test_a_looping_validator_is_stopped_said_and_off_for_the_record_after_a_reload_too() -> None:
    async def scenario() -> None:
        calls: list[str] = []
        wwe = Wwe()
        widget, dom = await start(wwe, "", looping_rules(calls))
        started = time.perf_counter()
        type_into(widget, NOTES, "loop", "change")  # leaving the field runs its validator
        await widget.idle()
        assert time.perf_counter() - started < 1.0  # stopped at its 50 ms, not waited for
        notice = dom.text("slot-notice")
        assert "The rule never_returns ran past its budget on 'loop' and was stopped" in notice
        assert "off for this record" in notice
        assert "NOTES" not in widget.shown.rule_problems  # no verdict from a rule that is off: the save goes
        assert widget.shown.editor.text("NOTES") == "loop"  # the edit is kept
        runs = len(calls)
        type_into(widget, NOTES, "loop", "change")
        await widget.idle()
        assert len(calls) == runs  # not run again for this record
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields")[-1][1]["NOTES"] == "loop"
        # a reload restores nothing that could set it off again: it stays off
        type_into(widget, NOTES, "loop again", "input")
        widget.close()
        reloaded = FakeDom(dom.storage)
        from outbound_widget.app import Widget
        from bridge import Outbound
        from .test_widget_state import NOW
        again = Widget(reloaded.page, reloaded, Outbound(wwe.host, timeout=5), "1", clock=lambda: NOW, config=parse_config(""),
                       rules=looping_rules(calls))
        await again.start()
        await again.idle()
        assert again.shown is not None and again.shown.editor is not None and reloaded.has("w-form")
        assert len(calls) == runs
    run(scenario())


def test_budgets_come_from_the_file_per_hook_and_per_rule() -> None:
    async def scenario() -> None:
        calls: list[str] = []
        wwe = Wwe()
        widget, dom = await start(wwe, "[rule-budget-ms]\nvalidate = 5\nrules = { never_returns = 400 }",
                                  looping_rules(calls))
        started = time.perf_counter()
        type_into(widget, NOTES, "loop", "change")
        await widget.idle()
        assert 0.35 < time.perf_counter() - started < 2.0  # its own 400 ms, not the hook's 5
        assert "never_returns ran past its budget" in dom.text("slot-notice")
    run(scenario())


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no")


def huge(record: Record) -> int:
    return 10**5000


def vetoes(record: Record) -> str:
    raise Veto("derives cannot veto")


def interrupted(event: Any, reaction: Any) -> None:
    raise KeyboardInterrupt


def unprintable(event: Any, reaction: Any) -> None:
    raise Unprintable()


class _LoopsInStr(Exception):
    def __str__(self) -> str:
        while True:
            pass


class _SlyText(str):
    def __len__(self) -> int:
        while True:
            pass


def loops_in_str(record: Record) -> str:
    raise _LoopsInStr()


def sly_text(record: Record) -> str:
    return _SlyText("x")


@pytest.mark.parametrize(("hook", "function", "said"), [
    ("derive", loops_in_str, "loops_in_str failed (_LoopsInStr: <a _LoopsInStr that cannot be shown as text>)"),
    ("derive", sly_text, "sly_text failed (TypeError: it gave _SlyText x for a field"),
    ("derive", huge, "huge failed (ValueError: it gave an integer of 16610 bits"),
    ("derive", vetoes, "vetoes failed (TypeError: it raised Veto (derives cannot veto), which a derive rule cannot"),
    ("on", interrupted, "interrupted failed (KeyboardInterrupt"),
    ("on", unprintable, "unprintable failed (Unprintable: <a Unprintable that cannot be shown as text>)"),
])
def test_every_other_way_a_rule_fails_is_reported_and_the_record_shows(hook: str, function: Any, said: str) -> None:
    async def scenario() -> None:
        rules = Rules()
        rules.derive("VISITS")(function) if hook == "derive" else rules.on("record")(function)
        wwe = Wwe()
        widget, dom = await start(wwe, "", rules)
        assert dom.has("w-form") and widget.shown is not None and widget.shown.editor is not None
        assert said in dom.text("slot-notice")
        type_into(widget, NOTES, "x", "change")
        await widget.idle()
        assert widget.shown.editor.text("NOTES") == "x" and dom.value("f0") == "x"
    run(scenario())


def test_a_before_save_that_raises_cancelled_error_stops_the_save_and_frees_it() -> None:
    async def scenario() -> None:
        rules = Rules()

        @rules.before_save
        def cancelled(changes: dict[str, Any], record: Record) -> None:
            raise asyncio.CancelledError()

        wwe = Wwe()
        widget, dom = await start(wwe, "", rules)
        type_into(widget, VISITS, "4")
        click(widget, "save")
        await widget.idle()
        state, text = dom.status("record")
        assert state == "error" and "cancelled failed (CancelledError" in text, text
        assert not widget.shown.area("record").busy and wwe.sent("updateRecordFields") == []
    run(scenario())


def test_rules_read_wwe_but_what_they_start_cannot_write_it() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        outcomes: list[Any] = []
        rules = Rules()

        @rules.validate("NOTES")
        def acts(notes: Any, record: Record) -> None:
            if notes != "x":  # (validators also run when the record loads)
                return None

            async def read_then_write() -> None:
                outcomes.append((await widget.outbound.get_call_result("1")).code)
                try:
                    await widget.outbound.set_do_not_call("1")
                except WriteRefusedError as exc:
                    outcomes.append(str(exc))
            asyncio.ensure_future(read_then_write())
            return None

        widget, dom = await start(wwe, "", rules)
        type_into(widget, NOTES, "x", "change")
        for _ in range(100):
            if len(outcomes) == 2:
                break
            await asyncio.sleep(0.01)
        assert isinstance(outcomes[0], int) and outcomes[1].startswith("outbound.setDoNotCall changes WWE, which the rule acts may not do")
        assert wwe.sent("setDoNotCall") == []
        # the widget's own actions still write
        click(widget, "toggle-dnc")
        await widget.idle()
        assert wwe.sent("setDoNotCall") == [["1"]]
    run(scenario())


# -- after_save: the one rule that may change WWE, as the widget's own actions may ------------


def test_after_save_gets_what_was_saved_and_may_write_what_the_widget_may() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        wwe.host.replies["interaction.setUserData"] = None
        wwe.host.replies["voice.hangUp"] = None
        seen: list[Any] = []
        rules = Rules()

        @rules.after_save
        async def report(saved: dict[str, Any], record: Record) -> None:
            seen.append((saved, record["VISITS"], record.interaction_id))
            await InteractionService(wwe.host).set_user_data(record.interaction_id or "", {"Visits": saved["VISITS"]})
            await widget.outbound.set_call_result("1", 6)  # allowed: can-set-call-result
            for refused in (widget.outbound.set_do_not_call("1"),  # withheld by the file
                            VoiceService(wwe.host).hang_up("1")):  # never a save's side effect
                try:
                    await refused
                except WriteRefusedError as exc:
                    seen.append(str(exc))

        widget, dom = await start(wwe, "[privilege.outbound]\ncan-mark-do-not-call = false\n", rules)
        type_into(widget, VISITS, "4")
        click(widget, "save")
        await widget.idle()
        assert dom.status("record") == ("done", "Saved 1 change(s).")
        assert seen[0] == ({"VISITS": 4}, 4, "1")
        assert seen[1].startswith("outbound.setDoNotCall changes WWE, which the after_save rule report may not do: "
                                  "the widget's privileges withhold it (privilege.outbound.can-mark-do-not-call is "
                                  "false). Nothing was sent.")
        assert "voice.hangUp changes WWE, which the after_save rule report may not do: an after_save rule changes " \
               "the record's data" in seen[2]
        assert wwe.sent("interaction.setUserData") == [["1", {"Visits": 4}]] and wwe.sent("setCallResult") == [["1", 6]]
        assert wwe.sent("setDoNotCall") == [] and wwe.sent("voice.hangUp") == []
    run(scenario())


@pytest.mark.parametrize("how", ["loops", "waits", "polls"])
def test_an_after_save_over_its_budget_is_stopped_and_said_and_the_save_stands(how: str) -> None:
    async def scenario() -> None:
        wwe = Wwe()
        wwe.host.hold("setCallResult")
        rules = Rules()

        @rules.after_save
        async def slow(saved: dict[str, Any], record: Record) -> None:
            if how == "loops":
                while True:
                    pass
            while how == "polls":  # each step short, WWE answering at once: the stop lands in a step
                await widget.outbound.get_call_result("1")
            await widget.outbound.set_call_result("1", 6)  # WWE never answers

        widget, dom = await start(wwe, "[rule-budget-ms]\nafter-save = 200\n", rules)
        type_into(widget, VISITS, "4")
        started = time.perf_counter()
        click(widget, "save")
        await widget.idle()
        assert time.perf_counter() - started < 2.0
        assert dom.status("record")[0] == "done" and wwe.value("1", "VISITS") == "4"
        assert ("The record is saved; the after_save rule slow ran past its budget and was stopped: its side effects "
                "may not all have happened") in dom.text("slot-notice")
        # the stop landed in the rule's own code, never in the bridge's or asyncio's: all goes on
        type_into(widget, VISITS, "5")
        click(widget, "save")
        await widget.idle()
        assert dom.status("record")[0] == "done" and wwe.value("1", "VISITS") == "5"
    run(scenario())


def test_a_before_save_amending_by_a_str_subclass_key_is_refused_not_run() -> None:
    class LoopsOnEq(str):
        __hash__ = str.__hash__

        def __eq__(self, other: object) -> bool:
            while True:
                pass

    async def scenario() -> None:
        rules = Rules()

        @rules.before_save
        def amends(changes: dict[str, Any], record: Record) -> dict[str, Any]:
            return {LoopsOnEq("NOTES"): "amended"}

        wwe = Wwe()
        widget, dom = await start(wwe, "", rules)
        type_into(widget, VISITS, "4")
        started = time.perf_counter()
        click(widget, "save")
        await widget.idle()
        assert time.perf_counter() - started < 2.0
        state, text = dom.status("record")
        assert state == "error" and "amends failed (TypeError: it amended a field named by a LoopsOnEq" in text, text
        assert wwe.sent("updateRecordFields") == []
    run(scenario())


def test_a_subscription_a_rule_makes_is_held_to_the_rule_read_only_and_bounded() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        heard: list[str] = []
        rules = Rules()

        @rules.validate("NOTES")
        def subscribes(notes: Any, record: Record) -> None:
            async def writes(event: Any) -> None:
                heard.append(event.interaction_id)
                try:
                    await widget.outbound.set_do_not_call("1")  # refused: the rule's policy holds
                except WriteRefusedError:
                    heard.append("refused")

            def loops(event: Any) -> None:
                while True:
                    pass
            if notes == "listen":
                widget.outbound.subscribe("outbound", writes)
            if notes == "loop":
                widget.outbound.subscribe("outbound", loops)
            return None

        async def settle() -> None:
            for _ in range(20):
                await asyncio.sleep(0.01)

        widget, dom = await start(wwe, "", rules)
        type_into(widget, NOTES, "listen", "change")
        await widget.idle()
        wwe.host.emit("outbound", {"eventType": "RecordUpdated", "interactionId": "8"})
        await settle()
        assert heard[:2] == ["8", "refused"] and wwe.sent("setDoNotCall") == []
        type_into(widget, NOTES, "loop", "change")
        await widget.idle()
        started = time.perf_counter()
        wwe.host.emit("outbound", {"eventType": "RecordUpdated", "interactionId": "9"})
        await settle()
        assert time.perf_counter() - started < 2.0  # the looping handler was stopped at its rule's budget
        assert wwe.sent("setDoNotCall") == []
    run(scenario())
