"""The record's form: its fields as controls (the deployer's layout and rules
applied), the agent's edits, and WWE's values moving under them. Saving is
record.py's."""

from __future__ import annotations

import re

from bridge import BridgeError, Field, RecordEditor
from bridge.record import Rebased
from bridge.ui import Op

from .. import views
from ..controls import DONE_REASON, NOT_USABLE, Control, ControlKind, control_for, duplicate_control
from ..layout import adjust, relabel, sections
from ..state import Interaction, Status
from .base import Panel, describe_error


SAVE_OR_REVERT = "Save or revert them."
WAIT_TO_REVERT = " (revert once it is done: WWE is being sent these changes)"
RESTORED = re.compile(r"Restored \d+ unsaved change\(s\) from before the reload: .*?" + re.escape(SAVE_OR_REVERT))


class RecordForm(Panel):
    """Loading, drawing and editing the record (`RecordPanel` adds saving)."""

    area = "record"

    # -- loading ------------------------------------------------------------------

    async def load(self, it: Interaction) -> None:
        """Read the record (a newer read makes this one's answer stale) and restore drafts."""
        it.generation += 1
        generation = it.generation
        it.load_error = None
        if self.shown(it):
            self.render(it)
        try:
            fields = await self.outbound.get_record_fields(it.id)
        except BridgeError as exc:
            self.sidebar.noted(exc)
            if generation == it.generation:
                it.load_error = f"Could not load the record: {describe_error(exc)}"
                it.area(self.area).retry = lambda: self.load(it)
                if self.shown(it):
                    self.render(it)
            return
        if generation != it.generation:
            return  # a newer read (a save's check, a retry) owns the record now
        self.set_fields(it, fields)
        it.notice = " ".join(filter(None, [self.restore(it), self.drop_locked_edits(it)]))
        self.apply_rules(it)
        if self.shown(it):
            self.render(it)
            self.sidebar.render_notice()
        self.sidebar.rules.react("record", it.id, it)

    def apply_rules(self, it: Interaction) -> None:
        """The deployer's computed defaults and derived fields, then its validators' verdicts."""
        assert it.editor is not None
        filled = self.sidebar.rules.fill(it)
        if filled:
            labels = ", ".join(it.editor.field(n).label for n in filled)
            it.notice = " ".join(filter(None, [it.notice, f"Set by your team's rules: {labels}."]))
            self.sidebar.drafts.save(it.id, it.editor)
        self.sidebar.rules.validate(it)

    def set_fields(self, it: Interaction, fields: list[Field]) -> None:
        it.wwe_fields = fields
        it.fields = relabel(fields, self.sidebar.settings(it).layout)
        it.editor = RecordEditor(it.fields)
        it.controls = self.controls(it, it.editor, it.fields)
        for control in it.controls:
            if control.warning:
                self.browser.warn(control.warning)

    def controls(self, it: Interaction, editor: RecordEditor, fields: list[Field]) -> list[Control]:
        """Each row's control: from WWE's metadata, then the deployer's help and locks."""
        layout, derived = self.sidebar.settings(it).layout, self.sidebar.rules.derived
        if it.done or not self.sidebar.settings(it).allows("can-use"):
            reason = DONE_REASON if it.done else NOT_USABLE
            return [Control(ControlKind.READONLY, hint=control_for(f, True).hint, readonly_reason=reason) for f in fields]
        return [adjust(control_for(f, editor.baseline_problem(f.name) is None), f, layout, derived)
                if editor.index(f.name) == i else duplicate_control()
                for i, f in enumerate(fields)]

    def finished(self, it: Interaction) -> None:
        """WWE marked *it* done (or, rarely, took that back): every row follows. Edits still
        unsaved then did not reach OCS and can no longer be saved: the notice keeps their
        text for the agent, and they leave the form and the drafts."""
        if it.editor is None:
            return
        dropped = self.drop_unsendable(it)
        if dropped:  # restored drafts are no longer "to save or revert": what became of them replaces that
            it.notice = " ".join(filter(None, [RESTORED.sub("", it.notice).strip(), dropped]))
        it.controls = self.controls(it, it.editor, it.fields)
        if self.shown(it):
            self.sidebar.render_all()

    def drop_unsendable(self, it: Interaction) -> str:
        """On a record marked done, edits can no longer be sent: they leave the form and the
        drafts, and what to tell the agent keeps their text (empty: there were none)."""
        editor = it.editor
        if editor is None or not it.done or not editor.has_changes():
            return ""
        kept = "; ".join(f"{editor.field(n).label}: {editor.text(n)}" for n in editor.changed_names())
        for name in editor.changed_names():
            editor.revert(name)
        self.sidebar.drafts.save(it.id, editor)
        return f"WWE marked this record done before your changes were saved, and sent it to OCS without them: {kept}."

    def relayout(self, it: Interaction) -> None:
        """The interaction's campaign is known now (or changed): its layout applies."""
        if it.editor is None:
            return
        self.rebase(it, it.wwe_fields)
        dropped = self.drop_locked_edits(it)
        if dropped:
            it.notice = " ".join(filter(None, [it.notice, dropped]))
            self.sidebar.rules.fill(it)
        if self.shown(it):
            self.sidebar.render_all()

    def restore(self, it: Interaction) -> str:
        """Apply the drafts kept before a reload; returns what to tell the agent."""
        assert it.editor is not None
        drafts = self.sidebar.drafts
        sent = drafts.sent_unconfirmed(it.id)
        notes = []
        if sent:
            probe = RecordEditor(it.fields)
            landed = [name for name, text in sent.items() if name in probe and probe.set_text(name, text) is None
                      and not probe.is_changed(name)]
            labels = ", ".join(it.editor.field(n).label for n in sent if n in it.editor)
            if len(landed) == len(sent):
                notes.append(f"Your save from before the reload reached WWE ({labels}).")
            else:
                notes.append(f"Your save from before the reload was not confirmed, and WWE does not have it ({labels}).")
            drafts.confirmed(it.id)
        restored = drafts.restore(it.id, it.editor)
        # what WWE holds already (a save that reached it) leaves the draft: a later reload
        # must not offer it again as unsaved, over a value WWE has since changed
        drafts.save(it.id, it.editor)
        dropped = self.drop_unsendable(it)  # (the view was away while WWE marked it done)
        if dropped:
            notes.append(dropped)
        elif restored:
            labels = ", ".join(it.editor.field(n).label for n in restored)
            notes.append(f"Restored {len(restored)} unsaved change(s) from before the reload: {labels}. {SAVE_OR_REVERT}")
        return " ".join(notes)

    # -- drawing --------------------------------------------------------------------

    def render(self, it: Interaction) -> None:
        if not self.shown(it):
            return  # its state is kept; it is drawn when shown
        status = it.area(self.area).status
        if it.editor is None:
            if it.load_error:
                placeholder = Status("error", it.load_error, retry=True)
            else:
                placeholder = Status("busy", "Loading the record…")
            self.page.render("slot-record", views.status_view(self.area, placeholder))
        else:
            self.page.render("slot-record", views.record_form(
                it.id, it.fields, it.controls, it.editor, it.conflicts, status,
                sections(it.fields, self.sidebar.settings(it).layout), it.rule_problems))
        self.page.render("slot-summary", views.error_summary(it.summary))

    def field_ops(self, it: Interaction, index: int) -> list[Op]:
        """Patches that show field *index*'s state after an edit (cost: one field)."""
        editor = it.editor
        assert editor is not None
        field = it.fields[index]
        fid = views.field_id(index)
        changed = editor.is_changed(field.name)
        if it.controls[index].kind is ControlKind.READONLY:  # (its -msg says why it is read-only: kept)
            return [("text", f"{fid}-was", f"was: {editor.original_text(field.name) or '(empty)'}"),
                    ("hidden", f"{fid}-was", not changed), ("class", f"{fid}-row", "changed", changed),
                    ("attr", f"{fid}-row", "data-changed", "true" if changed else None)]
        problem = views.field_problem(editor, field.name) or it.rule_problems.get(field.name)
        return [
            ("attr", fid, "aria-invalid", "true" if problem else None),
            ("text", f"{fid}-msg", f"{field.label}: {problem}" if problem else ""),
            ("hidden", f"{fid}-msg", not problem),
            ("text", f"{fid}-was", f"was: {editor.original_text(field.name) or '(empty)'}"),
            ("hidden", f"{fid}-was", not changed),
            ("hidden", f"{fid}-revert", not changed),
            ("class", f"{fid}-row", "changed", changed),
            ("attr", f"{fid}-row", "data-changed", "true" if changed else None),
        ]

    def count_ops(self, it: Interaction) -> list[Op]:
        count = it.editor.changed_count() if it.editor else 0
        return [("text", "w-save", views.save_label(count)), ("disabled", "w-save", count == 0),
                ("disabled", "w-revert-all", count == 0)]

    def value_ops(self, it: Interaction, index: int) -> list[Op]:
        """Show the field's value again (after a revert or a change in WWE)."""
        assert it.editor is not None
        control, field = it.controls[index], it.fields[index]
        text = it.editor.text(field.name)
        if control.kind is ControlKind.CHECKBOX:
            return [("checked", views.field_id(index), text.lower() == "true")]
        if control.kind in (ControlKind.SELECT, ControlKind.READONLY):
            # a select may need its "(not an option)" choice; a read-only value is text
            return [("replace", f"{views.field_id(index)}-row",
                     views.field_row(index, field, control, it.editor, it.rule_problems.get(field.name)))]
        return [("value", views.field_id(index), text)]

    # -- editing ----------------------------------------------------------------------

    def editable_index(self, it: Interaction, index: int) -> bool:
        """Whether the agent may change row *index*: shown, and not read-only (WWE's, the
        layout's or a rule's). A hidden or locked field's forged edit is refused here."""
        return (it.editor is not None and 0 <= index < len(it.fields) and it.controls[index].kind is not ControlKind.READONLY
                and it.fields[index].name not in self.sidebar.settings(it).layout.hidden)

    def drop_locked_edits(self, it: Interaction) -> str:
        """Edits of fields the configuration now locks or hides (drafts kept from before a
        reload, or typed before the interaction's campaign was known) are not the agent's
        to send: they are dropped, and said. Fields the rules set are theirs to keep."""
        editor = it.editor
        assert editor is not None
        layout, rules = self.sidebar.settings(it).layout, self.sidebar.rules.rules
        dropped = [name for name in editor.changed_names()
                   if (name in layout.readonly or name in layout.hidden) and name not in rules.derived
                   and name not in rules.defaults]
        for name in dropped:
            editor.revert(name)
        if not dropped:
            return ""
        self.sidebar.drafts.save(it.id, editor)
        labels = ", ".join(editor.field(n).label for n in dropped)
        return (f"Your unsaved change(s) to {labels} were dropped: your team's configuration locks or hides "
                "those fields here.")

    def edit(self, it: Interaction, index: int, text: str, *, validate: bool) -> None:
        """The agent changed field *index*; problems show once they leave it (or save)."""
        if not self.editable_index(it, index):
            return
        editor = it.editor
        assert editor is not None
        name = it.fields[index].name
        had_problem = editor.problem(name) is not None or name in it.rule_problems
        editor.set_text(name, text)
        ops = self.field_ops(it, index)
        if not validate and not had_problem:
            # while typing, do not shout about a half-typed value
            ops = [op for op in ops if op[1] not in (views.field_id(index), f"{views.field_id(index)}-msg")]
        self.patch(it, ops + self.rule_ops(it, name if validate else None) + self.count_ops(it))
        self.sidebar.drafts.save(it.id, editor)

    def rule_ops(self, it: Interaction, touched: str | None) -> list[Op]:
        """After an edit: the derived fields again and, once the agent left the field
        (*touched*), the verdicts of the validators that name it."""
        editor = it.editor
        assert editor is not None
        names = set(self.sidebar.rules.derive(it))
        ops: list[Op] = []
        for name in names:
            ops += self.value_ops(it, editor.index(name))
        if touched is not None:
            names |= self.sidebar.rules.validate(it, touched)
        for name in names:
            if name in editor:
                ops += self.field_ops(it, editor.index(name))
        return ops

    def _saving(self, it: Interaction) -> bool:
        """A save is on its way: a revert now would undo on screen what WWE is being sent
        (the form said "reverted" while WWE got the edit), so it waits, saying so."""
        if not it.area(self.area).busy:
            return False
        busy = it.area(self.area).status.message.removesuffix(WAIT_TO_REVERT)  # (said once, however many clicks)
        self.set_status(it, Status("busy", busy + WAIT_TO_REVERT))
        return True

    def revert(self, it: Interaction, index: int) -> None:
        if not self.editable_index(it, index) or self._saving(it):
            return
        assert it.editor is not None
        it.editor.revert(it.fields[index].name)
        self.patch(it, [*self.value_ops(it, index), *self.field_ops(it, index),
                        *self.rule_ops(it, it.fields[index].name), *self.count_ops(it), ("focus", views.field_id(index))])
        self.sidebar.drafts.save(it.id, it.editor)

    def revert_all(self, it: Interaction) -> None:
        if it.editor is None or self._saving(it):
            return
        it.editor.revert_all()
        self.sidebar.rules.derive(it)
        self.sidebar.rules.validate(it)
        it.summary, it.conflicts = [], ()
        area = it.area(self.area)
        area.retry, area.status = None, Status()  # nothing is left to save: a Retry has nothing to do
        if self.shown(it):
            self.render(it)
        self.sidebar.drafts.save(it.id, it.editor)
        self.sidebar.touched(it)  # clean again: WWE's mark-done block goes

    def check(self, it: Interaction) -> bool:
        """Show every field that cannot be sent; True when there is none."""
        editor = it.editor
        assert editor is not None
        it.summary = [(editor.index(p.name), p.label, p.message) for p in editor.problems()]
        own = {p.name for p in editor.problems()}
        it.summary += [(editor.index(name), editor.field(name).label, message)
                       for name, message in self.sidebar.rules.blocking(it) if name not in own]
        it.summary.sort()
        hidden = self.sidebar.settings(it).layout.hidden
        if hidden:  # a rule changed a field the layout hides: say so, since no row shows it
            it.summary = [(i, f"{label} (not shown here: layout.hidden)" if it.fields[i].name in hidden else label, message)
                          for i, label, message in it.summary]
        if self.shown(it):
            ops: list[Op] = []
            for index, _, _ in it.summary:
                ops += self.field_ops(it, index)
            self.page.render("slot-summary", views.error_summary(it.summary))
            if it.summary:
                self.page.patch(ops + [("focus", views.field_id(it.summary[0][0]))])
        return not it.summary

    # -- WWE moved on ------------------------------------------------------------------

    def rebase(self, it: Interaction, fresh: list[Field]) -> Rebased:
        """Take WWE's *fresh* fields as the baseline, keeping every edit, and patch what moved."""
        editor = it.editor
        assert editor is not None
        it.generation += 1  # an older read still on its way must not undo this one
        it.wwe_fields = fresh
        fresh = relabel(fresh, self.sidebar.settings(it).layout)
        rebased = editor.rebase(fresh)
        controls = self.controls(it, editor, fresh)
        reshaped = rebased.reshaped or controls != it.controls  # (a label is part of a field's shape)
        it.fields, it.controls = fresh, controls
        if not self.shown(it):
            return rebased
        if reshaped:
            self.render(it)
            return rebased
        ops: list[Op] = []
        for name in rebased.refreshed:
            ops += self.value_ops(it, editor.index(name)) + self.field_ops(it, editor.index(name))
        for name in (*rebased.landed, *(c.name for c in rebased.conflicts)):
            ops += self.field_ops(it, editor.index(name))
        self.patch(it, ops + self.count_ops(it))
        return rebased

    def show_conflicts(self, it: Interaction) -> None:
        self.patch(it, [("replace", "w-conflict-box", views.conflict_box(it.conflicts))])

    def take_wwe(self, it: Interaction) -> None:
        """Drop the conflicting edits: the fields show WWE's values."""
        if it.editor is None:
            return
        ops: list[Op] = []
        for conflict in it.conflicts:
            if conflict.name in it.editor:
                index = it.editor.index(conflict.name)
                it.editor.revert(conflict.name)
                ops += self.value_ops(it, index) + self.field_ops(it, index)
        it.conflicts = ()
        self.show_conflicts(it)
        self.patch(it, ops + self.count_ops(it))
        self.sidebar.drafts.save(it.id, it.editor)
        self.set_status(it, Status("done", "Kept WWE's values."))
