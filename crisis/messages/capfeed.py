"""CAP 1.2 from approved messages, and the kommun's CAP Atom feed.

Every approved message can become a CAP alert (crisis/reports/cap.py renders
and validates it against the OASIS schema): `Alert` for a first message,
`Update` for a new version (`references` = sender,identifier,sent of the one
it supersedes), `Cancel` for a withdrawal, and responseType `AllClear` for an
all-clear ("faran över"). The area is the kommun's boundary plus its geocode
(`CRISIS_CAP_GEOCODE_NAME` = `CRISIS_KOMMUNKOD`, "Kommunkod" = "1463" for Mark).

The Atom feed (GET /api/v1/cap/feed.atom) lists the kommun's *current* public
messages: published, not superseded, not expired, from real incidents (never an
exercise). Messages to the public are public by nature, so by default the feed
and the CAP of a listed message need no login (CRISIS_CAP_FEED_PUBLIC=on), like
any public warning feed; with it off both need a login. Nothing confidential can
reach it: a message has no confidential fields, and the service points it
names are shown by name, hours and address only.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow
from crisis.enums import Mode
from crisis.errors import Conflict, NotFound
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.messages.models import Message
from crisis.points.models import ServicePoint
from crisis.reports import cap
from crisis.reports.export import cap_sender

ROOT = Path(__file__).resolve().parents[2]
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_MAX = 200


@lru_cache(maxsize=4)
def _boundary(path: str) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        coords: list[Any] = []
        for f in data["features"]:
            g = f["geometry"]
            coords += [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        return {"type": "MultiPolygon", "coordinates": coords}
    geometry: dict[str, Any] = data.get("geometry", data)
    return geometry


def cap_identifier(m: Message) -> str:
    return f"{cap_sender()}.incident-{m.incident_id}.message-{m.number}"


def _language(code: str) -> str:
    if code in ("sv", "sv-lattlast"):
        return cap.LANGUAGE
    return code


def _points_text(m: Message) -> str:
    if not m.point_ids:
        return ""
    rows = db.session.scalars(sa.select(ServicePoint).where(ServicePoint.id.in_(list(m.point_ids))))
    lines = []
    for p in rows:
        if p.status != "open":
            continue
        line = p.name
        extra = [x for x in (p.address, p.hours) if x]
        if extra:
            line += f" ({', '.join(extra)})"
        lines.append(line)
    return ("\n\nÖppna platser: " + "; ".join(lines) + ".") if lines else ""


def build_cap(m: Message, incident: Incident) -> cap.CapMessage:
    """The CAP alert of an approved message (raises CapInputError if it cannot be one)."""
    if m.approved_at is None:
        raise cap.CapInputError(["sent is required: the message is not approved"])
    cfg = current_app.config
    refs = []
    old = db.session.get(Message, m.supersedes_id) if m.supersedes_id is not None else None
    if old is not None and old.approved_at is not None:
        refs.append(cap.CapReference(cap_sender(), cap_identifier(old), old.approved_at))
    msg_type: cap.MsgType = "Cancel" if m.kind == "cancel" else ("Update" if refs else "Alert")
    ended = m.kind in ("cancel", "all_clear")
    kommun = cfg.get("CRISIS_KOMMUN", "")
    code = str(cfg.get("CRISIS_KOMMUNKOD") or "").strip()
    geocodes = [(str(cfg.get("CRISIS_CAP_GEOCODE_NAME") or "Kommunkod"), code)] if code else []
    geometry = _boundary(str(ROOT / "static" / cfg["CRISIS_BOUNDARY"]))
    return cap.CapMessage(
        identifier=cap_identifier(m),
        sender=cap_sender(),
        sent=m.approved_at,
        exercise=incident.is_exercise,
        msg_type=msg_type,
        references=refs,
        category="Safety",
        event=incident.kind or incident.title,
        response_types=("AllClear",) if m.kind == "all_clear" else (),
        urgency="Past" if ended else "Unknown",
        severity="Minor" if ended else "Unknown",
        certainty="Observed" if ended else "Unknown",
        sender_name=f"{kommun} – central krisledning" if kommun else "Central krisledning",
        headline=m.headline,
        description=m.body + _points_text(m),
        instruction=m.instruction,
        web=m.web or (cfg.get("CRISIS_CAP_WEB") or None),
        contact=m.contact or (cfg.get("CRISIS_CAP_CONTACT") or None),
        expires=m.expires_at,
        area_desc=m.area_desc or kommun or incident.title,
        polygons=cap.geojson_to_cap_rings(geometry),
        geocodes=geocodes,
        language=_language(m.language),
        note=f"Budskap M-{m.number}" + (f", ersätter M-{old.number}" if refs and old is not None else ""),
    )


def cap_problems(m: Message, incident: Incident) -> list[str]:
    """Why the (approved) message could not be a valid CAP alert; empty when it can."""
    try:
        xml = cap.render_cap(build_cap(m, incident))
    except (cap.CapInputError, ValueError) as e:
        return [str(e)]
    return list(cap.validate_cap(xml))


def feed_public() -> bool:
    return bool(current_app.config.get("CRISIS_CAP_FEED_PUBLIC", True))


def _in_feed_clause() -> Any:
    now = utcnow()
    return sa.and_(
        Message.status == "published",
        Message.superseded_by_id.is_(None),
        sa.or_(Message.expires_at.is_(None), Message.expires_at > now),
        Incident.mode == Mode.REAL,
    )


def _check_reader(viewer: User | None) -> None:
    if not feed_public():
        check(viewer, Perm.READ)


def cap_xml(*, viewer: User | None, message_id: int) -> tuple[Message, bytes]:
    """The message's CAP 1.2 (validated). Without a login only a message in the public feed."""
    _check_reader(viewer)
    row = db.session.execute(
        sa.select(Message, Incident).join(Incident, Incident.id == Message.incident_id).where(Message.id == message_id)
    ).first()
    if row is None:
        raise NotFound(_l("Budskap %(id)s finns inte.", id=message_id), code="not_found")
    m, incident = row
    if not has_perm(viewer, Perm.READ):
        listed = db.session.scalar(
            sa.select(Message.id)
            .join(Incident, Incident.id == Message.incident_id)
            .where(Message.id == message_id, _in_feed_clause())
        )
        if listed is None:
            raise NotFound(_l("Budskap %(id)s finns inte.", id=message_id), code="not_found")
    if m.status == "draft":
        raise Conflict(_l("Budskapet är ett utkast; CAP görs först när det är godkänt."), code="not_approved")
    try:
        xml = cap.render_cap(build_cap(m, incident))
    except cap.CapInputError as e:
        raise Conflict(_l("Budskapet kan inte bli CAP: %(reason)s.", reason=str(e)), code="cap_invalid") from None
    errors = cap.validate_cap(xml)
    if errors:
        raise Conflict(_l("Budskapets CAP är inte giltigt: %(reason)s.", reason="; ".join(errors)), code="cap_invalid")
    return m, xml


def feed_messages() -> list[Message]:
    rows = db.session.scalars(
        sa.select(Message)
        .join(Incident, Incident.id == Message.incident_id)
        .where(_in_feed_clause())
        .order_by(Message.approved_at.desc(), Message.id.desc())
        .limit(FEED_MAX)
    )
    return list(rows)


def _atom(local: str) -> str:
    # Unqualified names under a root that declares the Atom namespace as the default
    # (ElementTree's default_namespace refuses the unqualified attributes Atom uses).
    return local


def _text_el(parent: ET.Element, local: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, _atom(local), attrs)
    el.text = text
    return el


def _rfc3339(dt: datetime) -> str:
    return cap.format_cap_datetime(dt)


def atom_feed(*, viewer: User | None, feed_url: str, cap_url: Any) -> bytes:
    """The Atom feed of current CAP messages. `cap_url(message_id)` gives an entry's CAP link."""
    _check_reader(viewer)
    rows = feed_messages()
    kommun = current_app.config.get("CRISIS_KOMMUN", "")
    feed = ET.Element(_atom("feed"), {"xmlns": ATOM_NS, "xml:lang": "sv"})
    _text_el(feed, "id", feed_url)
    _text_el(feed, "title", f"{kommun}: meddelanden till allmänheten (CAP)")
    stamps = [m.updated_at for m in rows]
    _text_el(feed, "updated", _rfc3339(max(stamps) if stamps else utcnow()))
    author = ET.SubElement(feed, _atom("author"))
    _text_el(author, "name", f"{kommun} – central krisledning" if kommun else "Central krisledning")
    ET.SubElement(feed, _atom("link"), {"rel": "self", "href": feed_url, "type": "application/atom+xml"})
    for m in rows:
        entry = ET.SubElement(feed, _atom("entry"))
        url = cap_url(m.id)
        _text_el(entry, "id", url)
        _text_el(entry, "title", m.headline)
        _text_el(entry, "updated", _rfc3339(m.updated_at))
        if m.approved_at is not None:
            _text_el(entry, "published", _rfc3339(m.approved_at))
        _text_el(entry, "summary", m.body[:500])
        ET.SubElement(entry, _atom("link"), {"rel": "alternate", "href": url, "type": "application/cap+xml"})
    ET.indent(feed, space="  ")
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data
