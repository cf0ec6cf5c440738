"""The yearly follow-up (årlig uppföljning): what happened in one calendar year, for kommunstyrelsen's
uppföljning with the bokslut and the annual report to Länsstyrelsen.

Counts real incidents (never exercises) by kind and highest level, decisions by
type, KLN activations, the plan's exercises (planned vs held) and their results,
call-out drills, trainings held, lessons opened and closed, and RSA measures done.
Only counts and titles: no confidential text (the RSA register's details stay there).

The results come from their own domains: the exercise evaluations
(`crisis.exercises.evaluations.summary_for_year`) and the larmövningar
(`crisis.drills.service.drills_in_year`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow
from crisis.enums import LEVEL_ORDER, DecisionType, Level, Mode
from crisis.errors import ValidationError
from crisis.extensions import db

TZ = ZoneInfo("Europe/Stockholm")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class YearReport:
    year: int
    incidents: int = 0
    incidents_by_kind: dict[str, int] = field(default_factory=dict)
    incidents_by_level: dict[str, int] = field(default_factory=dict)  # highest level reached
    incident_rows: list[dict[str, Any]] = field(default_factory=list)
    decisions: int = 0
    decisions_by_type: dict[str, int] = field(default_factory=dict)
    kln_activations: list[dict[str, Any]] = field(default_factory=list)
    exercises_planned: int = 0
    exercises_held: int = 0
    exercises_cancelled: int = 0
    exercise_rows: list[dict[str, Any]] = field(default_factory=list)
    exercise_results: list[dict[str, Any]] = field(default_factory=list)
    drills: list[dict[str, Any]] = field(default_factory=list)
    trainings_planned: int = 0
    trainings_held: int = 0
    trained_people: int = 0
    training_records: int = 0
    lessons_opened: int = 0
    lessons_closed: int = 0
    rsa_measures_done: int = 0


def year_value(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_l('"%(value)s" är inget årtal.', value=value)) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_l("Året ska vara %(first)s–%(last)s.", first=FIRST_YEAR, last=LAST_YEAR))
    return year


def current_year() -> int:
    return utcnow().astimezone(TZ).year


def _bounds(year: int) -> tuple[datetime, datetime]:
    """The year in Swedish local time, as aware datetimes [start, end)."""
    return datetime.combine(date(year, 1, 1), time(0), tzinfo=TZ), datetime.combine(
        date(year + 1, 1, 1), time(0), tzinfo=TZ
    )


def _highest(levels: list[str]) -> str:
    order = {lv.value: i for i, lv in enumerate(LEVEL_ORDER)}
    return max(levels, key=lambda v: order.get(v, -1))


def _incidents(report: YearReport, start: datetime, end: datetime) -> None:
    from crisis.decisions.models import Decision
    from crisis.incidents.models import Incident

    rows = db.session.scalars(
        sa.select(Incident)
        .where(Incident.mode == Mode.REAL, Incident.created_at >= start, Incident.created_at < end)
        .order_by(Incident.created_at)
    ).all()
    ids = [i.id for i in rows]
    levels: dict[int, list[str]] = {i.id: [i.level.value] for i in rows}
    if ids:
        for incident_id, data in db.session.execute(
            sa.select(Decision.incident_id, Decision.data).where(
                Decision.incident_id.in_(ids), Decision.type == DecisionType.LEVEL
            )
        ):
            if isinstance(data, dict) and data.get("level") in {lv.value for lv in Level}:
                levels[incident_id].append(data["level"])
    by_kind: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    for i in rows:
        top = _highest(levels[i.id])
        by_kind[i.kind] += 1
        by_level[top] += 1
        report.incident_rows.append(
            {
                "id": i.id,
                "title": i.title,
                "kind": i.kind,
                "highest_level": top,
                "opened_at": i.created_at,
                "closed_at": i.closed_at,
                "status": i.status.value,
            }
        )
    report.incidents = len(rows)
    report.incidents_by_kind = dict(sorted(by_kind.items()))
    report.incidents_by_level = {lv.value: by_level[lv.value] for lv in LEVEL_ORDER if by_level[lv.value]}


def _decisions(report: YearReport, start: datetime, end: datetime) -> None:
    from crisis.decisions.models import Decision
    from crisis.incidents.models import Incident

    rows = db.session.execute(
        sa.select(Decision.type, Decision.data, Decision.incident_id, Decision.created_at, Incident.title)
        .join(Incident, Incident.id == Decision.incident_id)
        .where(Incident.mode == Mode.REAL, Decision.created_at >= start, Decision.created_at < end)
        .order_by(Decision.created_at)
    ).all()
    by_type: Counter[str] = Counter()
    for type_, data, incident_id, at, title in rows:
        by_type[type_.value] += 1
        if type_ is DecisionType.KLN and isinstance(data, dict) and data.get("action") == "activate":
            report.kln_activations.append({"incident": incident_id, "title": title, "at": at})
    report.decisions = len(rows)
    report.decisions_by_type = {t.value: by_type[t.value] for t in DecisionType if by_type[t.value]}


def _plan(report: YearReport, year: int) -> None:
    from crisis.training import service as training
    from crisis.training.models import ActivityKind, ActivityStatus, TrainingRecord

    planned = training.planned_in(year)
    held = training.trainings_held(year)
    ex_planned = [a for a in planned if a.kind is ActivityKind.EXERCISE]
    report.exercises_planned = len(ex_planned)
    report.exercises_cancelled = sum(1 for a in ex_planned if a.status is ActivityStatus.CANCELLED)
    report.exercises_held = sum(1 for a in held if a.kind is ActivityKind.EXERCISE)
    report.exercise_rows = [
        {
            "title": a.title,
            "planned_on": a.planned_on,
            "status": a.status.value,
            "held_on": a.held_on,
            "participants": len(a.records),
        }
        for a in sorted(
            {*ex_planned, *(a for a in held if a.kind is ActivityKind.EXERCISE)}, key=lambda a: a.planned_on
        )
    ]
    report.trainings_planned = sum(1 for a in planned if a.kind is ActivityKind.TRAINING)
    report.trainings_held = sum(1 for a in held if a.kind is ActivityKind.TRAINING)
    records = (
        db.session.execute(
            sa.select(TrainingRecord.user_id).where(
                TrainingRecord.on >= date(year, 1, 1), TrainingRecord.on <= date(year, 12, 31)
            )
        )
        .scalars()
        .all()
    )
    report.training_records = len(records)
    report.trained_people = len(set(records))


def _exercise_results(year: int) -> list[dict[str, Any]]:
    """The results of the year's exercises run in Krisrum and of its real-incident evaluations:
    objectives judged met / partly / not met, recommendations and the lessons made of them
    (`crisis.exercises.evaluations.summary_for_year`)."""
    from crisis.exercises.evaluations import summary_for_year

    return [dict(row, start=datetime.fromisoformat(row["start"])) for row in summary_for_year(year)]


def _call_out_drills(year: int) -> list[dict[str, Any]]:
    """The year's call-out drills (larmövningar) with their acknowledgement figures."""
    from crisis.drills.service import drills_in_year

    return drills_in_year(year)


def _lessons(report: YearReport, start: datetime, end: datetime) -> None:
    from crisis.lessons.models import Lesson, LessonChange, LessonStatus

    report.lessons_opened = (
        db.session.scalar(sa.select(sa.func.count()).where(Lesson.created_at >= start, Lesson.created_at < end)) or 0
    )
    closed = {LessonStatus.DONE.value, LessonStatus.DROPPED.value}
    report.lessons_closed = (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(LessonChange.lesson_id))).where(
                LessonChange.field == "status",
                LessonChange.new.in_(closed),
                LessonChange.at >= start,
                LessonChange.at < end,
            )
        )
        or 0
    )


def year_report(*, viewer: User, year: Any) -> YearReport:
    check(viewer, Perm.READ)
    y = year_value(year)
    from crisis.rsa import service as rsa

    start, end = _bounds(y)
    report = YearReport(year=y)
    _incidents(report, start, end)
    _decisions(report, start, end)
    _plan(report, y)
    report.exercise_results = _exercise_results(y)
    report.drills = _call_out_drills(y)
    _lessons(report, start, end)
    report.rsa_measures_done = len(rsa.measures_done(y))
    return report


CSV_COLUMNS = ("section", "item", "value")


def csv_rows(report: YearReport) -> list[dict[str, Any]]:
    """The report as (section, item, value) rows, the fixed Swedish names (spreadsheet-friendly)."""
    from crisis import labels

    rows: list[dict[str, Any]] = []

    def add(section: str, item: Any, value: Any) -> None:
        rows.append({"section": section, "item": item, "value": value})

    add("År", "år", report.year)
    add("Händelser", "antal", report.incidents)
    for kind, n in report.incidents_by_kind.items():
        add("Händelser per typ", kind, n)
    for level, n in report.incidents_by_level.items():
        add("Händelser per högsta nivå", labels.LEVELS.sv(level), n)
    for r in report.incident_rows:
        add("Händelse", f"{r['id']}: {r['title']}", labels.LEVELS.sv(r["highest_level"]))
    add("Beslut", "antal", report.decisions)
    for t, n in report.decisions_by_type.items():
        add("Beslut per typ", labels.DECISION_TYPES.sv(t), n)
    add("Krisledningsnämnden", "aktiveringar", len(report.kln_activations))
    for k in report.kln_activations:
        add("KLN aktiverad", f"{k['incident']}: {k['title']}", k["at"])
    add("Övningar enligt plan", "planerade", report.exercises_planned)
    add("Övningar enligt plan", "genomförda", report.exercises_held)
    add("Övningar enligt plan", "inställda", report.exercises_cancelled)
    for r in report.exercise_results:
        add(
            "Övningsresultat",
            f"{labels.EXERCISE_FORMS.sv(r['form'])} {r['id']}: {r['title']}",
            f"mål uppfyllda {r['objectives_met']}, delvis {r['objectives_partly']},"
            f" ej uppfyllda {r['objectives_not_met']}, ej bedömda {r['objectives_unjudged']};"
            f" rekommendationer {r['recommendations']}; erfarenheter {r['lessons_created']}",
        )
    add("Larmövningar", "antal", len(report.drills))
    for d in report.drills:
        median = "" if d["median_seconds"] is None else f"; median {round(d['median_seconds'] / 60, 1)} min"
        add(
            "Larmövning",
            f"{d['id']}: {d['title']}",
            f"kvitterade {d['acknowledged']} av {d['total']}{median}",
        )
    add("Utbildningar", "planerade", report.trainings_planned)
    add("Utbildningar", "genomförda", report.trainings_held)
    add("Utbildningar", "utbildade personer", report.trained_people)
    add("Erfarenheter", "öppnade", report.lessons_opened)
    add("Erfarenheter", "stängda", report.lessons_closed)
    add("RSA", "åtgärder genomförda", report.rsa_measures_done)
    return rows
