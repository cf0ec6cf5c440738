from __future__ import annotations

from flask import Response, stream_with_context
from flask_login import current_user

from crisis.api import operation
from crisis.archive import service


@operation(
    "/incidents/<int:incident_id>/archive",
    "GET",
    summary="The archive package (ZIP, streamed): log with corrections and hashes, decisions, reports, "
    "tasks, staffing, site status, events, and a SHA-256 manifest; check it with `verify-archive`",
    tag="archive",
    perm="lead + read_confidential (leader, admin)",
    response=bytes,
    content_type="application/zip",
)
def incident_archive(incident_id: int) -> Response:
    incident, chunks = service.stream(actor=current_user, incident_id=incident_id)
    resp = Response(stream_with_context(chunks), mimetype="application/zip")
    resp.headers["Content-Disposition"] = service.content_disposition(service.filename(incident))
    resp.headers["Cache-Control"] = "no-store"
    return resp
