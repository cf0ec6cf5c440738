"""Activating a playbook: the catalog of playbooks, and the incident a playbook starts.

`activate_locked` works inside the caller's write transaction (exercise
start uses it with mode="exercise"); `activate` wraps it for the TiB: one
transaction, everything or nothing. What the activation leaves in the
incident is then kept by its own modules: `checklist`, `callout` (with the
mail `outbox`) and `reminders`. Scheduler jobs and e-mail wait until the
transaction has committed (see `crisis.aftercommit`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import aftercommit, record_sv
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.enums import LEVEL_ORDER, Level, Mode
from crisis.errors import ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.playbooks import callout, checklist, registry
from crisis.playbooks import reminders as reminder_service
from crisis.playbooks.loader import Playbook
from crisis.playbooks.models import (
    CalloutEntry,
    CalloutState,
    ChecklistItem,
    IncidentReminder,
    PlaybookActivation,
)
from crisis.playbooks.schemas import playbook_dict

MAX_CONTEXT = 1000


# --- the catalog -------------------------------------------------------------------


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


def _clean_context(context: str | None) -> str:
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


def _propose_level(*, incident: Incident, actor: User, pb: Playbook, level: Level) -> None:
    """Record the TiB's assessment and ask the krisledningschef for a level decision."""
    from crisis.decisions.service import LEVEL_TASK_ORIGIN
    from crisis.staffing.models import Position
    from crisis.tasks import service as tasks

    incident.proposed_level = level.value
    name = record_sv.level(level)
    log.system_entry(incident=incident, actor=actor, text=f"TiB:s bedömning: föreslår {name} (spelbok {pb.title}).")
    has_chief = db.session.scalar(
        sa.select(Position.id).where(Position.incident_id == incident.id, Position.key == "krisledningschef")
    )
    tasks.create_locked(
        incident=incident,
        actor=actor,
        title=f"Beslut om nivå: {name} föreslås",
        description=f"Spelboken {pb.title} föreslår {name}. Nivån beslutas av krisledningschefen "
        "(beslutsregistret, nivåbeslut).",
        position="krisledningschef" if has_chief else None,
        priority="high",
        origin=LEVEL_TASK_ORIGIN,
    )
    events.append_event(incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict())


def activate_locked(
    *,
    actor: User,
    playbook_key: str,
    title: str,
    context: str,
    mode: str = "real",
    deviation_id: int | None = None,
    notify: bool = False,
) -> Incident:
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
    # The playbook's level is a proposal: the incident opens at most at what a
    # TiB may decide; above it the level waits for the krisledningschef's decision.
    from crisis.decisions import service as decisions

    cap = decisions.tib_max_level()
    proposed = pb.default_level
    opening = proposed if LEVEL_ORDER.index(proposed) <= LEVEL_ORDER.index(cap) else cap
    decision: dict[str, Any] = {}
    if LEVEL_ORDER.index(opening) > LEVEL_ORDER.index(Level.MONITORING):
        # Within the TiB's own limit the activation is the TiB's level decision (B-1).
        tib_mandate = next((m for m in decisions.mandates() if m.key == "tib"), None)
        decision = {
            "decided_by": actor.display_name,
            "mandate": tib_mandate.label if tib_mandate else record_sv.TIB_MANDATE,
            "reason": f"Spelboken {pb.title} aktiverad.",
        }
    incident = incidents.create_locked(
        actor=actor,
        title=title,
        kind=pb.kind,
        mode=mode,
        level=opening.value,
        description=context,
        positions=[(p.key, p.label) for p in pb.positions],
        first_log=first_log,
        **decision,
    )
    now = utcnow()
    if proposed is not opening:
        _propose_level(incident=incident, actor=actor, pb=pb, level=proposed)
    db.session.add(
        PlaybookActivation(
            incident_id=incident.id,
            playbook_key=pb.key,
            playbook_title=pb.title,
            context=context,
            highlight_categories=[c.value for c in pb.highlight_categories],
            activated_by_id=actor.id,
            activated_at=now,
            deviation_id=deviation_id,
        )
    )
    if deviation_id is not None:
        from crisis.inbox import service as inbox

        inbox.attach_locked(deviation_id=deviation_id, incident=incident, actor=actor)

    from crisis.tasks import service as tasks

    for n, t in enumerate(pb.tasks, 1):
        tasks.create_locked(
            incident=incident,
            actor=actor,
            title=t.title,
            description=t.description,
            position=t.position,
            due_at=now + timedelta(minutes=t.due_in_minutes),
            priority=t.priority.value,
            origin=record_sv.task_origin_playbook(title=pb.title, number=n),
        )

    for order, text in enumerate(pb.checklist):
        db.session.add(ChecklistItem(incident_id=incident.id, sort_order=order, text=text))
    for order, c in enumerate(pb.callout):
        db.session.add(
            CalloutEntry(
                incident_id=incident.id,
                sort_order=order,
                name=c.name,
                role=c.role,
                phone=c.phone,
                email=c.email,
                state=CalloutState.PENDING,
                substitute_name=c.substitute.name if c.substitute else None,
                substitute_phone=c.substitute.phone if c.substitute else None,
                substitute_email=c.substitute.email if c.substitute else None,
            )
        )
    reminders = []
    for r in pb.reminders:
        rem = IncidentReminder(
            incident_id=incident.id,
            key=r.key,
            kind=r.kind.value,
            text=r.text,
            position=r.position,
            every_minutes=r.every_minutes,
            first_at=now + timedelta(minutes=r.first_after_minutes),
            active=True,
        )
        db.session.add(rem)
        reminders.append(rem)
    db.session.flush()

    log.system_entry(incident=incident, actor=actor, text=_activation_summary(pb, reminders))
    if pb.checklist:
        events.append_event(
            incident=incident,
            type="checklist.updated",
            actor=actor.username,
            data=checklist.checklist_dict(incident_id=incident.id),
        )
    if pb.callout:
        callout.callout_changed_locked(incident=incident, actor=actor)
    for rem in reminders:
        aftercommit.after_commit(
            reminder_service.schedule_reminder, incident.id, rem.key, rem.every_minutes, rem.first_at
        )
    if notify:
        callout.send_callout_locked(incident=incident, actor=actor, entries=callout.callout_entries(incident.id))
    return incident


def _activation_summary(pb: Playbook, reminders: list[IncidentReminder]) -> str:
    return record_sv.playbook_activated(
        title=pb.title,
        positions=len(pb.positions),
        tasks=len(pb.tasks),
        checklist=len(pb.checklist),
        callout=len(pb.callout),
        reminders=[(r.kind, r.every_minutes, r.first_at) for r in reminders],
        categories=[c.value for c in pb.highlight_categories],
    )


def activate(
    *,
    actor: User,
    playbook_key: str,
    title: str,
    context: str = "",
    deviation_id: int | None = None,
    notify: bool = False,
) -> Incident:
    """The TiB's activation: a real incident, in one transaction."""
    check(actor, Perm.CREATE_INCIDENT)
    with write_transaction(db.session):
        incident = activate_locked(
            actor=actor,
            playbook_key=playbook_key,
            title=title,
            context=context,
            mode=Mode.REAL.value,
            deviation_id=deviation_id,
            notify=notify,
        )
    return incident


def activation_for(*, incident_id: int) -> PlaybookActivation | None:
    return db.session.scalar(sa.select(PlaybookActivation).where(PlaybookActivation.incident_id == incident_id))


def highlight_categories(*, incident_id: int) -> list[str]:
    """The site categories the incident's playbook highlights on the map (empty without one)."""
    act = activation_for(incident_id=incident_id)
    return list(act.highlight_categories or []) if act else []
