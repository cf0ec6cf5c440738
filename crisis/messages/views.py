"""The crisis communication API (/api/v1/incidents/{id}/messages, /messages/{id}/approve|publish,
/incidents/{id}/vma, /vma/{id}, /cap/feed.atom, /messages/{id}/cap.xml) and the page
/incidents/{id}/communication (compose, approve, publish, history, VMA, service points)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crisis.api import PUBLIC_ENDPOINTS, operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, has_perm
from crisis.incidents import service as incidents
from crisis.messages import capfeed, service
from crisis.messages.schemas import (
    MessageApproveIn,
    MessageIn,
    MessageLatestOut,
    MessageOut,
    MessagePatch,
    MessagePublishIn,
    MessagesQuery,
    VmaIn,
    VmaOut,
    VmaPatch,
    VmaQuery,
)
from crisis.points import service as points

# Readers of a public warning feed have no account (CRISIS_CAP_FEED_PUBLIC decides; see capfeed).
PUBLIC_ENDPOINTS.update({"api.cap_feed", "api.message_cap"})


@operation(
    "/incidents/<int:incident_id>/messages",
    "GET",
    summary="The messages to the public of an incident, newest first (paginated: limit, offset)",
    tag="communication",
    query=MessagesQuery,
    response=Items[MessageOut],
    perm="read",
)
def list_messages(incident_id: int, query: MessagesQuery) -> list[dict[str, Any]]:
    rows = service.list_messages(
        viewer=current_user, incident_id=incident_id, status=query.status, limit=query.limit, offset=query.offset
    )
    return [service.to_dict(m) for m in rows]


@operation(
    "/incidents/<int:incident_id>/messages/latest",
    "GET",
    summary="Per channel, the latest published message still current (for the wall)",
    tag="communication",
    response=Items[MessageLatestOut],
    perm="read",
)
def latest_messages(incident_id: int) -> list[dict[str, Any]]:
    incidents.get(viewer=current_user, incident_id=incident_id)
    return service.latest_per_channel(incident_id=incident_id)


@operation(
    "/incidents/<int:incident_id>/messages",
    "POST",
    summary="Draft a message (a new version with supersedes, a translation with translation_of)",
    tag="communication",
    body=MessageIn,
    response=MessageOut,
    status=201,
    perm="write_log",
)
def create_message(incident_id: int, body: MessageIn) -> dict[str, Any]:
    fields = body.model_dump()
    return service.to_dict(service.create(actor=current_user, incident_id=incident_id, **fields))


@operation(
    "/messages/<int:message_id>", "GET", summary="One message", tag="communication", response=MessageOut, perm="read"
)
def get_message(message_id: int) -> dict[str, Any]:
    return service.to_dict(service.get(viewer=current_user, message_id=message_id))


@operation(
    "/messages/<int:message_id>",
    "PATCH",
    summary="Edit a draft (an approved message never changes: write a new version)",
    tag="communication",
    body=MessagePatch,
    response=MessageOut,
    perm="write_log",
)
def patch_message(message_id: int, body: MessagePatch) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    m = service.update(actor=current_user, message_id=message_id, expected_version=version, **changes)
    return service.to_dict(m)


@operation(
    "/messages/<int:message_id>/approve",
    "POST",
    summary="Approve a draft (roles: CRISIS_MESSAGE_APPROVER_ROLES; not the author unless configured)",
    tag="communication",
    body=MessageApproveIn,
    response=MessageOut,
    perm="read",
)
def approve_message(message_id: int, body: MessageApproveIn) -> dict[str, Any]:
    m = service.approve(actor=current_user, message_id=message_id, expected_version=body.version)
    return service.to_dict(m)


@operation(
    "/messages/<int:message_id>/publish",
    "POST",
    summary="Record that an approved message was published now on one or more channels",
    tag="communication",
    body=MessagePublishIn,
    response=MessageOut,
    perm="write_log",
)
def publish_message(message_id: int, body: MessagePublishIn) -> dict[str, Any]:
    m = service.publish(actor=current_user, message_id=message_id, channels=body.channels, where=body.where)
    return service.to_dict(m)


@operation(
    "/messages/<int:message_id>/cap.xml",
    "GET",
    summary="The approved message as OASIS CAP 1.2 (validated). Public for a message in the public feed",
    tag="communication",
    response=str,
    public=True,
    content_type="application/cap+xml",  # the registered CAP type, as the Atom feed links it
    endpoint="message_cap",
)
def message_cap(message_id: int) -> Response:
    m, xml = capfeed.cap_xml(viewer=current_user, message_id=message_id)
    return Response(
        xml,
        mimetype="application/cap+xml",
        headers={"Content-Disposition": f'inline; filename="cap-{m.incident_id}-M{m.number}.xml"'},
    )


@operation(
    "/cap/feed.atom",
    "GET",
    summary="Atom feed of the kommun's current public CAP messages (published, real incidents, not superseded)",
    tag="communication",
    response=str,
    public=True,
    content_type="application/atom+xml",
    endpoint="cap_feed",
)
def cap_feed() -> Response:
    data = capfeed.atom_feed(
        viewer=current_user,
        feed_url=url_for("api.cap_feed", _external=True),
        cap_url=lambda mid: url_for("api.message_cap", message_id=mid, _external=True),
    )
    return Response(data, mimetype="application/atom+xml")


@operation(
    "/incidents/<int:incident_id>/vma",
    "GET",
    summary="The VMA requests of an incident, newest first",
    tag="communication",
    query=VmaQuery,
    response=Items[VmaOut],
    perm="read",
)
def list_vma(incident_id: int, query: VmaQuery) -> list[dict[str, Any]]:
    rows = service.list_vma(viewer=current_user, incident_id=incident_id, limit=query.limit, offset=query.offset)
    return [service.vma_to_dict(v) for v in rows]


@operation(
    "/incidents/<int:incident_id>/vma",
    "POST",
    summary="Request a VMA from räddningsledaren, Polisen or Länsstyrelsen (the kommun never sends one)",
    tag="communication",
    body=VmaIn,
    response=VmaOut,
    status=201,
    perm="write_log",
)
def request_vma(incident_id: int, body: VmaIn) -> dict[str, Any]:
    v = service.request_vma(actor=current_user, incident_id=incident_id, **body.model_dump())
    return service.vma_to_dict(v)


@operation(
    "/vma/<int:vma_id>",
    "PATCH",
    summary="Record what became of a VMA request: sent by the authority, or declined",
    tag="communication",
    body=VmaPatch,
    response=VmaOut,
    perm="write_log",
)
def patch_vma(vma_id: int, body: VmaPatch) -> dict[str, Any]:
    v = service.update_vma(
        actor=current_user, vma_id=vma_id, status=body.status, note=body.note, expected_version=body.version
    )
    return service.vma_to_dict(v)


# --- page ----------------------------------------------------------------------

CHANNEL_LABELS = {
    "web": _l("Webb"),
    "social_media": _l("Sociala medier"),
    "sms": _l("SMS till adresser"),
    "113_13": _l("113 13 (via SOS Alarm)"),
    "krisinformation": _l("Krisinformation.se"),
    "radio": _l("Lokalradio (P4 Sjuhärad)"),
    "service_points": _l("Trygghetspunkter"),
    "faq": _l("Telefonupplysningen (frågor och svar)"),
}
LANGUAGE_LABELS = {"sv": _l("Svenska"), "en": _l("Engelska"), "sv-lattlast": _l("Lättläst svenska")}
KIND_LABELS = {
    "alert": _l("Budskap"),
    "update": _l("Uppdatering"),
    "cancel": _l("Återkallelse"),
    "all_clear": _l("Faran över"),
}
STATUS_LABELS = {"draft": _l("Utkast"), "approved": _l("Godkänt"), "published": _l("Publicerat")}
AUTHORITY_LABELS = {
    "raddningsledare": _l("Räddningsledaren"),
    "polisen": _l("Polisen"),
    "lansstyrelsen": _l("Länsstyrelsen"),
}
VMA_STATUS_LABELS = {
    "requested": _l("Begärt"),
    "sent": _l("Sänt av myndigheten"),
    "declined": _l("Avslaget"),
}
POINT_KIND_LABELS = {
    "trygghetspunkt": _l("Trygghetspunkt"),
    "nodvatten": _l("Nödvattenplats"),
    "krisstod": _l("Krisstöd (POSOM)"),
    "evakuering": _l("Evakueringslokal"),
}
POINT_STATUS_LABELS = {"planned": _l("Planerad"), "open": _l("Öppen"), "closed": _l("Stängd")}


def _plain(d: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in d.items()}


def labels() -> dict[str, dict[str, str]]:
    """The communication labels in the page's language, for templates and JS."""
    return {
        "channels": _plain(CHANNEL_LABELS),
        "languages": _plain(LANGUAGE_LABELS),
        "kinds": _plain(KIND_LABELS),
        "statuses": _plain(STATUS_LABELS),
        "authorities": _plain(AUTHORITY_LABELS),
        "vma_statuses": _plain(VMA_STATUS_LABELS),
        "point_kinds": _plain(POINT_KIND_LABELS),
        "point_statuses": _plain(POINT_STATUS_LABELS),
    }


pages = Blueprint("communication", __name__)


@pages.route("/incidents/<int:incident_id>/communication")
@login_required
def page(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    msgs = service.list_messages(viewer=current_user, incident_id=incident_id)
    vmas = service.list_vma(viewer=current_user, incident_id=incident_id)
    pts = points.list_points(viewer=current_user, incident_id=incident_id)
    active = inc.status.value != "closed"
    return render_template(
        "messages/communication.html",
        incident=inc,
        messages=[service.to_dict(m) for m in msgs],
        vmas=[service.vma_to_dict(v) for v in vmas],
        points=[points.view_dict(current_user, p) for p in pts],
        labels_c=labels(),
        can_write=has_perm(current_user, Perm.WRITE_LOG) and active,
        can_approve=service.may_approve(current_user) and active,
        self_approval=service.self_approval(),
        me=current_user.username,
        can_confidential=has_perm(current_user, Perm.READ_CONFIDENTIAL),
    )
