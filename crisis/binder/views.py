"""The reservpärm print pages: /incidents/{id}/binder and the kommun-wide /binder."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from crisis.binder import service
from crisis.db import utcnow
from crisis.situation import sections

pages = Blueprint("binder", __name__)


def _render(binder: service.Binder) -> Any:
    return render_template(
        "binder/binder.html",
        binder=binder,
        incident=binder.incident,
        printed_at=utcnow().isoformat(),
        situation_sections=[(k, sections.SECTION_LABELS[k]) for k in sections.SECTIONS if k != "konsekvenser"],
        consequence_lines=sections.consequence_lines,
    )


@pages.route("/incidents/<int:incident_id>/binder")
@login_required
def incident_binder(incident_id: int) -> Any:
    """The incident's reservpärm (print it before the systems go down; ?sheets=N blank log sheets)."""
    binder = service.for_incident(
        viewer=current_user, incident_id=incident_id, sheets=service.sheet_count(request.args.get("sheets"))
    )
    return _render(binder)


@pages.route("/binder")
@login_required
def kommun_binder() -> Any:
    """The kommun's reservpärm for normal times (every playbook, the kommun's sambandsplan)."""
    return _render(service.for_kommun(viewer=current_user, sheets=service.sheet_count(request.args.get("sheets"))))
