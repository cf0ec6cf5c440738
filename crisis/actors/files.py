"""Files of a samverkanskonferens: the samlad lägesbild received as a file (PDF, image, Word/ODT).

A file is part of the conference's record. It is stored in the database (so
backup, restore and the archive package keep it), never replaced or deleted: a
newer lägesbild is a new file. Attaching one writes ONE `info` log entry in
plain Swedish (name, type, size and SHA-256, so the log binds the file) and
the same `meeting.updated` event (kind "samverkan") that recording the
conference sends.

What a file is, is decided by its own bytes, never by the browser's claim or
the name: PDF, PNG, JPEG, DOCX and ODT are accepted, anything else refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from crisis.actors import samverkan
from crisis.actors.models import Conference, ConferenceFile
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.enums import LogKind
from crisis.errors import ApiError, Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.log import service as log

MAX_FILES = 10
MAX_FILENAME = 200
MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extension: str


PDF = FileType("PDF", "application/pdf", ".pdf")
PNG = FileType("PNG", "image/png", ".png")
JPEG = FileType("JPEG", "image/jpeg", ".jpg")
DOCX = FileType("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
ODT = FileType("ODT", "application/vnd.oasis.opendocument.text", ".odt")
TYPES = (PDF, PNG, JPEG, DOCX, ODT)
_EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    DOCX: (".docx",),
    ODT: (".odt",),
}


def _office_type(data: bytes) -> FileType | None:
    """A ZIP that is a Word document (word/document.xml) or an OpenDocument text (its mimetype member)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "mimetype" in names and zf.getinfo("mimetype").file_size <= 100:
                if zf.read("mimetype").strip() == ODT.content_type.encode("ascii"):
                    return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError, NotImplementedError):
        return None
    return None


def sniff(data: bytes) -> FileType | None:
    """The file's type from its first bytes (magic numbers); None when it is none of the accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def safe_filename(name: Any, kind: FileType) -> str:
    """The name to store and offer: no path parts or control characters, at most 200 characters,
    ending with an extension that matches what the file is."""
    raw = str(name or "")
    raw = re.split(r"[/\\]", raw)[-1]
    clean = unicodedata.normalize("NFC", raw)
    clean = "".join(ch for ch in clean if unicodedata.category(ch)[0] != "C")
    clean = _UNSAFE.sub("_", clean)
    clean = " ".join(clean.split()).strip(" .")
    stem, dot, ext = clean.rpartition(".")
    if not dot:
        stem, ext = clean, ""
    if ("." + ext.lower()) not in _EXTENSIONS[kind]:
        stem = clean  # the claimed extension (if any) stays part of the name
        ext = kind.extension.lstrip(".")
    stem = stem or "lagesbild"
    return stem[: MAX_FILENAME - len(ext) - 1].rstrip(" .") + "." + ext


def human_size(size: int) -> str:
    """Swedish size: "412 kB", "1,2 MB"."""
    if size < 1000:
        return f"{size} byte"
    if size < 1000 * 1000:
        return f"{round(size / 1000)} kB"
    return f"{size / 1000 / 1000:.1f} MB".replace(".", ",")


def max_bytes() -> int:
    return int(current_app.config.get("CRISIS_ATTACHMENT_MAX_MB", 10)) * MB


def to_dict(row: ConferenceFile) -> dict[str, Any]:
    """A file's metadata as the API returns it (never its bytes)."""
    return {
        "id": row.id,
        "conference": row.conference_id,
        "incident": row.incident_id,
        "filename": row.filename,
        "content_type": row.content_type,
        "type": next((t.label for t in TYPES if t.content_type == row.content_type), row.content_type),
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
        "url": f"/api/v1/samverkan/files/{row.id}",
    }


# --- reading ----------------------------------------------------------------------


def list_files(*, viewer: User, conference_id: int) -> list[ConferenceFile]:
    """A conference's files in the order they were attached."""
    check(viewer, Perm.READ)
    samverkan.get(viewer=viewer, conference_id=conference_id)
    return list(
        db.session.scalars(
            sa.select(ConferenceFile)
            .where(ConferenceFile.conference_id == conference_id)
            .order_by(ConferenceFile.id)
            .limit(MAX_FILES * 2)
        )
    )


def files_by_conference(*, viewer: User, incident_id: int, conference_ids: list[int]) -> dict[int, list[Any]]:
    """The files of several conferences of one incident at once (the samverkan page), metadata only."""
    check(viewer, Perm.READ)
    out: dict[int, list[Any]] = {i: [] for i in conference_ids}
    if not conference_ids:
        return out
    rows = db.session.scalars(
        sa.select(ConferenceFile)
        .where(ConferenceFile.incident_id == incident_id, ConferenceFile.conference_id.in_(conference_ids))
        .order_by(ConferenceFile.id)
    )
    listed = list(rows)
    who = sa.select(User.username, User.display_name).where(User.username.in_({r.uploaded_by for r in listed}))
    names = {username: name for username, name in db.session.execute(who)}
    for row in listed:
        out.setdefault(row.conference_id, []).append(
            dict(
                to_dict(row),
                size_label=human_size(row.size),
                uploaded_by_name=names.get(row.uploaded_by) or row.uploaded_by,
            )
        )
    return out


def get_file(*, viewer: User, file_id: int) -> ConferenceFile:
    """One file with its bytes."""
    check(viewer, Perm.READ)
    row = db.session.get(ConferenceFile, file_id, options=[orm.undefer(ConferenceFile.data)])
    if row is None:
        raise NotFound(_l("Filen %(id)s finns inte.", id=file_id))
    return row


def for_archive(incident_id: int) -> list[tuple[int, str]]:
    """(file id, path in the archive package) of an incident's files: `samverkan/S-2_17_lagesbild.pdf`."""
    rows = db.session.execute(
        sa.select(ConferenceFile.id, Conference.number, ConferenceFile.filename)
        .join(Conference, Conference.id == ConferenceFile.conference_id)
        .where(ConferenceFile.incident_id == incident_id)
        .order_by(ConferenceFile.id)
    )
    return [(fid, f"samverkan/S-{number}_{fid}_{name}") for fid, number, name in rows]


def data_of(file_id: int) -> bytes:
    """A file's stored bytes (the archive package)."""
    return db.session.scalar(sa.select(ConferenceFile.data).where(ConferenceFile.id == file_id)) or b""


# --- writing ----------------------------------------------------------------------


def attach(*, actor: User, conference_id: int, filename: Any, data: bytes) -> ConferenceFile:
    """Attach a file to a conference: one `info` log entry and a `meeting.updated` event.

    Refused: an empty file, a file above CRISIS_ATTACHMENT_MAX_MB, any type but
    PDF, PNG, JPEG, DOCX and ODT (by content), more than 10 files per conference,
    a closed incident.
    """
    check(actor, Perm.WRITE_LOG)
    probe = db.session.scalar(sa.select(Conference.incident_id).where(Conference.id == conference_id))
    if probe is None:
        raise NotFound(_l("Samverkanskonferens %(id)s finns inte.", id=conference_id))
    if not data:
        raise ValidationError(_l("Filen är tom."), code="empty_file")
    limit = max_bytes()
    if len(data) > limit:
        raise ApiError(
            _l("Filen är för stor (högst %(limit)s MB).", limit=limit // MB), code="file_too_large", status=413
        )
    kind = sniff(data)
    if kind is None:
        raise ValidationError(
            _l("Filtypen stöds inte: bifoga PDF, PNG, JPEG, Word (DOCX) eller OpenDocument-text (ODT)."),
            code="unsupported_file_type",
        )
    name = safe_filename(filename, kind)
    digest = hashlib.sha256(data).hexdigest()
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=probe)
        conf = db.session.get(Conference, conference_id, populate_existing=True)
        if conf is None:  # pragma: no cover - conferences are never deleted
            raise NotFound(_l("Samverkanskonferens %(id)s finns inte.", id=conference_id))
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(ConferenceFile).where(ConferenceFile.conference_id == conf.id)
        )
        if (count or 0) >= MAX_FILES:
            raise Conflict(_l("Högst %(limit)s filer per konferens.", limit=MAX_FILES), code="too_many_files")
        now = utcnow()
        row = ConferenceFile(
            conference_id=conf.id,
            incident_id=incident.id,
            filename=name,
            content_type=kind.content_type,
            size=len(data),
            sha256=digest,
            data=data,
            uploaded_by=actor.username,
            uploaded_at=now,
        )
        db.session.add(row)
        text = (
            f"Samlad lägesbild bifogad till S-{conf.number}: {name} "
            f"({kind.label}, {human_size(len(data))}, SHA-256 {digest[:16]}…)"
        )
        log.write_entry(incident=incident, actor=actor, kind=LogKind.INFO, text=text)
        conf.version += 1
        conf.updated_at = now
        conf.updated_by = actor.username
        samverkan.announce(incident, actor, conf)
    return row
