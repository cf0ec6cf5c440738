from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crisis.api import operation
from crisis.errors import ValidationError
from crisis.staffing import service
from crisis.staffing.schemas import StaffingIn, StaffingOut


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
        return service.check_in(actor=current_user, incident_id=incident_id, position=body.position, user=body.user)
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
