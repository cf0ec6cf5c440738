"""Opening, changing the level of, and closing incidents."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import labels, record_sv, registry
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.enums import LEVEL_ORDER, OPEN_INCIDENT_STATUSES, STANDARD_POSITIONS, IncidentStatus, Level, LogKind, Mode
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.labels import DECISION_FIELDS
from crisis.log import checkpoints
from crisis.log import service as log
from crisis.parsing import enum_value
from crisis.staffing.models import Position
from crisis.textcheck import check_text


def existing(incident_id: int) -> Incident:
    """The incident, or NotFound; no role check (for services that have checked their caller)."""
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    return incident


def get(*, viewer: User, incident_id: int) -> Incident:
    check(viewer, Perm.READ)
    return existing(incident_id)


def list_incidents(*, viewer: User, status: str | None = None, mode: str | None = None) -> list[Incident]:
    check(viewer, Perm.READ)
    stmt = sa.select(Incident).order_by(Incident.created_at.desc())
    if status:
        stmt = stmt.where(Incident.status == enum_value(IncidentStatus, status, "status"))
    if mode:
        stmt = stmt.where(Incident.mode == enum_value(Mode, mode, "mode"))
    return list(db.session.scalars(stmt))


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_l("Rubriken är tom."))
    if len(title) > 200:
        raise ValidationError(_l("Rubriken är längre än %(limit)s tecken.", limit=200))
    check_text(title, "title")
    return title


def create_locked(
    *,
    actor: User,
    title: str,
    kind: str,
    mode: str = "real",
    level: str = "monitoring",
    description: str = "",
    positions: Iterable[tuple[str, str]] | None = None,
    first_log: str | None = None,
    decided_by: str | None = None,
    mandate: str | None = None,
    reason: str | None = None,
    mandate_key: str | None = None,
) -> Incident:
    """Create an incident inside the caller's write transaction.

    Used by `create` and by playbook activation / exercise start, which add
    more to the same transaction. Normalläge and bevakningsläge need no
    decision; a higher level needs decided_by, mandate and reason and becomes
    decision B-1 (the caller checks that the actor may decide it).
    """
    title = _check_title(title)
    kind = (kind or "").strip()
    if not kind or len(kind) > 64:
        raise ValidationError(_l("Händelsetypen ska vara 1–64 tecken."))
    if len(description or "") > 5000:
        raise ValidationError(_l("Beskrivningen är längre än %(limit)s tecken.", limit=5000))
    mode_e = enum_value(Mode, mode, "mode")
    level_e = enum_value(Level, level, "level")
    needs_decision = LEVEL_ORDER.index(level_e) > LEVEL_ORDER.index(Level.MONITORING)
    if needs_decision:
        _decision_fields(decided_by, mandate if not mandate_key else mandate or "-", reason)
    incident = Incident(
        title=title,
        kind=kind,
        description=(description or "").strip(),
        mode=mode_e,
        level=level_e,
        status=IncidentStatus.ACTIVE,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(incident)
    db.session.flush()
    for order, (key, label) in enumerate(positions if positions is not None else STANDARD_POSITIONS.items()):
        db.session.add(Position(incident_id=incident.id, key=key, label=label, sort_order=order))
    prefix = "ÖVNING. " if mode_e is Mode.EXERCISE else ""
    log.system_entry(
        incident=incident, actor=actor, text=f"{prefix}Händelsen öppnad: {title} ({kind}), {record_sv.level(level_e)}."
    )
    if needs_decision:
        from crisis.decisions import service as decisions

        decisions.record_locked(
            incident=incident,
            actor=actor,
            type="level",
            text="",
            decided_by=decided_by or "",
            mandate=mandate or "",
            mandate_key=mandate_key,
            reason=reason or "",
            data={"level": level_e.value, "opening": True},
        )
    if first_log:
        log.write_entry(incident=incident, actor=actor, kind=LogKind.INFO, text=first_log)
    if not needs_decision:
        events.append_event(incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict())
    return incident


def create(
    *,
    actor: User,
    title: str,
    kind: str,
    mode: str = "real",
    level: str = "monitoring",
    description: str = "",
    decided_by: str | None = None,
    mandate: str | None = None,
    reason: str | None = None,
) -> Incident:
    """Open an incident; above bevakningsläge the level is a decision (B-1) the actor must be allowed to take."""
    check(actor, Perm.CREATE_INCIDENT)
    level_e = enum_value(Level, level, "level")
    if LEVEL_ORDER.index(level_e) > LEVEL_ORDER.index(Level.MONITORING):
        from crisis.decisions import service as decisions

        decisions.check_may_decide(actor, type="level", level=level_e)
    with write_transaction(db.session):
        incident = create_locked(
            actor=actor,
            title=title,
            kind=kind,
            mode=mode,
            level=level,
            description=description,
            decided_by=decided_by,
            mandate=mandate,
            reason=reason,
        )
    return incident


def update(
    *,
    actor: User,
    incident_id: int,
    title: str | None = None,
    description: str | None = None,
    level: str | None = None,
    status: str | None = None,
    mode: str | None = None,
    decided_by: str | None = None,
    mandate: str | None = None,
    reason: str | None = None,
) -> Incident:
    """PATCH semantics. A level change or closing is a decision: who, mandate, why."""
    check(actor, Perm.WRITE_LOG)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        if mode is not None and mode != incident.mode.value:
            raise ValidationError(_l("En händelses läge kan inte ändras: en övning blir aldrig skarp."))
        changed = False
        if title is not None and title.strip() != incident.title:
            incident.title = _check_title(title)
            log.system_entry(incident=incident, actor=actor, text=f"Rubrik ändrad till: {incident.title}")
            changed = True
        if description is not None and description.strip() != incident.description:
            if len(description) > 5000:
                raise ValidationError(_l("Beskrivningen är längre än %(limit)s tecken.", limit=5000))
            incident.description = description.strip()
            log.system_entry(incident=incident, actor=actor, text="Beskrivningen uppdaterad.")
            changed = True
        if level is not None:
            new_level = enum_value(Level, level, "level")
            if new_level is not incident.level:
                # A level change is a decision: recorded in the register, one decision entry in the log.
                from crisis.decisions import service as decisions

                decisions.check_may_decide(actor, type="level", level=new_level)
                who, under, why = _decision_fields(decided_by, mandate, reason)
                decisions.record_locked(
                    incident=incident,
                    actor=actor,
                    type="level",
                    text="",
                    decided_by=who,
                    mandate=under,
                    reason=why,
                    data={"level": new_level.value},
                )
        if status is not None and status != incident.status.value:
            new_status = enum_value(IncidentStatus, status, "status")
            if new_status is IncidentStatus.ACTIVE:
                raise ValidationError(_l("En avslutad händelse kan inte öppnas igen; öppna en ny."))
            check(actor, Perm.LEAD)
            who, under, why = _decision_fields(decided_by, mandate, reason)
            if new_status is IncidentStatus.STANDING_DOWN:
                stand_down_locked(incident=incident, actor=actor, decided_by=who, mandate=under, reason=why)
            else:
                refuse_open_tasks(incident=incident)
                # The last change: closing announces the incident with the changes above.
                close_locked(
                    incident=incident,
                    actor=actor,
                    text=f"Beslut: händelsen avslutas. Motivering: {why}",
                    decided_by=who,
                    mandate=under,
                )
            changed = False
        if changed:
            events.append_event(
                incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict()
            )
    return incident


def refuse_open_tasks(*, incident: Incident) -> None:
    """Stand-down and closing wait for the open tasks: a 409 that lists them (nothing is changed).

    They must be done, cancelled or handed over to the line organisation
    (tasks.hand_over_to_line) first. The end of an exercise does not ask:
    it closes through `close_locked` directly, whatever is left open.
    """
    from crisis.tasks.service import open_tasks

    left = open_tasks(incident_id=incident.id)
    if not left:
        return
    shown = [f"{t.title} (#{t.id})" for t in left[:10]]
    titles = "; ".join(shown) + (f" … (+{len(left) - 10})" if len(left) > 10 else "")
    message = (
        _l(
            "1 uppgift är öppen: %(titles)s. Stäng den eller lämna över den till linjeorganisationen.",
            titles=titles,
        )
        if len(left) == 1
        else _l(
            "%(n)s uppgifter är öppna: %(titles)s. Stäng dem eller lämna över dem till linjeorganisationen.",
            n=len(left),
            titles=titles,
        )
    )
    raise Conflict(
        message,
        code="open_tasks",
        details={"open_tasks": [{"id": t.id, "title": t.title, "status": t.status.value} for t in left]},
    )


def stand_down_locked(*, incident: Incident, actor: User, decided_by: str, mandate: str, reason: str) -> None:
    """The stand-down decision (avvecklingsbeslut) inside the caller's write transaction (incident locked).

    Recorded in the decision register (type stand_down): the one code path
    for PATCH status=standing_down and POST /incidents/{id}/decisions with
    type stand_down (decisions.record_locked calls `check_stand_down` before
    writing and `apply_stand_down` after). The caller has checked the role
    (LEAD: the same mandate rule as a level decision).
    """
    from crisis.decisions import service as decisions

    decisions.record_locked(
        incident=incident,
        actor=actor,
        type="stand_down",
        text="Händelsen går över i avveckling",
        decided_by=decided_by,
        mandate=mandate,
        reason=reason,
    )


def check_stand_down(*, incident: Incident) -> None:
    """May the locked incident be stood down now: active, and no open tasks (else 409, nothing changed)."""
    if incident.status is not IncidentStatus.ACTIVE:
        raise Conflict(
            _l("Händelsen är redan %(status)s.", status=labels.STATUSES[incident.status.value]), code="not_active"
        )
    refuse_open_tasks(incident=incident)


def apply_stand_down(*, incident: Incident, actor: User) -> None:
    """After the stand-down decision is recorded: active -> standing_down, announced."""
    incident.status = IncidentStatus.STANDING_DOWN
    events.append_event(incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict())


def close_locked(
    *, incident: Incident, actor: User, text: str, decided_by: str | None = None, mandate: str | None = None
) -> bool:
    """Close a locked incident inside the caller's write transaction: the one close.

    Records it in the log (a decision entry when `decided_by` is given, else a
    system entry), runs the domains' close hooks (e.g. playbooks stop the
    incident's reminders) and announces the incident. Used by `update` and by
    the end of an exercise. Returns False, doing nothing, if it was closed already.
    """
    if incident.status is IncidentStatus.CLOSED:
        return False
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = utcnow()
    if decided_by is not None:
        log.write_entry(
            incident=incident, actor=actor, kind=LogKind.DECISION, text=text, decided_by=decided_by, mandate=mandate
        )
    else:
        log.system_entry(incident=incident, actor=actor, text=text)
    for hook in registry.of().close_hooks:
        hook(incident=incident, actor=actor)
    # The final chain head, signed after every hook wrote its entries (no-op without a signing key).
    checkpoints.write_locked(incident=incident, source="close")
    events.append_event(incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict())
    return True


def _decision_fields(decided_by: str | None, mandate: str | None, reason: str | None) -> tuple[str, str, str]:
    """The decider, mandate and reason of a decision, stripped; all three are required."""
    who, under, why = ((v or "").strip() for v in (decided_by, mandate, reason))
    missing = [n for n, v in (("decided_by", who), ("mandate", under), ("reason", why)) if not v]
    if missing:
        raise ValidationError(
            _l("Ett beslut behöver %(missing)s.", missing=", ".join(str(DECISION_FIELDS[n]) for n in missing))
        )
    if len(who) > 200 or len(under) > 300 or len(why) > 2000:
        raise ValidationError(_l("Beslutsfattare, mandat eller motivering är för lång."))
    return who, under, why


def kommun_level(*, incidents: Iterable[Incident]) -> Level:
    """The highest level among active *real* incidents (exercises never count)."""
    levels = [i.level for i in incidents if i.status in OPEN_INCIDENT_STATUSES and i.mode is Mode.REAL]
    return max(levels, key=LEVEL_ORDER.index, default=Level.NORMAL)
