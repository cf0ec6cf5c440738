"""The exports of a report: the WIS text and the public warning as OASIS CAP 1.2
(built, checked before approval, validated before it is served)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _

from crisis.auth.models import User
from crisis.config import ROOT
from crisis.db import utcnow
from crisis.errors import Conflict
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.reports import cap, service, text
from crisis.reports.models import Report
from crisis.reports.schemas import to_dict
from crisis.sites import sensitive


def wis_text(*, viewer: User, report_id: int) -> tuple[Report, str]:
    report = service.get(viewer=viewer, report_id=report_id)
    return report, text.render_wis_text(
        sensitive.report_for(viewer, to_dict(report)),
        kommun=current_app.config.get("CRISIS_KOMMUN", ""),
        recipient=service.configured_recipient(),
    )


@lru_cache(maxsize=4)
def _boundary(path: str) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        geoms: list[dict[str, Any]] = [f["geometry"] for f in data["features"]]
        if len(geoms) == 1:
            return geoms[0]
        coords: list[Any] = []
        for g in geoms:
            coords += [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        return {"type": "MultiPolygon", "coordinates": coords}
    geometry: dict[str, Any] = data.get("geometry", data)
    return geometry


def _token(value: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9._@:-]+", "-", value).strip("-") or "krisrum"


def cap_sender() -> str:
    configured = current_app.config.get("CRISIS_CAP_SENDER")
    if configured:
        return _token(configured)
    return "krisrum." + _token(current_app.config.get("CRISIS_KOMMUN", "kommun").lower())


def cap_identifier(report: Report) -> str:
    return f"{cap_sender()}.incident-{report.incident_id}.report-{report.number}"


# The report fields behind the required CAP elements, with the labels the report form shows.
# (Plain msgids, translated where used: the same strings are marked in reports/views.py FIELD_LABELS.)
CAP_FIELD_LABELS = {
    "cap_headline": "Rubrik till allmänheten",
    "cap_description": "Information till allmänheten",
    "cap_area_desc": "Område (beskrivning)",
}
_CAP_REQUIRED = {
    "headline is required": "cap_headline",
    "description is required": "cap_description",
    "area_desc is required": "cap_area_desc",
}


def cap_problems(report: Report, incident: Incident) -> tuple[list[str], list[str]]:
    """Why this report could not produce a valid CAP message if approved now:
    (missing report fields, other reasons). Both empty when it can."""
    try:
        msg = build_cap(report, incident, sent=utcnow())
    except cap.CapInputError as e:
        missing = [_CAP_REQUIRED[err] for err in e.errors if err in _CAP_REQUIRED]
        return missing, [err for err in e.errors if err not in _CAP_REQUIRED]
    except ValueError as e:
        return [], [str(e)]
    return [], list(cap.validate_cap(cap.render_cap(msg)))


def build_cap(report: Report, incident: Incident, sent: datetime | None = None) -> cap.CapMessage:
    """The public warning of an approved report as a CapMessage (raises CapInputError).
    `sent` stands in for the approval time when checking a draft before approval."""
    prev = service.by_number(report.incident_id, report.supersedes) if report.supersedes else None
    refs = []
    if prev is not None and prev.approved_at is not None:
        refs.append(cap.CapReference(cap_sender(), cap_identifier(prev), prev.approved_at))
    geometry = report.area or _boundary(str(ROOT / "static" / current_app.config["CRISIS_BOUNDARY"]))
    kommun = current_app.config.get("CRISIS_KOMMUN", "")
    when = sent or report.approved_at
    if when is None:
        raise cap.CapInputError(["sent is required: the report is not approved"])
    # The stored codes are plain strings; CapMessage checks them against CAP's
    # value lists and raises CapInputError naming any that is not one.
    return cap.CapMessage(
        identifier=cap_identifier(report),
        sender=cap_sender(),
        sent=when,
        exercise=incident.is_exercise,
        msg_type="Update" if refs else "Alert",
        references=refs,
        category=cast(cap.Category, report.cap_category),
        event=incident.kind or incident.title,
        urgency=cast(cap.Urgency, report.cap_urgency),
        severity=cast(cap.Severity, report.cap_severity),
        certainty=cast(cap.Certainty, report.cap_certainty),
        sender_name=f"{kommun} – central krisledning" if kommun else "Central krisledning",
        headline=report.cap_headline or incident.title,
        description=report.cap_description,
        instruction=report.cap_instruction or None,
        area_desc=report.cap_area_desc or kommun,
        polygons=cap.geojson_to_cap_rings(geometry),
        note=f"Lägesrapport {report.number}" + (f", ersätter {report.supersedes}" if report.supersedes else ""),
    )


def cap_xml(*, viewer: User, report_id: int) -> tuple[Report, bytes]:
    """OASIS CAP 1.2, validated before it is served; a report that cannot make one is a 409 with the reasons."""
    report = service.get(viewer=viewer, report_id=report_id)
    incident = incidents.get(viewer=viewer, incident_id=report.incident_id)
    if report.is_draft:
        raise Conflict(
            _(
                "Lägesrapport %(n)s är ett utkast. Varningen till allmänheten (CAP) görs bara av en "
                "fastställd rapport.",
                n=report.number,
            ),
            code="not_approved",
        )
    try:
        msg = build_cap(report, incident)
    except cap.CapInputError as e:
        missing = [_(CAP_FIELD_LABELS[_CAP_REQUIRED[err]]) for err in e.errors if err in _CAP_REQUIRED]
        reason = _("saknar %(fields)s", fields=", ".join(missing)) if missing else "; ".join(e.errors)
        raise Conflict(
            _(
                "Lägesrapport %(n)s kan inte bli en giltig varning till allmänheten (CAP): %(reason)s.",
                n=report.number,
                reason=reason,
            ),
            code="cap_invalid",
            details=e.errors,
        ) from None
    except ValueError as e:
        raise Conflict(
            _(
                "Varningsområdet i lägesrapport %(n)s kan inte bli en CAP-polygon: %(reason)s.",
                n=report.number,
                reason=str(e),
            ),
            code="cap_invalid",
            details=[str(e)],
        ) from None
    xml = cap.render_cap(msg)
    errors = cap.validate_cap(xml)
    if errors:
        raise Conflict(
            _(
                "Varningen till allmänheten (CAP) för lägesrapport %(n)s är inte giltig: %(reason)s.",
                n=report.number,
                reason="; ".join(errors[:5]),
            ),
            code="cap_invalid",
            details=errors,
        )
    return report, xml
