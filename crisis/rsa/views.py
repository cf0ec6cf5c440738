"""The RSA register: API (/api/v1/rsa/...) and the page /rsa (confidential, OSL 18 kap. 13 §)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, check
from crisis.errors import ApiError, ValidationError
from crisis.rsa import service
from crisis.rsa.schemas import MeasureIn, MeasureOut, MeasurePatch, RiskIn, RiskOut, RiskPatch

# --- API ---------------------------------------------------------------------------------


@operation(
    "/rsa/risks",
    "GET",
    summary="The RSA register's risks, highest risk (likelihood × consequence) first, with their gaps",
    tag="rsa",
    response=Items[RiskOut],
    perm="read_confidential",
)
def api_risks() -> list[dict[str, Any]]:
    exercised = service.exercised_playbooks()
    return [service.to_dict(r, exercised) for r in service.list_risks(viewer=current_user)]


@operation(
    "/rsa/risks", "POST", summary="Add a risk", tag="rsa", body=RiskIn, response=RiskOut, status=201, perm="lead"
)
def api_create_risk(body: RiskIn) -> dict[str, Any]:
    risk = service.create(actor=current_user, **body.model_dump())
    return service.to_dict(risk)


@operation("/rsa/risks/<int:risk_id>", "GET", summary="One risk", tag="rsa", response=RiskOut, perm="read_confidential")
def api_risk(risk_id: int) -> dict[str, Any]:
    return service.to_dict(service.get(viewer=current_user, risk_id=risk_id))


@operation(
    "/rsa/risks/<int:risk_id>",
    "PATCH",
    summary="Change a risk's assessment, shortcomings or links",
    tag="rsa",
    body=RiskPatch,
    response=RiskOut,
    perm="lead",
)
def api_patch_risk(risk_id: int, body: RiskPatch) -> dict[str, Any]:
    fields = body.model_dump(exclude_unset=True)
    version = fields.pop("version", None)
    for k, v in fields.items():
        if v is None:
            raise ValidationError(_l("%(field)s får inte vara null.", field=k))
    risk = service.update(actor=current_user, risk_id=risk_id, expected_version=version, **fields)
    return service.to_dict(risk)


@operation(
    "/rsa/risks/<int:risk_id>/measures",
    "POST",
    summary="Decide a measure (åtgärd) for a risk",
    tag="rsa",
    body=MeasureIn,
    response=MeasureOut,
    status=201,
    perm="lead",
)
def api_add_measure(risk_id: int, body: MeasureIn) -> dict[str, Any]:
    return service.measure_dict(service.add_measure(actor=current_user, risk_id=risk_id, **body.model_dump()))


@operation(
    "/rsa/measures/<int:measure_id>",
    "PATCH",
    summary="Mark a measure done (with its date) or open again",
    tag="rsa",
    body=MeasurePatch,
    response=MeasureOut,
    perm="lead",
)
def api_patch_measure(measure_id: int, body: MeasurePatch) -> dict[str, Any]:
    m = service.set_measure_status(
        actor=current_user, measure_id=measure_id, status=body.status.value, done_on=body.done_on
    )
    return service.measure_dict(m)


# --- pages ---------------------------------------------------------------------------------

pages = Blueprint("rsa", __name__)


class CsrfForm(FlaskForm):
    """Only the CSRF token: the fields are read from the form and validated by the service."""


@pages.route("/rsa")
@login_required
def page() -> Any:
    check(current_user, Perm.READ_CONFIDENTIAL)
    risks = service.list_risks(viewer=current_user)
    exercised = service.exercised_playbooks()
    return render_template(
        "rsa/index.html",
        risks=risks,
        gaps={r.id: service.gaps_of(r, exercised) for r in risks},
        form=CsrfForm(),
    )


@pages.route("/rsa/risks", methods=["POST"])
@login_required
def add_risk() -> Any:
    check(current_user, Perm.LEAD)
    if not CsrfForm().validate_on_submit():
        flash(_("Formuläret kunde inte skickas; ladda om sidan och försök igen."), "error")
        return redirect(url_for("rsa.page"), 303)
    f = request.form
    try:
        risk = service.create(
            actor=current_user,
            title=f.get("title"),
            likelihood=f.get("likelihood"),
            consequence=f.get("consequence"),
            description=f.get("description"),
            shortcomings=f.get("shortcomings"),
            playbooks=f.get("playbooks", ""),
            scenarios=f.get("scenarios", ""),
        )
    except ApiError as e:
        flash(e.message, "error")
        return redirect(url_for("rsa.page") + "#new", 303)
    flash(_("Risken %(title)s är inlagd.", title=risk.title), "ok")
    return redirect(url_for("rsa.page") + f"#risk-{risk.id}", 303)


@pages.route("/rsa/risks/<int:risk_id>/measures", methods=["POST"])
@login_required
def add_measure(risk_id: int) -> Any:
    check(current_user, Perm.LEAD)
    if not CsrfForm().validate_on_submit():
        flash(_("Formuläret kunde inte skickas; ladda om sidan och försök igen."), "error")
        return redirect(url_for("rsa.page"), 303)
    f = request.form
    try:
        service.add_measure(
            actor=current_user, risk_id=risk_id, text=f.get("text"), owner=f.get("owner"), due=f.get("due")
        )
    except ApiError as e:
        flash(e.message, "error")
    else:
        flash(_("Åtgärden är inlagd."), "ok")
    return redirect(url_for("rsa.page") + f"#risk-{risk_id}", 303)


@pages.route("/rsa/measures/<int:measure_id>/status", methods=["POST"])
@login_required
def measure_status(measure_id: int) -> Any:
    check(current_user, Perm.LEAD)
    if not CsrfForm().validate_on_submit():
        flash(_("Formuläret kunde inte skickas; ladda om sidan och försök igen."), "error")
        return redirect(url_for("rsa.page"), 303)
    try:
        m = service.set_measure_status(actor=current_user, measure_id=measure_id, status=request.form.get("status"))
    except ApiError as e:
        flash(e.message, "error")
        return redirect(url_for("rsa.page"), 303)
    flash(_("Åtgärdens status är ändrad."), "ok")
    return redirect(url_for("rsa.page") + f"#risk-{m.risk_id}", 303)


@pages.route("/print/rsa.css")
@login_required
def print_marks() -> Any:
    """The printed register's running head and foot: the register and its secrecy marking on every sheet."""
    from flask import Response

    from crisis.web.printmarks import marks_css

    check(current_user, Perm.READ_CONFIDENTIAL)
    body = marks_css(head=_("RSA-register – Sekretess enligt OSL 18 kap. 13 §"), marking="confidential", exercise=False)
    return Response(body, mimetype="text/css", headers={"Cache-Control": "private, no-store"})
