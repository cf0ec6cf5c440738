"""The decision register: recording, following up and superseding decisions (beslut).

A decision is numbered per incident (B-1, B-2, ...) under the incident's write
lock, so the numbers are gap-free like the log's. Recording one writes ONE
`decision` entry in the log (the legal record; its number is kept as
`log_number`) and a `decision.recorded` event. A level decision (type
`level`, `data={"level": ...}`) also sets the incident's level: there is no
other way to change a level. A decision of type `kln` (`data={"action": ...}`)
puts krisledningsnämnden in function, records a takeover of beslutanderätt
or stands it down: crisis/decisions/kln.py.

Who may decide: leaders and admins anything (Perm.LEAD); a TiB (Perm.DECIDE
without LEAD) levels only up to `CRISIS_TIB_MAX_LEVEL`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from crisis import record_sv, timefmt
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.decisions import kln
from crisis.decisions.mandates import Mandate
from crisis.decisions.models import Decision
from crisis.decisions.schemas import is_overdue, to_dict
from crisis.enums import LEVEL_ORDER, DecisionStatus, DecisionType, Level, LogKind
from crisis.errors import Conflict, Forbidden, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.labels import DECISION_FIELDS
from crisis.log import service as log
from crisis.parsing import aware_time, enum_value
from crisis.search import service as search

__all__ = [
    "check_may_decide",
    "count_decisions",
    "get",
    "is_overdue",
    "list_decisions",
    "mandates",
    "may_decide_level",
    "record",
    "record_locked",
    "tib_max_level",
    "to_dict",
    "update",
]

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_DECIDED_BY = 200
MAX_MANDATE = 300
MAX_REASON = 2000
MAX_EXECUTED_BY = 200
MAX_REPORT_TO = 200
MAX_NOTE = 2000
PAGE_MAX = 500
PRINT_MAX = 2000

# The decision task a playbook's proposed level creates (see playbooks.activation);
# task origins are shown on the cards, so this is a Swedish sentence, not a key.
LEVEL_TASK_ORIGIN = record_sv.LEVEL_PROPOSAL_ORIGIN
LEVEL_TASK_PREFIX = "Beslut om nivå"


# --- configuration --------------------------------------------------------------------------


def tib_max_level() -> Level:
    """The highest level a TiB may decide (CRISIS_TIB_MAX_LEVEL, bevakningsläge by default)."""
    return Level(current_app.config.get("CRISIS_TIB_MAX_LEVEL", "monitoring"))


def mandates() -> tuple[Mandate, ...]:
    """The mandates of the delegationsordning, loaded at startup (empty if none)."""
    loaded: tuple[Mandate, ...] = current_app.extensions.get("krisrum_mandates", ())
    return loaded


def _mandate(key: str) -> Mandate:
    for m in mandates():
        if m.key == key:
            return m
    raise ValidationError(_l('Delegationsordningen har inget mandat "%(key)s".', key=key), code="unknown_mandate")


# --- permissions ----------------------------------------------------------------------------


def may_decide_level(actor: User, level: Level) -> bool:
    """Leaders decide any level; a TiB up to CRISIS_TIB_MAX_LEVEL."""
    if has_perm(actor, Perm.LEAD):
        return True
    return has_perm(actor, Perm.DECIDE) and LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(tib_max_level())


def check_may_decide(actor: User, *, type: str | DecisionType, level: str | Level | None = None) -> None:
    """Raise 401/403 unless `actor` may record a decision of `type` (and, for a level decision, `level`)."""
    check(actor, Perm.DECIDE)
    if str(type) == DecisionType.STAND_DOWN.value:
        check(actor, Perm.LEAD)  # avveckling: the same mandate rule as a level decision (leaders)
    if str(type) == DecisionType.LEVEL.value and level is not None:
        try:
            level_e = Level(level)
        except ValueError:
            return  # the validation says what is wrong with it
        if not may_decide_level(actor, level_e):
            raise Forbidden(
                _l(
                    "TiB får besluta upp till %(max)s; %(level)s beslutas av krisledningschefen.",
                    max=record_sv.level(tib_max_level()),
                    level=record_sv.level(level_e),
                ),
                code="above_tib_limit",
            )


# --- validation -----------------------------------------------------------------------------


def _text(value: Any, field: str, limit: int, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(_l("Ett beslut behöver %(missing)s.", missing=str(DECISION_FIELDS.get(field, field))))
        return None
    if not isinstance(value, str):
        raise ValidationError(_l("%(field)s måste vara text.", field=field))
    text: str = value.strip()
    if len(text) > limit:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=field, limit=limit))
    return text


def _in_force(incident_id: int, decision_id: Any) -> Decision:
    if isinstance(decision_id, bool) or not isinstance(decision_id, int):
        raise ValidationError(_l("supersedes ska vara id för ett beslut."))
    old = db.session.get(Decision, decision_id, populate_existing=True)
    if old is None or old.incident_id != incident_id:
        raise ValidationError(_l("Händelsen har inget beslut med id %(id)s.", id=decision_id), code="unknown_decision")
    if old.status is not DecisionStatus.IN_FORCE:
        raise ValidationError(
            _l(
                "Beslut B-%(number)s gäller inte längre (%(status)s) och kan inte ersättas.",
                number=old.number,
                status=record_sv.decision_status(old.status.value),
            ),
            code="not_in_force",
        )
    return old


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _log_text(d: Decision, superseded: Decision | None) -> str:
    parts = [
        f"Beslut {record_sv.decision_label(d.number)} ({record_sv.decision_type(d.type.value)}): {_sentence(d.text)}"
    ]
    parts.append(f"Motivering: {_sentence(d.reason)}")
    if d.executed_by:
        parts.append(f"Verkställs av: {d.executed_by}.")
    if d.valid_until is not None:
        parts.append(f"Gäller till: {timefmt.date_hhmm(d.valid_until)}.")
    if d.follow_up_at is not None:
        parts.append(f"Följs upp: {timefmt.date_hhmm(d.follow_up_at)}.")
    if superseded is not None:
        parts.append(f"Ersätter {record_sv.decision_label(superseded.number)}.")
    if d.report_to:
        parts.append(f"Anmäls till {d.report_to}.")
    return " ".join(parts)


# --- recording ------------------------------------------------------------------------------


def index_decision_locked(incident: Incident, d: Decision) -> None:
    """The decision in the search index as an object of its own: "B-3", its
    title, text and reasoning (same transaction; they never change)."""
    search.index_locked(
        kind="decision",
        incident=incident,
        ref_id=d.id,
        number=d.number,
        title=d.title,
        text=f"{d.text}\n{d.reason}",
        extra=" ".join(v for v in (f"B-{d.number}", d.decided_by, d.mandate, d.executed_by or "") if v),
        occurred_at=d.created_at,
        new=True,
    )


def record_locked(
    *,
    incident: Incident,
    actor: User,
    type: str | DecisionType,
    text: str,
    decided_by: str,
    mandate: str,
    reason: str,
    title: str | None = None,
    mandate_key: str | None = None,
    executed_by: str | None = None,
    follow_up_at: datetime | None = None,
    valid_until: datetime | None = None,
    meeting_id: int | None = None,
    supersedes: int | None = None,
    data: dict[str, Any] | None = None,
    report_to: str | None = None,
) -> Decision:
    """Record a decision on an incident the caller has locked, inside the caller's write transaction.

    Never checks the role (the caller does: `check_may_decide`). Validates
    every field before writing anything. A level decision carries
    `data={"level": ...}` and sets the incident's level (clearing a proposed
    level and closing its decision task); `data={"level": ..., "opening": True}`
    records the level an incident is opened at.
    """
    type_e: DecisionType = enum_value(DecisionType, type, "type")
    decided_by_v = _text(decided_by, "decided_by", MAX_DECIDED_BY, required=True)
    reason_v = _text(reason, "reason", MAX_REASON, required=True)
    mandate_obj = _mandate(mandate_key) if mandate_key else None
    mandate_v = _text(mandate or (mandate_obj.label if mandate_obj else None), "mandate", MAX_MANDATE, required=True)
    executed_v = _text(executed_by, "executed_by", MAX_EXECUTED_BY, required=False)
    report_v = _text(report_to, "report_to", MAX_REPORT_TO, required=False)
    if report_v is None and mandate_obj is not None:
        report_v = mandate_obj.report_to
    follow_v = aware_time(follow_up_at, "follow_up_at")
    valid_v = aware_time(valid_until, "valid_until")
    if meeting_id is not None and (isinstance(meeting_id, bool) or not isinstance(meeting_id, int)):
        raise ValidationError(_l("meeting_id ska vara ett mötes id."))
    if data is not None and not isinstance(data, dict):
        raise ValidationError(_l("data ska vara ett objekt."))
    payload = dict(data or {})
    new_level: Level | None = None
    old_level = incident.level
    if type_e is DecisionType.LEVEL:
        if "level" not in payload:
            raise ValidationError(_l("Ett nivåbeslut behöver den nya nivån (level)."), code="level_required")
        new_level = enum_value(Level, payload["level"], "level")
        opening = bool(payload.pop("opening", False))
        if not opening and new_level is old_level:
            raise ValidationError(
                _l("Händelsen är redan i %(level)s.", level=record_sv.level(new_level)), code="same_level"
            )
        payload["level"] = new_level.value
        payload["from"] = None if opening else old_level.value
        if mandate_obj is not None and not mandate_obj.reaches(new_level):
            raise Forbidden(
                _l(
                    "Mandatet %(mandate)s räcker inte till %(level)s.",
                    mandate=mandate_obj.label,
                    level=record_sv.level(new_level),
                ),
                code="above_mandate",
            )
        if not (text or "").strip():
            text = (
                f"Händelsen öppnas i {record_sv.level(new_level)}"
                if opening
                else f"Nivån ändras från {record_sv.level(old_level)} till {record_sv.level(new_level)}"
            )
    if type_e is DecisionType.STAND_DOWN:
        from crisis.incidents import service as incidents

        incidents.check_stand_down(incident=incident)  # active, no open tasks (409 listing them)
    if type_e is DecisionType.KLN:
        # KLN in function only by the ordförande's (vice's) decision, never under höjd beredskap.
        payload, text = kln.prepare(incident=incident, mandate=mandate_obj, payload=payload, text=text)
    if mandate_obj is not None and not mandate_obj.covers(type_e):
        raise ValidationError(
            _l(
                "Mandatet %(mandate)s omfattar inte %(type)s.",
                mandate=mandate_obj.label,
                type=record_sv.decision_type(type_e.value),
            ),
            code="outside_mandate",
        )
    text_v = _text(text, "text", MAX_TEXT, required=False)
    if text_v is None:
        raise ValidationError(_l("Beslutet är tomt: skriv vad som beslutas."), code="text_required")
    title_v = _text(title, "title", MAX_TITLE, required=False)
    if title_v is None:
        first = " ".join(text_v.split())
        title_v = first if len(first) <= 80 else first[:79] + "…"
    old = _in_force(incident.id, supersedes) if supersedes is not None else None

    number = (
        db.session.scalar(sa.select(sa.func.max(Decision.number)).where(Decision.incident_id == incident.id)) or 0
    ) + 1
    now = utcnow()
    decision = Decision(
        incident_id=incident.id,
        number=number,
        type=type_e,
        title=title_v,
        text=text_v,
        decided_by=decided_by_v,
        mandate=mandate_v,
        mandate_key=mandate_obj.key if mandate_obj else None,
        reason=reason_v,
        executed_by=executed_v,
        follow_up_at=follow_v,
        valid_until=valid_v,
        status=DecisionStatus.IN_FORCE,
        supersedes_id=old.id if old else None,
        report_to=report_v,
        meeting_id=meeting_id,
        data=payload or None,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        updated_by=actor.username,
        log_number=0,
    )
    entry = log.write_entry(
        incident=incident,
        actor=actor,
        kind=LogKind.DECISION,
        text=_log_text(decision, old),
        decided_by=decided_by_v,
        mandate=mandate_v,
    )
    decision.log_number = entry.number
    db.session.add(decision)
    db.session.flush()
    index_decision_locked(incident, decision)
    if old is not None:
        old.status = DecisionStatus.SUPERSEDED
        old.updated_at = now
        old.updated_by = actor.username
        db.session.flush()
        events.append_event(incident=incident, type="decision.updated", actor=actor.username, data=to_dict(old))
    events.append_event(incident=incident, type="decision.recorded", actor=actor.username, data=to_dict(decision))
    if new_level is not None:
        _apply_level(incident=incident, actor=actor, level=new_level, decision=decision)
    if type_e is DecisionType.STAND_DOWN:
        from crisis.incidents import service as incidents

        incidents.apply_stand_down(incident=incident, actor=actor)
    if type_e is DecisionType.KLN:
        kln.apply_locked(incident=incident, actor=actor, decision=decision)
    return decision


def _apply_level(*, incident: Incident, actor: User, level: Level, decision: Decision) -> None:
    """Set the incident's level; a decided level ends a proposal and its decision task."""
    from crisis.tasks import service as tasks

    incident.level = level
    if incident.proposed_level is not None:
        incident.proposed_level = None
        for task in tasks.open_tasks_by_origin(incident_id=incident.id, origin=LEVEL_TASK_ORIGIN):
            if task.title.startswith(LEVEL_TASK_PREFIX):
                tasks.finish_locked(
                    incident=incident,
                    actor=actor,
                    task=task,
                    note=f"nivån beslutad i {record_sv.decision_label(decision.number)}",
                )
    events.append_event(incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict())


def record(*, actor: User, incident_id: int, **fields: Any) -> Decision:
    """Record a decision: role check, one transaction, the incident locked.

    `fields` are record_locked's; a `level` field (for type level) is put in `data`.
    """
    level = fields.pop("level", None)
    type_ = fields.get("type")
    if level is not None:
        fields["data"] = {**(fields.get("data") or {}), "level": level}
    elif fields.get("data"):
        level = fields["data"].get("level")
    check_may_decide(actor, type=type_ or "", level=level)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        decision = record_locked(incident=incident, actor=actor, **fields)
    return decision


# --- reading --------------------------------------------------------------------------------


def _decision(decision_id: int, *, fresh: bool = False) -> Decision:
    d = db.session.get(Decision, decision_id, populate_existing=fresh)
    if d is None:
        raise NotFound(_l("Beslut %(id)s finns inte.", id=decision_id))
    return d


def get(*, viewer: User, decision_id: int) -> Decision:
    check(viewer, Perm.READ)
    return _decision(decision_id)


def _filtered(incident_id: int, status: str | None, type: str | None, report: bool) -> Any:
    stmt = sa.select(Decision).where(Decision.incident_id == incident_id)
    if status:
        stmt = stmt.where(Decision.status == enum_value(DecisionStatus, status, "status"))
    if type:
        stmt = stmt.where(Decision.type == enum_value(DecisionType, type, "type"))
    if report:
        stmt = stmt.where(Decision.report_to.is_not(None))
    return stmt


def _incident_exists(incident_id: int) -> None:
    if db.session.get(Incident, incident_id) is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))


def list_decisions(
    *,
    viewer: User,
    incident_id: int,
    status: str | None = None,
    type: str | None = None,
    limit: int = 100,
    offset: int = 0,
    report: bool = False,
    oldest_first: bool = False,
) -> list[Decision]:
    """The decisions of an incident, newest first (or oldest first), filtered; one page."""
    check(viewer, Perm.READ)
    _incident_exists(incident_id)
    limit = max(1, min(int(limit), PAGE_MAX))
    offset = max(0, int(offset))
    order = Decision.number.asc() if oldest_first else Decision.number.desc()
    stmt = _filtered(incident_id, status, type, report).order_by(order).limit(limit).offset(offset)
    return list(db.session.scalars(stmt))


def count_decisions(
    *, viewer: User, incident_id: int, status: str | None = None, type: str | None = None, report: bool = False
) -> int:
    check(viewer, Perm.READ)
    stmt = _filtered(incident_id, status, type, report).with_only_columns(sa.func.count()).order_by(None)
    return int(db.session.scalar(stmt) or 0)


def protocol(*, viewer: User, incident_id: int) -> list[Decision]:
    """Every decision of the incident, oldest first, for the printed beslutsförteckning (bounded)."""
    return list_decisions(viewer=viewer, incident_id=incident_id, limit=PRINT_MAX, oldest_first=True)


def overdue(*, viewer: User, incident_id: int) -> list[Decision]:
    """Decisions in force whose follow-up time has passed, earliest first."""
    check(viewer, Perm.READ)
    stmt = (
        sa.select(Decision)
        .where(
            Decision.incident_id == incident_id,
            Decision.status == DecisionStatus.IN_FORCE,
            Decision.follow_up_at.is_not(None),
            Decision.follow_up_at <= utcnow(),
        )
        .order_by(Decision.follow_up_at)
        .limit(PAGE_MAX)
    )
    return list(db.session.scalars(stmt))


def upcoming_follow_ups(*, viewer: User, incident_id: int, limit: int = 20) -> list[Decision]:
    """Decisions in force with a follow-up time, earliest first (the workspace shows them)."""
    check(viewer, Perm.READ)
    stmt = (
        sa.select(Decision)
        .where(
            Decision.incident_id == incident_id,
            Decision.status == DecisionStatus.IN_FORCE,
            Decision.follow_up_at.is_not(None),
        )
        .order_by(Decision.follow_up_at)
        .limit(max(1, min(limit, PAGE_MAX)))
    )
    return list(db.session.scalars(stmt))


# --- changing -------------------------------------------------------------------------------

UPDATABLE = ("status", "note", "executed_by", "follow_up_at", "reported", "reported_at")


def update(*, actor: User, decision_id: int, expected_version: Any, **changes: Any) -> Decision:
    """Follow a decision up: mark it done or revoked (revoking needs a `note`: why), change who
    carries it out or when it is followed up, mark it reported (anmält). Never its text or reason.

    A stale `expected_version` is a 409; nothing is written then. Every
    change is one `system` entry in the log and a `decision.updated` event.
    """
    check(actor, Perm.DECIDE)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError(
            _l(
                "Okända fält: %(fields)s. Ett besluts text och motivering ändras aldrig; ersätt beslutet i stället.",
                fields=", ".join(sorted(unknown)),
            )
        )
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationError(
            _l("Skicka med versionen av beslutet som du utgick från (version)."), code="version_required"
        )
    with write_transaction(db.session):
        probe = db.session.scalar(sa.select(Decision.incident_id).where(Decision.id == decision_id))
        if probe is None:
            raise NotFound(_l("Beslut %(id)s finns inte.", id=decision_id))
        incident = events.lock_incident(incident_id=probe)
        d = _decision(decision_id, fresh=True)
        if expected_version != d.version:
            who = d.updated_by or "Krisrum"
            raise Conflict(
                _l(
                    "Beslut B-%(number)s har ändrats av %(who)s %(time)s (nu version %(version)s, du utgick från "
                    "version %(expected)s). Ladda om och gör ändringen igen.",
                    number=d.number,
                    who=who,
                    time=timefmt.date_hhmm(d.updated_at),
                    version=d.version,
                    expected=expected_version,
                ),
                code="version_conflict",
                details={"decision": to_dict(d), "current_version": d.version, "changed_by": who},
            )
        lines = _changes(d, changes)
        if not lines:
            return d
        d.updated_at = utcnow()
        d.updated_by = actor.username
        db.session.flush()
        log.system_entry(
            incident=incident,
            actor=actor,
            text=f"Beslut {record_sv.decision_label(d.number)} ({d.title}): {'; '.join(lines)}.",
        )
        events.append_event(incident=incident, type="decision.updated", actor=actor.username, data=to_dict(d))
    return d


def _changes(d: Decision, changes: dict[str, Any]) -> list[str]:
    """Validate every change, then apply them; the Swedish lines for the log."""
    note = _text(changes.get("note"), "note", MAX_NOTE, required=False)
    status: DecisionStatus | None = None
    if changes.get("status") is not None:
        status = enum_value(DecisionStatus, changes["status"], "status")
        if status is DecisionStatus.SUPERSEDED:
            raise ValidationError(
                _l("Ett beslut ersätts genom ett nytt beslut som anger vilket det ersätter (supersedes)."),
                code="supersede_by_decision",
            )
        if status is DecisionStatus.IN_FORCE:
            raise ValidationError(_l("Ett beslut kan inte börja gälla igen; fatta ett nytt beslut."))
        if status is d.status:
            status = None
        elif d.status is not DecisionStatus.IN_FORCE:
            raise ValidationError(
                _l(
                    "Beslut B-%(number)s gäller inte längre (%(status)s).",
                    number=d.number,
                    status=record_sv.decision_status(d.status.value),
                ),
                code="not_in_force",
            )
        if status is DecisionStatus.REVOKED and not note:
            raise ValidationError(_l("Ange varför beslutet upphävs."), code="note_required")
    executed_set = "executed_by" in changes
    executed = _text(changes.get("executed_by"), "executed_by", MAX_EXECUTED_BY, required=False)
    follow_set = "follow_up_at" in changes
    follow = aware_time(changes.get("follow_up_at"), "follow_up_at")
    reported = bool(changes.get("reported")) or changes.get("reported_at") is not None
    reported_at = aware_time(changes.get("reported_at"), "reported_at") if changes.get("reported_at") else None
    if reported:
        if not d.report_to:
            raise ValidationError(_l("Beslutet ska inte anmälas någonstans."), code="not_reportable")
        if d.reported_at is not None:
            reported = False
    lines: list[str] = []
    if status is not None:
        line = f"status {record_sv.decision_status(d.status.value)} -> {record_sv.decision_status(status.value)}"
        d.status = status
        lines.append(f"{line} ({_sentence(note).rstrip('.')})" if note else line)
    elif note:
        lines.append(f"anteckning: {note}")
    if executed_set and executed != d.executed_by:
        lines.append(f"verkställs av {d.executed_by or '–'} -> {executed or '–'}")
        d.executed_by = executed
    if follow_set and follow != d.follow_up_at:
        old = timefmt.date_hhmm(d.follow_up_at) if d.follow_up_at else "–"
        lines.append(f"följs upp {old} -> {timefmt.date_hhmm(follow) if follow else '–'}")
        d.follow_up_at = follow
    if reported:
        d.reported_at = reported_at or utcnow()
        lines.append(f"anmält till {d.report_to} {timefmt.date_hhmm(d.reported_at)}")
    return lines
