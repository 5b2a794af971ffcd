"""Storage that cannot keep a draft says so (CPython, fake WWE): the tab's storage full
(another page of the site filled it), or a draft too large to keep, is said in a notice
the agent cannot miss; the edits stay in memory and save correctly; they are written
again once space frees; the drafts of other records make room for the shown one, oldest
first, and are said too."""

from __future__ import annotations

import asyncio
import json

import pytest

from outbound_widget import app
from outbound_widget.drafts import FULL, MAX_DRAFT_CHARS, PREFIX, SENDING, Drafts, MemoryStorage
from tests.unit.fake_dom import FakeDom

from .helpers import run
from .test_widget_state import NOTES, VISITS, Wwe, answer, click, deliver_preview, held_save, start, switch, turn, type_into

FILLER = "another page of the site"


def nearly_full(room: int) -> MemoryStorage:
    """A storage that another page filled up to *room* characters from its quota."""
    storage = MemoryStorage(quota=100_000)
    storage.items[FILLER] = "x" * (100_000 - len(FILLER) - room)
    return storage


@pytest.fixture(autouse=True)
def quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "RETRY_STORAGE_S", 0.01)


def test_a_full_storage_is_said_the_edits_stay_in_memory_and_save_correctly() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        storage = nearly_full(room=300)  # the list of interactions fits, a draft does not
        widget, dom = await start(wwe, FakeDom(storage))
        assert not dom.has("w-storage-notice")
        type_into(widget, NOTES, "y" * 400, "input")
        notice = dom.text("w-storage-notice")
        assert notice.startswith("Unsaved edits will not survive a reload: the browser's storage for this site is "
                                 "full. They are kept while this page stays open: save them, or free space"), notice
        assert PREFIX + "1" not in storage.items
        type_into(widget, VISITS, "12")
        click(widget, "save")
        await widget.idle()
        assert wwe.sent("updateRecordFields") == [["1", {"NOTES": "y" * 400, "VISITS": 12}]]
        assert dom.status("record")[0] == "done"
        assert not dom.has("w-storage-notice")  # nothing unsaved is left to lose
    run(scenario())


def test_edits_are_written_once_space_frees_and_then_survive_a_reload() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        storage = nearly_full(room=300)
        widget, dom = await start(wwe, FakeDom(storage))
        type_into(widget, NOTES, "z" * 400, "input")
        assert dom.has("w-storage-notice")
        del storage.items[FILLER]  # the other page let go of its data
        for _ in range(100):
            if PREFIX + "1" in storage.items:
                break
            await asyncio.sleep(0.01)
        assert json.loads(storage.items[PREFIX + "1"]) == {"NOTES": "z" * 400}
        assert not dom.has("w-storage-notice")
        widget.close()  # reloaded
        widget, dom = await start(wwe, FakeDom(storage))
        assert dom.value("f0") == "z" * 400 and "Restored 1 unsaved change(s)" in dom.text("slot-notice")
    run(scenario())


def test_the_shown_records_draft_moves_others_out_oldest_first_and_says_so() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        storage = nearly_full(room=1_200)
        widget, dom = await start(wwe, FakeDom(storage))
        type_into(widget, NOTES, "a" * 300, "input")  # record 1's draft: kept
        deliver_preview(wwe, widget, "P2")
        await widget.idle()
        type_into(widget, NOTES, "b" * 300, "input")  # P2's draft: kept too
        assert PREFIX + "1" in storage.items and PREFIX + "P2" in storage.items and not dom.has("w-storage-notice")
        deliver_preview(wwe, widget, "P3")
        await widget.idle()
        type_into(widget, NOTES, "c" * 500, "input")  # no room: the oldest other draft (1's) moves out
        assert PREFIX + "P3" in storage.items and PREFIX + "P2" in storage.items and PREFIX + "1" not in storage.items
        assert dom.text("w-storage-notice") == ("Unsaved edits of interaction(s) 1 will not survive a reload either: "
                                                f"{FULL}.")
        switch(widget, "1")  # nothing was lost in this page: 1's edits are there ...
        await widget.idle()
        assert dom.value("f0") == "a" * 300
        # ... and being shown, its draft is written again (moving out the oldest other)
        type_into(widget, NOTES, "a" * 301, "input")
        assert json.loads(storage.items[PREFIX + "1"]) == {"NOTES": "a" * 301}
        assert "Unsaved edits of interaction(s) P2" in dom.text("w-storage-notice")
        assert PREFIX + "P3" in storage.items  # the newest other stays
    run(scenario())


def test_a_draft_too_large_for_one_record_is_said_and_not_kept_stale() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        storage = MemoryStorage()
        widget, dom = await start(wwe, FakeDom(storage))
        type_into(widget, NOTES, "small", "input")
        assert PREFIX + "1" in storage.items
        type_into(widget, NOTES, "p" * (MAX_DRAFT_CHARS + 1), "input")
        assert PREFIX + "1" not in storage.items  # (the older, small one would come back as current)
        assert "they are larger than the widget keeps per record" in dom.text("w-storage-notice")
        assert widget.shown is not None and widget.shown.editor is not None
        assert widget.shown.editor.text("NOTES") == "p" * (MAX_DRAFT_CHARS + 1)
    run(scenario())


def test_a_save_marker_the_storage_refuses_is_said() -> None:
    async def scenario() -> None:
        wwe = Wwe()
        storage = nearly_full(room=500)
        widget, dom = await start(wwe, FakeDom(storage))
        type_into(widget, NOTES, "n" * 100, "input")
        assert PREFIX + "1" in storage.items and not dom.has("w-storage-notice")
        storage.items[FILLER] += "x" * 400  # the other page writes more
        call = await held_save(widget, wwe)
        assert SENDING + "1" not in storage.items
        assert "A reload before WWE confirms the save could not tell whether it reached WWE" in dom.text("w-storage-notice")
        answer(wwe, call)
        await widget.idle()
        assert dom.status("record")[0] == "done" and not dom.has("w-storage-notice")
    run(scenario())


def test_drafts_unit_bound_never_moves_the_shown_record_out() -> None:
    storage = MemoryStorage(quota=1_000)
    drafts = Drafts(storage)
    drafts.shown = "A"
    drafts.write(PREFIX + "A", "a" * 600)
    drafts.write(PREFIX + "B", "b" * 600)  # no room, and A is shown: B is the one not kept
    assert PREFIX + "A" in storage.items and drafts.unkept == {PREFIX + "B": FULL}
    assert drafts.read(PREFIX + "B") == "b" * 600  # in memory


def test_the_widgets_own_bound_is_said_as_such_not_as_a_full_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    from outbound_widget import drafts as drafts_module

    monkeypatch.setattr(drafts_module, "MAX_STORED_CHARS", 1_000)
    drafts = Drafts(MemoryStorage())  # (plenty of room in the browser's storage)
    drafts.shown = "B"
    drafts.write(PREFIX + "A", "a" * 600)
    drafts.write(PREFIX + "B", "b" * 600)  # over the widget's bound: A, not shown, moves out
    assert drafts.unkept == {PREFIX + "A": drafts_module.BOUND}
    assert "free space" not in drafts_module.BOUND and drafts.read(PREFIX + "A") == "a" * 600
