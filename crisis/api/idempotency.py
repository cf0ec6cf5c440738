"""`Idempotency-Key` on API writes: a retry with the same key returns the first result and writes nothing new.

Used by the `operation` decorator (crisis/api/__init__.py) for every POST, PUT,
PATCH and DELETE of a logged-in user:

1. Look the key up (per user: a key of user A never returns B's result).
   Found and finished: replay the stored status and body (header
   `Idempotent-Replayed: true`). Found with another request (method, path,
   body): 422. Found but unfinished: 409 (the first request is still running,
   or its answer was lost).
2. Otherwise run the view. The key row is added to the service's own write
   transaction, just before it commits (a `before_commit` hook), so the write
   and its key commit together or not at all: a crash can never leave a write
   without its key. A unique constraint on (user, key) makes a concurrent
   retry's transaction fail at commit, rolling its write back: exactly one
   write per key, on SQLite and PostgreSQL.
3. After the view, the response (status and body) is stored on the key row.
   A request that wrote nothing (e.g. a validation error) stores no key, and
   may be retried as new.

Keys expire after TTL (24 h): expired rows are pruned on writes (at most once a
minute per process), so the table stays bounded by a day's writes.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Response, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, mapped_column

from crisis.db import in_write_transaction, utcnow, write_transaction
from crisis.errors import ApiError, Conflict, error_response
from crisis.extensions import db

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(hours=24)
PRUNE_EVERY_SECONDS = 60
LOST_AFTER = timedelta(minutes=2)  # an unfinished key this old: its answer was lost, not pending
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_log = logging.getLogger("krisrum.idempotency")


class IdempotencyKey(db.Model):
    """One key a user sent with a write, and the answer the write got."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(sa.String(255))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of method, path and body
    method: Mapped[str] = mapped_column(sa.String(8))
    path: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[int | None]  # None until the answer is stored
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    completed_at: Mapped[datetime | None]


@dataclass
class _Pending:
    user_id: int
    key: str
    fingerprint: str
    method: str
    path: str
    wrote: bool = False  # some flush in this request changed rows
    adding: bool = False  # the key row was added to the committing transaction
    committed: bool = False  # ... and that transaction committed


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar("krisrum_idempotency", default=None)
_prune_lock = threading.Lock()
_last_prune = 0.0


# --- the hook into the service's write transaction --------------------------------------------


def _after_flush(session: Session, _ctx: Any) -> None:
    p = _pending.get()
    if p is not None:
        p.wrote = True


def _before_commit(session: Session) -> None:
    p = _pending.get()
    if p is None or p.committed or p.adding:
        return
    if not (in_write_transaction() or p.wrote or session.new or session.dirty or session.deleted):
        return  # ending a read-only transaction: nothing to tie the key to
    session.add(
        IdempotencyKey(user_id=p.user_id, key=p.key, fingerprint=p.fingerprint, method=p.method, path=p.path[:500])
    )
    p.adding = True


def _after_commit(session: Session) -> None:
    p = _pending.get()
    if p is not None and p.adding:
        p.committed = True


def _after_rollback(session: Session) -> None:
    p = _pending.get()
    if p is not None and not p.committed:  # what was flushed is gone; a later commit starts afresh
        p.adding = False
        p.wrote = False


def install() -> None:
    for name, fn in (
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not sa.event.contains(Session, name, fn):
            sa.event.listen(Session, name, fn)


install()


# --- the request side ------------------------------------------------------------------------------


def _multipart_canonical() -> bytes:
    """A file upload's fields and files (name, filename, SHA-256 of the bytes): the boundary a client
    picks differs on every retry, so the raw body cannot identify the request."""
    fields = sorted(request.form.items(multi=True))
    uploads = []
    for name, upload in request.files.items(multi=True):
        digest = hashlib.sha256()
        for chunk in iter(lambda upload=upload: upload.stream.read(65536), b""):
            digest.update(chunk)
        upload.stream.seek(0)
        uploads.append((name, upload.filename or "", digest.hexdigest()))
    return json.dumps({"form": fields, "files": sorted(uploads)}, separators=(",", ":")).encode("utf-8")


def _fingerprint() -> str:
    if request.mimetype == "multipart/form-data":
        canonical = _multipart_canonical()
    else:
        raw = request.get_data(cache=True)
        try:
            canonical = (
                json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode("utf-8") if raw else b""
            )
        except (ValueError, UnicodeDecodeError, RecursionError):  # parse_body refuses it with a clear 400
            canonical = raw
    h = hashlib.sha256()
    h.update(f"{request.method} {request.path}?{request.query_string.decode('latin-1')}\n".encode())
    h.update(canonical)
    return h.hexdigest()


def _find(user_id: int, key: str) -> IdempotencyKey | None:
    db.session.rollback()  # a fresh read: see what other requests committed
    row = db.session.scalar(
        sa.select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    return row


def _answer(row: IdempotencyKey, fingerprint: str) -> Response:
    """The response for a key that exists: replay, or say why not."""
    if row.fingerprint != fingerprint:
        raise ApiError(
            _l(
                "Nyckeln %(header)s «%(key)s» har redan använts för en annan begäran (%(method)s "
                "%(path)s). Använd en ny nyckel för en ny begäran.",
                header=HEADER,
                key=row.key,
                method=row.method,
                path=row.path,
            ),
            code="idempotency_key_reused",
            status=422,
        )
    if row.status is None:
        if utcnow() - row.created_at > LOST_AFTER:
            raise Conflict(
                _l(
                    "Begäran med denna %(header)s sparades, men svaret gick förlorat (servern "
                    "stoppades). Inget sparades igen; ladda om sidan för att se resultatet.",
                    header=HEADER,
                ),
                code="idempotency_key_answer_lost",
            )
        raise Conflict(
            _l("En begäran med denna %(header)s behandlas fortfarande; försök igen om en stund.", header=HEADER),
            code="idempotency_key_in_progress",
        )
    resp = Response(row.body or "", status=row.status, content_type=row.content_type or "application/json")
    resp.headers[REPLAYED_HEADER] = "true"
    return resp


def _store(p: _Pending, resp: Response) -> None:
    body: str | None = None
    if not resp.is_streamed and not resp.direct_passthrough:
        body = resp.get_data(as_text=True)
    with write_transaction(db.session):
        db.session.execute(
            sa.update(IdempotencyKey)
            .where(IdempotencyKey.user_id == p.user_id, IdempotencyKey.key == p.key)
            .values(status=resp.status_code, content_type=resp.content_type, body=body, completed_at=utcnow())
        )
    _maybe_prune()


def _maybe_prune() -> None:
    global _last_prune
    now = time.monotonic()
    with _prune_lock:
        if now - _last_prune < PRUNE_EVERY_SECONDS:
            return
        _last_prune = now
    prune()


def prune(now: datetime | None = None) -> int:
    """Delete expired keys; returns how many."""
    cutoff = (now or utcnow()) - TTL
    with write_transaction(db.session):
        n = db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
    return n or 0


def run(user_id: int, call: Callable[[], Response]) -> Response:
    """Run the write `call` under the request's Idempotency-Key (if it sent one)."""
    key = request.headers.get(HEADER)
    if key is None or request.method not in WRITE_METHODS:
        return call()
    if not KEY_PATTERN.fullmatch(key):
        raise ApiError(
            _l("%(header)s måste vara 1 till 255 synliga ASCII-tecken (t.ex. ett UUID).", header=HEADER),
            code="invalid_idempotency_key",
            status=400,
        )
    fingerprint = _fingerprint()
    row = _find(user_id, key)
    if row is not None and utcnow() - row.created_at > TTL:
        with write_transaction(db.session):
            db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
        row = None
    if row is not None:
        resp = _answer(row, fingerprint)
        db.session.rollback()
        return resp
    db.session.rollback()

    p = _Pending(user_id=user_id, key=key, fingerprint=fingerprint, method=request.method, path=request.path)
    token = _pending.set(p)
    try:
        try:
            resp = call()
        except ApiError as e:
            if p.committed:  # the write and its key committed, then the view refused: that is the answer
                _store_safely(p, error_response(e.code, e.message, e.status, e.details))
                raise
            _pending.reset(token)
            token = None
            return _retry_answer(user_id, key, fingerprint, e)
        except Exception as e:
            if p.committed:
                raise  # a bug after the write; the key stays unfinished (a retry is told the answer was lost)
            _pending.reset(token)
            token = None
            return _retry_answer(user_id, key, fingerprint, e)
    finally:
        if token is not None:
            _pending.reset(token)
    if p.committed:
        _store_safely(p, resp)
    return resp


def _retry_answer(user_id: int, key: str, fingerprint: str, error: Exception) -> Response:
    """After a failed attempt: a concurrent request with the same key may have won the race (our commit
    then failed on the unique key, rolling our write back) or made our write impossible (e.g. a version
    conflict). Answer as its retry would be answered; otherwise the original error stands."""
    row = _find(user_id, key)
    db.session.rollback()
    if row is None:
        raise error
    return _answer(row, fingerprint)


def _store_safely(p: _Pending, resp: Response) -> None:
    try:
        _store(p, resp)
    except Exception:
        _log.exception("could not store the answer for an idempotency key of user %s", p.user_id)
