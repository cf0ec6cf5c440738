"""Readiness (beredskapsläge) of the whole kommun: the only writer.

Höjd beredskap (skärpt or högsta beredskap) is decided by the government;
the kommun records that decision (its date and reference), it never chooses
it. Only a leader or admin records it. Each recording is a new row (the
history); the newest row is the current readiness, fred (peace) when there
is none. Recording writes a system entry into every incident that is not
closed, and tells every connected screen (`readiness.changed`) once the
transaction commits.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import labels, record_sv
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.enums import IncidentStatus, Readiness
from crisis.errors import Conflict, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.readiness.models import ReadinessChange
from crisis.realtime import bus

TZ = ZoneInfo("Europe/Stockholm")
MAX_REFERENCE = 100
MAX_NOTE = 2000
HISTORY = 20  # rows shown with the current state


def to_dict(row: ReadinessChange | None) -> dict[str, Any]:
    """One recorded state (None: never recorded, i.e. peace)."""
    if row is None:
        return {
            "readiness": Readiness.PEACE.value,
            "heightened": False,
            "decided_at": None,
            "reference": None,
            "note": "",
            "recorded_by": None,
            "recorded_at": None,
        }
    return {
        "readiness": row.readiness.value,
        "heightened": row.readiness is not Readiness.PEACE,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "reference": row.reference,
        "note": row.note,
        "recorded_by": row.recorded_by,
        "recorded_at": row.recorded_at.isoformat(),
    }


def _latest() -> ReadinessChange | None:
    return db.session.scalar(sa.select(ReadinessChange).order_by(ReadinessChange.id.desc()).limit(1))


def current_state() -> ReadinessChange | None:
    """The newest recorded state without a permission check (the banner of every page; None = peace)."""
    return _latest()


def current(*, viewer: User) -> ReadinessChange | None:
    check(viewer, Perm.READ)
    return _latest()


def history(*, viewer: User, limit: int = HISTORY) -> list[ReadinessChange]:
    """The newest `limit` recorded changes, newest first."""
    check(viewer, Perm.READ)
    limit = max(1, min(limit, 200))
    return list(db.session.scalars(sa.select(ReadinessChange).order_by(ReadinessChange.id.desc()).limit(limit)))


def _readiness(value: Any) -> Readiness:
    try:
        return Readiness(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Readiness)
        raise ValidationError(
            _l('Okänt beredskapsläge "%(value)s"; välj en av: %(allowed)s.', value=value, allowed=allowed)
        ) from None


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_l('Beslutsdatum: "%(value)s" är inget datum (ÅÅÅÅ-MM-DD).', value=value)) from None


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_l("Texten måste vara text."))
    text: str = value.strip()
    if len(text) > limit:
        raise ValidationError(_l("Texten är längre än %(limit)s tecken.", limit=limit))
    return text


def record(
    *,
    actor: User,
    readiness: Any,
    decided_at: Any = None,
    reference: str | None = None,
    note: str | None = None,
) -> ReadinessChange:
    """Record the government's decision on höjd beredskap (or its end) for the whole kommun."""
    check(actor, Perm.LEAD)
    state = _readiness(readiness)
    decided_on = _date(decided_at)
    ref = _text(reference, MAX_REFERENCE)
    text = _text(note, MAX_NOTE)
    if not ref:
        raise ValidationError(
            _l("Ange regeringsbeslutets diarienummer (referens), t.ex. Fö2026/01234."),
            code="reference_required",
            status=400,
        )
    if state is not Readiness.PEACE and decided_on is None:
        raise ValidationError(_l("Ange datum för regeringens beslut."), code="decided_at_required", status=400)
    if decided_on is not None and decided_on > utcnow().astimezone(TZ).date():
        raise ValidationError(_l("Regeringens beslut kan inte vara fattat i framtiden."))
    with write_transaction(db.session):
        previous = _latest()
        was = previous.readiness if previous is not None else Readiness.PEACE
        if state is Readiness.PEACE and was is Readiness.PEACE:
            raise Conflict(_l("Kommunen har redan fredstida beredskap; det finns inget att avsluta."))
        row = ReadinessChange(
            readiness=state,
            decided_at=decided_on,
            reference=ref,
            note=text,
            recorded_by_id=actor.id,
            recorded_by=actor.display_name or actor.username,
            recorded_at=utcnow(),
        )
        db.session.add(row)
        db.session.flush()
        entry = record_sv.readiness_changed(
            readiness=state.value, reference=ref, decided_on=decided_on.isoformat() if decided_on else None
        )
        open_ids = db.session.scalars(
            sa.select(Incident.id).where(Incident.status != IncidentStatus.CLOSED).order_by(Incident.id)
        ).all()
        for incident_id in open_ids:
            incident = events.lock_incident(incident_id=incident_id)
            log.system_entry(incident=incident, actor=actor, text=entry)
        bus.screens_after_commit("readiness.changed", to_dict(row))
    return row


def label(row: ReadinessChange | None) -> str:
    """The readiness's display name in the current language."""
    return str(labels.READINESS[row.readiness.value if row is not None else Readiness.PEACE.value])
