"""Exporting a whole log: who may see what, read in chunks at constant memory.

The policy (moved here from the page views, so every export applies the same):
- a role that may read confidential entries gets them as recorded,
- a *masked* export (the public-records copy) replaces the content of every
  confidential entry with its ground, "Sekretess enligt 18 kap. 13 § OSL"
  (crisis.log.classify.ground_text),
- a role that may not read confidential entries never gets their content: the
  plain export leaves them out, the masked one shows them masked.

Entries are read by keyset pagination (`number > last`, `CHUNK` at a time),
with the corrections of each chunk looked up through the (incident_id,
corrects) index, so memory stays flat however long the log is. Every read is
capped at the incident's entry count when the export began, so entries written
while it streams do not make one file of an archive disagree with another.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from crisis.auth.models import User
from crisis.auth.permissions import Perm, has_perm
from crisis.enums import Classification, LogKind
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import hashing, reads
from crisis.log import service as log
from crisis.log.models import LogEntry

CHUNK = 500

CSV_COLUMNS = [
    "number",
    "occurred_at",
    "recorded_at",
    "kind",
    "author",
    "position",
    "counterpart",
    "classification",
    "osl_ground",
    "confidentiality",
    "source",
    "text",
    "corrects",
    "corrected_by",
    "decided_by",
    "mandate",
    "hash",
]


def entry_cap(incident_id: int) -> int:
    """The number of the last entry committed now (the export's snapshot)."""
    return db.session.scalar(sa.select(Incident.last_log_number).where(Incident.id == incident_id)) or 0


def iter_entries(
    *,
    incident_id: int,
    include_confidential: bool = True,
    kind: LogKind | None = None,
    upto: int | None = None,
    chunk: int = CHUNK,
) -> Iterator[tuple[LogEntry, int | None]]:
    """(entry, number of the entry correcting it or None) in number order, `chunk` rows per query."""
    cap = entry_cap(incident_id) if upto is None else upto
    last = 0
    while True:
        stmt = (
            sa.select(LogEntry)
            .where(LogEntry.incident_id == incident_id, LogEntry.number > last, LogEntry.number <= cap)
            .order_by(LogEntry.number)
            .limit(chunk)
        )
        if not include_confidential:
            stmt = stmt.where(LogEntry.classification != Classification.CONFIDENTIAL)
        if kind is not None:
            stmt = stmt.where(LogEntry.kind == kind)
        rows = list(db.session.scalars(stmt))
        if not rows:
            return
        corrections = log.corrected_by(incident_id=incident_id, between=(rows[0].number, rows[-1].number), upto=cap)
        for entry in rows:
            yield entry, corrections.get(entry.number)
        last = rows[-1].number
        # Let the identity map drop this chunk: the rows are read-only here.
        for entry in rows:
            db.session.expunge(entry)
        del rows
        if last >= cap:
            return


def marking(*, viewer: User, incident_id: int, masked: bool) -> str:
    """The classification marking a printed export carries on every page:
    "masked" (the public-records copy), "confidential" when the reader gets
    confidential content, else "internal". Decided before streaming starts."""
    if masked:
        return "masked"
    if has_perm(viewer, Perm.READ_CONFIDENTIAL) and db.session.scalar(
        sa.select(
            sa.exists().where(
                LogEntry.incident_id == incident_id, LogEntry.classification == Classification.CONFIDENTIAL
            )
        )
    ):
        return "confidential"
    return "internal"


def audit(*, viewer: User, incident_id: int, masked: bool, via: str = "export") -> None:
    """Record an export that gives `viewer` confidential content in the read audit (crisis.log.reads).

    Call before streaming starts (it commits). A masked export shows no secret content and is not recorded.
    """
    if marking(viewer=viewer, incident_id=incident_id, masked=masked) == "confidential":
        reads.record(viewer=viewer, incident_id=incident_id, numbers=[reads.EXPORT], via=via)


def rows(*, viewer: User, incident_id: int, masked: bool, upto: int | None = None) -> Iterator[dict[str, Any]]:
    """The entries as `viewer` may see them in an export (see the module docstring)."""
    may_conf = has_perm(viewer, Perm.READ_CONFIDENTIAL)
    for entry, corrected_by in iter_entries(
        incident_id=incident_id, include_confidential=may_conf or masked, upto=upto
    ):
        if masked or not may_conf:
            yield log.masked_dict(entry, corrected_by)
        else:
            yield log.to_dict(entry, corrected_by)


class ChainCheck:
    """Checks the hash chain entry by entry while an export streams.

    Feed it every entry (confidential ones too) in number order; `problem`
    is the first break found, or None. `last_hash` is the head so far.
    """

    def __init__(self) -> None:
        self.expected_prev = hashing.GENESIS
        self.expected_number = 1
        self.problem: hashing.ChainProblem | None = None
        self.count = 0

    def feed(self, entry: LogEntry) -> None:
        self.count += 1
        if self.problem is not None:
            return
        fields = {f: getattr(entry, f) for f in hashing.ALL_HASHED_FIELDS}
        fields.update(prev_hash=entry.prev_hash, hash=entry.hash)
        if entry.number != self.expected_number:
            self.problem = hashing.ChainProblem(self.expected_number, f"entry {self.expected_number} is missing")
        elif entry.prev_hash != self.expected_prev:
            self.problem = hashing.ChainProblem(entry.number, "its link to the previous entry does not match")
        elif hashing.entry_hash(entry.prev_hash, fields) != entry.hash:
            self.problem = hashing.ChainProblem(entry.number, "its content does not match its hash (altered)")
        self.expected_prev = entry.hash
        self.expected_number = entry.number + 1

    def finish(self, cap: int) -> hashing.ChainProblem | None:
        if self.problem is None and self.count != cap:
            self.problem = hashing.ChainProblem(self.count + 1, f"entries after {self.count} are missing")
        return self.problem


def print_rows(*, viewer: User, incident_id: int, masked: bool, check: ChainCheck) -> Iterator[dict[str, Any]]:
    """Like `rows`, but reads every entry and feeds the chain check on the way
    (the printed page states whether the chain verified, at its end)."""
    may_conf = has_perm(viewer, Perm.READ_CONFIDENTIAL)
    cap = entry_cap(incident_id)
    for entry, corrected_by in iter_entries(incident_id=incident_id, upto=cap):
        check.feed(entry)
        if masked or not may_conf:
            if not may_conf and not masked and entry.classification is Classification.CONFIDENTIAL:
                continue
            yield log.masked_dict(entry, corrected_by)
        else:
            yield log.to_dict(entry, corrected_by)
    check.finish(cap)
