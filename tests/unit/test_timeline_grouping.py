"""The local hour the timeline groups by (pure)."""

from datetime import UTC, datetime

from crisis.timeline.grouping import hour_key


def test_hour_key_is_the_stockholm_hour():
    utc = UTC
    assert hour_key(datetime(2026, 1, 10, 8, 59, tzinfo=utc)) == "2026-01-10 09"
    assert hour_key(datetime(2026, 7, 1, 22, 30, tzinfo=utc)) == "2026-07-02 00"
