"""Reading the timeline an hour at a time (keyset on occurred_at, number).

The timeline shows the log in the order things happened, grouped by local
hour. A page is the entries of one hour, newest hour first: the latest hour
with entries before a cursor, at most `limit` of them (a busy hour continues
on the next page). Observers never get confidential entries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.enums import Classification, LogKind
from crisis.errors import NotFound
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import reads
from crisis.log import service as log
from crisis.log.models import LogEntry
from crisis.timeline.grouping import TZ, hour_key

PAGE_LIMIT = 500
PAGE_MAX = 1000


def _visible(viewer: User, incident_id: int, decisions_only: bool) -> Any:
    stmt = sa.select(LogEntry).where(LogEntry.incident_id == incident_id)
    if not has_perm(viewer, Perm.READ_CONFIDENTIAL):
        stmt = stmt.where(LogEntry.classification != Classification.CONFIDENTIAL)
    if decisions_only:
        stmt = stmt.where(LogEntry.kind == LogKind.DECISION)
    return stmt


def _older_than(at: datetime, number: int) -> Any:
    return sa.or_(LogEntry.occurred_at < at, sa.and_(LogEntry.occurred_at == at, LogEntry.number < number))


def hour_start(moment: datetime) -> datetime:
    """The start of `moment`'s local (Europe/Stockholm) hour."""
    return moment.astimezone(TZ).replace(minute=0, second=0, microsecond=0)


def count(*, viewer: User, incident_id: int, decisions_only: bool = False) -> int:
    """How many entries the viewer's timeline holds (no scan when it holds them all)."""
    if not decisions_only and has_perm(viewer, Perm.READ_CONFIDENTIAL):
        return db.session.scalar(sa.select(Incident.last_log_number).where(Incident.id == incident_id)) or 0
    stmt = _visible(viewer, incident_id, decisions_only)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def hour_page(
    *,
    viewer: User,
    incident_id: int,
    before: datetime | None = None,
    before_number: int | None = None,
    decisions_only: bool = False,
    limit: int = PAGE_LIMIT,
) -> dict[str, Any]:
    """One page: {"hour", "items" (oldest first), "next" (the cursor for older entries, or None)}.

    `before` / `before_number` is the cursor (occurred_at and number of the
    oldest entry already shown); without it the page is the latest hour.
    """
    check(viewer, Perm.READ)
    if db.session.get(Incident, incident_id) is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    limit = max(1, min(limit, PAGE_MAX))
    base = _visible(viewer, incident_id, decisions_only)
    if before is not None:
        base = base.where(_older_than(before, before_number if before_number is not None else 2**62))
    newest_first = (LogEntry.occurred_at.desc(), LogEntry.number.desc())
    newest = db.session.scalars(base.order_by(*newest_first).limit(1)).first()
    if newest is None:
        return {"hour": None, "items": [], "next": None}
    start = hour_start(newest.occurred_at)
    rows = list(db.session.scalars(base.where(LogEntry.occurred_at >= start).order_by(*newest_first).limit(limit)))
    oldest = rows[-1]
    more = db.session.scalar(sa.select(base.where(_older_than(oldest.occurred_at, oldest.number)).exists()))
    rows.reverse()
    corrections = log.corrected_by(incident_id=incident_id, numbers=[e.number for e in rows])
    if not has_perm(viewer, Perm.READ_CONFIDENTIAL):
        # An observer sees that an entry was corrected only by a correction they may read.
        visible = set(
            db.session.scalars(
                sa.select(LogEntry.number).where(
                    LogEntry.incident_id == incident_id,
                    LogEntry.number.in_(list(corrections.values())),
                    LogEntry.classification != Classification.CONFIDENTIAL,
                )
            )
        )
        corrections = {k: v for k, v in corrections.items() if v in visible}
    page = {
        "hour": hour_key(newest.occurred_at),
        "items": [log.to_dict(e, corrections.get(e.number)) for e in rows],
        "next": {"before": oldest.occurred_at.isoformat(), "before_number": oldest.number} if more else None,
    }
    secret = [e.number for e in rows if e.classification is Classification.CONFIDENTIAL]
    if secret:  # the read audit (commits; the page is built already)
        reads.record(viewer=viewer, incident_id=incident_id, numbers=secret, via="timeline")
    return page
