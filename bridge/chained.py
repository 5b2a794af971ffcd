"""Chained records: the calling-list records of one chain, from `getChainedRecords`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from ._numbers import whole_number
from .errors import MalformedResponseError

# OCS phone types (GSW_PHONE_TYPE), as the enum options of the reference's
# getRecordFields sample.
PHONE_TYPES: Mapping[int, str] = {
    0: "None", 1: "Home Phone", 2: "Direct Business Phone", 3: "Business With Extension",
    4: "Mobile", 5: "Vacation Phone", 6: "Pager", 7: "Modem", 8: "Voice Mail",
    9: "Pin Pager", 10: "Email Address", 11: "Instant Messaging",
}


_int = whole_number


def seconds_to_time(seconds: int | None) -> time | None:
    """GSW_FROM/GSW_UNTIL are seconds since midnight in the record's time zone."""
    if seconds is None or not 0 <= seconds < 86400:
        return None
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


@dataclass(frozen=True)
class ChainedRecord:
    """One record of a chain. Typed accessors for the GSW_* keys; all keys in `data`.

    Examples
    --------
    >>> r = ChainedRecord.from_wwe({"GSW_RECORD_HANDLE": 283, "GSW_PHONE": "+33647005",
    ...                             "GSW_TZ_OFFSET": 34200, "GSW_UNTIL": 86399})
    >>> r.record_handle, r.tz_offset, r.call_until.isoformat()
    (283, 34200, '23:59:59')
    """

    data: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_wwe(cls, data: Any, method: str = "getChainedRecords") -> ChainedRecord:
        if not isinstance(data, Mapping):
            raise MalformedResponseError(method, f"a record must be an object, got {type(data).__name__}", data)
        return cls(dict(data))

    @property
    def record_handle(self) -> int | None:
        return _int(self.data.get("GSW_RECORD_HANDLE"))

    @property
    def chain_id(self) -> int | None:
        return _int(self.data.get("GSW_CHAIN_ID"))

    def _text(self, key: str) -> str | None:
        value = self.data.get(key)
        return None if value is None else str(value)

    @property
    def phone(self) -> str | None:
        return self._text("GSW_PHONE")

    @property
    def phone_type(self) -> int | None:
        return _int(self.data.get("GSW_PHONE_TYPE"))

    @property
    def phone_type_label(self) -> str:
        code = self.phone_type
        return PHONE_TYPES.get(code, str(code)) if code is not None else ""

    @property
    def tz_name(self) -> str | None:
        return self._text("GSW_TZ_NAME")

    @property
    def tz_offset(self) -> int | None:
        """Seconds east of UTC of the record's time zone (ACT is 34200 = +09:30)."""
        return _int(self.data.get("GSW_TZ_OFFSET"))

    @property
    def call_result(self) -> int | None:
        return _int(self.data.get("GSW_CALL_RESULT"))

    @property
    def call_from(self) -> time | None:
        return seconds_to_time(_int(self.data.get("GSW_FROM")))

    @property
    def call_until(self) -> time | None:
        return seconds_to_time(_int(self.data.get("GSW_UNTIL")))

    @property
    def custom_fields(self) -> Mapping[str, Any]:
        """Everything that is not a WWE/OCS system key, as sent."""
        system = ("GSW_", "IW_", "WWE_", "Interaction")
        return {k: v for k, v in self.data.items() if not k.startswith(system)}

    def __repr__(self) -> str:
        return (f"ChainedRecord(record_handle={self.record_handle!r}, phone={self.phone!r}, "
                f"phone_type={self.phone_type_label!r}, call_result={self.call_result!r})")


def chained_from_wwe(data: Any, method: str = "getChainedRecords") -> list[ChainedRecord]:
    """Flatten `getChainedRecords` data (``[{"records": [...]}, ...]``) to its records."""
    if not isinstance(data, list):
        raise MalformedResponseError(method, f"expected a list of chains, got {type(data).__name__}", data)
    out: list[ChainedRecord] = []
    for chain in data:
        records = chain.get("records") if isinstance(chain, Mapping) else None
        if not isinstance(records, list):
            raise MalformedResponseError(method, "a chain has no list of records", data)
        out.extend(ChainedRecord.from_wwe(r, method) for r in records)
    return out
