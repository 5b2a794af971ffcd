"""A record's time zone, right on both sides of a daylight-saving change.

A calling-list record carries ``GSW_TZ_NAME`` (a Genesys time-zone name) and
``GSW_TZ_OFFSET`` (seconds east of UTC). The offset is the zone's offset *now*:
a callback on the other side of a DST change computed with it is an hour off
(a record read in December with ``PST``, −28800, and a callback on 1 July at
15:00 UTC gives 07:00, but Los Angeles then reads 08:00). For outbound this is a
compliance matter: calling hours are the customer's.

Genesys configuration time-zone objects are named with Java's short IDs (``ACT``,
``PST``, ``ECT``, …). We map them to IANA zones with the table Java itself uses,
`java.time.ZoneId.SHORT_IDS` (its Javadoc lists it; it follows TZDB 2005r and
later), and ask the zone database for the offset at the instant in question:
`zoneinfo` in CPython, the browser's `Intl` in Pyodide (which ships no tz
database; see `bridge._pyodide.browser_offset`). In that table ``EST``, ``MST``
and ``HST`` are fixed offsets (−05:00, −07:00, −10:00, no DST), and so they stay
here: we found no better source for what a Genesys deployment means by them.
A name the table does not have, or a zone the database does not know, falls back
to ``GSW_TZ_OFFSET``, and `RecordZone.note` says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .errors import ArgumentValueError

#: java.time.ZoneId.SHORT_IDS: Java's short time-zone IDs, as Genesys names zones.
JAVA_SHORT_IDS: Mapping[str, str] = {
    "ACT": "Australia/Darwin", "AET": "Australia/Sydney", "AGT": "America/Argentina/Buenos_Aires",
    "ART": "Africa/Cairo", "AST": "America/Anchorage", "BET": "America/Sao_Paulo", "BST": "Asia/Dhaka",
    "CAT": "Africa/Harare", "CNT": "America/St_Johns", "CST": "America/Chicago", "CTT": "Asia/Shanghai",
    "EAT": "Africa/Addis_Ababa", "ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan",
    "NST": "Pacific/Auckland", "PLT": "Asia/Karachi", "PNT": "America/Phoenix", "PRT": "America/Puerto_Rico",
    "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal", "VST": "Asia/Ho_Chi_Minh",
}
#: The same table's fixed offsets (seconds east of UTC): no daylight saving.
JAVA_FIXED_OFFSETS: Mapping[str, int] = {"EST": -5 * 3600, "MST": -7 * 3600, "HST": -10 * 3600}

# OCS offsets run from UTC-12 to UTC+14.
MAX_OFFSET = 14 * 3600

OffsetLookup = Callable[[str, datetime], "int | None"]


def zoneinfo_offset(zone: str, instant: datetime) -> int | None:
    """The offset of IANA *zone* at UTC *instant* from `zoneinfo`, or None if it is not known."""
    try:
        from zoneinfo import ZoneInfo

        offset = instant.astimezone(ZoneInfo(zone)).utcoffset()
    except Exception:  # ZoneInfoNotFoundError, no tz database (Pyodide), a bad key
        return None
    return int(offset.total_seconds()) if offset is not None else None


def _default_lookup(zone: str, instant: datetime) -> int | None:
    found = zoneinfo_offset(zone, instant)
    if found is None:
        from ._pyodide import IN_PYODIDE

        if IN_PYODIDE:  # no tz database in Pyodide: the browser has one
            from ._pyodide import browser_offset

            return browser_offset(zone, instant)
    return found


_lookup: OffsetLookup = _default_lookup


def set_offset_lookup(lookup: OffsetLookup | None) -> None:
    """Use *lookup* (zone, aware UTC instant) → seconds east of UTC, or None for unknown; None restores the default."""
    global _lookup
    _lookup = lookup or _default_lookup


def _valid_offset(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_OFFSET else None


@dataclass(frozen=True)
class RecordZone:
    """Where a record's customer is: the zone to read and write its callback times in.

    Attributes
    ----------
    name : str | None
        ``GSW_TZ_NAME`` as sent.
    iana : str | None
        The IANA zone it maps to (None: a fixed offset, or unknown).
    fixed : int | None
        Seconds east of UTC when the zone has no rules: Java's EST/MST/HST, or
        ``GSW_TZ_OFFSET`` when the name is unknown.
    note : str | None
        Why the record's own offset is used (shown to the agent), if it is.
    """

    name: str | None
    iana: str | None
    fixed: int | None
    note: str | None = None

    @classmethod
    def of(cls, tz_name: Any, tz_offset: Any) -> RecordZone:
        """The zone of a record from its ``GSW_TZ_NAME`` and ``GSW_TZ_OFFSET``."""
        name = tz_name.strip() if isinstance(tz_name, str) and tz_name.strip() else None
        offset = _valid_offset(tz_offset)
        if name is not None:
            key = name.upper()
            if key in JAVA_FIXED_OFFSETS:
                return cls(name, None, JAVA_FIXED_OFFSETS[key])
            iana = JAVA_SHORT_IDS.get(key) or (name if "/" in name else None)
            if iana is not None and _lookup(iana, datetime.now(timezone.utc)) is not None:
                return cls(name, iana, None)
        if offset is None:
            return cls(name, None, None, f"the record's time zone is unknown (GSW_TZ_NAME {name!r}, no valid GSW_TZ_OFFSET)")
        what = f"time zone {name!r} is not one we know" if name else "the record names no time zone"
        return cls(name, None, offset, f"{what}: its current offset (GSW_TZ_OFFSET) is used, "
                                       "which is an hour off across a daylight-saving change")

    @property
    def known(self) -> bool:
        return self.iana is not None or self.fixed is not None

    def offset_at(self, instant: datetime) -> int:
        """Seconds east of UTC at *instant* (aware).

        Raises
        ------
        ArgumentValueError
            When the record's zone is unknown.
        """
        if self.iana is not None:
            found = _lookup(self.iana, instant.astimezone(timezone.utc))
            if found is not None:
                return found
        if self.fixed is not None:
            return self.fixed
        raise ArgumentValueError(self.note or "the record's time zone is unknown")

    def to_local(self, instant: datetime) -> datetime:
        """UTC *instant* (aware) as the record's wall-clock time (naive)."""
        utc = instant.astimezone(timezone.utc)
        return (utc + timedelta(seconds=self.offset_at(utc))).replace(tzinfo=None)

    def to_utc(self, local: datetime) -> datetime:
        """The record's wall-clock *local* (naive) as an aware UTC instant.

        Around a change of offset: a time that a fall-back repeats is the first of
        the two; a time that a spring-forward skips is read with the offset from
        before the change (02:30 on that night is 03:30 after it).
        """
        naive = local.replace(tzinfo=timezone.utc)
        # The offsets in force a day either side (a zone changes at most once in two days).
        before = naive - timedelta(seconds=self.offset_at(naive - timedelta(days=1)))
        after = naive - timedelta(seconds=self.offset_at(naive + timedelta(days=1)))
        real = sorted({c for c in (before, after) if self.to_local(c) == local})
        return real[0] if real else before

    def label(self, instant: datetime | None = None) -> str:
        """``PST (America/Los_Angeles, UTC-07:00)``, the offset at *instant* (default: now)."""
        when = instant or datetime.now(timezone.utc)
        try:
            offset = offset_text(self.offset_at(when))
        except ArgumentValueError:
            return f"{self.name} (unknown offset)" if self.name else "unknown time zone"
        where = ", ".join(x for x in (self.iana, offset) if x)
        return f"{self.name} ({where})" if self.name else offset


def offset_text(seconds: int) -> str:
    """``34200`` → ``UTC+09:30``."""
    sign = "+" if seconds >= 0 else "-"
    minutes = abs(seconds) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
