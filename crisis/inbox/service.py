"""The TiB inbox: any förvaltning or bolag reports an abnormal event (avvikelse);
the TiB assesses it: dismiss with a reason, keep under monitoring (bevakning)
until a follow-up time, or activate a playbook with the report attached.

A deviation is not yet in an incident, so each step is kept in its own
history (`DeviationStep`); once it is attached to an incident, the incident's
log records the report (an `incoming` entry) and its history. Every change is
broadcast to the Socket.IO room "inbox" after commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from crisis import aftercommit, labels, record_sv, timefmt
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import lock_row, utcnow, write_transaction
from crisis.enums import LogKind
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.extensions import db
from crisis.inbox.models import OPEN_DEVIATION_STATUSES, Deviation, DeviationStatus, DeviationStep
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.realtime import bus

FOLLOW_UP_JOB_FUNC = "crisis.inbox.jobs:follow_up"
MAX_FOLLOW_UP = timedelta(days=30)
MAX_SINCE_PAST = timedelta(days=366)
MAX_FUTURE = timedelta(minutes=5)


def _local(dt: datetime) -> str:
    return timefmt.date_hhmm(dt)


def _text(value: Any, field: str, limit: int, *, required: bool = False, one_line: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_l("%(field)s måste vara text.", field=labels.field(field)))
    text: str = " ".join(value.split()) if one_line else value.strip()
    if required and not text:
        raise ValidationError(_l("Fältet %(field)s är tomt.", field=labels.field(field)))
    if len(text) > limit:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=labels.field(field), limit=limit))
    return text


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            _l(
                "%(field)s behöver en tidszon (t.ex. %(example)s).",
                field=labels.field(field),
                example="2026-11-24T14:30:00+01:00",
            )
        )
    return value


def _broadcast(d: Deviation) -> None:
    db.session.flush()
    db.session.expire(d, ["steps"])
    bus.inbox_after_commit("deviation", d.to_dict())


def _step(d: Deviation, actor: User | None, action: str, text: str = "") -> None:
    now = utcnow()
    db.session.add(
        DeviationStep(
            deviation_id=d.id, at=now, actor=actor.display_name if actor else "Krisrum", action=action, text=text
        )
    )
    d.updated_at = now


# --- reporting and reading ------------------------------------------------------------


def report(
    *,
    actor: User,
    what: str,
    contact: str,
    organisation: str,
    where: str = "",
    since: datetime | None = None,
    services: str = "",
) -> Deviation:
    """Report an abnormal event to the TiB (any user who may write; integrations by token)."""
    check(actor, Perm.REPORT)
    what_v = _text(what, "what", 2000, required=True, one_line=False)
    contact_v = _text(contact, "contact", 300, required=True)
    org_v = _text(organisation, "organisation", 200, required=True)
    where_v = _text(where, "where", 300)
    services_v = _text(services, "services", 1000)
    since_v = _aware(since, "since")
    now = utcnow()
    if since_v is not None:
        if since_v > now + MAX_FUTURE:
            raise ValidationError(_l("Sedan-tiden (since) ligger i framtiden."))
        if since_v < now - MAX_SINCE_PAST:
            raise ValidationError(_l("Sedan-tiden (since) ligger mer än ett år bakåt."))
    with write_transaction(db.session):
        d = Deviation(
            what=what_v,
            where=where_v,
            since=since_v,
            services=services_v,
            contact=contact_v,
            organisation=org_v,
            reported_by_id=actor.id,
            reported_by=actor.display_name,
            reported_at=now,
            status=DeviationStatus.NEW,
            updated_at=now,
        )
        db.session.add(d)
        db.session.flush()
        _step(d, actor, "reported", f"Rapporterad av {actor.display_name} för {org_v}.")
        _broadcast(d)
    return d


def _query() -> sa.Select[tuple[Deviation]]:
    return sa.select(Deviation).options(selectinload(Deviation.steps))


def list_deviations(*, viewer: User, status: str | None = None) -> list[Deviation]:
    """The TiB (CREATE_INCIDENT) sees every report; a reporter sees their own."""
    if not has_perm(viewer, Perm.CREATE_INCIDENT):
        check(viewer, Perm.REPORT)
    stmt = _query().order_by(Deviation.reported_at.desc(), Deviation.id.desc())
    if not has_perm(viewer, Perm.CREATE_INCIDENT):
        stmt = stmt.where(Deviation.reported_by_id == viewer.id)
    if status:
        try:
            stmt = stmt.where(Deviation.status == DeviationStatus(status))
        except ValueError:
            raise ValidationError(
                _l(
                    'Okänd status "%(value)s"; välj en av: %(allowed)s.',
                    value=status,
                    allowed=", ".join(s.value for s in DeviationStatus),
                )
            ) from None
    return list(db.session.scalars(stmt))


def get(*, viewer: User, deviation_id: int) -> Deviation:
    if not has_perm(viewer, Perm.CREATE_INCIDENT):
        check(viewer, Perm.REPORT)
    d = db.session.scalar(_query().where(Deviation.id == deviation_id))
    if d is None or (not has_perm(viewer, Perm.CREATE_INCIDENT) and d.reported_by_id != viewer.id):
        raise NotFound(_l("Avvikelserapport %(id)s finns inte.", id=deviation_id))
    return d


def open_count() -> dict[str, int]:
    """New reports and monitored reports whose follow-up time has come (for the start page)."""
    now = utcnow()
    new = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Deviation).where(Deviation.status == DeviationStatus.NEW)
        )
        or 0
    )
    due = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Deviation)
            .where(Deviation.status == DeviationStatus.MONITORING, Deviation.follow_up_at <= now)
        )
        or 0
    )
    return {"new": new, "follow_up_due": due}


# --- assessing --------------------------------------------------------------------------


def _lock(deviation_id: int) -> Deviation:
    d = lock_row(db.session, Deviation, deviation_id)
    if d is None:
        raise NotFound(_l("Avvikelserapport %(id)s finns inte.", id=deviation_id))
    return d


def _require_open(d: Deviation) -> None:
    if d.status not in OPEN_DEVIATION_STATUSES:
        where = _l(" (händelse %(id)s)", id=d.incident_id) if d.incident_id else ""
        raise Conflict(
            _l(
                "Avvikelserapport %(id)s har redan status %(status)s%(where)s.",
                id=d.id,
                status=labels.DEVIATION_STATUSES[d.status.value],
                where=where,
            ),
            code="deviation_closed",
        )


def _job_id(deviation_id: int) -> str:
    return f"deviation-followup:{deviation_id}"


def _remove_job(job_id: str) -> None:
    from crisis.scheduler import runner

    runner.remove(job_id)


def schedule_follow_up(deviation_id: int, at: datetime) -> None:
    """Schedule the follow-up job of a monitored report (call after commit; recovery uses it too)."""
    from crisis.scheduler import runner

    runner.schedule_once(
        job_id=_job_id(deviation_id), run_at=at, func_path=FOLLOW_UP_JOB_FUNC, args=(deviation_id, at.isoformat())
    )


def dismiss(*, actor: User, deviation_id: int, reason: str) -> Deviation:
    check(actor, Perm.CREATE_INCIDENT)
    reason_v = _text(reason, "reason", 2000, required=True, one_line=False)
    with write_transaction(db.session):
        d = _lock(deviation_id)
        _require_open(d)
        d.status = DeviationStatus.DISMISSED
        d.follow_up_at = None
        _step(d, actor, "dismissed", reason_v)
        aftercommit.after_commit(_remove_job, _job_id(d.id))
        _broadcast(d)
    return d


def monitor(*, actor: User, deviation_id: int, follow_up_at: datetime, note: str = "") -> Deviation:
    """Keep under monitoring (bevakning) until `follow_up_at`, when it comes back to the TiB."""
    check(actor, Perm.CREATE_INCIDENT)
    at = _aware(follow_up_at, "follow_up_at")
    if at is None:
        raise ValidationError(_l("Bevakning behöver en uppföljningstid (follow_up_at)."))
    now = utcnow()
    if at <= now:
        raise ValidationError(_l("Uppföljningstiden måste ligga i framtiden."))
    if at > now + MAX_FOLLOW_UP:
        raise ValidationError(_l("Uppföljningstiden ligger mer än 30 dagar fram i tiden."))
    note_v = _text(note, "note", 2000, one_line=False)
    with write_transaction(db.session):
        d = _lock(deviation_id)
        _require_open(d)
        d.status = DeviationStatus.MONITORING
        d.follow_up_at = at
        text = f"Bevakning till {_local(at)}."
        if note_v:
            text += f" {note_v}"
        _step(d, actor, "monitoring", text)
        aftercommit.after_commit(schedule_follow_up, d.id, at)
        _broadcast(d)
    return d


def follow_up_due(*, deviation_id: int, due_at: str) -> bool:
    """Scheduler job: the follow-up time of a monitored report has come; re-surface it once."""
    with write_transaction(db.session):
        d = db.session.get(Deviation, deviation_id)
        if d is None:
            return False
        d = _lock(deviation_id)
        if d.status is not DeviationStatus.MONITORING or d.follow_up_at is None or d.follow_up_at.isoformat() != due_at:
            return False  # assessed again since, or moved to another time
        if d.follow_up_at > utcnow() + timedelta(seconds=2):
            return False  # not yet
        last_monitoring = db.session.scalar(
            sa.select(sa.func.max(DeviationStep.id)).where(
                DeviationStep.deviation_id == d.id, DeviationStep.action == "monitoring"
            )
        )
        already = db.session.scalar(
            sa.select(DeviationStep.id).where(
                DeviationStep.deviation_id == d.id,
                DeviationStep.action == "follow_up_due",
                DeviationStep.id > (last_monitoring or 0),
            )
        )
        if already is not None:
            return False  # this follow-up time has been announced
        _step(d, None, "follow_up_due", f"Uppföljningstiden {_local(d.follow_up_at)} är nådd: bedöm rapporten igen.")
        _broadcast(d)
    return True


def check_attachable_locked(*, deviation_id: int) -> Deviation:
    d = _lock(deviation_id)
    _require_open(d)
    return d


def attach_locked(*, deviation_id: int, incident: Incident, actor: User) -> Deviation:
    """Attach a report to a new incident (inside the activation's transaction)."""
    d = _lock(deviation_id)
    _require_open(d)
    history = "; ".join(
        f"{_local(s.at)} {record_sv.deviation_action(s.action)} ({s.actor})"
        + (f": {s.text}" if s.text and s.action != "reported" else "")
        for s in d.steps
    )
    lines = [f"Avvikelserapport {d.id} från {d.organisation}: {d.what}"]
    if d.where:
        lines.append(f"Var: {d.where}")
    if d.since:
        lines.append(f"Sedan: {_local(d.since)}")
    if d.services:
        lines.append(f"Berörda verksamheter: {d.services}")
    lines.append(f"Kontakt: {d.contact}. Rapporterad av {d.reported_by} {_local(d.reported_at)}.")
    log.write_entry(
        incident=incident,
        actor=actor,
        kind=LogKind.INCOMING,
        text="\n".join(lines),
        occurred_at=d.reported_at,
        counterpart=f"{d.organisation} ({d.contact})"[:200],
    )
    log.system_entry(
        incident=incident,
        actor=actor,
        text=f"Avvikelserapport {d.id} bifogad händelsen. Bedömning före aktiveringen: {history}.",
    )
    d.status = DeviationStatus.ACTIVATED
    d.incident_id = incident.id
    d.follow_up_at = None
    _step(d, actor, "activated", f"Händelse {incident.id} '{incident.title}' skapad och rapporten bifogad.")
    aftercommit.after_commit(_remove_job, _job_id(d.id))
    _broadcast(d)
    return d
