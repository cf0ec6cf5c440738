"""The training plan, record and TiB roster: API (/api/v1/training/..., /api/v1/roster) and the page /training."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, check
from crisis.errors import ApiError
from crisis.safejson import int64
from crisis.training import service
from crisis.training.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    ActivityQuery,
    QualifiedOut,
    QualifiedQuery,
    RecordIn,
    RecordOut,
    RecordQuery,
    RosterIn,
    RosterQuery,
    RosterSetOut,
    RosterWeekOut,
)

# --- API ---------------------------------------------------------------------------------


@operation(
    "/training/activities",
    "GET",
    summary="The exercise and training plan (övnings- och utbildningsplan), by date (paginated: limit, offset)",
    tag="training",
    query=ActivityQuery,
    response=Items[ActivityOut],
    perm="read",
)
def api_activities(query: ActivityQuery) -> list[dict[str, Any]]:
    return [
        service.activity_dict(a)
        for a in service.list_activities(
            viewer=current_user, period=query.period, limit=query.limit, offset=query.offset
        )
    ]


@operation(
    "/training/activities",
    "POST",
    summary="Plan an exercise or training",
    tag="training",
    body=ActivityIn,
    response=ActivityOut,
    status=201,
    perm="lead",
)
def api_create_activity(body: ActivityIn) -> dict[str, Any]:
    a = service.create_activity(
        actor=current_user,
        title=body.title,
        kind=body.kind.value,
        functions=body.functions,
        planned_on=body.planned_on,
        period=body.period,
        status=body.status.value,
        held_on=body.held_on,
    )
    return service.activity_dict(a)


@operation(
    "/training/activities/<int:activity_id>",
    "PATCH",
    summary="Mark a planned activity held or cancelled",
    tag="training",
    body=ActivityPatch,
    response=ActivityOut,
    perm="lead",
)
def api_patch_activity(activity_id: int, body: ActivityPatch) -> dict[str, Any]:
    a = service.set_status(actor=current_user, activity_id=activity_id, status=body.status.value, held_on=body.held_on)
    return service.activity_dict(a)


@operation(
    "/training/records",
    "GET",
    summary="The training record: who was trained in which staff function, newest first (paginated: limit, offset)",
    tag="training",
    query=RecordQuery,
    response=Items[RecordOut],
    perm="read",
)
def api_records(query: RecordQuery) -> list[dict[str, Any]]:
    return [
        service.record_dict(r)
        for r in service.list_records(
            viewer=current_user, function=query.function, limit=query.limit, offset=query.offset
        )
    ]


@operation(
    "/training/records",
    "POST",
    summary="Record that a user was trained or exercised in a staff function",
    tag="training",
    body=RecordIn,
    response=RecordOut,
    status=201,
    perm="lead",
)
def api_add_record(body: RecordIn) -> dict[str, Any]:
    r = service.add_record(
        actor=current_user,
        user=body.user,
        function=body.function,
        on=body.on,
        activity_id=body.activity,
        note=body.note,
    )
    return service.record_dict(r)


@operation(
    "/training/qualified",
    "GET",
    summary="Who is trained for a staff function (e.g. ?function=stabschef), most recently trained first",
    tag="training",
    query=QualifiedQuery,
    response=Items[QualifiedOut],
    perm="read",
)
def api_qualified(query: QualifiedQuery) -> list[dict[str, Any]]:
    return [service.qualified_dict(q) for q in service.qualified(viewer=current_user, function=query.function)]


@operation(
    "/roster",
    "GET",
    summary="The TiB roster: who is on duty (tib, stabschef) in the coming ISO weeks, with gap warnings",
    tag="training",
    query=RosterQuery,
    response=Items[RosterWeekOut],
    perm="read",
)
def api_roster(query: RosterQuery) -> list[dict[str, Any]]:
    return [service.roster_dict(w) for w in service.roster(viewer=current_user, start=query.start, weeks=query.weeks)]


@operation(
    "/roster",
    "PUT",
    summary="Put a user on duty for a function in an ISO week (user null clears)",
    tag="training",
    body=RosterIn,
    response=RosterSetOut,
    perm="lead",
)
def api_set_roster(body: RosterIn) -> dict[str, Any]:
    e = service.set_roster(actor=current_user, year=body.year, week=body.week, function=body.function, user=body.user)
    return {
        "year": body.year,
        "week": body.week,
        "function": body.function,
        "user": e.user.username if e and e.user else None,
    }


# --- pages ---------------------------------------------------------------------------------

pages = Blueprint("training", __name__)


class CsrfForm(FlaskForm):
    """Only the CSRF token: the fields are read from the form and validated by the service."""


def kind_labels() -> dict[str, str]:
    return {"exercise": _("Övning"), "training": _("Utbildning")}


def status_labels() -> dict[str, str]:
    return {"planned": _("Planerad"), "held": _("Genomförd"), "cancelled": _("Inställd")}


def function_labels() -> dict[str, str]:
    return {k: str(service.function_label(k)) for k in service.FUNCTIONS}


@pages.route("/training")
@login_required
def page() -> Any:
    check(current_user, Perm.READ)
    period = request.args.get("period") or service.period_of(service.today())
    function = request.args.get("function") or "stabschef"
    try:
        activities = service.list_activities(viewer=current_user, period=period)
        qualified = service.qualified(viewer=current_user, function=function)
    except ApiError as e:
        flash(e.message, "error")
        return redirect(url_for("training.page"), 303)
    return render_template(
        "training/index.html",
        period=period,
        periods=service.periods(viewer=current_user),
        activities=activities,
        function=function,
        qualified=qualified,
        records=service.list_records(viewer=current_user, limit=50),
        roster=service.roster(viewer=current_user, weeks=12),
        roster_functions=service.ROSTER_FUNCTIONS,
        functions=function_labels(),
        kinds=kind_labels(),
        statuses=status_labels(),
        usernames=service.usernames(viewer=current_user),
        form=CsrfForm(),
        today=service.today(),
    )


def _back(anchor: str) -> Any:
    return redirect(url_for("training.page", period=request.form.get("period") or None) + anchor, 303)


def _refused() -> Any:
    flash(_("Formuläret kunde inte skickas; ladda om sidan och försök igen."), "error")
    return redirect(url_for("training.page"), 303)


@pages.route("/training/activities", methods=["POST"])
@login_required
def add_activity() -> Any:
    check(current_user, Perm.LEAD)
    if not CsrfForm().validate_on_submit():
        return _refused()
    f = request.form
    try:
        a = service.create_activity(
            actor=current_user,
            title=f.get("title"),
            kind=f.get("kind"),
            functions=f.getlist("functions"),
            planned_on=f.get("planned_on"),
        )
    except ApiError as e:
        flash(e.message, "error")
        return redirect(url_for("training.page") + "#plan", 303)
    flash(_("%(title)s är inlagd i planen.", title=a.title), "ok")
    return _back("#plan")


@pages.route("/training/activities/<int:activity_id>/status", methods=["POST"])
@login_required
def activity_status(activity_id: int) -> Any:
    check(current_user, Perm.LEAD)
    if not CsrfForm().validate_on_submit():
        return _refused()
    try:
        a = service.set_status(actor=current_user, activity_id=activity_id, status=request.form.get("status"))
    except ApiError as e:
        flash(e.message, "error")
        return redirect(url_for("training.page") + "#plan", 303)
    flash(_("Status för %(title)s ändrad.", title=a.title), "ok")
    return _back(f"#activity-{a.id}")


@pages.route("/training/records", methods=["POST"])
@login_required
def add_record() -> Any:
    check(current_user, Perm.LEAD)
    if not CsrfForm().validate_on_submit():
        return _refused()
    f = request.form
    try:
        activity = int64(f["activity"]) if f.get("activity") else None
        r = service.add_record(
            actor=current_user, user=f.get("user"), function=f.get("function"), on=f.get("on"), activity_id=activity
        )
    except (ApiError, ValueError) as e:
        flash(e.message if isinstance(e, ApiError) else _("Ogiltigt värde i formuläret."), "error")
        return redirect(url_for("training.page") + "#record", 303)
    flash(_("Utbildning registrerad för %(name)s.", name=r.user.display_name or r.user.username), "ok")
    return _back("#record")


@pages.route("/training/roster", methods=["POST"])
@login_required
def set_roster() -> Any:
    check(current_user, Perm.LEAD)
    if not CsrfForm().validate_on_submit():
        return _refused()
    f = request.form
    try:
        service.set_roster(
            actor=current_user, year=f.get("year"), week=f.get("week"), function=f.get("function"), user=f.get("user")
        )
    except ApiError as e:
        flash(e.message, "error")
        return redirect(url_for("training.page") + "#roster", 303)
    flash(_("Schemat för vecka %(week)s är ändrat.", week=f.get("week")), "ok")
    return _back("#roster")
