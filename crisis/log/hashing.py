"""The hash chain of the log (pure: no Flask, no database).

Each entry's hash is SHA-256 over the previous entry's hash and a canonical
JSON form of the entry's recorded fields. Changing any stored field of any
entry, removing one or reordering them breaks the chain from that entry on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

GENESIS = "0" * 64

# The fields that make up the record. Order does not matter (keys are sorted).
HASHED_FIELDS = (
    "incident_id",
    "number",
    "kind",
    "text",
    "occurred_at",
    "recorded_at",
    "author",
    "position",
    "counterpart",
    "classification",
    "osl_ground",
    "corrects",
    "decided_by",
    "mandate",
)
# Recorded fields added later: part of the canonical form only when set, so the
# hashes of entries written before them still verify.
# `source` is "paper" on an entry transcribed from the paper log kept during an
# outage (null on every entry written directly), so it is covered by the hash.
OPTIONAL_HASHED_FIELDS = ("confidentiality", "source")
# The value an optional field has when it is not recorded (the API says source "direct"):
# left out of the canonical form like null, so exported entries verify as stored ones do.
OPTIONAL_DEFAULTS = {"source": "direct"}
ALL_HASHED_FIELDS = HASHED_FIELDS + OPTIONAL_HASHED_FIELDS


def canonical_time(value: datetime) -> str:
    """A time as the hash covers it: ISO 8601 in UTC with microseconds ("...T13:32:05.123456Z")."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return canonical_time(value)
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def canonical(fields: Mapping[str, Any]) -> bytes:
    data = {k: _norm(fields.get(k)) for k in HASHED_FIELDS}
    for k in OPTIONAL_HASHED_FIELDS:
        value = fields.get(k)
        if value is not None and value != OPTIONAL_DEFAULTS.get(k):
            data[k] = _norm(value)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    h = hashlib.sha256()
    h.update(prev_hash.encode("ascii"))
    h.update(b"\n")
    h.update(canonical(fields))
    return h.hexdigest()


class ChainProblem(NamedTuple):
    number: int
    reason: str


def verify(entries: Iterable[Mapping[str, Any]]) -> ChainProblem | None:
    """Check entries in number order; the first problem found, or None.

    Each mapping has the HASHED_FIELDS plus `prev_hash` and `hash`.
    """
    expected_prev = GENESIS
    expected_number = 1
    for e in entries:
        n = e["number"]
        if n != expected_number:
            return ChainProblem(expected_number, f"entry {expected_number} is missing (found {n} next)")
        if e["prev_hash"] != expected_prev:
            return ChainProblem(n, "its link to the previous entry does not match")
        if entry_hash(e["prev_hash"], e) != e["hash"]:
            return ChainProblem(n, "its content does not match its hash (altered)")
        expected_prev = e["hash"]
        expected_number += 1
    return None
