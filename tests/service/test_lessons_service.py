"""Lessons (erfarenheter): create, validate, follow up, history, permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crisis.errors import ApiError, Forbidden, NotFound, ValidationError
from crisis.lessons import service as lessons


def test_create_and_follow_until_done(incident, users):
    x = lessons.create(
        actor=users["staff"],
        observation="Larmlistan var inaktuell",
        recommendation="Uppdatera larmlistan kvartalsvis",
        owner="Säkerhetssamordnare",
        deadline="2026-03-01",
        incident_id=incident.id,
    )
    assert x.status.value == "proposed" and x.deadline == date(2026, 3, 1) and x.incident_id == incident.id
    for status in ("decided", "in_progress", "done"):
        x = lessons.update(actor=users["leader"], lesson_id=x.id, status=status)
    assert x.status.value == "done"
    d = lessons.to_dict(x)
    assert [h["new"] for h in d["history"]] == ["proposed", "decided", "in_progress", "done"]
    assert d["history"][-1]["by"] == users["leader"].display_name
    assert not d["overdue"]


def test_overdue_only_while_open(users):
    past = date.today() - timedelta(days=3)
    x = lessons.create(actor=users["staff"], observation="Reservkraft otestad", deadline=past)
    assert lessons.is_overdue(x)
    assert [y.id for y in lessons.list_lessons(viewer=users["observer"], open_only=True)] == [x.id]
    x = lessons.update(actor=users["staff"], lesson_id=x.id, status="dropped")
    assert not lessons.is_overdue(x)
    assert lessons.list_lessons(viewer=users["observer"], open_only=True) == []


def test_owner_as_user_and_deadline_change_are_recorded(users):
    x = lessons.create(actor=users["staff"], observation="Kartan saknade skolor")
    x = lessons.update(actor=users["staff"], lesson_id=x.id, owner_user="leader", deadline="2026-06-30")
    assert x.owner == users["leader"].display_name and x.owner_user_id == users["leader"].id
    assert {c.field for c in x.changes} == {"status", "owner", "deadline"}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"observation": "  "}, "tomt"),
        ({"observation": "x" * 6000}, "längre"),
        ({"observation": "x", "deadline": "snart"}, "inget datum"),
        ({"observation": "x", "status": "maybe"}, 'Okänt värde "maybe" för Status'),
        ({"observation": "x", "incident_id": 999}, "Händelse 999 finns inte"),
        ({"observation": "x", "exercise_id": 999}, "Övning 999 finns inte"),
        ({"observation": "x", "owner_user": "nobody"}, "ingen användare"),
    ],
)
def test_bad_input_is_refused(users, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        lessons.create(actor=users["staff"], **kwargs)
    assert lessons.list_lessons(viewer=users["admin"]) == []


def test_who_may_change(users):
    x = lessons.create(actor=users["staff"], observation="Telefonlistan saknade TiB")
    with pytest.raises(Forbidden):
        lessons.update(actor=users["duty_officer"], lesson_id=x.id, status="decided")
    with pytest.raises(ApiError):
        lessons.create(actor=users["observer"], observation="x")
    lessons.update(actor=users["admin"], lesson_id=x.id, status="decided")
    with pytest.raises(NotFound):
        lessons.update(actor=users["leader"], lesson_id=999, status="done")
