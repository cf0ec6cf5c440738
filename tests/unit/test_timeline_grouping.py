"""Grouping the timeline by local hour (pure)."""

from datetime import datetime, timezone

from crisis.timeline.grouping import by_hour, hour_key


def test_groups_by_stockholm_hour_in_time_order():
    utc = timezone.utc
    entries = [
        {"number": 3, "at": datetime(2026, 1, 10, 9, 5, tzinfo=utc)},
        {"number": 1, "at": datetime(2026, 1, 10, 8, 59, tzinfo=utc)},
        {"number": 2, "at": datetime(2026, 1, 10, 8, 10, tzinfo=utc)},   # recorded later, occurred earlier
        {"number": 4, "at": datetime(2026, 1, 10, 9, 5, tzinfo=utc)},
    ]
    groups = by_hour(entries, at=lambda e: e["at"])
    assert [(k, [e["number"] for e in items]) for k, items in groups] == [
        ("2026-01-10 09", [2, 1]), ("2026-01-10 10", [3, 4])]
    assert hour_key(datetime(2026, 7, 1, 22, 30, tzinfo=utc)) == "2026-07-02 00"
    assert by_hour([], at=lambda e: e["at"]) == []
