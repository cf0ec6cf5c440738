"""Running exercises: schedule, start, deliver injects, pause, resume, speed, end, ÖVNINGSSTOPP.

Every write is one transaction that also writes the exercise incident's log
and events. Scheduler jobs (the start job and one job per inject) live in
the persistent job store, which is written through its own connection, so
job changes are queued on the session and applied only after the
transaction commits. Job functions are idempotent: `deliver` checks
`delivered_at` under the write lock, so an inject is delivered once however
often its job runs; `recover` re-schedules every undelivered inject of
running exercises when a scheduler starts, so none is lost.

Who may do what: exercise control (Perm.EXERCISES: the exercise_control
role and admins) schedules and runs exercises; ÖVNINGSSTOPP may also be
given by a leader (Perm.LEAD). Observations are written by exercise control
and observers (an evaluation note, not a change to the incident). Upcoming
injects are seen by exercise control only: participants see an inject once
it is delivered; once the exercise is over everyone may read the whole
evaluation.

The exercise clock is `clock` (pure); the evaluation (responses to each
inject, the after-action report, observations) is `after_action`; the API
shapes are built in `schemas` (`to_dict`, `inject_dict`, ...).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from crisis import labels as label_tables
from crisis import record_sv
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import lock_row, utcnow, write_transaction
from crisis.enums import IncidentStatus, LogKind, Role
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.exercises.clock import due_at, scenario_minutes
from crisis.exercises.models import (
    OPEN_STATUSES,
    Exercise,
    ExerciseForm,
    ExerciseStatus,
    InjectDelivery,
)
from crisis.exercises.scenario import InjectChannel, Scenario, ScenarioLoadResult, load_scenarios
from crisis.exercises.schemas import delivered_event, to_dict
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.staffing.models import Position

_log = logging.getLogger("krisrum.exercises")

MIN_SPEED = 0.1
MAX_SPEED = 600.0
# "Start now" from a form may be a little in the past; further back is a mistake.
PAST_BOUND = timedelta(minutes=5)
FUTURE_BOUND = timedelta(days=366)
# An inject delivered more than this after its due time is flagged late
# (e.g. after the server was down).
LATE_SECONDS = 5.0
# A job that fires this much before its inject's due time (its schedule
# changed while it was already running) delivers nothing: the re-scheduled job will.
EARLY_SECONDS = 1.0
MAX_TEXT = 5000
INJECT_AUTHOR = "Övningsledning (inspel)"

START_FUNC = "crisis.exercises.jobs:start_exercise"
DELIVER_FUNC = "crisis.exercises.jobs:deliver_inject"


def start_job_id(exercise_id: int) -> str:
    return f"exercise-start:{exercise_id}"


def inject_job_id(exercise_id: int, inject_id: str) -> str:
    return f"inject:{exercise_id}:{inject_id}"


# --- who may do what --------------------------------------------------------------


def is_control(user: Any) -> bool:
    return has_perm(user, Perm.EXERCISES)


def may_stop(user: Any) -> bool:
    return has_perm(user, Perm.EXERCISES) or has_perm(user, Perm.LEAD)


def may_observe(user: Any) -> bool:
    return has_perm(user, Perm.EXERCISES) or (has_perm(user, Perm.READ) and user.role is Role.OBSERVER)


def sees_everything(user: Any, exercise: Exercise) -> bool:
    """Upcoming injects and expected actions: exercise control always, everyone once it is over."""
    return is_control(user) or exercise.is_over


# --- scenarios ------------------------------------------------------------------------


def scenario_dir() -> Path:
    return Path(current_app.config["CRISIS_PLAYBOOK_DIR"]) / "exercises"


def load_all() -> ScenarioLoadResult:
    """The scenarios that are valid against the current playbooks (file errors are reported by validate-playbooks)."""
    from crisis.playbooks import registry

    playbooks = registry.catalog().playbooks
    return load_scenarios(scenario_dir(), playbook_positions={k: p.position_keys for k, p in playbooks.items()})


def list_scenarios(*, viewer: User) -> list[Scenario]:
    check(viewer, Perm.READ)
    return list(load_all().scenarios.values())


def _scenario(key: Any) -> Scenario:
    if not isinstance(key, str) or not key.strip():
        raise ValidationError(_l("Välj ett scenario (dess nyckel)."), code="unknown_scenario")
    scenario = load_all().scenarios.get(key.strip())
    if scenario is None:
        raise ValidationError(
            _l('Okänt scenario "%(key)s"; GET /api/v1/scenarios listar dem.', key=key), code="unknown_scenario"
        )
    return scenario


# --- jobs, applied after commit (a failure is logged; `recover` re-schedules what is missing) --


def _queue_add(job_id: str, run_at: datetime, func_path: str, args: tuple[Any, ...]) -> None:
    from crisis.scheduler import runner

    runner.schedule_once_after_commit(job_id=job_id, run_at=run_at, func_path=func_path, args=args)


def _queue_remove(job_id: str) -> None:
    from crisis.scheduler import runner

    runner.remove_after_commit(job_id)


def _queue_deliveries(ex: Exercise) -> None:
    for d in _undelivered(ex.id):
        if d.due_at is not None:  # set for every inject once the exercise has started
            _queue_add(inject_job_id(ex.id, d.inject_id), d.due_at, DELIVER_FUNC, (ex.id, d.inject_id))


def _queue_removals(ex: Exercise) -> None:
    for d in deliveries(ex.id):
        _queue_remove(inject_job_id(ex.id, d.inject_id))


# --- reading ----------------------------------------------------------------------------


def _get(exercise_id: int) -> Exercise:
    ex = db.session.get(Exercise, exercise_id)
    if ex is None:
        raise NotFound(_l("Övning %(id)s finns inte.", id=exercise_id))
    return ex


def get(*, viewer: User, exercise_id: int) -> Exercise:
    check(viewer, Perm.READ)
    return _get(exercise_id)


def list_exercises(*, viewer: User, status: str | None = None) -> list[Exercise]:
    check(viewer, Perm.READ)
    stmt = sa.select(Exercise).order_by(Exercise.start_at.desc(), Exercise.id.desc())
    if status:
        try:
            stmt = stmt.where(Exercise.status == ExerciseStatus(status))
        except ValueError:
            raise ValidationError(
                _l(
                    'Okänd status "%(value)s"; välj en av: %(allowed)s.',
                    value=status,
                    allowed=", ".join(s.value for s in ExerciseStatus),
                )
            ) from None
    return list(db.session.scalars(stmt))


def coming(*, viewer: User) -> list[Exercise]:
    """Exercises scheduled and not yet started, soonest first (the start page; running ones are
    listed there as active exercise incidents)."""
    if not has_perm(viewer, Perm.READ):
        return []
    return list(
        db.session.scalars(
            sa.select(Exercise)
            .where(Exercise.status == ExerciseStatus.SCHEDULED)
            .order_by(Exercise.start_at, Exercise.id)
        )
    )


def exercise_for_incident(incident_id: int) -> Exercise | None:
    return db.session.scalar(sa.select(Exercise).where(Exercise.incident_id == incident_id))


def deliveries(exercise_id: int) -> list[InjectDelivery]:
    return list(
        db.session.scalars(
            sa.select(InjectDelivery)
            .where(InjectDelivery.exercise_id == exercise_id)
            .order_by(InjectDelivery.sort_order, InjectDelivery.id)
        )
    )


def _undelivered(exercise_id: int) -> list[InjectDelivery]:
    return [d for d in deliveries(exercise_id) if d.delivered_at is None]


def visible_injects(*, viewer: User, exercise: Exercise) -> list[InjectDelivery]:
    """Participants see delivered injects only, until the exercise is over."""
    rows = deliveries(exercise.id)
    if sees_everything(viewer, exercise):
        return rows
    return [d for d in rows if d.delivered_at is not None]


def position_labels(ex: Exercise) -> dict[str, str]:
    """key -> name of the exercise's positions: its incident's, and before it starts its playbook's
    (so no screen or record shows a position's key)."""
    from crisis.playbooks import registry

    out: dict[str, str] = {}
    try:
        out = {p.key: p.label for p in registry.get(ex.playbook_key).positions}
    except NotFound:
        pass
    out.update(_position_labels(ex.incident_id))
    return out


def _position_labels(incident_id: int | None) -> dict[str, str]:
    if incident_id is None:
        return {}
    rows = db.session.execute(sa.select(Position.key, Position.label).where(Position.incident_id == incident_id))
    return {key: label for key, label in rows.tuples()}


# --- validation ---------------------------------------------------------------------------


def _check_speed(speed: Any) -> float:
    if isinstance(speed, bool) or not isinstance(speed, (int, float)):
        raise ValidationError(_l("Hastigheten ska vara ett tal (1 = realtid, 60 = en scenariominut per sekund)."))
    value = float(speed)
    if not MIN_SPEED <= value <= MAX_SPEED:
        raise ValidationError(
            _l(
                "Hastigheten ska vara mellan %(low)s och %(high)s.",
                low=format(MIN_SPEED, "g"),
                high=format(MAX_SPEED, "g"),
            )
        )
    return value


def _check_start(start_at: Any, now: datetime) -> datetime:
    if start_at is None:
        return now
    if not isinstance(start_at, datetime):
        raise ValidationError(_l("Starttiden (start_at) måste vara datum och tid."))
    if start_at.tzinfo is None:
        raise ValidationError(
            _l(
                "%(field)s behöver en tidszon (t.ex. %(example)s).",
                field="start_at",
                example="2026-11-24T09:00:00+01:00",
            )
        )
    if start_at < now - PAST_BOUND:
        raise ValidationError(_l("Starttiden (start_at) har redan passerat."), code="start_in_past")
    if start_at > now + FUTURE_BOUND:
        raise ValidationError(_l("Starttiden (start_at) ligger mer än ett år fram i tiden."))
    return start_at


def check_text(value: Any, field: str, limit: int, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError(_l("Fältet %(field)s är tomt.", field=label_tables.field(field)))
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(
            _l("%(field)s är längre än %(limit)s tecken.", field=label_tables.field(field), limit=limit)
        )
    return value or None


# --- locking ------------------------------------------------------------------------------


def lock_exercise(exercise_id: int) -> Exercise:
    ex = lock_row(db.session, Exercise, exercise_id)
    if ex is None:
        raise NotFound(_l("Övning %(id)s finns inte.", id=exercise_id))
    return ex


def _lock_incident(ex: Exercise) -> Incident | None:
    if ex.incident_id is None:
        return None
    return events.lock_incident(incident_id=ex.incident_id, allow_closed=True)


def _require_status(ex: Exercise, *allowed: ExerciseStatus, action: Any) -> None:
    if ex.status not in allowed:
        raise Conflict(
            _l(
                "Övningen har status %(status)s och kan inte %(action)s.",
                status=label_tables.EXERCISE_STATUSES[ex.status.value],
                action=action,
            ),
            code="exercise_state",
        )


def _announce(ex: Exercise, incident: Incident | None, actor: User | None, **extra: Any) -> None:
    if incident is not None:
        events.append_event(
            incident=incident,
            type="exercise.updated",
            actor=actor.username if actor else None,
            data=dict(to_dict(ex), **extra),
        )


# --- scheduling and starting -----------------------------------------------------------------


def schedule(
    *, actor: User, scenario: str, start_at: datetime | None = None, speed: Any = 1.0, title: str | None = None
) -> Exercise:
    """Schedule an exercise of a scenario; it starts at `start_at` by a scheduler job (or by start now)."""
    check(actor, Perm.EXERCISES)
    now = utcnow()
    sc = _scenario(scenario)
    start = _check_start(start_at, now)
    speed_v = _check_speed(speed)
    title_v = check_text(title, "title", 200, required=False) or sc.title
    with write_transaction(db.session):
        ex = Exercise(
            scenario_key=sc.key,
            form=ExerciseForm(sc.form.value),
            title=title_v,
            playbook_key=sc.playbook,
            duration_minutes=sc.duration_minutes,
            start_at=start,
            speed=speed_v,
            status=ExerciseStatus.SCHEDULED,
            created_by_id=actor.id,
            created_at=now,
        )
        db.session.add(ex)
        db.session.flush()
        for order, inj in enumerate(sc.injects):
            db.session.add(
                InjectDelivery(
                    exercise_id=ex.id,
                    inject_id=inj.id,
                    sort_order=order,
                    offset_minutes=inj.offset_minutes,
                    sender=inj.sender,
                    channel=inj.channel.value,
                    text=inj.text,
                    target_position=inj.target_position,
                    expected_action=inj.expected_action,
                    due_at=due_at(ex, inj.offset_minutes),
                )
            )
        from crisis.exercises.evaluations import copy_objectives

        copy_objectives(ex, sc)
        _queue_add(start_job_id(ex.id), start, START_FUNC, (ex.id,))
    _log.info("exercise %s (%s) scheduled for %s by %s", ex.id, sc.key, start.isoformat(), actor.username)
    return ex


def start(*, actor: User, exercise_id: int) -> Exercise:
    """Start now (exercise control), whatever the scheduled time."""
    check(actor, Perm.EXERCISES)
    return _start(actor, exercise_id)


def start_scheduled(exercise_id: int) -> Exercise | None:
    """The start job: start the exercise in the name of whoever scheduled it, unless already started."""
    ex = db.session.get(Exercise, exercise_id)
    if ex is None or ex.status is not ExerciseStatus.SCHEDULED:
        return None
    actor = db.session.get(User, ex.created_by_id) if ex.created_by_id else None
    if actor is None:
        _log.error("exercise %s has no creator to start it as", exercise_id)
        return None
    try:
        return _start(actor, exercise_id)
    except Conflict:
        return None  # started meanwhile (start now): nothing to do


def _start(actor: User, exercise_id: int) -> Exercise:
    from crisis.playbooks.activation import activate_locked

    with write_transaction(db.session):
        ex = lock_exercise(exercise_id)
        _require_status(ex, ExerciseStatus.SCHEDULED, action=_l("startas"))
        incident = activate_locked(
            actor=actor,
            playbook_key=ex.playbook_key,
            title=ex.title,
            context=record_sv.exercise_context(title=ex.title, control=actor.display_name),
            mode="exercise",
        )
        now = utcnow()
        ex.incident_id = incident.id
        ex.status = ExerciseStatus.RUNNING
        ex.started_at = now
        ex.clock_at = now
        ex.clock_minutes = 0.0
        for d in deliveries(ex.id):
            d.due_at = due_at(ex, d.offset_minutes)
        log.system_entry(
            incident=incident, actor=actor, text=(record_sv.exercise_started(title=ex.title, speed=ex.speed))
        )
        _announce(ex, incident, actor)
        _queue_remove(start_job_id(ex.id))
        _queue_deliveries(ex)
    _log.info("exercise %s started, incident %s", ex.id, ex.incident_id)
    return ex


# --- delivering injects -------------------------------------------------------------------------


def deliver(exercise_id: int, inject_id: str) -> InjectDelivery | None:
    """The inject job: deliver one inject if its exercise runs and it is not delivered yet. Idempotent."""
    with write_transaction(db.session):
        try:
            ex = lock_exercise(exercise_id)
        except NotFound:
            return None
        if ex.status is not ExerciseStatus.RUNNING or ex.incident_id is None:
            return None
        incident = events.lock_incident(incident_id=ex.incident_id, allow_closed=True)
        if incident.status is IncidentStatus.CLOSED:
            return None
        d = db.session.scalar(
            sa.select(InjectDelivery)
            .where(InjectDelivery.exercise_id == exercise_id, InjectDelivery.inject_id == inject_id)
            .execution_options(populate_existing=True)
        )
        if d is None or d.delivered_at is not None:
            return None
        now = utcnow()
        if d.due_at is not None and now < d.due_at - timedelta(seconds=EARLY_SECONDS):
            return None  # re-scheduled for later (pause, speed); that job delivers it
        _deliver_locked(ex, incident, d, now)
    return d


def _deliver_locked(ex: Exercise, incident: Incident, d: InjectDelivery, now: datetime) -> None:
    labels = _position_labels(incident.id)
    target = labels.get(d.target_position, d.target_position)
    channel = record_sv.inject_channel(d.channel)
    entry = log.write_entry(
        incident=incident,
        actor=None,
        kind=LogKind.INCOMING,
        author=INJECT_AUTHOR,
        counterpart=d.sender[:200],
        text=f"ÖVNING – Inspel via {channel} till {target}: {d.text}",
    )
    d.delivered_at = now
    d.log_number = entry.number
    d.late = d.due_at is not None and (now - d.due_at).total_seconds() > LATE_SECONDS
    events.append_event(incident=incident, type="inject.delivered", actor=None, data=delivered_event(ex, d, target))


def add_inject(
    *,
    actor: User,
    exercise_id: int,
    sender: str,
    channel: str,
    text: str,
    target_position: str,
    expected_action: str | None = None,
) -> InjectDelivery:
    """An ad-hoc inject: written by exercise control during the exercise and delivered at once."""
    check(actor, Perm.EXERCISES)
    sender_v = check_text(sender, "sender", 200)
    text_v = check_text(text, "text", MAX_TEXT)
    expected_v = check_text(expected_action, "expected_action", MAX_TEXT, required=False)
    try:
        channel_v = InjectChannel(channel)
    except ValueError:
        raise ValidationError(
            _l(
                'Okänd kanal "%(value)s"; välj en av: %(allowed)s.',
                value=channel,
                allowed=", ".join(c.value for c in InjectChannel),
            )
        ) from None
    with write_transaction(db.session):
        ex = lock_exercise(exercise_id)
        _require_status(ex, ExerciseStatus.RUNNING, ExerciseStatus.PAUSED, action=_l("få ett inspel"))
        incident = _lock_incident(ex)
        assert incident is not None
        if target_position not in _position_labels(incident.id):
            raise ValidationError(_l('Övningens händelse har ingen funktion "%(position)s".', position=target_position))
        now = utcnow()
        count = (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(InjectDelivery)
                .where(InjectDelivery.exercise_id == ex.id, InjectDelivery.adhoc.is_(True))
            )
            or 0
        )
        last = (
            db.session.scalar(
                sa.select(sa.func.max(InjectDelivery.sort_order)).where(InjectDelivery.exercise_id == ex.id)
            )
            or 0
        )
        d = InjectDelivery(
            exercise_id=ex.id,
            inject_id=f"adhoc-{count + 1}",
            sort_order=last + 1,
            adhoc=True,
            offset_minutes=round(scenario_minutes(ex, now), 2),
            sender=sender_v,
            channel=channel_v.value,
            text=text_v,
            target_position=target_position,
            expected_action=expected_v,
            due_at=now,
            created_by_id=actor.id,
        )
        db.session.add(d)
        db.session.flush()
        _deliver_locked(ex, incident, d, now)
    return d


# --- pause, resume, speed ----------------------------------------------------------------------


def pause(*, actor: User, exercise_id: int) -> Exercise:
    check(actor, Perm.EXERCISES)
    with write_transaction(db.session):
        ex = lock_exercise(exercise_id)
        _require_status(ex, ExerciseStatus.RUNNING, action=_l("pausas"))
        incident = _lock_incident(ex)
        now = utcnow()
        ex.clock_minutes = scenario_minutes(ex, now)
        ex.clock_at = now
        ex.paused_at = now
        ex.status = ExerciseStatus.PAUSED
        _queue_removals(ex)
        if incident is not None:
            log.system_entry(incident=incident, actor=actor, text=f"ÖVNING pausad av {actor.display_name}.")
        _announce(ex, incident, actor)
    return ex


def resume(*, actor: User, exercise_id: int) -> Exercise:
    check(actor, Perm.EXERCISES)
    with write_transaction(db.session):
        ex = lock_exercise(exercise_id)
        _require_status(ex, ExerciseStatus.PAUSED, action=_l("återupptas"))
        incident = _lock_incident(ex)
        now = utcnow()
        if ex.paused_at is not None:
            ex.total_paused += max(0.0, (now - ex.paused_at).total_seconds())
        ex.paused_at = None
        ex.clock_at = now
        ex.status = ExerciseStatus.RUNNING
        for d in _undelivered(ex.id):
            d.due_at = due_at(ex, d.offset_minutes)
        _queue_deliveries(ex)
        if incident is not None:
            log.system_entry(incident=incident, actor=actor, text=f"ÖVNING återupptagen av {actor.display_name}.")
        _announce(ex, incident, actor)
    return ex


def set_speed(*, actor: User, exercise_id: int, speed: Any) -> Exercise:
    """Change the speed; scenario time already passed stays passed, the rest runs at the new speed."""
    check(actor, Perm.EXERCISES)
    speed_v = _check_speed(speed)
    with write_transaction(db.session):
        ex = lock_exercise(exercise_id)
        _require_status(ex, *OPEN_STATUSES, action=_l("få en ny hastighet"))
        incident = _lock_incident(ex)
        now = utcnow()
        if ex.status is ExerciseStatus.RUNNING:
            ex.clock_minutes = scenario_minutes(ex, now)
            ex.clock_at = now
        ex.speed = speed_v
        if ex.status is not ExerciseStatus.PAUSED:
            for d in _undelivered(ex.id):
                d.due_at = due_at(ex, d.offset_minutes)
        if ex.status is ExerciseStatus.RUNNING:
            _queue_deliveries(ex)
        if incident is not None:
            log.system_entry(
                incident=incident,
                actor=actor,
                text=f"ÖVNING: hastigheten ändrad till {speed_v:g}× av {actor.display_name}.",
            )
        _announce(ex, incident, actor)
    return ex


# --- end and ÖVNINGSSTOPP ------------------------------------------------------------------------


def _finish(ex: Exercise, incident: Incident | None, actor: User, status: ExerciseStatus) -> None:
    now = utcnow()
    if ex.status is ExerciseStatus.RUNNING:
        ex.clock_minutes = scenario_minutes(ex, now)
        ex.clock_at = now
    if ex.paused_at is not None:
        ex.total_paused += max(0.0, (now - ex.paused_at).total_seconds())
        ex.paused_at = None
    ex.status = status
    ex.ended_at = now
    ex.ended_by = actor.display_name
    _queue_removals(ex)
    _queue_remove(start_job_id(ex.id))


def end(*, actor: User, exercise_id: int) -> Exercise:
    """End as planned (or cancel a scheduled one): no more injects; the exercise incident is closed."""
    check(actor, Perm.EXERCISES)
    with write_transaction(db.session):
        ex = lock_exercise(exercise_id)
        _require_status(ex, *OPEN_STATUSES, action=_l("avslutas"))
        incident = _lock_incident(ex)
        _finish(ex, incident, actor, ExerciseStatus.ENDED)
        if incident is not None:
            log.system_entry(
                incident=incident, actor=actor, text=f"ÖVNING avslutad av {actor.display_name}. Inga fler inspel."
            )
            _announce(ex, incident, actor)
            incidents.close_locked(
                incident=incident, actor=actor, text="ÖVNING: övningshändelsen stängs när övningen avslutas."
            )
    return ex


def stop(*, actor: User, exercise_id: int, reason: str | None = None) -> Exercise:
    """ÖVNINGSSTOPP: halt at once, log it, and tell every open page of the exercise incident."""
    if not may_stop(actor):
        check(actor, Perm.EXERCISES)  # the right 401/403
    reason_v = check_text(reason, "reason", 1000, required=False)
    with write_transaction(db.session):
        ex = lock_exercise(exercise_id)
        _require_status(ex, *OPEN_STATUSES, action=_l("stoppas"))
        incident = _lock_incident(ex)
        _finish(ex, incident, actor, ExerciseStatus.STOPPED)
        ex.stop_reason = reason_v
        if incident is not None:
            why = f" Skäl: {reason_v}" if reason_v else ""
            log.write_entry(
                incident=incident,
                actor=actor,
                kind=LogKind.DECISION,
                text=f"ÖVNINGSSTOPP – övningen avbryts omedelbart.{why} "
                "Alla deltagare avbryter övningsverksamheten och inväntar besked.",
                decided_by=actor.display_name,
                mandate="Övningsstopp (övningsledning/krisledning)",
            )
            _announce(ex, incident, actor, stop=True)
            incidents.close_locked(
                incident=incident, actor=actor, text="ÖVNING: övningshändelsen stängs efter ÖVNINGSSTOPP."
            )
    _log.warning("ÖVNINGSSTOPP for exercise %s by %s", exercise_id, actor.username)
    return ex


# --- recovery ------------------------------------------------------------------------------------


def recover() -> int:
    """Re-schedule the jobs of every open exercise (scheduler start). Returns how many jobs.

    Undelivered injects of running exercises get their job again (a past
    due time runs at once and is flagged late); scheduled exercises get their
    start job. Replacing an existing job is harmless: the jobs are idempotent.
    """
    from crisis.scheduler import runner

    jobs: list[tuple[str, datetime, str, tuple[Any, ...]]] = []
    for ex in db.session.scalars(
        sa.select(Exercise).where(Exercise.status.in_((ExerciseStatus.SCHEDULED, ExerciseStatus.RUNNING)))
    ):
        if ex.status is ExerciseStatus.SCHEDULED:
            jobs.append((start_job_id(ex.id), ex.start_at, START_FUNC, (ex.id,)))
        else:
            jobs += [
                (inject_job_id(ex.id, d.inject_id), d.due_at, DELIVER_FUNC, (ex.id, d.inject_id))
                for d in _undelivered(ex.id)
                if d.due_at is not None
            ]
    db.session.rollback()
    for job_id, run_at, func_path, args in jobs:
        try:
            runner.schedule_once(job_id=job_id, run_at=run_at, func_path=func_path, args=args)
        except Exception:
            _log.exception("exercise recovery could not re-schedule %s", job_id)
    if jobs:
        _log.info("exercise recovery re-scheduled %d job(s)", len(jobs))
    return len(jobs)
