"""The meeting rhythm: next clock times in Europe/Stockholm, also across the DST changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crisis.meetings import rhythm


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_next_times_same_day_and_next_day():
    times = ["16:00", "08:00", "12:00"]
    # 2026-11-24 09:30 UTC = 10:30 CET
    got = rhythm.next_times(times, _utc(2026, 11, 24, 9, 30), 4)
    assert got == [
        _utc(2026, 11, 24, 11, 0),  # 12:00 CET
        _utc(2026, 11, 24, 15, 0),  # 16:00 CET
        _utc(2026, 11, 25, 7, 0),  # 08:00 CET next day
        _utc(2026, 11, 25, 11, 0),
    ]


def test_strictly_after():
    assert rhythm.next_times(["12:00"], _utc(2026, 11, 24, 11, 0), 1) == [_utc(2026, 11, 25, 11, 0)]


def test_across_spring_dst_change_keeps_wall_clock():
    # 2027-03-28: clocks go 02:00 -> 03:00 in Stockholm (CET -> CEST)
    got = rhythm.next_times(["08:00", "16:00"], _utc(2027, 3, 27, 16, 0), 3)
    assert got == [
        _utc(2027, 3, 28, 6, 0),  # 08:00 CEST = 06:00 UTC
        _utc(2027, 3, 28, 14, 0),  # 16:00 CEST
        _utc(2027, 3, 29, 6, 0),
    ]
    # 02:30 does not exist that night: the first minute after the gap (03:00 CEST)
    assert rhythm.next_times(["02:30"], _utc(2027, 3, 27, 12, 0), 1) == [_utc(2027, 3, 28, 1, 0)]


def test_across_autumn_dst_change():
    # 2026-10-25: clocks go 03:00 -> 02:00 (CEST -> CET)
    got = rhythm.next_times(["08:00"], _utc(2026, 10, 24, 12, 0), 2)
    assert got == [_utc(2026, 10, 25, 7, 0), _utc(2026, 10, 26, 7, 0)]  # 08:00 CET = 07:00 UTC
    # 02:30 exists twice: the first (CEST) one
    assert rhythm.next_times(["02:30"], _utc(2026, 10, 24, 12, 0), 1) == [_utc(2026, 10, 25, 0, 30)]


def test_every_hours_and_validation():
    assert rhythm.every(2, "08:00") == [f"{h:02d}:00" for h in range(0, 24, 2)]
    assert rhythm.every(4, "7:30") == ["03:30", "07:30", "11:30", "15:30", "19:30", "23:30"]
    assert rhythm.parse_times(["8:00", "08:00", "12:15"]) == ["08:00", "12:15"]
    for bad in (["24:00"], ["8"], ["aa:bb"], ["12:60"]):
        with pytest.raises(rhythm.RhythmError):
            rhythm.parse_times(bad)
    with pytest.raises(rhythm.RhythmError):
        rhythm.every(0, "08:00")
    assert rhythm.next_times([], _utc(2026, 1, 1), 3) == []
