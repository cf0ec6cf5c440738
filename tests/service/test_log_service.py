"""The situation log: numbering, chain, corrections, classification, the append-only guard."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis.db import utcnow
from crisis.errors import ApiError, Conflict, NotFound, ValidationError
from crisis.extensions import db
from crisis.log import service as log
from crisis.log.models import LogEntry


def test_entries_are_numbered_and_chained(incident, users):
    e1 = log.append(
        actor=users["staff"], incident_id=incident.id, text="Första", kind="incoming", counterpart="SOS Alarm"
    )
    e2 = log.append(actor=users["staff"], incident_id=incident.id, text="Andra")
    # Entry 1 is the system entry that opened the incident.
    assert (e1.number, e2.number) == (2, 3)
    assert e2.prev_hash == e1.hash and len(e2.hash) == 64
    assert log.verify_chain(incident_id=incident.id) is None


def test_author_position_is_the_position_held(incident, users):
    from crisis.staffing import service as staffing

    staffing.check_in(actor=users["staff"], incident_id=incident.id, position="analys")
    entry = log.append(actor=users["staff"], incident_id=incident.id, text="Lägesbild uppdaterad")
    assert entry.position == "analys" and entry.position_label == "Analys/lägesbild"
    with pytest.raises(ValidationError):
        log.append(actor=users["staff"], incident_id=incident.id, text="x", position="stabschef")


def test_correction_points_to_the_original_which_stays(incident, users):
    orig = log.append(actor=users["staff"], incident_id=incident.id, text="Fel antal: 300 kunder")
    corr = log.correct(actor=users["staff"], incident_id=incident.id, number=orig.number, text="Rätt: 3 000 kunder")
    assert corr.corrects == orig.number
    rows = dict((e.number, c) for e, c in log.list_entries(viewer=users["staff"], incident_id=incident.id))
    assert rows[orig.number] == corr.number
    assert db.session.get(LogEntry, orig.id).text == "Fel antal: 300 kunder"
    with pytest.raises(Conflict):
        log.correct(actor=users["staff"], incident_id=incident.id, number=orig.number, text="igen")
    with pytest.raises(NotFound):
        log.correct(actor=users["staff"], incident_id=incident.id, number=999, text="x")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"text": ""}, "tom"),
        ({"text": "   "}, "tom"),
        ({"text": "x" * 100_000}, "längre"),
        ({"text": "x", "kind": "gossip"}, "Okänd posttyp"),
        ({"text": "x", "kind": "system"}, "Systemposter"),
        ({"text": "x", "classification": "secret"}, "Okänd klassificering"),
        ({"text": "x", "classification": "confidential"}, "OSL"),
        ({"text": "x", "kind": "decision"}, "decided_by"),
        ({"text": "x", "occurred_at": utcnow() + timedelta(hours=1)}, "framtiden"),
        ({"text": "x", "occurred_at": utcnow() - timedelta(days=60)}, "30 dagar"),
    ],
)
def test_bad_entries_are_rejected_and_nothing_is_stored(incident, users, kwargs, message):
    before = incident.last_log_number
    with pytest.raises(ValidationError, match=message):
        log.append(actor=users["staff"], incident_id=incident.id, **kwargs)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == before


def test_observers_cannot_write_and_never_see_confidential(incident, users):
    with pytest.raises(ApiError) as err:
        log.append(actor=users["observer"], incident_id=incident.id, text="x")
    assert err.value.status == 403
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Sekretess",
        classification="confidential",
        osl_ground="OSL 18 kap. 13 §",
    )
    log.append(actor=users["staff"], incident_id=incident.id, text="Öppet", classification="public")
    seen = [e.text for e, _ in log.list_entries(viewer=users["observer"], incident_id=incident.id)]
    assert "Öppet" in seen and "Sekretess" not in seen
    staff_seen = [e.text for e, _ in log.list_entries(viewer=users["staff"], incident_id=incident.id)]
    assert "Sekretess" in staff_seen


def test_masked_export_keeps_the_original(incident, users):
    e = log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Namn på hotad person",
        classification="confidential",
        osl_ground="OSL 21 kap. 3 §",
    )
    masked = log.masked_dict(e)
    assert "Namn på hotad" not in masked["text"] and "OSL 21 kap. 3 §" in masked["text"]
    assert masked["hash"] == e.hash
    assert db.session.get(LogEntry, e.id).text == "Namn på hotad person"


def test_the_database_refuses_update_and_delete(incident, users):
    e = log.append(actor=users["staff"], incident_id=incident.id, text="Orörbar")
    with pytest.raises(sa.exc.DBAPIError):
        db.session.execute(sa.update(LogEntry).where(LogEntry.id == e.id).values(text="ändrad"))
        db.session.commit()
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError):
        db.session.execute(sa.delete(LogEntry).where(LogEntry.id == e.id))
        db.session.commit()
    db.session.rollback()
    assert db.session.get(LogEntry, e.id).text == "Orörbar"


def _drop_guard() -> None:
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("DROP TRIGGER log_entries_no_update"))
        db.session.execute(sa.text("DROP TRIGGER log_entries_no_delete"))
    else:
        db.session.execute(sa.text("DROP TRIGGER log_entries_no_change ON log_entries"))
    db.session.commit()


def test_tampering_is_detected_naming_the_first_bad_entry(incident, users):
    for i in range(5):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")
    _drop_guard()  # what someone with a SQL prompt could do
    db.session.execute(
        sa.update(LogEntry)
        .where(LogEntry.incident_id == incident.id, LogEntry.number == 4)
        .values(text="Efterhandsändrad")
    )
    db.session.commit()
    problem = log.verify_chain(incident_id=incident.id)
    assert problem is not None and problem.number == 4 and "altered" in problem.reason


def test_a_removed_entry_is_detected(incident, users):
    for i in range(4):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")
    _drop_guard()
    db.session.execute(sa.delete(LogEntry).where(LogEntry.incident_id == incident.id, LogEntry.number == 5))
    db.session.commit()
    problem = log.verify_chain(incident_id=incident.id)
    assert problem is not None and problem.number == 5


def test_closed_incident_takes_no_entries(incident, users):
    from crisis.incidents import service as incidents

    incidents.update(
        actor=users["leader"],
        incident_id=incident.id,
        status="closed",
        decided_by="KD",
        mandate="Krisledningsplan 3.2",
        reason="Läget normaliserat",
    )
    with pytest.raises(Conflict):
        log.append(actor=users["staff"], incident_id=incident.id, text="för sent")


@pytest.mark.slow
def test_concurrent_writers_get_gap_free_numbers(app, incident, users):
    """8 writers x 100 entries: numbers 1..n each once, and the chain verifies."""
    from crisis.auth import service as user_service

    writers = 8
    per_writer = 100
    ids = [
        user_service.create(username=f"writer{i}", password="correct-horse-1", role="staff").id for i in range(writers)
    ]
    incident_id = incident.id
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def write(user_id: int) -> None:
        try:
            with app.app_context():
                user = db.session.get(type(users["staff"]), user_id)
                barrier.wait()
                for n in range(per_writer):
                    log.append(actor=user, incident_id=incident_id, text=f"{user.username} {n}")
                db.session.remove()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(uid,)) for uid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    db.session.rollback()  # end this thread's read snapshot
    numbers = list(
        db.session.scalars(
            sa.select(LogEntry.number).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number)
        )
    )
    total = writers * per_writer + 1  # plus the opening system entry
    assert numbers == list(range(1, total + 1))
    assert log.verify_chain(incident_id=incident_id) is None
    from crisis.events.models import Event

    seqs = list(db.session.scalars(sa.select(Event.seq).where(Event.incident_id == incident_id).order_by(Event.seq)))
    assert seqs == list(range(1, len(seqs) + 1))


def test_rolled_back_write_is_never_broadcast(socket_client, incident, users):
    """An entry (and its event) written in a transaction that then rolls back is never
    published; the next real write, which reuses its seq, is published exactly once."""
    from crisis import aftercommit
    from crisis.db import write_transaction
    from crisis.enums import LogKind
    from crisis.events import service as events
    from tests.realtime.replay import join, seq_messages

    client = socket_client("staff")
    join(client, incident.id, incident.last_seq)
    client.get_received()
    head = incident.last_seq
    with pytest.raises(RuntimeError):
        with write_transaction(db.session):
            locked = events.lock_incident(incident_id=incident.id)
            rolled_back = log.write_entry(incident=locked, actor=users["staff"], kind=LogKind.INFO, text="ROLLED BACK")
            assert rolled_back.id is not None  # inserted, and its event appended and queued ...
            assert [cb.__name__ for cb, _ in aftercommit.pending()] == ["publish"]
            raise RuntimeError("... then the transaction fails")
    real = log.append(actor=users["staff"], incident_id=incident.id, text="real one")
    got = seq_messages(client.get_received())
    assert [(name, m["seq"], m["data"]["text"]) for name, m in got] == [("event", head + 1, "real one")]
    assert real.number == rolled_back.number  # the number and the seq are reused: nothing was published
    assert log.verify_chain(incident_id=incident.id) is None


def test_a_failed_commit_publishes_nothing(socket_client, incident, users, monkeypatch):
    """The database refuses the commit itself (after the event was queued): nothing is published."""
    from crisis import aftercommit
    from tests.realtime.replay import join, seq_messages

    client = socket_client("staff")
    join(client, incident.id, incident.last_seq)
    client.get_received()

    def refuse(session):
        if aftercommit.pending():  # the write's commit, not the read transaction's before it
            raise sa.exc.OperationalError("COMMIT", {}, Exception("disk full"))

    sa.event.listen(db.session(), "before_commit", refuse)
    try:
        with pytest.raises(sa.exc.OperationalError):
            log.append(actor=users["staff"], incident_id=incident.id, text="Aldrig sparad")
    finally:
        sa.event.remove(db.session(), "before_commit", refuse)
    log.append(actor=users["staff"], incident_id=incident.id, text="Sparad")
    assert [m["data"]["text"] for _, m in seq_messages(client.get_received())] == ["Sparad"]


def test_the_chain_head_kept_on_the_incident_is_verified(incident, users):
    from crisis.incidents.models import Incident

    e = log.append(actor=users["staff"], incident_id=incident.id, text="Sista")
    assert db.session.get(Incident, incident.id).last_log_hash == e.hash
    assert log.verify_chain(incident_id=incident.id) is None
    db.session.execute(sa.update(Incident).where(Incident.id == incident.id).values(last_log_hash="f" * 64))
    db.session.commit()
    problem = log.verify_chain(incident_id=incident.id)
    assert problem is not None and problem.number == e.number + 1 and "chain head" in problem.reason
