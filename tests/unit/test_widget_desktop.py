"""The widget in WWE's desktop (CPython, fake WWE): it gates on WWE's documented states,
asked at open; it never lets a record be marked done with work left (WWE's mark-done block
follows what is left, released the moment the record is clean); its own Mark done is offered
only on a clean record; WWE's options narrow the file and the file cannot re-grant; toasts say
what the agent must not miss when the widget is not in front of them."""

from __future__ import annotations

import asyncio
from typing import Any

from bridge import Outbound
from bridge.testing import FakeFailure
from outbound_widget.app import Widget
from outbound_widget.config import parse_config
from outbound_widget.desktop import Desktop

from .fake_dom import FakeDom
from .helpers import run
from .test_widget_config import until
from .test_widget_state import NOTES, NOW, VISITS, Wwe, click, deliver_preview, switch, turn, type_into


class Desk(Wwe):
    """The stateful fake WWE, with the desktop around outbound: states, blocks, options, toasts."""

    def __init__(self, options: dict[str, str] | None = None, allowed: list[str] | None = None) -> None:
        super().__init__()
        self.options = options or {}
        self.blocks: dict[str, str] = {}
        self.toasts: list[dict[str, Any]] = []
        self.visible = True
        self.done: list[str] = []
        self.host.replies.update({
            "interaction.getByInteractionId": lambda a: ({"interactionId": a[0], "state": self.get(a[0])["state"]}
                                                         if a[0] in self.interactions else None),
            "interaction.blockMarkdone": lambda a: self.blocks.__setitem__(a[0], a[1]),
            "interaction.unblockMarkdone": lambda a: self.blocks.pop(a[0], None) and None,
            "interaction.markdone": self.mark_done,
            "configuration.getOption": lambda a: [{"name": "interaction-workspace", "options": self.options}],
            "system.getAllowedServices": allowed if allowed is not None else ["*"],
            "system.amIVisible": lambda a: self.visible,
            "system.popupToast": lambda a: self.toasts.append(a[0]) or f"wweCustomToast{len(self.toasts)}",
        })

    def mark_done(self, args: list[Any]) -> None:
        if args[0] in self.blocks:
            raise FakeFailure(f"Mark done is blocked: {self.blocks[args[0]]}")
        self.get(args[0])["state"] = "COMPLETED"
        self.done.append(args[0])


async def start(desk: Desk, config: str = "", iid: str | None = "1", dom: FakeDom | None = None) -> tuple[Widget, FakeDom]:
    dom = dom or FakeDom()
    widget = Widget(dom.page, dom, Outbound(desk.host, timeout=5), iid, clock=lambda: NOW, config=parse_config(config),
                    desktop=Desktop.on(desk.host, timeout=5))
    await widget.start()
    await widget.idle()
    return widget, dom


def state(desk: Desk, iid: str, value: str) -> None:
    """WWE moves the interaction (and says so, in its documented event shape)."""
    desk.interactions[iid]["state"] = value
    desk.host.emit("interaction", {"eventType": "CHANGED", "interaction": {"interactionId": iid, "state": value}})


async def settle(widget: Widget) -> None:
    await turn()
    await widget.idle()


# -- states ------------------------------------------------------------------------------


def test_a_view_opened_during_a_preview_asks_wwe_and_offers_no_call_result() -> None:
    async def scenario() -> None:
        desk = Desk()
        desk.interactions["1"]["state"] = "PREVIEW"  # no event told the view: it asks at open
        widget, dom = await start(desk)
        assert desk.sent("interaction.getByInteractionId") == [["1"]]
        assert widget.shown is not None and widget.shown.state == "PREVIEW"
        click(widget, "set-call-result", values={"w-call-result": "6"})
        await widget.idle()
        assert desk.sent("setCallResult") == [] and "once the record has been called" in dom.status("call-result")[1]
        state(desk, "1", "Talking")  # any case
        await settle(widget)
        click(widget, "set-call-result", values={"w-call-result": "6"})
        await widget.idle()
        assert desk.sent("setCallResult") == [["1", 6]]
    run(scenario())


def test_a_state_the_widget_does_not_know_is_logged_once_and_wwe_decides() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk)
        state(desk, "1", "WRAPPING_UP_SOMEHOW")
        state(desk, "1", "WRAPPING_UP_SOMEHOW")
        await settle(widget)
        assert sum("WRAPPING_UP_SOMEHOW" in w for w in dom.warnings) == 1
        assert widget.shown is not None and widget.shown.phase == "unknown"
        click(widget, "set-call-result", values={"w-call-result": "6"})  # not refused by the widget
        await widget.idle()
        assert desk.sent("setCallResult") == [["1", 6]]
    run(scenario())


# -- the mark-done block -----------------------------------------------------------------


def test_unsaved_edits_block_mark_done_with_what_is_left_and_a_save_releases_it() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk)
        assert desk.blocks == {} and desk.sent("interaction.unblockMarkdone") == []  # nothing to release
        type_into(widget, NOTES, "call back after 5", "input")
        await settle(widget)
        assert desk.blocks["1"].startswith("Outbound record: 1 unsaved change in Notes")
        type_into(widget, VISITS, "4", "input")
        await settle(widget)
        assert "2 unsaved changes in Notes, Visits" in desk.blocks["1"]
        assert "Mark done waits: " in dom.text("slot-done")
        state(desk, "1", "IDLE")  # the call is released
        await settle(widget)
        assert not dom.has("w-mark-done")  # not offered: something is left
        desk.host.hold("updateRecordFields")
        click(widget, "save")
        await turn()
        held = desk.host.last("updateRecordFields")
        await settle_until(lambda: "a save to WWE is on its way" in desk.blocks.get("1", ""))
        desk.update(held.args)
        held.answer(None)
        await settle(widget)
        assert "1" not in desk.blocks, desk.blocks
        assert dom.has("w-mark-done")
    run(scenario())


def test_keystrokes_that_change_nothing_of_mark_done_redraw_nothing() -> None:
    # (a redraw of the Mark done line on each key cost a style and layout pass of the whole
    # form: 5.6 -> 11.2 ms a keystroke at 5,000 fields, bench/widget_render.py)
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk)
        type_into(widget, NOTES, "a", "input")
        await settle(widget)
        renders = dom.renders
        for text in ("ab", "abc", "abcd"):
            type_into(widget, NOTES, text, "input")
            await settle(widget)
        assert dom.renders == renders and "1 unsaved change in Notes" in dom.text("slot-done")
        type_into(widget, VISITS, "4", "input")  # what is left changed: the line follows
        await settle(widget)
        assert "2 unsaved changes in Notes, Visits" in dom.text("slot-done")
    run(scenario())


async def settle_until(done: Any) -> None:
    for _ in range(50):
        if done():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


def test_revert_all_releases_the_block() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, _ = await start(desk)
        type_into(widget, NOTES, "a", "input")
        type_into(widget, VISITS, "4", "input")
        await settle(widget)
        assert "2 unsaved changes" in desk.blocks["1"]
        click(widget, "revert-all")
        await settle(widget)
        assert "1" not in desk.blocks
    run(scenario())


def test_the_block_follows_the_latest_state_when_changes_overlap_its_calls() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, _ = await start(desk)
        desk.host.hold("interaction.blockMarkdone")
        type_into(widget, NOTES, "a", "input")
        await turn()
        first = desk.host.last("interaction.blockMarkdone")
        # while WWE has not answered, the agent reverts: the record is clean again
        click(widget, "revert", field=str(NOTES))
        await turn()
        assert len(desk.sent("interaction.blockMarkdone")) == 1  # one call at a time
        desk.blocks["1"] = first.args[1]
        first.answer(None)
        await settle(widget)
        assert "1" not in desk.blocks  # the guard looked again and released it
        assert widget.guard is not None and widget.guard.blocked() == []
    run(scenario())


def test_fields_to_correct_and_a_required_call_result_block_too() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, _ = await start(desk, "[widget]\nmark-done-needs-call-result = true")
        await settle(widget)
        assert desk.blocks["1"] == ("Outbound record: no call result set. Set a call result in the outbound widget "
                                    "first.")  # 28: OCS's "unknown"
        type_into(widget, VISITS, "many", "change")
        await settle(widget)
        assert "1 field to correct (Visits)" in desk.blocks["1"]
        click(widget, "revert", field=str(VISITS))
        click(widget, "set-call-result", values={"w-call-result": "6"})
        await settle(widget)
        assert "1" not in desk.blocks
    run(scenario())


def test_mark_done_from_the_widget_only_on_a_clean_record_after_the_call() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk)
        assert not dom.has("w-mark-done") and "once the call is released" in dom.text("slot-done")
        state(desk, "1", "IDLE")
        await settle(widget)
        click(widget, "mark-done")
        await settle(widget)
        assert desk.done == ["1"] and "sent the record to OCS" in dom.status("done")[1]
        assert dom.text("slot-done") == "" or not dom.has("w-mark-done")
    run(scenario())


def test_a_record_marked_done_changes_no_more_and_edits_wwe_sent_without_are_kept_in_words() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk)
        click(widget, "set-call-result", values={"w-call-result": "6"})
        await settle(widget)
        type_into(widget, NOTES, "call back after 5", "input")
        desk.host.hold("updateRecordFields")
        click(widget, "save")
        await settle_until(lambda: desk.sent("updateRecordFields"))
        desk.host.modes.clear()
        desk.host.last("updateRecordFields").fail("Connection lost")
        await settle(widget)
        assert dom.status("record")[0] == "error"  # with its Retry
        # WWE marks it done anyway (a WWE that ignores blocks, or a supervisor): OCS has the
        # record without the edit, which the form can no longer send
        state(desk, "1", "COMPLETED")
        await settle(widget)
        assert "sent it to OCS without them: Notes: call back after 5" in dom.text("slot-notice")
        assert widget.shown is not None and widget.shown.editor is not None and not widget.shown.editor.has_changes()
        assert all(c.kind.value == "readonly" for c in widget.shown.controls)
        assert "Marked done" in dom.text("w-call-result-why")
        updates = len(desk.sent("updateRecordFields"))
        type_into(widget, NOTES, "forged", "input")  # a forged edit, the Retry, a forged call result
        click(widget, "retry", area="record")
        click(widget, "set-call-result", values={"w-call-result": "7"})
        await settle(widget)
        assert len(desk.sent("updateRecordFields")) == updates and desk.sent("setCallResult") == [["1", 6]]
        assert dom.status("call-result")[1].startswith("Marked done") and dom.status("record")[1].endswith("Nothing was sent.")
        assert "1" not in desk.blocks  # nothing left that a save could still do
    run(scenario())


def test_mark_done_is_not_offered_when_the_deployment_turns_it_off() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk, "[widget]\nmark-done = false")
        state(desk, "1", "IDLE")
        await settle(widget)
        assert not dom.has("w-mark-done")
        click(widget, "mark-done")  # a forged click
        await settle(widget)
        assert desk.sent("interaction.markdone") == []
    run(scenario())


def test_a_block_wwe_refuses_is_said_once_and_tried_again_on_the_next_change() -> None:
    async def scenario() -> None:
        desk = Desk()
        desk.host.replies["interaction.blockMarkdone"] = lambda a: (_ for _ in ()).throw(FakeFailure("not allowed"))
        widget, dom = await start(desk)
        type_into(widget, NOTES, "a", "input")
        await settle(widget)
        type_into(widget, NOTES, "ab", "input")
        await settle(widget)
        assert len(desk.sent("interaction.blockMarkdone")) == 2
        assert sum("hold WWE's Done back" in w for w in dom.warnings) == 1
        # the agent is told where they look: WWE's Done would go ahead with the edit unsaved
        assert "WWE's Done is not held back" in dom.text("slot-done") and "1 unsaved change in Notes" in dom.text("slot-done")
        del desk.host.replies["interaction.blockMarkdone"]  # WWE takes it again
        desk.host.replies["interaction.blockMarkdone"] = lambda a: desk.blocks.__setitem__(a[0], a[1])
        type_into(widget, NOTES, "abc", "input")
        await settle(widget)
        assert "1" in desk.blocks and "not held back" not in dom.text("slot-done")
        assert "Mark done waits" in dom.text("slot-done")
    run(scenario())


def test_interactions_not_shown_keep_their_block_and_forgotten_ones_drop_it() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, _ = await start(desk)
        type_into(widget, NOTES, "for one", "input")
        await settle(widget)
        switch(widget, "2")
        await settle(widget)
        assert "1" in desk.blocks and "2" not in desk.blocks
        assert widget.guard is not None and widget.guard.blocked() == ["1"]
        desk.host.emit("interaction", {"eventType": "REMOVED", "interaction": {"interactionId": "1"}})
        await settle(widget)
        assert widget.guard.blocked() == []
    run(scenario())


# -- WWE's options -----------------------------------------------------------------------


def test_wwe_withholds_a_privilege_and_the_file_cannot_re_grant_it() -> None:
    async def scenario() -> None:
        desk = Desk({"privilege.outbound.can-set-call-result": "false",
                     "outbound.call-result-values": "Busy,NoAnswer"})
        widget, dom = await start(desk, "[privilege.outbound]\ncan-set-call-result = true\n"
                                        "[outbound]\ncall-result-values = ['Answer', 'Busy']")
        assert desk.sent("configuration.getOption") == [[["privilege.outbound.*", "outbound.*"]]]
        assert not dom.has("w-call-result")
        click(widget, "set-call-result", values={"w-call-result": "6"})
        await widget.idle()
        assert desk.sent("setCallResult") == []
        assert widget.settings(widget.shown).call_result_values == ("BUSY",)
        notice = dom.text("slot-notice")
        assert "WWE does not offer Answer" in notice and "differ" in notice
    run(scenario())


def test_a_view_wwe_does_not_let_read_options_follows_the_file_and_says_so() -> None:
    async def scenario() -> None:
        desk = Desk({"privilege.outbound.can-set-call-result": "false"}, allowed=["outbound.*", "interaction.*"])
        widget, dom = await start(desk)
        assert desk.sent("configuration.getOption") == []
        assert "does not let this view read its options" in dom.text("slot-notice")
        assert dom.has("w-call-result")  # the file (defaults) alone
    run(scenario())


def test_can_use_false_withholds_every_outbound_action() -> None:
    async def scenario() -> None:
        desk = Desk({"privilege.outbound.can-use": "false"})
        widget, dom = await start(desk)
        settings = widget.settings(widget.shown)
        assert not any(settings.privileges.values())
        assert "can-use is false" in dom.text("slot-notice")
        # the record is shown read-only, and what arrives regardless is refused, sending nothing
        assert widget.shown is not None and all(c.kind.value == "readonly" for c in widget.shown.controls)
        type_into(widget, NOTES, "forged", "input")
        widget.shown.editor.set_text(widget.shown.fields[NOTES].name, "forged")  # (as a script would)
        click(widget, "save")
        click(widget, "toggle-direct-push")
        await settle(widget)
        assert dom.status("record")[1] == "Not allowed for you (privilege.outbound.can-use): nothing was sent."
        assert "can-use" in dom.status(widget.preview.session_area)[1]
        assert desk.sent("updateRecordFields") == [] and desk.sent("startDirectPushPreview") == []
    run(scenario())


# -- toasts ------------------------------------------------------------------------------


def test_a_save_that_fails_after_the_agent_moved_on_is_a_toast() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, _ = await start(desk)
        type_into(widget, NOTES, "keep me", "input")
        desk.host.hold("updateRecordFields")
        click(widget, "save")
        await turn()
        held = desk.host.last("updateRecordFields")
        switch(widget, "2")
        await turn()
        held.fail("OCS is not reachable")
        await settle(widget)
        assert [t["title"] for t in desk.toasts] == ["Outbound record not saved"]
        assert "Interaction 1" in desk.toasts[0]["message"] and "OCS is not reachable" in desk.toasts[0]["message"]
        assert "1" in desk.blocks  # and the edits still hold mark done
    run(scenario())


def test_a_failure_in_front_of_the_agent_is_no_toast_unless_wwe_hides_the_widget() -> None:
    async def scenario() -> None:
        desk = Desk()
        desk.host.replies["updateRecordFields"] = lambda a: (_ for _ in ()).throw(FakeFailure("refused"))
        widget, _ = await start(desk)
        type_into(widget, NOTES, "x", "input")
        click(widget, "save")
        await settle(widget)
        assert desk.toasts == []
        desk.visible = False
        click(widget, "retry", area="record")
        await settle(widget)
        assert len(desk.toasts) == 1
    run(scenario())


def test_after_a_reload_each_known_interaction_is_blocked_or_released_as_it_stands() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk)
        type_into(widget, NOTES, "kept", "input")
        switch(widget, "2")
        await settle(widget)
        assert set(desk.blocks) == {"1"}
        widget.close()
        desk.blocks["2"] = "a block WWE still holds from before"  # (whatever WWE holds: not known)
        reloaded, _ = await start(desk, iid="2", dom=FakeDom(dom.storage))
        await settle(reloaded)
        assert set(desk.blocks) == {"1"} and "unsaved changes kept from before a reload" in desk.blocks["1"]
        # an interaction learnt of afterwards is assumed unblocked: nothing is sent for it
        sent = len(desk.sent("interaction.unblockMarkdone"))
        desk.host.emit("interaction", {"eventType": "ADDED", "interaction": {"interactionId": "9", "state": "TALKING"}})
        await settle(reloaded)
        assert len(desk.sent("interaction.unblockMarkdone")) == sent
    run(scenario())


def test_drafts_of_a_record_marked_done_while_the_view_was_away_are_kept_as_text_not_offered() -> None:
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk)
        type_into(widget, NOTES, "typed before it went away", "input")
        await settle(widget)
        widget.close()  # the view is gone (navigated, crashed): WWE marks the record done meanwhile
        desk.blocks.clear()
        desk.interactions["1"]["state"] = "COMPLETED"
        reloaded, dom = await start(desk, dom=FakeDom(dom.storage))
        await settle(reloaded)
        notice = dom.text("slot-notice")
        assert "sent it to OCS without them: Notes: typed before it went away" in notice and "Restored" not in notice
        assert reloaded.shown is not None and reloaded.shown.editor is not None
        assert not reloaded.shown.editor.has_changes() and "1" not in desk.blocks
    run(scenario())


def test_a_timed_preview_due_while_wwe_shows_another_view_waits_until_the_widget_is_back(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from outbound_widget.panels import preview
    monkeypatch.setattr(preview, "VISIBLE_POLL_S", 0.05)

    async def scenario() -> None:
        desk = Desk({"outbound.timed-preview-auto-dial": "1"})
        widget, dom = await start(desk, iid=None)
        deliver_preview(desk, widget, "P1")
        await until(lambda: widget.shown is not None and widget.shown.auto_dial_at is not None)
        desk.visible = False  # the agent opened another tab of WWE's sidebar mid-countdown
        await until(lambda: any(t["title"] == "Preview record not dialled" for t in desk.toasts))
        asked = len(desk.sent("system.amIVisible"))
        await until(lambda: len(desk.sent("system.amIVisible")) >= asked + 3)  # it looked 3 times: still hidden
        assert desk.sent("callPreviewRecord") == []
        desk.visible = True  # back: the countdown starts again, and then dials
        await until(lambda: "Dialling in 1 s" in dom.text("w-auto-dial"))
        await until(lambda: desk.sent("callPreviewRecord"))
        assert [a[0] for a in desk.sent("callPreviewRecord")] == ["P1"]
    run(scenario())


def test_a_revert_waits_for_the_save_on_its_way() -> None:
    # (Revert all during a save showed the old value and "Saved", while WWE got the edit)
    async def scenario() -> None:
        desk = Desk()
        widget, dom = await start(desk)
        type_into(widget, NOTES, "typed", "change")
        desk.host.hold("updateRecordFields")
        click(widget, "save")
        await settle_until(lambda: desk.sent("updateRecordFields"))
        click(widget, "revert-all")
        click(widget, "revert", field=str(NOTES))
        assert widget.shown is not None and widget.shown.editor is not None
        assert widget.shown.editor.text("NOTES") == "typed" and "revert once it is done" in dom.status("record")[1]
        held = desk.host.last("updateRecordFields")
        desk.host.modes.clear()
        desk.update(held.args)
        held.answer(None)
        await settle(widget)
        assert dom.status("record")[0] == "done" and dom.value(f"f{NOTES}") == "typed"
        click(widget, "revert-all")  # now it reverts what is left: nothing, WWE has the edit
        await settle(widget)
        assert dom.value(f"f{NOTES}") == "typed" and not widget.shown.editor.has_changes()
    run(scenario())


def test_a_view_opened_on_a_timed_preview_starts_its_countdown_once_wwe_says_it_is_one() -> None:
    async def scenario() -> None:
        desk = Desk({"outbound.timed-preview-auto-dial": "1"})
        desk.interactions["1"]["state"] = "PREVIEW"  # known from getByInteractionId only
        widget, dom = await start(desk)
        await until(lambda: desk.sent("callPreviewRecord"))
        assert desk.sent("callPreviewRecord")[0][0] == "1"
    run(scenario())
