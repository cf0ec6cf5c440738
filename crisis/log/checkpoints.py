"""Signed checkpoints of the log's chain head: writing them and checking the chain against them.

The key (`CRISIS_SIGNING_KEY_FILE`, Ed25519 PEM) is never stored in the
database. Checkpoints are written periodically for active incidents with new
entries (scheduler job), when an incident closes, into each approved
lägesrapport and into each archive manifest. Each one is stored in
`log_checkpoints` and appended to a plain append-only file
(`CRISIS_CHECKPOINT_FILE`), so deleting rows does not hide a rewrite.

Writing a checkpoint writes no log entry: a checkpoint records the head, and an
entry about it would move the head it records.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from crisis import aftercommit
from crisis.db import utcnow, write_transaction
from crisis.enums import IncidentStatus
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import hashing, signing
from crisis.log.models import LogCheckpoint, LogEntry

CHECKPOINT_FILE_NAME = "krisrum-checkpoints.jsonl"


def signing_key() -> Ed25519PrivateKey | None:
    """The configured private key (read once per app), or None when none is configured."""
    path = current_app.config.get("CRISIS_SIGNING_KEY_FILE") or ""
    if not path:
        return None
    cache: dict[str, Ed25519PrivateKey] = current_app.extensions.setdefault("krisrum_signing_key", {})
    if path not in cache:
        cache[path] = signing.load_private_key(path)
    return cache[path]


def public_key() -> Ed25519PublicKey | None:
    key = signing_key()
    return key.public_key() if key is not None else None


def checkpoint_file() -> Path | None:
    configured = current_app.config.get("CRISIS_CHECKPOINT_FILE") or ""
    if configured:
        return Path(configured)
    key_path = current_app.config.get("CRISIS_SIGNING_KEY_FILE") or ""
    return Path(key_path).parent / CHECKPOINT_FILE_NAME if key_path else None


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def sign_head(*, incident_id: int, number: int, head: str) -> dict[str, Any] | None:
    """A signed head that is not stored (the archive's manifest carries it); None without a key."""
    key = signing_key()
    if key is None:
        return None
    return signing.sign_head(key, incident=incident_id, number=number, hash=head, at=_stamp(utcnow()))


def sign_bytes(data: bytes) -> tuple[bytes, bytes, str] | None:
    """(signature, public key PEM, fingerprint) of `data`; None without a key."""
    key = signing_key()
    if key is None:
        return None
    pub = key.public_key()
    return signing.sign_bytes(key, data), signing.public_pem(pub), signing.fingerprint(pub)


def write_locked(*, incident: Incident, source: str) -> dict[str, Any] | None:
    """Sign the head of a *locked* incident inside the caller's transaction and store it.

    Returns the signed checkpoint (for a report's snapshot), or None when no key is configured.
    """
    signed = sign_head(
        incident_id=incident.id, number=incident.last_log_number, head=incident.last_log_hash or hashing.GENESIS
    )
    if signed is None:
        return None
    db.session.execute(
        LogCheckpoint.__table__.insert(),
        {
            "incident_id": signed["incident"],
            "number": signed["number"],
            "hash": signed["hash"],
            "signed_at": signed["at"],
            "source": source,
            "key_fingerprint": signed["key"],
            "signature": signed["signature"],
        },
    )
    path = checkpoint_file()
    if path is not None:
        aftercommit.after_commit(_append_to_file, str(path), dict(signed, source=source))
    return signed


def _append_to_file(path: str, record: dict[str, Any]) -> None:
    line = (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def periodic() -> int:
    """Sign the head of every active incident with entries since its last checkpoint; the number signed."""
    if signing_key() is None:
        return 0
    covered = (
        sa.select(LogCheckpoint.incident_id, sa.func.max(LogCheckpoint.number).label("n"))
        .group_by(LogCheckpoint.incident_id)
        .subquery()
    )
    due = list(
        db.session.scalars(
            sa.select(Incident.id)
            .outerjoin(covered, covered.c.incident_id == Incident.id)
            .where(
                Incident.status == IncidentStatus.ACTIVE,
                Incident.last_log_number > sa.func.coalesce(covered.c.n, 0),
            )
            .order_by(Incident.id)
        )
    )
    for incident_id in due:
        with write_transaction(db.session):
            incident = events.lock_incident(incident_id=incident_id, allow_closed=True)
            write_locked(incident=incident, source="periodic")
    return len(due)


class Verdict(NamedTuple):
    problem: signing.CheckpointProblem | None
    checkpoints: int  # distinct checkpoints checked
    covered: int  # the highest entry number a valid checkpoint covers
    notes: list[str]


def _from_file(path: Path | None, incident_id: int, notes: list[str]) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    found: list[dict[str, Any]] = []
    unreadable = 0
    with path.open("r", encoding="utf-8") as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                unreadable += 1
                continue
            if isinstance(record, dict) and record.get("incident") == incident_id:
                found.append(record)
    if unreadable:
        notes.append(f"{unreadable} unreadable line(s) in {path}")
    return found


def _from_reports(incident_id: int) -> list[dict[str, Any]]:
    from crisis.reports.models import Report

    found = []
    for snap in db.session.scalars(sa.select(Report.snapshot).where(Report.incident_id == incident_id)):
        cp = (snap or {}).get("checkpoint") if isinstance(snap, dict) else None
        if isinstance(cp, dict):
            found.append(cp)
    return found


def from_archive(path: str) -> dict[str, Any] | None:
    """The signed checkpoint in an archive package's manifest (None in an unsigned one).

    Raises ValueError when the file is not a readable archive."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            man = json.loads(zf.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile) as e:
        raise ValueError(f"not a readable archive ({e})") from None
    cp = (man.get("log") or {}).get("checkpoint") if isinstance(man, dict) else None
    return cp if isinstance(cp, dict) else None


def verify(
    *,
    incident_id: int,
    key: Ed25519PublicKey | Sequence[Ed25519PublicKey] | None,
    extra: list[dict[str, Any]] | None = None,
) -> Verdict:
    """Check the stored chain of one incident against every checkpoint known for it.

    Checkpoints come from the table, the checkpoint file, approved reports'
    snapshots and `extra` (e.g. an archive's manifest). Call after the chain
    itself verified: this finds what a consistent recomputation hides.
    """
    notes: list[str] = []
    candidates: list[dict[str, Any]] = [
        row.signed()
        for row in db.session.scalars(sa.select(LogCheckpoint).where(LogCheckpoint.incident_id == incident_id))
    ]
    candidates += _from_file(checkpoint_file(), incident_id, notes)
    candidates += _from_reports(incident_id)
    candidates += [c for c in (extra or []) if c.get("incident") == incident_id]
    unique: dict[str, dict[str, Any]] = {}
    for c in candidates:
        unique.setdefault(str(c.get("signature")), c)
    checkpoints = sorted(unique.values(), key=lambda c: (int(c.get("number") or 0), str(c.get("at"))))
    if key is None or (not isinstance(key, Ed25519PublicKey) and not key):
        notes.append("no signing key configured: checkpoints cannot be checked, tail not protected")
        return Verdict(None, 0, 0, notes)
    last_number = int(
        db.session.scalar(sa.select(sa.func.max(LogEntry.number)).where(LogEntry.incident_id == incident_id)) or 0
    )
    numbers = {int(c.get("number") or 0) for c in checkpoints}
    hashes: dict[int, str] = {
        number: hash_
        for number, hash_ in db.session.execute(
            sa.select(LogEntry.number, LogEntry.hash).where(
                LogEntry.incident_id == incident_id, LogEntry.number.in_(numbers)
            )
        )
    }
    covered = 0
    for c in checkpoints:
        problem = signing.check_against_chain(c, key, hashes, last_number)
        if problem is not None:
            return Verdict(problem, len(checkpoints), covered, notes)
        covered = max(covered, int(c["number"]))
    if not checkpoints:
        notes.append("no checkpoints, tail not protected")
    elif last_number > covered:
        notes.append(f"entries {covered + 1}-{last_number} are after the last checkpoint (not yet protected)")
    return Verdict(None, len(checkpoints), covered, notes)
