"""The service points API (/api/v1/incidents/{id}/points, /api/v1/points/{id}); the page is the
communication page (crisis/messages/views.py)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.points import service
from crisis.points.schemas import PointIn, PointOut, PointPatch, PointsQuery


@operation(
    "/incidents/<int:incident_id>/points",
    "GET",
    summary="The service points of an incident (trygghetspunkter, nödvatten, krisstöd, evakuering)",
    tag="points",
    query=PointsQuery,
    response=Items[PointOut],
    perm="read",
)
def list_points(incident_id: int, query: PointsQuery) -> list[dict[str, Any]]:
    rows = service.list_points(
        viewer=current_user,
        incident_id=incident_id,
        status=query.status,
        kind=query.kind,
        limit=query.limit,
        offset=query.offset,
    )
    return [service.view_dict(current_user, p) for p in rows]


@operation(
    "/incidents/<int:incident_id>/points",
    "POST",
    summary="Add a service point (planned, or open now)",
    tag="points",
    body=PointIn,
    response=PointOut,
    status=201,
    perm="write_log",
)
def create_point(incident_id: int, body: PointIn) -> dict[str, Any]:
    fields = body.model_dump(exclude_unset=True)
    p = service.create(actor=current_user, incident_id=incident_id, **fields)
    return service.view_dict(current_user, p)


@operation("/points/<int:point_id>", "GET", summary="One service point", tag="points", response=PointOut, perm="read")
def get_point(point_id: int) -> dict[str, Any]:
    return service.view_dict(current_user, service.get(viewer=current_user, point_id=point_id))


@operation(
    "/points/<int:point_id>",
    "PATCH",
    summary="Change a point: details, open/close (optionally by a decision), add delivered nödvatten (litres)",
    tag="points",
    body=PointPatch,
    response=PointOut,
    perm="write_log",
)
def patch_point(point_id: int, body: PointPatch) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    p = service.update(actor=current_user, point_id=point_id, expected_version=version, **changes)
    return service.view_dict(current_user, p)
