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


def test_sites_sort_in_swedish_order(app: Any, users: dict[str, Any]) -> None:
    from crisis.sites import register
    from tests.sitehelpers import feature, load

    names = ["Örby vattenverk", "Åsarna skola", "Zakrisdal", "Älekulla bygdegård", "Kinna vattenverk"]
    load(*(feature(f"s{i}", name=n) for i, n in enumerate(names)))
    assert [s.name for s in register.list_sites(viewer=users["observer"])] == [
        "Kinna vattenverk",
        "Zakrisdal",
        "Åsarna skola",
        "Älekulla bygdegård",
        "Örby vattenverk",
    ]
