"""Socket.IO handlers (default namespace). Thin: authorize, join, replay.

A connection without a logged-in user is refused. `join {incident, since}`
puts the socket in the incident's room for its audience, then replays
every event after `since` in order, then live events follow. The client
de-duplicates by `seq`, so a live event that overtakes the replay is harmless.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from crisis.auth.permissions import Perm, has_perm
from crisis.events import service as events
from crisis.extensions import db, socketio
from crisis.incidents.models import Incident
from crisis.realtime.bus import room_for, user_room

REPLAY_LIMIT = 5000


def _live_sockets() -> int:
    """Socket.IO connections of this process (this one included)."""
    try:
        return len(socketio.server.manager.rooms.get("/", {}).get(None, ()))
    except AttributeError:  # a manager without the rooms table: count engine.io sessions
        return len(socketio.server.eio.sockets)


@socketio.on("connect")
def on_connect(auth: Any = None) -> bool:
    if _live_sockets() > current_app.config["CRISIS_MAX_SOCKETS"]:
        # Refused before any database work; HTTP keeps answering. The client
        # shows the message and tries again later (data.retry).
        raise ConnectionRefusedError(_("Servern har för många anslutningar just nu – försöker igen"),
                                     {"retry": True})
    if not current_user.is_authenticated:
        db.session.remove()
        return False
    join_room(user_room(current_user.id))
    db.session.remove()
    return True


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@socketio.on("join")
def on_join(data: Any) -> dict[str, Any]:
    try:
        if not current_user.is_authenticated or not has_perm(current_user, Perm.READ):
            return {"ok": False, "error": "forbidden"}
        if not isinstance(data, dict):
            return {"ok": False, "error": "join needs {incident, since}"}
        incident_id = _int(data.get("incident"))
        since = _int(data.get("since", 0))
        if incident_id is None or since is None or since < 0:
            return {"ok": False, "error": "incident and since must be non-negative integers"}
        incident = db.session.get(Incident, incident_id)
        if incident is None:
            return {"ok": False, "error": "no such incident"}
        confidential_ok = has_perm(current_user, Perm.READ_CONFIDENTIAL)
        join_room(room_for(incident_id, restricted=not confidential_ok))
        replay = events.since(incident_id=incident_id, seq=since, include_confidential=confidential_ok,
                              limit=REPLAY_LIMIT)
        for ev in replay:
            socketio.emit("event", ev.to_wire(), to=request.sid)
        head = incident.last_seq
        # More than the limit missed: tell the client to reload instead.
        truncated = len(replay) == REPLAY_LIMIT and replay[-1].seq < head
        return {"ok": True, "incident": incident_id, "head": head, "replayed": len(replay),
                "truncated": truncated}
    finally:
        db.session.remove()


INBOX_ROOM = "inbox"


@socketio.on("join_inbox")
def on_join_inbox(data: Any = None) -> dict[str, Any]:
    """The TiB's live inbox of deviation reports: only for Perm.CREATE_INCIDENT."""
    try:
        if not current_user.is_authenticated or not has_perm(current_user, Perm.CREATE_INCIDENT):
            return {"ok": False, "error": "forbidden"}
        join_room(INBOX_ROOM)
        return {"ok": True}
    finally:
        db.session.remove()


@socketio.on("leave")
def on_leave(data: Any) -> dict[str, Any]:
    incident_id = _int(data.get("incident")) if isinstance(data, dict) else None
    if incident_id is not None:
        leave_room(room_for(incident_id, restricted=False))
        leave_room(room_for(incident_id, restricted=True))
    return {"ok": True}


def disconnect_user(user_id: int) -> None:
    """End every socket of a user (logout, role change): the session they were
    authorised with is no longer valid."""
    server = socketio.server
    if server is None:
        return
    for sid, _eio in list(server.manager.get_participants("/", user_room(user_id))):
        server.disconnect(sid, namespace="/")
