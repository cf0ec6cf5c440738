"""Filling an incident's log fast, for growth tests and `bench/growth.py`.

Bypasses the service layer on purpose (one multi-row INSERT per batch instead
of a transaction per entry) but writes exactly what the service would: entries
that continue the incident's hash chain (so `verify-log` and `verify-archive`
pass), a `log.appended` event per entry (confidential ones marked so), and the
incident's counters. Entries occur `spacing` apart, ending about now.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from crisis.db import utcnow
from crisis.enums import Classification, LogKind
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import hashing
from crisis.log.models import LogEntry

BATCH = 5000


def fill(
    incident_id: int,
    n: int,
    *,
    spacing: timedelta = timedelta(seconds=36),
    confidential_every: int = 10,
    decision_every: int = 50,
    text_size: int = 120,
    author: str = "Stina Stabsson",
) -> None:
    """Append `n` entries (every `confidential_every`-th confidential, every
    `decision_every`-th a decision) to the incident and commit."""
    incident = db.session.get(Incident, incident_id)
    prev = (
        db.session.scalar(
            sa.select(LogEntry.hash).where(
                LogEntry.incident_id == incident_id, LogEntry.number == incident.last_log_number
            )
        )
        or hashing.GENESIS
    )
    number, seq = incident.last_log_number, incident.last_seq
    next_id = (db.session.scalar(sa.select(sa.func.max(LogEntry.id))) or 0) + 1
    now = utcnow()
    start = now - spacing * n
    filler = ("Lägesuppdatering från fältet: " + "x" * text_size)[:text_size]
    entries: list[dict[str, Any]] = []
    evs: list[dict[str, Any]] = []

    def flush() -> None:
        if entries:
            db.session.execute(LogEntry.__table__.insert(), entries)
            db.session.execute(Event.__table__.insert(), evs)
            entries.clear()
            evs.clear()

    for i in range(1, n + 1):
        number += 1
        seq += 1
        confidential = confidential_every and i % confidential_every == 0
        decision = decision_every and i % decision_every == 0
        at = start + spacing * i
        row: dict[str, Any] = {
            "id": next_id,
            "incident_id": incident_id,
            "number": number,
            "kind": LogKind.DECISION if decision else LogKind.INFO,
            "text": f"{number}: {filler}",
            "occurred_at": at,
            "recorded_at": at,
            "author_id": None,
            "author": author,
            "position": None,
            "position_label": None,
            "counterpart": None,
            "classification": Classification.CONFIDENTIAL if confidential else Classification.INTERNAL,
            "osl_ground": "OSL 21 kap. 3 §" if confidential else None,
            "corrects": None,
            "decided_by": "KLN ordf." if decision else None,
            "mandate": "Delegation 3.1" if decision else None,
            "prev_hash": prev,
        }
        row["hash"] = prev = hashing.entry_hash(prev, row)
        entries.append(row)
        wire = {
            "id": next_id,
            "incident": incident_id,
            "number": number,
            "kind": row["kind"].value,
            "text": row["text"],
            "occurred_at": at.isoformat(),
            "recorded_at": at.isoformat(),
            "author": author,
            "position": None,
            "position_label": None,
            "counterpart": None,
            "classification": row["classification"].value,
            "osl_ground": row["osl_ground"],
            "corrects": None,
            "corrected_by": None,
            "decided_by": row["decided_by"],
            "mandate": row["mandate"],
            "hash": row["hash"],
        }
        evs.append(
            {
                "incident_id": incident_id,
                "seq": seq,
                "type": "log.appended",
                "at": at,
                "actor": None,
                "data": wire,
                "confidential": bool(confidential),
            }
        )
        next_id += 1
        if len(entries) >= BATCH:
            flush()
    flush()
    db.session.execute(
        sa.update(Incident).where(Incident.id == incident_id).values(last_log_number=number, last_seq=seq)
    )
    db.session.commit()
