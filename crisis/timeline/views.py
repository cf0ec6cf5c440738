"""The page /incidents/{id}/timeline and its JSON feed /api/v1/incidents/{id}/timeline.

The page renders the latest hour; its script loads earlier hours from the
feed on request ("Tidigare"), so neither grows with the incident's length.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pydantic
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from crisis.api import operation
from crisis.incidents import service as incidents
from crisis.timeline import service

pages = Blueprint("timeline", __name__)


@pages.route("/incidents/<int:incident_id>/timeline")
@login_required
def timeline(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    decisions_only = request.args.get("decisions") == "1"
    first = service.hour_page(viewer=current_user, incident_id=incident_id, decisions_only=decisions_only)
    return render_template(
        "incidents/timeline.html",
        incident=inc,
        items=first["items"],
        decisions_only=decisions_only,
        cursor=first["next"],
        count=service.count(viewer=current_user, incident_id=incident_id, decisions_only=decisions_only),
    )


class TimelineQuery(pydantic.BaseModel):
    before: datetime | None = pydantic.Field(
        None,
        description="Cursor: entries that occurred before this moment (ISO 8601 with offset; "
        "`next.before` of the previous page). Without it: the latest hour",
    )
    before_number: int | None = pydantic.Field(
        None, ge=1, description="Cursor tie-break: among entries at exactly `before`, those numbered below this"
    )
    decisions: bool = pydantic.Field(False, description="Decisions only")
    limit: int = pydantic.Field(
        service.PAGE_LIMIT,
        ge=1,
        le=service.PAGE_MAX,
        description="At most this many entries (a busy hour continues on the next page)",
    )

    @pydantic.field_validator("before")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("needs a time zone (e.g. 2026-11-24T14:00:00+01:00)")
        return v


class Cursor(pydantic.BaseModel):
    before: str
    before_number: int


class TimelinePage(pydantic.BaseModel):
    hour: str | None = pydantic.Field(description="The local hour of these entries, 'YYYY-MM-DD HH' (null: none)")
    items: list[dict[str, Any]] = pydantic.Field(description="Log entries of that hour, in time order")
    next: Cursor | None = pydantic.Field(description="Query for the next (older) page, or null at the beginning")


@operation(
    "/incidents/<int:incident_id>/timeline",
    "GET",
    summary="The timeline an hour at a time, newest hour first (log entries in the order they occurred)",
    tag="log",
    query=TimelineQuery,
    response=TimelinePage,
    perm="read",
)
def timeline_page(incident_id: int, query: TimelineQuery) -> dict[str, Any]:
    return service.hour_page(
        viewer=current_user,
        incident_id=incident_id,
        before=query.before,
        before_number=query.before_number,
        decisions_only=query.decisions,
        limit=query.limit,
    )
