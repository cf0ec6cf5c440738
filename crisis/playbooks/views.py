"""Playbooks: the API (list, activate, call-out, checklist) and the pages
(/playbooks, the TiB's three-screen activation flow, the call-out page).

Thin: every read and write goes through the playbooks' services (`activation`,
`callout`, `checklist`).
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.validators import Optional as Opt

from crisis.api import PUBLIC_ENDPOINTS, operation
from crisis.auth.permissions import Perm, has_perm, require
from crisis.collation import sv_key
from crisis.errors import ApiError, ValidationError
from crisis.extensions import limiter
from crisis.incidents import service as incidents
from crisis.incidents.schemas import IncidentOut
from crisis.playbooks import ack, activation, callout, checklist, registry
from crisis.playbooks.schemas import (
    ActivateIn,
    CalloutIn,
    CalloutOut,
    ChecklistIn,
    ChecklistOut,
    PlaybookList,
    PlaybookOut,
    SmsInboundIn,
    SmsInboundOut,
    playbook_dict,
)

# The gateway has no user: it proves itself with CRISIS_SMS_INBOUND_SECRET.
PUBLIC_ENDPOINTS.add("api.sms_inbound")

# --- API ------------------------------------------------------------------------------


@operation(
    "/playbooks",
    "GET",
    summary="The valid playbooks (admins also get the broken files)",
    tag="playbooks",
    response=PlaybookList,
    perm="read",
)
def api_list_playbooks() -> dict[str, Any]:
    return activation.list_playbooks(viewer=current_user)


@operation("/playbooks/<key>", "GET", summary="One playbook", tag="playbooks", response=PlaybookOut, perm="read")
def api_get_playbook(key: str) -> dict[str, Any]:
    pb = activation.get_playbook(viewer=current_user, key=key)
    return playbook_dict(pb, with_contacts=has_perm(current_user, Perm.READ_CONFIDENTIAL))


@operation(
    "/playbooks/<key>/activate",
    "POST",
    summary="Activate a playbook: the incident with positions, tasks, checklist, call-out and reminders",
    tag="playbooks",
    body=ActivateIn,
    response=IncidentOut,
    status=201,
    perm="create_incident",
)
def api_activate(key: str, body: ActivateIn) -> dict[str, Any]:
    incident = activation.activate(
        actor=current_user,
        playbook_key=key,
        title=body.title,
        context=body.context,
        deviation_id=body.deviation,
        notify=body.notify,
    )
    return incident.to_dict()


@operation(
    "/incidents/<int:incident_id>/callout",
    "GET",
    summary="The call-out list (larmning) and its state",
    tag="playbooks",
    response=CalloutOut,
    perm="read_confidential",
)
def api_get_callout(incident_id: int) -> dict[str, Any]:
    return callout.get_callout(viewer=current_user, incident_id=incident_id)


@operation(
    "/incidents/<int:incident_id>/callout",
    "POST",
    summary="Mark someone reached / not_reached / declined, add someone, or e-mail the call-out",
    tag="playbooks",
    body=CalloutIn,
    response=CalloutOut,
    perm="write_log (notify: create_incident)",
)
def api_post_callout(incident_id: int, body: CalloutIn) -> dict[str, Any]:
    if body.action == "mark":
        if body.entry is None or body.state is None:
            raise ValidationError(_l("Markering (mark) behöver entry och state."))
        return callout.mark_callout(
            actor=current_user, incident_id=incident_id, entry_id=body.entry, state=body.state, note=body.note
        )
    if body.action == "add":
        return callout.add_callout(
            actor=current_user,
            incident_id=incident_id,
            name=body.name or "",
            role=body.role or "",
            phone=body.phone or "",
            email=body.email,
        )
    if body.action == "substitute":
        if body.entry is None:
            raise ValidationError(_l("Att larma ersättaren (substitute) behöver entry."))
        return callout.call_substitute(actor=current_user, incident_id=incident_id, entry_id=body.entry)
    return callout.notify_callout(actor=current_user, incident_id=incident_id, entry_ids=body.entries)


def _refused_limit() -> str:
    """Refused tries per client address at the endpoints without a login (the SMS gateway's
    secret, the acknowledgement link): only refusals count (deduct_when)."""
    return str(current_app.config["CRISIS_REFUSED_RATE_LIMIT"])


@operation(
    "/sms/inbound",
    "POST",
    summary='An SMS reply from the gateway ("OK 4711" acknowledges a call-out); '
    "Authorization: Bearer CRISIS_SMS_INBOUND_SECRET",
    tag="playbooks",
    body=SmsInboundIn,
    response=SmsInboundOut,
    public=True,
    endpoint="sms_inbound",
    errors={
        "401": "Wrong or missing gateway secret",
        "404": "SMS receiving is not configured",
        "429": "Too many refused tries from this address (CRISIS_REFUSED_RATE_LIMIT)",
    },
)
@limiter.limit(_refused_limit, deduct_when=lambda resp: resp.status_code == 401)
def api_sms_inbound(body: SmsInboundIn) -> dict[str, Any]:
    secret = current_app.config.get("CRISIS_SMS_INBOUND_SECRET") or ""
    if not secret:
        raise ApiError(_l("SMS-mottagning är inte konfigurerad."), code="sms_inbound_off", status=404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {secret}".encode()):
        raise ApiError(_l("Fel eller saknad hemlighet för SMS-mottagning."), code="unauthorized", status=401)
    done = ack.acknowledge_sms(sender=body.from_, text=body.text)
    return {"acknowledged": done is not None, "first": bool(done and done.first)}


@operation(
    "/incidents/<int:incident_id>/checklist",
    "GET",
    summary="The activation checklist",
    tag="playbooks",
    response=ChecklistOut,
    perm="read",
)
def api_get_checklist(incident_id: int) -> dict[str, Any]:
    return checklist.get_checklist(viewer=current_user, incident_id=incident_id)


@operation(
    "/incidents/<int:incident_id>/checklist",
    "POST",
    summary="Tick (or untick) a checklist item",
    tag="playbooks",
    body=ChecklistIn,
    response=ChecklistOut,
    perm="write_log",
)
def api_post_checklist(incident_id: int, body: ChecklistIn) -> dict[str, Any]:
    return checklist.set_checklist_item(actor=current_user, incident_id=incident_id, item_id=body.item, done=body.done)


# --- pages ------------------------------------------------------------------------------

pages = Blueprint("playbooks", __name__)


class ActivateForm(FlaskForm):
    title = StringField(
        _l("Rubrik"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Kort: vad och var, t.ex. ”Elavbrott Skene och Örby”"),
    )
    context = StringField(
        _l("Läget just nu (en rad)"),
        validators=[Opt(), Length(max=1000)],
        description=_l("Vad vet du, och varifrån? Blir en del av första dagboksposten."),
    )
    deviation = HiddenField()
    notify = BooleanField(_l("Skicka larmet till larmlistan (e-post, och SMS när det är påslaget) med kvittens"))


def _deviation_param(value: Any) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def _deviation_or_none(deviation_id: int | None) -> Any:
    if deviation_id is None:
        return None
    from crisis.inbox import service as inbox

    try:
        return inbox.get(viewer=current_user, deviation_id=deviation_id)
    except ApiError:
        return None


@pages.route("/playbooks")
@login_required
@require(Perm.READ)
def index() -> Any:
    cat = registry.catalog()
    return render_template(
        "playbooks/index.html",
        catalog=cat,
        playbooks=list(cat.playbooks.values()),
        show_contacts=has_perm(current_user, Perm.READ_CONFIDENTIAL),
        show_errors=has_perm(current_user, Perm.ADMIN),
        site_categories=_site_categories(),
    )


def _site_categories() -> Any:
    """Category names for "Markeras på kartan" (the playbook file holds keys such as power, care)."""
    from crisis.sites import labels as site_labels

    return site_labels.CATEGORIES


@pages.route("/playbooks/reload", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def reload() -> Any:
    from crisis.auth.forms import EmptyForm

    if not EmptyForm().validate_on_submit():
        abort(400)
    cat = activation.reload_catalog(actor=current_user)
    flash(
        _("Spelböcker inlästa: %(ok)d giltiga, %(bad)d fel.", ok=len(cat.playbooks), bad=len(cat.all_errors)),
        "ok" if not cat.all_errors else "error",
    )
    return redirect(url_for("playbooks.index"))


@pages.route("/activate")
@login_required
@require(Perm.CREATE_INCIDENT)
def choose() -> Any:
    """Screen 1 of 3: choose the playbook."""
    deviation = _deviation_or_none(_deviation_param(request.args.get("deviation")))
    return render_template("playbooks/activate_choose.html", playbooks=_by_title(), deviation=deviation)


def _form_for(key: str, deviation: Any) -> ActivateForm:
    form = ActivateForm()
    if request.method == "GET":
        pb = registry.get(key)
        form.title.data = deviation.what.splitlines()[0][:200] if deviation is not None else pb.title
        if deviation is not None:
            parts = [deviation.organisation, deviation.where, deviation.services]
            form.context.data = " · ".join(p for p in parts if p)[:1000]
            form.deviation.data = str(deviation.id)
        form.notify.data = True
    return form


@pages.route("/activate/<key>", methods=["GET", "POST"])
@login_required
@require(Perm.CREATE_INCIDENT)
def details(key: str) -> Any:
    """Screen 2 of 3: title and one line of context (POST: back from screen 3, keeping the text)."""
    pb = registry.get(key)
    raw = request.form.get("deviation") if request.method == "POST" else request.args.get("deviation")
    deviation = _deviation_or_none(_deviation_param(raw))
    return render_template(
        "playbooks/activate_details.html", pb=pb, form=_form_for(key, deviation), deviation=deviation
    )


@pages.route("/activate/<key>/confirm", methods=["POST"])
@login_required
@require(Perm.CREATE_INCIDENT)
def confirm(key: str) -> Any:
    """Screen 3 of 3: what will be created; one button."""
    pb = registry.get(key)
    form = ActivateForm()
    deviation = _deviation_or_none(_deviation_param(form.deviation.data))
    if not form.validate_on_submit():
        return render_template("playbooks/activate_details.html", pb=pb, form=form, deviation=deviation), 422
    return render_template(
        "playbooks/activate_confirm.html",
        pb=pb,
        form=form,
        deviation=deviation,
        emails=sum(1 for c in pb.callout if c.email),
        phones=sum(1 for c in pb.callout if c.phone) if current_app.config.get("CRISIS_SMS_GATEWAY_URL") else 0,
    )


@pages.route("/activate/<key>/go", methods=["POST"])
@login_required
@require(Perm.CREATE_INCIDENT)
def go(key: str) -> Any:
    pb = registry.get(key)
    form = ActivateForm()
    deviation_id = _deviation_param(form.deviation.data)
    if form.validate_on_submit():
        try:
            incident = activation.activate(
                actor=current_user,
                playbook_key=key,
                title=form.title.data,
                context=form.context.data or "",
                deviation_id=deviation_id,
                notify=bool(form.notify.data),
            )
        except ApiError as e:
            flash(e.message, "error")
        else:
            return redirect(url_for("web.incident", incident_id=incident.id))
    else:
        for field, errors in form.errors.items():
            flash(_("%(field)s: %(errors)s", field=getattr(form, field).label.text, errors="; ".join(errors)), "error")
    return render_template(
        "playbooks/activate_details.html", pb=pb, form=form, deviation=_deviation_or_none(deviation_id)
    ), 422


@pages.route("/incidents/<int:incident_id>/callout")
@login_required
@require(Perm.READ)
def callout_page(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    return render_template(
        "playbooks/callout.html", incident=inc, activation=activation.activation_for(incident_id=incident_id)
    )


# --- acknowledgement link (no login) ----------------------------------------------------------

ack_pages = Blueprint("ack", __name__)


@ack_pages.route("/ack/<token>", methods=["GET", "POST"])
@limiter.limit(_refused_limit, deduct_when=lambda resp: resp.status_code == 404)
def ack_page(token: str) -> Any:
    """The link in a call-out: GET shows one button (so a mail scanner that follows links
    acknowledges nothing), POST records "kvitterat". Nothing about the call-out is shown;
    an unknown and an expired link get the same answer."""
    from crisis.auth.forms import EmptyForm

    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        done = ack.acknowledge_link(token=token)
        if done is None:
            return render_template("playbooks/ack.html", state="invalid"), 404
        return render_template("playbooks/ack.html", state="done", done=done)
    if not ack.token_is_valid(token=token):
        return render_template("playbooks/ack.html", state="invalid"), 404
    return render_template("playbooks/ack.html", state="ask", form=form, token=token)


# --- helpers ------------------------------------------------------------------------------


def _by_title() -> list[Any]:
    return sorted(registry.catalog().playbooks.values(), key=lambda pb: sv_key(pb.title))


def start_playbooks() -> list[Any]:
    """The playbooks the user may start (a Jinja global, see crisis.playbooks.init_app)."""
    if not has_perm(current_user, Perm.CREATE_INCIDENT):
        return []
    return _by_title()
