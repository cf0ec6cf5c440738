"""The archive manifest (pure: no Flask, no database).

`manifest.json` lists every other file of the package with its SHA-256 and
size, plus the head of the log's hash chain and the number of entries.
`verify_package` re-checks all of it, and re-verifies the chain inside
`log.json` entry by entry, so an archive that was edited and had its manifest
recomputed is still caught.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Mapping, NamedTuple, Optional

from crisis.log import hashing

MANIFEST = "manifest.json"
FORMAT = "krisrum-archive/1"
DATETIME_FIELDS = ("occurred_at", "recorded_at")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(files: Mapping[str, bytes], *, incident_id: int, chain_head: str, entry_count: int,
          exported_at: str, exported_by: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "incident": incident_id,
        "exported_at": exported_at,
        "exported_by": exported_by,
        "log": {"entries": entry_count, "chain_head": chain_head},
        "files": {name: {"sha256": sha256(data), "size": len(data)} for name, data in sorted(files.items())},
    }


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


class Problem(NamedTuple):
    message: str


def _chain_maps(entries: list[Any]) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        if not isinstance(e, dict):
            raise ValueError("an entry is not an object")
        d = dict(e)
        if "incident_id" not in d:
            d["incident_id"] = d.get("incident")
        for f in DATETIME_FIELDS:
            if isinstance(d.get(f), str):
                d[f] = datetime.fromisoformat(d[f])
        out.append(d)
    return out


def verify_package(files: Mapping[str, bytes]) -> tuple[Optional[Problem], dict[str, Any]]:
    """The first problem in an unpacked archive (name -> bytes), or None; plus a summary."""
    if MANIFEST not in files:
        return Problem(f"{MANIFEST}: missing"), {}
    try:
        manifest = json.loads(files[MANIFEST])
        listed = manifest["files"]
        if not isinstance(listed, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return Problem(f"{MANIFEST}: unreadable"), {}
    present = set(files) - {MANIFEST}
    for name in sorted(set(listed) - present):
        return Problem(f"{name}: missing"), {}
    for name in sorted(present - set(listed)):
        return Problem(f"{name}: not in the manifest (extra file)"), {}
    for name in sorted(listed):
        meta = listed[name]
        if not isinstance(meta, dict) or meta.get("sha256") != sha256(files[name]):
            return Problem(f"{name}: hash mismatch"), {}
        if meta.get("size") != len(files[name]):
            return Problem(f"{name}: size mismatch"), {}
    summary = {"files": len(listed), "incident": manifest.get("incident"),
               "exported_at": manifest.get("exported_at"), "exported_by": manifest.get("exported_by")}
    if "log.json" not in files:
        return Problem("log.json: missing"), summary
    try:
        log = json.loads(files["log.json"])
        entries = _chain_maps(log["entries"] if isinstance(log, dict) else log)
        problem = hashing.verify(entries)
    except (ValueError, KeyError, TypeError):
        return Problem("log.json: unreadable entries"), summary
    if problem is not None:
        return Problem(f"entry {problem.number}: {problem.reason}"), summary
    head = entries[-1]["hash"] if entries else hashing.GENESIS
    expected = manifest.get("log") or {}
    if expected.get("entries") != len(entries):
        return Problem(f"log.json: {len(entries)} entries, the manifest says {expected.get('entries')}"), summary
    if expected.get("chain_head") != head:
        return Problem("log.json: the chain head does not match the manifest"), summary
    summary.update(entries=len(entries), chain_head=head)
    return None, summary
