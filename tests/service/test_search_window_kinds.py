"""Search (issue 18, second pass): decisions as objects, the one kind registry,
the ranked window with its capped count, time filters, the scope tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crisis.errors import ValidationError
from crisis.extensions import db
from crisis.log import service as log
from crisis.search import kinds
from crisis.search import service as search
from crisis.search.models import SearchDoc


def _decide(users: dict[str, Any], incident: Any, text: str, reason: str) -> Any:
    from crisis.decisions import service as decisions

    return decisions.record(
        actor=users["leader"],
        incident_id=incident.id,
        type="priority",
        text=text,
        decided_by="Karin Lindqvist",
        mandate="Krisledningsplanen 4.2",
        reason=reason,
    )


def test_decisions_are_indexed_as_objects(users: dict[str, Any], incident: Any) -> None:
    d = _decide(users, incident, "Reservkraft prioriteras till Kinna vårdcentral", "Vårdcentralen har patienter")
    # the reasoning is searchable (the log entry of the decision does not carry it)
    page = search.search(viewer=users["leader"], q="patienterna", filters=search.Filters(kind="decision"))
    assert [(h.doc.kind, h.doc.ref_id, h.doc.number) for h in page.hits] == [("decision", d.id, d.number)]
    # its number as users write it
    page = search.search(viewer=users["leader"], q=f"B-{d.number} reservkraft", filters=search.Filters(kind="decision"))
    assert [h.doc.ref_id for h in page.hits] == [d.id]
    assert kinds.get("decision") is not None and kinds.get("decision").number_text(d.number) == f"B-{d.number}"


def test_unregistered_kind_is_refused(users: dict[str, Any], incident: Any) -> None:
    with pytest.raises(ValueError):
        search.index_locked(kind="nokind", incident=incident, ref_id=1, text="x")
    with pytest.raises(ValidationError) as e:
        search.search(viewer=users["leader"], q="örby", filters=search.Filters(kind="nokind"))
    assert "decision" in str(e.value.message)


def test_a_new_kind_is_one_registration(users: dict[str, Any], incident: Any) -> None:
    kinds.register("resource_request", "Resursbegäran", "web.incident", anchor="request-")
    try:
        with db.session.begin_nested():
            search.index_locked(
                kind="resource_request", incident=incident, ref_id=7, number=7, text="Begär reservkraftverk till Örby"
            )
        db.session.commit()
        page = search.search(
            viewer=users["leader"], q="reservkraftverk", filters=search.Filters(kind="resource_request")
        )
        assert [h.doc.ref_id for h in page.hits] == [7]
        # within the incident too (SQLite: the kind's scope token has no underscore)
        page = search.search(
            viewer=users["leader"],
            q="örby",
            filters=search.Filters(kind="resource_request", incident_id=incident.id),
        )
        assert [h.doc.ref_id for h in page.hits] == [7]
    finally:
        kinds._KINDS.pop("resource_request", None)


def test_the_window_ranks_the_newest_and_counts_capped(
    users: dict[str, Any], incident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    for i in range(6):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Översvämning vid bro {i}")
    page = search.search(viewer=users["leader"], q="översvämning", per_page=2)
    assert page.more and page.total == 4 and len(page.hits) == 2
    assert any("Fler än 3 träffar" in n for n in page.notices)
    assert page.total_text.startswith("Över 3")
    # the window is the newest matches: bro 0 and 1 are outside it
    texts = set()
    p: int | None = 1
    while p:
        pg = search.search(viewer=users["leader"], q="översvämning", per_page=2, page=p)
        texts |= {h.doc.text for h in pg.hits}
        p = pg.next_page
    assert texts == {f"Översvämning vid bro {i}" for i in (2, 3, 4, 5)}
    # the export has every hit
    rows = list(search.export_rows(viewer=users["leader"], q="översvämning"))
    assert len(rows) == 6


def test_count_below_the_window(users: dict[str, Any], incident: Any) -> None:
    for i in range(3):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Skyfall i Skene {i}")
    page = search.search(viewer=users["leader"], q="skyfall")
    assert page.total == 3 and not page.more and page.total_text == "3 träffar"
    past_end = search.search(viewer=users["leader"], q="skyfall", page=5)
    assert past_end.hits == [] and past_end.next_page is None


def test_window_respects_incident_and_confidentiality(users: dict[str, Any], incident: Any) -> None:
    from crisis.incidents import service as incidents

    other = incidents.create(actor=users["leader"], title="Annan händelse", kind="storm")
    log.append(actor=users["staff"], incident_id=incident.id, text="Trädfällning i Horred")
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Trädfällning vid brukarens hus",
        classification="confidential",
        osl_ground="OSL 26 kap. 1 §",
    )
    for _ in range(3):
        log.append(actor=users["leader"], incident_id=other.id, text="Trädfällning på väg 41")
    mine = search.search(viewer=users["observer"], q="trädfällning", filters=search.Filters(incident_id=incident.id))
    assert [h.doc.text for h in mine.hits] == ["Trädfällning i Horred"] and mine.total == 1
    staff = search.search(viewer=users["staff"], q="trädfällning", filters=search.Filters(incident_id=incident.id))
    assert staff.total == 2
    assert search.search(viewer=users["leader"], q="trädfällning").total == 5


def test_time_range_the_wrong_way_is_a_clear_message(users: dict[str, Any], incident: Any) -> None:
    now = datetime.now(UTC)
    with pytest.raises(ValidationError) as e:
        search.search(viewer=users["leader"], q="örby", filters=search.Filters(start=now, end=now - timedelta(days=1)))
    assert e.value.code == "bad_time_range"


def test_index_row_and_scope_follow_a_reindex(users: dict[str, Any], incident: Any) -> None:
    from crisis.tasks import service as tasks

    task = tasks.create(actor=users["staff"], incident_id=incident.id, title="Ring Fritsla skola")
    assert db.session.query(SearchDoc).filter_by(kind="task", ref_id=task.id).count() == 1
    tasks.update(actor=users["staff"], task_id=task.id, expected_version=task.version, title="Ring Hyssna skola")
    f = search.Filters(incident_id=incident.id, kind="task")
    assert [h.doc.ref_id for h in search.search(viewer=users["staff"], q="hyssna", filters=f).hits] == [task.id]
    assert search.search(viewer=users["staff"], q="fritsla", filters=f).hits == []


def test_migration_backfills_decisions(users: dict[str, Any], incident: Any) -> None:
    import importlib.util
    from pathlib import Path

    import sqlalchemy as sa

    from crisis.search.text import terms

    path = (
        Path(__file__).resolve().parents[2]
        / "migrations/versions/2026-11-27_d8f1a3b5c7e9_search_decisions_scope_time_indexes.py"
    )
    spec = importlib.util.spec_from_file_location("search_migration_d8f1", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    d = _decide(users, incident, "Skolan i Skene stängs", "Ingen värme i lokalerna")
    db.session.execute(sa.delete(SearchDoc).where(SearchDoc.kind == "decision"))
    mod._index_decisions(db.session.connection())
    mod._index_decisions(db.session.connection())  # again: nothing twice
    docs = db.session.scalars(sa.select(SearchDoc).where(SearchDoc.kind == "decision")).all()
    assert [(x.ref_id, x.number, x.incident_id) for x in docs] == [(d.id, d.number, incident.id)]
    assert docs[0].terms == terms(
        f"{d.title}\n{d.text}\n{d.reason}\nB-{d.number} Karin Lindqvist Krisledningsplanen 4.2"
    )
    db.session.rollback()
