"""Decision register: record (numbering per incident, gap-free under concurrency), levels as decisions,
the TiB limit, supersede/revoke/done, stale versions, the anmälan list, and bad input that stores nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from crisis.db import utcnow
from crisis.decisions import service
from crisis.decisions.models import Decision
from crisis.errors import ApiError, Conflict, Forbidden, ValidationError
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.log.models import LogEntry

DECISION = dict(
    decided_by="Anna Berg, krisledningschef", mandate="Delegationsordningen p. 3.2", reason="Läget kräver det"
)


def _log(incident_id):
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number))
    )


def _events(incident_id, type_):
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.incident_id == incident_id, Event.type == type_).order_by(Event.seq)
        )
    )


def _snapshot(incident_id):
    db.session.expire_all()
    inc = db.session.get(Incident, incident_id)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Decision))
    return inc.level, inc.last_log_number, inc.last_seq, count


def test_record_numbers_per_incident_and_writes_one_decision_entry(app, users, incident):
    other = incidents.create(actor=users["leader"], title="Vattenläcka", kind="vatten", level="monitoring")
    leader = users["leader"]
    before = len(_log(incident.id))
    d1 = service.record(
        actor=leader, incident_id=incident.id, type="direction", text="Prioritera äldreboenden", **DECISION
    )
    d2 = service.record(
        actor=leader,
        incident_id=incident.id,
        type="priority",
        text="Reservkraft först till Kinna vårdcentral",
        executed_by="Resursfunktionen",
        follow_up_at=datetime(2026, 11, 27, 15, 0, tzinfo=UTC),
        **DECISION,
    )
    o1 = service.record(actor=leader, incident_id=other.id, type="resource", text="Tankbil till Fritsla", **DECISION)
    assert (d1.number, d2.number, o1.number) == (1, 2, 1)
    assert service.to_dict(d2)["label"] == "B-2"
    entries = _log(incident.id)
    assert len(entries) == before + 2
    last = entries[-1]
    assert last.kind.value == "decision" and last.number == d2.log_number
    assert last.decided_by == DECISION["decided_by"] and last.mandate == DECISION["mandate"]
    assert last.text.startswith("Beslut B-2 (prioriteringsbeslut): Reservkraft först till Kinna vårdcentral.")
    assert "Verkställs av: Resursfunktionen." in last.text and "Följs upp: 2026-11-27 16:00" in last.text
    recorded = _events(incident.id, "decision.recorded")
    assert [e.data["label"] for e in recorded] == ["B-1", "B-2"]


def test_missing_decision_fields_store_nothing(app, users, incident):
    before = _snapshot(incident.id)
    for missing in ("decided_by", "mandate", "reason"):
        fields = dict(DECISION, **{missing: " "})
        with pytest.raises(ValidationError):
            service.record(actor=users["leader"], incident_id=incident.id, type="other", text="Något", **fields)
    with pytest.raises(ValidationError):
        service.record(actor=users["leader"], incident_id=incident.id, type="nonsense", text="Något", **DECISION)
    with pytest.raises(ValidationError):
        service.record(actor=users["leader"], incident_id=incident.id, type="other", text="", **DECISION)
    with pytest.raises(ValidationError):
        service.record(
            actor=users["leader"], incident_id=incident.id, type="other", text="x", follow_up_at="i morgon", **DECISION
        )
    assert _snapshot(incident.id) == before


def test_level_cannot_change_without_a_decision(app, users, incident):
    before = _snapshot(incident.id)
    with pytest.raises(ValidationError) as exc:
        incidents.update(actor=users["leader"], incident_id=incident.id, level="staff")
    assert exc.value.status == 422  # the house status of a ValidationError
    assert _snapshot(incident.id) == before


def test_level_change_is_one_decision_entry(app, users, incident):
    before = len(_log(incident.id))
    incidents.update(actor=users["leader"], incident_id=incident.id, level="staff", **DECISION)
    entries = _log(incident.id)
    assert len(entries) == before + 1
    assert entries[-1].kind.value == "decision"
    assert "Nivån ändras från bevakningsläge till stabsläge" in entries[-1].text
    d = db.session.scalar(sa.select(Decision).where(Decision.incident_id == incident.id))
    assert d.type.value == "level" and d.data == {"level": "staff", "from": "monitoring"}
    assert db.session.get(Incident, incident.id).level.value == "staff"


def test_tib_cannot_decide_above_the_limit(app, users, incident):
    tib = users["duty_officer"]
    before = _snapshot(incident.id)
    with pytest.raises(Forbidden) as exc:
        service.record(actor=tib, incident_id=incident.id, type="level", level="staff", text="", **DECISION)
    assert "TiB får besluta upp till bevakningsläge; stabsläge beslutas av krisledningschefen" in str(exc.value.message)
    with pytest.raises(Forbidden):
        incidents.update(actor=tib, incident_id=incident.id, level="reinforced", **DECISION)
    assert _snapshot(incident.id) == before
    # Within the limit the TiB decides.
    d = service.record(actor=tib, incident_id=incident.id, type="level", level="normal", text="", **DECISION)
    assert d.number == 1 and db.session.get(Incident, incident.id).level.value == "normal"


def test_tib_limit_is_configurable(app, users, incident):
    app.config["CRISIS_TIB_MAX_LEVEL"] = "reinforced"
    service.record(
        actor=users["duty_officer"], incident_id=incident.id, type="level", level="reinforced", text="", **DECISION
    )
    assert db.session.get(Incident, incident.id).level.value == "reinforced"


def test_staff_and_observer_cannot_record(app, users, incident):
    for role in ("staff", "observer", "exercise_control"):
        with pytest.raises(ApiError) as exc:
            service.record(actor=users[role], incident_id=incident.id, type="other", text="x", **DECISION)
        assert exc.value.status == 403
    # but they read
    assert service.list_decisions(viewer=users["observer"], incident_id=incident.id) == []


def test_supersede_revoke_done_and_stale_version(app, users, incident):
    leader = users["leader"]
    d1 = service.record(actor=leader, incident_id=incident.id, type="direction", text="Inriktning 1", **DECISION)
    d2 = service.record(
        actor=leader, incident_id=incident.id, type="direction", text="Inriktning 2", supersedes=d1.id, **DECISION
    )
    db.session.expire_all()
    assert db.session.get(Decision, d1.id).status.value == "superseded"
    assert "Ersätter B-1." in _log(incident.id)[-1].text
    assert [e.data["label"] for e in _events(incident.id, "decision.updated")] == ["B-1"]
    # A superseded decision cannot be superseded again.
    with pytest.raises(ValidationError):
        service.record(actor=leader, incident_id=incident.id, type="direction", text="x", supersedes=d1.id, **DECISION)
    # superseded only via a new decision
    with pytest.raises(ValidationError):
        service.update(actor=leader, decision_id=d2.id, expected_version=d2.version, status="superseded")
    # revoke needs a reason
    with pytest.raises(ValidationError):
        service.update(actor=leader, decision_id=d2.id, expected_version=d2.version, status="revoked")
    version = db.session.get(Decision, d2.id).version
    before = _snapshot(incident.id)
    with pytest.raises(Conflict):
        service.update(actor=leader, decision_id=d2.id, expected_version=version - 1, status="done")
    assert _snapshot(incident.id) == before
    revoked = service.update(
        actor=leader, decision_id=d2.id, expected_version=version, status="revoked", note="Läget har ändrats"
    )
    assert revoked.status.value == "revoked" and revoked.version == version + 1
    assert _log(incident.id)[-1].text == "Beslut B-2 (Inriktning 2): status gäller -> upphävt (Läget har ändrats)."
    with pytest.raises(ValidationError):
        service.update(actor=leader, decision_id=d2.id, expected_version=revoked.version, status="done")
    with pytest.raises(ValidationError):
        service.update(actor=leader, decision_id=d2.id, expected_version=revoked.version, text="ny text")
    d3 = service.record(actor=leader, incident_id=incident.id, type="resource", text="Tankbil", **DECISION)
    done = service.update(actor=leader, decision_id=d3.id, expected_version=d3.version, status="done")
    assert done.status.value == "done"
    assert [
        d.number for d in service.list_decisions(viewer=users["staff"], incident_id=incident.id, status="done")
    ] == [3]


def test_follow_up_overdue(app, users, incident):
    leader = users["leader"]
    past = utcnow() - timedelta(minutes=5)
    d = service.record(
        actor=leader, incident_id=incident.id, type="direction", text="Följ upp", follow_up_at=past, **DECISION
    )
    assert service.to_dict(d)["overdue"] is True
    assert [x.id for x in service.overdue(viewer=users["observer"], incident_id=incident.id)] == [d.id]
    d = service.update(
        actor=leader, decision_id=d.id, expected_version=d.version, follow_up_at=utcnow() + timedelta(hours=2)
    )
    assert service.to_dict(d)["overdue"] is False


def test_report_list(app, users, incident):
    leader = users["leader"]
    service.record(actor=leader, incident_id=incident.id, type="other", text="Internt", **DECISION)
    d = service.record(
        actor=leader,
        incident_id=incident.id,
        type="delegation",
        text="Stabschefen får besluta om inköp upp till 500 000 kr",
        mandate_key="krisledningschef",
        **dict(DECISION, mandate=""),
    )
    assert d.report_to == "kommunstyrelsen" and d.mandate.startswith("Krisledningschef enligt")
    listed = service.list_decisions(viewer=users["observer"], incident_id=incident.id, report=True)
    assert [x.id for x in listed] == [d.id]
    d = service.update(actor=leader, decision_id=d.id, expected_version=d.version, reported=True)
    assert d.reported_at is not None
    assert "anmält till kommunstyrelsen" in _log(incident.id)[-1].text
    # an unknown mandate key is refused
    with pytest.raises(ValidationError):
        service.record(actor=leader, incident_id=incident.id, type="other", text="x", mandate_key="nope", **DECISION)
    # a mandate that does not cover the type is refused
    with pytest.raises(ValidationError):
        service.record(actor=leader, incident_id=incident.id, type="kln", text="x", mandate_key="tib", **DECISION)


def test_numbering_is_gap_free_with_concurrent_writers(app, users, incident):
    writers = 6
    barrier = threading.Barrier(writers)
    errors = []
    leader_id = users["leader"].id
    incident_id = incident.id

    def write(i):
        with app.app_context():
            from crisis.auth.models import User

            actor = db.session.get(User, leader_id)
            barrier.wait()
            try:
                service.record(actor=actor, incident_id=incident_id, type="other", text=f"Beslut {i}", **DECISION)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.rollback()
    numbers = sorted(db.session.scalars(sa.select(Decision.number).where(Decision.incident_id == incident_id)))
    assert numbers == list(range(1, writers + 1))
    log_numbers = set(db.session.scalars(sa.select(Decision.log_number).where(Decision.incident_id == incident_id)))
    assert len(log_numbers) == writers
