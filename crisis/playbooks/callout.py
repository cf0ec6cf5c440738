"""The call-out list (larmning) of an incident: who is called, their state, and the
call-out e-mail, composed here and delivered through the mail `outbox`.

The list is confidential: names and phone numbers never reach observers.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l

from crisis import labels, record_sv
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.errors import NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.playbooks import outbox
from crisis.playbooks.models import CalloutEntry, CalloutState
from crisis.playbooks.schemas import callout_entry_dict


def callout_entries(incident_id: int) -> list[CalloutEntry]:
    return list(
        db.session.scalars(
            sa.select(CalloutEntry)
            .where(CalloutEntry.incident_id == incident_id)
            .order_by(CalloutEntry.sort_order, CalloutEntry.id)
        )
    )


def callout_dict(*, incident_id: int) -> dict[str, Any]:
    entries = callout_entries(incident_id)
    counts = {s.value: 0 for s in CalloutState}
    for e in entries:
        counts[e.state.value] += 1
    return {"incident": incident_id, "items": [callout_entry_dict(e) for e in entries], "counts": counts}


def callout_changed_locked(*, incident: Incident, actor: User | None) -> None:
    """Announce the call-out list of a locked incident. Confidential: names and phone
    numbers of the people called never reach observers."""
    events.append_event(
        incident=incident,
        type="callout.updated",
        actor=actor.username if actor else None,
        data=callout_dict(incident_id=incident.id),
        confidential=True,
    )


def get_callout(*, viewer: User, incident_id: int) -> dict[str, Any]:
    check(viewer, Perm.READ_CONFIDENTIAL)
    incidents.get(viewer=viewer, incident_id=incident_id)
    return callout_dict(incident_id=incident_id)


def _clean(value: str | None, field: str, limit: int, *, required: bool = False) -> str | None:
    value = " ".join((value or "").split())
    if required and not value:
        raise ValidationError(_l("Fältet %(field)s är tomt.", field=labels.field(field)))
    if len(value) > limit:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=labels.field(field), limit=limit))
    return value or None


def mark_callout(
    *, actor: User, incident_id: int, entry_id: int, state: str, note: str | None = None
) -> dict[str, Any]:
    """Mark one person on the call-out list reached / not reached / declined (or back to pending)."""
    check(actor, Perm.WRITE_LOG)
    try:
        state_e = CalloutState(state)
    except ValueError:
        raise ValidationError(
            _l(
                'Okänt läge "%(value)s"; välj ett av: %(allowed)s.',
                value=state,
                allowed=", ".join(s.value for s in CalloutState),
            )
        ) from None
    note = _clean(note, "note", 500)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        entry = db.session.get(CalloutEntry, entry_id, populate_existing=True)
        if entry is None or entry.incident_id != incident_id:
            raise NotFound(
                _l(
                    "Rad %(entry)s i larmlistan finns inte i händelse %(incident)s.",
                    entry=entry_id,
                    incident=incident_id,
                )
            )
        entry.state, entry.note = state_e, note
        entry.updated_by, entry.updated_at = actor.display_name, utcnow()
        text = record_sv.callout_state(name=entry.name, role=entry.role, state=state_e.value, note=note)
        log.system_entry(incident=incident, actor=actor, text=text)
        callout_changed_locked(incident=incident, actor=actor)
    return callout_dict(incident_id=incident_id)


def add_callout(
    *, actor: User, incident_id: int, name: str, role: str = "", phone: str = "", email: str | None = None
) -> dict[str, Any]:
    """Add someone to the incident's call-out list (the playbook's list is a start)."""
    check(actor, Perm.WRITE_LOG)
    name_v = _clean(name, "name", 200, required=True)
    role_v = _clean(role, "role", 300) or ""
    phone_v = _clean(phone, "phone", 64) or ""
    email_v = _clean(email, "email", 254)
    if phone_v and not all(ch.isdigit() or ch in " +-()" for ch in phone_v):
        raise ValidationError(_l("Telefonnumret får innehålla siffror, mellanslag, +, - och parenteser."))
    if email_v and ("@" not in email_v or " " in email_v):
        raise ValidationError(_l("E-postadressen är inte giltig."))
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        count = (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(CalloutEntry).where(CalloutEntry.incident_id == incident_id)
            )
            or 0
        )
        db.session.add(
            CalloutEntry(
                incident_id=incident_id,
                sort_order=count,
                name=name_v,
                role=role_v,
                phone=phone_v,
                email=email_v,
                state=CalloutState.PENDING,
            )
        )
        db.session.flush()
        log.system_entry(
            incident=incident, actor=actor, text=f"Larmlistan: {name_v}{f' ({role_v})' if role_v else ''} tillagd."
        )
        callout_changed_locked(incident=incident, actor=actor)
    return callout_dict(incident_id=incident_id)


def notify_callout(*, actor: User, incident_id: int, entry_ids: list[int] | None = None) -> dict[str, Any]:
    """E-mail the call-out (everyone with an address, or the given entries) after commit."""
    check(actor, Perm.CREATE_INCIDENT)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        entries = callout_entries(incident_id)
        if entry_ids is not None:
            wanted = set(entry_ids)
            unknown = wanted - {e.id for e in entries}
            if unknown:
                raise NotFound(
                    _l(
                        "Rad %(entry)s i larmlistan finns inte i händelse %(incident)s.",
                        entry=min(unknown),
                        incident=incident_id,
                    )
                )
            entries = [e for e in entries if e.id in wanted]
        if not any(e.email for e in entries):
            raise ValidationError(_l("Ingen av dessa har en e-postadress."), code="no_email")
        queue_callout_mail(incident=incident, actor=actor, entries=entries)
    return callout_dict(incident_id=incident_id)


def _incident_link(incident_id: int) -> str:
    if has_request_context():
        try:
            return url_for("web.incident", incident_id=incident_id, _external=True)
        except Exception:  # pragma: no cover - no such endpoint
            return ""
    return ""


def queue_callout_mail(*, incident: Incident, actor: User, entries: list[CalloutEntry]) -> None:
    link = _incident_link(incident.id)
    kommun = current_app.config.get("CRISIS_KOMMUN", "")
    messages = []
    for e in entries:
        if not e.email:
            continue
        lines = []
        if incident.is_exercise:
            lines += ["ÖVNING ÖVNING ÖVNING", ""]
        lines += [
            f"Du larmas till krisledningen i {kommun}.",
            "",
            f"Händelse: {incident.title}",
            f"Nivå: {labels.LEVELS.sv(incident.level)}",
        ]
        if incident.description:
            lines.append(f"Läget: {incident.description}")
        lines += [
            f"Din roll: {e.role}" if e.role else "",
            "",
            f"Ring tjänstepersonen i beredskap {actor.display_name}"
            + (f" på {actor.phone}" if actor.phone else "")
            + " och bekräfta att du kommer.",
        ]
        if link:
            lines.append(f"Krisrum: {link}")
        lines += ["", "Meddelandet skickades av Krisrum. Svara inte på det; ring."]
        messages.append((e.email, f"Larmning: {incident.title}", "\n".join(lines), e.id))
    outbox.queue_locked(incident=incident, messages=messages)
