"""The call-out list (larmning) of an incident: who is called, their state, and the
call-out e-mail, composed here and delivered through the mail `outbox`.

The list is confidential: names and phone numbers never reach observers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from crisis import labels, record_sv
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.enums import IncidentStatus
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.playbooks import ack, outbox, sms
from crisis.playbooks.models import AckVia, CalloutEntry, CalloutState, SmsMessage
from crisis.playbooks.schemas import callout_entry_dict
from crisis.scheduler import runner

ACK_JOB_FUNC = "crisis.playbooks.jobs:callout_ack_due"


def callout_entries(incident_id: int) -> list[CalloutEntry]:
    return list(
        db.session.scalars(
            sa.select(CalloutEntry)
            .where(CalloutEntry.incident_id == incident_id)
            .order_by(CalloutEntry.sort_order, CalloutEntry.id)
        )
    )


def _latest_sms(incident_id: int) -> dict[int, SmsMessage]:
    latest: dict[int, SmsMessage] = {}
    for m in db.session.scalars(
        sa.select(SmsMessage).where(SmsMessage.incident_id == incident_id).order_by(SmsMessage.id)
    ):
        if m.callout_entry_id is not None:
            latest[m.callout_entry_id] = m
    return latest


def callout_dict(*, incident_id: int) -> dict[str, Any]:
    entries = callout_entries(incident_id)
    counts = {s.value: 0 for s in CalloutState}
    for e in entries:
        counts[e.state.value] += 1
    latest = _latest_sms(incident_id)
    return {
        "incident": incident_id,
        "items": [callout_entry_dict(e, sms=latest.get(e.id)) for e in entries],
        "counts": counts,
        "acknowledged": sum(1 for e in entries if e.ack_at is not None),
        "ack_minutes": current_app.config["CRISIS_CALLOUT_ACK_MINUTES"],
        "sms_enabled": sms.enabled(),
    }


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
    """Send the call-out (e-mail, and SMS when configured) to everyone on the list, or the
    given entries, with an acknowledgement link and SMS code each; sent after commit."""
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
        if not any(e.email or (sms.enabled() and sms.phone_key(e.phone)) for e in entries):
            if sms.enabled():
                raise ValidationError(
                    _l("Ingen av dessa har en e-postadress eller ett telefonnummer."), code="no_email"
                )
            raise ValidationError(_l("Ingen av dessa har en e-postadress."), code="no_email")
        send_callout_locked(incident=incident, actor=actor, entries=entries)
    return callout_dict(incident_id=incident_id)


def _incident_link(incident_id: int) -> str:
    return ack.public_url_for("web.incident", incident_id=incident_id)


def send_callout_locked(*, incident: Incident, actor: User, entries: list[CalloutEntry]) -> None:
    """The call-out to `entries` of a locked incident: a token each, the e-mail (outbox)
    and SMS (gateway) after commit, and the job that raises "not acknowledged"."""
    link = _incident_link(incident.id)
    kommun = current_app.config.get("CRISIS_KOMMUN", "")
    now = utcnow()
    messages = []
    texts = []
    for e in entries:
        if e.ack_at is not None or not (e.email or e.phone):
            continue
        token, code = ack.new_token_locked(phone=e.phone, callout_entry_id=e.id)
        ack_link = ack.ack_url(token)
        e.sent_at, e.overdue_at = now, None
        prefix = "ÖVNING " if incident.is_exercise else ""
        texts.append(
            (
                e.phone,
                f"{prefix}Larm från Krisrum ({kommun}): {incident.title}. "
                f"Kvittera genom att svara OK {code} eller på {ack_link}",
                e.id,
                None,
            )
        )
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
            f"Kvittera att du har fått larmet: {ack_link}",
            f"(eller svara på SMS:et med OK {code}; koden gäller bara dig och detta larm)",
            "",
            f"Ring tjänstepersonen i beredskap {actor.display_name}"
            + (f" på {actor.phone}" if actor.phone else "")
            + " och bekräfta att du kommer.",
        ]
        if link:
            lines.append(f"Krisrum: {link}")
        lines += ["", "Meddelandet skickades av Krisrum. Svara inte på e-postmeddelandet; kvittera och ring."]
        messages.append((e.email, f"Larmning: {incident.title}", "\n".join(lines), e.id))
    outbox.queue_locked(incident=incident, messages=messages)
    sms.queue_locked(incident=incident, messages=texts)
    if texts:
        schedule_ack_check(incident_id=incident.id, at=now + _ack_wait())


def _ack_wait() -> timedelta:
    return timedelta(minutes=current_app.config["CRISIS_CALLOUT_ACK_MINUTES"])


def ack_job_id(incident_id: int) -> str:
    return f"callout-ack:{incident_id}"


def schedule_ack_check(*, incident_id: int, at: datetime) -> None:
    """After commit: the job that raises "not acknowledged" at `at` (one per incident;
    a later call-out moves it, and the job reschedules itself for the rest)."""
    runner.schedule_once_after_commit(
        job_id=ack_job_id(incident_id), run_at=at, func_path=ACK_JOB_FUNC, args=(incident_id,)
    )


def acknowledge_locked(*, entry_id: int, via: AckVia) -> tuple[datetime, bool]:
    """Record that the person on entry `entry_id` acknowledged (kept the first time):
    (time, whether this was the first). Logged and announced to the incident's room."""
    entry = db.session.get(CalloutEntry, entry_id)
    if entry is None:  # pragma: no cover - a foreign key
        raise NotFound(_l("Raden i larmlistan finns inte."))
    incident = events.lock_incident(incident_id=entry.incident_id, allow_closed=True)
    db.session.refresh(entry)
    if entry.ack_at is not None:
        return entry.ack_at, False
    now = utcnow()
    entry.ack_at, entry.ack_via = now, via
    if incident.status == IncidentStatus.CLOSED:
        return now, True  # recorded on the list; a closed incident's log takes no more entries
    how = "med länken" if via is AckVia.LINK else "med SMS"
    role = f" ({entry.role})" if entry.role else ""
    late = " (efter påminnelsetiden)" if entry.overdue_at is not None else ""
    log.system_entry(incident=incident, actor=None, text=f"Larmningen kvitterad av {entry.name}{role} {how}{late}.")
    callout_changed_locked(incident=incident, actor=None)
    return now, True


def raise_overdue(*, incident_id: int, now: datetime | None = None) -> list[int]:
    """The escalation job: mark everyone whose call-out went out CRISIS_CALLOUT_ACK_MINUTES ago
    and who has not acknowledged (nor been marked reached or declined) as "not acknowledged",
    log it with the proposed ersättare and announce it; re-schedule for those not yet due.
    Idempotent: someone already raised is not raised again. Returns the raised entry ids."""
    now = now or utcnow()
    wait = _ack_wait()
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id, allow_closed=True)
        if incident.status == IncidentStatus.CLOSED:
            return []
        waiting = [
            e
            for e in callout_entries(incident_id)
            if e.sent_at is not None
            and e.ack_at is None
            and e.overdue_at is None
            and e.state not in (CalloutState.REACHED, CalloutState.DECLINED)
        ]
        due = [e for e in waiting if e.sent_at is not None and e.sent_at + wait <= now]
        later = [e.sent_at + wait for e in waiting if e.sent_at is not None and e.sent_at + wait > now]
        for e in due:
            e.overdue_at = now
        if due:
            minutes = int(wait.total_seconds() // 60)
            lines = [f"Ej kvitterat efter {minutes} minuter: {', '.join(e.name for e in due)}."]
            for e in due:
                if e.substitute_name and e.substitute_called_at is None:
                    lines.append(f"Föreslagen ersättare för {e.name}: {e.substitute_name}.")
            log.system_entry(incident=incident, actor=None, text="\n".join(lines))
            callout_changed_locked(incident=incident, actor=None)
        if later:
            schedule_ack_check(incident_id=incident_id, at=min(later))
    return [e.id for e in due]


def waiting_for_ack(*, incident_id: int) -> bool:
    """Whether anyone on the list still waits for the "not acknowledged" check (recovery)."""
    return any(
        e.sent_at is not None and e.ack_at is None and e.overdue_at is None for e in callout_entries(incident_id)
    )


def call_substitute(*, actor: User, incident_id: int, entry_id: int) -> dict[str, Any]:
    """Call out the ersättare of someone on the list: a new row (substitute of the first)
    that gets the call-out at once."""
    check(actor, Perm.CREATE_INCIDENT)
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
        if not entry.substitute_name:
            raise ValidationError(
                _l("%(name)s har ingen ersättare i larmlistan.", name=entry.name), code="no_substitute"
            )
        if entry.substitute_called_at is not None:
            raise Conflict(_l("Ersättaren för %(name)s är redan larmad.", name=entry.name), code="substitute_called")
        count = (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(CalloutEntry).where(CalloutEntry.incident_id == incident_id)
            )
            or 0
        )
        sub = CalloutEntry(
            incident_id=incident_id,
            sort_order=count,
            name=entry.substitute_name,
            role=f"Ersättare för {entry.name}" + (f" ({entry.role})" if entry.role else ""),
            phone=entry.substitute_phone or "",
            email=entry.substitute_email,
            state=CalloutState.PENDING,
            substitute_of_id=entry.id,
        )
        db.session.add(sub)
        db.session.flush()
        entry.substitute_called_at = utcnow()
        log.system_entry(
            incident=incident,
            actor=actor,
            text=f"Ersättaren {sub.name} larmas i stället för {entry.name}, som inte har kvitterat.",
        )
        send_callout_locked(incident=incident, actor=actor, entries=[sub])
        callout_changed_locked(incident=incident, actor=actor)
    return callout_dict(incident_id=incident_id)
