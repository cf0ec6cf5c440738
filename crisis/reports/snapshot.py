"""The snapshot of the lägesbild a report draft is prefilled from: site status per
category, decisions and actions in the log since the previous report, open
tasks, staffing and level. Stored with the report (kept small)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from crisis.db import utcnow
from crisis.enums import OPEN_TASK_STATUSES, LogKind
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.log.models import LogEntry
from crisis.staffing import service as staffing


def _entry_item(e: LogEntry) -> dict[str, Any]:
    d = log.masked_dict(e)  # reports leave the organisation: confidential text never goes in
    return {
        k: d.get(k)
        for k in (
            "number",
            "kind",
            "occurred_at",
            "text",
            "author",
            "position_label",
            "counterpart",
            "decided_by",
            "mandate",
            "classification",
        )
    }


def _log_since(incident_id: int, after: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = list(
        db.session.scalars(
            sa.select(LogEntry)
            .where(
                LogEntry.incident_id == incident_id,
                LogEntry.number > after,
                LogEntry.kind.in_([LogKind.DECISION, LogKind.ACTION]),
            )
            .order_by(LogEntry.number)
        )
    )
    corrected = set(
        db.session.scalars(
            sa.select(LogEntry.corrects).where(LogEntry.incident_id == incident_id, LogEntry.corrects.is_not(None))
        )
    )
    rows = [e for e in rows if e.number not in corrected]  # a corrected entry is replaced by its correction
    return (
        [_entry_item(e) for e in rows if e.kind is LogKind.DECISION],
        [_entry_item(e) for e in rows if e.kind is LogKind.ACTION],
    )


SITE_STATE_KEYS = ("operational", "degraded", "down", "unknown", "at_risk")


def sites_summary(incident_id: int) -> dict[str, Any]:
    """Site status per category, the sites down, degraded or at risk, and those on backup power."""
    from crisis.sites import status as site_status

    return normalise_sites(site_status.summary_for_incident(incident_id))


def normalise_sites(raw: dict[str, Any]) -> dict[str, Any]:
    """The site register's summary in the report's snapshot shape (kept small: it is stored)."""
    categories = {
        row["category"]: {s: int(row.get(s, 0) or 0) for s in SITE_STATE_KEYS} for row in raw.get("categories") or ()
    }
    problems = [
        {
            "key": p.get("key"),
            "name": p.get("name") or p.get("key"),
            "category": p.get("category"),
            "status": p.get("status") or "unknown",
            "at_risk": bool(p.get("at_risk")),
            "note": p.get("note") or None,
            "styrel_priority": p.get("styrel_priority"),
        }
        for p in raw.get("attention") or ()
    ]
    backup = [
        {
            "key": b.get("key"),
            "name": b.get("name") or b.get("key"),
            "category": b.get("category"),
            "fuel_left_hours": b.get("fuel_left_hours"),
        }
        for b in raw.get("on_backup_power") or ()
    ]
    return {"available": True, "categories": categories, "problems": problems, "on_backup_power": backup}


def tasks_summary(incident_id: int) -> dict[str, Any]:
    """The open tasks (overdue first, then by due time)."""
    from crisis.tasks import service as tasks
    from crisis.tasks.models import Task

    rows = list(
        db.session.scalars(sa.select(Task).where(Task.incident_id == incident_id, Task.status.in_(OPEN_TASK_STATUSES)))
    )
    now = utcnow()
    items = []
    for t in rows:
        d = tasks.to_dict(t)
        items.append(
            {
                k: d.get(k)
                for k in (
                    "id",
                    "title",
                    "status",
                    "priority",
                    "position",
                    "assignee",
                    "assignee_name",
                    "due_at",
                    "overdue",
                )
            }
        )
    far = "9999"
    items.sort(key=lambda t: (not t["overdue"], t["due_at"] or far, t["id"]))
    return {
        "available": True,
        "open": items,
        "open_count": len(items),
        "overdue_count": sum(1 for t in items if t["overdue"]),
        "at": now.isoformat(),
    }


def _staffing_items(incident_id: int) -> list[dict[str, Any]]:
    return [
        {"key": p["key"], "label": p["label"], "holders": [h["name"] for h in p["holders"]]}
        for p in staffing.staffing_dict(incident_id=incident_id)["items"]
    ]


def take_snapshot(*, incident: Incident, since_log: int, previous: int | None) -> dict[str, Any]:
    """The incident as it stands now, for the report. Called inside the write transaction."""
    decisions, actions = _log_since(incident.id, since_log)
    return {
        "taken_at": utcnow().isoformat(),
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "kind": incident.kind,
            "mode": incident.mode.value,
            "level": incident.level.value,
            "status": incident.status.value,
        },
        "level": incident.level.value,
        "log_head": incident.last_log_number,
        "since_log": since_log,
        "previous_report": previous,
        "decisions": decisions,
        "actions": actions,
        "sites": sites_summary(incident.id),
        "tasks": tasks_summary(incident.id),
        "staffing": _staffing_items(incident.id),
    }
