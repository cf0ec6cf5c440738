"""The exercise API (/api/v1/scenarios, /api/v1/exercises...) and pages (/exercises...).

Thin: every rule about who sees what lives in the services: `crisis.exercises.service`
(running an exercise) and `crisis.exercises.after_action` (its evaluation).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crisis import csvexport, labels
from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, has_perm, require
from crisis.errors import ApiError
from crisis.exercises import after_action, evaluation, evaluations, service
from crisis.exercises.schemas import (
    AdhocInjectIn,
    EvaluationOut,
    ExerciseCreate,
    ExerciseDetailOut,
    ExerciseOut,
    ExerciseQuery,
    InjectOut,
    ObservationIn,
    ObservationOut,
    ScenarioOut,
    SpeedIn,
    StopIn,
    inject_dict,
    observation_dict,
    scenario_dict,
    to_dict,
)
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.web.template_helpers import TZ

# --- API ----------------------------------------------------------------------------------


@operation(
    "/scenarios",
    "GET",
    summary="Exercise scenarios (injects only for exercise control)",
    tag="exercises",
    response=Items[ScenarioOut],
    perm="read",
)
def list_scenarios() -> list[dict[str, Any]]:
    full = service.is_control(current_user)
    return [scenario_dict(s, full=full) for s in service.list_scenarios(viewer=current_user)]


@operation(
    "/exercises",
    "GET",
    summary="Exercises, latest first",
    tag="exercises",
    query=ExerciseQuery,
    response=Items[ExerciseOut],
    perm="read",
)
def list_exercises(query: ExerciseQuery) -> list[dict[str, Any]]:
    return [to_dict(e) for e in service.list_exercises(viewer=current_user, status=query.status)]


@operation(
    "/exercises",
    "POST",
    summary="Schedule an exercise of a scenario",
    tag="exercises",
    body=ExerciseCreate,
    response=ExerciseOut,
    status=201,
    perm="exercises",
)
def create_exercise(body: ExerciseCreate) -> dict[str, Any]:
    ex = service.schedule(actor=current_user, **body.model_dump())
    return to_dict(ex)


@operation(
    "/exercises/<int:exercise_id>",
    "GET",
    summary="One exercise with the injects you may see (participants: delivered only) and the responses linked to them",
    tag="exercises",
    response=ExerciseDetailOut,
    perm="read",
)
def get_exercise(exercise_id: int) -> dict[str, Any]:
    return after_action.detail(viewer=current_user, exercise_id=exercise_id)


def _action(fn: Any, exercise_id: int, **kw: Any) -> dict[str, Any]:
    ex = fn(actor=current_user, exercise_id=exercise_id, **kw)
    return to_dict(ex)


@operation(
    "/exercises/<int:exercise_id>/start",
    "POST",
    summary="Start now: create the exercise incident from the scenario's playbook and schedule the injects",
    tag="exercises",
    response=ExerciseOut,
    perm="exercises",
)
def start_exercise(exercise_id: int) -> dict[str, Any]:
    return _action(service.start, exercise_id)


@operation(
    "/exercises/<int:exercise_id>/pause",
    "POST",
    summary="Pause: no injects until resumed",
    tag="exercises",
    response=ExerciseOut,
    perm="exercises",
)
def pause_exercise(exercise_id: int) -> dict[str, Any]:
    return _action(service.pause, exercise_id)


@operation(
    "/exercises/<int:exercise_id>/resume",
    "POST",
    summary="Resume: the remaining injects shift by the pause",
    tag="exercises",
    response=ExerciseOut,
    perm="exercises",
)
def resume_exercise(exercise_id: int) -> dict[str, Any]:
    return _action(service.resume, exercise_id)


@operation(
    "/exercises/<int:exercise_id>/end",
    "POST",
    summary="End (or cancel a scheduled one); closes the exercise incident",
    tag="exercises",
    response=ExerciseOut,
    perm="exercises",
)
def end_exercise(exercise_id: int) -> dict[str, Any]:
    return _action(service.end, exercise_id)


@operation(
    "/exercises/<int:exercise_id>/stop",
    "POST",
    summary="ÖVNINGSSTOPP: halt at once, log it and tell every participant",
    tag="exercises",
    body=StopIn,
    response=ExerciseOut,
    perm="exercises or lead",
)
def stop_exercise(exercise_id: int, body: StopIn) -> dict[str, Any]:
    return _action(service.stop, exercise_id, reason=body.reason)


@operation(
    "/exercises/<int:exercise_id>/speed",
    "POST",
    summary="Change the speed (0.1..600)",
    tag="exercises",
    body=SpeedIn,
    response=ExerciseOut,
    perm="exercises",
)
def speed_exercise(exercise_id: int, body: SpeedIn) -> dict[str, Any]:
    return _action(service.set_speed, exercise_id, speed=body.speed)


@operation(
    "/exercises/<int:exercise_id>/injects",
    "POST",
    summary="An ad-hoc inject, delivered at once",
    tag="exercises",
    body=AdhocInjectIn,
    response=InjectOut,
    status=201,
    perm="exercises",
)
def adhoc_inject(exercise_id: int, body: AdhocInjectIn) -> dict[str, Any]:
    d = service.add_inject(actor=current_user, exercise_id=exercise_id, **body.model_dump())
    return inject_dict(d, reveal=True)


@operation(
    "/exercises/<int:exercise_id>/observations",
    "GET",
    summary="Evaluation observations (exercise control and observers; everyone once the exercise is over)",
    tag="exercises",
    response=Items[ObservationOut],
    perm="read",
)
def list_observations(exercise_id: int) -> list[dict[str, Any]]:
    return [observation_dict(o) for o in after_action.observations(viewer=current_user, exercise_id=exercise_id)]


@operation(
    "/exercises/<int:exercise_id>/observations",
    "POST",
    summary="Write an observation, optionally about one inject",
    tag="exercises",
    body=ObservationIn,
    response=ObservationOut,
    status=201,
    perm="exercises, or the observer role",
)
def add_observation(exercise_id: int, body: ObservationIn) -> dict[str, Any]:
    o = after_action.add_observation(actor=current_user, exercise_id=exercise_id, **body.model_dump())
    return observation_dict(o)


@operation(
    "/exercises/<int:exercise_id>/evaluation",
    "GET",
    summary="The after-action report: every inject with the time to its first linked response",
    tag="exercises",
    response=EvaluationOut,
    perm="read",
)
def get_evaluation(exercise_id: int) -> dict[str, Any]:
    return after_action.after_action(viewer=current_user, exercise_id=exercise_id)


# --- pages ----------------------------------------------------------------------------------

pages = Blueprint("exercises", __name__)


def _parse_local(value: str) -> datetime | None:
    """A datetime-local form value (Europe/Stockholm) -> aware UTC; empty = None (now)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=TZ)
    except ValueError:
        raise ApiError(_("Ogiltig starttid."), code="validation_error", status=422) from None


def _float(value: str) -> Any:
    try:
        return float((value or "").replace(",", "."))
    except ValueError:
        return value


@pages.route("/exercises")
@login_required
def index() -> Any:
    can_run = has_perm(current_user, Perm.EXERCISES)
    scenarios = service.list_scenarios(viewer=current_user) if can_run else []
    return render_template(
        "exercises/index.html",
        exercises=service.list_exercises(viewer=current_user),
        scenarios=scenarios,
        can_run=can_run,
        statuses=STATUS_LABELS,
        min_speed=service.MIN_SPEED,
        max_speed=service.MAX_SPEED,
    )


@pages.route("/exercises", methods=["POST"])
@login_required
@require(Perm.EXERCISES)
def schedule() -> Any:
    form = request.form
    try:
        ex = service.schedule(
            actor=current_user,
            scenario=form.get("scenario", ""),
            start_at=_parse_local(form.get("start_at", "")),
            speed=_float(form.get("speed", "1")),
            title=form.get("title") or None,
        )
    except ApiError as e:
        flash(e.message, "error")
        return redirect(url_for("exercises.index"))
    flash(_("Övningen är planerad."), "success")
    return redirect(url_for("exercises.control", exercise_id=ex.id))


def _incident(ex: Any) -> Incident | None:
    return db.session.get(Incident, ex.incident_id) if ex.incident_id else None


@pages.route("/exercises/<int:exercise_id>")
@login_required
def control(exercise_id: int) -> Any:
    ex = service.get(viewer=current_user, exercise_id=exercise_id)
    inc = _incident(ex)
    return render_template(
        "exercises/control.html",
        exercise=ex,
        incident=inc,
        statuses=STATUS_LABELS,
        is_control=service.is_control(current_user),
        may_stop=service.may_stop(current_user),
        may_observe=service.may_observe(current_user),
        channels=CHANNEL_LABELS,
        positions=service.position_labels(ex),
        strings=_control_strings(),
        questions=_scenario_questions(ex),
        objectives=evaluations.objectives(evaluations.Subject(exercise=ex)),
    )


def _scenario_questions(ex: Any) -> list[Any]:
    sc = service.load_all().scenarios.get(ex.scenario_key)
    return list(sc.questions) if sc else []


@pages.route("/exercises/<int:exercise_id>/evaluation")
@login_required
def evaluation_page(exercise_id: int) -> Any:
    report = after_action.after_action(viewer=current_user, exercise_id=exercise_id)
    ex = service.get(viewer=current_user, exercise_id=exercise_id)
    review = (
        evaluations.report(viewer=current_user, exercise_id=exercise_id)
        if evaluations.may_evaluate(current_user) or ex.is_over
        else None
    )
    return render_template(
        "exercises/evaluation.html",
        exercise=ex,
        incident=_incident(ex),
        report=report,
        review=review,
        statuses=STATUS_LABELS,
        channels=CHANNEL_LABELS,
        how=HOW_LABELS,
        duration=evaluation.format_duration,
    )


@pages.route("/exercises/<int:exercise_id>/evaluation.json")
@login_required
def evaluation_json(exercise_id: int) -> Response:
    report = after_action.after_action(viewer=current_user, exercise_id=exercise_id)
    body = json.dumps(dict(report, marking="ÖVNING"), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="OVNING-utvardering-{exercise_id}.json"'},
    )


CSV_COLUMNS = [
    "marking",
    "inject",
    "adhoc",
    "offset_minutes",
    "target_position",
    "channel",
    "sender",
    "due_at",
    "delivered_at",
    "late",
    "log_number",
    "first_response_kind",
    "first_response_ref",
    "first_response_how",
    "first_response_at",
    "response_seconds",
    "responses",
    "expected_action",
    "text",
]


@pages.route("/exercises/<int:exercise_id>/evaluation.csv")
@login_required
def evaluation_csv(exercise_id: int) -> Response:
    report = after_action.after_action(viewer=current_user, exercise_id=exercise_id)
    rows = []
    for item in report["injects"]:
        first = item.get("first_response") or {}
        rows.append(
            {
                "marking": "ÖVNING",
                "inject": item["id"],
                "adhoc": item["adhoc"],
                "offset_minutes": item["offset_minutes"],
                "target_position": item["target_position"],
                "channel": item["channel"],
                "sender": item["sender"],
                "due_at": item["due_at"],
                "delivered_at": item["delivered_at"],
                "late": item["late"],
                "log_number": item["log_number"],
                "first_response_kind": first.get("kind"),
                "first_response_ref": first.get("ref"),
                "first_response_how": first.get("how"),
                "first_response_at": first.get("at"),
                "response_seconds": item["response_seconds"],
                "responses": len(item["responses"]),
                "expected_action": item.get("expected_action"),
                "action_verdict": item.get("action_verdict"),  # the evaluator's judgement
                "action_note": item.get("action_note"),
                "text": item["text"],
            }
        )
    return csvexport.response(f"OVNING-utvardering-{exercise_id}.csv", CSV_COLUMNS, rows)


@pages.app_context_processor
def _globals() -> dict[str, Any]:
    def coming_exercises() -> list[Any]:
        if not current_user.is_authenticated:
            return []
        return service.coming(viewer=current_user)

    return {"coming_exercises": coming_exercises, "exercise_status_labels": STATUS_LABELS}


# The tables live in crisis.labels (the one home of display labels).
STATUS_LABELS = labels.EXERCISE_STATUSES
CHANNEL_LABELS = labels.INJECT_CHANNELS
HOW_LABELS = {
    evaluation.BY_POSITION: _l("post av mottagande funktion"),
    evaluation.BY_REFERENCE: _l("post som hänvisar till inspelet"),
    evaluation.BY_TASK: _l("uppgift skapad från inspelet"),
}


def _control_strings() -> dict[str, Any]:
    """Translated strings for exercise-control.js (in a data- attribute)."""
    return {
        "statuses": {k: str(v) for k, v in STATUS_LABELS.items()},
        "channels": {k: str(v) for k, v in CHANNEL_LABELS.items()},
        "how": {k: str(v) for k, v in HOW_LABELS.items()},
        "delivered": _("Levererat"),
        "upcoming": _("Kommande"),
        "late": _("Försenat"),
        "adhoc": _("Ad hoc"),
        "due": _("Planerat"),
        "to": _("Till"),
        "from": _("Från"),
        "expected": _("Förväntad åtgärd"),
        "responses": _("Svar"),
        "no_response": _("Inget kopplat svar ännu"),
        "first_response": _("Första svar efter %(time)s", time="{time}"),
        "log_entry": _("Post %(n)s", n="{n}"),
        "task": _("Uppgift %(n)s", n="{n}"),
        "none_delivered": _("Inga inspel levererade ännu."),
        "confirm_end": _("Avsluta övningen? Inga fler inspel levereras och övningshändelsen stängs."),
        "confirm_stop": _("ÖVNINGSSTOPP: avbryta övningen omedelbart och meddela alla deltagare?"),
        "stop_reason": _("Skäl till övningsstopp (valfritt):"),
        "scenario_time": _("Scenariotid %(min)s min", min="{min}"),
        "observation_saved": _("Observation sparad"),
        "inject_sent": _("Inspelet levererat"),
        "general": _("Allmän (inget inspel)"),
    }
