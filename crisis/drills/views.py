"""Larmövning: the API (/drills) and the page /exercises/drills (start one, see the results).

Thin: every read and write goes through `crisis.drills.service`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.validators import Optional as Opt

from crisis.api import operation
from crisis.auth.permissions import Perm, has_perm, require
from crisis.collation import sv_key
from crisis.drills import service
from crisis.drills.schemas import DrillIn, DrillList, DrillOut, DrillQuery
from crisis.errors import ApiError
from crisis.playbooks import registry

# --- API ------------------------------------------------------------------------------


@operation(
    "/drills",
    "GET",
    summary="Larmövningar, newest first",
    tag="drills",
    query=DrillQuery,
    response=DrillList,
    perm="read_confidential",
)
def api_list_drills(query: DrillQuery) -> dict[str, Any]:
    items, more = service.list_drills(viewer=current_user, page=query.page)
    return {"items": items, "more": more}


@operation(
    "/drills",
    "POST",
    summary="Start a larmövning: a test call-out to a playbook's list",
    tag="drills",
    body=DrillIn,
    response=DrillOut,
    status=201,
    perm="exercises",
)
def api_start_drill(body: DrillIn) -> dict[str, Any]:
    drill = service.start(actor=current_user, playbook_key=body.playbook, title=body.title)
    return service.get(viewer=current_user, drill_id=drill.id)


@operation(
    "/drills/<int:drill_id>",
    "GET",
    summary="One larmövning with every person's time to acknowledge",
    tag="drills",
    response=DrillOut,
    perm="read_confidential",
)
def api_get_drill(drill_id: int) -> dict[str, Any]:
    return service.get(viewer=current_user, drill_id=drill_id)


# --- pages ------------------------------------------------------------------------------

pages = Blueprint("drills", __name__)


class DrillForm(FlaskForm):
    playbook = SelectField(_l("Larmlista (från spelbok)"), validators=[DataRequired()])
    title = StringField(_l("Rubrik (valfri)"), validators=[Opt(), Length(max=200)])


def _form() -> DrillForm:
    form = DrillForm()
    form.playbook.choices = [
        (pb.key, f"{pb.title} ({len(pb.callout)})")
        for pb in sorted(registry.catalog().playbooks.values(), key=lambda p: sv_key(p.title))
        if pb.callout
    ]
    return form


@pages.route("/exercises/drills")
@login_required
@require(Perm.READ_CONFIDENTIAL)
def index() -> Any:
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    items, more = service.list_drills(viewer=current_user, page=page)
    can_run = has_perm(current_user, Perm.EXERCISES)
    return render_template(
        "drills/index.html", drills=items, more=more, page=page, can_run=can_run, form=_form() if can_run else None
    )


@pages.route("/exercises/drills", methods=["POST"])
@login_required
@require(Perm.EXERCISES)
def start() -> Any:
    form = _form()
    if not form.validate_on_submit():
        flash(_("Välj en larmlista."), "error")
        return redirect(url_for("drills.index"))
    try:
        drill = service.start(actor=current_user, playbook_key=form.playbook.data, title=form.title.data or "")
    except ApiError as e:
        flash(e.message, "error")
        return redirect(url_for("drills.index"))
    flash(_("Larmövningen är startad; meddelandena skickas nu."), "success")
    return redirect(url_for("drills.detail", drill_id=drill.id))


@pages.route("/exercises/drills/<int:drill_id>")
@login_required
@require(Perm.READ_CONFIDENTIAL)
def detail(drill_id: int) -> Any:
    return render_template("drills/detail.html", drill=service.get(viewer=current_user, drill_id=drill_id))
