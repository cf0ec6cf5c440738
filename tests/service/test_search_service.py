"""Search: Swedish case and word forms, confidentiality, filters, odd queries, export masking."""

from __future__ import annotations

from typing import Any

import pytest

from crisis.errors import Forbidden, ValidationError
from crisis.log import service as log
from crisis.search import service as search


def _write(users: dict[str, Any], incident: Any, text: str, **kw: Any) -> Any:
    return log.append(actor=users["staff"], incident_id=incident.id, text=text, **kw)


def _texts(page: search.SearchPage) -> list[str]:
    return [h.doc.text for h in page.hits]


def _find(users: dict[str, Any], q: str, role: str = "leader", **filters: Any) -> list[str]:
    return _texts(search.search(viewer=users[role], q=q, filters=search.Filters(**filters)))


@pytest.fixture
def record(users: dict[str, Any], incident: Any) -> Any:
    _write(users, incident, "Strömavbrott i Örby sedan 14.20")
    _write(users, incident, "Älekulla meddelar att elavbrottet fortsätter")
    _write(users, incident, "Åsarna: elavbrotten påverkar vattenverket i Fritsla")
    _write(users, incident, "ORBY är inte samma ort")
    _write(
        users,
        incident,
        "Vårdtagare i Örby utan el, hemtjänsten informerad",
        classification="confidential",
        osl_ground="OSL 26 kap. 1 §",
    )
    return incident


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Örby", "Strömavbrott i Örby sedan 14.20"),
        ("örby", "Strömavbrott i Örby sedan 14.20"),
        ("ÖRBY", "Strömavbrott i Örby sedan 14.20"),
        ("älekulla", "Älekulla meddelar att elavbrottet fortsätter"),
        ("ÄLEKULLA", "Älekulla meddelar att elavbrottet fortsätter"),
        ("åsarna", "Åsarna: elavbrotten påverkar vattenverket i Fritsla"),
        ("ÅSARNA", "Åsarna: elavbrotten påverkar vattenverket i Fritsla"),
    ],
)
def test_swedish_letters_match_in_either_case(users: dict[str, Any], record: Any, q: str, expected: str) -> None:
    assert expected in _find(users, q)


def test_a_ring_umlaut_are_letters_of_their_own(users: dict[str, Any], record: Any) -> None:
    assert _find(users, "orby ") == ["ORBY är inte samma ort"]
    assert "ORBY är inte samma ort" not in _find(users, "örby ")
    assert _find(users, "alekulla") == []


def test_word_forms_match(users: dict[str, Any], record: Any) -> None:
    found = _find(users, "elavbrott ")
    assert "Älekulla meddelar att elavbrottet fortsätter" in found
    assert "Åsarna: elavbrotten påverkar vattenverket i Fritsla" in found
    assert "Åsarna: elavbrotten påverkar vattenverket i Fritsla" in _find(users, "vattenverk fritsla")


def test_hits_are_highlighted_and_escaped(users: dict[str, Any], incident: Any) -> None:
    _write(users, incident, "<b>Larm</b> från Örby & Kinna")
    [hit] = search.search(viewer=users["leader"], q="örby").hits
    assert str(hit.snippet) == "&lt;b&gt;Larm&lt;/b&gt; från <mark>Örby</mark> &amp; Kinna"


def test_observer_never_sees_confidential_hits(users: dict[str, Any], record: Any) -> None:
    staff = _find(users, "örby ", role="staff", incident_id=record.id)
    assert any("Vårdtagare" in t for t in staff)
    observer = _find(users, "örby ", role="observer", incident_id=record.id)
    assert observer and not any("Vårdtagare" in t for t in observer)
    assert _find(users, "vårdtagare", role="observer", incident_id=record.id) == []


def test_search_across_incidents_is_for_leaders_and_admins(users: dict[str, Any], record: Any) -> None:
    assert _find(users, "örby", role="admin")
    for role in ("staff", "observer", "duty_officer"):
        with pytest.raises(Forbidden):
            search.search(viewer=users[role], q="örby")


@pytest.mark.parametrize(
    "q",
    ["örby)", "(örby", '"örby', "örby*", "* örby", "örby'; --", "^örby:", "{örby}", "-örby", "örby + "],
)
def test_query_syntax_characters_are_just_separators(users: dict[str, Any], record: Any, q: str) -> None:
    # Never an error from the database's query syntax: the words are searched for.
    assert "Strömavbrott i Örby sedan 14.20" in _texts(search.search(viewer=users["leader"], q=q))


@pytest.mark.parametrize("q", ["NEAR(örby fritsla)", "* OR örby", "örby AND NOT", "a:b^c", "x' OR 1=1 --"])
def test_query_operators_are_words(users: dict[str, Any], record: Any, q: str) -> None:
    # OR, AND, NOT, NEAR are plain words here (all words must match), not operators.
    assert search.search(viewer=users["leader"], q=q).hits == []


def test_empty_query_is_a_clear_message(users: dict[str, Any], record: Any) -> None:
    for q in ("", "   ", "*()\"'", '"', "* - +", None):
        with pytest.raises(ValidationError):
            search.search(viewer=users["leader"], q=q)


def test_long_query_is_cut_and_said(users: dict[str, Any], record: Any) -> None:
    page = search.search(viewer=users["leader"], q="örby " * 500)
    assert page.truncated and page.notices
    assert "Strömavbrott i Örby sedan 14.20" in _texts(page)


def test_filters_kind_mode_time(users: dict[str, Any], record: Any) -> None:
    from datetime import UTC, datetime, timedelta

    assert _find(users, "örby", kind="task") == []
    assert _find(users, "örby", mode="exercise") == []
    assert _find(users, "örby", mode="real")
    future = datetime.now(UTC) + timedelta(days=1)
    assert _find(users, "örby", start=future) == []
    assert _find(users, "örby", end=future)
    with pytest.raises(ValidationError):
        _find(users, "örby", mode="nonsense")


def test_pagination(users: dict[str, Any], incident: Any) -> None:
    for i in range(5):
        _write(users, incident, f"Översvämning nummer {i}")
    first = search.search(viewer=users["leader"], q="översvämning", per_page=3)
    assert len(first.hits) == 3 and first.next_page == 2
    second = search.search(viewer=users["leader"], q="översvämning", per_page=3, page=2)
    assert len(second.hits) == 2 and second.next_page is None
    assert not {h.doc.id for h in first.hits} & {h.doc.id for h in second.hits}


def test_tasks_and_reindexing(users: dict[str, Any], incident: Any) -> None:
    from crisis.tasks import service as tasks

    task = tasks.create(actor=users["staff"], incident_id=incident.id, title="Kontakta Öxabäcks vattenverk")
    assert _find(users, "öxabäck", kind="task")
    tasks.update(actor=users["staff"], task_id=task.id, expected_version=task.version, title="Kontakta Fritsla")
    assert _find(users, "öxabäck", kind="task") == []
    assert _find(users, "fritsla", kind="task")


def test_log_filter_finds_swedish_letters(users: dict[str, Any], record: Any) -> None:
    rows = log.list_entries(viewer=users["staff"], incident_id=record.id, q="Örby")
    assert [e.text for e, _c in rows][0] == "Strömavbrott i Örby sedan 14.20"
    rows = log.list_entries(viewer=users["observer"], incident_id=record.id, q="örby")
    assert all(e.classification.value != "confidential" for e, _c in rows)


def test_export_masks_confidential(users: dict[str, Any], record: Any) -> None:
    rows = list(search.export_rows(viewer=users["leader"], q="örby ", filters=search.Filters()))
    conf = [r for r in rows if r["classification"] == "confidential"]
    assert conf and conf[0]["text"] == "Sekretess enligt OSL 26 kap. 1 §"
    assert not any("Vårdtagare" in r["text"] for r in rows)
    unmasked = list(search.export_rows(viewer=users["leader"], q="örby ", masked=False))
    assert any("Vårdtagare" in r["text"] for r in unmasked)
    # An observer's export (one incident) never carries the content, masked or not.
    for masked in (True, False):
        rows = list(
            search.export_rows(
                viewer=users["observer"], q="örby ", filters=search.Filters(incident_id=record.id), masked=masked
            )
        )
        assert not any("Vårdtagare" in r["text"] for r in rows)


@pytest.mark.pg
def test_swedish_case_and_word_forms_on_postgresql(app: Any, users: dict[str, Any], record: Any) -> None:
    from crisis.extensions import db

    assert db.engine.dialect.name == "postgresql"
    for q in ("örby", "ÖRBY", "Örby"):
        assert "Strömavbrott i Örby sedan 14.20" in _find(users, q)
    for q in ("ÄLEKULLA", "älekulla", "ÅSARNA", "åsarna"):
        assert _find(users, q)
    assert _find(users, "orby ") == ["ORBY är inte samma ort"]
    found = _find(users, "ELAVBROTT ")  # also the opening entry, whose title is "Elavbrott i Kinna"
    assert "Älekulla meddelar att elavbrottet fortsätter" in found
    assert "Åsarna: elavbrotten påverkar vattenverket i Fritsla" in found
