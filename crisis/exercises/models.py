"""Exercises (övningar): a scheduled run of a scenario, its injects, and observations.

An Exercise is scheduled from a scenario file; its injects are copied into
InjectDelivery rows when it is scheduled, so a later edit of the YAML never
changes a running or finished exercise. At start an exercise incident
(mode `exercise`) is created from the scenario's playbook and every inject
gets its wall-clock `due_at`.

The exercise clock: `clock_at` is the wall time at which the clock was last
(re)based and `clock_minutes` the scenario minutes elapsed at that moment.
While running, scenario minutes = clock_minutes + (now - clock_at) * speed / 60,
so an inject at `offset_minutes` is due at
clock_at + (offset_minutes - clock_minutes) * 60 / speed. Pausing freezes the
clock (clock_minutes = scenario now); resuming re-bases it at the resume time,
so every later offset shifts by the pause; `total_paused` records the sum.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum


class ExerciseForm(StrEnum):
    SIMULATION = "simulation"  # simuleringsövning: timed injects
    SEMINAR = "seminar"  # seminarieövning: discussion questions, no injects
    KLN = "kln"  # an exercise of krisledningsnämnden (counted in the yearly follow-up)


class ExerciseStatus(StrEnum):
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"
    STOPPED = "stopped"  # ÖVNINGSSTOPP: halted at once


OPEN_STATUSES = (ExerciseStatus.SCHEDULED, ExerciseStatus.RUNNING, ExerciseStatus.PAUSED)
OVER_STATUSES = (ExerciseStatus.ENDED, ExerciseStatus.STOPPED)


class Exercise(db.Model):
    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_key: Mapped[str] = mapped_column(sa.String(64))
    form: Mapped[ExerciseForm] = mapped_column(str_enum(ExerciseForm), default=ExerciseForm.SIMULATION)
    title: Mapped[str] = mapped_column(sa.String(200))
    playbook_key: Mapped[str] = mapped_column(sa.String(64))
    duration_minutes: Mapped[int]
    start_at: Mapped[datetime]  # the scheduled start
    speed: Mapped[float]  # 1 = real time, 60 = a scenario minute per second
    status: Mapped[ExerciseStatus] = mapped_column(str_enum(ExerciseStatus), default=ExerciseStatus.SCHEDULED)
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    started_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    total_paused: Mapped[float] = mapped_column(default=0.0)  # seconds
    ended_at: Mapped[datetime | None]
    clock_at: Mapped[datetime | None]
    clock_minutes: Mapped[float] = mapped_column(default=0.0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_by: Mapped[str | None] = mapped_column(sa.String(200))
    stop_reason: Mapped[str | None] = mapped_column(sa.String(1000))

    @property
    def is_over(self) -> bool:
        return self.status in OVER_STATUSES


class InjectDelivery(db.Model):
    """One inject of one exercise: the scenario's copy, when it is due, when it was delivered."""

    __tablename__ = "exercise_injects"
    __table_args__ = (sa.UniqueConstraint("exercise_id", "inject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    inject_id: Mapped[str] = mapped_column(sa.String(64))
    sort_order: Mapped[int] = mapped_column(default=0)
    adhoc: Mapped[bool] = mapped_column(default=False)
    offset_minutes: Mapped[float]
    sender: Mapped[str] = mapped_column(sa.String(300))
    channel: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    target_position: Mapped[str] = mapped_column(sa.String(64))
    expected_action: Mapped[str | None] = mapped_column(sa.Text)
    due_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    log_number: Mapped[int | None]
    late: Mapped[bool] = mapped_column(default=False)
    # The evaluator's judgement of the expected action: done / partly / not_done (None: not judged).
    action_verdict: Mapped[str | None] = mapped_column(sa.String(16))
    action_note: Mapped[str | None] = mapped_column(sa.Text)
    judged_by: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class Observation(db.Model):
    """An evaluation note by exercise control or an observer, optionally about one inject."""

    __tablename__ = "exercise_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    inject_id: Mapped[str | None] = mapped_column(sa.String(64))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- evaluation (utvärdering) of an exercise or of a real incident -------------------------------
#
# Every row below belongs to exactly one subject: an exercise (exercise_id) or a real incident
# (incident_id). One set of tables and one service (crisis.exercises.evaluations) serve both.


class Verdict(StrEnum):
    MET = "met"  # uppfyllt
    PARTLY = "partly"  # delvis
    NOT_MET = "not_met"  # ej uppfyllt


class ActionVerdict(StrEnum):
    DONE = "done"  # genomförd
    PARTLY = "partly"  # delvis
    NOT_DONE = "not_done"  # ej genomförd


class FindingKind(StrEnum):
    OBSERVATION = "observation"  # iakttagelse
    CONCLUSION = "conclusion"  # slutsats
    RECOMMENDATION = "recommendation"  # rekommendation (with owner and deadline: the action plan)


_ONE_SUBJECT = "(exercise_id IS NULL) <> (incident_id IS NULL)"


class EvaluationObjective(db.Model):
    """An objective (övningsmål) of an exercise, or an evaluation question of a real incident, and its judgement."""

    __tablename__ = "evaluation_objectives"
    __table_args__ = (
        sa.UniqueConstraint("exercise_id", "incident_id", "key"),
        sa.CheckConstraint(_ONE_SUBJECT, name="ck_evaluation_objectives_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    verdict: Mapped[str | None] = mapped_column(sa.String(16))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    log_refs: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    judged_by: Mapped[str | None] = mapped_column(sa.String(200))
    judged_at: Mapped[datetime | None]


class HotWashEntry(db.Model):
    """Direkt-återkoppling: a participant's short answer right after the exercise or incident."""

    __tablename__ = "hot_wash_entries"
    __table_args__ = (sa.CheckConstraint(_ONE_SUBJECT, name="ck_hot_wash_entries_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    worked: Mapped[str] = mapped_column(sa.Text, default="")
    did_not_work: Mapped[str] = mapped_column(sa.Text, default="")
    why: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Finding(db.Model):
    """One line of the evaluation report: an observation, a conclusion or a recommendation.

    A recommendation carries the action plan (owner, deadline) and, once turned into a lesson,
    the lesson's id (the lesson finds its origin through this row).
    """

    __tablename__ = "evaluation_findings"
    __table_args__ = (sa.CheckConstraint(_ONE_SUBJECT, name="ck_evaluation_findings_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evaluation_findings.id"))
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    deadline: Mapped[date | None]
    lesson_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lessons.id"), index=True)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
