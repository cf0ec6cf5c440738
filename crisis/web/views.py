"""Pages. Thin: read through services, render; writes go through the API (JS) or forms -> services."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crisis.auth.permissions import Perm, has_perm, require
from crisis.enums import IncidentStatus, Mode
from crisis.errors import ApiError
from crisis.incidents import service as incidents
from crisis.log import service as log
from crisis.staffing import service as staffing
from crisis.web.forms import IncidentForm

bp = Blueprint("web", __name__)


@bp.route("/healthz")
def healthz() -> Any:
    from crisis.extensions import db
    import sqlalchemy as sa

    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str) -> Any:
    from crisis.auth.forms import EmptyForm

    if code in ("sv", "en") and EmptyForm().validate_on_submit():
        session["lang"] = code
    target = request.referrer or url_for("web.index")
    return redirect(target if target.startswith(request.host_url) else url_for("web.index"))


@bp.route("/")
@login_required
def index() -> Any:
    all_incidents = incidents.list_incidents(viewer=current_user)
    active = [i for i in all_incidents if i.status is IncidentStatus.ACTIVE]
    return render_template(
        "index.html",
        real=[i for i in active if i.mode is Mode.REAL],
        exercises=[i for i in active if i.mode is Mode.EXERCISE],
        closed=[i for i in all_incidents if i.status is IncidentStatus.CLOSED][:20],
        kommun_level=incidents.kommun_level(incidents=all_incidents),
        form=IncidentForm() if has_perm(current_user, Perm.CREATE_INCIDENT) else None,
    )


@bp.route("/incidents", methods=["POST"])
@login_required
@require(Perm.CREATE_INCIDENT)
def create_incident() -> Any:
    form = IncidentForm()
    if form.validate_on_submit():
        try:
            incident = incidents.create(actor=current_user, title=form.title.data, kind=form.kind.data,
                                        mode=form.mode.data, level=form.level.data,
                                        description=form.description.data or "")
            return redirect(url_for("web.incident", incident_id=incident.id))
        except ApiError as e:
            flash(e.message, "error")
    else:
        for field, errors in form.errors.items():
            flash(_("%(field)s: %(errors)s", field=getattr(form, field).label.text, errors="; ".join(errors)), "error")
    return redirect(url_for("web.index"))


def _incident_or_404(incident_id: int) -> Any:
    return incidents.get(viewer=current_user, incident_id=incident_id)


@bp.route("/incidents/<int:incident_id>")
@login_required
def incident(incident_id: int) -> Any:
    inc = _incident_or_404(incident_id)
    return render_template(
        "incidents/workspace.html", incident=inc,
        staffing=staffing.staffing_dict(incident_id=incident_id),
        my_positions=staffing.held_positions(user=current_user, incident_id=incident_id),
    )


def _export_rows(incident_id: int, masked: bool) -> list[dict[str, Any]]:
    """Rows for the exports. Observers and masked exports never contain confidential text."""
    rows = log.all_for_export(incident_id=incident_id)
    may_conf = has_perm(current_user, Perm.READ_CONFIDENTIAL)
    out = []
    for e, corrected_by in rows:
        if masked or not may_conf:
            if not may_conf and not masked and e.classification.value == "confidential":
                continue
            out.append(log.masked_dict(e, corrected_by))
        else:
            out.append(log.to_dict(e, corrected_by))
    return out


@bp.route("/incidents/<int:incident_id>/log/print")
@login_required
def log_print(incident_id: int) -> Any:
    """A printable page: the paper fallback, the archive copy, or (masked=1) the public-records copy."""
    inc = _incident_or_404(incident_id)
    masked = request.args.get("masked") == "1"
    return render_template("incidents/log_print.html", incident=inc, entries=_export_rows(incident_id, masked),
                           masked=masked, verified=log.verify_chain(incident_id=incident_id) is None)


@bp.route("/incidents/<int:incident_id>/log.csv")
@login_required
def log_csv(incident_id: int) -> Response:
    inc = _incident_or_404(incident_id)
    masked = request.args.get("masked") == "1"
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    w = csv.writer(buf, delimiter=";")
    cols = ["number", "occurred_at", "recorded_at", "kind", "author", "position", "counterpart",
            "classification", "osl_ground", "text", "corrects", "corrected_by", "decided_by", "mandate", "hash"]
    w.writerow(cols)
    for row in _export_rows(incident_id, masked):
        row = dict(row, occurred_at=row["occurred_at"], recorded_at=row["recorded_at"])
        w.writerow([_csv_safe(row.get(c)) for c in cols])
    prefix = "OVNING-" if inc.is_exercise else ""
    suffix = "-utlamnande" if masked else ""
    return Response(buf.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{prefix}dagbok-{inc.id}{suffix}.csv"'})


def _csv_safe(value: Any) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in user text."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
