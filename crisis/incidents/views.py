from __future__ import annotations

from typing import Any

from flask_login import current_user

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.incidents import service
from crisis.incidents.schemas import IncidentCreate, IncidentOut, IncidentPatch, IncidentQuery


@operation(
    "/incidents",
    "GET",
    summary="List incidents",
    tag="incidents",
    query=IncidentQuery,
    response=Items[IncidentOut],
    perm="read",
)
def list_incidents(query: IncidentQuery) -> list[dict[str, Any]]:
    return [i.to_dict() for i in service.list_incidents(viewer=current_user, status=query.status, mode=query.mode)]


@operation(
    "/incidents",
    "POST",
    summary="Open an incident",
    tag="incidents",
    body=IncidentCreate,
    response=IncidentOut,
    status=201,
    perm="create_incident",
)
def create_incident(body: IncidentCreate) -> dict[str, Any]:
    return service.create(actor=current_user, **body.model_dump()).to_dict()


@operation(
    "/incidents/<int:incident_id>", "GET", summary="One incident", tag="incidents", response=IncidentOut, perm="read"
)
def get_incident(incident_id: int) -> dict[str, Any]:
    return service.get(viewer=current_user, incident_id=incident_id).to_dict()


@operation(
    "/incidents/<int:incident_id>",
    "PATCH",
    summary="Change title, level (recorded as a level decision in the register) or close",
    tag="incidents",
    body=IncidentPatch,
    response=IncidentOut,
    perm="write_log (level: decide, a TiB up to CRISIS_TIB_MAX_LEVEL; close: lead)",
)
def patch_incident(incident_id: int, body: IncidentPatch) -> dict[str, Any]:
    return service.update(actor=current_user, incident_id=incident_id, **body.model_dump(exclude_unset=True)).to_dict()
