"""`RecordEditor`: the editing model of an outbound record's fields.

Used by the widget and by scripts alike. It keeps, per field, the baseline WWE
sent and the current value, validates per fieldType/valueType and per the
editable/mandatory flags, and gives `changes()`: the `recordData` of only the
fields whose normalised value differs from the baseline (like Django forms'
`changed_data`).

A value WWE sent that does not fit its field (``24:00`` in a time field) stays
exactly as sent: it is reported by `baseline_problem`, shown as sent by `text`,
and never becomes a change unless someone enters something else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import values
from .errors import ArgumentValueError, FieldProblem, FieldValidationError
from .fields import Field

_UNSET: Any = object()


@dataclass
class _State:
    field: Field
    baseline: Any  # normalised WWE value, or the raw value when WWE's own value does not parse
    baseline_ok: bool
    baseline_problem: str | None = None  # why WWE's own value does not parse
    current: Any = _UNSET  # normalised value; _UNSET while untouched
    text: str | None = None  # last text a person typed that did not parse
    problem: str | None = None

    @property
    def touched(self) -> bool:
        return self.current is not _UNSET or self.text is not None


def _state(field: Field) -> _State:
    try:
        return _State(field, values.parse(field, field.value), True)
    except values.FieldValueError as exc:
        return _State(field, field.value, False, exc.message)


def raw_text(value: Any) -> str:
    """A value WWE sent, as text, exactly enough to recognise it (JSON for objects)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class FieldConflict:
    """A field edited here that WWE changed to something else since it was loaded."""

    name: str
    label: str
    was: str  # WWE's value when the edit started
    wwe: str  # WWE's value now
    mine: str  # what was entered here


@dataclass(frozen=True)
class Rebased:
    """What `RecordEditor.rebase` found when it took WWE's current values as the baseline.

    Attributes
    ----------
    landed : tuple[str, ...]
        Edited fields that WWE now holds as edited: no longer changes.
    conflicts : tuple[FieldConflict, ...]
        Edited fields WWE changed to something else: the edit is kept, and WWE's
        value is its new baseline (so saving it overwrites WWE's on purpose).
    refreshed : tuple[str, ...]
        Untouched fields whose value in WWE changed: they now show WWE's.
    dropped : tuple[str, ...]
        Edited fields that WWE no longer has, or no longer lets change.
    reshaped : bool
        The fields themselves changed (added, removed, reordered, other metadata).
    """

    landed: tuple[str, ...] = ()
    conflicts: tuple[FieldConflict, ...] = ()
    refreshed: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    reshaped: bool = False


class RecordEditor:
    """Editable set of record fields.

    Parameters
    ----------
    fields : Iterable[Field]
        From `Outbound.get_record_fields`.

    Examples
    --------
    >>> from bridge import outbound
    >>> editor = RecordEditor(await outbound.get_record_fields(iid))
    >>> editor.set("GSW_PHONE_TYPE", "Mobile")
    >>> editor.changes()
    {'GSW_PHONE_TYPE': 4}
    """

    def __init__(self, fields: Iterable[Field]) -> None:
        self._states: dict[str, _State] = {}
        self._index: dict[str, int] = {}
        #: Fields WWE sent again under a name already seen: only the first is edited.
        self.duplicates: list[Field] = []
        # Changed fields, kept as edits happen: counting and listing them costs
        # what changed, not the size of the record (records may have thousands of fields).
        self._changed: set[str] = set()
        self._load(fields)

    def _load(self, fields: Iterable[Field]) -> None:
        for position, field in enumerate(fields):
            if field.name in self._states:
                self.duplicates.append(field)
                continue
            self._index[field.name] = position
            self._states[field.name] = _state(field)

    def _mark(self, name: str) -> None:
        if self._compute_changed(self._states[name]):
            self._changed.add(name)
        else:
            self._changed.discard(name)

    # -- reading ------------------------------------------------------------

    def __iter__(self) -> Iterator[Field]:
        return (s.field for s in self._states.values())

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, name: object) -> bool:
        return name in self._states

    def field(self, name: str) -> Field:
        return self._state(name).field

    def value(self, name: str) -> Any:
        """The current normalised value (the baseline while untouched)."""
        state = self._state(name)
        return state.baseline if state.current is _UNSET else state.current

    def index(self, name: str) -> int:
        """The field's position in the record (the first of its name)."""
        self._state(name)
        return self._index[name]

    def text(self, name: str) -> str:
        """What the field's control should show: the last bad text typed, else the value."""
        state = self._state(name)
        if state.text is not None:
            return state.text
        if state.current is _UNSET and not state.baseline_ok:
            return raw_text(state.baseline)
        return values.format_text(state.field, self.value(name))

    def original_text(self, name: str) -> str:
        """The baseline as text, for "was: …" hints next to a changed field."""
        state = self._state(name)
        if not state.baseline_ok:
            return raw_text(state.baseline)
        return values.format_text(state.field, state.baseline)

    def problem(self, name: str) -> str | None:
        """Why the field cannot be saved as it is, or None."""
        return self._state(name).problem

    def baseline_problem(self, name: str) -> str | None:
        """Why the value WWE sent does not fit the field (it is kept as sent), or None."""
        state = self._state(name)
        if state.baseline_ok:
            return None
        return f"WWE's value {raw_text(state.baseline)!r} is not valid here ({state.baseline_problem}); it is kept unless you change it"

    def is_changed(self, name: str) -> bool:
        self._state(name)
        return name in self._changed

    @staticmethod
    def _compute_changed(state: _State) -> bool:
        if state.text is not None:
            return True
        if state.current is _UNSET:
            return False
        return not state.baseline_ok or state.current != state.baseline

    def changed_names(self) -> list[str]:
        """The changed fields, in record order."""
        return sorted(self._changed, key=self._index.__getitem__)

    def changed_count(self) -> int:
        return len(self._changed)

    def has_changes(self) -> bool:
        return bool(self._changed)

    # -- editing ------------------------------------------------------------

    def set(self, name: str, value: Any) -> None:
        """Set a field from a Python value or from text a person typed.

        Raises
        ------
        ArgumentValueError
            For an unknown or read-only field, or a value that does not fit
            (the message says what to enter). The field keeps its last good value.
        """
        state = self._state(name)
        if not state.field.is_editable:
            raise ArgumentValueError(f"{state.field.label}: {READ_ONLY_HINT}")
        if self.set_text(name, value) is not None:
            problem = state.problem
            state.text = None
            state.problem = None
            self._mark(name)
            raise ArgumentValueError(f"{state.field.label}: {problem}")

    def set_text(self, name: str, text: Any) -> str | None:
        """Record what a person typed; returns the problem (None if it is fine).

        Unlike `set`, a bad value is kept as typed (so nothing is lost) and
        reported by `problem`, `problems` and `changes`.
        """
        state = self._state(name)
        if not state.field.is_editable:
            state.problem = READ_ONLY_HINT
            return state.problem
        if not state.baseline_ok and isinstance(text, str) and text == raw_text(state.baseline):
            # WWE's own (invalid) value, as the control shows it: leaving a field
            # without typing must not turn WWE's value into a change.
            self.revert(name)
            return None
        try:
            parsed = values.parse(state.field, text)
        except values.FieldValueError as exc:
            state.text = text if isinstance(text, str) else str(text)
            state.problem = exc.message
            self._changed.add(name)
            return state.problem
        state.current, state.text = parsed, None
        state.problem = MANDATORY_HINT if parsed is None and state.field.is_mandatory else None
        self._mark(name)
        return state.problem

    def revert(self, name: str) -> None:
        """Back to WWE's value for this field."""
        state = self._state(name)
        state.current, state.text, state.problem = _UNSET, None, None
        self._changed.discard(name)

    def revert_all(self) -> None:
        for name in list(self._changed):
            self.revert(name)
        for state in self._states.values():
            state.problem = None

    # -- WWE's values moved on ----------------------------------------------

    def mark_saved(self, saved: Mapping[str, Any]) -> None:
        """WWE confirmed these values (name → normalised value, as `value` gave them).

        They become the baseline; anything entered since they were sent stays a change.
        """
        for name, value in saved.items():
            state = self._state(name)
            state.baseline, state.baseline_ok, state.baseline_problem = value, True, None
            self._mark(name)

    def rebase(self, fields: Iterable[Field]) -> Rebased:
        """Take *fields* (a fresh `get_record_fields`) as the baseline, keeping the edits.

        An edit WWE now holds stops being a change; an untouched field shows WWE's
        new value; an edit of a field WWE changed meanwhile is kept and reported as
        a conflict, so that saving it is a decision, not an accident.
        """
        old_states, old_order = self._states, list(self._states)
        old_duplicates = len(self.duplicates)
        self._states, self._index, self.duplicates, self._changed = {}, {}, [], set()
        self._load(fields)
        landed: list[str] = []
        conflicts: list[FieldConflict] = []
        refreshed: list[str] = []
        dropped: list[str] = []
        reshaped = list(self._states) != old_order or len(self.duplicates) != old_duplicates
        for name, old in old_states.items():
            new = self._states.get(name)
            if new is None:
                if old.touched:
                    dropped.append(name)
                continue
            if _shape(new.field) != _shape(old.field):
                reshaped = True
            moved = not _same_baseline(old, new)
            if not old.touched:
                if moved:
                    refreshed.append(name)
                continue
            if not new.field.is_editable:
                dropped.append(name)
                continue
            if old.text is None and new.baseline_ok and old.current == new.baseline:
                landed.append(name)  # WWE holds what was entered: nothing left to save
                continue
            if moved:
                conflicts.append(FieldConflict(name, new.field.label, _baseline_text(old), _baseline_text(new),
                                               old.text if old.text is not None else values.format_text(old.field, old.current)))
            new.current, new.text = old.current, old.text
            new.problem = old.problem
            if old.text is None:
                new.problem = MANDATORY_HINT if new.current is None and new.field.is_mandatory else None
            self._mark(name)
        return Rebased(tuple(landed), tuple(conflicts), tuple(refreshed), tuple(dropped), reshaped)

    # -- saving -------------------------------------------------------------

    def problems(self) -> list[FieldProblem]:
        """Every changed field that cannot be sent, with the reason, in field order."""
        return [FieldProblem(name, self._states[name].field.label, problem) for name in self.changed_names()
                if (problem := self._states[name].problem)]

    def changes(self) -> dict[str, Any]:
        """`recordData` for `updateRecordFields`: only changed fields, as their valueType.

        Raises
        ------
        FieldValidationError
            Listing every changed field that cannot be sent.
        """
        problems = self.problems()
        if problems:
            raise FieldValidationError(problems)
        return {name: values.to_wire(self._states[name].field, self.value(name)) for name in self.changed_names()}

    def _state(self, name: str) -> _State:
        try:
            return self._states[name]
        except KeyError:
            raise ArgumentValueError(
                f"{name!r} is not a field of this record; fields are: {', '.join(self._states)}"
            ) from None


def _shape(field: Field) -> tuple[Any, ...]:
    """What a field's control is made of (everything but its value)."""
    return (field.display_name, field.field_type, field.value_type, field.options, field.is_editable, field.is_mandatory)


def _same_baseline(a: _State, b: _State) -> bool:
    if a.baseline_ok and b.baseline_ok:
        return bool(a.baseline == b.baseline)
    return a.baseline_ok == b.baseline_ok and raw_text(a.baseline) == raw_text(b.baseline)


def _baseline_text(state: _State) -> str:
    return values.format_text(state.field, state.baseline) if state.baseline_ok else raw_text(state.baseline)


READ_ONLY_HINT = "read-only in WWE, it cannot be changed"
MANDATORY_HINT = "required: enter a value"


def validate_record_data(fields: Iterable[Field], record_data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a caller's `recordData` against the record's fields and convert it.

    Every key given is sent (even if equal to WWE's value: the caller asked for
    it), converted to the field's valueType.

    Raises
    ------
    FieldValidationError
        Listing every unknown, read-only, empty mandatory or ill-typed field.
    """
    editor = RecordEditor(fields)
    problems = []
    for name, value in record_data.items():
        if name not in editor:
            problems.append(FieldProblem(name, name, "is not a field of this record"))
            continue
        problem = editor.set_text(name, value)
        if problem:
            problems.append(FieldProblem(name, editor.field(name).label, problem))
    if problems:
        raise FieldValidationError(problems)
    return {name: values.to_wire(editor.field(name), editor.value(name)) for name in record_data}
