"""Handover briefs (överlämning): generate one for a position, sign it at check-out, acknowledge it.

The leaving holder of a position asks for a draft (`draft`): what happened
since their check-in, the position's open tasks, decisions pending follow-up
and what to watch, written by crisis.staffing.brief. They edit it and sign it
(`sign`): the signed text is one log entry by them as the position, and they
are checked out in the same transaction. The one taking over acknowledges it
(`acknowledge`, or `check_in(..., acknowledge_handover=True)`): a system entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import labels
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.enums import OPEN_TASK_STATUSES, IncidentStatus, LogKind
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.log.models import LogEntry
from crisis.staffing import brief
from crisis.staffing.models import Assignment, Handover, Position
from crisis.tasks.models import Task

TEXT_LIMIT = 20_000


# --- serialising ------------------------------------------------------------------


def handover_dict(h: Handover) -> dict[str, Any]:
    return {
        "id": h.id,
        "incident": h.incident_id,
        "position": h.position.key,
        "position_label": h.position.label,
        "from_user": h.from_user.username,
        "from_name": h.from_user.display_name,
        "to_user": h.to_user.username if h.to_user else None,
        "to_name": h.to_user.display_name if h.to_user else None,
        "text": h.text,
        "generated_at": h.generated_at.isoformat(),
        "signed_at": h.signed_at.isoformat(),
        "acknowledged_at": h.acknowledged_at.isoformat() if h.acknowledged_at else None,
        "acknowledged_by": h.acknowledged_by.username if h.acknowledged_by else None,
        "acknowledged_by_name": h.acknowledged_by.display_name if h.acknowledged_by else None,
    }


def latest_by_position(*, incident_id: int) -> dict[int, Handover]:
    """The newest handover of each position of the incident (one query)."""
    newest = (
        sa.select(sa.func.max(Handover.id))
        .where(Handover.incident_id == incident_id)
        .group_by(Handover.position_id)
        .scalar_subquery()
    )
    rows = db.session.scalars(sa.select(Handover).where(Handover.id.in_(newest)))
    return {h.position_id: h for h in rows}


# --- the draft --------------------------------------------------------------------


def _position(incident_id: int, key: str) -> Position:
    pos = db.session.scalar(sa.select(Position).where(Position.incident_id == incident_id, Position.key == key))
    if pos is None:
        raise NotFound(
            _l('Funktionen "%(position)s" finns inte i händelse %(incident)s.', position=key, incident=incident_id)
        )
    return pos


def _own_assignment(pos: Position, user: User) -> Assignment:
    current = db.session.scalar(
        sa.select(Assignment).where(
            Assignment.position_id == pos.id, Assignment.user_id == user.id, Assignment.checked_out_at.is_(None)
        )
    )
    if current is None:
        raise Conflict(
            _l(
                "Du har inte funktionen %(position)s; bara den som har funktionen kan lämna över den.",
                position=pos.label,
            )
        )
    return current


def _open_tasks(incident_id: int, position_key: str | None = None) -> list[Task]:
    stmt = sa.select(Task).where(Task.incident_id == incident_id, Task.status.in_(OPEN_TASK_STATUSES))
    if position_key is not None:
        stmt = stmt.where(Task.position == position_key)
    return list(db.session.scalars(stmt.order_by(Task.due_at.is_(None), Task.due_at, Task.id).limit(200)))


def pending_decisions(*, viewer: User, incident_id: int) -> list[brief.BriefDecision]:
    """Decisions in force with a follow-up time, earliest first, from the decision register."""
    from crisis import record_sv
    from crisis.decisions import service as decisions

    return [
        brief.BriefDecision(label=record_sv.decision_label(d.number), text=d.title, follow_up_at=d.follow_up_at)
        for d in decisions.upcoming_follow_ups(viewer=viewer, incident_id=incident_id, limit=brief.LIST_ITEMS)
    ]


def _facts(incident: Incident, pos: Position, holder: User, since: datetime, now: datetime) -> brief.BriefFacts:
    facts = brief.BriefFacts(position_label=pos.label, holder_name=holder.display_name, since=since, now=now)
    since_q = sa.and_(LogEntry.incident_id == incident.id, LogEntry.recorded_at >= since)
    for_position = sa.or_(LogEntry.position == pos.key, LogEntry.counterpart == pos.label)

    def count(*where: Any) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry).where(since_q, *where)) or 0

    facts.entries_total = count()
    facts.entries_position = count(for_position)
    facts.decisions_total = count(LogEntry.kind == LogKind.DECISION)
    key = db.session.scalars(
        sa.select(LogEntry)
        .where(since_q, LogEntry.kind != LogKind.SYSTEM, sa.or_(for_position, LogEntry.kind == LogKind.DECISION))
        .order_by(LogEntry.number.desc())
        .limit(brief.KEY_ENTRIES)
    )
    facts.key_entries = [
        brief.BriefEntry(number=e.number, at=e.occurred_at, kind=labels.LOG_KINDS.sv(e.kind), text=e.text)
        for e in reversed(list(key))
    ]
    facts.open_tasks = [
        brief.BriefTask(
            title=t.title,
            status=labels.TASK_STATUSES.sv(t.status),
            due_at=t.due_at,
            overdue=t.due_at is not None and t.due_at <= now,
        )
        for t in _open_tasks(incident.id, pos.key)
    ]
    facts.pending_decisions = pending_decisions(viewer=holder, incident_id=incident.id)
    facts.overdue_tasks = [t.title for t in _open_tasks(incident.id) if t.due_at is not None and t.due_at <= now]
    from crisis.reports.service import latest_issued
    from crisis.sites.status import summary_for_incident

    for site in summary_for_incident(incident.id)["attention"]:
        if site["status"] in ("down", "degraded"):
            facts.sites_down.append(site["name"])
        elif site["at_risk"]:
            facts.sites_at_risk.append(site["name"])
    report = latest_issued(incident_id=incident.id)
    facts.next_report_at = report.nasta_rapport if report is not None else None
    return facts


def draft(*, viewer: User, incident_id: int, position: str) -> dict[str, Any]:
    """The generated brief for the viewer's own position (not saved until signed)."""
    check(viewer, Perm.STAFFING)
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    pos = _position(incident_id, position)
    current = _own_assignment(pos, viewer)
    now = utcnow()
    facts = _facts(incident, pos, viewer, current.checked_in_at, now)
    return {
        "incident": incident_id,
        "position": pos.key,
        "position_label": pos.label,
        "from_user": viewer.username,
        "from_name": viewer.display_name,
        "since": current.checked_in_at.isoformat(),
        "generated_at": now.isoformat(),
        "text": brief.compose(facts),
        "open_tasks": [
            {"title": t.title, "status": t.status, "due_at": t.due_at.isoformat() if t.due_at else None}
            for t in facts.open_tasks
        ],
        "pending_decisions": [
            {
                "label": d.label,
                "text": d.text,
                "follow_up_at": d.follow_up_at.isoformat() if d.follow_up_at else None,
            }
            for d in facts.pending_decisions
        ],
        "entries_total": facts.entries_total,
        "entries_position": facts.entries_position,
    }


# --- signing and acknowledging ---------------------------------------------------


def _announce(incident: Incident, actor: User, handover: Handover) -> None:
    from crisis.staffing.service import staffing_dict

    db.session.flush()
    events.append_event(
        incident=incident,
        type="staffing.changed",
        actor=actor.username,
        data={**staffing_dict(incident_id=incident.id), "handover": handover_dict(handover)},
    )


def _check_open(incident: Incident) -> None:
    if incident.status is IncidentStatus.CLOSED:
        raise Conflict(_l("Händelsen är avslutad."))


def sign(*, actor: User, incident_id: int, position: str, text: str, generated_at: datetime | None = None) -> Handover:
    """Sign the (edited) brief and check out of the position, in one transaction."""
    check(actor, Perm.STAFFING)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_l("Överlämningen är tom."))
    if len(text) > TEXT_LIMIT:
        raise ValidationError(_l("Överlämningen är längre än %(limit)s tecken.", limit=TEXT_LIMIT))
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        _check_open(incident)
        pos = _position(incident_id, position)
        current = _own_assignment(pos, actor)
        now = utcnow()
        if generated_at is None or generated_at > now or generated_at < current.checked_in_at:
            generated_at = now
        handover = Handover(
            incident_id=incident_id,
            position=pos,
            from_user=actor,
            text=text,
            generated_at=generated_at,
            signed_at=now,
        )
        db.session.add(handover)
        # The brief is the leaving person's own entry, written as the position, before they leave it.
        log.write_entry(
            incident=incident,
            actor=actor,
            kind=LogKind.INFO,
            text=brief.signed_entry(position_label=pos.label, holder_name=actor.display_name, signed_at=now, text=text),
            position=pos.key,
        )
        current.checked_out_at = now
        log.system_entry(incident=incident, actor=actor, text=f"{actor.display_name} checkar ut från {pos.label}.")
        _announce(incident, actor, handover)
    return handover


def acknowledge_locked(*, incident: Incident, actor: User, handover: Handover) -> None:
    """Acknowledge inside the caller's transaction (the incident locked); checks who may."""
    if handover.acknowledged_at is not None:
        raise Conflict(
            _l(
                "Överlämningen är redan kvitterad av %(name)s.",
                name=handover.acknowledged_by.display_name if handover.acknowledged_by else "",
            )
        )
    if handover.from_user_id == actor.id:
        raise Conflict(_l("Du kan inte kvittera din egen överlämning."))
    holds = db.session.scalar(
        sa.select(Assignment.id).where(
            Assignment.position_id == handover.position_id,
            Assignment.user_id == actor.id,
            Assignment.checked_out_at.is_(None),
        )
    )
    if holds is None and not has_perm(actor, Perm.LEAD):
        raise ValidationError(
            _l("Bara den som har tagit över funktionen %(position)s kan kvittera.", position=handover.position.label),
            code="forbidden",
            status=403,
        )
    handover.acknowledged_at = utcnow()
    handover.acknowledged_by = actor
    if handover.to_user_id is None:
        handover.to_user = actor
    log.system_entry(
        incident=incident,
        actor=actor,
        text=brief.acknowledged_entry(
            position_label=handover.position.label,
            from_name=handover.from_user.display_name,
            by_name=actor.display_name,
        ),
    )


def acknowledge(*, actor: User, handover_id: int) -> Handover:
    check(actor, Perm.STAFFING)
    found = db.session.get(Handover, handover_id)
    if found is None:
        raise NotFound(_l("Överlämning %(id)s finns inte.", id=handover_id))
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=found.incident_id)
        _check_open(incident)
        handover = db.session.get(Handover, handover_id, populate_existing=True)
        assert handover is not None
        acknowledge_locked(incident=incident, actor=actor, handover=handover)
        _announce(incident, actor, handover)
    return handover


def taken_over_locked(*, pos: Position, user: User) -> Handover | None:
    """On a check-in: the position's unacknowledged handover (from someone else) now goes to `user`."""
    handover = db.session.scalar(
        sa.select(Handover)
        .where(Handover.position_id == pos.id, Handover.acknowledged_at.is_(None))
        .order_by(Handover.id.desc())
        .limit(1)
    )
    if handover is None or handover.from_user_id == user.id:
        return None
    if handover.to_user_id is None:
        handover.to_user = user
    return handover
