"""Rescheduling in the record's time zone.

The reference: `rescheduleDate` is ``MM/DD/YYYY HH:MM`` *in the time zone of the
record*, so an agent in BST at 14:30 who promises an EDT customer (09:30 there)
a call in one hour sends ``10:30``, not ``15:30``. The record's zone is its
``GSW_TZ_OFFSET``: seconds east of UTC.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from enum import StrEnum

from .errors import ArgumentTypeError, ArgumentValueError
from .values import DATE_FORMAT, DATE_HINT, FieldValueError, parse_date

# OCS offsets run from UTC-12 to UTC+14.
_MAX_OFFSET = 14 * 3600


class CallbackType(StrEnum):
    """Who gets the rescheduled call: any agent of the campaign, or this agent."""

    CAMPAIGN = "CAMPAIGN"
    PERSONAL = "PERSONAL"


def record_zone(tz_offset: int) -> timezone:
    """A fixed-offset zone for a record's ``GSW_TZ_OFFSET``."""
    if isinstance(tz_offset, bool) or not isinstance(tz_offset, int):
        raise ArgumentTypeError(f"tz_offset must be seconds east of UTC as an int, not {tz_offset!r}")
    if abs(tz_offset) > _MAX_OFFSET:
        raise ArgumentValueError(f"tz_offset {tz_offset} s is not a UTC offset (±{_MAX_OFFSET} s at most)")
    return timezone(timedelta(seconds=tz_offset))


def to_record_time(when: datetime, tz_offset: int | None) -> datetime:
    """*when* as a naive datetime on the record's wall clock.

    An aware datetime is converted with the record's offset; a naive one is
    taken as already in record time and returned as is.
    """
    if when.tzinfo is None or when.utcoffset() is None:
        return when
    if tz_offset is None:
        raise ArgumentValueError(
            "an aware datetime needs the record's time zone: pass tz_offset= (GSW_TZ_OFFSET) "
            "or a naive datetime already in record time"
        )
    return when.astimezone(record_zone(tz_offset)).replace(tzinfo=None)


def format_reschedule(when: datetime | str, tz_offset: int | None = None) -> str:
    """The `rescheduleDate` string for *when*.

    Parameters
    ----------
    when : datetime | str
        Aware: converted to the record's zone. Naive: already record time.
        str: ``MM/DD/YYYY HH:MM``, checked against the calendar.
    tz_offset : int | None
        The record's ``GSW_TZ_OFFSET`` (needed for an aware *when*).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> bst = timezone(timedelta(hours=1))
    >>> format_reschedule(datetime(2021, 5, 27, 14, 30, tzinfo=bst) + timedelta(hours=1), -4 * 3600)
    '05/27/2021 10:30'
    """
    if isinstance(when, str):
        text = when.strip()
        try:
            parsed = parse_date(text)
        except FieldValueError as exc:
            raise ArgumentValueError(f"reschedule date {when!r}: {exc.message}") from None
        if parsed.strftime(DATE_FORMAT) != text:
            raise ArgumentValueError(f"reschedule date {when!r}: {DATE_HINT}")
        return text
    if not isinstance(when, datetime):
        raise ArgumentTypeError(f"when must be a datetime or an 'MM/DD/YYYY HH:MM' string, not {type(when).__name__}")
    return to_record_time(when, tz_offset).strftime(DATE_FORMAT)


def callback_type(value: str | CallbackType) -> CallbackType:
    """Check *value* is CAMPAIGN or PERSONAL (case-insensitive)."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"callback_type must be 'CAMPAIGN' or 'PERSONAL', not {type(value).__name__}")
    try:
        return CallbackType(value.strip().upper())
    except ValueError:
        raise ArgumentValueError(f"callback_type must be 'CAMPAIGN' or 'PERSONAL', not {value!r}") from None
