"""The decisions API (/api/v1) and the register pages (/incidents/{id}/decisions, .../print)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, has_perm
from crisis.decisions import service
from crisis.decisions.schemas import DecisionIn, DecisionOut, DecisionPatch, DecisionQuery
from crisis.incidents import service as incidents


@operation(
    "/incidents/<int:incident_id>/decisions",
    "GET",
    summary="The decision register of an incident, newest first (filters: status, type, report; paginated)",
    tag="decisions",
    query=DecisionQuery,
    response=Items[DecisionOut],
    perm="read",
)
def list_decisions(incident_id: int, query: DecisionQuery) -> list[dict[str, Any]]:
    found = service.list_decisions(viewer=current_user, incident_id=incident_id, **query.model_dump())
    return [service.to_dict(d) for d in found]


@operation(
    "/incidents/<int:incident_id>/decisions",
    "POST",
    summary="Record a decision (type level with `level`: changes the incident's level)",
    tag="decisions",
    body=DecisionIn,
    response=DecisionOut,
    status=201,
    perm="decide (a TiB levels only up to CRISIS_TIB_MAX_LEVEL)",
)
def record_decision(incident_id: int, body: DecisionIn) -> dict[str, Any]:
    fields = body.model_dump()
    if fields["level"] is None:
        fields.pop("level")
    return service.to_dict(service.record(actor=current_user, incident_id=incident_id, **fields))


@operation(
    "/decisions/<int:decision_id>", "GET", summary="One decision", tag="decisions", response=DecisionOut, perm="read"
)
def get_decision(decision_id: int) -> dict[str, Any]:
    return service.to_dict(service.get(viewer=current_user, decision_id=decision_id))


@operation(
    "/decisions/<int:decision_id>",
    "PATCH",
    summary="Follow a decision up: done, revoked (with note), executed_by, follow_up_at, reported; send the version",
    tag="decisions",
    body=DecisionPatch,
    response=DecisionOut,
    perm="decide",
)
def patch_decision(decision_id: int, body: DecisionPatch) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    d = service.update(actor=current_user, decision_id=decision_id, expected_version=version, **changes)
    return service.to_dict(d)


# --- pages ----------------------------------------------------------------------------------

pages = Blueprint("decisions", __name__)

PAGE_SIZE = 25


def _strings() -> dict[str, Any]:
    """What the register's JavaScript says (translated here, like the task board's strings)."""
    from flask_babel import gettext as _

    from crisis import labels

    return {
        "types": labels.as_strings(labels.DECISION_TYPES),
        "statuses": labels.as_strings(labels.DECISION_STATUSES),
        "levels": labels.as_strings(labels.LEVELS),
        "load_failed": _("Besluten kunde inte hämtas (%(why)s). Ladda om sidan.", why="{why}"),
        "none": _("Inga beslut."),
        "none_report": _("Inga anmälningspliktiga beslut."),
        "overdue": _("Uppföljning försenad"),
        "follow_up": _("Följs upp"),
        "valid_until": _("Gäller till"),
        "decided_by": _("Beslutsfattare"),
        "mandate": _("Mandat"),
        "reason": _("Motivering"),
        "executed_by": _("Verkställs av"),
        "report_to": _("Anmäls till"),
        "reported": _("Anmält"),
        "not_reported": _("Ej anmält"),
        "log_entry": _("Loggpost %(n)s", n="{n}"),
        "supersedes": _("Ersätter %(label)s", label="{label}"),
        "mark_done": _("Markera genomfört"),
        "revoke": _("Upphäv"),
        "supersede": _("Ersätt"),
        "mark_reported": _("Markera anmält"),
        "confirm_title": _("Registrera beslut?"),
        "confirm_body": _(
            "Beslutet skrivs in i dagboken och kan inte ändras eller tas bort efteråt. Detta står i loggen:"
        ),
        "confirm_ok": _("Registrera beslutet"),
        "cancel": _("Avbryt"),
        "done_title": _("Markera beslutet som genomfört?"),
        "done_ok": _("Markera genomfört"),
        "revoke_title": _("Upphäv beslutet?"),
        "revoke_body": _("Upphävandet skrivs in i dagboken. Ange varför:"),
        "revoke_ok": _("Upphäv beslutet"),
        "report_title": _("Markera beslutet som anmält?"),
        "report_ok": _("Markera anmält"),
        "recorded": _("Beslut %(label)s registrerat.", label="{label}"),
        "updated": _("Beslut %(label)s ändrat.", label="{label}"),
        "page": _("Sida %(n)s", n="{n}"),
        "log_preview_reason": _("Motivering"),
        "log_preview_exec": _("Verkställs av"),
        "log_preview_follow": _("Följs upp"),
        "log_preview_valid": _("Gäller till"),
        "level_text": _("Nivån ändras från %(from)s till %(to)s", **{"from": "{from}", "to": "{to}"}),
        "other_mandate": _("Annat mandat (skriv nedan)"),
    }


@pages.route("/incidents/<int:incident_id>/decisions")
@login_required
def register(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    return render_template(
        "decisions/register.html",
        incident=inc,
        can_decide=has_perm(current_user, Perm.DECIDE) and inc.status.value == "active",
        is_leader=has_perm(current_user, Perm.LEAD),
        tib_max_level=service.tib_max_level().value,
        mandates=[m.as_dict() for m in service.mandates()],
        page_size=PAGE_SIZE,
        prefill_level=request.args.get("level") or "",
        decision_strings=_strings(),
    )


@pages.route("/incidents/<int:incident_id>/decisions/print")
@login_required
def print_protocol(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    decisions = service.protocol(viewer=current_user, incident_id=inc.id)
    return render_template(
        "decisions/print.html",
        incident=inc,
        decisions=decisions,
        kommun=current_app.config.get("CRISIS_KOMMUN", ""),
    )
