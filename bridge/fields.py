"""`Field`: one outbound record field as `getRecordFields` describes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import MalformedResponseError


class FieldType(StrEnum):
    """The reference's ``fieldType`` values."""

    INT = "int"
    FLOAT = "float"
    CHAR = "char"
    VAR_CHAR = "var-char"
    DATE = "date"
    TIME = "time"
    BOOL = "bool"
    ENUM = "enum"


class ValueType(StrEnum):
    """The reference's ``valueType``: the JS type a value is sent as."""

    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Field:
    """An outbound record field, exactly as the reference's `Field` type.

    Parameters
    ----------
    name : str
        Use this name in `update_record_fields`.
    display_name : str | None
        The name WWE shows; `label` falls back to `name` when it is missing.
    value : Any
        The current value as WWE sent it (text in the reference).
    is_editable, is_mandatory : bool
    options : Mapping[str, str] | None
        For enum fields: key → label. Keys are kept as strings.
    field_type : str
        ``int``, ``float``, ``char``, ``var-char``, ``date``, ``time``, ``bool``
        or ``enum``; any other string is kept (see `kind`).
    value_type : str
        ``string``, ``number`` or ``boolean``.
    raw : Mapping[str, Any]
        The dict WWE sent, untouched.

    Examples
    --------
    >>> f = Field.from_wwe({"name": "GSW_PHONE", "value": "+331", "isEditable": True,
    ...                     "isMandatory": True, "fieldType": "var-char", "valueType": "string"})
    >>> f.label, f.kind
    ('GSW_PHONE', <FieldType.VAR_CHAR: 'var-char'>)
    """

    name: str
    display_name: str | None
    value: Any
    is_editable: bool
    is_mandatory: bool
    options: Mapping[str, str] | None
    field_type: str
    value_type: str
    raw: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def label(self) -> str:
        """What to show a person: `display_name`, else `name`."""
        return self.display_name or self.name

    @property
    def kind(self) -> FieldType | None:
        """`field_type` as a `FieldType`, or None for a type the reference does not list."""
        try:
            return FieldType(self.field_type)
        except ValueError:
            return None

    @classmethod
    def from_wwe(cls, data: Any, method: str = "getRecordFields") -> Field:
        """Build a `Field` from one element of `getRecordFields` data.

        Tolerates what WWE really sends: ``type`` instead of ``fieldType`` (as in
        the reference's own sample), a missing ``displayName``, ``value`` or
        ``options``. Raises `MalformedResponseError` when it is not a field at all.
        """
        if not isinstance(data, Mapping):
            raise MalformedResponseError(method, f"a field must be an object, got {type(data).__name__}", data)
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise MalformedResponseError(method, "a field has no name", data)
        display = data.get("displayName")
        field_type = data.get("fieldType", data.get("type"))
        return cls(
            name=name,
            display_name=display if isinstance(display, str) and display else None,
            value=data.get("value"),
            is_editable=data.get("isEditable") is True,
            is_mandatory=data.get("isMandatory") is True,
            options=_options(data.get("options")),
            field_type=str(field_type) if field_type is not None else FieldType.VAR_CHAR.value,
            value_type=str(data.get("valueType") or ValueType.STRING.value),
            raw=dict(data),
        )


def _options(options: Any) -> Mapping[str, str] | None:
    if not isinstance(options, Mapping):
        return None
    return {str(key): str(label) for key, label in options.items()}


def fields_from_wwe(data: Any, method: str = "getRecordFields") -> list[Field]:
    """All fields of a `getRecordFields` answer, in WWE's order."""
    if not isinstance(data, list):
        raise MalformedResponseError(method, f"expected a list of fields, got {type(data).__name__}", data)
    return [Field.from_wwe(item, method) for item in data]
