"""Stabsorienteringar: planning, running and recording an incident's staff meetings, and their rhythm.

A meeting is `planned` -> `running` -> `ended`. While it runs, the one
leading it moves the current agenda item (presenter mode on the wall follows
through `meeting.updated`), writes a note per agenda item, and captures
decisions (into the decision register, with the meeting's id) and tasks
(onto the board, origin "meeting:{id}"). Those land in the log as they are
made. Ending the meeting writes its protocol as ONE log entry (kind info:
attendees, a note per agenda item, the decisions B-n and the tasks), and
plans the next meeting (the time given under "nästa möte", else the next
time of the incident's rhythm).

The notes are the protocol's draft: changing them writes no log entry of
its own (the protocol entry is the record); planning, starting, ending and
changing the rhythm do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import timefmt
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.decisions import service as decisions
from crisis.decisions.models import Decision
from crisis.enums import LogKind, MeetingStatus
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.incidents.service import existing as _incident
from crisis.log import service as log
from crisis.meetings import agenda, rhythm
from crisis.meetings.models import Meeting, MeetingRhythm
from crisis.parsing import aware_time
from crisis.tasks import service as tasks
from crisis.tasks.models import Task

MAX_PAGE = 100
MAX_NOTE = 5000
MAX_NAME = 200
MAX_ATTENDEES = 60


# --- serialising -----------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def origin_of(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def meeting_tasks(meeting: Meeting) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.incident_id == meeting.incident_id, Task.origin == origin_of(meeting.id))
            .order_by(Task.id)
        )
    )


def meeting_decisions(meeting: Meeting) -> list[dict[str, Any]]:
    """The decisions captured in the meeting (from the decision register), in number order."""
    rows = db.session.scalars(
        sa.select(Decision)
        .where(Decision.incident_id == meeting.incident_id, Decision.meeting_id == meeting.id)
        .order_by(Decision.number)
    )
    return [{"id": d.id, "number": d.number, "label": f"B-{d.number}", "text": d.title or d.text} for d in rows]


def to_dict(meeting: Meeting) -> dict[str, Any]:
    """The meeting as the API and the `meeting.updated` event carry it. Agenda labels are the fixed Swedish
    names (an event is stored once for every screen, whatever its language); pages show their own translation
    by the item's key."""
    notes = meeting.notes or {}
    return {
        "id": meeting.id,
        "incident": meeting.incident_id,
        "number": meeting.number,
        "status": meeting.status.value,
        "scheduled_at": meeting.scheduled_at.isoformat(),
        "started_at": _iso(meeting.started_at),
        "ended_at": _iso(meeting.ended_at),
        "chair": meeting.chair or "",
        "attendees": list(meeting.attendees or []),
        "agenda": [{"key": k, "label": agenda.AGENDA_LABELS.sv(k), "note": notes.get(k, "")} for k in agenda.AGENDA],
        "current_item": meeting.current_item,
        "current_key": agenda.AGENDA[meeting.current_item],
        "record_log_number": meeting.record_log_number,
        "decisions": meeting_decisions(meeting),
        "tasks": [{"id": t.id, "title": t.title, "status": t.status.value} for t in meeting_tasks(meeting)],
        "version": meeting.version,
        "updated_by": meeting.updated_by,
        "updated_at": meeting.updated_at.isoformat(),
    }


def rhythm_dict(incident_id: int) -> dict[str, Any]:
    row = db.session.get(MeetingRhythm, incident_id)
    times = list(row.times) if row is not None else []
    upcoming = rhythm.next_times(times, utcnow(), 3) if times else []
    return {
        "incident": incident_id,
        "times": times,
        "next": [t.isoformat() for t in upcoming],
        "updated_by": row.updated_by if row is not None else None,
    }


# --- validation -------------------------------------------------------------------


def _name(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_l("%(field)s måste vara text.", field=field))
    text = " ".join(value.split())
    if len(text) > MAX_NAME:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=field, limit=MAX_NAME))
    return text


def _attendees(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ATTENDEES:
        raise ValidationError(_l("Deltagarna anges som en lista (högst %(limit)s).", limit=MAX_ATTENDEES))
    out = [_name(v, "attendees") for v in value]
    return [v for v in out if v]


def _notes(value: Any, existing: dict[str, str]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValidationError(_l("Anteckningarna anges per punkt på dagordningen."))
    unknown = set(value) - set(agenda.AGENDA)
    if unknown:
        raise ValidationError(_l("Okända punkter på dagordningen: %(keys)s.", keys=", ".join(sorted(unknown))))
    out = dict(existing)
    for key, note in value.items():
        if note is None:
            note = ""
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise ValidationError(_l("En anteckning är text på högst %(limit)s tecken.", limit=MAX_NOTE))
        out[key] = note.strip()
    return out


def _when(value: Any, field: str = "scheduled_at") -> datetime:
    parsed = tasks.parse_due(value)
    if parsed is None:
        raise ValidationError(_l("%(field)s saknas.", field=field))
    return parsed


# --- reading ----------------------------------------------------------------------


def _meeting(meeting_id: int, *, fresh: bool = False) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id, populate_existing=fresh)
    if meeting is None:
        raise NotFound(_l("Möte %(id)s finns inte.", id=meeting_id))
    return meeting


def get(*, viewer: User, meeting_id: int) -> Meeting:
    check(viewer, Perm.READ)
    return _meeting(meeting_id)


def list_meetings(*, viewer: User, incident_id: int, limit: int = 50, offset: int = 0) -> list[Meeting]:
    """The meetings of an incident, newest number first (paginated)."""
    check(viewer, Perm.READ)
    _incident(incident_id)
    limit = max(1, min(int(limit), MAX_PAGE))
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.incident_id == incident_id)
            .order_by(Meeting.number.desc())
            .limit(limit)
            .offset(max(0, int(offset)))
        )
    )


def next_meeting(*, incident_id: int) -> Meeting | None:
    """The running meeting, else the next planned one (for the workspace and the wall)."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.incident_id == incident_id, Meeting.status != MeetingStatus.ENDED)
        .order_by((Meeting.status == MeetingStatus.RUNNING).desc(), Meeting.scheduled_at, Meeting.id)
        .limit(1)
    )


def get_rhythm(*, viewer: User, incident_id: int) -> dict[str, Any]:
    check(viewer, Perm.READ)
    _incident(incident_id)
    return rhythm_dict(incident_id)


# --- writing ----------------------------------------------------------------------


def _announce(incident: Incident, actor: User | None, meeting: Meeting) -> None:
    db.session.flush()
    events.append_event(
        incident=incident, type="meeting.updated", actor=actor.username if actor else None, data=to_dict(meeting)
    )


def _touch(meeting: Meeting, actor: User | None) -> None:
    meeting.updated_at = utcnow()
    meeting.updated_by = actor.username if actor else None
    meeting.version += 1


def plan_locked(
    *,
    incident: Incident,
    actor: User | None,
    scheduled_at: datetime,
    chair: str = "",
    attendees: list[str] | None = None,
) -> Meeting:
    """Plan a meeting of a locked incident inside the caller's transaction (log entry and event)."""
    number = (
        db.session.scalar(sa.select(sa.func.max(Meeting.number)).where(Meeting.incident_id == incident.id)) or 0
    ) + 1
    now = utcnow()
    meeting = Meeting(
        incident_id=incident.id,
        number=number,
        status=MeetingStatus.PLANNED,
        scheduled_at=scheduled_at,
        chair=chair,
        attendees=attendees or [],
        notes={},
        current_item=0,
        created_by=actor.username if actor else None,
        created_at=now,
        updated_by=actor.username if actor else None,
        updated_at=now,
        version=1,
    )
    db.session.add(meeting)
    db.session.flush()
    log.system_entry(
        incident=incident,
        actor=actor,
        text=f"Stabsorientering {number} planerad till {timefmt.date_hhmm(scheduled_at)}.",
    )
    _announce(incident, actor, meeting)
    return meeting


def plan(*, actor: User, incident_id: int, scheduled_at: Any, chair: Any = "", attendees: Any = None) -> Meeting:
    check(actor, Perm.WRITE_LOG)
    when = _when(scheduled_at)
    chair_v = _name(chair, "chair")
    attendees_v = _attendees(attendees)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        meeting = plan_locked(incident=incident, actor=actor, scheduled_at=when, chair=chair_v, attendees=attendees_v)
    return meeting


def _locked(meeting_id: int) -> tuple[Incident, Meeting]:
    probe = db.session.scalar(sa.select(Meeting.incident_id).where(Meeting.id == meeting_id))
    if probe is None:
        raise NotFound(_l("Möte %(id)s finns inte.", id=meeting_id))
    incident = events.lock_incident(incident_id=probe)
    return incident, _meeting(meeting_id, fresh=True)


def update(*, actor: User, meeting_id: int, expected_version: Any = None, **changes: Any) -> Meeting:
    """Change the chair, attendees, notes or (while planned) the time.

    With `expected_version` a stale version is a 409 naming who changed the
    meeting. Notes are merged per agenda item.
    """
    check(actor, Perm.WRITE_LOG)
    allowed = {"chair", "attendees", "notes", "scheduled_at"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(sorted(unknown))))
    with write_transaction(db.session):
        incident, meeting = _locked(meeting_id)
        if expected_version is not None and expected_version != meeting.version:
            raise Conflict(
                _l(
                    "Mötet har ändrats av %(name)s sedan du öppnade det; ladda om och försök igen.",
                    name=meeting.updated_by or "–",
                ),
                code="stale_version",
            )
        if meeting.status is MeetingStatus.ENDED:
            raise Conflict(_l("Mötet är avslutat och protokollet skrivet; det kan inte ändras."))
        lines = []
        if "chair" in changes:
            meeting.chair = _name(changes["chair"], "chair")
        if "attendees" in changes:
            meeting.attendees = _attendees(changes["attendees"])
        if "notes" in changes:
            meeting.notes = _notes(changes["notes"], dict(meeting.notes or {}))
        if "scheduled_at" in changes:
            if meeting.status is not MeetingStatus.PLANNED:
                raise Conflict(_l("Mötet har redan börjat; tiden kan inte flyttas."))
            when = _when(changes["scheduled_at"])
            if when != meeting.scheduled_at:
                meeting.scheduled_at = when
                lines.append(f"Stabsorientering {meeting.number} flyttad till {timefmt.date_hhmm(when)}.")
        _touch(meeting, actor)
        for line in lines:
            log.system_entry(incident=incident, actor=actor, text=line)
        _announce(incident, actor, meeting)
    return meeting


def start(*, actor: User, meeting_id: int) -> Meeting:
    check(actor, Perm.WRITE_LOG)
    with write_transaction(db.session):
        incident, meeting = _locked(meeting_id)
        if meeting.status is not MeetingStatus.PLANNED:
            raise Conflict(_l("Mötet har redan börjat eller är avslutat."), code="wrong_status")
        running = db.session.scalar(
            sa.select(Meeting.number).where(Meeting.incident_id == incident.id, Meeting.status == MeetingStatus.RUNNING)
        )
        if running is not None:
            raise Conflict(
                _l("Stabsorientering %(number)s pågår; avsluta den först.", number=running), code="meeting_running"
            )
        meeting.status = MeetingStatus.RUNNING
        meeting.started_at = utcnow()
        meeting.current_item = 0
        _touch(meeting, actor)
        log.system_entry(incident=incident, actor=actor, text=f"Stabsorientering {meeting.number} inledd.")
        _announce(incident, actor, meeting)
    return meeting


def advance(*, actor: User, meeting_id: int, to: int | None = None, step: int | None = None) -> Meeting:
    """Move the current agenda item: to an index, or by a step (+1 next, -1 back). Presenter navigation."""
    check(actor, Perm.WRITE_LOG)
    if (to is None) == (step is None):
        raise ValidationError(_l("Ange antingen to (punktens nummer) eller step (+1 eller -1)."))
    with write_transaction(db.session):
        incident, meeting = _locked(meeting_id)
        if meeting.status is not MeetingStatus.RUNNING:
            raise Conflict(_l("Mötet pågår inte."), code="wrong_status")
        target = to if to is not None else meeting.current_item + (step or 0)
        if not 0 <= target < len(agenda.AGENDA):
            raise ValidationError(
                _l("Dagordningen har punkterna 0–%(last)s.", last=len(agenda.AGENDA) - 1), code="bad_item"
            )
        if target != meeting.current_item:
            meeting.current_item = target
            _touch(meeting, actor)
            _announce(incident, actor, meeting)
    return meeting


def _next_at(incident_id: int, after: datetime) -> datetime | None:
    row = db.session.get(MeetingRhythm, incident_id)
    if row is None or not row.times:
        return None
    found = rhythm.next_times(row.times, after, 1)
    return found[0] if found else None


def _has_planned(incident_id: int, exclude: int | None = None) -> bool:
    stmt = sa.select(Meeting.id).where(Meeting.incident_id == incident_id, Meeting.status == MeetingStatus.PLANNED)
    if exclude is not None:
        stmt = stmt.where(Meeting.id != exclude)
    return db.session.scalar(stmt.limit(1)) is not None


def end(*, actor: User, meeting_id: int, next_at: Any = None) -> Meeting:
    """End the meeting: its protocol as one log entry, and the next meeting planned."""
    check(actor, Perm.WRITE_LOG)
    next_when = tasks.parse_due(next_at) if next_at not in (None, "") else None
    with write_transaction(db.session):
        incident, meeting = _locked(meeting_id)
        if meeting.status is not MeetingStatus.RUNNING:
            raise Conflict(_l("Mötet pågår inte."), code="wrong_status")
        now = utcnow()
        if next_when is not None and next_when <= now:
            raise ValidationError(_l("Nästa möte måste ligga i framtiden."), code="bad_next_at")
        if next_when is None and not _has_planned(incident.id, exclude=meeting.id):
            next_when = _next_at(incident.id, now + timedelta(minutes=1))
        meeting.status = MeetingStatus.ENDED
        meeting.ended_at = now
        decisions = [f"{d['label']} {d['text']}" for d in meeting_decisions(meeting)]
        task_lines = [f"uppgift {t.id} '{t.title}'" for t in meeting_tasks(meeting)]
        text = agenda.protocol_text(
            number=meeting.number,
            started=timefmt.date_hhmm(meeting.started_at),
            ended=timefmt.hhmm(now),
            chair=meeting.chair,
            attendees=list(meeting.attendees or []),
            notes=dict(meeting.notes or {}),
            decisions=decisions,
            tasks=task_lines,
            next_meeting=timefmt.date_hhmm(next_when) if next_when is not None else None,
        )
        entry = log.write_entry(incident=incident, actor=actor, kind=LogKind.INFO, text=text)
        meeting.record_log_number = entry.number
        _touch(meeting, actor)
        _announce(incident, actor, meeting)
        if next_when is not None:
            plan_locked(
                incident=incident,
                actor=actor,
                scheduled_at=next_when,
                chair=meeting.chair,
                attendees=list(meeting.attendees or []),
            )
    return meeting


def set_rhythm(
    *, actor: User, incident_id: int, times: Any = None, every_hours: Any = None, start: Any = None
) -> dict[str, Any]:
    """Set the clock times (or every N hours from a start time); plans the next meeting if none is planned."""
    check(actor, Perm.WRITE_LOG)
    try:
        if every_hours is not None:
            clock = rhythm.every(int(every_hours), str(start or "08:00"))
        else:
            clock = rhythm.parse_times(times or [])
    except (rhythm.RhythmError, ValueError, TypeError):
        raise ValidationError(
            _l("Ange mötestider som TT:MM (t.ex. 08:00, 12:00, 16:00) eller var N:e timme från en starttid."),
            code="bad_rhythm",
        ) from None
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        row = db.session.get(MeetingRhythm, incident_id)
        if row is None:
            row = MeetingRhythm(incident_id=incident_id)
            db.session.add(row)
        row.times = clock
        row.updated_by = actor.username
        row.updated_at = utcnow()
        text = "Mötesrytm: " + (", ".join(clock) if clock else "ingen fast rytm") + "."
        log.system_entry(incident=incident, actor=actor, text=text)
        if clock and not _has_planned(incident_id):
            when = _next_at(incident_id, utcnow())
            if when is not None:
                plan_locked(incident=incident, actor=actor, scheduled_at=when)
    return rhythm_dict(incident_id)


def capture_task(
    *,
    actor: User,
    meeting_id: int,
    title: str,
    description: str = "",
    position: str | None = None,
    assignee: str | None = None,
    due_at: Any = None,
    priority: str = "normal",
) -> Task:
    """A task decided in the running meeting: onto the board (origin "meeting:{id}")."""
    check(actor, Perm.WRITE_LOG)
    with write_transaction(db.session):
        incident, meeting = _locked(meeting_id)
        if meeting.status is not MeetingStatus.RUNNING:
            raise Conflict(_l("Mötet pågår inte."), code="wrong_status")
        task = tasks.create_locked(
            incident=incident,
            actor=actor,
            title=title,
            description=description,
            position=position,
            assignee=assignee,
            due_at=tasks.parse_due(due_at),
            priority=priority,
            origin=origin_of(meeting.id),
        )
        _touch(meeting, actor)
        _announce(incident, actor, meeting)
    return task


def capture_decision(*, actor: User, meeting_id: int, **fields: Any) -> Decision:
    """A decision taken in the running meeting: into the decision register (with the meeting's id) and the log.

    The same rules as the register: the actor must be allowed to decide
    (a TiB only up to the configured level), decided_by, mandate and reason
    are required. `fields` are the register's (type, text, title, decided_by,
    mandate, mandate_key, reason, executed_by, follow_up_at, valid_until, level).
    """
    level = fields.pop("level", None)
    if level is not None:
        fields["data"] = {"level": level}
    decisions.check_may_decide(actor, type=fields.get("type") or "", level=level)
    for name in ("follow_up_at", "valid_until"):
        if name in fields:
            fields[name] = aware_time(fields[name], name)
    with write_transaction(db.session):
        incident, meeting = _locked(meeting_id)
        if meeting.status is not MeetingStatus.RUNNING:
            raise Conflict(_l("Mötet pågår inte."), code="wrong_status")
        decision = decisions.record_locked(incident=incident, actor=actor, meeting_id=meeting.id, **fields)
        _touch(meeting, actor)
        _announce(incident, actor, meeting)
    return decision
