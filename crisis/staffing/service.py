"""Who holds which position now: check in, check out, handover notes, positions."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.collation import sv_key
from crisis.db import utcnow, write_transaction
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.staffing.models import Assignment, Handover, Position

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def positions(*, incident_id: int) -> list[Position]:
    """In their set order (the staff's functions); equal ones in Swedish order of their label."""
    return sorted(
        db.session.scalars(
            sa.select(Position)
            .where(Position.incident_id == incident_id)
            .options(selectinload(Position.assignments).selectinload(Assignment.user))
            .order_by(Position.sort_order, Position.id)
            .execution_options(populate_existing=True)
        ),
        key=lambda p: (p.sort_order, sv_key(p.label)),
    )


def position_dict(p: Position, handover: Handover | None = None) -> dict[str, Any]:
    """A position and its holders; `handover` is its newest handover brief (see crisis.staffing.handover).

    handover_note/by/at are kept for API clients of the free-text note: the
    newest of the note given at a plain check-out and the signed brief.
    """
    from crisis.staffing.handover import handover_dict

    current = [a for a in p.assignments if a.checked_out_at is None]
    past = [a for a in p.assignments if a.checked_out_at is not None]
    last_note = next((a for a in reversed(past) if a.handover_note), None)
    note: tuple[str, str, str] | None = None
    if last_note is not None and last_note.checked_out_at is not None and last_note.handover_note:
        note = (last_note.handover_note, last_note.user.display_name, last_note.checked_out_at.isoformat())
    if handover is not None and (
        last_note is None or last_note.checked_out_at is None or handover.signed_at >= last_note.checked_out_at
    ):
        note = (handover.text, handover.from_user.display_name, handover.signed_at.isoformat())
    return {
        "key": p.key,
        "label": p.label,
        "holders": [
            {
                "user": a.user.username,
                "name": a.user.display_name,
                "phone": a.user.phone,
                "since": a.checked_in_at.isoformat(),
            }
            for a in current
        ],
        "handover_note": note[0] if note else None,
        "handover_by": note[1] if note else None,
        "handover_at": note[2] if note else None,
        "handover": handover_dict(handover) if handover is not None else None,
    }


def staffing_dict(*, incident_id: int) -> dict[str, Any]:
    from crisis.staffing.handover import latest_by_position

    latest = latest_by_position(incident_id=incident_id)
    return {
        "incident": incident_id,
        "items": [position_dict(p, latest.get(p.id)) for p in positions(incident_id=incident_id)],
    }


def get_staffing(*, viewer: User, incident_id: int) -> dict[str, Any]:
    check(viewer, Perm.READ)
    if db.session.get(Incident, incident_id) is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    return staffing_dict(incident_id=incident_id)


def _position(incident_id: int, key: str) -> Position:
    pos = db.session.scalar(sa.select(Position).where(Position.incident_id == incident_id, Position.key == key))
    if pos is None:
        raise NotFound(
            _l('Funktionen "%(position)s" finns inte i händelse %(incident)s.', position=key, incident=incident_id)
        )
    return pos


def _target_user(actor: User, username: str | None) -> User:
    if not username or username == actor.username:
        return actor
    # Registering someone else (ledningsstöd does this for arriving staff) is for leaders and the TiB.
    if not (has_perm(actor, Perm.LEAD) or has_perm(actor, Perm.CREATE_INCIDENT)):
        raise ValidationError(_l("Du kan bara checka in eller ut dig själv."), code="forbidden", status=403)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active:
        raise ValidationError(_l('Det finns ingen aktiv användare "%(username)s".', username=username))
    return user


def _changed(incident: Incident, actor: User) -> None:
    events.append_event(
        incident=incident, type="staffing.changed", actor=actor.username, data=staffing_dict(incident_id=incident.id)
    )


def check_in(
    *, actor: User, incident_id: int, position: str, user: str | None = None, acknowledge_handover: bool = False
) -> dict[str, Any]:
    """Check in; the position's unacknowledged handover brief goes to the one checking in.

    With `acknowledge_handover` (the person has read the brief and checks in
    to take over) the check-in acknowledges it too. Without it the brief waits
    for an explicit acknowledgement: nothing is recorded as read that was not.
    """
    from crisis.staffing import handover as handovers

    check(actor, Perm.STAFFING)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        target = _target_user(actor, user)
        if not has_perm(target, Perm.STAFFING):
            raise ValidationError(
                _l(
                    "%(name)s har en roll med enbart läsbehörighet och kan inte ha en funktion.",
                    name=target.display_name,
                )
            )
        pos = _position(incident_id, position)
        if any(a.user_id == target.id and a.checked_out_at is None for a in pos.assignments):
            raise Conflict(
                _l("%(name)s har redan funktionen %(position)s.", name=target.display_name, position=pos.label)
            )
        db.session.add(Assignment(position=pos, user=target, checked_in_at=utcnow()))
        log.system_entry(incident=incident, actor=actor, text=f"{target.display_name} checkar in som {pos.label}.")
        pending = handovers.taken_over_locked(pos=pos, user=target)
        if acknowledge_handover:
            if target.id != actor.id:
                raise ValidationError(_l("Bara den som tar över funktionen kan kvittera överlämningen."))
            if pending is None:
                raise Conflict(_l("Det finns ingen överlämning att kvittera för %(position)s.", position=pos.label))
            db.session.flush()
            handovers.acknowledge_locked(incident=incident, actor=target, handover=pending)
        _changed(incident, actor)
    return staffing_dict(incident_id=incident_id)


def check_out(
    *, actor: User, incident_id: int, position: str, user: str | None = None, handover_note: str | None = None
) -> dict[str, Any]:
    check(actor, Perm.STAFFING)
    note = (handover_note or "").strip() or None
    if note and len(note) > 5000:
        raise ValidationError(_l("Överlämningsanteckningen är längre än %(limit)s tecken.", limit=5000))
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        target = _target_user(actor, user)
        pos = _position(incident_id, position)
        current = next((a for a in pos.assignments if a.user_id == target.id and a.checked_out_at is None), None)
        if current is None:
            raise Conflict(
                _l("%(name)s har inte funktionen %(position)s.", name=target.display_name, position=pos.label)
            )
        current.checked_out_at = utcnow()
        current.handover_note = note
        text = f"{target.display_name} checkar ut från {pos.label}."
        if note:
            text += f" Överlämning: {note}"
        log.system_entry(incident=incident, actor=actor, text=text)
        _changed(incident, actor)
    return staffing_dict(incident_id=incident_id)


def add_position(*, actor: User, incident_id: int, key: str, label: str) -> dict[str, Any]:
    check(actor, Perm.STAFFING)
    key = (key or "").strip().lower()
    label = (label or "").strip()
    if not KEY_RE.match(key):
        raise ValidationError(_l('En funktions nyckel är 1–64 tecken: a–z, 0–9, "_" eller "-".'))
    if not label or len(label) > 200:
        raise ValidationError(_l("En funktions namn är 1–200 tecken."))
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        if db.session.scalar(sa.select(Position.id).where(Position.incident_id == incident_id, Position.key == key)):
            raise Conflict(_l('Funktionen "%(position)s" finns redan.', position=key))
        count = (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Position).where(Position.incident_id == incident_id)
            )
            or 0
        )
        db.session.add(Position(incident_id=incident_id, key=key, label=label, sort_order=count))
        db.session.flush()
        log.system_entry(incident=incident, actor=actor, text=f"Ny stabsfunktion: {label}.")
        _changed(incident, actor)
    return staffing_dict(incident_id=incident_id)


def held_positions(*, user: User, incident_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Position.key)
            .join(Assignment, Assignment.position_id == Position.id)
            .where(
                Position.incident_id == incident_id, Assignment.user_id == user.id, Assignment.checked_out_at.is_(None)
            )
        )
    )
