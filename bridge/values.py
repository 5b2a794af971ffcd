"""Parse, format and send field values, per the reference's fieldType and valueType.

Three representations of a value:

- *text*: what a person types and sees (``"05/27/2021 10:55"``);
- *value*: the normalised Python value (`datetime`, `time`, `int`, enum key `str`,
  ...) or None for empty;
- *wire*: what `updateRecordFields` gets, of the field's valueType.

`parse` accepts text or Python values; `format_text` and `to_wire` never fail for
a value `parse` returned.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, time
from typing import Any

from ._numbers import whole_number
from .errors import BridgeError
from .fields import Field, FieldType, ValueType

DATE_FORMAT = "%m/%d/%Y %H:%M"
TIME_FORMAT = "%H:%M"
# OCS stores int fields in 32-bit integer columns.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

# ASCII digits only: a bare \d also matches the digits of other scripts.
_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})", re.ASCII)
_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?", re.ASCII)
# The reference's own sample sends a time as "10.15": accept "." as well as ":".
_TIME_RE = re.compile(r"(\d{1,2})[:.](\d{2})", re.ASCII)
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}

TIME_HINT = "use HH:MM, 00:00–23:59"
DATE_HINT = "use MM/DD/YYYY HH:MM, e.g. 05/27/2021 10:55"


class FieldValueError(BridgeError, ValueError):
    """A value that does not fit its field; `message` is written for a person."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse(field: Field, value: Any) -> Any:
    """The normalised value of *value* (text or Python) for *field*; None if empty.

    Raises
    ------
    FieldValueError
        With a message that says what to enter instead.
    """
    kind = field.kind
    if kind in (FieldType.CHAR, FieldType.VAR_CHAR, None):
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise FieldValueError("enter text")
        text = str(value)
        if text == "":
            return None
        if kind is FieldType.CHAR and len(text) != 1:
            raise FieldValueError("enter exactly one character")
        return text
    if is_empty(value):
        return None
    return _PARSERS[kind](field, value)


def _parse_int(field: Field, value: Any) -> int:
    if isinstance(value, bool):
        raise FieldValueError("enter a whole number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.fullmatch(r"\s*([+-]?[0-9]+)\s*", value) if isinstance(value, str) else None
    if digits:
        # the digits alone: int() strips fewer whitespace characters than \s matches ("0\x1f")
        value = int(digits.group(1))
    if not isinstance(value, int):
        raise FieldValueError("enter a whole number, e.g. 42")
    if not INT_MIN <= value <= INT_MAX:
        raise FieldValueError(f"enter a whole number between {INT_MIN} and {INT_MAX}")
    return value


def _parse_float(field: Field, value: Any) -> float:
    if isinstance(value, bool):
        raise FieldValueError("enter a number")
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            raise FieldValueError("enter a number, e.g. 16.64")
        value = float(text)
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise FieldValueError("enter a number, e.g. 16.64")
    return float(value)


def _parse_date(field: Field, value: Any) -> datetime:
    return parse_date(value)


def parse_date(value: Any) -> datetime:
    """A naive minute-precision datetime from ``MM/DD/YYYY HH:MM`` text (or a datetime).

    Raises
    ------
    FieldValueError
        Saying which format to use, or that the day is not in the calendar.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise FieldValueError("record dates carry no time zone: use a naive datetime")
        return value.replace(second=0, microsecond=0)
    if not isinstance(value, str):
        raise FieldValueError(DATE_HINT)
    text = value.strip()
    match = _DATE_RE.fullmatch(text)
    if match:
        month, day, year, hour, minute = map(int, match.groups())
    elif iso := _ISO_RE.fullmatch(text):  # what WWE shows in record data
        year, month, day, hour, minute = map(int, iso.groups())
    else:
        raise FieldValueError(DATE_HINT)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise FieldValueError(f"{hour:02d}:{minute:02d} is not a time of day: {DATE_HINT}")
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        raise FieldValueError(f"{month:02d}/{day:02d}/{year} is not a date in the calendar") from None


def _parse_time(field: Field, value: Any) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = _TIME_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise FieldValueError(TIME_HINT)
    hour, minute = int(match[1]), int(match[2])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise FieldValueError(TIME_HINT)
    return time(hour, minute)


def _parse_bool(field: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldValueError("choose true or false")


def _parse_enum(field: Field, value: Any) -> str:
    options = field.options or {}
    if isinstance(value, bool):
        raise FieldValueError(_enum_hint(options))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = str(value).strip() if isinstance(value, (str, int)) else None
    if key is None or key not in options:
        # A person may pick the label; scripts may pass it too.
        by_label = [k for k, label in options.items() if label == key]
        if len(by_label) != 1:
            raise FieldValueError(_enum_hint(options))
        key = by_label[0]
    if field.value_type == ValueType.NUMBER and whole_number(key) is None:
        # Checked here, not at save: the agent learns it when choosing.
        raise FieldValueError(f"WWE lists {options[key]!r} with the key {key!r}, which cannot be sent as the number "
                              "this field takes: choose another option")
    return key


def _enum_hint(options: dict[str, str] | Any) -> str:
    if not options:
        return "this list has no options to choose from"
    labels = ", ".join(options.values())
    return f"choose one of: {labels}" if len(labels) < 200 else "choose one of the listed options"


_PARSERS = {
    FieldType.INT: _parse_int,
    FieldType.FLOAT: _parse_float,
    FieldType.DATE: _parse_date,
    FieldType.TIME: _parse_time,
    FieldType.BOOL: _parse_bool,
    FieldType.ENUM: _parse_enum,
}


def format_text(field: Field, value: Any) -> str:
    """The text a person sees for a normalised *value* (empty string for None)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, time):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, float):
        # shortest round-trip text, without a trailing ".0": what the agent typed as
        # "0" comes back as "0", not "0.0"
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def to_wire(field: Field, value: Any) -> Any:
    """*value* (normalised) as the field's valueType for `updateRecordFields`.

    Enum keys go as numbers when valueType is ``number``, as in the reference's
    sample (``GSW_PHONE_TYPE: 9``). Empty goes as ``""`` for strings and null
    otherwise, which WWE treats as "clear the field".
    """
    value_type = field.value_type
    if value_type == ValueType.NUMBER:
        if value is None:
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return value
        number = _parse_float(field, format_text(field, value))
        return int(number) if number.is_integer() else number
    if value_type == ValueType.BOOLEAN:
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        return _parse_bool(field, format_text(field, value))
    return format_text(field, value)
