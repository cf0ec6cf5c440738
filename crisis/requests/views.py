"""The resource requests API: GET|POST /api/v1/incidents/{id}/requests, GET|PATCH /api/v1/requests/{id}.

Shown on the incident workspace (requests panel, static/js/requests.js) and
the wall (open requests, most urgent first), both live through `request.updated`.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.requests import labels, service
from crisis.requests.schemas import RequestIn, RequestOut, RequestPatch, RequestsQuery


@operation(
    "/incidents/<int:incident_id>/requests",
    "GET",
    summary="Resource requests of an incident: open first, most urgent first (?open=true: open only)",
    tag="requests",
    query=RequestsQuery,
    response=Items[RequestOut],
    perm="read",
)
def list_requests(incident_id: int, query: RequestsQuery) -> list[dict[str, Any]]:
    rows = service.list_requests(
        viewer=current_user, incident_id=incident_id, open_only=query.open, limit=query.limit, offset=query.offset
    )
    return [service.to_dict(r) for r in rows]


@operation(
    "/incidents/<int:incident_id>/requests",
    "POST",
    summary="Record a resource request (begäran om stöd) or offer (erbjudande); exactly one of from_actor/to_actor",
    tag="requests",
    body=RequestIn,
    response=RequestOut,
    status=201,
    perm="write_log",
)
def create_request(incident_id: int, body: RequestIn) -> dict[str, Any]:
    return service.to_dict(service.create(actor=current_user, incident_id=incident_id, **body.model_dump()))


@operation(
    "/requests/<int:request_id>",
    "GET",
    summary="One resource request",
    tag="requests",
    response=RequestOut,
    perm="read",
)
def get_request(request_id: int) -> dict[str, Any]:
    return service.to_dict(service.get(viewer=current_user, request_id=request_id))


@operation(
    "/requests/<int:request_id>",
    "PATCH",
    summary="Move a request: requested -> confirmed -> delivered -> returned, or declined (409 otherwise)",
    tag="requests",
    body=RequestPatch,
    response=RequestOut,
    perm="write_log",
)
def patch_request(request_id: int, body: RequestPatch) -> dict[str, Any]:
    req = service.transition(
        actor=current_user, request_id=request_id, status=body.status, expected_version=body.version, note=body.note
    )
    return service.to_dict(req)


def request_strings() -> dict[str, Any]:
    """Jinja global: the requests panel's words (statuses, priorities, kinds) in the page's language."""
    return {
        "statuses": {k: str(v) for k, v in labels.STATUS_LABELS.items()},
        "priorities": {k: str(v) for k, v in labels.PRIORITY_LABELS.items()},
        "kinds": {k: str(v) for k, v in labels.KIND_LABELS.items()},
        "transitions": {k: sorted(v) for k, v in labels.TRANSITIONS.items()},
    }
