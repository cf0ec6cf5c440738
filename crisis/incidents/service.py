"""Opening, changing the level of, and closing incidents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import record_sv, registry
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.enums import LEVEL_ORDER, STANDARD_POSITIONS, IncidentStatus, Level, LogKind, Mode
from crisis.errors import NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.labels import DECISION_FIELDS
from crisis.log import checkpoints
from crisis.log import service as log
from crisis.staffing.models import Position


def get(*, viewer: User, incident_id: int) -> Incident:
    check(viewer, Perm.READ)
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    return incident


def list_incidents(*, viewer: User, status: str | None = None, mode: str | None = None) -> list[Incident]:
    check(viewer, Perm.READ)
    stmt = sa.select(Incident).order_by(Incident.created_at.desc())
    if status:
        stmt = stmt.where(Incident.status == _parse(IncidentStatus, status, "status"))
    if mode:
        stmt = stmt.where(Incident.mode == _parse(Mode, mode, "mode"))
    return list(db.session.scalars(stmt))


def _parse(enum_cls: Any, value: str, field: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(
            _l(
                'Okänt värde "%(value)s" för %(field)s; välj ett av: %(allowed)s.',
                value=value,
                field=field,
                allowed=", ".join(m.value for m in enum_cls),
            )
        ) from None


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_l("Rubriken är tom."))
    if len(title) > 200:
        raise ValidationError(_l("Rubriken är längre än %(limit)s tecken.", limit=200))
    return title


def create_locked(
    *,
    actor: User,
    title: str,
    kind: str,
    mode: str = "real",
    level: str = "staff",
    description: str = "",
    positions: Iterable[tuple[str, str]] | None = None,
    first_log: str | None = None,
) -> Incident:
    """Create an incident inside the caller's write transaction.

    Used by `create` and by playbook activation / exercise start, which add
    more to the same transaction.
    """
    title = _check_title(title)
    kind = (kind or "").strip()
    if not kind or len(kind) > 64:
        raise ValidationError(_l("Händelsetypen ska vara 1–64 tecken."))
    if len(description or "") > 5000:
        raise ValidationError(_l("Beskrivningen är längre än %(limit)s tecken.", limit=5000))
    mode_e = _parse(Mode, mode, "mode")
    level_e = _parse(Level, level, "level")
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
    if first_log:
        log.write_entry(incident=incident, actor=actor, kind=LogKind.INFO, text=first_log)
    events.append_event(incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict())
    return incident


def create(
    *, actor: User, title: str, kind: str, mode: str = "real", level: str = "staff", description: str = ""
) -> Incident:
    check(actor, Perm.CREATE_INCIDENT)
    with write_transaction(db.session):
        incident = create_locked(actor=actor, title=title, kind=kind, mode=mode, level=level, description=description)
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
            new_level = _parse(Level, level, "level")
            if new_level is not incident.level:
                check(actor, Perm.LEAD)
                _decision_fields(decided_by, mandate, reason)
                old = incident.level
                incident.level = new_level
                note = " (regeringens beslut, registrerat)" if new_level is Level.HEIGHTENED_ALERT else ""
                log.write_entry(
                    incident=incident,
                    actor=actor,
                    kind=LogKind.DECISION,
                    text=f"Beslut: nivån ändras från {record_sv.level(old)} till "
                    f"{record_sv.level(new_level)}{note}. Motivering: {reason.strip()}",
                    decided_by=decided_by.strip(),
                    mandate=mandate.strip(),
                )
                changed = True
        if status is not None:
            new_status = _parse(IncidentStatus, status, "status")
            if new_status is IncidentStatus.ACTIVE:
                raise ValidationError(_l("En avslutad händelse kan inte öppnas igen; öppna en ny."))
            check(actor, Perm.LEAD)
            _decision_fields(decided_by, mandate, reason)
            # The last change: closing announces the incident with the changes above.
            close_locked(
                incident=incident,
                actor=actor,
                text=f"Beslut: händelsen avslutas. Motivering: {reason.strip()}",
                decided_by=decided_by.strip(),
                mandate=mandate.strip(),
            )
            changed = False
        if changed:
            events.append_event(
                incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict()
            )
    return incident


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


def _decision_fields(decided_by: str | None, mandate: str | None, reason: str | None) -> None:
    missing = [
        n for n, v in (("decided_by", decided_by), ("mandate", mandate), ("reason", reason)) if not (v and v.strip())
    ]
    if missing:
        raise ValidationError(
            _l("Ett beslut behöver %(missing)s.", missing=", ".join(str(DECISION_FIELDS[n]) for n in missing))
        )
    if len(decided_by) > 200 or len(mandate) > 300 or len(reason) > 2000:
        raise ValidationError(_l("Beslutsfattare, mandat eller motivering är för lång."))


def kommun_level(*, incidents: Iterable[Incident]) -> Level:
    """The highest level among active *real* incidents (exercises never count)."""
    levels = [i.level for i in incidents if i.status is IncidentStatus.ACTIVE and i.mode is Mode.REAL]
    return max(levels, key=LEVEL_ORDER.index, default=Level.NORMAL)
