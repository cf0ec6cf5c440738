"""Socket.IO handlers (default namespace). Thin: authorize, join, replay.

A connection without a logged-in user is refused. `join {incident, since}`
puts the socket in the incident's room for its audience and acknowledges AT
ONCE with `{ok, incident, head, snapshot}`; then every event after `since`
up to the moment of replay follows in seq order (read from the database in
batches, sent from a background task), and live events follow. A
confidential event reaches an observer as `skip {incident, seq}`, so every
screen sees every seq. The client de-duplicates by `seq`, so a live event
that overtakes the replay is harmless.

A client may join with `batch: true` to get the replay as `events {incident,
items}` messages (up to 500 payloads each) instead of one message per seq.

If more than CRISIS_REPLAY_LIMIT events were missed (or `since` is ahead of
the incident, e.g. after a restore), the ack says `snapshot: true` and no
replay follows: the client reloads the current state over HTTP and
continues from `head`.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from crisis import safejson
from crisis.auth.gate import socket_allows
from crisis.auth.permissions import Perm, has_perm
from crisis.events import service as events
from crisis.extensions import db, socketio
from crisis.incidents.models import Incident
from crisis.realtime.bus import (
    INBOX_ROOM,
    SCREENS_ROOM,
    disconnect_session,
    disconnect_token,
    disconnect_user,
    room_for,
    send_to_sid,
    session_room,
    skip_for,
    token_room,
    user_room,
)

# re-exported: callers end sockets through the realtime package
__all__ = ["disconnect_session", "disconnect_token", "disconnect_user"]

REPLAY_BATCH = 500
log = logging.getLogger("krisrum.errors")


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
        raise ConnectionRefusedError(_("Servern har för många anslutningar just nu – försöker igen"), {"retry": True})
    if not current_user.is_authenticated and isinstance(auth, dict) and "token" in auth:
        _authenticate_with_token(auth["token"])
    if not current_user.is_authenticated:
        db.session.remove()
        return False
    join_room(user_room(current_user.id))
    join_room(SCREENS_ROOM)  # kommun-wide news (readiness.changed) reaches every screen
    # The user loaders say what authenticated this handshake: a browser session
    # (ended by its logout) or an API token (ended when revoked).
    session_id = g.get("krisrum_session_id")
    token_id = g.get("krisrum_token_id")
    if session_id is not None:
        join_room(session_room(session_id))
    if token_id is not None:
        join_room(token_room(token_id))
    db.session.remove()
    return True


def _authenticate_with_token(token: Any) -> None:
    """A bearer token in the standard `auth` payload `{"token": "..."}` (what socket.io
    clients send; browsers cannot set headers on a WebSocket). A bad, revoked or
    deactivated user's token refuses the connection with a message. The token's id is
    kept in this socket's own server-side session, so every later event checks it again."""
    from crisis.auth import service as auth_service

    tok = auth_service.valid_token(token) if isinstance(token, str) and 0 < len(token) <= 200 else None
    if tok is None:
        db.session.remove()
        raise ConnectionRefusedError(_("Ogiltig eller återkallad token."))
    session[auth_service.SOCKET_TOKEN_KEY] = tok.id
    g.pop("_login_user", None)  # flask-login loads the user again, now through the token


INT_MAX = safejson.INT_MAX  # what the event sequence column stores


def _int(value: Any) -> int | None:
    """A non-negative integer up to INT_MAX (or its decimal text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if isinstance(value, int) and 0 <= value <= INT_MAX:
        return value
    return None


@socketio.on_error_default
def on_error(err: Exception) -> dict[str, Any]:
    """A bug in a handler: logged with its traceback; the client gets an error ack, not silence."""
    log.exception("unhandled error in a Socket.IO handler (event %s)", getattr(request, "event", {}).get("message"))
    db.session.remove()
    return {"ok": False, "error": "internal error"}


@socketio.on("join")
def on_join(data: Any) -> dict[str, Any]:
    try:
        if not socket_allows("join"):  # the authorization matrix
            return {"ok": False, "error": "forbidden"}
        if not isinstance(data, dict):
            return {"ok": False, "error": "join needs {incident, since}"}
        incident_id = _int(data.get("incident"))
        since = _int(data.get("since", 0))
        if incident_id is None or since is None or since < 0:
            return {"ok": False, "error": "incident and since must be non-negative integers"}
        if db.session.get(Incident, incident_id) is None:
            return {"ok": False, "error": "no such incident"}
        confidential_ok = has_perm(current_user, Perm.READ_CONFIDENTIAL)
        # In the room before reading the head: an event committed after the
        # read is published after that, so it arrives live; one committed
        # before is <= head and comes by replay (the client drops repeats by seq).
        join_room(room_for(incident_id, restricted=not confidential_ok))
        db.session.rollback()  # a fresh snapshot (SQLite keeps one per transaction)
        head = db.session.scalar(sa.select(Incident.last_seq).where(Incident.id == incident_id))
        snapshot = since > head or head - since > current_app.config["CRISIS_REPLAY_LIMIT"]
        if not snapshot and since < head:
            socketio.start_background_task(
                _replay,
                current_app._get_current_object(),  # type: ignore[attr-defined]
                request.sid,
                incident_id,
                since,
                confidential_ok,
                data.get("batch") is True,
            )
        # `truncated` is the same as `snapshot`, for clients built before it was named so.
        return {"ok": True, "incident": incident_id, "head": head, "snapshot": snapshot, "truncated": snapshot}
    finally:
        db.session.remove()


def _replay(app: Any, sid: str, incident_id: int, since: int, confidential_ok: bool, batched: bool) -> None:
    """Send every event after `since` to one socket, in seq order (after the join's ack).

    One `event` / `skip` message per seq; or, if the client joined with
    `batch: true`, one `events {incident, items}` message per database batch
    whose items are those same payloads in seq order (a skip is the item
    without `type`): far fewer messages for a long replay.
    """
    with app.app_context():
        try:
            for batch in events.replay_batches(incident_id=incident_id, after=since, batch=REPLAY_BATCH):
                items = [
                    skip_for(wire) if confidential and not confidential_ok else wire for wire, confidential in batch
                ]
                if batched:
                    send_to_sid(sid, "events", {"incident": incident_id, "items": items})
                    continue
                for item in items:
                    send_to_sid(sid, "event" if "type" in item else "skip", item)
        finally:
            db.session.remove()


@socketio.on("join_inbox")
def on_join_inbox(data: Any = None) -> dict[str, Any]:
    """The TiB's live inbox of deviation reports: only for Perm.CREATE_INCIDENT."""
    try:
        if not socket_allows("join_inbox"):  # the authorization matrix
            return {"ok": False, "error": "forbidden"}
        join_room(INBOX_ROOM)
        return {"ok": True}
    finally:
        db.session.remove()


@socketio.on("leave")
def on_leave(data: Any) -> dict[str, Any]:
    allowed = socket_allows("leave")
    db.session.remove()
    if not allowed:
        return {"ok": False, "error": "forbidden"}
    incident_id = _int(data.get("incident")) if isinstance(data, dict) else None
    if incident_id is not None:
        leave_room(room_for(incident_id, restricted=False))
        leave_room(room_for(incident_id, restricted=True))
    return {"ok": True}
