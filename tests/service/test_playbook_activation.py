"""Activation creates exactly what the playbook says, in one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis import record_sv
from crisis.errors import ApiError, Forbidden, NotFound, ValidationError
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log.models import LogEntry
from crisis.playbooks import activation, registry
from crisis.playbooks.models import CalloutEntry, ChecklistItem, IncidentReminder, PlaybookActivation
from crisis.scheduler import runner
from crisis.staffing.models import Position
from crisis.tasks.models import Task

SHIPPED = sorted(
    [
        "elavbrott",
        "dricksvatten",
        "storm",
        "oversvamning",
        "it-angrepp",
        "pandemi",
        "brand-olycka",
        "hot-vald",
        "hojd-beredskap",
    ]
)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_catalog_loads_every_shipped_playbook(app):
    cat = registry.catalog()
    assert sorted(cat.playbooks) == SHIPPED
    assert cat.all_errors == []
    assert cat.scenario_count >= 2


@pytest.mark.parametrize("key", SHIPPED)
def test_activation_creates_exactly_what_the_playbook_says(app, users, key):
    pb = registry.get(key)
    tib = users["duty_officer"]
    incident = activation.activate(
        actor=tib, playbook_key=key, title=f"Test {pb.title}", context="Larm från SOS Alarm 03:12, omfattning oklar"
    )
    db.session.expire_all()
    inc = db.session.get(Incident, incident.id)
    # The playbook's level is a proposal: a TiB opens at most at bevakningsläge.
    assert (inc.kind, inc.level.value, inc.mode.value, inc.status.value) == (
        pb.kind,
        "monitoring",
        "real",
        "active",
    )
    assert inc.proposed_level == (pb.default_level.value if pb.default_level.value != "monitoring" else None)
    assert inc.description == "Larm från SOS Alarm 03:12, omfattning oklar"

    positions = db.session.execute(
        sa.select(Position.key, Position.label).where(Position.incident_id == inc.id).order_by(Position.sort_order)
    ).all()
    assert [tuple(p) for p in positions] == [(p.key, p.label) for p in pb.positions]

    tasks = list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.incident_id == inc.id, Task.origin != record_sv.LEVEL_PROPOSAL_ORIGIN)
            .order_by(Task.id)
        )
    )
    assert [(t.title, t.position, t.priority.value, t.origin) for t in tasks] == [
        (t.title, t.position, t.priority.value, f"Spelboken «{pb.title}», uppgift {n}")
        for n, t in enumerate(pb.tasks, 1)
    ]
    for task, tmpl in zip(tasks, pb.tasks, strict=True):
        assert task.due_at - inc.created_at == pytest.approx(
            timedelta(minutes=tmpl.due_in_minutes), abs=timedelta(seconds=5)
        )
        assert task.created_by == tib.username

    entries = list(
        db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == inc.id).order_by(LogEntry.number))
    )
    assert entries[0].kind.value == "system" and "Händelsen öppnad" in entries[0].text
    first = entries[1]
    assert first.kind.value == "info" and first.author == tib.display_name
    assert first.text == pb.first_log + "\nLäget vid aktiveringen: Larm från SOS Alarm 03:12, omfattning oklar"
    proposal = 1 if inc.proposed_level else 0  # the decision task
    assert sum(1 for e in entries if e.text.startswith("Ny uppgift")) == len(pb.tasks) + proposal
    summary = [e for e in entries if e.text.startswith(f"Spelboken «{pb.title}» aktiverad")]
    assert len(summary) == 1 and f"{len(pb.tasks)} första uppgifter" in summary[0].text

    checklist = list(
        db.session.scalars(
            sa.select(ChecklistItem).where(ChecklistItem.incident_id == inc.id).order_by(ChecklistItem.sort_order)
        )
    )
    assert [c.text for c in checklist] == list(pb.checklist) and not any(c.done for c in checklist)

    callout = list(
        db.session.scalars(
            sa.select(CalloutEntry).where(CalloutEntry.incident_id == inc.id).order_by(CalloutEntry.sort_order)
        )
    )
    assert [(c.name, c.role, c.phone, c.email, c.state.value) for c in callout] == [
        (c.name, c.role, c.phone, c.email, "pending") for c in pb.callout
    ]

    rems = {
        r.key: r for r in db.session.scalars(sa.select(IncidentReminder).where(IncidentReminder.incident_id == inc.id))
    }
    assert set(rems) == {r.key for r in pb.reminders}
    for r in pb.reminders:
        rem = rems[r.key]
        assert rem.every_minutes == r.every_minutes and rem.active and rem.text == r.text
        assert rem.first_at - inc.created_at == pytest.approx(
            timedelta(minutes=r.first_after_minutes), abs=timedelta(seconds=5)
        )
    assert sorted(runner.job_ids(f"reminder:{inc.id}:")) == sorted(f"reminder:{inc.id}:{r.key}" for r in pb.reminders)

    act = db.session.scalar(sa.select(PlaybookActivation).where(PlaybookActivation.incident_id == inc.id))
    assert act.playbook_key == key and act.highlight_categories == [c.value for c in pb.highlight_categories]
    assert activation.highlight_categories(incident_id=inc.id) == [c.value for c in pb.highlight_categories]

    types = [
        e.type for e in db.session.scalars(sa.select(Event).where(Event.incident_id == inc.id).order_by(Event.seq))
    ]
    assert types.count("task.created") == len(pb.tasks) + proposal
    assert ("callout.updated" in types) == bool(pb.callout)
    assert ("checklist.updated" in types) == bool(pb.checklist)
    callout_ev = db.session.scalar(sa.select(Event).where(Event.incident_id == inc.id, Event.type == "callout.updated"))
    assert callout_ev.confidential  # names and phone numbers never reach observers


def test_reminder_job_details(app, users):
    inc = activation.activate(actor=users["leader"], playbook_key="elavbrott", title="Elavbrott", context="")
    jobs = {}
    with runner._job_store() as sched:
        for job in sched.get_jobs():
            jobs[job.id] = job
    job = jobs[f"reminder:{inc.id}:stabsmote"]
    assert job.args == ("crisis.playbooks.jobs:fire_reminder", inc.id, "stabsmote")
    assert job.trigger.interval == timedelta(minutes=120)
    db.session.expire_all()
    rem = db.session.scalar(
        sa.select(IncidentReminder).where(IncidentReminder.incident_id == inc.id, IncidentReminder.key == "stabsmote")
    )
    assert abs((job.next_run_time - rem.first_at).total_seconds()) < 1


def test_no_context_means_first_log_unchanged(app, users):
    inc = activation.activate(actor=users["admin"], playbook_key="storm", title="Storm", context="   ")
    text = db.session.scalar(sa.select(LogEntry.text).where(LogEntry.incident_id == inc.id, LogEntry.number == 2))
    assert text == registry.get("storm").first_log


@pytest.mark.parametrize("role", ["staff", "observer", "exercise_control"])
def test_roles_without_create_incident_cannot_activate(app, users, role):
    with pytest.raises(ApiError) as exc:
        activation.activate(actor=users[role], playbook_key="storm", title="Storm", context="")
    assert exc.value.status == 403
    assert _count(Incident) == 0


def _nothing_stored() -> None:
    db.session.rollback()
    for model in (Incident, Task, LogEntry, ChecklistItem, CalloutEntry, IncidentReminder, PlaybookActivation, Event):
        assert _count(model) == 0, model


def test_unknown_playbook_is_404_and_nothing_is_stored(app, users):
    with pytest.raises(NotFound):
        activation.activate(actor=users["duty_officer"], playbook_key="finns-inte", title="X", context="")
    _nothing_stored()


def test_bad_input_stores_nothing(app, users):
    with pytest.raises(ValidationError):
        activation.activate(actor=users["duty_officer"], playbook_key="storm", title="   ", context="")
    with pytest.raises(ValidationError):
        activation.activate(actor=users["duty_officer"], playbook_key="storm", title="Storm", context="x" * 1001)
    with pytest.raises(NotFound):
        activation.activate(
            actor=users["duty_officer"], playbook_key="storm", title="Storm", context="", deviation_id=99
        )
    _nothing_stored()
    assert runner.job_ids("reminder:") == []


def test_everything_or_nothing_when_a_late_step_fails(app, users, monkeypatch):
    from crisis.tasks import service as tasks

    real = tasks.create_locked
    calls = []

    def flaky(**kw):
        calls.append(kw["title"])
        if len(calls) == 3:
            raise ValidationError("boom")
        return real(**kw)

    monkeypatch.setattr(tasks, "create_locked", flaky)
    with pytest.raises(ValidationError):
        activation.activate(actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott", context="")
    _nothing_stored()
    assert runner.job_ids() == []


def test_exercise_mode_inside_a_callers_transaction(app, users):
    from crisis.db import write_transaction

    with write_transaction(db.session):
        inc = activation.activate_locked(
            actor=users["exercise_control"],
            playbook_key="dricksvatten",
            title="Övning vatten",
            context="Inspel 1",
            mode="exercise",
        )
    db.session.expire_all()
    inc = db.session.get(Incident, inc.id)
    assert inc.mode.value == "exercise" and inc.is_exercise
    assert _count(Task) == len(registry.get("dricksvatten").tasks) + 1  # + the level decision task (exercises train it)
    first = db.session.scalar(sa.select(LogEntry.text).where(LogEntry.incident_id == inc.id, LogEntry.number == 1))
    assert first.startswith("ÖVNING.")
    # a deviation report is real: it never starts an exercise
    with pytest.raises(ValidationError):
        with write_transaction(db.session):
            activation.activate_locked(
                actor=users["exercise_control"],
                playbook_key="storm",
                title="Ö",
                context="",
                mode="exercise",
                deviation_id=1,
            )
    # staff may not start even an exercise
    with pytest.raises(ApiError) as exc:
        with write_transaction(db.session):
            activation.activate_locked(
                actor=users["staff"], playbook_key="storm", title="Ö", context="", mode="exercise"
            )
    assert exc.value.status == 403


def test_stabslage_playbook_by_tib_is_a_proposal_until_a_leader_decides(app, users):
    from crisis.decisions import service as decisions
    from crisis.decisions.models import Decision

    pb = registry.get("elavbrott")
    assert pb.default_level.value == "staff"
    tib = users["duty_officer"]
    incident = activation.activate(actor=tib, playbook_key="elavbrott", title="Elavbrott Kinna", context="")
    db.session.expire_all()
    inc = db.session.get(Incident, incident.id)
    assert (inc.level.value, inc.proposed_level) == ("monitoring", "staff")
    assert inc.to_dict()["proposed_level"] == "staff"
    texts = list(db.session.scalars(sa.select(LogEntry.text).where(LogEntry.incident_id == inc.id)))
    assert f"TiB:s bedömning: föreslår stabsläge (spelbok {pb.title})." in texts
    task = db.session.scalar(
        sa.select(Task).where(Task.incident_id == inc.id, Task.origin == record_sv.LEVEL_PROPOSAL_ORIGIN)
    )
    assert (task.title, task.priority.value, task.position, task.status.value) == (
        "Beslut om nivå: stabsläge föreslås",
        "high",
        "krisledningschef",
        "todo",
    )
    # The TiB cannot take the decision; the leader can, and that ends the proposal.
    fields = dict(decided_by="Karin Lindqvist", mandate="Delegationsordningen p. 3.2", reason="Många abonnenter")
    with pytest.raises(Forbidden):
        decisions.record(actor=tib, incident_id=inc.id, type="level", level="staff", text="", **fields)
    d = decisions.record(actor=users["leader"], incident_id=inc.id, type="level", level="staff", text="", **fields)
    db.session.expire_all()
    inc = db.session.get(Incident, incident.id)
    assert (inc.level.value, inc.proposed_level) == ("staff", None)
    assert db.session.get(Task, task.id).status.value == "done"
    last = list(
        db.session.scalars(
            sa.select(LogEntry.text).where(LogEntry.incident_id == inc.id).order_by(LogEntry.number.desc()).limit(1)
        )
    )[0]
    assert last.startswith(f"Uppgift {task.id} 'Beslut om nivå: stabsläge föreslås': status") and "B-1" in last
    assert db.session.get(Decision, d.id).data == {"level": "staff", "from": "monitoring"}


def test_playbook_within_a_raised_tib_limit_opens_with_the_tibs_decision(app, users):
    from crisis.decisions.models import Decision

    app.config["CRISIS_TIB_MAX_LEVEL"] = "reinforced"
    incident = activation.activate(actor=users["duty_officer"], playbook_key="storm", title="Storm", context="")
    db.session.expire_all()
    inc = db.session.get(Incident, incident.id)
    assert (inc.level.value, inc.proposed_level) == ("reinforced", None)
    d = db.session.scalar(sa.select(Decision).where(Decision.incident_id == inc.id))
    assert (d.number, d.type.value, d.decided_by) == (1, "level", users["duty_officer"].display_name)
