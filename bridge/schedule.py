"""Rescheduling in the record's time zone, inside the record's calling window.

The reference: `rescheduleDate` is ``MM/DD/YYYY HH:MM`` *in the time zone of the
record*, so an agent in BST at 14:30 who promises an EDT customer (09:30 there)
a call in one hour sends ``10:30``, not ``15:30``. The record's zone is read from
its ``GSW_TZ_NAME`` at the callback's own instant (`bridge.zones`), so the hour
is right across a daylight-saving change.

A record also carries its daily calling window, ``GSW_FROM`` / ``GSW_UNTIL``
(seconds since midnight, record time; OCS dials a record only inside it). A
callback outside it is refused downstream or never dialled, so it is checked
before anything is sent, as is a callback in the past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from enum import StrEnum

from .chained import ChainedRecord
from .errors import ArgumentTypeError, ArgumentValueError, FieldProblem, FieldValidationError
from .values import DATE_FORMAT, DATE_HINT, FieldValueError, parse_date
from .zones import RecordZone

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


NAIVE_HINT = (
    "a naive datetime has no time zone, so it is not known to be the customer's time "
    "(datetime.now() + timedelta(hours=1) is the agent's clock): pass an aware datetime "
    "(e.g. datetime.now(timezone.utc) + timedelta(hours=1)), an 'MM/DD/YYYY HH:MM' string in "
    "the record's time, or naive_is_record_time=True"
)


def record_local(when: datetime | str, *, naive_is_record_time: bool = False) -> datetime | None:
    """*when* as the record's wall-clock time when it says so itself (None: aware, convert it).

    Raises
    ------
    ArgumentValueError, ArgumentTypeError
        A string not in the exact ``MM/DD/YYYY HH:MM`` form, a naive datetime without
        ``naive_is_record_time=True``, anything else.
    """
    if isinstance(when, str):
        return parse_date(format_reschedule(when))
    if not isinstance(when, datetime):
        raise ArgumentTypeError(f"when must be a datetime or an 'MM/DD/YYYY HH:MM' string, not {type(when).__name__}")
    if when.tzinfo is not None and when.utcoffset() is not None:
        return None
    if not naive_is_record_time:
        raise ArgumentTypeError(NAIVE_HINT)
    return when.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class CallingWindow:
    """A record's daily calling window in record time (``GSW_FROM`` to ``GSW_UNTIL``).

    ``GSW_UNTIL`` 86399 (23:59:59) is the end of the day; a window whose start is
    after its end crosses midnight (22:00 to 02:00).
    """

    start: time
    end: time

    @classmethod
    def of(cls, record: ChainedRecord | None) -> CallingWindow | None:
        """The record's window, or None when it has none (missing, invalid, or the whole day)."""
        if record is None or record.call_from is None or record.call_until is None:
            return None
        window = cls(record.call_from, record.call_until)
        whole_day = window.start == time(0, 0) and window.end >= time(23, 59)  # the reference's sample: 0 to 86399
        return None if window.start == window.end or whole_day else window

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment <= self.end
        return moment >= self.start or moment <= self.end

    def __str__(self) -> str:
        return f"{self.start.strftime('%H:%M')}–{self.end.strftime('%H:%M')}"


class CallbackTimeError(FieldValidationError):
    """A callback WWE would take but the customer must not get: in the past, or
    outside the record's calling window. Nothing was sent.

    Attributes
    ----------
    reason : str
        ``"past"``, ``"outside-window"``, or ``"skipped"`` (a time a daylight-saving change skips).
    window : CallingWindow | None
    """

    def __init__(self, reason: str, message: str, window: CallingWindow | None = None) -> None:
        self.reason = reason
        self.window = window
        super().__init__([FieldProblem("rescheduleDate", "Callback", message)])


def check_callback(local: datetime, zone: RecordZone, window: CallingWindow | None, now: datetime, *,
                   allow_past: bool = False, allow_outside_window: bool = False) -> None:
    """Refuse a callback (record time *local*) in the past or outside *window*.

    Raises
    ------
    CallbackTimeError
        Saying what the record's time is now, or the window, and how to override.
    """
    if zone.known and zone.to_local(zone.to_utc(local)) != local:
        later = zone.to_local(zone.to_utc(local)).strftime("%H:%M")
        raise CallbackTimeError("skipped", f"{local.strftime(DATE_FORMAT)} does not exist in the record's time zone: "
                                           f"its clocks go forward then (it would be {later}); enter another time")
    if not allow_past and zone.known:
        instant = zone.to_utc(local)
        if instant <= now:
            current = zone.to_local(now).strftime(DATE_FORMAT)
            raise CallbackTimeError("past", f"{local.strftime(DATE_FORMAT)} is in the past: it is now {current} in the "
                                            "record's time zone (pass allow_past=True to send it anyway)")
    if window is not None and not allow_outside_window and not window.contains(local.time()):
        raise CallbackTimeError("outside-window", f"{local.strftime('%H:%M')} is outside the record's calling window, "
                                f"{window} record time: OCS would not dial it then (pass allow_outside_window=True "
                                "to send it anyway)", window)
