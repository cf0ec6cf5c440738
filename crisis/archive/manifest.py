"""The archive manifest (pure: no Flask, no database).

`manifest.json` lists every other file of the package with its SHA-256 and
size, plus the head of the log's hash chain and the number of entries.
`verify_package` re-checks all of it, and re-verifies the chain inside
`log.json` entry by entry, so an archive that was edited and had its manifest
recomputed is still caught.

With a signing key configured the manifest also carries a signed checkpoint
of the chain head, and the package carries `manifest.sig` (the raw Ed25519
signature of the exact bytes of manifest.json) and `public-key.pem`. Every
file is then bound to the signature through its SHA-256 in the manifest, so an
edited tasks.json with a recomputed manifest fails the signature
(`verify_signature`). `SHA256SUMS` lets `sha256sum -c` check every file, and
README.txt says how to check all of it without Krisrum.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from crisis.log import hashing, signing

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public-key.pem"
SUMS = "SHA256SUMS"
README = "README.txt"
# Files that the manifest cannot list (they are made from it, or sign it).
OUTSIDE_MANIFEST = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY, SUMS})
FORMAT = "krisrum-archive/1"
DATETIME_FIELDS = ("occurred_at", "recorded_at")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(
    files: Mapping[str, bytes],
    *,
    incident_id: int,
    chain_head: str,
    entry_count: int,
    exported_at: str,
    exported_by: str,
) -> dict[str, Any]:
    return build_from_digests(
        {name: (sha256(data), len(data)) for name, data in files.items()},
        incident_id=incident_id,
        chain_head=chain_head,
        entry_count=entry_count,
        exported_at=exported_at,
        exported_by=exported_by,
    )


def build_from_digests(
    digests: Mapping[str, tuple[str, int]],
    *,
    incident_id: int,
    chain_head: str,
    entry_count: int,
    exported_at: str,
    exported_by: str,
) -> dict[str, Any]:
    """The manifest from each file's (SHA-256 hex digest, size), as computed while it was streamed."""
    return {
        "format": FORMAT,
        "incident": incident_id,
        "exported_at": exported_at,
        "exported_by": exported_by,
        "log": {"entries": entry_count, "chain_head": chain_head},
        "files": {name: {"sha256": digest, "size": size} for name, (digest, size) in sorted(digests.items())},
    }


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


class Stream:
    """A JSON array whose items are produced while the file is written (see `iter_dumps`).

    Each item is written on one line (compact JSON, keys sorted): long lists
    stay readable line by line and are written by the fast C encoder."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def _dumps_at(obj: Any, level: int) -> str:
    text = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True)
    # json.dumps escapes newlines inside strings, so every newline here is layout.
    return text.replace("\n", "\n" + "  " * level) if level else text


def _has_stream(obj: Any) -> bool:
    if isinstance(obj, Stream):
        return True
    if isinstance(obj, dict):
        return any(_has_stream(v) for v in obj.values())
    return False


def iter_dumps(obj: Any, level: int = 0) -> Iterator[str]:
    """Like `dumps(obj)`, in pieces, where `Stream` values are written as arrays
    item by item, one item per line (so a list of any length is never held)."""
    if isinstance(obj, Stream):
        first = True
        for item in obj.items:
            yield ("[\n" if first else ",\n") + "  " * (level + 1)
            yield json.dumps(item, ensure_ascii=False, sort_keys=True)
            first = False
        yield "[]" if first else "\n" + "  " * level + "]"
    elif isinstance(obj, dict) and obj and _has_stream(obj):
        for i, key in enumerate(sorted(obj)):
            yield ("{\n" if i == 0 else ",\n") + "  " * (level + 1) + json.dumps(key, ensure_ascii=False) + ": "
            yield from iter_dumps(obj[key], level + 1)
        yield "\n" + "  " * level + "}"
    else:
        yield _dumps_at(obj, level)


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


def verify_package(files: Mapping[str, bytes]) -> tuple[Problem | None, dict[str, Any]]:
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
    present = set(files) - OUTSIDE_MANIFEST
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
    summary = {
        "files": len(listed),
        "incident": manifest.get("incident"),
        "exported_at": manifest.get("exported_at"),
        "exported_by": manifest.get("exported_by"),
    }
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


def sums_from_digests(digests: Mapping[str, str]) -> bytes:
    """`SHA256SUMS` in the format `sha256sum -c` reads (two spaces, text mode), every file but itself."""
    lines = [f"{digest}  {name}\n" for name, digest in sorted(digests.items()) if name != SUMS]
    return "".join(lines).encode("utf-8")


def verify_sums(files: Mapping[str, bytes]) -> Problem | None:
    if SUMS not in files:
        return None  # archives made before SHA256SUMS existed
    listed: dict[str, str] = {}
    for line in files[SUMS].decode("utf-8", "replace").splitlines():
        digest, sep, name = line.partition("  ")
        if not sep:
            return Problem(f"{SUMS}: unreadable line")
        listed[name.lstrip("*")] = digest
    for name in sorted(set(files) - {SUMS}):
        if name not in listed:
            return Problem(f"{name}: not in {SUMS}")
        if listed[name] != sha256(files[name]):
            return Problem(f"{name}: does not match {SUMS}")
    for name in sorted(set(listed) - set(files)):
        return Problem(f"{name}: listed in {SUMS} but missing")
    return None


def verify_signature(files: Mapping[str, bytes], key: Ed25519PublicKey | None) -> tuple[Problem | None, list[str]]:
    """The manifest's signature and its signed checkpoint, against `key` (the published key).

    Without `key` a signed package is checked with the key it carries, and the
    notes say to compare that key's fingerprint with the published one.
    """
    notes: list[str] = []
    if SIGNATURE not in files:
        if key is not None:
            return Problem(f"{MANIFEST}: not signed ({SIGNATURE} missing), but a signing key is configured"), notes
        notes.append("the archive is not signed: an edit with a recomputed manifest would not be detected")
        return None, notes
    if key is None:
        try:
            key = signing.load_public_key_bytes(files.get(PUBLIC_KEY, b""))
        except signing.SigningKeyError:
            return Problem(f"{PUBLIC_KEY}: missing or unreadable"), notes
        notes.append(
            f"signature checked with the key inside the archive (fingerprint {signing.fingerprint(key)}): "
            "compare it with the kommun's published fingerprint"
        )
    if not signing.bytes_valid(key, files[MANIFEST], files[SIGNATURE]):
        return Problem(
            f"{MANIFEST}: the signature does not verify with key {signing.fingerprint(key)[:16]}… "
            "(the manifest or a file it lists was changed after export)"
        ), notes
    manifest = json.loads(files[MANIFEST])
    cp = (manifest.get("log") or {}).get("checkpoint")
    if cp is not None:
        head = manifest["log"]
        if not signing.signature_valid(key, cp):
            return Problem(f"{MANIFEST}: the signed checkpoint does not verify"), notes
        if cp.get("number") != head.get("entries") or cp.get("hash") != head.get("chain_head"):
            return Problem(f"{MANIFEST}: the signed checkpoint does not match the chain head"), notes
    return None, notes
