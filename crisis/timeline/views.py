"""The page /incidents/{id}/timeline."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from crisis.incidents import service as incidents
from crisis.log import service as log
from crisis.timeline.grouping import by_hour

pages = Blueprint("timeline", __name__)


@pages.route("/incidents/<int:incident_id>/timeline")
@login_required
def timeline(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    decisions_only = request.args.get("decisions") == "1"
    # list_entries leaves confidential entries out for roles that may not read them.
    rows = log.list_entries(viewer=current_user, incident_id=incident_id,
                            kind="decision" if decisions_only else None)
    entries = [dict(log.to_dict(e, corrected_by), at=e.occurred_at) for e, corrected_by in rows]
    return render_template("incidents/timeline.html", incident=inc, groups=by_hour(entries, at=lambda e: e["at"]),
                           decisions_only=decisions_only, count=len(entries))

