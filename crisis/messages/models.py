"""Crisis communication to the public (budskap) and VMA requests of an incident."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db


class Message(db.Model):
    """One version of a message to the public, numbered per incident (M-1, M-2, ...).

    `draft` -> `approved` -> `published` (per channel, `publications`). The text
    never changes once approved: a newer version is a new message whose
    `supersedes_id` names this one, and this one then shows `superseded_by_id`.
    A translation is a message with `translation_of_id` (the original).
    """

    __tablename__ = "messages"
    __table_args__ = (sa.UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    number: Mapped[int]
    # alert | update (set when superseding) | cancel | all_clear
    kind: Mapped[str] = mapped_column(sa.String(16), default="alert")
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    channels: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    language: Mapped[str] = mapped_column(sa.String(16), default="sv")
    headline: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    instruction: Mapped[str | None] = mapped_column(sa.Text)
    web: Mapped[str | None] = mapped_column(sa.String(500))
    contact: Mapped[str | None] = mapped_column(sa.String(300))
    area_desc: Mapped[str | None] = mapped_column(sa.String(300))
    expires_at: Mapped[datetime | None]
    point_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id"))
    translation_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id"))
    # [{"channel", "at", "by", "where"}] in publishing order.
    publications: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    author: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(sa.String(64))
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(default=1)


class VmaRequest(db.Model):
    """A request for a VMA (viktigt meddelande till allmänheten): the kommun asks, the authority sends."""

    __tablename__ = "vma_requests"
    __table_args__ = (sa.UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    number: Mapped[int]
    # raddningsledare | polisen | lansstyrelsen
    authority: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    area_desc: Mapped[str | None] = mapped_column(sa.String(300))
    # requested | sent | declined
    status: Mapped[str] = mapped_column(sa.String(16), default="requested")
    note: Mapped[str | None] = mapped_column(sa.Text)
    requested_by: Mapped[str] = mapped_column(sa.String(64))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(sa.String(64))
    resolved_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
