"""Building the archive package of one incident, streamed.

The archive copy is complete: confidential log entries are included, so only
roles that both lead and may read confidential entries may export it.

The ZIP is written to a non-seekable sink and handed out a few kilobytes at a
time (zipfile then writes each member with a data descriptor); every member is
produced piece by piece from chunked queries and hashed on the way, and the
manifest with those SHA-256 digests is written last. Memory stays flat
whatever the incident's size. Reads are capped at the incident's last entry
and last event when the export began, so the files agree with each other even
while the incident is written to.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import csvexport
from crisis.actors import files as conference_files
from crisis.archive import manifest
from crisis.archive.manifest import Stream
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow
from crisis.enums import LogKind
from crisis.errors import NotFound
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import checkpoints, export, hashing, signing
from crisis.log import service as log

# The log export's columns with the chain link, so the archive's log.csv can be verified on its own:
# occurred_at/recorded_at are Swedish local time to the second (for spreadsheets, crisis.csvexport),
# the *_utc columns the exact times the hashes cover (ISO 8601, UTC, microseconds).
CSV_COLUMNS = [c for c in export.CSV_COLUMNS if c != "hash"] + [
    "occurred_at_utc",
    "recorded_at_utc",
    "prev_hash",
    "hash",
]
CHUNK = 500

README_TEXT = """Krisrum archive package of incident {incident}
================================================

Every file of this package is bound to manifest.json: the manifest lists each
file's SHA-256 and size, the number of log entries and the head of the log's
hash chain. manifest.sig is an Ed25519 signature of the exact bytes of
manifest.json, made with the kommun's Krisrum signing key, which is kept
outside the database. Change any file and either its SHA-256 no longer matches
the manifest, or the manifest no longer matches its signature.

How to verify it without Krisrum
--------------------------------
1. Every file against its checksum (GNU coreutils):

       sha256sum -c SHA256SUMS

2. The signature of the manifest. public-key.pem is included for convenience;
   check its fingerprint against the one the kommun publishes, or use the
   published public key instead:

       openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin \\
           -in manifest.json -sigfile manifest.sig

   or with Python and the `cryptography` package:

       from cryptography.hazmat.primitives.serialization import load_pem_public_key
       key = load_pem_public_key(open("public-key.pem", "rb").read())
       key.verify(open("manifest.sig", "rb").read(), open("manifest.json", "rb").read())

   (raises InvalidSignature if anything was changed). The key's fingerprint is
   the SHA-256 of its 32 raw public bytes ({fingerprint}):

       openssl pkey -pubin -in public-key.pem -outform DER | tail -c 32 | sha256sum

3. The manifest's "files" entries against sha256sum of each file, and
   log.chain_head against the "hash" of the last entry of log.json. Each
   entry's hash is SHA-256 over the previous entry's hash, a newline and the
   canonical JSON of its recorded fields (see Krisrum's crisis/log/hashing.py).
   log.checkpoint is the same head signed on its own (incident, number, hash,
   at), comparable with Krisrum's checkpoint file.

samverkan/ holds the files received at samverkanskonferenser (e.g. the samlad
lägesbild from Länsstyrelsen), named S-<conference>_<file id>_<name>, exactly as
stored; each is in the manifest and SHA256SUMS like every other file.

log.csv is the log for spreadsheets (';' separated, UTF-8): occurred_at and
recorded_at are Swedish local time (Europe/Stockholm) to the second;
occurred_at_utc and recorded_at_utc are the exact times the hashes cover.

With Krisrum: `flask --app wsgi verify-archive FILE [--public-key PEM]` does
all of the above.
"""


def filename(incident: Incident) -> str:
    prefix = "ÖVNING-" if incident.is_exercise else ""
    return f"{prefix}arkiv-händelse-{incident.id}.zip"


def content_disposition(name: str) -> str:
    """An attachment header for a name that may not be ASCII (RFC 6266 / 5987)."""
    try:
        name.encode("ascii")
        return f'attachment; filename="{name}"'
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return f"attachment; filename=\"{simple}\"; filename*=UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"


def _keyset(stmt: Any, key: Any, chunk: int = CHUNK) -> Iterator[Any]:
    """The rows of `stmt` ordered by `key` (a unique column), `chunk` per query."""
    last: Any | None = None
    while True:
        page = stmt if last is None else stmt.where(key > last)
        rows = list(db.session.scalars(page.order_by(key).limit(chunk)))
        if not rows:
            return
        yield from rows
        last = getattr(rows[-1], key.key)
        for row in rows:
            db.session.expunge(row)
        if len(rows) < chunk:
            return


def _log_items(incident_id: int, cap: int, kind: LogKind | None = None) -> Iterator[dict[str, Any]]:
    for e, corrected_by in export.iter_entries(incident_id=incident_id, upto=cap, kind=kind):
        d = log.to_dict(e, corrected_by)
        d.update(incident_id=e.incident_id, prev_hash=e.prev_hash)
        yield d


def _csv_log_items(incident_id: int, cap: int) -> Iterator[dict[str, Any]]:
    """The log for log.csv: with the exact times the hashes cover (see CSV_COLUMNS)."""
    for e, corrected_by in export.iter_entries(incident_id=incident_id, upto=cap):
        d = log.to_dict(e, corrected_by)
        d.update(
            prev_hash=e.prev_hash,
            occurred_at_utc=hashing.canonical_time(e.occurred_at),
            recorded_at_utc=hashing.canonical_time(e.recorded_at),
        )
        yield d


def _counted(items: Iterable[dict[str, Any]], state: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Pass log items through, remembering how many there were and the last hash."""
    for item in items:
        state["count"] += 1
        state["head"] = item["hash"]
        yield item


def _reports(incident_id: int) -> Iterator[dict[str, Any]]:
    from crisis.reports import service as reports
    from crisis.reports.models import Report

    for r in _keyset(sa.select(Report).where(Report.incident_id == incident_id), Report.id):
        yield reports.report_dict(r)


def _tasks(incident_id: int) -> Iterator[dict[str, Any]]:
    from crisis.tasks import service as tasks
    from crisis.tasks.models import Task, TaskChange

    for t in _keyset(sa.select(Task).where(Task.incident_id == incident_id), Task.id):
        d = tasks.to_dict(t)
        changes = db.session.scalars(sa.select(TaskChange).where(TaskChange.task_id == t.id).order_by(TaskChange.id))
        d["history"] = [tasks.change_dict(c) for c in changes]
        yield d


def _staffing(incident_id: int) -> dict[str, Any]:
    from crisis.staffing import service as staffing

    positions = []
    for p in staffing.positions(incident_id=incident_id):
        positions.append(
            {
                "key": p.key,
                "label": p.label,
                "assignments": [
                    {
                        "user": a.user.username,
                        "name": a.user.display_name,
                        "checked_in_at": a.checked_in_at.isoformat(),
                        "checked_out_at": a.checked_out_at.isoformat() if a.checked_out_at else None,
                        "handover_note": a.handover_note,
                    }
                    for a in sorted(p.assignments, key=lambda a: (a.checked_in_at, a.id))
                ],
            }
        )
    return {"incident": incident_id, "items": positions}


def _site_history(incident_id: int) -> Iterator[dict[str, Any]]:
    from crisis.sites.models import Site, SiteStatus
    from crisis.sites.schemas import row_dict

    names = {site.id: (site.key, site.name) for site in db.session.scalars(sa.select(Site))}
    for row in _keyset(sa.select(SiteStatus).where(SiteStatus.incident_id == incident_id), SiteStatus.id):
        key, name = names[row.site_id]
        yield dict(row_dict(row), site=key, site_name=name)


def _sites(incident_id: int) -> dict[str, Any]:
    from crisis.sites import status as site_status

    return {
        "incident": incident_id,
        "summary": site_status.summary_for_incident(incident_id),
        "history": Stream(_site_history(incident_id)),
    }


def _conference_file(file_id: int) -> Iterator[bytes]:
    yield conference_files.data_of(file_id)


def _events(incident_id: int, cap: int) -> Iterator[dict[str, Any]]:
    stmt = sa.select(Event).where(Event.incident_id == incident_id, Event.seq <= cap)
    for e in _keyset(stmt, Event.seq):
        yield dict(e.to_wire(), confidential=e.confidential)


class _Sink:
    """A write-only, non-seekable file: zipfile writes into it, we hand the bytes on."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _json(obj: Any) -> Callable[[], Iterator[str]]:
    return lambda: manifest.iter_dumps(obj)


def stream(*, actor: User, incident_id: int) -> tuple[Incident, Iterator[bytes]]:
    """The incident and a generator of the ZIP's bytes (manifest.json last).

    Permissions and existence are checked here, before anything is sent.
    Iterate the generator inside the request (Flask `stream_with_context`).
    """
    check(actor, Perm.LEAD)
    check(actor, Perm.READ_CONFIDENTIAL)
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    export.audit(viewer=actor, incident_id=incident_id, masked=False, via="archive")  # commits
    incident = db.session.get(Incident, incident_id) or incident
    log_cap, seq_cap = incident.last_log_number, incident.last_seq
    key = checkpoints.signing_key()
    incident_dict = incident.to_dict()
    exported_by = f"{actor.display_name} ({actor.username})"
    state: dict[str, Any] = {"count": 0, "head": hashing.GENESIS}
    members: list[tuple[str, Callable[[], Iterable[Any]]]] = [
        ("incident.json", _json(incident_dict)),
        (
            "log.json",
            lambda: manifest.iter_dumps(
                {"incident": incident_id, "entries": Stream(_counted(_log_items(incident_id, log_cap), state))}
            ),
        ),
        ("log.csv", lambda: csvexport.lines(CSV_COLUMNS, _csv_log_items(incident_id, log_cap))),
        ("decisions.json", lambda: manifest.iter_dumps(Stream(_log_items(incident_id, log_cap, LogKind.DECISION)))),
        ("reports.json", lambda: manifest.iter_dumps(Stream(_reports(incident_id)))),
        ("tasks.json", lambda: manifest.iter_dumps(Stream(_tasks(incident_id)))),
        ("staffing.json", lambda: manifest.iter_dumps(_staffing(incident_id))),
        ("sites-status.json", lambda: manifest.iter_dumps(_sites(incident_id))),
        ("events.json", lambda: manifest.iter_dumps(Stream(_events(incident_id, seq_cap)))),
    ]
    # Files received at samverkanskonferenser (the samlad lägesbild), as they were stored.
    for file_id, path in conference_files.for_archive(incident_id):
        members.append((path, functools.partial(_conference_file, file_id)))

    def generate() -> Iterator[bytes]:
        sink = _Sink()
        digests: dict[str, tuple[str, int]] = {}
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, produce in members:
                digest, size = hashlib.sha256(), 0
                with zf.open(name, "w") as member:
                    for piece in produce():
                        data = piece.encode("utf-8") if isinstance(piece, str) else piece
                        digest.update(data)
                        size += len(data)
                        member.write(data)
                        out = sink.take()
                        if out:
                            yield out
                digests[name] = (digest.hexdigest(), size)
            readme = README_TEXT.format(
                incident=incident_id, fingerprint=signing.fingerprint(key.public_key()) if key else "unsigned"
            ).encode("utf-8")
            zf.writestr(manifest.README, readme)
            digests[manifest.README] = (manifest.sha256(readme), len(readme))
            man = manifest.build_from_digests(
                digests,
                incident_id=incident_id,
                chain_head=state["head"],
                entry_count=state["count"],
                exported_at=utcnow().isoformat(),
                exported_by=exported_by,
            )
            outside: dict[str, bytes] = {}
            if key is not None:
                man["log"]["checkpoint"] = signing.sign_head(
                    key, incident=incident_id, number=state["count"], hash=state["head"], at=utcnow().isoformat()
                )
                man["signed_by"] = signing.fingerprint(key.public_key())
            outside[manifest.MANIFEST] = manifest.dumps(man)
            if key is not None:
                outside[manifest.SIGNATURE] = signing.sign_bytes(key, outside[manifest.MANIFEST])
                outside[manifest.PUBLIC_KEY] = signing.public_pem(key.public_key())
            for name, data in outside.items():
                zf.writestr(name, data)
            # every file's digest: the members' as streamed, the rest now
            all_digests = {name: d for name, (d, _) in digests.items()}
            all_digests.update({name: manifest.sha256(data) for name, data in outside.items()})
            zf.writestr(manifest.SUMS, manifest.sums_from_digests(all_digests))
        yield sink.take()

    return incident, generate()


def build(*, actor: User, incident_id: int) -> tuple[Incident, bytes]:
    """The whole ZIP in memory (small incidents and tests; the API streams)."""
    incident, chunks = stream(actor=actor, incident_id=incident_id)
    return incident, b"".join(chunks)


def read_zip(data_or_path: Any) -> dict[str, bytes]:
    """Unpack an archive (raises zipfile.BadZipFile / OSError when unreadable)."""
    with zipfile.ZipFile(data_or_path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}
