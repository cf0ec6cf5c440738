"""The lägesbild API (/api/v1/incidents/{id}/situation) and its page (/incidents/{id}/situation)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, has_perm
from crisis.incidents import service as incidents
from crisis.situation import sections, service
from crisis.situation.schemas import SituationIn, SituationOut, VersionsQuery


@operation(
    "/incidents/<int:incident_id>/situation",
    "GET",
    summary="The current lägesbild (internal: not for observers); version 0 before the first save",
    tag="situation",
    response=SituationOut,
    perm="read_confidential",
)
def get_situation(incident_id: int) -> dict[str, Any]:
    return service.current(viewer=current_user, incident_id=incident_id)


@operation(
    "/incidents/<int:incident_id>/situation",
    "PUT",
    summary="Save a new version of the lägesbild; send the version you based it on (409 if stale)",
    tag="situation",
    body=SituationIn,
    response=SituationOut,
    perm="write_log",
)
def put_situation(incident_id: int, body: SituationIn) -> dict[str, Any]:
    return service.save(
        actor=current_user,
        incident_id=incident_id,
        expected_version=body.version,
        sections=body.sections.model_dump(),
    )


@operation(
    "/incidents/<int:incident_id>/situation/versions",
    "GET",
    summary="The lägesbild's versions, newest first (paginated: limit, offset)",
    tag="situation",
    query=VersionsQuery,
    response=Items[SituationOut],
    perm="read_confidential",
)
def situation_versions(incident_id: int, query: VersionsQuery) -> list[dict[str, Any]]:
    return service.versions(viewer=current_user, incident_id=incident_id, limit=query.limit, offset=query.offset)


@operation(
    "/incidents/<int:incident_id>/situation/versions/<int:version>",
    "GET",
    summary="One earlier version of the lägesbild",
    tag="situation",
    response=SituationOut,
    perm="read_confidential",
)
def situation_version(incident_id: int, version: int) -> dict[str, Any]:
    return service.get_version(viewer=current_user, incident_id=incident_id, version=version)


# --- page -----------------------------------------------------------------------

pages = Blueprint("situation", __name__)


@pages.route("/incidents/<int:incident_id>/situation")
@login_required
def page(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    data = service.current(viewer=current_user, incident_id=incident_id)
    return render_template(
        "situation/situation.html",
        incident=inc,
        situation=data,
        sections=[(k, sections.SECTION_LABELS[k]) for k in sections.SECTIONS],
        sectors=[(k, sections.SECTOR_LABELS[k]) for k in sections.SECTORS],
        can_write=has_perm(current_user, Perm.WRITE_LOG) and inc.status.value == "active",
    )
