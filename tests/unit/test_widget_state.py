"""The widget's controller against a stateful fake WWE, with interleavings:
one state per interaction, nothing stale, nothing lost, nothing sent twice."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import datetime, timezone
from typing import Any

import pytest

from bridge import Outbound
from bridge.testing import FakeFailure, FakeHost
from outbound_widget.app import Widget
from outbound_widget.drafts import PREFIX, SENDING, MemoryStorage

from .fake_dom import FakeDom
from .helpers import run

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)

FIELDS = [
    {"name": "NOTES", "displayName": "Notes", "value": "", "isEditable": True, "isMandatory": False,
     "fieldType": "var-char", "valueType": "string"},
    {"name": "VISITS", "displayName": "Visits", "value": "3", "isEditable": True, "isMandatory": False,
     "fieldType": "int", "valueType": "number"},
    {"name": "UNTIL", "displayName": "Call Until", "value": "21:00", "isEditable": True, "isMandatory": True,
     "fieldType": "time", "valueType": "string"},
    {"name": "TYPE", "displayName": "Phone Type", "value": "1", "isEditable": True, "isMandatory": False,
     "fieldType": "enum", "valueType": "number", "options": {"1": "Home", "4": "Mobile"}},
    {"name": "RO", "displayName": "Greeting", "value": "Hi", "isEditable": False, "isMandatory": False,
     "fieldType": "var-char", "valueType": "string"},
]
NOTES, VISITS, UNTIL, TYPE = 0, 1, 2, 3


def record(handle: int, phone: str, **extra: Any) -> dict[str, Any]:
    return {"GSW_RECORD_HANDLE": handle, "GSW_PHONE": phone, "GSW_TZ_NAME": "EST", "GSW_TZ_OFFSET": -18000,
            "GSW_FROM": 28800, "GSW_UNTIL": 75600, "GSW_CALL_RESULT": 28, **extra}


class Wwe:
    """A small stateful WWE: records per interaction, WWE's rules, updates kept and read back."""

    def __init__(self) -> None:
        self.interactions: dict[str, dict[str, Any]] = {}
        self.add("1", "TALKING", [record(283, "+15550001"), record(284, "+15550002")])
        self.add("2", "TALKING", [record(301, "+15550101")])
        self.next_preview = 1
        self.host = FakeHost({
            "getListOfCallResults": {"OK": 0, "BUSY": 6, "NO_ANSWER": 7},
            "getCampaigns": [{"name": "Sales", "mode": "Preview", "status": "Active"}],
            "getRecordFields": lambda a: copy.deepcopy(self.get(a[0])["fields"]),
            "getChainedRecords": lambda a: [{"records": copy.deepcopy(self.get(a[0])["chain"])}],
            "getCallResult": lambda a: self.get(a[0])["result"],
            "updateRecordFields": self.update,
            "setCallResult": self.set_result,
            "setDoNotCall": lambda a: self.called(a[0]).update(dnc=True) or None,
            "removeDoNotCall": lambda a: self.called(a[0]).update(dnc=False) or None,
            "rescheduleRecord": lambda a: self.get(a[0]).update(schedule=a[2]) or None,
            "cancelReschedule": lambda a: self.get(a[0]).update(schedule=None) or None,
            "callPreviewRecord": self.call,
            "getPreviewRecord": self.preview,
            "rejectPreviewRecord": lambda a: self.interactions.pop(self.previewing(a[0])["id"]) and None,
            "cancelPreviewRecord": lambda a: self.interactions.pop(self.previewing(a[0])["id"]) and None,
            "startDirectPushPreview": None, "stopDirectPushPreview": None,
        })

    def add(self, iid: str, state: str, chain: list[dict[str, Any]]) -> None:
        self.interactions[iid] = {"id": iid, "state": state, "fields": copy.deepcopy(FIELDS), "chain": chain,
                                  "result": 28, "dnc": False, "schedule": None}

    def get(self, iid: str) -> dict[str, Any]:
        if iid not in self.interactions:
            raise FakeFailure(f"Interaction {iid!r} not found")
        return self.interactions[iid]

    def called(self, iid: str) -> dict[str, Any]:
        it = self.get(iid)
        if it["state"] == "PREVIEW":
            raise FakeFailure(f"Interaction {iid!r} has no call yet")
        return it

    def previewing(self, iid: str) -> dict[str, Any]:
        it = self.get(iid)
        if it["state"] != "PREVIEW":
            raise FakeFailure(f"Interaction {iid!r} is not a preview record")
        return it

    def update(self, args: list[Any]) -> None:
        it = self.get(args[0])
        for field in it["fields"]:
            if field["name"] in args[1]:
                value = args[1][field["name"]]
                field["value"] = "" if value is None else str(value)

    def set_result(self, args: list[Any]) -> None:
        it = self.called(args[0])
        if it["dnc"]:
            raise FakeFailure("Do Not Call is set")
        it["result"] = args[1]
        it["chain"][0]["GSW_CALL_RESULT"] = args[1]

    def call(self, args: list[Any]) -> None:
        self.previewing(args[0])["state"] = "DIALING"

    def preview(self, args: list[Any]) -> dict[str, Any]:
        iid = f"P{self.next_preview}"
        self.next_preview += 1
        self.add(iid, "PREVIEW", [record(400 + self.next_preview, "+15550999")])
        return {"interactionId": iid, "campaignName": args[0], "records": self.interactions[iid]["chain"]}

    def value(self, iid: str, name: str) -> Any:
        return next(f["value"] for f in self.interactions[iid]["fields"] if f["name"] == name)

    def sent(self, method: str) -> list[list[Any]]:
        return self.host.sent(method)


async def turn() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def start(wwe: Wwe, dom: FakeDom | None = None, iid: str | None = "1") -> tuple[Widget, FakeDom]:
    dom = dom or FakeDom()
    widget = Widget(dom.page, dom, Outbound(wwe.host, timeout=5), iid, clock=lambda: NOW)
    await widget.start()
    await widget.idle()
    return widget, dom


def click(widget: Widget, action: str, **extra: Any) -> None:
    widget.handle({"type": "click", "action": action, **extra})


def type_into(widget: Widget, index: int, text: str, kind: str = "change") -> None:
    widget.page.patch([("value", f"f{index}", text)])  # what the browser does as the agent types
    widget.handle({"type": kind, "field": str(index), "id": f"f{index}", "value": text})


def when(widget: Widget, text: str) -> None:
    widget.page.patch([("value", "w-when", text)])
    widget.handle({"type": "input", "id": "w-when", "value": text})


def switch(widget: Widget, iid: str) -> None:
    widget.handle({"type": "change", "action": "switch", "value": iid})


async def held_save(widget: Widget, wwe: Wwe) -> Any:
    """Click Save with WWE holding its answer to the update; returns the held call."""
    wwe.host.hold("updateRecordFields")
    click(widget, "save")
    await turn()
    return wwe.host.last("updateRecordFields")


def answer(wwe: Wwe, call: Any) -> None:
    """WWE applies a held update and answers it."""
    wwe.host.modes.clear()
    wwe.update(call.args)
    call.answer(None)


def deliver_preview(wwe: Wwe, widget: Widget, iid: str) -> None:
    wwe.add(iid, "PREVIEW", [record(500, "+15550500")])
    wwe.host.emit("outbound", {"eventType": "PreviewRecord", "interactionId": iid, "campaignName": "Sales"})


# -- one state per interaction ---------------------------------------------------------


def test_statuses_and_retries_stay_with_their_interaction() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        when(widget, "06/02/2030 10:00")
        click(widget, "reschedule")
        await widget.idle()
        assert dom.status("reschedule")[0] == "done"
        click(widget, "call-record", handle="283")  # WWE refuses: 1 is already in a call
        await widget.idle()
        state, text = dom.status("chain")
        assert state == "error" and "not a preview record" in text
        deliver_preview(wwe, widget, "P9")
        await turn()
        await widget.idle()
        assert widget.interaction_id == "P9"
        for area in ("reschedule", "chain", "call-result", "record", "preview"):
            assert dom.status(area)[0] in ("idle", None), (area, dom.status(area))
            assert "Rescheduled" not in dom.status(area)[1] and "refused" not in dom.status(area)[1]
        assert dom.value("w-when") == ""
        calls = len(wwe.sent("callPreviewRecord"))
        click(widget, "retry", area="chain")  # nothing to retry on P9
        await widget.idle()
        assert len(wwe.sent("callPreviewRecord")) == calls
        switch(widget, "1")
        await widget.idle()
        assert dom.status("reschedule")[0] == "done" and dom.status("chain")[0] == "error"
        assert dom.value("w-when") == "06/02/2030 10:00"
        click(widget, "retry", area="chain")
        await widget.idle()
        assert wwe.sent("callPreviewRecord")[-1] == ["1", 283]  # the retry is interaction 1's own
    run(scenario())


def test_an_action_finishing_after_a_switch_lands_on_its_own_interaction() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        wwe.host.hold("setCallResult")
        click(widget, "set-call-result", values={"w-call-result": "7"})
        await turn()
        assert dom.status("call-result")[0] == "busy"
        switch(widget, "2")
        await turn()
        assert dom.status("call-result") == ("idle", "")
        wwe.host.last("setCallResult").answer(None)
        await widget.idle()
        assert dom.status("call-result") == ("idle", "") and widget.interaction_id == "2"
        assert wwe.sent("setCallResult") == [["1", 7]]
        switch(widget, "1")
        await widget.idle()
        assert dom.status("call-result")[0] == "done" and "No answer" in dom.status("call-result")[1]
    run(scenario())


def test_an_answer_for_an_interaction_no_longer_shown_is_kept_for_it_not_shown() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, iid=None)
        wwe.host.hold("getRecordFields")
        switch(widget, "1")
        await turn()
        first = wwe.host.last("getRecordFields")
        switch(widget, "2")
        await turn()
        wwe.interactions["2"]["fields"][NOTES]["value"] = "two"
        wwe.host.last("getRecordFields").answer(copy.deepcopy(wwe.interactions["2"]["fields"]))
        await turn()
        first.answer(copy.deepcopy(wwe.interactions["1"]["fields"]))  # late, for 1
        await widget.idle()
        assert widget.interaction_id == "2" and dom.value("f0") == "two"
        reads = len(wwe.sent("getRecordFields"))
        switch(widget, "1")
        await widget.idle()
        assert dom.value("f0") == "" and len(wwe.sent("getRecordFields")) == reads  # 1's answer was kept
    run(scenario())


def test_double_clicks_send_once() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        wwe.host.hold("getPreviewRecord")
        click(widget, "get-preview")
        click(widget, "get-preview")
        await turn()
        assert len(wwe.sent("getPreviewRecord")) == 1 and dom.status("campaign")[0] == "busy"
        wwe.host.modes.clear()
        wwe.host.last("getPreviewRecord").answer(wwe.preview(["Sales"]))
        await widget.idle()
        assert widget.interaction_id == "P1"
        switch(widget, "1")
        await widget.idle()
        type_into(widget, NOTES, "once")
        wwe.host.hold("updateRecordFields")
        click(widget, "save")
        click(widget, "save")
        await turn()
        click(widget, "save")
        await turn()
        assert len(wwe.sent("updateRecordFields")) == 1
        wwe.host.modes.clear()
        call = wwe.host.last("updateRecordFields")
        wwe.update(call.args)
        call.answer(None)
        await widget.idle()
        assert dom.status("record")[0] == "done" and len(wwe.sent("updateRecordFields")) == 1
        # dialling twice from the chain table and the preview's Call
        switch(widget, "P1")
        await widget.idle()
        wwe.host.hold("callPreviewRecord")
        click(widget, "call-record", handle=wwe.interactions["P1"]["chain"][0]["GSW_RECORD_HANDLE"])
        click(widget, "call-preview")
        await turn()
        assert len(wwe.sent("callPreviewRecord")) == 1
    run(scenario())


# -- saving ----------------------------------------------------------------------------


def test_text_typed_during_a_save_is_kept_on_top_of_the_new_baseline() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        type_into(widget, NOTES, "first")
        call = await held_save(widget, wwe)
        type_into(widget, NOTES, "first and more", kind="input")
        type_into(widget, VISITS, "9", kind="input")
        assert call.args == ["1", {"NOTES": "first"}]
        answer(wwe, call)
        await widget.idle()
        editor = widget.shown.editor  # type: ignore[union-attr]
        assert editor is not None and editor.changes() == {"NOTES": "first and more", "VISITS": 9}
        assert editor.original_text("NOTES") == "first"
        assert dom.value("f0") == "first and more" and dom.text("f0-was") == "was: first"
        assert json.loads(dom.storage.items[PREFIX + "1"]) == {"NOTES": "first and more", "VISITS": "9"}
        assert dom.status("record")[0] == "done" and dom.text("w-save") == "Save 2 changes"
    run(scenario())


def test_a_failed_read_back_keeps_what_was_sent_as_the_baseline_not_what_was_typed() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        type_into(widget, NOTES, "sent")
        call = await held_save(widget, wwe)
        type_into(widget, NOTES, "typed later", kind="input")
        wwe.host.replies["getRecordFields"] = lambda a: (_ for _ in ()).throw(FakeFailure("OCS is busy"))
        answer(wwe, call)
        await widget.idle()
        state, text = dom.status("record")
        assert state == "done" and "could not read the record back" in text and "OCS is busy" in text
        editor = widget.shown.editor  # type: ignore[union-attr]
        assert editor is not None and editor.original_text("NOTES") == "sent" and editor.is_changed("NOTES")
        assert dom.attr("f0-row", "data-changed") == "true"
    run(scenario())


def test_a_save_wwe_answers_too_late_is_checked_not_sent_again() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        widget.outbound._timeout = 0.05  # type: ignore[attr-defined]
        type_into(widget, NOTES, "late")
        wwe.host.hold("updateRecordFields")
        click(widget, "save")
        await turn()
        wwe.update(wwe.host.last("updateRecordFields").args)  # WWE did it; its answer never comes
        wwe.host.modes.clear()
        await asyncio.sleep(0.1)
        await widget.idle()
        state, text = dom.status("record")
        assert state == "done" and "did not confirm in time, but the record shows them" in text
        assert not widget.shown.editor.has_changes()  # type: ignore[union-attr]
        assert len(wwe.sent("updateRecordFields")) == 1 and PREFIX + "1" not in dom.storage.items
    run(scenario())


def test_a_save_that_timed_out_and_did_not_land_is_said_plainly_and_retried_once() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        widget.outbound._timeout = 0.05  # type: ignore[attr-defined]
        type_into(widget, NOTES, "lost")
        wwe.host.hold("updateRecordFields")
        click(widget, "save")
        await asyncio.sleep(0.1)
        await widget.idle()
        state, text = dom.status("record")
        assert state == "error" and "does not show your changes" in text and "Retry" in text
        assert dom.value("f0") == "lost"
        # The late update lands before the agent retries: Retry checks first and sends nothing.
        wwe.update(wwe.host.last("updateRecordFields").args)
        wwe.host.modes.clear()
        click(widget, "retry", area="record")
        await widget.idle()
        assert len(wwe.sent("updateRecordFields")) == 1
        assert dom.status("record") == ("done", "WWE already has your changes: nothing to send.")
    run(scenario())


def test_another_writer_is_detected_before_saving_and_the_agent_chooses() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        wwe.interactions["1"]["fields"][VISITS]["value"] = "5"  # the console changed it
        wwe.interactions["1"]["fields"][UNTIL]["value"] = "20:00"  # and this one, which the agent did not touch
        type_into(widget, VISITS, "4")
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields") == []
        state, text = dom.status("record")
        assert state == "error" and "WWE changed 1 field(s) you edited" in text
        assert "WWE now has “5”, you entered “4”" in dom.text("w-conflict-box")
        assert dom.value("f2") == "20:00"  # the untouched field shows WWE's new value
        click(widget, "keep-mine")
        await widget.idle()
        assert wwe.sent("updateRecordFields") == [["1", {"VISITS": 4}]] and wwe.value("1", "VISITS") == "4"
        # and the other way: take WWE's
        wwe.interactions["1"]["fields"][VISITS]["value"] = "6"
        type_into(widget, VISITS, "7")
        click(widget, "save")
        await widget.idle()
        click(widget, "take-wwe")
        await widget.idle()
        assert dom.value("f1") == "6" and not widget.shown.editor.has_changes()  # type: ignore[union-attr]
        assert len(wwe.sent("updateRecordFields")) == 1 and dom.attr("w-conflict-box", "hidden") == ""
    run(scenario())


@pytest.mark.parametrize("shared_locks", [True, False])
def test_two_views_saving_one_record_at_once_the_second_is_a_conflict(shared_locks: bool) -> None:
    async def scenario() -> None:
        wwe = Wwe()
        locks: dict[str, asyncio.Lock] = {}
        first, first_dom = await start(wwe, FakeDom(locks=locks))
        second, second_dom = await start(wwe, FakeDom(locks=locks if shared_locks else {}))
        type_into(first, NOTES, "from the first view")
        type_into(second, NOTES, "from the second view")
        click(first, "save")
        click(second, "save")  # at once: both would check WWE's record before either writes
        await asyncio.gather(first.idle(), second.idle())
        if not shared_locks:  # (what a check alone lets through: the reason for the lock)
            assert len(wwe.sent("updateRecordFields")) == 2
            return
        assert wwe.sent("updateRecordFields") == [["1", {"NOTES": "from the first view"}]]
        assert first_dom.status("record")[0] == "done"
        state, text = second_dom.status("record")
        assert state == "error" and "WWE changed 1 field(s) you edited" in text
        assert "WWE now has “from the first view”, you entered “from the second view”" in second_dom.text("w-conflict-box")
        assert second_dom.value("f0") == "from the second view"  # nothing of the agent's lost
        click(second, "keep-mine")  # the agent decides
        await second.idle()
        assert wwe.value("1", "NOTES") == "from the second view"
    run(scenario())


def test_a_save_waits_for_another_views_save_says_so_and_gives_up_with_a_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    from outbound_widget.panels import record as record_panel
    monkeypatch.setattr(record_panel, "SAVE_LOCK_WAIT_S", 0.3)

    async def scenario() -> None:
        wwe = Wwe()
        locks: dict[str, asyncio.Lock] = {}
        widget, dom = await start(wwe, FakeDom(locks=locks))
        other_view = locks.setdefault(record_panel.SAVE_LOCK + "1", asyncio.Lock())
        await other_view.acquire()  # another view's save of record 1, hung
        type_into(widget, NOTES, "mine")
        click(widget, "save")
        for _ in range(200):  # (said once the lock is not free at once: after 0.1 s)
            if dom.status("record")[1].startswith("Waiting"):
                break
            await asyncio.sleep(0.01)
        assert dom.status("record") == ("busy", "Waiting for another view of this record to finish saving it…")
        await widget.idle()
        state, text = dom.status("record")
        assert state == "error" and text.startswith("Not saved: another view of this record has been saving it for "
                                                    "0.3 s. Your edits are kept")
        assert wwe.sent("updateRecordFields") == [] and dom.value("f0") == "mine"
        other_view.release()
        click(widget, "retry", area="record")
        await widget.idle()
        assert dom.status("record")[0] == "done" and wwe.value("1", "NOTES") == "mine"
    run(scenario())


@pytest.mark.parametrize("landed", [True, False])
def test_a_reload_during_a_save_checks_wwe_instead_of_sending_again(landed: bool) -> None:
    async def scenario() -> None:
        wwe = Wwe()
        storage = MemoryStorage()
        widget, dom = await start(wwe, FakeDom(storage))
        type_into(widget, NOTES, "before reload")
        wwe.host.hold("updateRecordFields")
        click(widget, "save")
        await turn()
        assert json.loads(storage.items[SENDING + "1"]) == {"NOTES": "before reload"}
        if landed:
            wwe.update(wwe.host.last("updateRecordFields").args)
        widget.close()  # the page is reloaded
        wwe.host.modes.clear()
        widget, dom = await start(wwe, FakeDom(storage))
        notice = dom.text("slot-notice")
        if landed:
            assert "reached WWE" in notice and "Restored" not in notice
            assert not widget.shown.editor.has_changes()  # type: ignore[union-attr]
            assert PREFIX + "1" not in storage.items  # (WWE has it: a later reload must not offer it again)
        else:
            assert "was not confirmed, and WWE does not have it" in notice and "Restored 1 unsaved change(s)" in notice
            assert dom.value("f0") == "before reload"
        click(widget, "save")
        await widget.idle()
        assert len(wwe.sent("updateRecordFields")) == (1 if landed else 2)
        assert wwe.value("1", "NOTES") == "before reload" and SENDING + "1" not in storage.items
    run(scenario())


def test_a_failed_save_on_another_interaction_is_shown_on_return_not_as_a_reload() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        type_into(widget, NOTES, "keep me")
        wwe.host.hold("updateRecordFields")
        click(widget, "save")
        await turn()
        switch(widget, "2")
        await turn()
        wwe.host.modes.clear()
        wwe.host.last("updateRecordFields").fail("Record locked")
        await widget.idle()
        assert dom.status("record") == ("idle", "") and dom.value("f0") == ""
        switch(widget, "1")
        await widget.idle()
        state, text = dom.status("record")
        assert state == "error" and "Record locked" in text and "Restored" not in dom.text("slot-notice")
        assert dom.value("f0") == "keep me"
    run(scenario())


def test_controls_keep_what_the_agent_entered_across_status_changes() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        widget.handle({"type": "change", "action": "choose-result", "id": "w-call-result", "value": "7"})
        when(widget, "06/03/2030 09:00")
        widget.handle({"type": "change", "action": "choose-callback-type", "id": "w-callback-type", "value": "CAMPAIGN"})
        click(widget, "toggle-dnc")  # re-draws the call result section
        await widget.idle()
        click(widget, "cancel-reschedule")
        await widget.idle()
        assert dom.value("w-call-result") == "7" and dom.value("w-when") == "06/03/2030 09:00"
        assert dom.value("w-callback-type") == "CAMPAIGN"
        wwe.host.replies["removeDoNotCall"] = lambda a: (_ for _ in ()).throw(FakeFailure("no"))
        click(widget, "toggle-dnc")
        await widget.idle()
        assert dom.status("call-result")[0] == "error" and dom.value("w-call-result") == "7"
    run(scenario())


def test_writes_re_read_the_chain() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        assert "Busy" not in dom.text("w-chain") and "21:00" in dom.text("w-chain")
        click(widget, "set-call-result", values={"w-call-result": "6"})
        await widget.idle()
        wwe.interactions["1"]["chain"][0]["GSW_UNTIL"] = 72000  # 20:00, as a save would change it
        type_into(widget, NOTES, "x")
        click(widget, "save")
        await widget.idle()
        row = dom.text("w-chain")
        assert "Busy" in row and "20:00" in row
    run(scenario())


# -- actions follow the interaction's state --------------------------------------------


def test_actions_wwe_would_refuse_are_disabled_with_the_reason() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, iid=None)
        click(widget, "get-preview")
        await widget.idle()
        assert widget.interaction_id == "P1"
        # a preview: no call result or Do Not Call yet
        assert dom.disabled("w-set-call-result") and dom.attr("w-set-call-result", "aria-describedby") == "w-call-result-why"
        assert "Call the record first" in dom.text("w-call-result-why") and dom.disabled("w-dnc")
        assert not dom.disabled("w-call-preview")
        click(widget, "call-preview")
        await widget.idle()
        assert wwe.interactions["P1"]["state"] == "DIALING"
        for button in ("w-call-preview", "w-reject-preview", "w-cancel-preview"):
            assert dom.disabled(button) and dom.attr(button, "aria-describedby") == "w-preview-why"
        assert "has been called" in dom.text("w-preview-why")
        assert all("disabled" in b[1] for b in _buttons(dom, "call-record"))
        assert not dom.disabled("w-set-call-result")
        calls = len(wwe.sent("callPreviewRecord"))
        click(widget, "call-preview")
        click(widget, "reject-preview")
        await widget.idle()
        assert len(wwe.sent("callPreviewRecord")) == calls and wwe.sent("rejectPreviewRecord") == []
    run(scenario())


def _buttons(dom: FakeDom, action: str) -> list[list[Any]]:
    from bridge.tree import walk
    return [el for root in dom.roots.values() for el in walk(root) if el[1].get("data-action") == action]


def test_a_callback_in_the_past_or_badly_written_is_refused_before_sending() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        # NOW is 12:00 UTC = 07:00 EST (UTC-5) in the record's zone
        when(widget, "06/01/2030 06:59")
        assert "is in the past: it is now 06/01/2030 07:00 in the record's time zone" in dom.text("w-when-error")
        click(widget, "reschedule")
        when(widget, "6/1/2030 9:05")
        click(widget, "reschedule", values={"w-when": "6/1/2030 9:05"})
        await widget.idle()
        assert wwe.sent("rescheduleRecord") == [] and "two digits" in dom.text("w-when-error")
        # 07:30 is after "now" (07:00) but before the record's calling window opens (08:00)
        click(widget, "reschedule", values={"w-when": "06/01/2030 07:30", "w-callback-type": "CAMPAIGN"})
        await widget.idle()
        assert wwe.sent("rescheduleRecord") == []
        assert "07:30 is outside the customer's calling window, 08:00–21:00 record time" in dom.text("w-when-warning")
        assert dom.attr("w-reschedule-anyway", "hidden") is None and dom.focused == "w-reschedule-anyway"
        click(widget, "reschedule-anyway", values={"w-when": "06/01/2030 07:30", "w-callback-type": "CAMPAIGN"})
        await widget.idle()
        assert wwe.sent("rescheduleRecord") == [["1", 283, "06/01/2030 07:30", "CAMPAIGN"]]
        assert "outside the calling window" in dom.text("w-scheduled")
        when(widget, "06/01/2030 09:15")  # inside: sent at once, no warning
        assert dom.attr("w-when-warning", "hidden") == ""
        click(widget, "reschedule", values={"w-when": "06/01/2030 09:15", "w-callback-type": "PERSONAL"})
        await widget.idle()
        assert wwe.sent("rescheduleRecord")[-1] == ["1", 283, "06/01/2030 09:15", "PERSONAL"]
    run(scenario())


# -- errors never escape or vanish ---------------------------------------------------------


def test_an_unexpected_error_ends_the_busy_state_is_shown_and_reaches_idle() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)

        async def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("a bug")

        widget.outbound.set_do_not_call = broken  # type: ignore[method-assign]
        click(widget, "toggle-dnc")
        with pytest.raises(RuntimeError, match="a bug"):
            await widget.idle()
        state, text = dom.status("call-result")
        assert state == "error" and "Unexpected error" in text and not widget.shown.area("call-result").busy  # type: ignore[union-attr]
        assert "RuntimeError: a bug" in dom.errors[-1]
        await widget.idle()  # reported once
    run(scenario())


def test_malformed_wwe_values_never_crash_the_widget() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        wwe.interactions["1"]["chain"] = [record(283, "+1", GSW_TZ_NAME="Mars", GSW_TZ_OFFSET=10**12, GSW_CALL_RESULT="²")]
        wwe.interactions["2"]["chain"] = [record(301, "+2", GSW_RECORD_HANDLE="--5")]
        widget, dom = await start(wwe)
        assert "+1" in dom.text("w-chain") and "is not a UTC offset" in dom.text("w-zone")
        when(widget, "06/02/2030 10:00")
        assert "time zone is unknown" in dom.text("w-when-local") and not dom.errors
        switch(widget, "2")
        await widget.idle()
        assert "+2" in dom.text("w-chain") and "No record to reschedule" in dom.text("slot-reschedule")
        assert all("disabled" in b[1] for b in _buttons(dom, "call-record"))

    run(scenario())


def test_a_subscriber_that_raises_does_not_stop_the_others() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        outbound = Outbound(wwe.host)
        heard: list[str] = []
        reported: list[BaseException] = []
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context["exception"]))

        def bad(event: Any) -> None:
            raise ValueError("listener bug")

        outbound.subscribe("outbound", bad)
        outbound.subscribe("outbound", lambda event: heard.append(event.event_type))
        wwe.host.emit("outbound", {"eventType": "PreviewRecord"})
        assert heard == ["PreviewRecord"] and isinstance(reported[0], ValueError)
    run(scenario())


# -- the rest of the routes: WWE's interaction events, the session, loading failures ----


def test_interaction_events_update_switch_and_prune() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        wwe.host.emit("interaction", {"eventType": "ADDED", "interaction": {"interactionId": "2", "state": "TALKING",
                                                                            "campaignName": "Sales"}})
        await widget.idle()
        assert dom.text("w-switch") == "12"
        wwe.host.emit("interaction", {"eventType": "CHANGED", "interaction": {"interactionId": "1", "state": "COMPLETED",
                                                                              "doNotCall": True}})
        await widget.idle()
        assert "COMPLETED" in dom.text("slot-header") and dom.attr("w-dnc", "aria-pressed") == "true"
        assert "Marked done" in dom.text("w-call-result-why")  # (before Do Not Call: nothing of it can change)
        renders = dom.renders
        wwe.host.emit("interaction", {"eventType": "CHANGED", "interaction": {"interactionId": "1", "state": "COMPLETED",
                                                                              "doNotCall": True}})
        await widget.idle()
        assert dom.renders == renders  # nothing changed: nothing redrawn
        wwe.host.emit("interaction", {"eventType": "REMOVED", "interaction": {"interactionId": "2"}})
        await widget.idle()
        assert "2" not in widget.interactions and not dom.has("w-switch")
        type_into(widget, NOTES, "draft")
        wwe.host.emit("interaction", {"eventType": "REMOVED", "interaction": {"interactionId": "1"}})
        await widget.idle()
        assert widget.shown is None and "Interaction 1 is gone" in dom.text("slot-notice")
        assert dom.text("slot-record") == "No interaction yet."
        assert not [key for key in dom.storage.items if key.startswith(PREFIX)] and dom.text("slot-call-result") == ""
        wwe.host.emit("interaction", {"eventType": "OTHER", "interaction": {"interactionId": "9"}})
        await widget.idle()
        wwe.host.emit("outbound", {"eventType": "Nothing"})
        await widget.idle()
        assert "9" not in widget.interactions
        # the page's events for a gone interaction do nothing
        widget.handle({"type": "change", "field": "0", "id": "f0", "value": "x", "interaction": "1"})
        widget.close()
        assert widget.stop_events is None
    run(scenario())


def test_not_connected_to_wwe_says_how_to_open_the_page() -> None:
    class NoWwe(FakeHost):
        def listen(self, events: Any, deliver: Any) -> Any:
            from bridge import NotInWWEError
            raise NotInWWEError("genesys.wwe.service is not in this page")

    async def scenario() -> None:
        dom = FakeDom()
        widget = Widget(dom.page, dom, Outbound(NoWwe({})), "1")
        await widget.start()
        assert "Not connected to WWE" in dom.text("slot-notice") and "simulator" in dom.text("slot-record")
    run(scenario())


def test_loading_failures_have_their_own_retry() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        down = {"getRecordFields", "getCallResult", "getChainedRecords", "getCampaigns", "getListOfCallResults"}
        saved = {m: wwe.host.replies[m] for m in down}
        for method in down:
            wwe.host.replies[method] = lambda a: (_ for _ in ()).throw(FakeFailure("OCS is down"))
        widget, dom = await start(wwe)
        assert "Could not load the record" in dom.text("slot-record")
        assert "Could not read the call result" in dom.status("call-result")[1]
        assert "Could not read the chained records" in dom.status("chain")[1]
        assert "Could not load campaigns" in dom.status("campaign")[1]
        assert "Using the standard call results" in dom.text("w-results-note")
        wwe.host.replies.update(saved)
        for area in ("record", "call-result", "chain", "campaign"):
            click(widget, "retry", area=area)
        await widget.idle()
        assert dom.has("w-form") and "Sales" in dom.text("w-campaign") and dom.has("w-chain")
        assert dom.value("w-call-result") == "28"
    run(scenario())


def test_preview_session_actions() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, iid=None)
        assert "No interaction yet" in dom.text("slot-record")
        widget.handle({"type": "change", "action": "choose-campaign", "value": "Sales"})
        click(widget, "toggle-direct-push")
        await widget.idle()
        assert dom.attr("w-direct-push", "aria-pressed") == "true" and "started" in dom.status("campaign")[1]
        click(widget, "toggle-direct-push")
        await widget.idle()
        assert dom.attr("w-direct-push", "aria-pressed") == "false"
        click(widget, "get-preview", values={"w-campaign": "Sales"})
        await widget.idle()
        assert widget.interaction_id == "P1" and not dom.disabled("w-reject-preview")
        click(widget, "reject-preview")
        await widget.idle()
        assert widget.shown is None and "rejected" in dom.status("campaign")[1] and "P1" not in wwe.interactions
        click(widget, "get-preview")
        await widget.idle()
        click(widget, "cancel-preview")
        await widget.idle()
        assert "P2 cancelled" in dom.status("campaign")[1]
        wwe.host.replies["getPreviewRecord"] = lambda a: (_ for _ in ()).throw(FakeFailure("No records"))
        click(widget, "get-preview")
        await widget.idle()
        assert dom.status("campaign")[0] == "error" and "No records" in dom.status("campaign")[1]
        wwe.host.replies["getPreviewRecord"] = wwe.preview
        click(widget, "retry", area="campaign")
        await widget.idle()
        assert widget.interaction_id == "P3"
    run(scenario())


def test_editing_reverting_and_a_record_that_changes_shape() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        type_into(widget, NOTES, "one")
        type_into(widget, VISITS, "oops")
        click(widget, "revert", field="0")
        assert dom.value("f0") == "" and dom.focused == "f0" and dom.text("w-save") == "Save 1 change"
        click(widget, "save")
        await widget.idle()
        assert "Visits" in dom.text("slot-summary") and dom.focused == "f1"
        click(widget, "focus-field", field="0")
        assert dom.focused == "f0"
        click(widget, "revert-all")
        assert dom.text("w-save") == "No changes to save" and dom.text("slot-summary") == ""
        widget.handle({"type": "change", "field": "4", "id": "f4", "value": "read-only"})  # a read-only row
        assert not widget.shown.editor.has_changes()  # type: ignore[union-attr]
        # WWE adds a field: the save's check re-draws the form with it, keeping the edit
        wwe.interactions["1"]["fields"].append({"name": "NEW", "displayName": "New", "value": "n", "isEditable": True,
                                                "isMandatory": False, "fieldType": "var-char", "valueType": "string"})
        type_into(widget, NOTES, "kept")
        wwe.host.hold("updateRecordFields")
        click(widget, "save")
        await turn()
        assert "New" in dom.text("slot-record") and dom.value("f0") == "kept"
        wwe.host.modes.clear()
        wwe.update(wwe.host.last("updateRecordFields").args)
        wwe.interactions["1"]["fields"][NOTES]["value"] = "someone else"  # between the update and the read-back
        wwe.host.last("updateRecordFields").answer(None)
        await widget.idle()
        assert "WWE now holds other values for Notes" in dom.status("record")[1]
        assert dom.value("f0") == "kept" and dom.attr("f0-row", "data-changed") == "true"
    run(scenario())


def test_a_refused_check_or_update_keeps_every_edit() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        type_into(widget, NOTES, "keep")
        reads = wwe.host.replies["getRecordFields"]
        wwe.host.replies["getRecordFields"] = lambda a: (_ for _ in ()).throw(FakeFailure("busy"))
        click(widget, "save")
        await widget.idle()
        assert "could not be read to check it first" in dom.status("record")[1] and dom.value("f0") == "keep"
        wwe.host.replies["getRecordFields"] = reads
        wwe.host.replies["updateRecordFields"] = lambda a: (_ for _ in ()).throw(FakeFailure("locked"))
        click(widget, "retry", area="record")
        await widget.idle()
        assert "Not saved. WWE refused it: locked" in dom.status("record")[1] and dom.value("f0") == "keep"
        assert SENDING + "1" not in dom.storage.items and json.loads(dom.storage.items[PREFIX + "1"]) == {"NOTES": "keep"}
        # a timeout whose check cannot read the record either: nothing is sent again without a check
        widget.outbound._timeout = 0.05  # type: ignore[attr-defined]
        wwe.host.replies["updateRecordFields"] = wwe.update
        wwe.host.hold("updateRecordFields")
        click(widget, "retry", area="record")
        await turn()
        wwe.host.replies["getRecordFields"] = lambda a: (_ for _ in ()).throw(FakeFailure("busy"))
        await asyncio.sleep(0.1)
        await widget.idle()
        assert "Retry checks what WWE has before sending anything again" in dom.status("record")[1]
        assert SENDING + "1" in dom.storage.items
    run(scenario())


def test_outcome_and_schedule_edges() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        click(widget, "set-call-result", values={"w-call-result": ""})
        await widget.idle()
        assert dom.status("call-result") == ("error", "Choose a call result first.")
        click(widget, "toggle-dnc")
        await widget.idle()
        click(widget, "set-call-result", values={"w-call-result": "6"})  # disabled on the page; refused here too
        await widget.idle()
        assert "Do Not Call is set" in dom.status("call-result")[1] and wwe.sent("setCallResult") == []
        click(widget, "reschedule", values={"w-when": ""})
        await widget.idle()
        assert "enter the callback" in dom.text("w-when-error")
        click(widget, "reschedule", values={"w-when": "06/05/2030 10:00", "w-callback-type": "PERSONAL"})
        await widget.idle()
        assert "Callback set: 06/05/2030 10:00 EST (UTC-05:00) (PERSONAL)" in dom.text("w-scheduled")
        click(widget, "cancel-reschedule")
        await widget.idle()
        assert not dom.has("w-scheduled") and wwe.interactions["1"]["schedule"] is None
        # a preview: no call result, no Do Not Call, and its chain not loaded yet for Call
        deliver_preview(wwe, widget, "P9")
        await turn()
        await widget.idle()
        click(widget, "toggle-dnc")
        await widget.idle()
        assert "Call the record first" in dom.status("call-result")[1] and wwe.sent("setDoNotCall") == [["1"]]
        widget.shown.chain = []  # type: ignore[union-attr]
        click(widget, "call-preview")
        await widget.idle()
        assert "chain is not loaded yet" in dom.status("preview")[1]
    run(scenario())


def test_an_event_flood_is_coalesced_bounded_and_fetches_once() -> None:
    from outbound_widget.wwe_events import MAX_INTERACTIONS

    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        renders, reads = dom.renders, len(wwe.sent("getRecordFields"))
        for n in range(1000):  # the shown interaction, changed over and over: the latest wins
            wwe.host.emit("interaction", {"eventType": "CHANGED", "interaction": {
                "interactionId": "1", "state": "TALKING", "doNotCall": n % 2 == 1}})
        await widget.idle()
        assert dom.attr("w-dnc", "aria-pressed") == "true" and dom.renders - renders <= 8  # one redraw of its sections
        for n in range(1000):  # many new interactions: kept within bounds, one header per batch
            wwe.host.emit("interaction", {"eventType": "ADDED", "interaction": {"interactionId": f"A{n}", "state": "TALKING"}})
        await widget.idle()
        assert len(widget.interactions) <= MAX_INTERACTIONS and "1" in widget.interactions
        assert "A999" in widget.interactions and "A0" not in widget.interactions
        for n in range(500):  # pushed records: only the one the burst ends on is loaded
            wwe.add(f"P{n}", "PREVIEW", [record(600 + n, "+1555")])
            wwe.host.emit("outbound", {"eventType": "PreviewRecord", "interactionId": f"P{n}", "campaignName": "Sales"})
        await widget.idle()
        assert widget.interaction_id == "P499"
        assert wwe.sent("getRecordFields")[reads:] == [["P499"]]
        for n in range(1000):
            wwe.host.emit("interaction", {"eventType": "REMOVED", "interaction": {"interactionId": f"A{n}"}})
        await widget.idle()
        assert not [iid for iid in widget.interactions if iid.startswith("A")]
    run(scenario())


def test_a_reload_keeps_every_interaction_reachable_with_its_state_and_drafts() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        storage = MemoryStorage()
        widget, dom = await start(wwe, FakeDom(storage))
        deliver_preview(wwe, widget, "P9")
        await widget.idle()
        type_into(widget, NOTES, "draft on P9")
        widget.close()  # the frame is reloaded, still on ?interaction=1
        widget, dom = await start(wwe, FakeDom(storage))
        assert "Unsaved changes are kept for interaction(s) P9" in dom.text("slot-notice")
        assert dom.text("w-switch") == "1P9"
        switch(widget, "P9")
        await widget.idle()
        assert dom.value("f0") == "draft on P9" and "Restored 1 unsaved change(s)" in dom.text("slot-notice")
        # WWE's events had said P9 is a preview: what WWE would refuse stays disabled
        assert dom.disabled("w-set-call-result") and dom.disabled("w-dnc") and not dom.disabled("w-call-preview")
    run(scenario())


def test_when_the_shown_interaction_goes_the_others_stay_reachable() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe)
        type_into(widget, NOTES, "unsaved on 1")
        deliver_preview(wwe, widget, "P9")
        await widget.idle()
        click(widget, "cancel-preview")
        await widget.idle()
        assert widget.shown is None and dom.text("slot-notice").count("gone") == 1
        assert dom.value("w-switch") == "" and "1" in dom.text("w-switch")
        switch(widget, "1")
        await widget.idle()
        assert dom.value("f0") == "unsaved on 1"
    run(scenario())


def test_a_read_that_works_on_retry_clears_its_error_and_revert_all_clears_a_stale_retry() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        chain = wwe.host.replies["getChainedRecords"]
        wwe.host.replies["getChainedRecords"] = lambda a: (_ for _ in ()).throw(FakeFailure("busy"))
        widget, dom = await start(wwe)
        assert dom.status("chain")[0] == "error"
        wwe.host.replies["getChainedRecords"] = chain
        click(widget, "retry", area="chain")
        await widget.idle()
        assert dom.status("chain") == ("idle", "") and dom.has("w-chain")
        wwe.host.replies["updateRecordFields"] = lambda a: (_ for _ in ()).throw(FakeFailure("down"))
        type_into(widget, NOTES, "x")
        click(widget, "save")
        await widget.idle()
        assert "Retry" in dom.status("record")[1]
        click(widget, "revert-all")
        assert dom.status("record") == ("idle", "")
        click(widget, "retry", area="record")
        await widget.idle()
        assert len(wwe.sent("updateRecordFields")) == 1 and dom.status("record") == ("idle", "")
    run(scenario())


@pytest.mark.parametrize("named", [True, False])
def test_a_dialled_preview_that_gets_a_new_id_keeps_its_record_drafts_and_statuses(named: bool) -> None:
    async def scenario() -> None:
        wwe = Wwe()
        widget, dom = await start(wwe, iid=None)
        click(widget, "get-preview")
        await widget.idle()
        assert widget.interaction_id == "P1"
        type_into(widget, NOTES, "typed on the preview")
        wwe.interactions["P1"]["chain"][0]["GSW_CHAIN_ID"] = 77
        await widget.chain.load(widget.interactions["P1"])

        def call(args: list[Any]) -> None:  # WWE: the call is a new interaction
            it = wwe.interactions.pop(args[0])
            it.update(id="C1", state="DIALING")
            wwe.interactions["C1"] = it
            user = {"GSW_CHAIN_ID": 77, "GSW_RECORD_HANDLE": it["chain"][0]["GSW_RECORD_HANDLE"]}
            wwe.host.emit("interaction", {"eventType": "ADDED", "interaction": {
                "interactionId": "C1", "state": "TALKING", "userData": user, **({"previousInteractionId": "P1"} if named else {})}})
            wwe.host.emit("interaction", {"eventType": "REMOVED", "interaction": {"interactionId": "P1"}})

        wwe.host.replies["callPreviewRecord"] = call
        click(widget, "call-preview")
        await widget.idle()
        assert widget.interaction_id == "C1" and "P1" not in widget.interactions
        assert dom.value("f0") == "typed on the preview" and "same record" in dom.text("slot-notice")
        assert dom.status("preview")[0] == "done" and json.loads(dom.storage.items[PREFIX + "C1"]) == {"NOTES": "typed on the preview"}
        assert dom.attr("w-form", "data-interaction") == "C1"
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields")[-1] == ["C1", {"NOTES": "typed on the preview"}]
        click(widget, "set-call-result", values={"w-call-result": "6"})
        await widget.idle()
        assert wwe.sent("setCallResult") == [["C1", 6]]
    run(scenario())


def test_wwes_rate_limit_is_said_once_and_each_area_can_retry() -> None:
    from bridge import RateLimit

    async def scenario() -> None:
        wwe = Wwe()
        dom = FakeDom()
        widget = Widget(dom.page, dom, Outbound(wwe.host, rate_limit=RateLimit(3, 0.3, pace=False)), "1", clock=lambda: NOW)
        await widget.start()  # five reads at once: the fourth goes over the limit, and the fifth is ignored too
        await widget.idle()
        assert dom.text("slot-notice").count("went over WWE's rate limit") == 1
        failed = [area for area in ("record", "call-result", "chain") if dom.status(area)[0] == "error"] + \
            (["record"] if "Not sent" in dom.text("slot-record") else [])
        assert failed and all("Not sent: WWE is ignoring this view" in (dom.status(a)[1] or dom.text("slot-record"))
                              for a in failed)
        assert len(wwe.host.calls) == 3
        await asyncio.sleep(0.35)
        for area in ("record", "call-result", "chain"):
            click(widget, "retry", area=area)
            await widget.idle()
        assert dom.has("w-form") and dom.has("w-chain")
    run(scenario())


def test_the_callback_label_is_the_zone_at_the_callback_and_skipped_times_are_refused() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        wwe.interactions["1"]["chain"][0].update(GSW_TZ_NAME="PST", GSW_TZ_OFFSET=-28800, GSW_FROM=0, GSW_UNTIL=0)
        widget, dom = await start(wwe)  # NOW is June 2030: PDT; the callback is in December: PST
        click(widget, "reschedule", values={"w-when": "12/02/2030 10:00", "w-callback-type": "PERSONAL"})
        await widget.idle()
        assert "12/02/2030 10:00 PST (America/Los_Angeles, UTC-08:00)" in dom.text("w-scheduled")
        when(widget, "03/09/2031 02:30")  # the US spring change: 02:30 is skipped
        assert "does not exist in the record's time zone" in dom.text("w-when-error")
        click(widget, "reschedule", values={"w-when": "03/09/2031 02:30", "w-callback-type": "PERSONAL"})
        await widget.idle()
        assert len(wwe.sent("rescheduleRecord")) == 1
    run(scenario())
