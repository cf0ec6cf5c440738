"""Samverkanskonferenser (and samverkansmöten) of an incident: recording them and turning agreements into action.

A conference is numbered S-1, S-2, ... per incident and records when it was
held, who called it (an actor), who took part (actors from the register and
free text), what the kommun reported, what was agreed, the samlad lägesbild
received (text) and the next conference. Recording it writes ONE `info`
entry in the log, in plain Swedish, so it is on the timeline, and a
`meeting.updated` event with `kind: "samverkan"` (DESIGN.md fixes the event
types; the staff meetings' own events carry no `kind`, or `"stabsorientering"`).

Each agreement becomes, in one step, a decision in the register (type
`coordination`, with `data={"samverkan": id}`) or a task on the board (origin
"samverkan:{id}"), and is linked from the conference's `agreements`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import timefmt
from crisis.actors import service as actors
from crisis.actors.models import Conference
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.decisions import service as decisions
from crisis.enums import LogKind
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.incidents.service import existing as _incident
from crisis.log import service as log
from crisis.parsing import text_value
from crisis.tasks import service as tasks

KIND = "samverkan"
MAX_PAGE = 100
MAX_TEXT = 5000
MAX_NAME = 200
MAX_PARTICIPANTS = 40
MAX_AGREEMENTS = 50


def origin_of(conference_id: int) -> str:
    return f"samverkan:{conference_id}"


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def to_dict(conf: Conference) -> dict[str, Any]:
    """The conference as the API and its `meeting.updated` event (kind "samverkan") carry it."""
    return {
        "kind": KIND,
        "id": conf.id,
        "incident": conf.incident_id,
        "number": conf.number,
        "label": f"S-{conf.number}",
        "held_at": conf.held_at.isoformat(),
        "called_by": {"id": conf.called_by_id, "name": actors.name_of(conf.called_by_id) or "–"}
        if conf.called_by_id is not None
        else None,
        "participants": [{"id": i, "name": actors.name_of(i) or "–"} for i in conf.participant_ids or []],
        "participants_other": list(conf.participants_other or []),
        "reported": conf.reported or "",
        "agreed": conf.agreed or "",
        "situation": conf.situation or "",
        "next_at": _iso(conf.next_at),
        "agreements": [
            {"text": a.get("text", ""), "decision": a.get("decision"), "task": a.get("task")}
            for a in conf.agreements or []
        ],
        "log_number": conf.log_number,
        "version": conf.version,
        "updated_by": conf.updated_by,
        "updated_at": conf.updated_at.isoformat(),
    }


# --- validation -------------------------------------------------------------------


def _text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    return text_value(value, field, limit)


def _others(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_PARTICIPANTS:
        raise ValidationError(_l("Deltagarna anges som en lista (högst %(limit)s).", limit=MAX_PARTICIPANTS))
    out = [" ".join(_text(v, "participants_other", MAX_NAME).split()) for v in value]
    return [v for v in out if v]


def _participants(value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_PARTICIPANTS:
        raise ValidationError(_l("Deltagarna anges som en lista (högst %(limit)s).", limit=MAX_PARTICIPANTS))
    ids: list[int] = []
    for v in value:
        a = actors.active_actor(v, "participants")
        if a.id not in ids:
            ids.append(a.id)
    return ids


# --- reading ----------------------------------------------------------------------


def _conference(conference_id: int, *, fresh: bool = False) -> Conference:
    conf = db.session.get(Conference, conference_id, populate_existing=fresh)
    if conf is None:
        raise NotFound(_l("Samverkanskonferens %(id)s finns inte.", id=conference_id))
    return conf


def get(*, viewer: User, conference_id: int) -> Conference:
    check(viewer, Perm.READ)
    return _conference(conference_id)


def list_conferences(*, viewer: User, incident_id: int, limit: int = 50, offset: int = 0) -> list[Conference]:
    """An incident's conferences, newest first (paginated)."""
    check(viewer, Perm.READ)
    _incident(incident_id)
    return list(
        db.session.scalars(
            sa.select(Conference)
            .where(Conference.incident_id == incident_id)
            .order_by(Conference.number.desc())
            .limit(max(1, min(int(limit), MAX_PAGE)))
            .offset(max(0, int(offset)))
        )
    )


# --- writing ----------------------------------------------------------------------


def _record_text(conf: Conference, names: list[str]) -> str:
    called = actors.name_of(conf.called_by_id)
    text = f"Samverkanskonferens S-{conf.number} {timefmt.date_hhmm(conf.held_at)}"
    text += f", sammankallad av {called}." if called else "."
    if names:
        text += f" Deltagare: {', '.join(names)}."
    if conf.reported:
        text += f"\nKommunen rapporterade: {conf.reported}"
    if conf.agreed:
        text += f"\nÖverenskommet: {conf.agreed}"
    if conf.situation:
        text += f"\nSamlad lägesbild: {conf.situation}"
    if conf.next_at is not None:
        text += f"\nNästa samverkanskonferens: {timefmt.date_hhmm(conf.next_at)}."
    return text


def announce(incident: Incident, actor: User, conf: Conference) -> None:
    db.session.flush()
    events.append_event(incident=incident, type="meeting.updated", actor=actor.username, data=to_dict(conf))


def record(
    *,
    actor: User,
    incident_id: int,
    held_at: Any,
    called_by: Any = None,
    participants: Any = None,
    participants_other: Any = None,
    reported: Any = "",
    agreed: Any = "",
    situation: Any = "",
    next_at: Any = None,
) -> Conference:
    """Record a conference: one `info` log entry (on the timeline) and a `meeting.updated` event."""
    check(actor, Perm.WRITE_LOG)
    held = tasks.parse_due(held_at)
    if held is None:
        raise ValidationError(_l("Ange när konferensen hölls (held_at)."), code="missing_field")
    next_v = tasks.parse_due(next_at) if next_at not in (None, "") else None
    if next_v is not None and next_v <= held:
        raise ValidationError(_l("Nästa konferens måste ligga efter den här."), code="bad_next_at")
    reported_v = _text(reported, "reported")
    agreed_v = _text(agreed, "agreed")
    situation_v = _text(situation, "situation")
    others = _others(participants_other)
    with write_transaction(db.session):
        called_id = actors.active_actor(called_by, "called_by").id if called_by is not None else None
        ids = _participants(participants)
        incident = events.lock_incident(incident_id=incident_id)
        number = (
            db.session.scalar(sa.select(sa.func.max(Conference.number)).where(Conference.incident_id == incident.id))
            or 0
        ) + 1
        now = utcnow()
        conf = Conference(
            incident_id=incident.id,
            number=number,
            held_at=held,
            called_by_id=called_id,
            participant_ids=ids,
            participants_other=others,
            reported=reported_v,
            agreed=agreed_v,
            situation=situation_v,
            next_at=next_v,
            agreements=[],
            created_by=actor.username,
            created_at=now,
            updated_by=actor.username,
            updated_at=now,
            version=1,
        )
        db.session.add(conf)
        db.session.flush()
        names = [actors.name_of(i) or "–" for i in ids] + others
        entry = log.write_entry(incident=incident, actor=actor, kind=LogKind.INFO, text=_record_text(conf, names))
        conf.log_number = entry.number
        announce(incident, actor, conf)
    return conf


def add_agreement(
    *,
    actor: User,
    conference_id: int,
    text: Any,
    to: Any,
    decided_by: Any = None,
    mandate: Any = None,
    reason: Any = None,
    position: Any = None,
    due_at: Any = None,
    priority: Any = "normal",
) -> dict[str, Any]:
    """One agreement of the conference becomes a decision (`to="decision"`) or a task (`to="task"`), linked.

    A decision needs the right to decide (decided_by, mandate, reason as in the
    register); a task the right to write the log. Returns the agreement.
    """
    if to == "decision":
        decisions.check_may_decide(actor, type="coordination")
    elif to == "task":
        check(actor, Perm.WRITE_LOG)
    else:
        check(actor, Perm.WRITE_LOG)
        raise ValidationError(_l('Välj om överenskommelsen blir ett beslut ("decision") eller en uppgift ("task").'))
    text_v = _text(text, "text")
    if not text_v:
        raise ValidationError(_l("Skriv vad som överenskoms."), code="missing_field")
    probe = db.session.scalar(sa.select(Conference.incident_id).where(Conference.id == conference_id))
    if probe is None:
        raise NotFound(_l("Samverkanskonferens %(id)s finns inte.", id=conference_id))
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=probe)
        conf = _conference(conference_id, fresh=True)
        if len(conf.agreements or []) >= MAX_AGREEMENTS:
            raise Conflict(_l("Högst %(limit)s överenskommelser per konferens.", limit=MAX_AGREEMENTS))
        agreement: dict[str, Any] = {"text": text_v, "decision": None, "task": None}
        if to == "decision":
            decision = decisions.record_locked(
                incident=incident,
                actor=actor,
                type="coordination",
                text=text_v,
                decided_by=decided_by,
                mandate=mandate,
                reason=reason or f"Överenskommet i samverkanskonferens S-{conf.number}.",
                data={"samverkan": conf.id},
            )
            agreement["decision"] = decision.id
        else:
            title = " ".join(text_v.split())
            task = tasks.create_locked(
                incident=incident,
                actor=actor,
                title=title if len(title) <= 200 else title[:199] + "…",
                description=f"Överenskommet i samverkanskonferens S-{conf.number}: {text_v}",
                position=position or None,
                due_at=tasks.parse_due(due_at),
                priority=priority or "normal",
                origin=origin_of(conf.id),
            )
            agreement["task"] = task.id
        conf.agreements = [*(conf.agreements or []), agreement]
        conf.version += 1
        conf.updated_at = utcnow()
        conf.updated_by = actor.username
        announce(incident, actor, conf)
    return agreement


def report_prefill(*, incident: Incident, since: datetime | None) -> dict[str, Any]:
    """The lägesrapport's samverkan section: the conferences held since the previous report (all for the first)."""
    q = sa.select(Conference).where(Conference.incident_id == incident.id)
    if since is not None:
        q = q.where(Conference.held_at > since)
    lines = []
    for conf in db.session.scalars(q.order_by(Conference.held_at).limit(20)):
        names = [actors.name_of(i) or "–" for i in conf.participant_ids or []] + list(conf.participants_other or [])
        line = f"Samverkanskonferens S-{conf.number} {timefmt.date_hhmm(conf.held_at)}"
        called = actors.name_of(conf.called_by_id)
        if called:
            line += f" (sammankallad av {called})"
        if names:
            line += f" med {', '.join(names)}"
        line += "."
        if conf.agreed:
            line += f" Överenskommet: {conf.agreed}"
        lines.append(line)
    return {"samverkan": "\n".join(lines)} if lines else {}
