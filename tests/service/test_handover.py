"""Handover briefs (överlämning): the draft holds the position's open tasks and what to watch; signing
checks out and writes the brief to the log; acknowledging (explicitly or at check-in) writes a system
entry; who may do what; the old check-out with a free note still works."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis.db import utcnow
from crisis.errors import ApiError, Conflict
from crisis.events.models import Event
from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.staffing import handover, service
from crisis.staffing.models import Handover
from crisis.tasks import service as tasks


def _log(incident_id):
    return list(
        db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number))
    )


def _holders(incident_id, key):
    items = service.staffing_dict(incident_id=incident_id)["items"]
    return [h["user"] for p in items if p["key"] == key for h in p["holders"]]


@pytest.fixture
def on_duty(users, incident):
    service.check_in(actor=users["staff"], incident_id=incident.id, position="samband")
    return incident


def test_draft_holds_the_positions_open_tasks_and_what_to_watch(users, on_duty):
    inc = on_duty
    staff = users["staff"]
    late = tasks.create(
        actor=staff,
        incident_id=inc.id,
        title="Kontrollera Rakel-terminaler",
        position="samband",
        due_at=(utcnow() - timedelta(minutes=5)).isoformat(),
    )
    tasks.create(actor=staff, incident_id=inc.id, title="Boka satellittelefon", position="samband")
    done = tasks.create(actor=staff, incident_id=inc.id, title="Redan gjord", position="samband")
    tasks.update(actor=staff, task_id=done.id, expected_version=done.version, status="done")
    tasks.create(actor=staff, incident_id=inc.id, title="Annan funktions uppgift", position="kommunikation")
    from crisis.log import service as log

    log.append(actor=staff, incident_id=inc.id, text="Rakel fungerar i Kinna igen.", position="samband")

    d = handover.draft(viewer=staff, incident_id=inc.id, position="samband")
    titles = [t["title"] for t in d["open_tasks"]]
    assert titles == ["Kontrollera Rakel-terminaler", "Boka satellittelefon"]
    assert "Kontrollera Rakel-terminaler" in d["text"] and "försenad sedan" in d["text"]
    assert "Redan gjord" not in d["text"] and "Annan funktions uppgift" not in d["text"].split("Att bevaka")[0]
    assert "Rakel fungerar i Kinna igen." in d["text"]
    assert "Att bevaka" in d["text"] and "1 försenad uppgift" in d["text"]
    assert d["pending_decisions"] == [] and "Beslut att följa upp\n- Inga." in d["text"]
    assert d["entries_position"] >= 1 and late.id
    # A draft saves nothing.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Handover)) == 0


def test_only_the_holder_gets_a_draft(users, on_duty):
    with pytest.raises(Conflict):
        handover.draft(viewer=users["leader"], incident_id=on_duty.id, position="samband")
    with pytest.raises(ApiError) as e:
        handover.draft(viewer=users["observer"], incident_id=on_duty.id, position="samband")
    assert e.value.status == 403


def test_sign_checks_out_and_logs_the_brief(users, on_duty):
    inc = on_duty
    before = len(_log(inc.id))
    h = handover.sign(actor=users["staff"], incident_id=inc.id, position="samband", text="Rakel ok.\nBevaka mast 3.")
    entries = _log(inc.id)[before:]
    assert [e.kind.value for e in entries] == ["info", "system"]
    assert entries[0].text.startswith("Överlämning signerad av Staff Testsson (Samband) kl. ")
    assert entries[0].text.endswith("Rakel ok.\nBevaka mast 3.") and entries[0].position == "samband"
    assert entries[1].text == "Staff Testsson checkar ut från Samband."
    assert _holders(inc.id, "samband") == []
    assert h.signed_at is not None and h.acknowledged_at is None and h.from_user_id == users["staff"].id
    ev = db.session.scalars(sa.select(Event).where(Event.type == "staffing.changed").order_by(Event.seq.desc())).first()
    assert ev.data["handover"]["id"] == h.id and ev.data["handover"]["text"] == "Rakel ok.\nBevaka mast 3."
    pos = next(p for p in service.staffing_dict(incident_id=inc.id)["items"] if p["key"] == "samband")
    assert pos["handover"]["id"] == h.id and pos["handover_note"] == "Rakel ok.\nBevaka mast 3."


def test_sign_refused_for_empty_text_or_not_holder_changes_nothing(users, on_duty):
    inc = on_duty
    before = len(_log(inc.id))
    with pytest.raises(ApiError):
        handover.sign(actor=users["staff"], incident_id=inc.id, position="samband", text="   ")
    with pytest.raises(Conflict):
        handover.sign(actor=users["leader"], incident_id=inc.id, position="samband", text="Inte min")
    assert len(_log(inc.id)) == before and _holders(inc.id, "samband") == ["staff"]


def test_check_in_binds_and_acknowledge_logs(users, on_duty):
    inc = on_duty
    h = handover.sign(actor=users["staff"], incident_id=inc.id, position="samband", text="Bevaka mast 3.")
    before = len(_log(inc.id))
    service.check_in(actor=users["duty_officer"], incident_id=inc.id, position="samband")
    db.session.refresh(h)
    # Checking in does not say the brief was read: it only names who takes over.
    assert h.to_user_id == users["duty_officer"].id and h.acknowledged_at is None
    assert len(_log(inc.id)) == before + 1
    # Someone who does not hold the position (and does not lead) cannot acknowledge.
    with pytest.raises(ApiError) as e:
        handover.acknowledge(actor=users["exercise_control"], handover_id=h.id)
    assert e.value.status == 403
    with pytest.raises(Conflict):
        handover.acknowledge(actor=users["staff"], handover_id=h.id)  # one's own
    handover.acknowledge(actor=users["duty_officer"], handover_id=h.id)
    last = _log(inc.id)[-1]
    assert last.kind.value == "system"
    assert last.text == "Duty_Officer Testsson kvitterar överlämningen för Samband från Staff Testsson."
    db.session.refresh(h)
    assert h.acknowledged_by_id == users["duty_officer"].id and h.acknowledged_at is not None
    n = len(_log(inc.id))
    with pytest.raises(Conflict):
        handover.acknowledge(actor=users["duty_officer"], handover_id=h.id)
    assert len(_log(inc.id)) == n


def test_check_in_with_acknowledge_does_both(users, on_duty):
    inc = on_duty
    h = handover.sign(actor=users["staff"], incident_id=inc.id, position="samband", text="Bevaka mast 3.")
    service.check_in(actor=users["leader"], incident_id=inc.id, position="samband", acknowledge_handover=True)
    texts = [e.text for e in _log(inc.id)[-2:]]
    assert texts == [
        "Leader Testsson checkar in som Samband.",
        "Leader Testsson kvitterar överlämningen för Samband från Staff Testsson.",
    ]
    db.session.refresh(h)
    assert h.acknowledged_by_id == users["leader"].id
    # Nothing to acknowledge: the check-in is refused as a whole.
    before = len(_log(inc.id))
    with pytest.raises(Conflict):
        service.check_in(actor=users["staff"], incident_id=inc.id, position="analys", acknowledge_handover=True)
    assert len(_log(inc.id)) == before and _holders(inc.id, "analys") == []


def test_plain_check_out_with_note_still_works(users, on_duty):
    inc = on_duty
    service.check_out(actor=users["staff"], incident_id=inc.id, position="samband", handover_note="Mast 3 svajar")
    pos = next(p for p in service.staffing_dict(incident_id=inc.id)["items"] if p["key"] == "samband")
    assert pos["handover_note"] == "Mast 3 svajar" and pos["handover_by"] == "Staff Testsson"
    assert pos["handover"] is None
    assert _log(inc.id)[-1].text == "Staff Testsson checkar ut från Samband. Överlämning: Mast 3 svajar"


def test_draft_holds_the_decisions_pending_follow_up(users, on_duty):
    from crisis.decisions import service as decisions

    d = decisions.record(
        actor=users["leader"],
        incident_id=on_duty.id,
        type="priority",
        text="Reservkraft prioriteras till Kinna vårdcentral",
        decided_by="Karin Lindqvist",
        mandate="Krisledningsplanen 4.2",
        reason="Vården först",
        follow_up_at=(utcnow() + timedelta(hours=2)).isoformat(),
    )
    decisions.record(
        actor=users["leader"],
        incident_id=on_duty.id,
        type="other",
        text="Utan uppföljning",
        decided_by="Karin Lindqvist",
        mandate="Krisledningsplanen 4.2",
        reason="x",
    )
    draft = handover.draft(viewer=users["staff"], incident_id=on_duty.id, position="samband")
    assert [p["label"] for p in draft["pending_decisions"]] == [f"B-{d.number}"]
    assert f"- B-{d.number}: Reservkraft prioriteras till Kinna vårdcentral, följs upp " in draft["text"]
    assert "Utan uppföljning" not in draft["text"].split("Beslut att följa upp")[1]
