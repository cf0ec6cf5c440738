"""Activating a playbook, and what it leaves in the incident: checklist,
call-out list (larmning) and recurring reminders.

`activate_locked` works inside the caller's write transaction (exercise
start uses it with mode="exercise"); `activate` wraps it for the TiB: one
transaction, everything or nothing. Scheduler jobs and e-mail wait until
the transaction has committed (see `crisis.aftercommit`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Optional

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l

from crisis import labels
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.enums import Mode
from crisis.errors import NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis import record_sv
from crisis.log import service as log
from crisis import aftercommit
from crisis.playbooks import mail, registry
from crisis.playbooks.loader import Playbook
from crisis.playbooks.models import (
    CalloutEntry,
    CalloutState,
    ChecklistItem,
    IncidentReminder,
    PlaybookActivation,
)

_log = logging.getLogger("krisrum.playbooks")

MAX_CONTEXT = 1000
REMINDER_JOB_FUNC = "crisis.playbooks.jobs:fire_reminder"
REMINDER_SLACK = timedelta(seconds=2)



# --- the catalog -------------------------------------------------------------------

def playbook_dict(pb: Playbook, *, with_contacts: bool = True) -> dict[str, Any]:
    return {
        "key": pb.key,
        "title": pb.title,
        "kind": pb.kind,
        "description": pb.description,
        "default_level": pb.default_level.value,
        "positions": [{"key": p.key, "label": p.label} for p in pb.positions],
        "callout": ([{"name": c.name, "role": c.role, "phone": c.phone, "email": c.email} for c in pb.callout]
                    if with_contacts else []),
        "callout_count": len(pb.callout),
        "tasks": [{"title": t.title, "description": t.description, "position": t.position,
                   "due_in_minutes": t.due_in_minutes, "priority": t.priority.value} for t in pb.tasks],
        "checklist": list(pb.checklist),
        "first_log": pb.first_log,
        "reminders": [{"key": r.key, "kind": r.kind.value, "text": r.text, "every_minutes": r.every_minutes,
                       "first_in_minutes": r.first_after_minutes, "position": r.position} for r in pb.reminders],
        "highlight_categories": [c.value for c in pb.highlight_categories],
    }


def list_playbooks(*, viewer: User) -> dict[str, Any]:
    """Valid playbooks for everyone; broken files (file:line: message) for admins."""
    check(viewer, Perm.READ)
    cat = registry.catalog()
    contacts = has_perm(viewer, Perm.READ_CONFIDENTIAL)
    out: dict[str, Any] = {"items": [playbook_dict(pb, with_contacts=contacts) for pb in cat.playbooks.values()]}
    if has_perm(viewer, Perm.ADMIN):
        out["errors"] = cat.all_errors
        out["loaded_at"] = cat.loaded_at.isoformat() if cat.loaded_at else None
    return out


def get_playbook(*, viewer: User, key: str) -> Playbook:
    check(viewer, Perm.READ)
    return registry.get(key)


def reload_catalog(*, actor: User) -> registry.Catalog:
    check(actor, Perm.ADMIN)
    return registry.reload()


# --- activation ----------------------------------------------------------------------

def _clean_context(context: Optional[str]) -> str:
    context = " ".join((context or "").split())
    if len(context) > MAX_CONTEXT:
        raise ValidationError(_l("Bakgrunden är längre än %(limit)s tecken.", limit=MAX_CONTEXT))
    return context


def _check_activator(actor: User, mode: str) -> None:
    if mode == Mode.EXERCISE.value:
        if not (has_perm(actor, Perm.CREATE_INCIDENT) or has_perm(actor, Perm.EXERCISES)):
            check(actor, Perm.EXERCISES)
    else:
        check(actor, Perm.CREATE_INCIDENT)


def activate_locked(*, actor: User, playbook_key: str, title: str, context: str, mode: str = "real",
                    deviation_id: Optional[int] = None, notify: bool = False) -> Incident:
    """Create an incident from a playbook inside the caller's write transaction.

    Creates the incident (the playbook's level and positions; the first log
    entry is the playbook's first_log plus the context line), the first
    tasks with due times, the checklist, the call-out list and the reminders
    (scheduled after commit). With `deviation_id` the report is attached: its
    text becomes an `incoming` entry and the deviation is marked activated.
    With `notify`, everyone on the call-out list with an e-mail address gets
    a message after commit (dry run by default).
    """
    _check_activator(actor, mode)
    pb = registry.get(playbook_key)
    context = _clean_context(context)
    if deviation_id is not None and mode == Mode.EXERCISE.value:
        raise ValidationError(_l("En avvikelserapport är skarp; den kan inte starta en övning."))
    if deviation_id is not None:
        from crisis.inbox import service as inbox

        inbox.check_attachable_locked(deviation_id=deviation_id)
    first_log = pb.first_log + (f"\nLäget vid aktiveringen: {context}" if context else "")
    incident = incidents.create_locked(
        actor=actor, title=title, kind=pb.kind, mode=mode, level=pb.default_level.value,
        description=context, positions=[(p.key, p.label) for p in pb.positions], first_log=first_log)
    now = utcnow()
    db.session.add(PlaybookActivation(
        incident_id=incident.id, playbook_key=pb.key, playbook_title=pb.title, context=context,
        highlight_categories=[c.value for c in pb.highlight_categories], activated_by_id=actor.id,
        activated_at=now, deviation_id=deviation_id))
    if deviation_id is not None:
        from crisis.inbox import service as inbox

        inbox.attach_locked(deviation_id=deviation_id, incident=incident, actor=actor)

    from crisis.tasks import service as tasks

    for n, t in enumerate(pb.tasks, 1):
        tasks.create_locked(incident=incident, actor=actor, title=t.title, description=t.description,
                            position=t.position, due_at=now + timedelta(minutes=t.due_in_minutes),
                            priority=t.priority.value, origin=record_sv.task_origin_playbook(title=pb.title, number=n))

    for order, text in enumerate(pb.checklist):
        db.session.add(ChecklistItem(incident_id=incident.id, sort_order=order, text=text))
    for order, c in enumerate(pb.callout):
        db.session.add(CalloutEntry(incident_id=incident.id, sort_order=order, name=c.name, role=c.role,
                                    phone=c.phone, email=c.email, state=CalloutState.PENDING))
    reminders = []
    for r in pb.reminders:
        rem = IncidentReminder(incident_id=incident.id, key=r.key, kind=r.kind.value, text=r.text,
                               position=r.position, every_minutes=r.every_minutes,
                               first_at=now + timedelta(minutes=r.first_after_minutes), active=True)
        db.session.add(rem)
        reminders.append(rem)
    db.session.flush()

    log.system_entry(incident=incident, actor=actor, text=_activation_summary(pb, reminders))
    if pb.checklist:
        events.append_event(incident=incident, type="checklist.updated", actor=actor.username,
                            data=checklist_dict(incident_id=incident.id))
    if pb.callout:
        callout_changed_locked(incident=incident, actor=actor)
    for rem in reminders:
        aftercommit.after_commit(_schedule_reminder, incident.id, rem.key, rem.every_minutes, rem.first_at)
    if notify:
        _queue_callout_mail(incident=incident, actor=actor, entries=_callout_entries(incident.id))
    return incident


def _activation_summary(pb: Playbook, reminders: list[IncidentReminder]) -> str:
    return record_sv.playbook_activated(
        title=pb.title, positions=len(pb.positions), tasks=len(pb.tasks), checklist=len(pb.checklist),
        callout=len(pb.callout), reminders=[(r.kind, r.every_minutes, r.first_at) for r in reminders],
        categories=[c.value for c in pb.highlight_categories])


def activate(*, actor: User, playbook_key: str, title: str, context: str = "",
             deviation_id: Optional[int] = None, notify: bool = False) -> Incident:
    """The TiB's activation: a real incident, in one transaction."""
    check(actor, Perm.CREATE_INCIDENT)
    with write_transaction(db.session):
        incident = activate_locked(actor=actor, playbook_key=playbook_key, title=title, context=context,
                                   mode=Mode.REAL.value, deviation_id=deviation_id, notify=notify)
    return incident


def activation_for(*, incident_id: int) -> Optional[PlaybookActivation]:
    return db.session.scalar(sa.select(PlaybookActivation).where(PlaybookActivation.incident_id == incident_id))


def highlight_categories(*, incident_id: int) -> list[str]:
    """The site categories the incident's playbook highlights on the map (empty without one)."""
    act = activation_for(incident_id=incident_id)
    return list(act.highlight_categories or []) if act else []


# --- checklist ---------------------------------------------------------------------------

def checklist_dict(*, incident_id: int) -> dict[str, Any]:
    items = db.session.scalars(sa.select(ChecklistItem).where(ChecklistItem.incident_id == incident_id)
                               .order_by(ChecklistItem.sort_order, ChecklistItem.id))
    return {"incident": incident_id, "items": [i.to_dict() for i in items]}


def _existing_incident(incident_id: int) -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    return incident


def get_checklist(*, viewer: User, incident_id: int) -> dict[str, Any]:
    check(viewer, Perm.READ)
    _existing_incident(incident_id)
    return checklist_dict(incident_id=incident_id)


def set_checklist_item(*, actor: User, incident_id: int, item_id: int, done: bool) -> dict[str, Any]:
    check(actor, Perm.WRITE_LOG)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        item = db.session.get(ChecklistItem, item_id, populate_existing=True)
        if item is None or item.incident_id != incident_id:
            raise NotFound(_l("Punkt %(item)s i checklistan finns inte i händelse %(incident)s.", item=item_id,
                              incident=incident_id))
        if item.done == done:
            return checklist_dict(incident_id=incident_id)
        item.done = done
        if done:
            item.done_by, item.done_by_id, item.done_at = actor.display_name, actor.id, utcnow()
            text = f"Checklista: avbockad – {item.text}"
        else:
            item.done_by = item.done_by_id = item.done_at = None
            text = f"Checklista: avbockning ångrad – {item.text}"
        log.system_entry(incident=incident, actor=actor, text=text)
        data = checklist_dict(incident_id=incident_id)
        events.append_event(incident=incident, type="checklist.updated", actor=actor.username, data=data)
    return data


# --- call-out (larmning) -------------------------------------------------------------------

def _callout_entries(incident_id: int) -> list[CalloutEntry]:
    return list(db.session.scalars(sa.select(CalloutEntry).where(CalloutEntry.incident_id == incident_id)
                                   .order_by(CalloutEntry.sort_order, CalloutEntry.id)))


def callout_dict(*, incident_id: int) -> dict[str, Any]:
    entries = _callout_entries(incident_id)
    counts = {s.value: 0 for s in CalloutState}
    for e in entries:
        counts[e.state.value] += 1
    return {"incident": incident_id, "items": [e.to_dict() for e in entries], "counts": counts}


def callout_changed_locked(*, incident: Incident, actor: Optional[User]) -> None:
    """Announce the call-out list of a locked incident. Confidential: names and phone
    numbers of the people called never reach observers."""
    events.append_event(incident=incident, type="callout.updated", actor=actor.username if actor else None,
                        data=callout_dict(incident_id=incident.id), confidential=True)


def get_callout(*, viewer: User, incident_id: int) -> dict[str, Any]:
    check(viewer, Perm.READ_CONFIDENTIAL)
    _existing_incident(incident_id)
    return callout_dict(incident_id=incident_id)


def _clean(value: Optional[str], field: str, limit: int, *, required: bool = False) -> Optional[str]:
    value = " ".join((value or "").split())
    if required and not value:
        raise ValidationError(_l("Fältet %(field)s är tomt.", field=labels.field(field)))
    if len(value) > limit:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=labels.field(field), limit=limit))
    return value or None


def mark_callout(*, actor: User, incident_id: int, entry_id: int, state: str,
                 note: Optional[str] = None) -> dict[str, Any]:
    """Mark one person on the call-out list reached / not reached / declined (or back to pending)."""
    check(actor, Perm.WRITE_LOG)
    try:
        state_e = CalloutState(state)
    except ValueError:
        raise ValidationError(_l("Okänt läge \"%(value)s\"; välj ett av: %(allowed)s.", value=state,
                                 allowed=", ".join(s.value for s in CalloutState))) from None
    note = _clean(note, "note", 500)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        entry = db.session.get(CalloutEntry, entry_id, populate_existing=True)
        if entry is None or entry.incident_id != incident_id:
            raise NotFound(_l("Rad %(entry)s i larmlistan finns inte i händelse %(incident)s.", entry=entry_id,
                              incident=incident_id))
        entry.state, entry.note = state_e, note
        entry.updated_by, entry.updated_at = actor.display_name, utcnow()
        text = record_sv.callout_state(name=entry.name, role=entry.role, state=state_e.value, note=note)
        log.system_entry(incident=incident, actor=actor, text=text)
        callout_changed_locked(incident=incident, actor=actor)
    return callout_dict(incident_id=incident_id)


def add_callout(*, actor: User, incident_id: int, name: str, role: str = "", phone: str = "",
                email: Optional[str] = None) -> dict[str, Any]:
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
        count = db.session.scalar(sa.select(sa.func.count()).select_from(CalloutEntry)
                                  .where(CalloutEntry.incident_id == incident_id)) or 0
        db.session.add(CalloutEntry(incident_id=incident_id, sort_order=count, name=name_v, role=role_v,
                                    phone=phone_v, email=email_v, state=CalloutState.PENDING))
        db.session.flush()
        log.system_entry(incident=incident, actor=actor,
                         text=f"Larmlistan: {name_v}{f' ({role_v})' if role_v else ''} tillagd.")
        callout_changed_locked(incident=incident, actor=actor)
    return callout_dict(incident_id=incident_id)


def notify_callout(*, actor: User, incident_id: int, entry_ids: Optional[list[int]] = None) -> dict[str, Any]:
    """E-mail the call-out (everyone with an address, or the given entries) after commit."""
    check(actor, Perm.CREATE_INCIDENT)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        entries = _callout_entries(incident_id)
        if entry_ids is not None:
            wanted = set(entry_ids)
            unknown = wanted - {e.id for e in entries}
            if unknown:
                raise NotFound(_l("Rad %(entry)s i larmlistan finns inte i händelse %(incident)s.", entry=min(unknown),
                                  incident=incident_id))
            entries = [e for e in entries if e.id in wanted]
        if not any(e.email for e in entries):
            raise ValidationError(_l("Ingen av dessa har en e-postadress."), code="no_email")
        _queue_callout_mail(incident=incident, actor=actor, entries=entries)
    return callout_dict(incident_id=incident_id)


def _incident_link(incident_id: int) -> str:
    if has_request_context():
        try:
            return url_for("web.incident", incident_id=incident_id, _external=True)
        except Exception:  # pragma: no cover - no such endpoint
            return ""
    return ""


def _queue_callout_mail(*, incident: Incident, actor: User, entries: list[CalloutEntry]) -> None:
    link = _incident_link(incident.id)
    kommun = current_app.config.get("CRISIS_KOMMUN", "")
    messages = []
    for e in entries:
        if not e.email:
            continue
        lines = []
        if incident.is_exercise:
            lines += ["ÖVNING ÖVNING ÖVNING", ""]
        lines += [f"Du larmas till krisledningen i {kommun}.", "",
                  f"Händelse: {incident.title}",
                  f"Nivå: {labels.LEVELS.sv(incident.level)}"]
        if incident.description:
            lines.append(f"Läget: {incident.description}")
        lines += [f"Din roll: {e.role}" if e.role else "", "",
                  f"Ring tjänstemannen i beredskap {actor.display_name}"
                  + (f" på {actor.phone}" if actor.phone else "") + " och bekräfta att du kommer."]
        if link:
            lines.append(f"Krisrum: {link}")
        lines += ["", "Meddelandet skickades av Krisrum. Svara inte på det; ring."]
        messages.append((e.email, f"Larmning: {incident.title}", "\n".join(lines), e.id))
    mail.queue_locked(incident=incident, messages=messages)


# --- reminders --------------------------------------------------------------------------------

def _schedule_reminder(incident_id: int, key: str, every_minutes: int, first_at: datetime) -> None:
    from crisis.scheduler import runner

    # A first time already past (first_in_minutes: 0) would be skipped by the
    # interval trigger; run it now instead. The due-time slots stay anchored
    # at first_at (see fire_reminder).
    start = max(first_at, utcnow() + REMINDER_SLACK)
    runner.schedule_interval(job_id=f"reminder:{incident_id}:{key}", minutes=every_minutes, first_at=start,
                             func_path=REMINDER_JOB_FUNC, args=(incident_id, key))


def _remove_job(job_id: str) -> None:
    from crisis.scheduler import runner

    runner.remove(job_id)


def reminders_dict(*, incident_id: int) -> dict[str, Any]:
    rems = db.session.scalars(sa.select(IncidentReminder).where(IncidentReminder.incident_id == incident_id)
                              .order_by(IncidentReminder.first_at, IncidentReminder.id))
    return {"incident": incident_id, "items": [r.to_dict() for r in rems]}


def _due_slot(rem: IncidentReminder, now: datetime) -> Optional[datetime]:
    if now < rem.first_at:
        return None
    every = timedelta(minutes=rem.every_minutes)
    return rem.first_at + ((now - rem.first_at) // every) * every


def fire_reminder(*, incident_id: int, key: str) -> bool:
    """Fire the reminder's current due time once: a `system` entry and a `reminder.due` event.

    Idempotent per due time. Once the incident is closed (or the reminder
    stopped) it does nothing and removes its own job. Returns whether it fired.
    """
    job_id = f"reminder:{incident_id}:{key}"
    with write_transaction(db.session):
        incident = db.session.get(Incident, incident_id)
        if incident is None:
            aftercommit.after_commit(_remove_job, job_id)
            return False
        incident = events.lock_incident(incident_id=incident_id, allow_closed=True)
        rem = db.session.scalar(sa.select(IncidentReminder).where(
            IncidentReminder.incident_id == incident_id, IncidentReminder.key == key)
            .execution_options(populate_existing=True))
        if rem is None or not rem.active or incident.status.value != "active":
            if rem is not None and rem.active:
                rem.active = False
            aftercommit.after_commit(_remove_job, job_id)
            return False
        slot = _due_slot(rem, utcnow() + REMINDER_SLACK)
        if slot is None or (rem.last_due_at is not None and rem.last_due_at >= slot):
            return False
        rem.last_due_at = slot
        rem.fired_count += 1
        next_at = slot + timedelta(minutes=rem.every_minutes)
        label = labels.REMINDER_KINDS.sv(rem.kind, "Påminnelse")
        pos_label = _position_label(incident_id, rem.position) if rem.position else None
        log.system_entry(incident=incident, actor=None, text=record_sv.reminder_due(
            kind=rem.kind, text=rem.text, position_label=pos_label, next_at=next_at))
        events.append_event(incident=incident, type="reminder.due", actor=None, data={
            "key": rem.key, "kind": rem.kind, "label": label, "text": rem.text, "position": rem.position,
            "due_at": slot.isoformat(), "next_at": next_at.isoformat()})
    return True


def _position_label(incident_id: int, key: str) -> str:
    from crisis.staffing.models import Position

    label = db.session.scalar(sa.select(Position.label).where(Position.incident_id == incident_id,
                                                              Position.key == key))
    return label or key


def stop_reminders_locked(*, incident: Incident, actor: Optional[User]) -> int:
    """Stop every active reminder of a locked incident; jobs are removed after commit.

    A close hook (crisis.playbooks.init_app): runs inside the closing transaction.
    """
    rems = list(db.session.scalars(sa.select(IncidentReminder).where(
        IncidentReminder.incident_id == incident.id, IncidentReminder.active.is_(True))))
    for rem in rems:
        rem.active = False
        aftercommit.after_commit(_remove_job, rem.job_id)
    if rems:
        log.system_entry(incident=incident, actor=actor,
                         text=record_sv.reminders_stopped((r.kind, r.every_minutes) for r in rems))
    return len(rems)
