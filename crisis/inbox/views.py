"""The TiB inbox: API (/deviations) and pages (/inbox for the TiB, /inbox/new for any förvaltning)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pydantic
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.validators import Optional as Opt

from crisis.api import operation
from crisis.api.schemas import Items, Strict
from crisis.auth.permissions import Perm, has_perm, require
from crisis.errors import ApiError, ValidationError
from crisis.inbox import service

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# --- API ---------------------------------------------------------------------------------


class DeviationIn(Strict):
    what: str = pydantic.Field(min_length=1, max_length=2000, description="What happened")
    where: str = pydantic.Field("", max_length=300, description="Where")
    since: datetime | None = pydantic.Field(None, description="Since when (ISO 8601 with offset)")
    services: str = pydantic.Field("", max_length=1000, description="Which services are or may be affected")
    contact: str = pydantic.Field(min_length=1, max_length=300, description="Who the TiB calls back (name, phone)")
    organisation: str = pydantic.Field(min_length=1, max_length=200, description="The reporting förvaltning or bolag")


class AssessIn(Strict):
    action: Literal["dismiss", "monitor"]
    reason: str | None = pydantic.Field(None, max_length=2000, description="dismiss: why (required)")
    follow_up_at: datetime | None = pydantic.Field(None, description="monitor: when it comes back")
    note: str | None = pydantic.Field(None, max_length=2000, description="monitor: what to watch")


class StepOut(pydantic.BaseModel):
    at: str
    actor: str | None
    action: str
    text: str


class DeviationOut(pydantic.BaseModel):
    id: int
    what: str
    where: str
    since: str | None
    services: str
    contact: str
    organisation: str
    reported_by: str
    reported_at: str
    status: Literal["new", "monitoring", "dismissed", "activated"]
    follow_up_at: str | None
    follow_up_due: bool
    incident: int | None
    updated_at: str
    history: list[StepOut]


class DeviationQuery(pydantic.BaseModel):
    status: Literal["new", "monitoring", "dismissed", "activated"] | None = None


@operation(
    "/deviations",
    "GET",
    summary="Deviation reports: all for the TiB, your own for reporters",
    tag="inbox",
    query=DeviationQuery,
    response=Items[DeviationOut],
    perm="create_incident (own: report)",
)
def api_list(query: DeviationQuery) -> list[dict[str, Any]]:
    return [d.to_dict() for d in service.list_deviations(viewer=current_user, status=query.status)]


@operation(
    "/deviations",
    "POST",
    summary="Report an abnormal event to the TiB",
    tag="inbox",
    body=DeviationIn,
    response=DeviationOut,
    status=201,
    perm="report",
)
def api_report(body: DeviationIn) -> dict[str, Any]:
    return service.report(actor=current_user, **body.model_dump()).to_dict()


@operation(
    "/deviations/<int:deviation_id>",
    "GET",
    summary="One deviation report with its history",
    tag="inbox",
    response=DeviationOut,
    perm="create_incident (own: report)",
)
def api_get(deviation_id: int) -> dict[str, Any]:
    return service.get(viewer=current_user, deviation_id=deviation_id).to_dict()


@operation(
    "/deviations/<int:deviation_id>/assess",
    "POST",
    summary="Dismiss with a reason, or keep under monitoring until a follow-up time "
    "(activate: POST /playbooks/{key}/activate with `deviation`)",
    tag="inbox",
    body=AssessIn,
    response=DeviationOut,
    perm="create_incident",
)
def api_assess(deviation_id: int, body: AssessIn) -> dict[str, Any]:
    if body.action == "dismiss":
        d = service.dismiss(actor=current_user, deviation_id=deviation_id, reason=body.reason or "")
    else:
        if body.follow_up_at is None:
            raise ValidationError(_l("Bevakning behöver en uppföljningstid (follow_up_at)."))
        d = service.monitor(
            actor=current_user, deviation_id=deviation_id, follow_up_at=body.follow_up_at, note=body.note or ""
        )
    return d.to_dict()


# --- pages ---------------------------------------------------------------------------------

pages = Blueprint("inbox", __name__)


class ReportForm(FlaskForm):
    organisation = StringField(_l("Förvaltning eller bolag"), validators=[DataRequired(), Length(max=200)])
    what = TextAreaField(_l("Vad har hänt?"), validators=[DataRequired(), Length(max=2000)])
    where = StringField(_l("Var?"), validators=[Opt(), Length(max=300)])
    since = DateTimeLocalField(_l("Sedan när?"), format="%Y-%m-%dT%H:%M", validators=[Opt()])
    services = StringField(_l("Vilka verksamheter påverkas eller kan påverkas?"), validators=[Opt(), Length(max=1000)])
    contact = StringField(_l("Kontaktperson och telefon"), validators=[DataRequired(), Length(max=300)])


@pages.route("/inbox")
@login_required
@require(Perm.CREATE_INCIDENT)
def inbox() -> Any:
    return render_template("inbox/inbox.html")


@pages.route("/inbox/new", methods=["GET", "POST"])
@login_required
@require(Perm.REPORT)
def new() -> Any:
    form = ReportForm()
    if form.validate_on_submit():
        since = form.since.data.replace(tzinfo=STOCKHOLM) if form.since.data else None
        try:
            d = service.report(
                actor=current_user,
                what=form.what.data,
                where=form.where.data or "",
                since=since,
                services=form.services.data or "",
                contact=form.contact.data,
                organisation=form.organisation.data,
            )
        except ApiError as e:
            flash(e.message, "error")
        else:
            flash(_("Rapport %(id)s skickad till tjänstepersonen i beredskap.", id=d.id), "ok")
            return redirect(url_for("inbox.new"))
    elif form.errors:
        for field, errors in form.errors.items():
            flash(_("%(field)s: %(errors)s", field=getattr(form, field).label.text, errors="; ".join(errors)), "error")
    mine = (
        service.list_deviations(viewer=current_user)
        if not has_perm(current_user, Perm.CREATE_INCIDENT)
        else [d for d in service.list_deviations(viewer=current_user) if d.reported_by_id == current_user.id]
    )
    return render_template("inbox/new.html", form=form, mine=mine[:20])


def inbox_counts() -> dict[str, int]:
    """The menu's counters (a Jinja global, see crisis.inbox.init_app)."""
    if not has_perm(current_user, Perm.CREATE_INCIDENT):
        return {"new": 0, "follow_up_due": 0}
    return service.open_count()
