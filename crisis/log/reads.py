"""The read audit: who read which confidential log entry, and when.

Every list of log entries that shows a confidential entry to a reader
(`log.log_page`: the workspace's log and the log API; the timeline) and every
whole-log export with confidential content records it here, one row per
reader, entry and day (Europe/Stockholm): the first read of the day. A reader
who reloads a page all day costs one indexed SELECT per load and no write, so
the table grows with readers x entries x days, not with page loads. An export
is one row with number 0. Admins read the audit on /admin/reads and through
`GET /api/v1/reads`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.extensions import db
from crisis.log.models import ConfidentialRead
from crisis.timefmt import TZ

EXPORT = 0  # the number recorded for a whole-log export


def record(*, viewer: User, incident_id: int, numbers: Iterable[int], via: str) -> int:
    """Record that `viewer` was shown these confidential entries; returns how many rows were new.

    Runs its own short write transaction: call it after the entries shown were
    read (and serialised or detached), never inside another write.
    """
    wanted = sorted(set(numbers))
    if not wanted or viewer is None or not getattr(viewer, "is_authenticated", False):
        return 0
    now = utcnow()
    day = now.astimezone(TZ).date().isoformat()
    user_id, username = viewer.id, viewer.username
    seen = set(
        db.session.scalars(
            sa.select(ConfidentialRead.number).where(
                ConfidentialRead.user_id == user_id,
                ConfidentialRead.incident_id == incident_id,
                ConfidentialRead.day == day,
                ConfidentialRead.number.in_(wanted),
            )
        )
    )
    missing = [n for n in wanted if n not in seen]
    if not missing:
        return 0
    rows = [
        dict(user_id=user_id, username=username, incident_id=incident_id, number=n, day=day, read_at=now, via=via)
        for n in missing
    ]
    try:
        with write_transaction(db.session):
            db.session.execute(sa.insert(ConfidentialRead), rows)
    except IntegrityError:
        # Another request of the same reader recorded some of them first: record one by one.
        added = 0
        for row in rows:
            try:
                with write_transaction(db.session):
                    db.session.execute(sa.insert(ConfidentialRead), [row])
                added += 1
            except IntegrityError:
                continue
        return added
    return len(rows)


def to_dict(r: ConfidentialRead) -> dict[str, Any]:
    return {
        "id": r.id,
        "user": r.username,
        "incident": r.incident_id,
        "number": r.number,
        "day": r.day,
        "read_at": r.read_at.isoformat(),
        "via": r.via,
    }


def list_reads(
    *,
    viewer: User,
    incident_id: int | None = None,
    user: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> tuple[list[ConfidentialRead], int | None]:
    """Newest first, one page: (rows, next_before). Admins only."""
    check(viewer, Perm.ADMIN)
    stmt = sa.select(ConfidentialRead)
    if incident_id is not None:
        stmt = stmt.where(ConfidentialRead.incident_id == incident_id)
    if user:
        stmt = stmt.where(ConfidentialRead.username == user)
    if before is not None:
        stmt = stmt.where(ConfidentialRead.id < before)
    rows = list(db.session.scalars(stmt.order_by(ConfidentialRead.id.desc()).limit(limit + 1)))
    next_before = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_before = rows[-1].id
    return rows, next_before
