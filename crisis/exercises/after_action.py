"""Evaluating an exercise: the responses linked to each inject (shown live in the
exercise view, `detail`), the after-action report, and the observations that
exercise control and observers write (an evaluation note, not a change to the
incident). The linking itself is pure (`crisis.exercises.evaluation`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.errors import Forbidden, ValidationError
from crisis.exercises import evaluation as ev
from crisis.exercises.models import Exercise, ExerciseForm, InjectDelivery, Observation
from crisis.exercises.schemas import inject_dict, observation_dict, to_dict
from crisis.exercises.service import (
    check_text,
    get,
    is_control,
    lock_exercise,
    may_observe,
    position_labels,
    sees_everything,
    visible_injects,
)
from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.staffing.models import Assignment, Position

MAX_OBSERVATION = 5000


def detail(*, viewer: User, exercise_id: int) -> dict[str, Any]:
    """An exercise with the injects the viewer may see, each with its linked responses."""
    ex = get(viewer=viewer, exercise_id=exercise_id)
    reveal = sees_everything(viewer, ex)
    rows = visible_injects(viewer=viewer, exercise=ex)
    evaluations = {e.inject_id: e for e in _evaluate(ex, rows)}
    out = to_dict(ex)
    out["control"] = is_control(viewer)
    out["injects"] = [dict(inject_dict(d, reveal=reveal), **_responses(evaluations.get(d.inject_id))) for d in rows]
    out["positions"] = position_labels(ex)
    return out


def _responses(e: ev.InjectEvaluation | None) -> dict[str, Any]:
    if e is None or not e.delivered:
        return {"responses": [], "response_seconds": None}
    return {
        "responses": [
            {"kind": r.kind, "ref": r.ref, "at": r.at.isoformat(), "how": r.how, "seconds": round(r.seconds, 1)}
            for r in e.responses
        ],
        "response_seconds": None if e.response_seconds is None else round(e.response_seconds, 1),
    }


def _evaluate(ex: Exercise, rows: list[InjectDelivery]) -> list[ev.InjectEvaluation]:
    injects = [ev.InjectRecord(d.inject_id, d.target_position, d.log_number, d.delivered_at) for d in rows]
    if ex.incident_id is None:
        return ev.evaluate(injects, [], [])
    from crisis.tasks.models import Task

    entries = [
        ev.EntryRecord(
            number=e.number,
            recorded_at=e.recorded_at,
            kind=e.kind.value,
            author_id=e.author_id,
            position=e.position,
            text=e.text,
        )
        for e in db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == ex.incident_id))
    ]
    tasks = [
        ev.TaskRecord(t.id, t.created_at, t.origin_log_number, t.title)
        for t in db.session.scalars(
            sa.select(Task).where(Task.incident_id == ex.incident_id, Task.origin_log_number.is_not(None))
        )
    ]
    holdings = [
        ev.Holding(a.user_id, key, a.checked_in_at, a.checked_out_at)
        for a, key in db.session.execute(
            sa.select(Assignment, Position.key)
            .join(Position, Assignment.position_id == Position.id)
            .where(Position.incident_id == ex.incident_id)
        ).all()
    ]
    # Injects never count as responses, including ones the viewer may not see yet.
    all_numbers = [
        n
        for n in db.session.scalars(
            sa.select(InjectDelivery.log_number).where(
                InjectDelivery.exercise_id == ex.id, InjectDelivery.log_number.is_not(None)
            )
        )
    ]
    extra = [ev.InjectRecord(f"__{n}", "", n, None) for n in all_numbers]
    result = ev.evaluate(injects + extra, entries, tasks, holdings)
    return result[: len(injects)]


def after_action(*, viewer: User, exercise_id: int) -> dict[str, Any]:
    """The after-action report: every inject with its time to first linked response, and observations."""
    ex = get(viewer=viewer, exercise_id=exercise_id)
    reveal = sees_everything(viewer, ex)
    rows = visible_injects(viewer=viewer, exercise=ex)
    evaluations = _evaluate(ex, rows)
    labels = position_labels(ex)
    items = []
    for d, e in zip(rows, evaluations, strict=True):
        item = inject_dict(d, reveal=reveal)
        item["target_label"] = labels.get(d.target_position, d.target_position)
        item.update(_responses(e))
        # The evaluator's judgement of the expected action; the linked responses are only hints.
        item["action_verdict"] = d.action_verdict if reveal else None
        item["action_note"] = d.action_note if reveal else None
        first = e.first
        item["first_response"] = (
            None
            if first is None
            else {"kind": first.kind, "ref": first.ref, "at": first.at.isoformat(), "how": first.how}
        )
        items.append(item)
    summary = ev.summarize(evaluations).to_dict()
    summary["note"] = (
        "Hints only: a linked log entry or task does not show that the expected action was taken; "
        "see action_verdict (the evaluator's judgement)."
    )
    return {
        "exercise": to_dict(ex),
        "summary": summary,
        "injects": items,
        "observations": [observation_dict(o) for o in observations(viewer=viewer, exercise_id=ex.id)]
        if may_read_observations(viewer, ex)
        else [],
        "complete": reveal,
    }


# --- observations --------------------------------------------------------------------------------


def may_read_observations(viewer: User, ex: Exercise) -> bool:
    return may_observe(viewer) or (has_perm(viewer, Perm.READ) and ex.is_over)


def observations(*, viewer: User, exercise_id: int) -> list[Observation]:
    ex = get(viewer=viewer, exercise_id=exercise_id)
    if not may_read_observations(viewer, ex):
        raise Forbidden(_l("Iakttagelser visas för övningsledning och observatörer tills övningen är slut."))
    return list(
        db.session.scalars(
            sa.select(Observation)
            .where(Observation.exercise_id == exercise_id)
            .order_by(Observation.created_at, Observation.id)
        )
    )


def _question(ex: Exercise, key: str) -> bool:
    from crisis.exercises.service import load_all

    sc = load_all().scenarios.get(ex.scenario_key)
    return sc is not None and any(q.key == key for q in sc.questions)


def add_observation(*, actor: User, exercise_id: int, text: str, inject: str | None = None) -> Observation:
    check(actor, Perm.READ)
    if not may_observe(actor):
        raise Forbidden(_l("Iakttagelser skrivs av övningsledning och observatörer."))
    text_v = check_text(text, "text", MAX_OBSERVATION)
    with write_transaction(db.session):
        ex = lock_exercise(exercise_id)
        if inject is not None and ex.form is not ExerciseForm.SIMULATION and _question(ex, inject):
            pass  # a note on a seminar question (the question's key)
        elif inject is not None:
            exists = db.session.scalar(
                sa.select(InjectDelivery.id).where(
                    InjectDelivery.exercise_id == ex.id, InjectDelivery.inject_id == inject
                )
            )
            if exists is None:
                raise ValidationError(_l('Övningen har inget inspel "%(inject)s".', inject=inject))
            if not sees_everything(actor, ex) and not db.session.scalar(
                sa.select(InjectDelivery.delivered_at).where(InjectDelivery.id == exists)
            ):
                raise ValidationError(_l('Inspelet "%(inject)s" har inte levererats ännu.', inject=inject))
        o = Observation(
            exercise_id=ex.id,
            inject_id=inject,
            author_id=actor.id,
            author=actor.display_name,
            text=text_v,
            created_at=utcnow(),
        )
        db.session.add(o)
    return o
