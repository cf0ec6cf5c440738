"""Larmövning (call-out drill): exercise control sends a test message to everyone on a
playbook's call-out list, by e-mail and SMS like a real call-out, and measures how
long each person takes to acknowledge (the same link and SMS reply as a real one,
crisis.playbooks.ack). No incident is created.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.drills.models import Drill, DrillEntry
from crisis.drills.summary import Person, summarise
from crisis.errors import NotFound, ValidationError
from crisis.extensions import db
from crisis.playbooks import ack, outbox, registry, sms
from crisis.playbooks.models import AckVia, MailMessage, SmsMessage
from crisis.timefmt import TZ

PER_PAGE = 25


def start(*, actor: User, playbook_key: str, title: str = "") -> Drill:
    """Start a larmövning with the call-out list of a playbook; messages go after commit."""
    check(actor, Perm.EXERCISES)
    pb = registry.get(playbook_key)
    if not pb.callout:
        raise ValidationError(_l("Spelboken %(title)s har ingen larmlista.", title=pb.title), code="no_callout")
    title = " ".join((title or "").split())[:200] or f"Larmövning: {pb.title}"
    kommun = current_app.config.get("CRISIS_KOMMUN", "")
    with write_transaction(db.session):
        now = utcnow()
        drill = Drill(
            title=title,
            playbook_key=pb.key,
            playbook_title=pb.title,
            started_by_id=actor.id,
            started_by=actor.display_name,
            started_at=now,
        )
        db.session.add(drill)
        db.session.flush()
        mails, texts = [], []
        for order, c in enumerate(pb.callout):
            entry = DrillEntry(
                drill_id=drill.id, sort_order=order, name=c.name, role=c.role, phone=c.phone, email=c.email, sent_at=now
            )
            db.session.add(entry)
            db.session.flush()
            token, code = ack.new_token_locked(phone=c.phone, drill_entry_id=entry.id)
            link = ack.ack_url(token)
            texts.append(
                (
                    c.phone,
                    f"LARMÖVNING – kvittera: svara OK {code} eller öppna {link} (övning, inget larm)",
                    None,
                    entry.id,
                )
            )
            if c.email:
                body = "\n".join(
                    [
                        "LARMÖVNING – detta är en övning, inget verkligt larm.",
                        "",
                        f"{kommun} övar larmningen av krisledningen ({pb.title}).",
                        "Kvittera så snart du kan att du har fått meddelandet:",
                        link,
                        f"(eller svara på SMS:et med OK {code})",
                        "",
                        "Tiden till din kvittens mäts för att se hur snabbt krisledningen kan nås.",
                    ]
                )
                mails.append((c.email, f"LARMÖVNING – kvittera: {pb.title}", body, entry.id))
        outbox.queue_drill_locked(messages=mails)
        sms.queue_locked(incident=None, messages=texts)
    return drill


def acknowledge_locked(*, entry_id: int, via: AckVia) -> tuple[datetime, bool]:
    """Record one person's acknowledgement of a drill (the first time is kept)."""
    entry = db.session.get(DrillEntry, entry_id, with_for_update=True, populate_existing=True)
    if entry is None:  # pragma: no cover - a foreign key
        raise NotFound(_l("Larmövningen finns inte."))
    if entry.ack_at is not None:
        return entry.ack_at, False
    entry.ack_at, entry.ack_via = utcnow(), via
    return entry.ack_at, True


def _get(drill_id: int) -> Drill:
    drill = db.session.get(Drill, drill_id)
    if drill is None:
        raise NotFound(_l("Larmövning %(id)s finns inte.", id=drill_id))
    return drill


def _entries(drill_ids: list[int]) -> dict[int, list[DrillEntry]]:
    out: dict[int, list[DrillEntry]] = {i: [] for i in drill_ids}
    if drill_ids:
        for e in db.session.scalars(
            sa.select(DrillEntry)
            .where(DrillEntry.drill_id.in_(drill_ids))
            .order_by(DrillEntry.sort_order, DrillEntry.id)
        ):
            out[e.drill_id].append(e)
    return out


def _summary(entries: list[DrillEntry]) -> dict[str, Any]:
    return summarise([Person(name=e.name, sent_at=e.sent_at, ack_at=e.ack_at) for e in entries])


def _head(drill: Drill, entries: list[DrillEntry]) -> dict[str, Any]:
    return {
        "id": drill.id,
        "title": drill.title,
        "playbook": drill.playbook_key,
        "playbook_title": drill.playbook_title,
        "started_at": drill.started_at.isoformat(),
        "started_by": drill.started_by,
        "summary": _summary(entries),
    }


def list_drills(*, viewer: User, page: int = 1) -> tuple[list[dict[str, Any]], bool]:
    """Drills, newest first, with their summaries: (one page, whether there is a next)."""
    check(viewer, Perm.READ_CONFIDENTIAL)
    page = max(1, page)
    drills = list(
        db.session.scalars(
            sa.select(Drill)
            .order_by(Drill.started_at.desc(), Drill.id.desc())
            .limit(PER_PAGE + 1)
            .offset((page - 1) * PER_PAGE)
        )
    )
    more = len(drills) > PER_PAGE
    drills = drills[:PER_PAGE]
    entries = _entries([d.id for d in drills])
    return [_head(d, entries[d.id]) for d in drills], more


def get(*, viewer: User, drill_id: int) -> dict[str, Any]:
    """One drill with every person's time to acknowledge and how the messages went."""
    check(viewer, Perm.READ_CONFIDENTIAL)
    drill = _get(drill_id)
    entries = _entries([drill.id])[drill.id]
    ids = [e.id for e in entries]
    mail = {
        m.drill_entry_id: m.state.value
        for m in db.session.scalars(sa.select(MailMessage).where(MailMessage.drill_entry_id.in_(ids)))
    }
    texts = {
        m.drill_entry_id: (m.state.value, m.error)
        for m in db.session.scalars(sa.select(SmsMessage).where(SmsMessage.drill_entry_id.in_(ids)))
    }
    people = []
    for e in entries:
        p = Person(name=e.name, sent_at=e.sent_at, ack_at=e.ack_at)
        people.append(
            {
                "id": e.id,
                "name": e.name,
                "role": e.role,
                "phone": e.phone,
                "email": e.email,
                "sent_at": e.sent_at.isoformat(),
                "ack_at": e.ack_at.isoformat() if e.ack_at else None,
                "ack_via": e.ack_via.value if e.ack_via else None,
                "seconds": p.seconds,
                "mail": mail.get(e.id),
                "sms": texts[e.id][0] if e.id in texts else None,
                "sms_error": texts[e.id][1] if e.id in texts else None,
            }
        )
    return {**_head(drill, entries), "people": people, "sms_enabled": sms.enabled()}


def drills_in_year(year: int) -> list[dict[str, Any]]:
    """The larmövningar started in calendar year `year` in Swedish time (as the rest of the
    yearly follow-up counts it), oldest first: id, title, started_at (aware datetime), total,
    acknowledged, not_acknowledged, median_seconds. For the yearly follow-up; no role check
    (the caller checks its own)."""
    start_at, end_at = datetime(year, 1, 1, tzinfo=TZ), datetime(year + 1, 1, 1, tzinfo=TZ)
    drills = list(
        db.session.scalars(
            sa.select(Drill)
            .where(Drill.started_at >= start_at, Drill.started_at < end_at)
            .order_by(Drill.started_at, Drill.id)
        )
    )
    entries = _entries([d.id for d in drills])
    out = []
    for d in drills:
        s = _summary(entries[d.id])
        out.append(
            {
                "id": d.id,
                "title": d.title,
                "started_at": d.started_at,
                "total": s["total"],
                "acknowledged": s["acknowledged"],
                "not_acknowledged": len(s["not_acknowledged"]),
                "median_seconds": s["median_seconds"],
            }
        )
    return out


def record_held(
    *, actor: User, playbook_key: str, started_at: datetime, ack_seconds: list[int | None], title: str = ""
) -> Drill:
    """Record a larmövning held earlier (the demo's history; no message is sent): person i of the
    playbook's list acknowledged after ack_seconds[i] seconds (None: not at all)."""
    check(actor, Perm.EXERCISES)
    pb = registry.get(playbook_key)
    with write_transaction(db.session):
        drill = Drill(
            title=" ".join(title.split())[:200] or f"Larmövning: {pb.title}",
            playbook_key=pb.key,
            playbook_title=pb.title,
            started_by_id=actor.id,
            started_by=actor.display_name,
            started_at=started_at,
        )
        db.session.add(drill)
        db.session.flush()
        for order, (c, seconds) in enumerate(zip(pb.callout, ack_seconds, strict=False)):
            db.session.add(
                DrillEntry(
                    drill_id=drill.id,
                    sort_order=order,
                    name=c.name,
                    role=c.role,
                    phone=c.phone,
                    email=c.email,
                    sent_at=started_at,
                    ack_at=started_at + timedelta(seconds=seconds) if seconds is not None else None,
                    ack_via=(AckVia.SMS if order % 2 else AckVia.LINK) if seconds is not None else None,
                )
            )
    return drill
