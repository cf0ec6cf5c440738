from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crisis.api import operation
from crisis.errors import ValidationError
from crisis.staffing import handover, service
from crisis.staffing.schemas import HandoverDraftOut, HandoverIn, HandoverOut, StaffingIn, StaffingOut


@operation(
    "/incidents/<int:incident_id>/staffing",
    "GET",
    summary="Positions and who holds them now",
    tag="staffing",
    response=StaffingOut,
    perm="read",
)
def get_staffing(incident_id: int) -> dict[str, Any]:
    return service.get_staffing(viewer=current_user, incident_id=incident_id)


@operation(
    "/incidents/<int:incident_id>/staffing",
    "POST",
    summary="Check in, check out (with handover note) or add a position",
    tag="staffing",
    body=StaffingIn,
    response=StaffingOut,
    perm="staffing",
)
def post_staffing(incident_id: int, body: StaffingIn) -> dict[str, Any]:
    if body.action == "check_in":
        return service.check_in(
            actor=current_user,
            incident_id=incident_id,
            position=body.position,
            user=body.user,
            acknowledge_handover=body.acknowledge_handover,
        )
    if body.action == "check_out":
        return service.check_out(
            actor=current_user,
            incident_id=incident_id,
            position=body.position,
            user=body.user,
            handover_note=body.handover_note,
        )
    if not body.label:
        raise ValidationError(_l("En ny funktion (add_position) behöver ett namn (label)."))
    return service.add_position(actor=current_user, incident_id=incident_id, key=body.position, label=body.label)


@operation(
    "/incidents/<int:incident_id>/staffing/<position>/handover",
    "GET",
    summary="The generated handover brief (draft) for your own position: since your check-in, open tasks, "
    "decisions to follow up, what to watch",
    tag="staffing",
    response=HandoverDraftOut,
    perm="staffing (the holder)",
)
def get_handover_draft(incident_id: int, position: str) -> dict[str, Any]:
    return handover.draft(viewer=current_user, incident_id=incident_id, position=position)


@operation(
    "/incidents/<int:incident_id>/staffing/<position>/handover",
    "POST",
    summary="Sign the (edited) handover brief and check out of the position",
    tag="staffing",
    body=HandoverIn,
    response=HandoverOut,
    status=201,
    perm="staffing (the holder)",
)
def sign_handover(incident_id: int, position: str, body: HandoverIn) -> dict[str, Any]:
    return handover.handover_dict(
        handover.sign(
            actor=current_user,
            incident_id=incident_id,
            position=position,
            text=body.text,
            generated_at=body.generated_at,
        )
    )


@operation(
    "/handovers/<int:handover_id>/acknowledge",
    "POST",
    summary="Acknowledge (kvittera) a handover brief: the one who took over the position",
    tag="staffing",
    response=HandoverOut,
    perm="staffing (holder of the position, or lead)",
)
def acknowledge_handover(handover_id: int) -> dict[str, Any]:
    return handover.handover_dict(handover.acknowledge(actor=current_user, handover_id=handover_id))
