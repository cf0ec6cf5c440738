"""Lists the app sorts by name come in Swedish order (A–Z, Å, Ä, Ö)."""

from __future__ import annotations

from typing import Any

from crisis.auth import service as auth


def test_people_lists_sort_in_swedish_order(app: Any) -> None:
    from crisis.tasks import service as tasks

    for username, name in [("osten", "Östen Ek"), ("asa", "Åsa Berg"), ("arne", "Ärne Lund"), ("zara", "Zara Alm")]:
        auth.create(username=username, password="correct-horse-1", role="staff", display_name=name)
    assert [u.display_name for u in tasks.assignable_users()] == ["Zara Alm", "Åsa Berg", "Ärne Lund", "Östen Ek"]
    assert [u.username for u in auth.list_users()] == ["arne", "asa", "osten", "zara"]
