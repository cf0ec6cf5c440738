from __future__ import annotations

import io

from flask import Response, send_file
from flask_login import current_user

from crisis.api import operation
from crisis.archive import service


@operation("/incidents/<int:incident_id>/archive", "GET",
           summary="The archive package (ZIP): log with corrections and hashes, decisions, reports, tasks, "
                   "staffing, site status, events, and a SHA-256 manifest; check it with `verify-archive`",
           tag="archive", perm="lead + read_confidential (leader, admin)",
           response=bytes, content_type="application/zip")
def incident_archive(incident_id: int) -> Response:
    incident, data = service.build(actor=current_user, incident_id=incident_id)
    resp = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=service.filename(incident))
    resp.headers["Cache-Control"] = "no-store"
    return resp
