from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from crisis.api import operation
from crisis.auth.permissions import Perm, require
from crisis.log import reads, service
from crisis.log.schemas import CorrectionIn, LogEntryIn, LogEntryOut, LogPage, LogQuery, ReadAuditPage, ReadAuditQuery
from crisis.safejson import int64

pages = Blueprint("log", __name__)


@operation(
    "/incidents/<int:incident_id>/log",
    "GET",
    summary="One page of the situation log: the latest `limit` entries that match, in number order",
    tag="log",
    query=LogQuery,
    response=LogPage,
    perm="read",
)
def list_log(incident_id: int, query: LogQuery) -> dict[str, Any]:
    rows, next_before = service.log_page(viewer=current_user, incident_id=incident_id, **query.model_dump())
    return {"items": [service.to_dict(e, c) for e, c in rows], "next_before": next_before}


@operation(
    "/incidents/<int:incident_id>/log",
    "POST",
    summary="Write a log entry",
    tag="log",
    body=LogEntryIn,
    response=LogEntryOut,
    status=201,
    perm="write_log",
)
def append_log(incident_id: int, body: LogEntryIn) -> dict[str, Any]:
    entry = service.append(actor=current_user, incident_id=incident_id, **body.model_dump())
    return service.to_dict(entry)


@operation(
    "/incidents/<int:incident_id>/log/<int:n>/correction",
    "POST",
    summary="Correct entry n with a new entry (the original is never changed)",
    tag="log",
    body=CorrectionIn,
    response=LogEntryOut,
    status=201,
    perm="write_log",
)
def correct_log(incident_id: int, n: int, body: CorrectionIn) -> dict[str, Any]:
    entry = service.correct(actor=current_user, incident_id=incident_id, number=n, **body.model_dump())
    return service.to_dict(entry)


@operation(
    "/reads",
    "GET",
    summary="The read audit: who read which confidential log entry, and when (admins)",
    tag="log",
    query=ReadAuditQuery,
    response=ReadAuditPage,
    perm="admin",
)
def list_confidential_reads(query: ReadAuditQuery) -> dict[str, Any]:
    rows, next_before = reads.list_reads(
        viewer=current_user, incident_id=query.incident, user=query.user, before=query.before, limit=query.limit
    )
    return {"items": [reads.to_dict(r) for r in rows], "next_before": next_before}


@pages.route("/admin/reads")
@login_required
@require(Perm.ADMIN)
def admin_reads() -> Any:
    """The read audit page, 100 rows a page, newest first."""
    before = request.args.get("before", type=int64)
    incident = request.args.get("incident", type=int64)
    user = (request.args.get("user") or "").strip()[:200] or None
    rows, next_before = reads.list_reads(
        viewer=current_user,
        incident_id=incident if incident and incident > 0 else None,
        user=user,
        before=before if before and before > 0 else None,
    )
    return render_template(
        "log/admin_reads.html", rows=rows, next_before=next_before, incident=incident, user=user or ""
    )
