"""`RecordEditor`: the editing model of an outbound record's fields.

Used by the widget and by scripts alike. It keeps, per field, the baseline WWE
sent and the current value, validates per fieldType/valueType and per the
editable/mandatory flags, and gives `changes()`: the `recordData` of only the
fields whose normalised value differs from the baseline (like Django forms'
`changed_data`).
"""

from __future__ import annotations

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
    current: Any = _UNSET  # normalised value; _UNSET while untouched
    text: str | None = None  # last text a person typed that did not parse
    problem: str | None = None


def _baseline(field: Field) -> tuple[Any, bool]:
    try:
        return values.parse(field, field.value), True
    except values.FieldValueError:
        return field.value, False


class RecordEditor:
    """Editable set of record fields.

    Parameters
    ----------
    fields : Iterable[Field]
        From `Outbound.get_record_fields`.

    Examples
    --------
    >>> editor = RecordEditor(await outbound.get_record_fields(iid))   # doctest: +SKIP
    >>> editor.set("GSW_PHONE_TYPE", "Mobile")                          # doctest: +SKIP
    >>> editor.changes()                                                # doctest: +SKIP
    {'GSW_PHONE_TYPE': 4}
    """

    def __init__(self, fields: Iterable[Field]) -> None:
        self._states: dict[str, _State] = {}
        for field in fields:
            baseline, ok = _baseline(field)
            self._states[field.name] = _State(field, baseline, ok)

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

    def text(self, name: str) -> str:
        """What the field's control should show: the last bad text typed, else the value."""
        state = self._state(name)
        if state.text is not None:
            return state.text
        value = self.value(name)
        if state.current is _UNSET and not state.baseline_ok:
            return "" if value is None else str(value)
        return values.format_text(state.field, value)

    def original_text(self, name: str) -> str:
        """The baseline as text, for "was: …" hints next to a changed field."""
        state = self._state(name)
        if not state.baseline_ok:
            return "" if state.baseline is None else str(state.baseline)
        return values.format_text(state.field, state.baseline)

    def problem(self, name: str) -> str | None:
        """Why the field cannot be saved as it is, or None."""
        return self._state(name).problem

    def is_changed(self, name: str) -> bool:
        state = self._state(name)
        if state.text is not None:
            return True
        if state.current is _UNSET:
            return False
        return not state.baseline_ok or state.current != state.baseline

    def changed_names(self) -> list[str]:
        return [name for name in self._states if self.is_changed(name)]

    def has_changes(self) -> bool:
        return any(self.is_changed(name) for name in self._states)

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
        try:
            parsed = values.parse(state.field, text)
        except values.FieldValueError as exc:
            state.text = text if isinstance(text, str) else str(text)
            state.problem = exc.message
            return state.problem
        state.current, state.text = parsed, None
        state.problem = MANDATORY_HINT if parsed is None and state.field.is_mandatory else None
        return state.problem

    def revert(self, name: str) -> None:
        """Back to WWE's value for this field."""
        state = self._state(name)
        state.current, state.text, state.problem = _UNSET, None, None

    def revert_all(self) -> None:
        for name in self._states:
            self.revert(name)

    # -- saving -------------------------------------------------------------

    def problems(self) -> list[FieldProblem]:
        """Every changed field that cannot be sent, with the reason, in field order."""
        out = []
        for name, state in self._states.items():
            if state.problem and self.is_changed(name):
                out.append(FieldProblem(name, state.field.label, state.problem))
        return out

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
        return {
            name: values.to_wire(state.field, self.value(name))
            for name, state in self._states.items()
            if self.is_changed(name)
        }

    def _state(self, name: str) -> _State:
        try:
            return self._states[name]
        except KeyError:
            raise ArgumentValueError(
                f"{name!r} is not a field of this record; fields are: {', '.join(self._states)}"
            ) from None


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
