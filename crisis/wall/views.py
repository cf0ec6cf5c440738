"""`/incidents/{id}/wall`: the lägesbild for the room's big screen.

Thin: the page carries the incident, the event sequence it was rendered at
and the translated strings; static/js/wall.js loads the rest through the
API (log, tasks, staffing, sites, reports) and stays live via Krisrum.live,
which replays what was missed after a dropped connection or a server
restart. The screen needs no clicks: it opens straight into the picture.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crisis.incidents import service as incidents
from crisis.reports.views import CATEGORY_LABELS, SITE_STATE_LABELS, STATUS_LABELS

pages = Blueprint("wall", __name__)

STRINGS = {
    "request_line": _l("{quantity} {unit} {what}"),
    "request_from_to": _l("{from} → {to}"),
    "self": _l("kommunen"),
    "request_priorities": {"urgent": _l("AKUT"), "high": _l("Hög"), "normal": _l("Normal")},
    "request_statuses": {"requested": _l("begärd"), "confirmed": _l("bekräftad")},
    "log": _l("Senaste i dagboken"),
    "tasks": _l("Öppna uppgifter"),
    "overdue": _l("FÖRSENAD"),
    "overdue_count": _l("{n} försenade"),
    "on_duty": _l("I tjänst"),
    "sites": _l("Ur drift och i riskzon"),
    "none": _l("Inga"),
    "nobody": _l("Ingen i tjänst"),
    "more": _l("+{n} till"),
    "no_position": _l("Utan funktion"),
    "due": _l("klar {time}"),
    "confidential": _l("Sekretessbelagd post – visas inte på storbilden"),
    "corrected": _l("rättad av post {n}"),
    "report": _l("Lägesrapport {n}: {status} {time}"),
    "report_none": _l("Ingen lägesrapport ännu"),
    "next_report": _l("Nästa lägesrapport {time}"),
    "next_report_due": _l("Lägesrapport ska vara klar {time}"),
    "all_operational": _l("All verksamhet i drift"),
    "none_reported": _l("Ingen rapporterad ur drift eller i riskzon"),
    "unknown_count": _l("Okänd status: {n} av {total} verksamheter (ingen rapport)"),
    "unknown_all": _l("Okänd status: alla {total} verksamheter (ingen rapport)"),
    "unknown_at_risk": _l("varav {n} i riskzon"),
    "fullscreen": _l("Helskärm"),
    "tiles_failed": _l("Bakgrundskartan kan inte laddas; gränser och verksamheter visas ändå."),
    "states": {k: v for k, v in SITE_STATE_LABELS.items()},
    "categories": {k: v for k, v in CATEGORY_LABELS.items()},
    "report_statuses": {k: v for k, v in STATUS_LABELS.items()},
}


def _strings() -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return str(value)

    return json.dumps(plain(STRINGS), ensure_ascii=False)


@pages.route("/incidents/<int:incident_id>/wall")
@login_required
def wall(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    boundary = url_for("static", filename=current_app.config["CRISIS_BOUNDARY"])
    return render_template(
        "wall/wall.html",
        incident=inc,
        strings=_strings(),
        boundary_url=boundary,
        tile_url=current_app.config["CRISIS_TILE_URL"],
        tile_attribution=current_app.config["CRISIS_TILE_ATTRIBUTION"],
    )
