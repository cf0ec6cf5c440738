"""The only writer of events, and the incident write lock.

Every change to an incident appends an Event in the same transaction as
the change. Its wire form goes to the realtime bus through the one
after-commit queue (`crisis.aftercommit`), so a screen never sees a change
that was rolled back, and every `seq` a client sees exists in the database
for replay. `data` is the object as the API returns it (built by the caller
after anything it refers to is flushed, e.g. a log entry's `id`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from crisis.db import lock_row, utcnow
from crisis.enums import IncidentStatus
from crisis.errors import Conflict, NotFound
from crisis.events.models import EVENT_TYPES, Event
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.realtime import bus


def lock_incident(*, incident_id: int, allow_closed: bool = False) -> Incident:
    """Load the incident for writing, holding its lock until commit.

    On PostgreSQL this is SELECT ... FOR UPDATE; on SQLite the enclosing
    `write_transaction` already holds the database write lock.
    """
    incident = lock_row(db.session, Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    if incident.status is IncidentStatus.CLOSED and not allow_closed:
        raise Conflict(_l("Händelse %(id)s är avslutad.", id=incident_id), code="incident_closed")
    return incident


def append_event(
    *, incident: Incident, type: str, actor: str | None, data: dict[str, Any], confidential: bool = False
) -> Event:
    """Append an event to a locked incident; it is broadcast after commit."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    if current_app.config.get("TESTING"):
        _check_data(type, data)
    incident.last_seq += 1
    row = {
        "incident_id": incident.id,
        "seq": incident.last_seq,
        "type": type,
        "at": utcnow(),
        "actor": actor,
        "data": data,
        "confidential": confidential,
    }
    # Inserted now with Core (no unit of work); the returned object is not in the session.
    db.session.execute(Event.__table__.insert(), row)
    event = Event(**row)
    bus.event_after_commit(event.to_wire(), confidential)
    return event


def replay_batches(*, incident_id: int, after: int, batch: int = 500) -> Iterator[list[tuple[dict[str, Any], bool]]]:
    """Every event after `after` as (wire, confidential), in seq order, `batch` rows per query.

    For a join's replay: the caller decides per audience what to send for a
    confidential event. Reads columns, not ORM objects, and never holds more
    than one batch.
    """
    t = Event.__table__
    last = after
    while True:
        rows = db.session.execute(
            sa.select(t.c.seq, t.c.type, t.c.at, t.c.actor, t.c.data, t.c.confidential)
            .where(t.c.incident_id == incident_id, t.c.seq > last)
            .order_by(t.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield [
            (
                {
                    "incident": incident_id,
                    "seq": r.seq,
                    "type": r.type,
                    "at": r.at.isoformat(),
                    "actor": r.actor,
                    "data": r.data,
                },
                bool(r.confidential),
            )
            for r in rows
        ]
        last = rows[-1].seq
        if len(rows) < batch:
            return


def since(*, incident_id: int, seq: int, include_confidential: bool, limit: int | None = None) -> list[Event]:
    """Events after `seq`, in order; observers' replays leave confidential ones out."""
    stmt = sa.select(Event).where(Event.incident_id == incident_id, Event.seq > seq).order_by(Event.seq)
    if not include_confidential:
        stmt = stmt.where(Event.confidential.is_(False))
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


PAGE_LIMIT = 500
PAGE_MAX = 1000


def page(
    *, incident_id: int, seq: int, include_confidential: bool, limit: int = PAGE_LIMIT, upto: int | None = None
) -> tuple[list[Event], int | None]:
    """At most `limit` events after `seq` (and not after `upto`), in order,
    and the `since` to ask for the next page (None when these were the last)."""
    limit = max(1, min(limit, PAGE_MAX))
    evs = since(incident_id=incident_id, seq=seq, include_confidential=include_confidential, limit=limit + 1)
    if upto is not None:
        evs = [e for e in evs if e.seq <= upto]
    if len(evs) > limit:
        return evs[:limit], evs[limit - 1].seq
    return evs, None


def _event_models() -> dict[str, Any]:
    """The API model each event's `data` is (the object as the API returns it)."""
    from crisis.decisions.schemas import DecisionOut
    from crisis.incidents.schemas import IncidentOut
    from crisis.log.schemas import LogEntryOut
    from crisis.messages.schemas import MessageOut, VmaOut
    from crisis.playbooks.schemas import CalloutOut, ChecklistOut
    from crisis.points.schemas import PointOut
    from crisis.reports.schemas import ReportOut
    from crisis.requests.schemas import RequestOut
    from crisis.sites.schemas import SiteStatusOut
    from crisis.staffing.schemas import StaffingOut
    from crisis.tasks.schemas import TaskOut

    return {
        "log.appended": LogEntryOut,
        "task.created": TaskOut,
        "task.updated": TaskOut,
        "staffing.changed": StaffingOut,
        "site.status": SiteStatusOut,
        "incident.updated": IncidentOut,
        "checklist.updated": ChecklistOut,
        "callout.updated": CalloutOut,
        "report.issued": ReportOut,
        "decision.recorded": DecisionOut,
        "decision.updated": DecisionOut,
        # A message to the public or a VMA request (told apart by `object`).
        "message.updated": MessageOut | VmaOut,
        "point.updated": PointOut,
        "request.updated": RequestOut,
    }


def _check_data(type: str, data: dict[str, Any]) -> None:
    """Under TESTING: an event's data must be exactly its API model (as JSON), like every API response."""
    import json

    from crisis.api import check_response

    model = _event_models().get(type)
    if model is not None:
        check_response(model, json.loads(json.dumps(data)), f"event {type}")
