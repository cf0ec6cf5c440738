from __future__ import annotations

from typing import Any

import pydantic
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crisis.api import operation
from crisis.auth.permissions import Perm, check, has_perm
from crisis.errors import NotFound
from crisis.events import service
from crisis.extensions import db
from crisis.incidents.models import Incident


class EventsQuery(pydantic.BaseModel):
    since: int = pydantic.Field(0, ge=0, description="Return events with a higher sequence number")
    limit: int = pydantic.Field(
        service.PAGE_LIMIT,
        ge=1,
        le=service.PAGE_MAX,
        description=f"At most this many events (default {service.PAGE_LIMIT}, max {service.PAGE_MAX})",
    )


class EventOut(pydantic.BaseModel):
    incident: int
    seq: int
    type: str
    at: str
    actor: str | None
    data: dict[str, Any]


class EventPage(pydantic.BaseModel):
    items: list[EventOut]
    head: int = pydantic.Field(description="The incident's last sequence number now")
    next_since: int | None = pydantic.Field(
        description="`since` for the next page, or null when this page reaches the end"
    )


@operation(
    "/incidents/<int:incident_id>/events",
    "GET",
    summary="Events after `since`, in order, one page at a time (follow `next_since` until null)",
    tag="events",
    query=EventsQuery,
    response=EventPage,
    perm="read",
)
def list_events(incident_id: int, query: EventsQuery) -> dict[str, Any]:
    check(current_user, Perm.READ)
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    head = incident.last_seq
    evs, next_since = service.page(
        incident_id=incident_id,
        seq=query.since,
        limit=query.limit,
        upto=head,
        include_confidential=has_perm(current_user, Perm.READ_CONFIDENTIAL),
    )
    return {"items": [e.to_wire() for e in evs], "head": head, "next_since": next_since}
