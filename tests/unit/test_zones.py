"""Record time zones across daylight-saving changes, and the callback checks that use them."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

import pytest

from bridge import ArgumentTypeError, CallbackTimeError, ChainedRecord, Outbound, RecordZone
from bridge.schedule import CallingWindow, check_callback
from bridge.testing import FakeHost
from bridge.zones import JAVA_FIXED_OFFSETS, JAVA_SHORT_IDS, set_offset_lookup

from .helpers import run

# The zone database is zoneinfo's in CPython (tzdata is a test dependency) and the
# browser's Intl in Pyodide (these tests run there too: tests/e2e/test_pyodide_core.py).
UTC = timezone.utc


def test_java_short_ids_as_java_maps_them() -> None:
    assert len(JAVA_SHORT_IDS) + len(JAVA_FIXED_OFFSETS) == 28
    assert JAVA_SHORT_IDS["PST"] == "America/Los_Angeles" and JAVA_SHORT_IDS["ECT"] == "Europe/Paris"
    assert JAVA_SHORT_IDS["ACT"] == "Australia/Darwin" and JAVA_SHORT_IDS["AET"] == "Australia/Sydney"
    assert JAVA_FIXED_OFFSETS == {"EST": -18000, "MST": -25200, "HST": -36000}


@pytest.mark.parametrize(("name", "utc", "local"), [
    # US: PST in winter, PDT in summer (the example: 15:00 UTC on 1 July is 08:00 in Los Angeles)
    ("PST", datetime(2027, 1, 15, 15, 0), datetime(2027, 1, 15, 7, 0)),
    ("PST", datetime(2027, 7, 1, 15, 0), datetime(2027, 7, 1, 8, 0)),
    # the US spring and fall changes (14 March / 7 November 2027, 02:00 local)
    ("CST", datetime(2027, 3, 14, 7, 59), datetime(2027, 3, 14, 1, 59)),
    ("CST", datetime(2027, 3, 14, 8, 0), datetime(2027, 3, 14, 3, 0)),
    ("CST", datetime(2027, 11, 7, 6, 30), datetime(2027, 11, 7, 1, 30)),
    ("CST", datetime(2027, 11, 7, 7, 30), datetime(2027, 11, 7, 1, 30)),
    # EU (28 March / 31 October 2027, 01:00 UTC)
    ("ECT", datetime(2027, 3, 28, 0, 59), datetime(2027, 3, 28, 1, 59)),
    ("ECT", datetime(2027, 3, 28, 1, 0), datetime(2027, 3, 28, 3, 0)),
    ("ECT", datetime(2027, 10, 31, 1, 0), datetime(2027, 10, 31, 2, 0)),
    # Australia, the other way round (4 April / 3 October 2027), and Darwin without DST
    ("AET", datetime(2027, 1, 10, 0, 0), datetime(2027, 1, 10, 11, 0)),
    ("AET", datetime(2027, 7, 10, 0, 0), datetime(2027, 7, 10, 10, 0)),
    ("ACT", datetime(2027, 1, 10, 0, 0), datetime(2027, 1, 10, 9, 30)),
    ("ACT", datetime(2027, 7, 10, 0, 0), datetime(2027, 7, 10, 9, 30)),
    # Java's fixed EST: no DST even in July
    ("EST", datetime(2027, 7, 1, 15, 0), datetime(2027, 7, 1, 10, 0)),
])
def test_record_time_at_the_callbacks_own_instant(name: str, utc: datetime, local: datetime) -> None:
    zone = RecordZone.of(name, 0)
    assert zone.note is None
    assert zone.to_local(utc.replace(tzinfo=UTC)) == local


def test_record_time_back_to_utc_around_the_changes() -> None:
    pst, aet, ect = RecordZone.of("PST", 0), RecordZone.of("AET", 0), RecordZone.of("ECT", 0)
    assert pst.to_utc(datetime(2027, 7, 1, 8, 0)) == datetime(2027, 7, 1, 15, 0, tzinfo=UTC)
    # a repeated hour is the first one; a skipped one reads with the offset from before the change
    assert pst.to_utc(datetime(2027, 11, 7, 1, 30)) == datetime(2027, 11, 7, 8, 30, tzinfo=UTC)
    assert pst.to_utc(datetime(2027, 3, 14, 2, 30)) == datetime(2027, 3, 14, 10, 30, tzinfo=UTC)
    assert aet.to_utc(datetime(2027, 4, 4, 2, 30)) == datetime(2027, 4, 3, 15, 30, tzinfo=UTC)
    assert aet.to_utc(datetime(2027, 10, 3, 2, 30)) == datetime(2027, 10, 2, 16, 30, tzinfo=UTC)
    assert ect.to_utc(datetime(2027, 10, 31, 2, 30)) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_an_unknown_zone_falls_back_to_the_records_offset_and_says_so() -> None:
    zone = RecordZone.of("Mars/Olympus", 3600)
    assert zone.fixed == 3600 and "is not one we know" in (zone.note or "")
    assert zone.to_local(datetime(2027, 7, 1, 12, tzinfo=UTC)) == datetime(2027, 7, 1, 13)
    unknown = RecordZone.of(None, 10**12)
    assert not unknown.known and "unknown" in (unknown.note or "")


def test_the_zone_database_is_asked_through_one_lookup() -> None:
    asked: list[str] = []

    def lookup(zone: str, instant: datetime) -> int | None:
        asked.append(zone)
        return 7200 if zone == "Europe/Paris" else None

    set_offset_lookup(lookup)
    try:
        zone = RecordZone.of("ECT", 3600)
        assert zone.iana == "Europe/Paris" and zone.offset_at(datetime(2027, 1, 1, tzinfo=UTC)) == 7200
        assert RecordZone.of("PST", -28800).fixed == -28800  # the database does not know it here: the offset
    finally:
        set_offset_lookup(None)
    assert "Europe/Paris" in asked


def record(**data: Any) -> ChainedRecord:
    return ChainedRecord.from_wwe({"GSW_RECORD_HANDLE": 7, "GSW_TZ_NAME": "EST", "GSW_TZ_OFFSET": -18000, **data})


def test_calling_windows_including_across_midnight_and_missing_or_invalid() -> None:
    day = CallingWindow.of(record(GSW_FROM=8 * 3600, GSW_UNTIL=21 * 3600))
    assert day is not None and str(day) == "08:00–21:00"
    assert day.contains(time(8, 0)) and day.contains(time(21, 0)) and not day.contains(time(21, 1))
    night = CallingWindow.of(record(GSW_FROM=22 * 3600, GSW_UNTIL=2 * 3600))
    assert night is not None and night.contains(time(23, 30)) and night.contains(time(1, 0))
    assert not night.contains(time(12, 0))
    for bad in ({}, {"GSW_FROM": 3600}, {"GSW_FROM": "x", "GSW_UNTIL": 7200}, {"GSW_FROM": -5, "GSW_UNTIL": 7200},
                {"GSW_FROM": 3600, "GSW_UNTIL": 90000}, {"GSW_FROM": 3600, "GSW_UNTIL": 3600},
                {"GSW_FROM": 0, "GSW_UNTIL": 86399}):
        assert CallingWindow.of(record(**bad)) is None, bad


def test_check_callback_refuses_the_past_and_outside_the_window_unless_told() -> None:
    zone, now = RecordZone.of("EST", 0), datetime(2027, 6, 1, 12, 0, tzinfo=UTC)  # 07:00 EST
    window = CallingWindow(time(8, 0), time(21, 0))
    check_callback(datetime(2027, 6, 1, 9, 0), zone, window, now)
    with pytest.raises(CallbackTimeError, match="is in the past: it is now 06/01/2027 07:00") as past:
        check_callback(datetime(2027, 6, 1, 6, 59), zone, None, now)
    assert past.value.reason == "past" and past.value.problems[0].name == "rescheduleDate"
    check_callback(datetime(2027, 6, 1, 6, 59), zone, None, now, allow_past=True)
    with pytest.raises(CallbackTimeError, match="outside the record's calling window, 08:00–21:00") as outside:
        check_callback(datetime(2027, 6, 2, 22, 0), zone, window, now)
    assert outside.value.window == window
    check_callback(datetime(2027, 6, 2, 22, 0), zone, window, now, allow_outside_window=True)


def test_reschedule_record_checks_before_sending() -> None:
    chain = [{"records": [{"GSW_RECORD_HANDLE": 7, "GSW_TZ_NAME": "PST", "GSW_TZ_OFFSET": -28800,
                           "GSW_FROM": 9 * 3600, "GSW_UNTIL": 20 * 3600}]}]

    async def main() -> None:
        host = FakeHost({"getChainedRecords": chain, "rescheduleRecord": None})
        december = datetime(2026, 12, 2, 12, tzinfo=UTC)
        outbound = Outbound(host, clock=lambda: december)
        # read in December, for July: PDT applies then (the example), not December's offset
        assert await outbound.reschedule_record("1", 7, datetime(2027, 7, 1, 17, tzinfo=UTC), "PERSONAL") == "07/01/2027 10:00"
        with pytest.raises(CallbackTimeError, match="outside the record's calling window"):
            await outbound.reschedule_record("1", 7, "07/01/2027 21:30", "PERSONAL")
        with pytest.raises(CallbackTimeError, match="in the past"):
            await outbound.reschedule_record("1", 7, "11/02/2026 10:00", "PERSONAL")
        with pytest.raises(ArgumentTypeError, match="naive datetime"):
            await outbound.reschedule_record("1", 7, datetime.now() + timedelta(hours=1), "PERSONAL")
        sent = await outbound.reschedule_record("1", 7, "07/01/2027 21:30", "CAMPAIGN", allow_outside_window=True)
        assert sent == "07/01/2027 21:30" and host.sent("rescheduleRecord")[-1] == ["1", 7, "07/01/2027 21:30", "CAMPAIGN"]
        assert len(host.sent("rescheduleRecord")) == 2

    run(main())


def test_a_time_the_clocks_skip_is_refused() -> None:
    zone, now = RecordZone.of("PST", 0), datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(CallbackTimeError, match="does not exist in the record's time zone") as skipped:
        check_callback(datetime(2027, 3, 14, 2, 30), zone, None, now)
    assert skipped.value.reason == "skipped"
    check_callback(datetime(2027, 3, 14, 3, 30), zone, None, now)
    check_callback(datetime(2027, 11, 7, 1, 30), zone, None, now)  # a repeated hour exists (the first one)
