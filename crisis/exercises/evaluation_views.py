"""Evaluation API and pages for exercises and real incidents (crisis.exercises.evaluations).

API: /api/v1/exercises/<id>/review... and /api/v1/incidents/<id>/review..., plus
/api/v1/findings/<id>/lesson. Pages: the hot wash forms and the printable evaluation of a
real incident; the exercise's evaluation page (views.evaluation_page) shows the same report.
"""

from __future__ import annotations

from typing import Any, Literal

import pydantic
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crisis.api import operation
from crisis.api.schemas import Strict
from crisis.errors import ApiError, Forbidden
from crisis.exercises import evaluations as evs
from crisis.exercises.service import position_labels

# --- API bodies ----------------------------------------------------------------------------------


class ObjectiveJudgementIn(Strict):
    verdict: Literal["met", "partly", "not_met"]
    evidence: str = pydantic.Field("", max_length=5000, description="Why: what was seen (required unless met)")
    log_refs: list[int] = pydantic.Field(default_factory=list, description="Log entry numbers as evidence")


class InjectJudgementIn(Strict):
    verdict: Literal["done", "partly", "not_done"]
    note: str = pydantic.Field("", max_length=5000)


class HotWashIn(Strict):
    worked: str = pydantic.Field("", max_length=5000, description="What worked")
    did_not_work: str = pydantic.Field("", max_length=5000, description="What did not work")
    why: str = pydantic.Field("", max_length=5000)
    position: str = pydantic.Field("", max_length=200, description="Your position in the staff (optional)")


class FindingIn(Strict):
    kind: Literal["observation", "conclusion", "recommendation"]
    text: str = pydantic.Field(max_length=5000)
    based_on: int | None = pydantic.Field(None, description="The finding (observation or conclusion) it rests on")
    owner: str = pydantic.Field("", max_length=200, description="Recommendations: who carries out the action")
    deadline: str | None = pydantic.Field(None, description="Recommendations: YYYY-MM-DD")


class QuestionIn(Strict):
    text: str = pydantic.Field(max_length=5000)


class ObjectiveJudgedOut(pydantic.BaseModel):
    key: str
    text: str
    verdict: Literal["met", "partly", "not_met"] | None
    evidence: str
    log_refs: list[int]
    judged_by: str | None
    judged_at: str | None


class HotWashOut(pydantic.BaseModel):
    id: int
    author: str
    position: str
    worked: str
    did_not_work: str
    why: str
    created_at: str


class FindingOut(pydantic.BaseModel):
    id: int
    kind: Literal["observation", "conclusion", "recommendation"]
    text: str
    based_on: int | None
    owner: str
    deadline: str | None
    lesson: int | None = pydantic.Field(description="The lesson this recommendation became")
    created_by: str
    created_at: str


class InjectJudgedOut(pydantic.BaseModel):
    id: str
    log_number: int | None
    target_position: str
    expected_action: str | None
    verdict: Literal["done", "partly", "not_done"] | None
    note: str
    judged_by: str | None
    hint_first_response_seconds: float | None = pydantic.Field(
        description="A hint only: time to the first entry by the target position or referring to the inject"
    )


class ReviewOut(pydantic.BaseModel):
    exercise: int | None
    incident: int | None
    form: str | None
    evaluator: bool
    may_make_lessons: bool
    objectives: list[ObjectiveJudgedOut]
    objective_counts: dict[str, int]
    hot_wash: list[HotWashOut]
    observations: list[FindingOut]
    conclusions: list[FindingOut]
    recommendations: list[FindingOut]
    injects: list[InjectJudgedOut]
    questions: list[dict[str, Any]]
    evidence: dict[str, Any] | None


# --- API -------------------------------------------------------------------------------------------


def _ids(kind: str, subject_id: int) -> dict[str, int]:
    return {"exercise_id" if kind == "exercise" else "incident_id": subject_id}


for _kind, _prefix in (("exercise", "/exercises/<int:exercise_id>"), ("incident", "/incidents/<int:incident_id>")):
    _arg = f"{_kind}_id"

    def _make(kind: str, arg: str, prefix: str) -> None:
        noun = "exercise" if kind == "exercise" else "real incident"

        @operation(
            f"{prefix}/review",
            "GET",
            summary=f"The evaluation of a {noun}: objectives, judgements, hot wash, findings"
            + (", evidence" if kind == "incident" else ""),
            tag="evaluations",
            response=ReviewOut,
            perm="read (evaluators; everyone once it is over)",
            endpoint=f"{kind}_review",
        )
        def get_review(**kw: int) -> dict[str, Any]:
            return evs.report(viewer=current_user, **{f"{kind}_id": kw[arg]})

        @operation(
            f"{prefix}/review/objectives/<key>",
            "PUT",
            summary="Judge an objective (or evaluation question): met, partly or not met, with evidence",
            tag="evaluations",
            body=ObjectiveJudgementIn,
            response=ObjectiveJudgedOut,
            perm="exercises, lead, or the observer role",
            endpoint=f"{kind}_judge_objective",
        )
        def judge(body: ObjectiveJudgementIn, key: str, **kw: int) -> dict[str, Any]:
            o = evs.judge_objective(actor=current_user, key=key, **_ids(kind, kw[arg]), **body.model_dump())
            return evs.objective_dict(o)

        @operation(
            f"{prefix}/review/hot-wash",
            "POST",
            summary="Hot wash (direkt-återkoppling): what worked, what did not, why; once it is over",
            tag="evaluations",
            body=HotWashIn,
            response=HotWashOut,
            status=201,
            perm="read",
            endpoint=f"{kind}_hot_wash",
        )
        def post_hot_wash(body: HotWashIn, **kw: int) -> dict[str, Any]:
            h = evs.add_hot_wash(actor=current_user, **_ids(kind, kw[arg]), **body.model_dump())
            return evs.hot_wash_dict(h)

        @operation(
            f"{prefix}/review/findings",
            "POST",
            summary="Add an observation, a conclusion or a recommendation (with owner and deadline)",
            tag="evaluations",
            body=FindingIn,
            response=FindingOut,
            status=201,
            perm="exercises, lead, or the observer role",
            endpoint=f"{kind}_add_finding",
        )
        def post_finding(body: FindingIn, **kw: int) -> dict[str, Any]:
            f = evs.add_finding(actor=current_user, **_ids(kind, kw[arg]), **body.model_dump())
            return evs.finding_dict(f)

    _make(_kind, _arg, _prefix)


@operation(
    "/exercises/<int:exercise_id>/review/injects/<inject_id>",
    "PUT",
    summary="Judge an inject's expected action: done, partly or not done",
    tag="evaluations",
    body=InjectJudgementIn,
    response=InjectJudgedOut,
    perm="exercises, lead, or the observer role",
)
def judge_inject(exercise_id: int, inject_id: str, body: InjectJudgementIn) -> dict[str, Any]:
    evs.judge_inject(actor=current_user, exercise_id=exercise_id, inject_id=inject_id, **body.model_dump())
    rows = evs.report(viewer=current_user, exercise_id=exercise_id)["injects"]
    return next(i for i in rows if i["id"] == inject_id)


@operation(
    "/incidents/<int:incident_id>/review/questions",
    "POST",
    summary="Add an evaluation question to a real incident's evaluation",
    tag="evaluations",
    body=QuestionIn,
    response=ObjectiveJudgedOut,
    status=201,
    perm="exercises, lead, or the observer role",
)
def add_question(incident_id: int, body: QuestionIn) -> dict[str, Any]:
    return evs.objective_dict(evs.add_question(actor=current_user, incident_id=incident_id, text=body.text))


@operation(
    "/findings/<int:finding_id>/lesson",
    "POST",
    summary="Turn a recommendation into a lesson (crisis.lessons), linked both ways",
    tag="evaluations",
    response=FindingOut,
    status=201,
    perm="exercises or lead",
)
def make_lesson(finding_id: int) -> dict[str, Any]:
    return evs.finding_dict(evs.make_lesson(actor=current_user, finding_id=finding_id))


# --- pages -----------------------------------------------------------------------------------------

pages = Blueprint("evaluations", __name__)


def _hot_wash_page(kind: str, subject_id: int) -> Any:
    s = evs.subject(viewer=current_user, **_ids(kind, subject_id))
    back = (
        url_for("exercises.evaluation_page", exercise_id=subject_id)
        if kind == "exercise"
        else url_for("evaluations.incident_evaluation", incident_id=subject_id)
    )
    if request.method == "POST":
        f = request.form
        try:
            evs.add_hot_wash(
                actor=current_user,
                worked=f.get("worked", ""),
                did_not_work=f.get("did_not_work", ""),
                why=f.get("why", ""),
                position=f.get("position", ""),
                **_ids(kind, subject_id),
            )
        except ApiError as e:
            flash(e.message, "error")
        else:
            flash(_("Tack! Din återkoppling är sparad."), "success")
            return redirect(request.path)
    positions = position_labels(s.exercise) if s.exercise else {}
    title = s.exercise.title if s.exercise else s.incident.title if s.incident else ""
    return render_template(
        "exercises/hot_wash.html",
        subject=s,
        kind=kind,
        title=title,
        positions=positions,
        entries=[e for e in evs.hot_wash(s) if e.author_id == current_user.id],
        back=back,
    )


@pages.route("/exercises/<int:exercise_id>/hot-wash", methods=["GET", "POST"])
@login_required
def exercise_hot_wash(exercise_id: int) -> Any:
    return _hot_wash_page("exercise", exercise_id)


@pages.route("/incidents/<int:incident_id>/hot-wash", methods=["GET", "POST"])
@login_required
def incident_hot_wash(incident_id: int) -> Any:
    return _hot_wash_page("incident", incident_id)


@pages.route("/incidents/<int:incident_id>/evaluation")
@login_required
def incident_evaluation(incident_id: int) -> Any:
    review = evs.report(viewer=current_user, incident_id=incident_id)
    s = evs.subject(viewer=current_user, incident_id=incident_id)
    return render_template("exercises/incident_evaluation.html", incident=s.incident, review=review)


@pages.route("/findings/<int:finding_id>/lesson", methods=["POST"])
@login_required
def finding_lesson(finding_id: int) -> Any:
    try:
        f = evs.make_lesson(actor=current_user, finding_id=finding_id)
    except ApiError as e:
        flash(e.message, "error")
        return redirect(request.referrer or url_for("lessons.index"))
    flash(_("Rekommendationen är nu erfarenhet %(id)s.", id=f.lesson_id), "success")
    if f.exercise_id:
        return redirect(url_for("exercises.evaluation_page", exercise_id=f.exercise_id) + f"#finding-{f.id}")
    return redirect(url_for("evaluations.incident_evaluation", incident_id=f.incident_id) + f"#finding-{f.id}")


def _review_form(kind: str, subject_id: int) -> Any:
    """The evaluator's forms on the evaluation page (no script needed): one POST, `what` says which."""
    if not evs.may_evaluate(current_user):
        raise Forbidden(_("Utvärderingen skrivs av övningsledning, ledare och observatörer."))
    f = request.form
    ids = _ids(kind, subject_id)
    what = f.get("what", "")
    try:
        if what == "objective":
            refs = [int(x) for x in f.get("log_refs", "").replace(",", " ").replace("#", " ").split() if x.isdigit()]
            evs.judge_objective(
                actor=current_user,
                key=f.get("key", ""),
                verdict=f.get("verdict", ""),
                evidence=f.get("evidence", ""),
                log_refs=refs,
                **ids,
            )
        elif what == "inject" and kind == "exercise":
            evs.judge_inject(
                actor=current_user,
                exercise_id=subject_id,
                inject_id=f.get("inject", ""),
                verdict=f.get("verdict", ""),
                note=f.get("note", ""),
            )
        elif what == "finding":
            based = f.get("based_on", "")
            evs.add_finding(
                actor=current_user,
                kind=f.get("kind", ""),
                text=f.get("text", ""),
                based_on=int(based) if based.isdigit() else None,
                owner=f.get("owner", ""),
                deadline=f.get("deadline", "") or None,
                **ids,
            )
        elif what == "question" and kind == "incident":
            evs.add_question(actor=current_user, incident_id=subject_id, text=f.get("text", ""))
        else:
            raise ApiError(_("Okänt formulär."), code="validation_error", status=422)
        flash(_("Sparat."), "success")
    except ApiError as e:
        flash(e.message, "error")
    if kind == "exercise":
        return redirect(url_for("exercises.evaluation_page", exercise_id=subject_id), 303)
    return redirect(url_for("evaluations.incident_evaluation", incident_id=subject_id), 303)


@pages.route("/exercises/<int:exercise_id>/evaluation", methods=["POST"])
@login_required
def exercise_review_form(exercise_id: int) -> Any:
    return _review_form("exercise", exercise_id)


@pages.route("/incidents/<int:incident_id>/evaluation", methods=["POST"])
@login_required
def incident_review_form(incident_id: int) -> Any:
    return _review_form("incident", incident_id)
