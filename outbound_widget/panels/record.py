"""The record: its fields as a form, the agent's edits, and saving them.

Saving is where an outbound tool loses data or sends it twice, so it goes:
1. re-read the record and rebase the edits on what WWE holds now: an edit WWE
   already has is not sent again (a save whose answer was lost, another view
   that wrote the same value); an edit of a field WWE changed meanwhile is a
   conflict the agent decides (overwrite, or take WWE's);
2. send the changed fields; what was sent is remembered across a reload;
3. read the record back and rebase again: what was typed during the save stays
   a change on top of the new baseline. A timeout is "not confirmed", and the
   record is read to say what WWE has.
Nothing the agent typed is dropped on any path, and each row is patched, not
re-rendered, so typing during a save is never overwritten.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bridge import BridgeError, BridgeTimeoutError, Field, RecordEditor
from bridge.ui import Op

from ..rules import RuleError
from ..signals import RECORD_CHANGED
from ..state import Interaction, Status
from .base import NOTHING_SENT, describe_error
from .record_form import RecordForm


#: The lock a save holds (Web Locks: shared by the site's pages), per interaction.
SAVE_LOCK = "wwe-outbound-widget:save:"
#: How long a save waits for another view's save of the same record: that one's check,
#: write and read-back, each bounded by WWE's timeout (10 s).
SAVE_LOCK_WAIT_S = 45.0
#: After this, the status says the save is waiting (a free lock is taken at once).
SAY_WAITING_S = 0.1


def holds(fields: list[Field], saved: dict[str, Any]) -> bool:
    """Whether WWE's *fields* hold every value of *saved* (name → normalised value)."""
    probe = RecordEditor(fields)
    return all(name in probe and probe.baseline_problem(name) is None and probe.value(name) == value
               for name, value in saved.items())


class RecordPanel(RecordForm):
    """The record's form, and saving it."""

    def keep_mine(self, it: Interaction) -> None:
        """Overwrite WWE's values: they are already the edits' baseline, so saving sends them."""
        it.conflicts = ()
        self.show_conflicts(it)
        self.sidebar.spawn(self.save(it), it, self.area)

    # -- saving --------------------------------------------------------------------------

    async def save(self, it: Interaction) -> None:
        editor, area = it.editor, it.area(self.area)
        if editor is None or area.busy:
            return  # one save at a time: a second click only sees the busy status
        if not self.check(it) or not editor.has_changes():
            return
        it.conflicts = ()
        self.show_conflicts(it)

        async def attempt() -> None:
            if area.busy:
                return
            if it.done:  # (a Retry pressed after WWE marked it done, too)
                self.set_status(it, Status("error", NOTHING_SENT))
                return
            if self.withheld(it, "can-use"):
                return
            area.busy = it.saving = True
            try:
                await self._save_alone(it)
            finally:
                area.busy = it.saving = False
                self.sidebar.touched(it)
            if area.status.state == "error":  # the agent may have moved on: WWE's toast says it then
                self.sidebar.alert(it, "Outbound record not saved", f"Interaction {it.id}: {area.status.message}")

        area.retry = attempt
        await attempt()

    async def _save_alone(self, it: Interaction) -> None:
        """`_save` while no other view of this site saves the same record.

        Saving checks WWE's record before it writes, but two views saving at once would
        both check before either writes, and the second would overwrite the first
        unseen. So a save holds a lock the site's pages share (the browser's Web Locks)
        from its check to its read-back: the second view's save then starts from the
        first's result, and shows a conflict instead of overwriting it. (WWE has no
        compare-and-set, so writers outside this site are caught by the check and the
        read-back, not prevented.)"""
        acquiring = asyncio.ensure_future(self.sidebar.browser.acquire(SAVE_LOCK + it.id, SAVE_LOCK_WAIT_S))
        try:
            done, _ = await asyncio.wait({acquiring}, timeout=SAY_WAITING_S)
            if not done:
                self.set_status(it, Status("busy", "Waiting for another view of this record to finish saving it…"))
            release = await acquiring
        except TimeoutError:
            self.set_status(it, Status("error", f"Not saved: another view of this record has been saving it for "
                                                f"{SAVE_LOCK_WAIT_S:g} s. Your edits are kept; Retry checks WWE's "
                                                "record first.", retry=True))
            return
        finally:
            acquiring.cancel()  # (only if this save itself was cancelled while waiting)
        try:
            await self._save(it)
        finally:
            release()

    async def _save(self, it: Interaction) -> None:
        editor = it.editor
        assert editor is not None
        drafts = self.sidebar.drafts
        if not editor.has_changes():  # a Retry after the edits were reverted
            self.set_status(it, Status("idle", "No changes to save."))
            return
        self.set_status(it, Status("busy", "Checking the record in WWE…"))
        try:
            fresh = await self.outbound.get_record_fields(it.id)
        except BridgeError as exc:
            self.sidebar.noted(exc)
            self.set_status(it, Status("error", f"Not saved: the record could not be read to check it first. {describe_error(exc)}",
                                       retry=True))
            return
        rebased = self.rebase(it, fresh)
        if rebased.conflicts:
            it.conflicts = rebased.conflicts
            self.show_conflicts(it)
            drafts.save(it.id, editor)
            self.set_status(it, Status("error", f"Not saved: WWE changed {len(it.conflicts)} field(s) you edited since "
                                                "the record was loaded: choose which values to keep."))
            return
        if not self.check(it):
            self.set_status(it, Status("error", "Not saved: some fields need attention (listed above)."))
            return
        if not editor.has_changes():
            drafts.save(it.id, editor)
            self.set_status(it, Status("done", "WWE already has your changes: nothing to send."))
            return
        if not self._before_save(it):
            return
        sent = {name: editor.value(name) for name in editor.changed_names()}
        drafts.mark_sending(it.id, {name: editor.text(name) for name in sent})
        self.set_status(it, Status("busy", f"Saving {len(sent)} change(s)…"))
        try:
            await self.outbound.update_record_fields(it.id, editor)
        except BridgeTimeoutError as exc:
            await self._not_confirmed(it, sent, exc)
            return
        except BridgeError as exc:
            self.sidebar.noted(exc)
            drafts.confirmed(it.id)  # refused: nothing of it is on its way any more
            drafts.save(it.id, editor)
            self.set_status(it, Status("error", f"Not saved. {describe_error(exc)}", retry=True))
            return
        drafts.confirmed(it.id)
        editor.mark_saved(sent)
        note, fresh_after = await self._read_back(it, sent)
        drafts.save(it.id, editor)
        self.set_status(it, Status("done", f"Saved {len(sent)} change(s).{note}"))
        self.sidebar.signals.emit(RECORD_CHANGED, it)  # the chain shows the record's values too
        self.sidebar.rules.after_save(it, sent, fresh_after)

    def _before_save(self, it: Interaction) -> bool:
        """The deployer's `before_save` rules: False (with the reason shown) when the save stops.

        Their amendments go into the form only when the save goes on: a veto, a failing
        rule, or an amendment the field does not take puts back what the agent entered.
        """
        editor = it.editor
        assert editor is not None
        entered = {name: editor.text(name) for name in editor.changed_names()}

        def amended() -> list[str]:
            """Fields whose entry a hook changed: set to another value, back to WWE's, or newly changed."""
            back = [name for name, text in entered.items() if not editor.is_changed(name) or editor.text(name) != text]
            return back + [name for name in editor.changed_names() if name not in entered]

        def undo(names: list[str]) -> None:
            for name in names:
                editor.set_text(name, entered[name]) if name in entered else editor.revert(name)

        try:
            veto = self.sidebar.rules.before_save(it)
        except RuleError as exc:
            undo(amended())
            self.set_status(it, Status("error", f"Not saved: {self.sidebar.rules.failed(it, exc)}"))
            return False
        changed = amended()
        unfit = [f"{editor.field(n).label}: {editor.problem(n)}" for n in changed if editor.problem(n)]
        if veto or unfit:
            undo(changed)
            reason = veto or (f"a before_save rule set values the fields do not take ({'; '.join(unfit)}); "
                              "your entries are kept")
            self.set_status(it, Status("error", f"Not saved: {reason}"))
            return False
        if changed:
            self.sidebar.rules.derive(it)
            if not self.check(it):
                problems = "; ".join(f"{label}: {message}" for _, label, message in it.summary)
                undo(changed)
                self.sidebar.rules.derive(it)
                self.check(it)  # the summary as the agent left the record
                self.set_status(it, Status("error", f"Not saved: with the changes a before_save rule made, {problems}; "
                                                    "your entries are kept"))
                return False
            ops: list[Op] = []  # the form shows what will be sent
            for name in changed:
                ops += self.value_ops(it, editor.index(name)) + self.field_ops(it, editor.index(name))
            self.patch(it, ops + self.count_ops(it))
            self.sidebar.drafts.save(it.id, editor)
        return True

    async def _read_back(self, it: Interaction, sent: dict[str, Any]) -> tuple[str, list[Field] | None]:
        """Rebase on WWE's copy after a save; returns a note when it could not be read, and
        what was read (None: nothing)."""
        try:
            fresh = await self.outbound.get_record_fields(it.id)
        except BridgeError as exc:
            # The save is confirmed: what was sent is the baseline (mark_saved), and
            # what was typed since stays a change.
            self.refresh_rows(it, sent)
            return f" (could not read the record back: {describe_error(exc)})", None
        rebased = self.rebase(it, fresh)
        self.refresh_rows(it, sent)
        if rebased.conflicts:
            # WWE answered "done" yet holds something else (another writer in between):
            # the agent's values stay on screen as unsaved changes, and are named.
            labels = ", ".join(c.label for c in rebased.conflicts)
            return f" WWE now holds other values for {labels}: yours are kept as unsaved changes.", fresh
        return "", fresh

    def refresh_rows(self, it: Interaction, names: Any) -> None:
        """The changed marks of the rows a save sent (cost: what was sent, not the record)."""
        if self.shown(it) and it.editor is not None:
            ops: list[Op] = []
            for name in names:
                if name in it.editor:
                    ops += self.field_ops(it, it.editor.index(name))
            self.patch(it, ops + self.count_ops(it))

    async def _not_confirmed(self, it: Interaction, sent: dict[str, Any], exc: BridgeTimeoutError) -> None:
        """WWE did not answer the update: read the record to tell the agent what WWE has."""
        editor = it.editor
        assert editor is not None
        waited = f"within {exc.timeout:g} s" if exc.timeout is not None else "in time"
        self.set_status(it, Status("busy", f"Not confirmed: WWE did not answer {waited}. Checking what WWE has…"))
        try:
            fresh = await self.outbound.get_record_fields(it.id)
        except BridgeError as read_exc:
            # The sent values stay marked (sessionStorage): a reload will check them too.
            self.sidebar.drafts.save(it.id, editor)
            self.set_status(it, Status("error", f"Not confirmed: WWE did not answer {waited}, and the record could not be "
                                                f"read ({describe_error(read_exc)}). Your edits are kept; Retry checks what "
                                                "WWE has before sending anything again.", retry=True))
            return
        self.sidebar.drafts.confirmed(it.id)
        if holds(fresh, sent):
            editor.mark_saved(sent)
            self.rebase(it, fresh)
            self.refresh_rows(it, sent)
            self.sidebar.drafts.save(it.id, editor)
            self.set_status(it, Status("done", f"Saved {len(sent)} change(s): WWE did not confirm in time, but the record "
                                               "shows them."))
            self.sidebar.signals.emit(RECORD_CHANGED, it)
            self.sidebar.rules.after_save(it, sent, fresh)
            return
        rebased = self.rebase(it, fresh)
        if rebased.conflicts:
            it.conflicts = rebased.conflicts
            self.show_conflicts(it)
        self.sidebar.drafts.save(it.id, editor)
        self.set_status(it, Status("error", f"Not saved: WWE did not answer {waited}, and the record does not show your "
                                            "changes. Your edits are kept.", retry=True))
