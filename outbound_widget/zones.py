"""Record time and agent time, for rescheduling in the record's time zone."""

from __future__ import annotations

from datetime import datetime, timezone

from bridge.schedule import record_zone
from bridge.values import parse_date


def offset_text(seconds: int) -> str:
    """``34200`` → ``UTC+09:30``."""
    sign = "+" if seconds >= 0 else "-"
    minutes = abs(seconds) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_label(tz_name: str | None, tz_offset: int | None) -> str:
    """The record's zone as a person reads it: ``ACT (UTC+09:30)``."""
    if tz_offset is None:
        return f"{tz_name} (offset unknown)" if tz_name else "unknown time zone"
    return f"{tz_name} ({offset_text(tz_offset)})" if tz_name else offset_text(tz_offset)


def record_to_utc(text: str, tz_offset: int) -> datetime:
    """``MM/DD/YYYY HH:MM`` in the record's zone, as an aware UTC datetime.

    Raises `bridge.values.FieldValueError` with the format hint when *text* is not a date.
    """
    naive = parse_date(text)
    return naive.replace(tzinfo=record_zone(tz_offset)).astimezone(timezone.utc)


def format_wwe(moment: datetime) -> str:
    return moment.strftime("%m/%d/%Y %H:%M")
