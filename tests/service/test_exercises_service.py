"""Exercises: scheduling, start, inject delivery, pause/resume, speed, end, ÖVNINGSSTOPP,
separation from real incidents, observations and the after-action figures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from crisis.db import utcnow
from crisis.enums import IncidentStatus, Level, LogKind, Mode
from crisis.errors import Conflict, Forbidden, ValidationError
from crisis.events.models import Event
from crisis.exercises import after_action, service
from crisis.exercises import clock as exercise_clock
from crisis.exercises.models import Exercise, ExerciseStatus, InjectDelivery, Observation
from crisis.exercises.schemas import to_dict
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log.models import LogEntry
from crisis.scheduler import runner

SCENARIO = "vinterelavbrott"  # playbook elavbrott, 20 injects over 180 minutes


class Clock:
    """Controls the exercise services' clock (`utcnow` in crisis.exercises.service, .clock, .after_action)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = utcnow()
        for module in (service, exercise_clock, after_action):
            monkeypatch.setattr(module, "utcnow", lambda: self.now)

    def advance(self, seconds: float) -> datetime:
        self.now = self.now + timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def control(users: dict[str, Any]) -> Any:
    return users["exercise_control"]


def scheduled(control: Any, **kw: Any) -> Exercise:
    kw.setdefault("scenario", SCENARIO)
    return service.schedule(actor=control, **kw)


def started(control: Any, speed: float = 60) -> Exercise:
    ex = scheduled(control, speed=speed)
    return service.start(actor=control, exercise_id=ex.id)


def rows(exercise_id: int) -> dict[str, InjectDelivery]:
    db.session.expire_all()
    return {d.inject_id: d for d in service.deliveries(exercise_id)}


def events_of(incident_id: int, type_: str) -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.incident_id == incident_id, Event.type == type_).order_by(Event.seq)
        )
    )


# --- scheduling ----------------------------------------------------------------------------


def test_schedule_stores_the_injects_and_a_start_job(control: Any) -> None:
    start_at = utcnow() + timedelta(hours=2)
    ex = scheduled(control, start_at=start_at, speed=60, title="Vinterövning 2026")
    assert (ex.status, ex.scenario_key, ex.playbook_key, ex.speed, ex.title) == (
        ExerciseStatus.SCHEDULED,
        SCENARIO,
        "elavbrott",
        60.0,
        "Vinterövning 2026",
    )
    assert ex.incident_id is None
    injects = list(rows(ex.id).values())
    assert len(injects) == 20 and all(d.delivered_at is None for d in injects)
    # the planned due time: start + offset / speed
    last = injects[-1]
    assert last.due_at == start_at + timedelta(seconds=last.offset_minutes * 60 / 60)
    assert runner.job_ids(f"exercise-start:{ex.id}") == [f"exercise-start:{ex.id}"]
    assert to_dict(ex)["scenario"] == SCENARIO


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"scenario": "finns-inte"}, "unknown_scenario"),
        ({"scenario": ""}, "unknown_scenario"),
        ({"start_at": utcnow() - timedelta(hours=1)}, "start_in_past"),
        ({"start_at": datetime(2030, 1, 1, 9, 0)}, "validation_error"),  # naive
        ({"start_at": utcnow() + timedelta(days=400)}, "validation_error"),
        ({"speed": 0.05}, "validation_error"),
        ({"speed": 601}, "validation_error"),
        ({"speed": "fast"}, "validation_error"),
        ({"speed": True}, "validation_error"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(control: Any, kwargs: dict[str, Any], code: str) -> None:
    kwargs.setdefault("scenario", SCENARIO)
    with pytest.raises(ValidationError) as err:
        service.schedule(actor=control, **kwargs)
    assert err.value.code == code
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exercise)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InjectDelivery)) == 0


def test_speed_bounds_are_allowed(control: Any) -> None:
    assert scheduled(control, speed=0.1).speed == 0.1
    assert scheduled(control, speed=600).speed == 600


@pytest.mark.parametrize("role", ["staff", "leader", "duty_officer", "observer"])
def test_only_exercise_control_schedules_and_runs(users: dict[str, Any], control: Any, role: str) -> None:
    with pytest.raises(Forbidden):
        service.schedule(actor=users[role], scenario=SCENARIO)
    ex = scheduled(control)
    for fn in (service.start, service.pause, service.resume, service.end):
        with pytest.raises(Forbidden):
            fn(actor=users[role], exercise_id=ex.id)


def test_admin_may_run_exercises(users: dict[str, Any]) -> None:
    ex = service.schedule(actor=users["admin"], scenario=SCENARIO)
    assert service.start(actor=users["admin"], exercise_id=ex.id).status is ExerciseStatus.RUNNING


# --- start and delivery ------------------------------------------------------------------


def test_start_creates_an_exercise_incident_from_the_playbook_and_schedules_every_inject(control: Any) -> None:
    ex = started(control, speed=60)
    assert ex.status is ExerciseStatus.RUNNING and ex.started_at is not None
    incident = db.session.get(Incident, ex.incident_id)
    assert incident.mode is Mode.EXERCISE and incident.kind == "elavbrott"
    from crisis.staffing.models import Position

    keys = set(db.session.scalars(sa.select(Position.key).where(Position.incident_id == incident.id)))
    assert {"samverkan", "vard-omsorg", "va"} <= keys
    jobs = runner.job_ids(f"inject:{ex.id}:")
    assert len(jobs) == 20 and f"inject:{ex.id}:elnat-larm" in jobs
    assert runner.job_ids(f"exercise-start:{ex.id}") == []
    for d in rows(ex.id).values():
        assert d.due_at == ex.started_at + timedelta(seconds=d.offset_minutes)  # speed 60: a minute per second
    assert events_of(incident.id, "exercise.updated")[-1].data["status"] == "running"
    with pytest.raises(Conflict):
        service.start(actor=control, exercise_id=ex.id)


def test_the_start_job_starts_a_scheduled_exercise_once(control: Any) -> None:
    from crisis.exercises import jobs

    ex = scheduled(control, start_at=utcnow() + timedelta(minutes=1))
    jobs.start_exercise(ex.id)
    jobs.start_exercise(ex.id)  # a second run does nothing
    db.session.expire_all()
    ex = db.session.get(Exercise, ex.id)
    assert ex.status is ExerciseStatus.RUNNING
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Incident)) == 1


def test_deliver_writes_an_incoming_entry_to_the_target_and_an_event_that_reveals_nothing_ahead(
    control: Any, clock: Clock
) -> None:
    from crisis.exercises import jobs

    # The exercise clock stands still: the inject is delivered at its due time, however long a
    # loaded machine takes between start and delivery (more than LATE_SECONDS would flag it late).
    ex = started(control)
    jobs.deliver_inject(ex.id, "elnat-larm")
    d = rows(ex.id)["elnat-larm"]
    entry = db.session.scalar(
        sa.select(LogEntry).where(LogEntry.incident_id == ex.incident_id, LogEntry.number == d.log_number)
    )
    assert entry.kind is LogKind.INCOMING
    assert entry.counterpart == "Elnätsbolagets driftcentral (spelad)"
    assert entry.text.startswith("ÖVNING – Inspel via telefon till Samverkan: Omfattande strömavbrott")
    assert entry.author == service.INJECT_AUTHOR and not d.late
    ev = events_of(ex.incident_id, "inject.delivered")
    assert len(ev) == 1
    data = ev[0].data
    assert data["inject"] == "elnat-larm" and data["log_number"] == d.log_number
    assert data["target_position"] == "samverkan" and data["target_label"] == "Samverkan"
    forbidden = {"expected_action", "injects", "next", "next_due_at", "remaining", "upcoming"}
    assert not forbidden & set(data)
    other_texts = [x.text for x in rows(ex.id).values() if x.inject_id != "elnat-larm"]
    assert not any(t in str(data) for t in other_texts)


def test_delivery_is_idempotent(control: Any) -> None:
    ex = started(control)
    first = service.deliver(ex.id, "elnat-larm")
    assert first is not None
    assert service.deliver(ex.id, "elnat-larm") is None
    assert service.deliver(ex.id, "no-such-inject") is None
    assert service.deliver(9999, "elnat-larm") is None
    n = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LogEntry)
        .where(LogEntry.incident_id == ex.incident_id, LogEntry.kind == LogKind.INCOMING)
    )
    assert n == 1


def test_a_job_that_fires_early_delivers_nothing(control: Any, clock: Clock) -> None:
    ex = started(control, speed=1)
    # hemtjanst-skene is at 5 scenario minutes = 5 real minutes
    assert service.deliver(ex.id, "hemtjanst-skene") is None
    clock.advance(5 * 60)
    assert service.deliver(ex.id, "hemtjanst-skene") is not None


def test_late_delivery_is_flagged(control: Any, clock: Clock) -> None:
    ex = started(control, speed=60)
    clock.advance(5 + service.LATE_SECONDS + 10)  # hemtjanst-skene was due after 5 s
    service.deliver(ex.id, "hemtjanst-skene")
    service.deliver(ex.id, "elnat-larm")
    r = rows(ex.id)
    assert r["hemtjanst-skene"].late and r["elnat-larm"].late


# --- pause, resume, speed --------------------------------------------------------------


def test_pause_and_resume_shift_the_remaining_offsets(control: Any, clock: Clock) -> None:
    ex = started(control, speed=60)
    t0 = ex.started_at
    clock.advance(6)  # 6 scenario minutes
    service.deliver(ex.id, "elnat-larm")
    service.deliver(ex.id, "hemtjanst-skene")
    paused = service.pause(actor=control, exercise_id=ex.id)
    assert paused.status is ExerciseStatus.PAUSED
    assert runner.job_ids(f"inject:{ex.id}:") == []
    assert exercise_clock.scenario_minutes(paused) == pytest.approx(6)
    # nothing is delivered while paused
    clock.advance(600)
    assert service.deliver(ex.id, "sarf-trad") is None
    assert exercise_clock.scenario_minutes(paused) == pytest.approx(6)
    resumed = service.resume(actor=control, exercise_id=ex.id)
    assert resumed.status is ExerciseStatus.RUNNING and resumed.total_paused == pytest.approx(600)
    r = rows(ex.id)
    for d in r.values():
        if d.delivered_at is None:
            assert d.due_at == t0 + timedelta(seconds=d.offset_minutes + 600)
    assert len(runner.job_ids(f"inject:{ex.id}:")) == 18
    assert r["elnat-larm"].delivered_at is not None and r["elnat-larm"].due_at == t0
    with pytest.raises(Conflict):
        service.resume(actor=control, exercise_id=ex.id)


def test_speed_change_keeps_elapsed_scenario_time(control: Any, clock: Clock) -> None:
    ex = started(control, speed=60)
    t0 = ex.started_at
    clock.advance(60)  # 60 scenario minutes at 60x
    changed = service.set_speed(actor=control, exercise_id=ex.id, speed=1)
    assert changed.speed == 1 and exercise_clock.scenario_minutes(changed) == pytest.approx(60)
    later = next(d for d in rows(ex.id).values() if d.offset_minutes > 60)
    assert later.due_at == t0 + timedelta(seconds=60) + timedelta(minutes=later.offset_minutes - 60)
    with pytest.raises(ValidationError):
        service.set_speed(actor=control, exercise_id=ex.id, speed=0)


def test_speed_change_of_a_scheduled_exercise_replans(control: Any) -> None:
    start_at = utcnow() + timedelta(hours=1)
    ex = scheduled(control, start_at=start_at, speed=1)
    service.set_speed(actor=control, exercise_id=ex.id, speed=10)
    last = list(rows(ex.id).values())[-1]
    assert last.due_at == start_at + timedelta(seconds=last.offset_minutes * 6)


def test_adhoc_inject_is_delivered_at_once(control: Any) -> None:
    ex = started(control)
    d = service.add_inject(
        actor=control,
        exercise_id=ex.id,
        sender="SVT Väst (spelad)",
        channel="media",
        text="Stämmer det att äldreboenden saknar värme?",
        target_position="kommunikation",
        expected_action="Hänvisa till kommunens presstalesperson.",
    )
    assert d.adhoc and d.inject_id == "adhoc-1" and d.delivered_at is not None and d.log_number
    entry = db.session.scalar(
        sa.select(LogEntry).where(LogEntry.incident_id == ex.incident_id, LogEntry.number == d.log_number)
    )
    assert entry.text.startswith("ÖVNING – Inspel via media till Kommunikation:")
    assert events_of(ex.incident_id, "inject.delivered")[-1].data["inject"] == "adhoc-1"
    d2 = service.add_inject(
        actor=control, exercise_id=ex.id, sender="x", channel="phone", text="y", target_position="va"
    )
    assert d2.inject_id == "adhoc-2"
    for bad in ({"channel": "fax"}, {"target_position": "nope"}, {"text": "  "}):
        kw = {"sender": "x", "channel": "phone", "text": "y", "target_position": "va", **bad}
        with pytest.raises(ValidationError):
            service.add_inject(actor=control, exercise_id=ex.id, **kw)


def test_adhoc_inject_needs_a_running_exercise(control: Any) -> None:
    ex = scheduled(control)
    with pytest.raises(Conflict):
        service.add_inject(
            actor=control, exercise_id=ex.id, sender="x", channel="phone", text="y", target_position="va"
        )


# --- end and ÖVNINGSSTOPP ------------------------------------------------------------------


def test_end_removes_the_jobs_and_closes_the_exercise_incident(control: Any) -> None:
    ex = started(control)
    service.deliver(ex.id, "elnat-larm")
    ended = service.end(actor=control, exercise_id=ex.id)
    assert ended.status is ExerciseStatus.ENDED and ended.ended_at is not None
    assert runner.job_ids(f"inject:{ex.id}:") == []
    incident = db.session.get(Incident, ex.incident_id)
    assert incident.status is IncidentStatus.CLOSED
    assert events_of(ex.incident_id, "exercise.updated")[-1].data["status"] == "ended"
    assert service.deliver(ex.id, "hemtjanst-skene") is None
    with pytest.raises(Conflict):
        service.pause(actor=control, exercise_id=ex.id)


def test_ending_a_scheduled_exercise_cancels_its_start(control: Any) -> None:
    ex = scheduled(control, start_at=utcnow() + timedelta(hours=1))
    service.end(actor=control, exercise_id=ex.id)
    assert runner.job_ids(f"exercise-start:{ex.id}") == []
    assert service.start_scheduled(ex.id) is None


@pytest.mark.parametrize("role", ["exercise_control", "leader", "admin"])
def test_ovningsstopp_halts_logs_and_tells_everyone(users: dict[str, Any], control: Any, role: str) -> None:
    ex = started(control)
    service.deliver(ex.id, "elnat-larm")
    stopped = service.stop(actor=users[role], exercise_id=ex.id, reason="Verklig brand i Kinna")
    assert stopped.status is ExerciseStatus.STOPPED and stopped.stop_reason == "Verklig brand i Kinna"
    assert runner.job_ids(f"inject:{ex.id}:") == []
    entry = db.session.scalar(
        sa.select(LogEntry).where(LogEntry.incident_id == ex.incident_id, LogEntry.kind == LogKind.DECISION)
    )
    assert entry.text.startswith("ÖVNINGSSTOPP") and "Verklig brand i Kinna" in entry.text
    assert entry.decided_by == users[role].display_name
    ev = [e for e in events_of(ex.incident_id, "exercise.updated") if e.data.get("stop")]
    assert len(ev) == 1 and ev[0].data["status"] == "stopped" and ev[0].data["stop"] is True
    assert db.session.get(Incident, ex.incident_id).status is IncidentStatus.CLOSED
    assert service.deliver(ex.id, "hemtjanst-skene") is None


@pytest.mark.parametrize("role", ["staff", "duty_officer", "observer"])
def test_participants_cannot_give_ovningsstopp(users: dict[str, Any], control: Any, role: str) -> None:
    ex = started(control)
    with pytest.raises(Forbidden):
        service.stop(actor=users[role], exercise_id=ex.id)
    assert db.session.get(Exercise, ex.id).status is ExerciseStatus.RUNNING


# --- separation ------------------------------------------------------------------------------


def test_exercise_incidents_never_count_and_never_become_real(users: dict[str, Any], control: Any) -> None:
    from crisis.incidents import service as incidents

    ex = started(control)
    with pytest.raises(ValidationError):
        incidents.update(actor=users["leader"], incident_id=ex.incident_id, mode="real")
    exercise_incident = db.session.get(Incident, ex.incident_id)
    assert exercise_incident.mode is Mode.EXERCISE
    incidents.update(
        actor=users["leader"],
        incident_id=ex.incident_id,
        level="staff",
        decided_by="Övningsledare",
        mandate="Övning",
        reason="Spel",
    )
    all_incidents = incidents.list_incidents(viewer=users["staff"])
    assert incidents.kommun_level(incidents=all_incidents) is Level.NORMAL
    real = incidents.create(
        actor=users["leader"],
        title="Verkligt elavbrott",
        kind="elavbrott",
        level="reinforced",
        decided_by="Karin Lindqvist",
        mandate="Delegationsordningen p. 3.2",
        reason="Många abonnenter utan ström",
    )
    assert incidents.kommun_level(incidents=incidents.list_incidents(viewer=users["staff"])) is Level.REINFORCED
    # nothing of the exercise ended up in the real incident
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Event)
            .where(Event.incident_id == real.id, Event.type.in_(["inject.delivered", "exercise.updated"]))
        )
        == 0
    )


def test_exercise_callout_mail_to_an_address_not_on_the_allowlist_is_suppressed(app: Any, control: Any) -> None:
    from crisis.incidents.models import Incident as Inc
    from crisis.playbooks import outbox
    from crisis.playbooks.models import MailMessage, MailState

    ex = started(control)
    incident = db.session.get(Inc, ex.incident_id)
    app.config["CRISIS_EXERCISE_MAIL_ALLOWLIST"] = ["ovningsledning@mark.se"]
    app.config["CRISIS_MAIL_DRY_RUN"] = False
    app.config["CRISIS_SMTP_HOST"] = "127.0.0.1"
    app.config["CRISIS_SMTP_PORT"] = 9  # nothing listens: a real send would fail, not be suppressed
    from crisis.db import write_transaction
    from crisis.events import service as events

    with write_transaction(db.session):
        inc = events.lock_incident(incident_id=incident.id)
        rows_ = outbox.queue_locked(incident=inc, messages=[("karin.verklig@example.org", "Larmning", "Kom in", None)])
    outbox.wait_for_deliveries()
    db.session.expire_all()
    row = db.session.get(MailMessage, rows_[0].id)
    assert row.state is MailState.SUPPRESSED
    assert row.subject.startswith("ÖVNING")


# --- observations and the after-action report ------------------------------------------------


def test_observations_by_control_and_observers_only(users: dict[str, Any], control: Any) -> None:
    ex = started(control)
    service.deliver(ex.id, "elnat-larm")
    o1 = after_action.add_observation(
        actor=users["observer"], exercise_id=ex.id, text="Samverkan svarade snabbt.", inject="elnat-larm"
    )
    o2 = after_action.add_observation(actor=control, exercise_id=ex.id, text="Stabsorientering försenad.")
    assert (o1.inject_id, o2.inject_id) == ("elnat-larm", None)
    with pytest.raises(Forbidden):
        after_action.add_observation(actor=users["staff"], exercise_id=ex.id, text="x")
    with pytest.raises(ValidationError):
        after_action.add_observation(actor=control, exercise_id=ex.id, text="x", inject="finns-inte")
    # an observer cannot name an inject that is still to come
    with pytest.raises(ValidationError):
        after_action.add_observation(actor=users["observer"], exercise_id=ex.id, text="x", inject="overlamning")
    with pytest.raises(ValidationError):
        after_action.add_observation(actor=control, exercise_id=ex.id, text="  ")
    # participants read them once the exercise is over
    with pytest.raises(Forbidden):
        after_action.observations(viewer=users["staff"], exercise_id=ex.id)
    service.end(actor=control, exercise_id=ex.id)
    assert len(after_action.observations(viewer=users["staff"], exercise_id=ex.id)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Observation)) == 2


def test_participants_never_see_upcoming_injects(users: dict[str, Any], control: Any) -> None:
    ex = started(control)
    service.deliver(ex.id, "elnat-larm")
    for role in ("staff", "leader", "duty_officer", "observer"):
        d = after_action.detail(viewer=users[role], exercise_id=ex.id)
        assert [i["id"] for i in d["injects"]] == ["elnat-larm"]
        assert "expected_action" not in d["injects"][0]
        report = after_action.after_action(viewer=users[role], exercise_id=ex.id)
        assert [i["id"] for i in report["injects"]] == ["elnat-larm"] and not report["complete"]
    full = after_action.detail(viewer=control, exercise_id=ex.id)
    assert len(full["injects"]) == 20 and full["injects"][1]["state"] == "upcoming"
    assert full["injects"][0]["expected_action"]
    service.end(actor=control, exercise_id=ex.id)
    assert len(after_action.detail(viewer=users["staff"], exercise_id=ex.id)["injects"]) == 20


def test_after_action_figures(users: dict[str, Any], control: Any, clock: Clock) -> None:
    from crisis.log import service as log
    from crisis.staffing import service as staffing
    from crisis.tasks import service as tasks

    ex = started(control, speed=60)
    staff = users["staff"]
    staffing.check_in(actor=staff, incident_id=ex.incident_id, position="samverkan")
    staffing.check_in(actor=users["leader"], incident_id=ex.incident_id, position="vard-omsorg")
    t0 = clock.now
    service.deliver(ex.id, "elnat-larm")  # -> samverkan
    clock.advance(5)
    service.deliver(ex.id, "hemtjanst-skene")  # -> vard-omsorg
    r = rows(ex.id)
    n1, n2 = r["elnat-larm"].log_number, r["hemtjanst-skene"].log_number
    # an entry by someone else that does not refer to it is not a response
    log.append(actor=users["duty_officer"], incident_id=ex.incident_id, text="Kaffe i stabsrummet.")
    # samverkan answers the first inject
    e1 = log.append(actor=staff, incident_id=ex.incident_id, text="Kontakt med Elnätsbolaget, ny prognos kl 12.")
    # the second inject becomes a task (made from its entry)
    task = tasks.create_from_log(actor=users["leader"], incident_id=ex.incident_id, number=n2)
    report = after_action.after_action(viewer=control, exercise_id=ex.id)
    items = {i["id"]: i for i in report["injects"]}
    a, b = items["elnat-larm"], items["hemtjanst-skene"]
    assert a["first_response"]["kind"] == "log" and a["first_response"]["ref"] == e1.number
    assert a["first_response"]["how"] == "position"
    assert a["response_seconds"] == pytest.approx(
        (e1.recorded_at - r["elnat-larm"].delivered_at).total_seconds(), abs=0.1
    )
    assert b["first_response"] == {"kind": "task", "ref": task.id, "at": task.created_at.isoformat(), "how": "task"}
    assert items["sarf-trad"]["delivered_at"] is None and items["sarf-trad"]["response_seconds"] is None
    s = report["summary"]
    assert (s["injects"], s["delivered"], s["answered"], s["unanswered"]) == (20, 2, 2, 0)
    assert report["complete"] is True
    # a reference by number links an entry from anyone
    clock.advance(60)
    assert service.deliver(ex.id, "sarf-trad") is not None
    n3 = rows(ex.id)["sarf-trad"].log_number
    e3 = log.append(actor=users["duty_officer"], incident_id=ex.incident_id, text=f"Svar på #{n3}: väghållaren larmad.")
    items = {i["id"]: i for i in after_action.after_action(viewer=control, exercise_id=ex.id)["injects"]}
    assert items["sarf-trad"]["first_response"]["ref"] == e3.number
    assert items["sarf-trad"]["first_response"]["how"] == "reference"
    assert n1 < n2 < n3 and t0 is not None


# --- recovery ----------------------------------------------------------------------------------


def test_recover_reschedules_every_undelivered_inject_and_pending_start(control: Any) -> None:
    ex = started(control)
    service.deliver(ex.id, "elnat-larm")
    later = scheduled(control, start_at=utcnow() + timedelta(hours=3))
    for job in runner.job_ids(""):
        runner.remove(job)  # the job store was lost
    count = service.recover()
    assert count == 19 + 1
    assert len(runner.job_ids(f"inject:{ex.id}:")) == 19
    assert f"inject:{ex.id}:elnat-larm" not in runner.job_ids(f"inject:{ex.id}:")
    assert runner.job_ids(f"exercise-start:{later.id}") == [f"exercise-start:{later.id}"]
    assert service.recover() == count  # idempotent


def test_coming_lists_open_exercises_soonest_first(users: dict[str, Any], control: Any) -> None:
    a = scheduled(control, start_at=utcnow() + timedelta(hours=5))
    b = scheduled(control, start_at=utcnow() + timedelta(hours=1))
    c = scheduled(control, start_at=utcnow() + timedelta(hours=2))
    service.end(actor=control, exercise_id=c.id)
    d = started(control)
    assert [e.id for e in service.coming(viewer=users["staff"])] == [b.id, a.id]
    assert d.id not in [e.id for e in service.coming(viewer=users["staff"])]
    assert service.list_exercises(viewer=users["observer"], status="ended")[0].id == c.id
    with pytest.raises(ValidationError):
        service.list_exercises(viewer=users["observer"], status="bogus")


def test_time_values_are_utc(control: Any) -> None:
    cet = timezone(timedelta(hours=1))
    local = (utcnow() + timedelta(days=30)).astimezone(cet).replace(hour=9, minute=0, second=0, microsecond=0)
    ex = scheduled(control, start_at=local)
    db.session.expire_all()
    stored = db.session.get(Exercise, ex.id).start_at
    assert stored == local and stored.utcoffset() == timedelta(0) and stored.hour == 8


def test_demo_seed_schedules_an_exercise_next_week(app: Any) -> None:
    from crisis import registry
    from crisis.auth import service as auth
    from crisis.exercises.demo import DEMO_TITLE, load_demo_exercise

    assert load_demo_exercise in registry.of(app).seed_hooks
    auth.create(username="ovning", password="correct-horse-1", role="exercise_control", display_name="Maria Ek")
    load_demo_exercise()
    ex = db.session.scalars(sa.select(Exercise).where(Exercise.title == DEMO_TITLE)).one()
    assert ex.title == DEMO_TITLE and ex.status is ExerciseStatus.SCHEDULED
    assert timedelta(hours=12) < ex.start_at - utcnow() < timedelta(days=8)
