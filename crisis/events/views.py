from __future__ import annotations

from typing import Any, Optional

import pydantic
from flask_login import current_user
from flask_babel import lazy_gettext as _l

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, check, has_perm
from crisis.errors import NotFound
from crisis.events import service
from crisis.extensions import db
from crisis.incidents.models import Incident


class EventsQuery(pydantic.BaseModel):
    since: int = pydantic.Field(0, ge=0, description="Return events with a higher sequence number")
    limit: Optional[int] = pydantic.Field(None, ge=1, le=10_000)


class EventOut(pydantic.BaseModel):
    incident: int
    seq: int
    type: str
    at: str
    actor: Optional[str]
    data: dict[str, Any]


@operation("/incidents/<int:incident_id>/events", "GET", summary="Events after `since`, in order",
           tag="events", query=EventsQuery, response=Items[EventOut], perm="read")
def list_events(incident_id: int, query: EventsQuery) -> list[dict[str, Any]]:
    check(current_user, Perm.READ)
    if db.session.get(Incident, incident_id) is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    evs = service.since(incident_id=incident_id, seq=query.since, limit=query.limit,
                        include_confidential=has_perm(current_user, Perm.READ_CONFIDENTIAL))
    return [e.to_wire() for e in evs]
