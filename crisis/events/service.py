"""The only writer of events, and the incident write lock.

Every change to an incident appends an Event in the same transaction as
the change. The wire form is stashed on the session and handed to the
realtime bus only after the transaction commits (see `crisis.realtime.bus`),
so a screen never sees a change that was rolled back, and every `seq` a
client sees exists in the database for replay.
"""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.db import lock_row, utcnow
from crisis.errors import Conflict, NotFound
from crisis.events.models import EVENT_TYPES, Event
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.enums import IncidentStatus

PENDING_KEY = "krisrum_pending_events"


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


def append_event(*, incident: Incident, type: str, actor: Optional[str], data: dict[str, Any],
                 confidential: bool = False) -> Event:
    """Append an event to a locked incident; it is broadcast after commit."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    incident.last_seq += 1
    event = Event(incident_id=incident.id, seq=incident.last_seq, type=type, at=utcnow(),
                  actor=actor, data=data, confidential=confidential)
    db.session.add(event)
    db.session.info.setdefault(PENDING_KEY, []).append((event.to_wire(), confidential))
    return event


BROADCAST_KEY = "krisrum_pending_broadcasts"


def queue_broadcast(room: str, name: str, data: dict[str, Any]) -> None:
    """Emit `name` with `data` to a Socket.IO room after the current transaction commits.

    For live views that are not an incident's event stream (e.g. the TiB
    inbox, room "inbox"); dropped if the transaction rolls back.
    """
    db.session.info.setdefault(BROADCAST_KEY, []).append((room, name, data))


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


def page(*, incident_id: int, seq: int, include_confidential: bool, limit: int = PAGE_LIMIT,
         upto: Optional[int] = None) -> tuple[list[Event], Optional[int]]:
    """At most `limit` events after `seq` (and not after `upto`), in order,
    and the `since` to ask for the next page (None when these were the last)."""
    limit = max(1, min(limit, PAGE_MAX))
    evs = since(incident_id=incident_id, seq=seq, include_confidential=include_confidential, limit=limit + 1)
    if upto is not None:
        evs = [e for e in evs if e.seq <= upto]
    if len(evs) > limit:
        return evs[:limit], evs[limit - 1].seq
    return evs, None
