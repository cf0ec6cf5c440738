"""The actor register (aktörsregister) and the samverkan conferences of an incident."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.extensions import db


class Actor(db.Model):
    """An organisation the kommun works with, and how to reach it.

    Never deleted: a deactivated actor stays so that old requests and
    conferences still name it.
    """

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    phone: Mapped[str] = mapped_column(sa.String(100), default="")
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    rakel: Mapped[str] = mapped_column(sa.String(100), default="")
    alternative: Mapped[str] = mapped_column(sa.String(300), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class Conference(db.Model):
    """A samverkanskonferens (or samverkansmöte) of an incident, numbered S-1, S-2, ... per incident.

    Recorded after (or during) the conference as one `info` log entry; each
    agreement becomes a decision or a task, linked in `agreements`.
    """

    __tablename__ = "samverkan_conferences"
    __table_args__ = (sa.UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    number: Mapped[int]
    held_at: Mapped[datetime]
    called_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actors.id"))
    # actor ids, and free-text participants not in the register
    participant_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    participants_other: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    reported: Mapped[str] = mapped_column(sa.Text, default="")
    agreed: Mapped[str] = mapped_column(sa.Text, default="")
    situation: Mapped[str] = mapped_column(sa.Text, default="")
    next_at: Mapped[datetime | None]
    # [{"text": ..., "decision": id | None, "task": id | None}]
    agreements: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    log_number: Mapped[int | None]
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class ConferenceFile(db.Model):
    """A file received at a samverkanskonferens, typically the samlad lägesbild from Länsstyrelsen.

    Part of the record: stored in the database (so backup, restore and the
    archive keep it), never changed or deleted; a newer version is a new file.
    """

    __tablename__ = "samverkan_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("samverkan_conferences.id"), index=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # deferred: listing files never loads their bytes
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
