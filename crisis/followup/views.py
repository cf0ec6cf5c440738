"""The yearly follow-up: the printable page /followup/{year}, its CSV and the API /api/v1/followup/{year}."""

from __future__ import annotations

from typing import Any

import pydantic
from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crisis import csvexport, labels
from crisis.api import operation
from crisis.auth.permissions import Perm, check
from crisis.followup import service


class FollowupQuery(pydantic.BaseModel):
    format: str = pydantic.Field("json", pattern="^(json|csv)$", description="json, or csv for a spreadsheet")


class CountOut(pydantic.BaseModel):
    section: str
    item: str
    value: str | int | None


class FollowupOut(pydantic.BaseModel):
    year: int
    incidents: int
    incidents_by_kind: dict[str, int]
    incidents_by_level: dict[str, int]
    decisions: int
    decisions_by_type: dict[str, int]
    kln_activations: int
    exercises_planned: int
    exercises_held: int
    exercises_cancelled: int
    exercise_results: list[dict[str, Any]]
    drills: list[dict[str, Any]]
    trainings_planned: int
    trainings_held: int
    trained_people: int
    training_records: int
    lessons_opened: int
    lessons_closed: int
    rsa_measures_done: int


def _csv(report: service.YearReport) -> Response:
    rows = service.csv_rows(report)
    return csvexport.response(f"uppfoljning-{report.year}.csv", service.CSV_COLUMNS, rows)  # type: ignore[no-any-return]


@operation(
    "/followup/<int:year>",
    "GET",
    summary="The yearly follow-up (årlig uppföljning) of one calendar year; ?format=csv for a spreadsheet",
    tag="followup",
    query=FollowupQuery,
    response=FollowupOut,
    perm="read",
)
def api_followup(year: int, query: FollowupQuery) -> Any:
    report = service.year_report(viewer=current_user, year=year)
    if query.format == "csv":
        return _csv(report)
    return {
        "year": report.year,
        "incidents": report.incidents,
        "incidents_by_kind": report.incidents_by_kind,
        "incidents_by_level": report.incidents_by_level,
        "decisions": report.decisions,
        "decisions_by_type": report.decisions_by_type,
        "kln_activations": len(report.kln_activations),
        "exercises_planned": report.exercises_planned,
        "exercises_held": report.exercises_held,
        "exercises_cancelled": report.exercises_cancelled,
        "exercise_results": [{**r, "start": r["start"].isoformat()} for r in report.exercise_results],
        "drills": [{**d, "started_at": d["started_at"].isoformat()} for d in report.drills],
        "trainings_planned": report.trainings_planned,
        "trainings_held": report.trainings_held,
        "trained_people": report.trained_people,
        "training_records": report.training_records,
        "lessons_opened": report.lessons_opened,
        "lessons_closed": report.lessons_closed,
        "rsa_measures_done": report.rsa_measures_done,
    }


# --- pages ---------------------------------------------------------------------------------

pages = Blueprint("followup", __name__)


@pages.route("/followup")
@login_required
def current() -> Any:
    check(current_user, Perm.READ)
    year = request.args.get("year")
    if year:
        return redirect(url_for("followup.page", year=service.year_value(year)), 303)
    return redirect(url_for("followup.page", year=service.current_year() - 1), 303)


@pages.route("/followup/<int:year>")
@login_required
def page(year: int) -> Any:
    report = service.year_report(viewer=current_user, year=year)
    now = service.current_year()
    return render_template(
        "followup/year.html",
        r=report,
        years=list(range(now, now - 6, -1)),
        levels=labels.LEVELS,
        decision_types=labels.DECISION_TYPES,
        statuses={"planned": _("Planerad"), "held": _("Genomförd"), "cancelled": _("Inställd")},
        exercise_forms=labels.EXERCISE_FORMS,
    )


@pages.route("/followup/<int:year>.csv")
@login_required
def csv(year: int) -> Any:
    return _csv(service.year_report(viewer=current_user, year=year))


@pages.route("/print/followup/<int:year>.css")
@login_required
def print_marks(year: int) -> Any:
    """Every printed sheet: the report's title, INTERN and "sida N av M" (crisis.web.printmarks)."""
    from crisis.web.printmarks import marks_css

    check(current_user, Perm.READ)
    y = service.year_value(year)
    body = marks_css(head=_("Årlig uppföljning %(year)s", year=y), marking="internal", exercise=False)
    return Response(body, mimetype="text/css", headers={"Cache-Control": "private, no-store"})
