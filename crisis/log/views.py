from __future__ import annotations

from typing import Any

from flask_login import current_user

from crisis.api import operation
from crisis.log import service
from crisis.log.schemas import CorrectionIn, LogEntryIn, LogEntryOut, LogPage, LogQuery


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
