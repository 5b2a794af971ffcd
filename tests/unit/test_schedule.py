"""Rescheduling dates in the record's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bridge import ArgumentValueError, format_reschedule, to_record_time
from bridge.schedule import CallbackType, callback_type, record_zone


def test_reference_example() -> None:
    bst = timezone(timedelta(hours=1))
    one_hour_later = datetime(2021, 5, 27, 14, 30, tzinfo=bst) + timedelta(hours=1)
    assert format_reschedule(one_hour_later, tz_offset=-4 * 3600) == "05/27/2021 10:30"


def test_naive_is_record_time_and_string_is_checked() -> None:
    assert format_reschedule(datetime(2021, 5, 27, 10, 55)) == "05/27/2021 10:55"
    assert format_reschedule("05/27/2021 10:55") == "05/27/2021 10:55"
    with pytest.raises(ArgumentValueError, match="MM/DD/YYYY HH:MM"):
        format_reschedule("5/27/2021 10:55")
    with pytest.raises(ArgumentValueError, match="needs the record's time zone"):
        format_reschedule(datetime(2021, 5, 27, 10, 55, tzinfo=timezone.utc))


def test_offsets_are_bounded() -> None:
    with pytest.raises(ArgumentValueError):
        record_zone(15 * 3600)


def test_callback_type() -> None:
    assert callback_type("campaign") is CallbackType.CAMPAIGN
    with pytest.raises(ArgumentValueError):
        callback_type("ME")


# Fixed-offset zones (not zoneinfo): the same test runs inside Pyodide, which has no tz database.
agent_zones = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@given(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2100, 1, 1), timezones=agent_zones),
       st.integers(min_value=-12 * 3600, max_value=14 * 3600).map(lambda s: s - s % 60))
def test_record_time_is_the_same_instant(when: datetime, offset: int) -> None:
    local = to_record_time(when, offset)
    assert local.tzinfo is None
    assert local.replace(tzinfo=timezone(timedelta(seconds=offset))) == when
