"""Avveckling (stand-down): a decision (lead, decided_by/mandate/reason) that moves an active incident to
standing_down, refused while tasks are open (409 listing them, nothing changed); closing likewise; a task
handed over to the line organisation; an exercise still ends (and closes) whatever is left open."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis.decisions import service as decisions
from crisis.enums import IncidentStatus
from crisis.errors import ApiError, Conflict
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.log.models import LogEntry
from crisis.tasks import service as tasks
from crisis.tasks.models import Task

DECISION = {"decided_by": "Karin Lindqvist", "mandate": "Krisledningsplanen 4.2", "reason": "Elen är tillbaka"}


def _state(incident_id):
    db.session.expire_all()
    inc = db.session.get(Incident, incident_id)
    statuses = sorted((t.id, t.status.value, t.version) for t in db.session.scalars(sa.select(Task)))
    return inc.status, inc.last_log_number, inc.last_seq, statuses


def _stand_down(users, incident_id, **kw):
    return incidents.update(
        actor=users["leader"], incident_id=incident_id, status="standing_down", **{**DECISION, **kw}
    )


def _close(users, incident_id):
    return incidents.update(actor=users["leader"], incident_id=incident_id, status="closed", **DECISION)


def test_stand_down_and_close_are_refused_while_tasks_are_open(users, incident):
    a = tasks.create(actor=users["staff"], incident_id=incident.id, title="Kontrollera reservkraft")
    tasks.create(actor=users["staff"], incident_id=incident.id, title="Informera hemtjänsten")
    c = tasks.create(actor=users["staff"], incident_id=incident.id, title="Stäng trygghetspunkten")
    tasks.update(actor=users["staff"], task_id=a.id, expected_version=a.version, status="blocked")
    tasks.update(actor=users["staff"], task_id=c.id, expected_version=c.version, status="cancelled")
    before = _state(incident.id)
    for step in (_stand_down, _close):
        with pytest.raises(Conflict) as e:
            step(users, incident.id)
        assert e.value.code == "open_tasks"
        msg = e.value.message
        assert msg.startswith("2 uppgifter är öppna: Kontrollera reservkraft (#1); Informera hemtjänsten (#2).")
        assert "lämna över dem till linjeorganisationen" in msg and "Stäng trygghetspunkten" not in msg
        assert [t["title"] for t in e.value.details["open_tasks"]] == [
            "Kontrollera reservkraft",
            "Informera hemtjänsten",
        ]
        assert _state(incident.id) == before


def test_after_handing_over_the_tasks_stand_down_then_close(users, incident):
    a = tasks.create(actor=users["staff"], incident_id=incident.id, title="Kontrollera reservkraft")
    b = tasks.create(actor=users["staff"], incident_id=incident.id, title="Informera hemtjänsten")
    tasks.hand_over_to_line(actor=users["staff"], task_id=a.id, expected_version=a.version, to="Tekniska förvaltningen")
    entry = db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id.desc())).first()
    assert entry.kind.value == "system"
    assert (
        entry.text
        == "Uppgift 1 'Kontrollera reservkraft': Överlämnad till Tekniska förvaltningen; status att göra -> klar."
    )
    with pytest.raises(Conflict) as e:
        _stand_down(users, incident.id)
    assert e.value.message.startswith("1 uppgift är öppen: Informera hemtjänsten (#2).")
    tasks.update(actor=users["staff"], task_id=b.id, expected_version=b.version, status="done")

    inc = _stand_down(users, incident.id)
    assert inc.status is IncidentStatus.STANDING_DOWN
    # The decision is in the register (type stand_down) and in the log.
    (d,) = decisions.list_decisions(viewer=users["observer"], incident_id=incident.id, type="stand_down")
    assert (d.decided_by, d.mandate, d.reason) == ("Karin Lindqvist", "Krisledningsplanen 4.2", "Elen är tillbaka")
    entry = db.session.scalars(sa.select(LogEntry).where(LogEntry.number == d.log_number)).one()
    assert entry.kind.value == "decision"
    assert entry.text == (
        f"Beslut B-{d.number} (avvecklingsbeslut): Händelsen går över i avveckling. Motivering: Elen är tillbaka."
    )
    types = [e.type for e in db.session.scalars(sa.select(Event).order_by(Event.seq.desc()).limit(2))]
    assert types == ["incident.updated", "decision.recorded"]

    # In avveckling the staff still works: the log, tasks.
    log.append(actor=users["staff"], incident_id=incident.id, text="Trygghetspunkten stängd.")
    n = _state(incident.id)[1]
    _stand_down(users, incident.id)  # PATCH semantics: already in avveckling, nothing more is recorded
    assert _state(incident.id)[1] == n
    late = tasks.create(actor=users["staff"], incident_id=incident.id, title="Återlämna aggregat")
    with pytest.raises(Conflict):
        _close(users, incident.id)
    tasks.hand_over_to_line(actor=users["staff"], task_id=late.id, expected_version=late.version, to="Servicebolaget")
    assert _close(users, incident.id).status is IncidentStatus.CLOSED


def test_stand_down_is_a_decision_for_leaders_with_all_fields(users, incident):
    before = _state(incident.id)
    with pytest.raises(ApiError) as e:
        incidents.update(actor=users["staff"], incident_id=incident.id, status="standing_down", **DECISION)
    assert e.value.status == 403
    with pytest.raises(ApiError) as e:
        _stand_down(users, incident.id, mandate="")
    assert e.value.status == 422
    assert _state(incident.id) == before


def test_hand_over_checks_version_recipient_and_that_the_task_is_open(users, incident):
    t = tasks.create(actor=users["staff"], incident_id=incident.id, title="Kontrollera reservkraft")
    before = _state(incident.id)
    with pytest.raises(ApiError):
        tasks.hand_over_to_line(actor=users["staff"], task_id=t.id, expected_version=t.version, to="  ")
    with pytest.raises(Conflict):
        tasks.hand_over_to_line(actor=users["staff"], task_id=t.id, expected_version=t.version + 5, to="VA")
    with pytest.raises(ApiError) as e:
        tasks.hand_over_to_line(actor=users["observer"], task_id=t.id, expected_version=t.version, to="VA")
    assert e.value.status == 403
    assert _state(incident.id) == before
    done = tasks.hand_over_to_line(actor=users["staff"], task_id=t.id, expected_version=t.version, to="VA-bolaget")
    with pytest.raises(Conflict):
        tasks.hand_over_to_line(actor=users["staff"], task_id=t.id, expected_version=done.version, to="VA-bolaget")


def test_the_close_an_exercise_end_uses_closes_with_tasks_open(users):
    """exercises.end closes its incident through incidents.close_locked, which does not wait for tasks:
    an exercise must always be able to end (its open tasks stay in the closed exercise's record)."""
    from crisis.db import write_transaction
    from crisis.events import service as events

    control = users["duty_officer"]
    inc = incidents.create(
        actor=control, title="ÖVNING elavbrott", kind="elavbrott", mode="exercise", level="monitoring"
    )
    tasks.create(actor=control, incident_id=inc.id, title="Övningsuppgift")
    with write_transaction(db.session):
        locked = events.lock_incident(incident_id=inc.id)
        assert incidents.close_locked(incident=locked, actor=control, text="ÖVNING. Övningen avslutad.")
    db.session.expire_all()
    assert db.session.get(Incident, inc.id).status is IncidentStatus.CLOSED
    assert tasks.open_tasks(incident_id=inc.id)


def test_a_stand_down_decision_in_the_register_is_the_same_code_path(users, incident):
    t = tasks.create(actor=users["staff"], incident_id=incident.id, title="Kontrollera reservkraft")
    fields = {"type": "stand_down", "text": "Den särskilda organisationen avvecklas", **DECISION}
    before = _state(incident.id)
    with pytest.raises(Conflict) as e:
        decisions.record(actor=users["leader"], incident_id=incident.id, **fields)
    assert e.value.code == "open_tasks" and _state(incident.id) == before
    tasks.hand_over_to_line(actor=users["staff"], task_id=t.id, expected_version=t.version, to="Tekniska")
    # A TiB may record decisions, but avveckling is for leaders (as a level above the TiB's limit).
    with pytest.raises(ApiError) as e:
        decisions.record(actor=users["duty_officer"], incident_id=incident.id, **fields)
    assert e.value.status == 403
    d = decisions.record(actor=users["leader"], incident_id=incident.id, **fields)
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status is IncidentStatus.STANDING_DOWN
    assert d.type.value == "stand_down"
    with pytest.raises(Conflict) as e:
        decisions.record(actor=users["leader"], incident_id=incident.id, **fields)
    assert e.value.code == "not_active"
