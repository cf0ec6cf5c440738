"""Readiness: API (GET|PUT /api/v1/readiness), the page /readiness, and every page's banner."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length
from wtforms.validators import Optional as Opt

from crisis import labels
from crisis.api import operation
from crisis.auth.permissions import Perm, has_perm
from crisis.errors import ApiError
from crisis.readiness import service
from crisis.readiness.schemas import ReadinessIn, ReadinessOut

# --- API ---------------------------------------------------------------------------------


def _state(viewer: Any) -> dict[str, Any]:
    return {
        "current": service.to_dict(service.current(viewer=viewer)),
        "history": [service.to_dict(r) for r in service.history(viewer=viewer)],
    }


@operation(
    "/readiness",
    "GET",
    summary="The kommun's readiness (beredskapsläge): current and recent history",
    tag="readiness",
    response=ReadinessOut,
    perm="read",
)
def get_readiness() -> dict[str, Any]:
    return _state(current_user)


@operation(
    "/readiness",
    "PUT",
    summary="Record the government's decision on höjd beredskap (or its end) for the whole kommun",
    tag="readiness",
    body=ReadinessIn,
    response=ReadinessOut,
    perm="lead",
)
def put_readiness(body: ReadinessIn) -> dict[str, Any]:
    service.record(
        actor=current_user,
        readiness=body.readiness.value,
        decided_at=body.decided_at,
        reference=body.reference,
        note=body.note,
    )
    return _state(current_user)


# --- pages ---------------------------------------------------------------------------------

pages = Blueprint("readiness", __name__)


class ReadinessForm(FlaskForm):
    readiness = SelectField(_l("Beredskapsläge"), validate_choice=False)
    decided_at = DateField(_l("Datum för regeringens beslut"), validators=[Opt()])
    reference = StringField(_l("Regeringsbeslutets diarienummer"), validators=[Opt(), Length(max=100)])
    note = TextAreaField(_l("Anteckning"), validators=[Opt(), Length(max=2000)])


def banner_text(state: dict[str, Any], template: str) -> str:
    """'HÖJD BEREDSKAP – skärpt beredskap sedan 2026-11-27 (Fö2026/01234)' ('' in peace)."""
    if not state["heightened"]:
        return ""
    name = str(labels.READINESS[state["readiness"]])
    values = {"label": name[0].lower() + name[1:], "date": state["decided_at"] or "", "ref": state["reference"] or ""}
    text = template
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def banner() -> dict[str, Any] | None:
    """The current readiness for the banner of every page (None when not logged in)."""
    if not current_user.is_authenticated:
        return None
    state = service.to_dict(service.current_state())
    # The same template in static/js/readiness.js renders a live change.
    state["template"] = _("HÖJD BEREDSKAP – {label} sedan {date} ({ref})")
    state["text"] = banner_text(state, state["template"])
    return state


@pages.route("/readiness", methods=["GET", "POST"])
@login_required
def page() -> Any:
    form = ReadinessForm()
    form.readiness.choices = [(k, str(v)) for k, v in labels.READINESS.items()]
    if form.is_submitted():
        if form.validate():
            try:
                service.record(
                    actor=current_user,
                    readiness=form.readiness.data,
                    decided_at=form.decided_at.data,
                    reference=form.reference.data,
                    note=form.note.data,
                )
            except ApiError as e:
                flash(e.message, "error")
            else:
                flash(_("Beredskapsläget är registrerat."), "ok")
                return redirect(url_for("readiness.page"), 303)
        else:
            for field, errors in form.errors.items():
                flash(
                    _("%(field)s: %(errors)s", field=getattr(form, field).label.text, errors="; ".join(errors)), "error"
                )
    now = service.current(viewer=current_user)
    return render_template(
        "readiness/page.html",
        form=form,
        now=service.to_dict(now),
        now_label=service.label(now),
        rows=service.history(viewer=current_user),
        may_record=has_perm(current_user, Perm.LEAD),
    )
