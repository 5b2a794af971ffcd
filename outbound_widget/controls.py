"""Which control edits which field: a pure function of the field's metadata.

Kept apart from rendering so that the choice is tested on its own and a new
fieldType is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bridge import Field, FieldType
from bridge.values import DATE_HINT, TIME_HINT, FieldValueError, parse


class ControlKind(str, Enum):
    NUMBER = "number"
    TEXT = "text"
    CHECKBOX = "checkbox"
    SELECT = "select"
    READONLY = "readonly"


@dataclass(frozen=True)
class Control:
    """How to render a field's control.

    Attributes
    ----------
    kind : ControlKind
    step : str | None
        For numbers: ``"1"`` (int) or ``"any"`` (float).
    max_length : int | None
        1 for ``char``.
    placeholder, input_mode : str | None
        Typing aids for date and time text (they read and write WWE's formats).
    hint : str | None
        The expected format, shown with the label.
    options : tuple[tuple[str, str], ...]
        For enums: ``(key, label)`` pairs in WWE's order, led by an empty choice
        when the field may be empty (or has no value yet).
    warning : str | None
        Set for a fieldType the reference does not list (rendered as text).
    readonly_reason : str | None
        For read-only controls: why the agent cannot change it.
    """

    kind: ControlKind
    step: str | None = None
    max_length: int | None = None
    placeholder: str | None = None
    input_mode: str | None = None
    hint: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    warning: str | None = None
    readonly_reason: str | None = None


READ_ONLY_REASON = "Read-only in WWE: it cannot be changed here."
# Once WWE marks an interaction done it has sent the record to OCS and refuses any change
# of it (the reference: the fields go to OCS "when the record is marked done").
NOT_USABLE = "Read-only: WWE does not let you use outbound (privilege.outbound.can-use)."
DONE_REASON = "Marked done: WWE has sent this record to OCS, so nothing of it can change now."
DUPLICATE_REASON = "WWE sent another field with this name: only the first one can be edited here."
def _fits(field: Field) -> bool:
    try:
        parse(field, field.value)
    except FieldValueError:
        return False
    return True


def _enum_options(field: Field) -> tuple[tuple[str, str], ...]:
    options = tuple((key, label) for key, label in (field.options or {}).items())
    has_value = field.value not in (None, "") and str(field.value) in (field.options or {})
    if not field.is_mandatory:
        return (("", "(none)"),) + options
    return options if has_value else (("", "Choose…"),) + options


def duplicate_control() -> Control:
    """A second field of the same name: shown, never edited (edits go by name)."""
    return Control(ControlKind.READONLY, readonly_reason=DUPLICATE_REASON)


def control_for(field: Field, fits: bool | None = None) -> Control:
    """The control for *field*: read-only text when WWE does not let it change.

    A number or yes/no field whose value from WWE does not fit its type is edited
    as text, so that WWE's value shows exactly as sent: a number input would show
    "1e309" as empty, a checkbox "maybe" as unchecked. *fits* says whether WWE's
    value parses for the field's type when the caller already knows (a
    `RecordEditor` does); None: it is checked here.
    """
    if not field.is_editable:
        return Control(ControlKind.READONLY, readonly_reason=READ_ONLY_REASON)
    kind = field.kind
    if kind in (FieldType.INT, FieldType.FLOAT, FieldType.BOOL) and not (_fits(field) if fits is None else fits):
        hint = "true or false" if kind is FieldType.BOOL else "a whole number" if kind is FieldType.INT else "a number"
        return Control(ControlKind.TEXT, hint=f"Enter {hint}.")
    if kind is FieldType.INT:
        return Control(ControlKind.NUMBER, step="1", input_mode="numeric")
    if kind is FieldType.FLOAT:
        return Control(ControlKind.NUMBER, step="any", input_mode="decimal")
    if kind is FieldType.CHAR:
        return Control(ControlKind.TEXT, max_length=1)
    if kind is FieldType.VAR_CHAR:
        return Control(ControlKind.TEXT)
    if kind is FieldType.DATE:
        return Control(ControlKind.TEXT, placeholder="MM/DD/YYYY HH:MM", input_mode="numeric", hint=DATE_HINT)
    if kind is FieldType.TIME:
        return Control(ControlKind.TEXT, placeholder="HH:MM", input_mode="numeric", hint=TIME_HINT)
    if kind is FieldType.BOOL:
        return Control(ControlKind.CHECKBOX)
    if kind is FieldType.ENUM:
        return Control(ControlKind.SELECT, options=_enum_options(field))
    # A type the reference does not list: its value is shown as sent and not edited,
    # since nothing here knows what WWE would accept for it.
    return Control(
        ControlKind.READONLY,
        warning=f"field {field.name!r} has fieldType {field.field_type!r}, which WWE does not document: shown read-only",
        readonly_reason=f"WWE's field type {field.field_type!r} is not one this widget knows: it is shown, not edited.",
    )
