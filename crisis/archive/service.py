"""Building the archive package of one incident.

The archive copy is complete: confidential log entries are included, so only
roles that both lead and may read confidential entries may export it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.archive import manifest
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow
from crisis.enums import LogKind
from crisis.errors import NotFound
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log

CSV_COLUMNS = ["number", "occurred_at", "recorded_at", "kind", "author", "position", "counterpart",
               "classification", "osl_ground", "text", "corrects", "corrected_by", "decided_by", "mandate",
               "prev_hash", "hash"]


def filename(incident: Incident) -> str:
    prefix = "ÖVNING-" if incident.is_exercise else ""
    return f"{prefix}arkiv-händelse-{incident.id}.zip"


def _json(obj: Any) -> bytes:
    return manifest.dumps(obj)


def _log_items(incident_id: int) -> list[dict[str, Any]]:
    items = []
    for e, corrected_by in log.all_for_export(incident_id=incident_id):
        d = log.to_dict(e, corrected_by)
        d.update(incident_id=e.incident_id, prev_hash=e.prev_hash)
        items.append(d)
    return items


def _log_csv(items: list[dict[str, Any]]) -> bytes:
    from crisis.web.views import _csv_safe

    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, delimiter=";")
    w.writerow(CSV_COLUMNS)
    for row in items:
        w.writerow([_csv_safe(row.get(c)) for c in CSV_COLUMNS])
    return buf.getvalue().encode("utf-8")


def _reports(incident_id: int) -> list[dict[str, Any]]:
    from crisis.reports import service as reports
    from crisis.reports.models import Report

    rows = db.session.scalars(sa.select(Report).where(Report.incident_id == incident_id).order_by(Report.number))
    return [reports.report_dict(r) for r in rows]


def _tasks(incident_id: int) -> list[dict[str, Any]]:
    from crisis.tasks import service as tasks
    from crisis.tasks.models import Task, TaskChange

    out = []
    for t in db.session.scalars(sa.select(Task).where(Task.incident_id == incident_id).order_by(Task.id)):
        d = tasks.to_dict(t)
        changes = db.session.scalars(sa.select(TaskChange).where(TaskChange.task_id == t.id)
                                     .order_by(TaskChange.id))
        d["history"] = [tasks.change_dict(c) for c in changes]
        out.append(d)
    return out


def _staffing(incident_id: int) -> dict[str, Any]:
    from crisis.staffing import service as staffing

    positions = []
    for p in staffing.positions(incident_id=incident_id):
        positions.append({
            "key": p.key, "label": p.label,
            "assignments": [{
                "user": a.user.username, "name": a.user.display_name,
                "checked_in_at": a.checked_in_at.isoformat(),
                "checked_out_at": a.checked_out_at.isoformat() if a.checked_out_at else None,
                "handover_note": a.handover_note,
            } for a in sorted(p.assignments, key=lambda a: (a.checked_in_at, a.id))],
        })
    return {"incident": incident_id, "items": positions}


def _sites(incident_id: int) -> dict[str, Any]:
    from crisis.sites import service as sites
    from crisis.sites.models import Site, SiteStatus

    rows = db.session.execute(sa.select(SiteStatus, Site).join(Site, Site.id == SiteStatus.site_id)
                              .where(SiteStatus.incident_id == incident_id).order_by(SiteStatus.id)).all()
    history = [dict(sites._row_dict(row, site), site=site.key, site_name=site.name) for row, site in rows]
    return {"incident": incident_id, "summary": sites.summary_for_incident(incident_id), "history": history}


def _events(incident_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(sa.select(Event).where(Event.incident_id == incident_id).order_by(Event.seq))
    return [dict(e.to_wire(), confidential=e.confidential) for e in rows]


def build(*, actor: User, incident_id: int) -> tuple[Incident, bytes]:
    """The ZIP bytes of the whole incident, with manifest.json last."""
    check(actor, Perm.LEAD)
    check(actor, Perm.READ_CONFIDENTIAL)
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    entries = _log_items(incident_id)
    files: dict[str, bytes] = {
        "incident.json": _json(incident.to_dict()),
        "log.json": _json({"incident": incident_id, "entries": entries}),
        "log.csv": _log_csv(entries),
        "decisions.json": _json([e for e in entries if e["kind"] == LogKind.DECISION.value]),
        "reports.json": _json(_reports(incident_id)),
        "tasks.json": _json(_tasks(incident_id)),
        "staffing.json": _json(_staffing(incident_id)),
        "sites-status.json": _json(_sites(incident_id)),
        "events.json": _json(_events(incident_id)),
    }
    head = entries[-1]["hash"] if entries else log.hashing.GENESIS
    man = manifest.build(files, incident_id=incident_id, chain_head=head, entry_count=len(entries),
                         exported_at=utcnow().isoformat(),
                         exported_by=f"{actor.display_name} ({actor.username})")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr(manifest.MANIFEST, manifest.dumps(man))
    return incident, buf.getvalue()


def read_zip(data_or_path: Any) -> dict[str, bytes]:
    """Unpack an archive (raises zipfile.BadZipFile / OSError when unreadable)."""
    with zipfile.ZipFile(data_or_path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}



