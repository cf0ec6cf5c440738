"""The archive manifest and package check (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from crisis.archive import manifest
from crisis.log import hashing


def _entries(n: int) -> list[dict]:
    out, prev = [], hashing.GENESIS
    for i in range(1, n + 1):
        e = {
            "incident_id": 1,
            "incident": 1,
            "number": i,
            "kind": "info",
            "text": f"Post {i}",
            "occurred_at": datetime(2026, 1, 1, 8, i, tzinfo=UTC),
            "recorded_at": datetime(2026, 1, 1, 8, i, 30, tzinfo=UTC),
            "author": "A",
            "position": None,
            "counterpart": None,
            "classification": "open",
            "osl_ground": None,
            "corrects": None,
            "decided_by": None,
            "mandate": None,
        }
        e["prev_hash"] = prev
        e["hash"] = prev = hashing.entry_hash(prev, e)
        e["occurred_at"] = e["occurred_at"].isoformat()
        e["recorded_at"] = e["recorded_at"].isoformat()
        out.append(e)
    return out


def _package(entries: list[dict]) -> dict[str, bytes]:
    files = {"log.json": manifest.dumps({"entries": entries}), "incident.json": b'{"id": 1}'}
    man = manifest.build(
        files,
        incident_id=1,
        chain_head=entries[-1]["hash"] if entries else hashing.GENESIS,
        entry_count=len(entries),
        exported_at="2026-01-02T00:00:00+00:00",
        exported_by="L",
    )
    return dict(files, **{"manifest.json": manifest.dumps(man)})


def test_intact_package_verifies():
    problem, summary = manifest.verify_package(_package(_entries(3)))
    assert problem is None
    assert summary["entries"] == 3 and summary["files"] == 2


def test_changed_file_is_a_hash_mismatch():
    files = _package(_entries(3))
    files["incident.json"] = b'{"id": 2}'
    assert manifest.verify_package(files)[0].message == "incident.json: hash mismatch"


def test_missing_and_extra_files():
    files = _package(_entries(2))
    del files["incident.json"]
    assert manifest.verify_package(files)[0].message == "incident.json: missing"
    files = _package(_entries(2))
    files["extra.txt"] = b"x"
    assert "extra.txt" in manifest.verify_package(files)[0].message
    assert manifest.verify_package({"log.json": b"[]"})[0].message == "manifest.json: missing"


def test_altered_entry_with_recomputed_manifest_is_caught_by_the_chain():
    entries = _entries(5)
    entries[2]["text"] = "Ändrad i efterhand"
    problem, _ = manifest.verify_package(_package(entries))
    assert problem.message.startswith("entry 3:") and "altered" in problem.message


def test_truncated_log_disagrees_with_manifest():
    entries = _entries(4)
    files = _package(entries)
    man = json.loads(files["manifest.json"])
    files["log.json"] = manifest.dumps({"entries": entries[:3]})
    man["files"]["log.json"] = {"sha256": manifest.sha256(files["log.json"]), "size": len(files["log.json"])}
    files["manifest.json"] = manifest.dumps(man)
    assert "3 entries" in manifest.verify_package(files)[0].message
