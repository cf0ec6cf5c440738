"""Rooms, and the one place that emits to them.

Rooms: `incident:{id}` holds everyone who may read confidential entries,
`incident:{id}:restricted` holds observers, `user:{id}` every socket of one
user (to end them), `inbox` the TiBs' live inbox of deviation reports.

Every event seq of an incident reaches both incident rooms, in the form each
audience may see: a confidential event goes as `event` to the first room and
as `skip {incident, seq}` (no data) to the restricted one, so every screen
sees a gap-free sequence and can tell a missed event from one it may not see.

Nothing is emitted inside a transaction: services call `event_after_commit`
/ `inbox_after_commit`, which queue the emit on the one after-commit queue
(`crisis.aftercommit`); it is dropped if the transaction rolls back. With
CRISIS_MESSAGE_QUEUE set, Flask-SocketIO sends through Redis, so events
written by any process reach every screen.
"""

from __future__ import annotations

from typing import Any

from crisis.aftercommit import after_commit
from crisis.aftercommit import install as _install_queue
from crisis.extensions import socketio

INBOX_ROOM = "inbox"
SCREENS_ROOM = "screens"


def room_for(incident_id: int, *, restricted: bool) -> str:
    return f"incident:{incident_id}:restricted" if restricted else f"incident:{incident_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def session_room(session_id: int) -> str:
    """Every socket opened by one browser session (ended by its logout)."""
    return f"session:{session_id}"


def token_room(token_id: int) -> str:
    """Every socket opened with one API token (ended when it is revoked)."""
    return f"token:{token_id}"


def skip_for(wire: dict[str, Any]) -> dict[str, Any]:
    """What an audience that may not see an event gets instead: its place in the sequence."""
    return {"incident": wire["incident"], "seq": wire["seq"]}


def publish(wire: dict[str, Any], confidential: bool) -> None:
    """Emit one incident event to both audiences (now; see `event_after_commit`)."""
    incident_id = wire["incident"]
    full = room_for(incident_id, restricted=False)
    restricted = room_for(incident_id, restricted=True)
    if confidential:
        socketio.emit("event", wire, to=full)
        socketio.emit("skip", skip_for(wire), to=restricted)
    else:
        socketio.emit("event", wire, to=[full, restricted])


def emit_to(room: str, name: str, data: dict[str, Any]) -> None:
    socketio.emit(name, data, to=room)


def event_after_commit(wire: dict[str, Any], confidential: bool) -> None:
    """Publish an incident event once the current transaction commits."""
    after_commit(publish, wire, confidential)


def inbox_after_commit(name: str, data: dict[str, Any]) -> None:
    """Emit `name` to the TiBs' live inbox once the current transaction commits."""
    after_commit(emit_to, INBOX_ROOM, name, data)


def screens_after_commit(name: str, data: dict[str, Any]) -> None:
    """Emit `name` to every connected screen (every authenticated socket) once the
    current transaction commits: news of the whole kommun, not of one incident."""
    after_commit(emit_to, SCREENS_ROOM, name, data)


def send_to_sid(sid: str, name: str, data: dict[str, Any]) -> None:
    """Emit to one socket (a join's replay)."""
    socketio.emit(name, data, to=sid)


def _disconnect_room(room: str) -> None:
    server = socketio.server
    if server is None:
        return
    for sid, _eio in list(server.manager.get_participants("/", room)):
        server.disconnect(sid, namespace="/")


def disconnect_user(user_id: int) -> None:
    """End every socket of a user (log out everywhere, role change): the sessions
    they were authorised with are no longer valid."""
    _disconnect_room(user_room(user_id))


def disconnect_session(session_id: int) -> None:
    """End the sockets of one browser session (its logout)."""
    _disconnect_room(session_room(session_id))


def disconnect_token(token_id: int) -> None:
    """End the sockets an API token opened (it was revoked)."""
    _disconnect_room(token_room(token_id))


def install() -> None:
    """Make sure the after-commit queue that carries every emit is hooked onto the sessions."""
    _install_queue()
