"""Evaluation (utvärdering) of an exercise or of a real incident: one model, one service.

The subject is either an exercise (``exercise_id``) or a real incident (``incident_id``):

* objectives: an exercise's övningsmål (copied from the scenario when it is scheduled) or,
  for a real incident, the evaluation questions the evaluator writes; each judged met /
  partly / not met with evidence text and optional log numbers;
* the injects' expected actions, judged done / partly / not done (exercises only); the time
  to the first linked response (``crisis.exercises.evaluation``) is shown only as a hint;
* hot wash (direkt-återkoppling): what worked, what did not and why, from any participant
  once the exercise is over or the incident is standing down or closed;
* the report: iakttagelser -> slutsatser -> rekommendationer; a recommendation with owner
  and deadline is the action plan and becomes a lesson (crisis.lessons) in one step;
* for a real incident, the evidence gathered from its log, decisions, reports and tasks.

Evaluators: exercise control, leaders and observers. Lessons are made by exercise control
or a leader. ``summary_for_year`` serves the yearly follow-up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.enums import IncidentStatus, LogKind, Role
from crisis.errors import Forbidden, NotFound, ValidationError
from crisis.exercises.models import (
    ActionVerdict,
    EvaluationObjective,
    Exercise,
    ExerciseForm,
    Finding,
    FindingKind,
    HotWashEntry,
    InjectDelivery,
    Observation,
    Verdict,
)
from crisis.exercises.scenario import Scenario
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.incidents.service import existing as existing_incident
from crisis.parsing import day_value, enum_value, text_value

TZ = ZoneInfo("Europe/Stockholm")
MAX_TEXT = 5000
MAX_REFS = 50
EVIDENCE_ROWS = 25
HOT_WASH_STATUSES = (IncidentStatus.STANDING_DOWN, IncidentStatus.CLOSED)


# --- who -----------------------------------------------------------------------------------------


def may_evaluate(user: Any) -> bool:
    """Exercise control, a leader, or an observer judges objectives and writes findings."""
    return (
        has_perm(user, Perm.EXERCISES)
        or has_perm(user, Perm.LEAD)
        or (has_perm(user, Perm.READ) and user.role is Role.OBSERVER)
    )


def may_make_lessons(user: Any) -> bool:
    return has_perm(user, Perm.EXERCISES) or has_perm(user, Perm.LEAD)


# --- the subject ---------------------------------------------------------------------------------


class Subject:
    """An exercise or a real incident, and the column that filters its rows."""

    def __init__(self, exercise: Exercise | None = None, incident: Incident | None = None) -> None:
        assert (exercise is None) != (incident is None)
        self.exercise = exercise
        self.incident = incident

    @property
    def ids(self) -> dict[str, int | None]:
        return {
            "exercise_id": self.exercise.id if self.exercise else None,
            "incident_id": self.incident.id if self.incident else None,
        }

    def where(self, model: Any) -> Any:
        if self.exercise is not None:
            return model.exercise_id == self.exercise.id
        assert self.incident is not None
        return model.incident_id == self.incident.id

    @property
    def is_over(self) -> bool:
        if self.exercise is not None:
            return self.exercise.is_over
        assert self.incident is not None
        return self.incident.status in HOT_WASH_STATUSES


def subject(*, viewer: User, exercise_id: int | None = None, incident_id: int | None = None) -> Subject:
    check(viewer, Perm.READ)
    if (exercise_id is None) == (incident_id is None):
        raise ValidationError(_l("Ange en övning eller en händelse."))
    if exercise_id is not None:
        ex = db.session.get(Exercise, exercise_id)
        if ex is None:
            raise NotFound(_l("Övning %(id)s finns inte.", id=exercise_id))
        return Subject(exercise=ex)
    assert incident_id is not None
    incident = existing_incident(incident_id)
    if incident.is_exercise:
        raise ValidationError(
            _l("Händelse %(id)s är en övningshändelse; utvärdera övningen i stället.", id=incident_id),
            code="exercise_incident",
        )
    return Subject(incident=incident)


# --- checks ----------------------------------------------------------------------------------------


def _refs(value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_REFS:
        raise ValidationError(_l("Dagboksposterna anges som en lista med högst %(n)s nummer.", n=MAX_REFS))
    out: list[int] = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValidationError(_l("Ett dagbokspostnummer är ett heltal större än noll."))
        if v not in out:
            out.append(v)
    return out


def _require_standing_down(s: Subject) -> None:
    """A real incident is evaluated once it stands down or is closed (an exercise at any time)."""
    if s.incident is not None and not s.is_over:
        raise ValidationError(
            _l("En händelse utvärderas när den avvecklas eller är avslutad."), code="not_standing_down"
        )


def _require_evaluator(actor: User) -> None:
    check(actor, Perm.READ)
    if not may_evaluate(actor):
        raise Forbidden(_l("Utvärderingen skrivs av övningsledning, ledare och observatörer."))


# --- objectives --------------------------------------------------------------------------------


def copy_objectives(exercise: Exercise, scenario: Scenario) -> None:
    """At scheduling (inside its transaction): the scenario's objectives become the exercise's."""
    for o in scenario.objectives:
        db.session.add(EvaluationObjective(exercise_id=exercise.id, key=o.key, text=o.text, evidence="", log_refs=[]))


def objectives(s: Subject) -> list[EvaluationObjective]:
    return list(
        db.session.scalars(
            sa.select(EvaluationObjective).where(s.where(EvaluationObjective)).order_by(EvaluationObjective.id)
        )
    )


def add_question(*, actor: User, incident_id: int, text: str) -> EvaluationObjective:
    """A real incident's evaluation question (utvärderingsfråga), judged like an objective."""
    _require_evaluator(actor)
    s = subject(viewer=actor, incident_id=incident_id)
    _require_standing_down(s)
    text_v = text_value(text, "text", MAX_TEXT, required=True)
    with write_transaction(db.session):
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(EvaluationObjective).where(s.where(EvaluationObjective))
        )
        row = EvaluationObjective(
            incident_id=incident_id, key=f"q{(count or 0) + 1}", text=text_v, evidence="", log_refs=[]
        )
        db.session.add(row)
    return row


def judge_objective(
    *,
    actor: User,
    key: str,
    verdict: Any,
    evidence: Any = "",
    log_refs: Any = None,
    exercise_id: int | None = None,
    incident_id: int | None = None,
) -> EvaluationObjective:
    """Met / partly / not met, with the evidence (text and optional log numbers)."""
    _require_evaluator(actor)
    s = subject(viewer=actor, exercise_id=exercise_id, incident_id=incident_id)
    _require_standing_down(s)
    verdict_v = enum_value(Verdict, verdict, "verdict").value
    evidence_v = text_value(evidence, "evidence", MAX_TEXT, required=verdict_v != Verdict.MET)
    refs = _refs(log_refs)
    with write_transaction(db.session):
        row = db.session.scalar(
            sa.select(EvaluationObjective)
            .where(s.where(EvaluationObjective), EvaluationObjective.key == key)
            .with_for_update()
        )
        if row is None:
            raise NotFound(_l('Målet eller frågan "%(key)s" finns inte i utvärderingen.', key=key))
        row.verdict = verdict_v
        row.evidence = evidence_v
        row.log_refs = refs
        row.judged_by = actor.display_name
        row.judged_at = utcnow()
    return row


# --- injects ------------------------------------------------------------------------------------------


def judge_inject(*, actor: User, exercise_id: int, inject_id: str, verdict: Any, note: Any = "") -> InjectDelivery:
    """The evaluator's judgement of one inject's expected action: done / partly / not done."""
    _require_evaluator(actor)
    s = subject(viewer=actor, exercise_id=exercise_id)
    verdict_v = enum_value(ActionVerdict, verdict, "verdict").value
    note_v = text_value(note, "note", MAX_TEXT)
    with write_transaction(db.session):
        row = db.session.scalar(
            sa.select(InjectDelivery)
            .where(s.where(InjectDelivery), InjectDelivery.inject_id == inject_id)
            .with_for_update()
        )
        if row is None:
            raise NotFound(_l('Övningen har inget inspel "%(inject)s".', inject=inject_id))
        if row.delivered_at is None:
            raise ValidationError(_l('Inspelet "%(inject)s" har inte levererats.', inject=inject_id))
        row.action_verdict = verdict_v
        row.action_note = note_v
        row.judged_by = actor.display_name
    return row


# --- hot wash -------------------------------------------------------------------------------------------


def add_hot_wash(
    *,
    actor: User,
    worked: Any = "",
    did_not_work: Any = "",
    why: Any = "",
    position: Any = "",
    exercise_id: int | None = None,
    incident_id: int | None = None,
) -> HotWashEntry:
    """A participant's direkt-återkoppling, once the exercise is over or the incident stands down."""
    s = subject(viewer=actor, exercise_id=exercise_id, incident_id=incident_id)
    if not s.is_over:
        raise ValidationError(
            _l("Direkt-återkoppling lämnas när övningen är slut eller händelsen avvecklas."), code="not_over"
        )
    worked_v = text_value(worked, "worked", MAX_TEXT)
    not_v = text_value(did_not_work, "did_not_work", MAX_TEXT)
    why_v = text_value(why, "why", MAX_TEXT)
    position_v = text_value(position, "position", 200)
    if not (worked_v or not_v or why_v):
        raise ValidationError(_l("Skriv vad som fungerade, vad som inte fungerade eller varför."))
    with write_transaction(db.session):
        entry = HotWashEntry(
            **s.ids,
            author_id=actor.id,
            author=actor.display_name,
            position=position_v,
            worked=worked_v,
            did_not_work=not_v,
            why=why_v,
            created_at=utcnow(),
        )
        db.session.add(entry)
    return entry


def hot_wash(s: Subject) -> list[HotWashEntry]:
    return list(
        db.session.scalars(
            sa.select(HotWashEntry).where(s.where(HotWashEntry)).order_by(HotWashEntry.created_at, HotWashEntry.id)
        )
    )


# --- findings and lessons ---------------------------------------------------------------------------


def add_finding(
    *,
    actor: User,
    kind: Any,
    text: Any,
    based_on: int | None = None,
    owner: Any = "",
    deadline: Any = None,
    exercise_id: int | None = None,
    incident_id: int | None = None,
) -> Finding:
    """An observation, a conclusion (based on observations) or a recommendation (owner, deadline)."""
    _require_evaluator(actor)
    s = subject(viewer=actor, exercise_id=exercise_id, incident_id=incident_id)
    _require_standing_down(s)
    kind_v = enum_value(FindingKind, kind, "kind").value
    text_v = text_value(text, "text", MAX_TEXT, required=True)
    owner_v = text_value(owner, "owner", 200)
    when = day_value(deadline, "deadline")
    if kind_v != FindingKind.RECOMMENDATION and (owner_v or when):
        raise ValidationError(_l("Ansvarig och sista dag hör till en rekommendation (åtgärdsplanen)."))
    with write_transaction(db.session):
        if based_on is not None:
            base = db.session.get(Finding, based_on)
            if base is None or (base.exercise_id, base.incident_id) != (s.ids["exercise_id"], s.ids["incident_id"]):
                raise ValidationError(_l("Det som rekommendationen bygger på finns inte i denna utvärdering."))
        f = Finding(
            **s.ids,
            kind=kind_v,
            text=text_v,
            based_on_id=based_on,
            owner=owner_v,
            deadline=when,
            created_by=actor.display_name,
            created_at=utcnow(),
        )
        db.session.add(f)
    return f


def findings(s: Subject) -> list[Finding]:
    return list(db.session.scalars(sa.select(Finding).where(s.where(Finding)).order_by(Finding.id)))


def make_lesson(*, actor: User, finding_id: int) -> Finding:
    """One step: the recommendation becomes a lesson, linked both ways."""
    check(actor, Perm.READ)
    if not may_make_lessons(actor):
        raise Forbidden(_l("Erfarenheter skapas av övningsledning eller en ledare."))
    from crisis.lessons import service as lessons

    f = db.session.get(Finding, finding_id)
    if f is None:
        raise NotFound(_l("Rekommendation %(id)s finns inte.", id=finding_id))
    if f.kind != FindingKind.RECOMMENDATION:
        raise ValidationError(_l("Bara en rekommendation blir en erfarenhet."))
    if f.lesson_id is not None:
        raise ValidationError(_l("Rekommendationen är redan erfarenhet %(id)s.", id=f.lesson_id), code="already_lesson")
    base = db.session.get(Finding, f.based_on_id) if f.based_on_id else None
    lesson = lessons.create(
        actor=actor,
        observation=base.text if base else f.text,
        recommendation=f.text,
        owner=f.owner or None,
        deadline=f.deadline.isoformat() if f.deadline else None,
        incident_id=f.incident_id,
        exercise_id=f.exercise_id,
    )
    with write_transaction(db.session):
        row = db.session.scalar(sa.select(Finding).where(Finding.id == finding_id).with_for_update())
        assert row is not None
        row.lesson_id = lesson.id
    return row


def lesson_origin(lesson_id: int) -> dict[str, Any] | None:
    """Where a lesson came from: the recommendation of an exercise or incident evaluation."""
    f = db.session.scalar(sa.select(Finding).where(Finding.lesson_id == lesson_id))
    if f is None:
        return None
    return {"finding": f.id, "exercise": f.exercise_id, "incident": f.incident_id, "text": f.text}


# --- evidence from a real incident -------------------------------------------------------------------


def evidence(incident: Incident) -> dict[str, Any]:
    """Counts and excerpts from the incident's log, decisions, reports and tasks."""
    from crisis.decisions.models import Decision
    from crisis.log.models import LogEntry
    from crisis.reports.models import Report
    from crisis.tasks.models import Task

    def count(model: Any, *where: Any) -> int:
        return int(
            db.session.scalar(
                sa.select(sa.func.count()).select_from(model).where(model.incident_id == incident.id, *where)
            )
            or 0
        )

    entries = db.session.scalars(
        sa.select(LogEntry).where(LogEntry.incident_id == incident.id).order_by(LogEntry.number)
    ).all()
    first = entries[0].recorded_at if entries else None
    last = entries[-1].recorded_at if entries else None
    timeline = [
        {"number": e.number, "at": e.recorded_at.isoformat(), "kind": e.kind.value, "text": _excerpt(e.text)}
        for e in entries
        if e.kind in (LogKind.DECISION, LogKind.STATUS, LogKind.SYSTEM)
    ][:EVIDENCE_ROWS]
    decisions = [
        {"number": d.number, "title": d.title, "decided_by": d.decided_by}
        for d in db.session.scalars(
            sa.select(Decision)
            .where(Decision.incident_id == incident.id)
            .order_by(Decision.number)
            .limit(EVIDENCE_ROWS)
        )
    ]
    reports = [
        {"number": r.number, "status": r.status.value}
        for r in db.session.scalars(
            sa.select(Report).where(Report.incident_id == incident.id).order_by(Report.number).limit(EVIDENCE_ROWS)
        )
    ]
    return {
        "incident": incident.id,
        "log_entries": sum(1 for e in entries if e.kind is not LogKind.SYSTEM),
        "system_entries": sum(1 for e in entries if e.kind is LogKind.SYSTEM),
        "decisions": count(Decision),
        "reports": count(Report),
        "tasks": count(Task),
        "first_entry_at": first.isoformat() if first else None,
        "last_entry_at": last.isoformat() if last else None,
        "decision_list": decisions,
        "report_list": reports,
        "timeline": timeline,
    }


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the whole evaluation ---------------------------------------------------------------------------------


def objective_dict(o: EvaluationObjective) -> dict[str, Any]:
    return {
        "key": o.key,
        "text": o.text,
        "verdict": o.verdict,
        "evidence": o.evidence,
        "log_refs": list(o.log_refs or []),
        "judged_by": o.judged_by,
        "judged_at": o.judged_at.isoformat() if o.judged_at else None,
    }


def hot_wash_dict(h: HotWashEntry) -> dict[str, Any]:
    return {
        "id": h.id,
        "author": h.author,
        "position": h.position,
        "worked": h.worked,
        "did_not_work": h.did_not_work,
        "why": h.why,
        "created_at": h.created_at.isoformat(),
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "kind": f.kind,
        "text": f.text,
        "based_on": f.based_on_id,
        "owner": f.owner,
        "deadline": f.deadline.isoformat() if f.deadline else None,
        "lesson": f.lesson_id,
        "created_by": f.created_by,
        "created_at": f.created_at.isoformat(),
    }


def counts(rows: list[EvaluationObjective]) -> dict[str, int]:
    out = {"met": 0, "partly": 0, "not_met": 0, "unjudged": 0}
    for o in rows:
        out[o.verdict or "unjudged"] += 1
    return out


def report(*, viewer: User, exercise_id: int | None = None, incident_id: int | None = None) -> dict[str, Any]:
    """The evaluation: objectives, judged injects, seminar notes, hot wash, findings, evidence."""
    s = subject(viewer=viewer, exercise_id=exercise_id, incident_id=incident_id)
    if not (may_evaluate(viewer) or s.is_over):
        raise Forbidden(_l("Utvärderingen visas för utvärderare tills övningen är slut."))
    objs = objectives(s)
    rows = findings(s)
    out: dict[str, Any] = {
        "exercise": s.exercise.id if s.exercise else None,
        "incident": s.incident.id if s.incident else s.exercise.incident_id if s.exercise else None,
        "form": s.exercise.form.value if s.exercise else None,
        "evaluator": may_evaluate(viewer),
        "may_make_lessons": may_make_lessons(viewer),
        "objectives": [objective_dict(o) for o in objs],
        "objective_counts": counts(objs),
        "hot_wash": [hot_wash_dict(h) for h in hot_wash(s)],
        "observations": [finding_dict(f) for f in rows if f.kind == FindingKind.OBSERVATION],
        "conclusions": [finding_dict(f) for f in rows if f.kind == FindingKind.CONCLUSION],
        "recommendations": [finding_dict(f) for f in rows if f.kind == FindingKind.RECOMMENDATION],
        "injects": [],
        "questions": [],
        "evidence": evidence(s.incident) if s.incident else None,
    }
    if s.exercise is not None:
        out["injects"] = _judged_injects(viewer, s.exercise)
        out["questions"] = _questions(s.exercise)
    return out


def _judged_injects(viewer: User, ex: Exercise) -> list[dict[str, Any]]:
    from crisis.exercises.after_action import _evaluate
    from crisis.exercises.service import visible_injects

    rows = [d for d in visible_injects(viewer=viewer, exercise=ex) if d.delivered_at is not None]
    hints = {e.inject_id: e for e in _evaluate(ex, rows)}
    out = []
    for d in rows:
        hint = hints.get(d.inject_id)
        out.append(
            {
                "id": d.inject_id,
                "log_number": d.log_number,
                "target_position": d.target_position,
                "expected_action": d.expected_action,
                "verdict": d.action_verdict,
                "note": d.action_note or "",
                "judged_by": d.judged_by,
                # A hint only: the first entry by the target position or referring to the inject.
                "hint_first_response_seconds": None
                if hint is None or hint.response_seconds is None
                else round(hint.response_seconds, 1),
            }
        )
    return out


def _questions(ex: Exercise) -> list[dict[str, Any]]:
    """A seminar's questions in order, each with the notes recorded against it (observations)."""
    from crisis.exercises.service import load_all

    sc = load_all().scenarios.get(ex.scenario_key)
    if sc is None or not sc.questions:
        return []
    notes: dict[str, list[dict[str, Any]]] = {}
    for o in db.session.scalars(
        sa.select(Observation).where(Observation.exercise_id == ex.id).order_by(Observation.created_at, Observation.id)
    ):
        if o.inject_id:
            notes.setdefault(o.inject_id, []).append(
                {"author": o.author, "text": o.text, "at": o.created_at.isoformat()}
            )
    return [{"key": q.key, "text": q.text, "notes": q.notes, "answers": notes.get(q.key, [])} for q in sc.questions]


# --- the yearly follow-up ----------------------------------------------------------------------------------


def summary_for_year(year: int) -> list[dict[str, Any]]:
    """Every exercise started (or, if never started, scheduled) in ``year`` and every real-incident
    evaluation of an incident created that year: id, title, form, start, objective counts,
    recommendations and lessons created. For the yearly follow-up (no role check: the caller's)."""
    lo = datetime(year, 1, 1, tzinfo=TZ)
    hi = datetime(year + 1, 1, 1, tzinfo=TZ)
    out: list[dict[str, Any]] = []
    for ex in db.session.scalars(sa.select(Exercise).order_by(Exercise.start_at, Exercise.id)):
        start = ex.started_at or ex.start_at
        if not (lo <= start < hi) or ex.status.value == "scheduled":
            continue
        out.append(_summary_row(Subject(exercise=ex), "exercise", ex.id, ex.title, ex.form.value, start))
    incident_ids = {
        i
        for model in (EvaluationObjective, Finding, HotWashEntry)
        for i in db.session.scalars(sa.select(model.incident_id).where(model.incident_id.is_not(None)))
    }
    for inc in db.session.scalars(sa.select(Incident).where(Incident.id.in_(incident_ids)).order_by(Incident.id)):
        if lo <= inc.created_at < hi:
            out.append(_summary_row(Subject(incident=inc), "incident", inc.id, inc.title, "incident", inc.created_at))
    return out


def _summary_row(s: Subject, kind: str, id_: int, title: str, form: str, start: datetime) -> dict[str, Any]:
    c = counts(objectives(s))
    recs = [f for f in findings(s) if f.kind == FindingKind.RECOMMENDATION]
    return {
        "kind": kind,
        "id": id_,
        "title": title,
        "form": form,
        "kln": form == ExerciseForm.KLN.value,
        "start": start.isoformat(),
        "objectives_met": c["met"],
        "objectives_partly": c["partly"],
        "objectives_not_met": c["not_met"],
        "objectives_unjudged": c["unjudged"],
        "recommendations": len(recs),
        "lessons_created": sum(1 for f in recs if f.lesson_id is not None),
    }
