"""The sambandsplan page (/incidents/{id}/samband) and API (/api/v1/incidents/{id}/samband)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crisis.api import operation
from crisis.auth.permissions import Perm, has_perm
from crisis.errors import ApiError
from crisis.incidents import service as incidents
from crisis.samband import forms, service
from crisis.samband.schemas import SambandIn, SambandOut

pages = Blueprint("samband", __name__)


@operation(
    "/incidents/<int:incident_id>/samband",
    "GET",
    summary="The incident's sambandsplan (version 0: still the kommun's default)",
    tag="samband",
    response=SambandOut,
    perm="read",
)
def get_samband(incident_id: int) -> dict[str, Any]:
    return service.get(viewer=current_user, incident_id=incident_id)


@operation(
    "/incidents/<int:incident_id>/samband",
    "PUT",
    summary="Replace the incident's sambandsplan (optimistic locking on version; 409 when stale)",
    tag="samband",
    body=SambandIn,
    response=SambandOut,
    perm="write_log",
)
def put_samband(incident_id: int, body: SambandIn) -> dict[str, Any]:
    return service.update(
        actor=current_user, incident_id=incident_id, expected_version=body.version, plan=body.plan.model_dump()
    )


@pages.route("/incidents/<int:incident_id>/samband", methods=["GET", "POST"])
@login_required
def page(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    data = service.get(viewer=current_user, incident_id=incident_id)
    can_write = has_perm(current_user, Perm.WRITE_LOG) and inc.status.value == "active"
    texts = forms.to_texts(data["plan"])
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        texts = {k: request.form.get(k, "") for k in forms.FIELDS}
        if not forms.ActionForm().validate_on_submit():
            errors, status = [_("Formuläret har gått ut; ladda om sidan och försök igen.")], 400
        else:
            try:
                version = int(request.form.get("version", ""))
                plan = forms.from_texts(texts)
                service.update(actor=current_user, incident_id=incident_id, expected_version=version, plan=plan)
            except forms.FormError as e:
                errors, status = [str(e)], 400
            except ValueError:
                errors, status = [_("Formuläret har gått ut; ladda om sidan och försök igen.")], 400
            except ApiError as e:
                errors, status = [e.message], e.status
            else:
                flash(_("Sambandsplanen sparades."), "ok")
                return redirect(url_for("samband.page", incident_id=incident_id))
    return (
        render_template(
            "samband/samband.html",
            incident=inc,
            samband=data,
            texts=texts,
            fields=forms.field_labels(),
            can_write=can_write,
            errors=errors,
            action_form=forms.ActionForm(),
        ),
        status,
    )
