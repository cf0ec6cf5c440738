"""What a playbook leaves behind in an incident: the activation record, the
checklist, the call-out list (larmlista), the recurring reminders and the
outgoing e-mail (an outbox: mail is only sent after the transaction commits).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import str_enum


class CalloutState(StrEnum):
    PENDING = "pending"  # not yet called
    REACHED = "reached"  # nådd
    NOT_REACHED = "not_reached"  # ej nådd (try again)
    DECLINED = "declined"  # avböjt / kan inte komma


class AckVia(StrEnum):
    LINK = "link"  # the link in the e-mail or SMS
    SMS = "sms"  # a reply "OK 4711" by SMS


class SmsState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # after the retries
    SUPPRESSED = "suppressed"  # exercise SMS to a number not on CRISIS_EXERCISE_SMS_ALLOWLIST


class MailState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DRY_RUN = "dry_run"  # CRISIS_MAIL_DRY_RUN: logged, not sent
    SUPPRESSED = "suppressed"  # exercise mail to an address not on the allowlist


class PlaybookActivation(db.Model):
    """Which playbook started an incident, with what context (one per incident)."""

    __tablename__ = "playbook_activations"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), unique=True)
    playbook_key: Mapped[str] = mapped_column(sa.String(40))
    playbook_title: Mapped[str] = mapped_column(sa.String(200))
    context: Mapped[str] = mapped_column(sa.Text, default="")
    highlight_categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    activated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    activated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deviation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deviations.id"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "incident": self.incident_id,
            "playbook": self.playbook_key,
            "playbook_title": self.playbook_title,
            "context": self.context,
            "highlight_categories": list(self.highlight_categories or []),
            "activated_at": self.activated_at.isoformat(),
            "deviation": self.deviation_id,
        }


class ChecklistItem(db.Model):
    __tablename__ = "checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.Text)
    done: Mapped[bool] = mapped_column(default=False)
    done_by: Mapped[str | None] = mapped_column(sa.String(200))
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    done_at: Mapped[datetime | None]


class CalloutEntry(db.Model):
    __tablename__ = "callout_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(64), default="")
    email: Mapped[str | None] = mapped_column(sa.String(254))
    state: Mapped[CalloutState] = mapped_column(str_enum(CalloutState), default=CalloutState.PENDING)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    updated_by: Mapped[str | None] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime | None]
    notified_at: Mapped[datetime | None]
    # The ersättare from the playbook (or none), and the entry this one substitutes for.
    substitute_name: Mapped[str | None] = mapped_column(sa.String(200))
    substitute_phone: Mapped[str | None] = mapped_column(sa.String(64))
    substitute_email: Mapped[str | None] = mapped_column(sa.String(254))
    substitute_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("callout_entries.id"))
    # Acknowledgement: when the call-out went out, when (and how) the person acknowledged,
    # when the "not acknowledged" state was raised, when the substitute was called out.
    sent_at: Mapped[datetime | None]
    ack_at: Mapped[datetime | None]
    ack_via: Mapped[AckVia | None] = mapped_column(str_enum(AckVia))
    overdue_at: Mapped[datetime | None]
    substitute_called_at: Mapped[datetime | None]


class AckToken(db.Model):
    """One person's acknowledgement of one call-out (incident or larmövning): the link
    token (only its SHA-256 is stored) and the short code of an SMS reply."""

    __tablename__ = "ack_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    code: Mapped[str] = mapped_column(sa.String(8))
    phone: Mapped[str] = mapped_column(sa.String(32), default="", index=True)  # digits, country code first
    callout_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("callout_entries.id"), index=True)
    drill_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drill_entries.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class SmsMessage(db.Model):
    """The SMS outbox: written in the transaction, sent through the gateway after commit."""

    __tablename__ = "sms_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    callout_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("callout_entries.id"), index=True)
    drill_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drill_entries.id"), index=True)
    to_number: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[SmsState] = mapped_column(str_enum(SmsState), default=SmsState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.String(500))


class IncidentReminder(db.Model):
    """A recurring reminder of one incident; the scheduler job only triggers it.

    `last_due_at` is the due time (slot) that last fired, so a job that runs
    twice, or late after a restart, fires each due time at most once.
    """

    __tablename__ = "incident_reminders"
    __table_args__ = (sa.UniqueConstraint("incident_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[str | None] = mapped_column(sa.String(64))
    every_minutes: Mapped[int]
    first_at: Mapped[datetime]
    last_due_at: Mapped[datetime | None]
    fired_count: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def job_id(self) -> str:
        return f"reminder:{self.incident_id}:{self.key}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "text": self.text,
            "position": self.position,
            "every_minutes": self.every_minutes,
            "first_at": self.first_at.isoformat(),
            "last_due_at": self.last_due_at.isoformat() if self.last_due_at else None,
            "fired_count": self.fired_count,
            "active": self.active,
        }


class MailMessage(db.Model):
    """The outbox: written in the transaction, delivered after it commits."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)  # None: larmövning
    callout_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("callout_entries.id"))
    drill_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drill_entries.id"))
    to_addr: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[MailState] = mapped_column(str_enum(MailState), default=MailState.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.String(500))
