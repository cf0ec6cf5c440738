"""Lessons: API (/api/v1/lessons) and the page /lessons."""

from __future__ import annotations

from datetime import date
from typing import Any

import pydantic
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.validators import Optional as Opt

from crisis.api import operation
from crisis.api.schemas import Items, Strict
from crisis.auth.permissions import Perm, check
from crisis.errors import ApiError
from crisis.exercises.evaluations import lesson_origin
from crisis.lessons import service
from crisis.lessons.models import LessonStatus
from crisis.safejson import int64

# --- API ---------------------------------------------------------------------------------


class LessonIn(Strict):
    observation: str = pydantic.Field(min_length=1, max_length=5000, description="What was observed")
    recommendation: str = pydantic.Field("", max_length=5000, description="What should be done")
    owner: str | None = pydantic.Field(None, max_length=200, description="Who owns it (free text)")
    owner_user: str | None = pydantic.Field(None, max_length=64, description="…or a user (username)")
    deadline: date | None = pydantic.Field(None, description="YYYY-MM-DD")
    incident: int | None = pydantic.Field(None, description="The incident it comes from")
    exercise: int | None = pydantic.Field(None, description="The exercise it comes from")
    status: LessonStatus = LessonStatus.PROPOSED


class LessonPatch(Strict):
    status: LessonStatus | None = None
    owner: str | None = pydantic.Field(None, max_length=200)
    owner_user: str | None = pydantic.Field(None, max_length=64)
    deadline: date | None = pydantic.Field(None, description="YYYY-MM-DD; null clears it")


class LessonQuery(pydantic.BaseModel):
    status: LessonStatus | None = None
    incident: int | None = None
    open: bool | None = pydantic.Field(None, description="true: only proposed, decided, in_progress")


class ChangeOut(pydantic.BaseModel):
    field: str
    old: str | None
    new: str | None
    at: str
    by: str


class OriginOut(pydantic.BaseModel):
    finding: int
    exercise: int | None
    incident: int | None
    text: str


class LessonOut(pydantic.BaseModel):
    id: int
    incident: int | None
    exercise: int | None
    observation: str
    recommendation: str
    owner: str
    deadline: str | None
    status: str
    overdue: bool
    created_by: str
    created_at: str
    updated_by: str
    updated_at: str
    history: list[ChangeOut]
    origin: OriginOut | None = pydantic.Field(
        None, description="The evaluation recommendation this lesson was made from"
    )


@operation(
    "/lessons",
    "GET",
    summary="Lessons (erfarenheter), soonest deadline first",
    tag="lessons",
    query=LessonQuery,
    response=Items[LessonOut],
    perm="read",
)
def list_lessons(query: LessonQuery) -> list[dict[str, Any]]:
    rows = service.list_lessons(
        viewer=current_user,
        status=query.status.value if query.status else None,
        incident_id=query.incident,
        open_only=bool(query.open),
    )
    return [service.to_dict(x) for x in rows]


@operation(
    "/lessons",
    "POST",
    summary="Record a lesson (observation, recommendation, owner, deadline)",
    tag="lessons",
    body=LessonIn,
    response=LessonOut,
    status=201,
    perm="write_log",
)
def create_lesson(body: LessonIn) -> dict[str, Any]:
    lesson = service.create(
        actor=current_user,
        observation=body.observation,
        recommendation=body.recommendation,
        owner=body.owner,
        owner_user=body.owner_user,
        deadline=body.deadline,
        incident_id=body.incident,
        exercise_id=body.exercise,
        status=body.status.value,
    )
    return service.to_dict(lesson)


@operation(
    "/lessons/<int:lesson_id>",
    "GET",
    summary="One lesson with its history",
    tag="lessons",
    response=LessonOut,
    perm="read",
)
def get_lesson(lesson_id: int) -> dict[str, Any]:
    return service.to_dict(service.get(viewer=current_user, lesson_id=lesson_id))


@operation(
    "/lessons/<int:lesson_id>",
    "PATCH",
    summary="Change status, owner or deadline",
    tag="lessons",
    body=LessonPatch,
    response=LessonOut,
    perm="lead, or write_log for the lesson's creator",
)
def patch_lesson(lesson_id: int, body: LessonPatch) -> dict[str, Any]:
    fields = body.model_dump(exclude_unset=True)
    if "status" in fields:
        if fields["status"] is None:
            from crisis.errors import ValidationError

            raise ValidationError(_l("%(field)s får inte vara null.", field="status"))
        fields["status"] = fields["status"].value
    lesson = service.update(actor=current_user, lesson_id=lesson_id, **fields)
    return service.to_dict(lesson)


# --- pages ---------------------------------------------------------------------------------

pages = Blueprint("lessons", __name__)


def status_labels() -> dict[str, str]:
    return {
        "proposed": _("Föreslagen"),
        "decided": _("Beslutad"),
        "in_progress": _("Pågår"),
        "done": _("Genomförd"),
        "dropped": _("Avförd"),
    }


class LessonForm(FlaskForm):
    observation = TextAreaField(_l("Iakttagelse"), validators=[DataRequired(), Length(max=5000)])
    recommendation = TextAreaField(_l("Rekommendation"), validators=[Opt(), Length(max=5000)])
    owner = StringField(_l("Ansvarig"), validators=[Opt(), Length(max=200)])
    deadline = DateField(_l("Klart senast"), validators=[Opt()])
    incident = SelectField(_l("Händelse"), validators=[Opt()], validate_choice=False)


class StatusForm(FlaskForm):
    status = SelectField(_l("Ny status"), validate_choice=False)


def _incident_choices() -> list[tuple[str, str]]:
    from crisis.incidents import service as incidents

    rows = incidents.list_incidents(viewer=current_user)
    # An exercise is never mistaken for a real incident: it says ÖVNING.
    return [("", _("Ingen"))] + [
        (str(i.id), f"{i.id}: {_('ÖVNING')}: {i.title}" if i.is_exercise else f"{i.id}: {i.title}") for i in rows
    ]


@pages.route("/lessons", methods=["GET", "POST"])
@login_required
def index() -> Any:
    form = LessonForm()
    form.incident.choices = _incident_choices()
    if request.method == "POST":
        check(current_user, Perm.WRITE_LOG)
        if form.validate_on_submit():
            try:
                lesson = service.create(
                    actor=current_user,
                    observation=form.observation.data,
                    recommendation=form.recommendation.data or "",
                    owner=form.owner.data,
                    deadline=form.deadline.data,
                    incident_id=int64(form.incident.data) if form.incident.data else None,
                )
            except (ApiError, ValueError) as e:
                flash(e.message if isinstance(e, ApiError) else _("Ogiltigt värde i formuläret."), "error")
            else:
                flash(_("Erfarenhet %(id)s registrerad.", id=lesson.id), "ok")
                return redirect(url_for("lessons.index") + f"#lesson-{lesson.id}", 303)
        else:
            for field, errors in form.errors.items():
                flash(
                    _("%(field)s: %(errors)s", field=getattr(form, field).label.text, errors="; ".join(errors)), "error"
                )
    only = request.args.get("incident", type=int64)
    rows = service.list_lessons(viewer=current_user, incident_id=only)
    groups = [(s.value, [x for x in rows if x.status is s]) for s in LessonStatus]
    return render_template(
        "lessons/index.html",
        form=form,
        groups=groups,
        status_labels=status_labels(),
        today=service.today(),
        is_overdue=service.is_overdue,
        may_change=service.may_change,
        status_form=StatusForm(),
        only_incident=only,
        origin=lesson_origin,
    )


@pages.route("/lessons/<int:lesson_id>/status", methods=["POST"])
@login_required
def change_status(lesson_id: int) -> Any:
    form = StatusForm()
    form.status.choices = [(s.value, s.value) for s in LessonStatus]
    if form.validate_on_submit():
        try:
            service.update(actor=current_user, lesson_id=lesson_id, status=form.status.data)
        except ApiError as e:
            flash(e.message, "error")
        else:
            flash(_("Status för erfarenhet %(id)s ändrad.", id=lesson_id), "ok")
    else:
        flash(_("Formuläret kunde inte skickas; ladda om sidan och försök igen."), "error")
    return redirect(url_for("lessons.index") + f"#lesson-{lesson_id}", 303)
