"""Pages. Thin: read through services, render; writes go through the API (JS) or forms -> services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, session, stream_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crisis import csvexport
from crisis.auth.permissions import Perm, has_perm, require
from crisis.decisions import service as decisions
from crisis.enums import OPEN_INCIDENT_STATUSES, IncidentStatus, Mode
from crisis.errors import ApiError
from crisis.incidents import service as incidents
from crisis.log import export
from crisis.samband import service as samband
from crisis.staffing import service as staffing
from crisis.web import offline
from crisis.web.forms import IncidentForm

bp = Blueprint("web", __name__)


@bp.route("/healthz")
def healthz() -> Any:
    import sqlalchemy as sa

    from crisis.extensions import db

    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/sw.js")
def service_worker() -> Any:
    """The offline service worker (crisis/web/offline.py): public, like the static files it caches."""
    return offline.service_worker()


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
    if not has_perm(current_user, Perm.READ) and has_perm(current_user, Perm.REPORT):
        # A reporter (förvaltning, bolag) has one page: the report form with their own reports.
        return redirect(url_for("inbox.new"))
    all_incidents = incidents.list_incidents(viewer=current_user)
    active = [i for i in all_incidents if i.status in OPEN_INCIDENT_STATUSES]
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
            incident = incidents.create(
                actor=current_user,
                title=form.title.data,
                kind=form.kind.data,
                mode=form.mode.data,
                level=form.level.data,
                description=form.description.data or "",
            )
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
    keep = offline.may_keep_offline(current_user)
    resp = Response(
        render_template(
            "incidents/workspace.html",
            incident=inc,
            staffing=staffing.staffing_dict(incident_id=incident_id),
            my_positions=staffing.held_positions(user=current_user, incident_id=incident_id),
            follow_ups=decisions.upcoming_follow_ups(viewer=current_user, incident_id=incident_id),
            samband=samband.get(viewer=current_user, incident_id=incident_id),
            offline_copy=keep,
        )
    )
    if keep:  # the service worker keeps this page for a network drop (never an observer's)
        resp.headers[offline.OFFLINE_HEADER] = "keep"
    return resp


@bp.route("/incidents/<int:incident_id>/log/print")
@login_required
def log_print(incident_id: int) -> Any:
    """A printable page: the paper fallback, the archive copy, or (masked=1) the public-records copy.

    Streamed: the page is written while the entries are read, a chunk at a
    time, and the chain is verified on the way (the verdict ends the page).
    """
    masked = request.args.get("masked") == "1"
    # The read audit commits: before the incident is loaded for the streamed page.
    export.audit(viewer=current_user, incident_id=incident_id, masked=masked, via="print")
    inc = _incident_or_404(incident_id)
    check = export.ChainCheck()
    entries = export.print_rows(viewer=current_user, incident_id=incident_id, masked=masked, check=check)
    mark = export.marking(viewer=current_user, incident_id=incident_id, masked=masked)
    page = stream_template(
        "incidents/log_print.html", incident=inc, entries=entries, masked=masked, chain=check, marking=mark
    )
    resp = Response(_in_chunks(page))
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _in_chunks(parts: Iterator[str], size: int = 32_768) -> Iterator[str]:
    """Join a template's many small pieces into chunks of about `size` characters."""
    buf: list[str] = []
    n = 0
    for part in parts:
        buf.append(part)
        n += len(part)
        if n >= size:
            yield "".join(buf)
            buf.clear()
            n = 0
    if buf:
        yield "".join(buf)


@bp.route("/incidents/<int:incident_id>/log.csv")
@login_required
def log_csv(incident_id: int) -> Response:
    inc = _incident_or_404(incident_id)
    masked = request.args.get("masked") == "1"
    prefix = "OVNING-" if inc.is_exercise else ""
    suffix = "-utlamnande" if masked else ""
    export.audit(viewer=current_user, incident_id=incident_id, masked=masked)
    rows = export.rows(viewer=current_user, incident_id=incident_id, masked=masked)
    return csvexport.response(f"{prefix}dagbok-{inc.id}{suffix}.csv", export.CSV_COLUMNS, rows)
