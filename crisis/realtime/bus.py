"""One emit helper, and the session hooks that call it after commit.

Rooms: `incident:{id}` holds everyone who may read confidential entries,
`incident:{id}:restricted` holds observers. A confidential event goes only
to the first room. With CRISIS_MESSAGE_QUEUE set, Flask-SocketIO sends
through Redis, so events written by any process reach every screen.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crisis.events.service import BROADCAST_KEY, PENDING_KEY
from crisis.extensions import socketio


def room_for(incident_id: int, *, restricted: bool) -> str:
    return f"incident:{incident_id}:restricted" if restricted else f"incident:{incident_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def publish(wire: dict[str, Any], confidential: bool) -> None:
    incident_id = wire["incident"]
    rooms = [room_for(incident_id, restricted=False)]
    if not confidential:
        rooms.append(room_for(incident_id, restricted=True))
    socketio.emit("event", wire, to=rooms)


def publish_to(room: str, event_name: str, data: dict[str, Any]) -> None:
    """Emit to any room (e.g. "inbox"); called after commit through the session's pending list."""
    socketio.emit(event_name, data, to=room)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    for wire, confidential in pending or ():
        publish(wire, confidential)
    for room, event_name, data in session.info.pop(BROADCAST_KEY, None) or ():
        publish_to(room, event_name, data)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
    session.info.pop(BROADCAST_KEY, None)


def install() -> None:
    """Hook the bus onto every ORM session (idempotent)."""
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_rollback", _after_rollback)
