"""Crisis communication: messages to the public (budskap) per channel, their approval and publishing,
and VMA requests.

A message is `draft` -> `approved` -> `published`. Who approves is the kommun's
choice (CRISIS_MESSAGE_APPROVER_ROLES, leaders and admins by default); the
author may not approve their own message unless CRISIS_MESSAGE_SELF_APPROVAL
is on. An approved message never changes: a newer version is a new message
that `supersedes` it (approving the new one marks the old "ersatt av"). A
translation links to the original with `translation_of`. Publishing is per
channel (when, where, by whom) and only after approval. CAP 1.2 is derived
from every approved message (crisis/messages/capfeed.py).

A VMA (viktigt meddelande till allmänheten) is never sent by the kommun: it is
*requested* from räddningsledaren, Polisen or Länsstyrelsen, and what became
of the request (sent by the authority / declined) is recorded by hand.

Every write is one transaction with a plain Swedish system entry in the log
and a `message.updated` event (data: the message or the VMA request as the
API returns it, with `object` "message" or "vma").
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from crisis import timefmt
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.errors import Conflict, Forbidden, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.incidents.service import existing as _incident
from crisis.log import service as log
from crisis.messages import capfeed
from crisis.messages.models import Message, VmaRequest
from crisis.parsing import aware_time, text_value
from crisis.points.models import ServicePoint
from crisis.search import service as search

# The channels of a message, with their plain Swedish names (log and events).
CHANNELS: dict[str, str] = {
    "web": "webb",
    "social_media": "sociala medier",
    "sms": "SMS till adresser",
    "113_13": "113 13 (via SOS Alarm)",
    "krisinformation": "krisinformation.se",
    "radio": "lokalradio (P4 Sjuhärad)",
    "service_points": "trygghetspunkter",
    "faq": "telefonupplysningens frågor och svar",
}
LANGUAGES: dict[str, str] = {"sv": "svenska", "en": "engelska", "sv-lattlast": "lättläst svenska"}
KINDS: dict[str, str] = {
    "alert": "budskap",
    "update": "uppdatering",
    "cancel": "återkallelse",
    "all_clear": "faran över",
}
STATUSES: dict[str, str] = {"draft": "utkast", "approved": "godkänt", "published": "publicerat"}
AUTHORITIES: dict[str, str] = {
    "raddningsledare": "räddningsledaren",
    "polisen": "Polisen",
    "lansstyrelsen": "Länsstyrelsen",
}
VMA_STATUSES: dict[str, str] = {
    "requested": "begärt",
    "sent": "sänt av myndigheten",
    "declined": "avslaget",
}

MAX_HEADLINE = 200
MAX_BODY = 5000
MAX_INSTRUCTION = 2000
MAX_WEB = 500
MAX_CONTACT = 300
MAX_AREA = 300
MAX_WHERE = 300
MAX_NOTE = 2000
MAX_POINTS = 20
PAGE_MAX = 200
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}$")
EDITABLE = frozenset(
    {
        "channels",
        "language",
        "headline",
        "body",
        "instruction",
        "web",
        "contact",
        "area_desc",
        "expires_at",
        "point_ids",
    }
)


# --- configuration ---------------------------------------------------------------


def approver_roles() -> frozenset[str]:
    """The roles that may approve a message (CRISIS_MESSAGE_APPROVER_ROLES)."""
    roles: Any = current_app.config.get("CRISIS_MESSAGE_APPROVER_ROLES") or ("leader", "admin")
    return frozenset(str(r) for r in roles)


def self_approval() -> bool:
    return bool(current_app.config.get("CRISIS_MESSAGE_SELF_APPROVAL", False))


def may_approve(actor: User, message: Message | None = None) -> bool:
    if not has_perm(actor, Perm.READ) or actor.role.value not in approver_roles():
        return False
    return message is None or self_approval() or message.author != actor.username


# --- serialising -----------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def label(m: Message) -> str:
    return f"M-{m.number}"


def _points(ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = {p.id: p for p in db.session.scalars(sa.select(ServicePoint).where(ServicePoint.id.in_(ids)))}
    out = []
    for i in ids:
        p = rows.get(i)
        if p is not None:
            out.append({"id": p.id, "name": p.name, "kind": p.kind, "status": p.status})
    return out


def _label_of(message_id: int | None) -> str | None:
    if message_id is None:
        return None
    number = db.session.scalar(sa.select(Message.number).where(Message.id == message_id))
    return f"M-{number}" if number is not None else None


def to_dict(m: Message) -> dict[str, Any]:
    """The message as the API and the `message.updated` event carry it."""
    return {
        "object": "message",
        "id": m.id,
        "incident": m.incident_id,
        "number": m.number,
        "label": label(m),
        "kind": m.kind,
        "status": m.status,
        "channels": list(m.channels or []),
        "language": m.language,
        "headline": m.headline,
        "body": m.body,
        "instruction": m.instruction,
        "web": m.web,
        "contact": m.contact,
        "area_desc": m.area_desc,
        "expires_at": _iso(m.expires_at),
        "points": _points(list(m.point_ids or [])),
        "supersedes": m.supersedes_id,
        "supersedes_label": _label_of(m.supersedes_id),
        "superseded_by": m.superseded_by_id,
        "superseded_by_label": _label_of(m.superseded_by_id),
        "translation_of": m.translation_of_id,
        "publications": [dict(p) for p in (m.publications or [])],
        "author": m.author,
        "created_at": m.created_at.isoformat(),
        "approved_by": m.approved_by,
        "approved_at": _iso(m.approved_at),
        "published_at": _iso(m.published_at),
        "updated_at": m.updated_at.isoformat(),
        "updated_by": m.updated_by,
        "version": m.version,
    }


def vma_to_dict(v: VmaRequest) -> dict[str, Any]:
    return {
        "object": "vma",
        "id": v.id,
        "incident": v.incident_id,
        "number": v.number,
        "authority": v.authority,
        "text": v.text,
        "area_desc": v.area_desc,
        "status": v.status,
        "note": v.note,
        "requested_by": v.requested_by,
        "requested_at": v.requested_at.isoformat(),
        "resolved_by": v.resolved_by,
        "resolved_at": _iso(v.resolved_at),
        "version": v.version,
    }


# --- validation ------------------------------------------------------------------


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str | None:
    """Checked text, None when empty."""
    return text_value(value, field, limit, required=required) or None


def _channels(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationError(_l("Välj minst en kanal."), code="missing_channel")
    out: list[str] = []
    for c in value:
        if not isinstance(c, str) or c not in CHANNELS:
            raise ValidationError(
                _l(
                    'Okänd kanal "%(value)s"; välj bland: %(allowed)s.',
                    value=str(c)[:40],
                    allowed=", ".join(CHANNELS),
                ),
                code="unknown_channel",
            )
        if c not in out:
            out.append(c)
    return out


def _language(value: Any) -> str:
    if value is None or value == "":
        return "sv"
    if not isinstance(value, str) or not _LANG.match(value.strip().lower()):
        raise ValidationError(
            _l('Språkkoden "%(value)s" kan inte läsas; ange t.ex. sv, en eller sv-lattlast.', value=str(value)[:20]),
            code="bad_language",
        )
    return value.strip().lower()


def _web(value: Any) -> str | None:
    text = _text(value, "web", MAX_WEB)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", text):
        raise ValidationError(_l("Webbadressen måste börja med https:// eller http://."), code="bad_url")
    return text


def _point_ids(value: Any, incident_id: int) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_POINTS:
        raise ValidationError(_l("Platserna anges som en lista (högst %(n)s).", n=MAX_POINTS))
    out: list[int] = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValidationError(_l("En plats anges med sitt id."))
        p = db.session.get(ServicePoint, v)
        if p is None or p.incident_id != incident_id:
            raise ValidationError(_l("Händelsen har ingen plats med id %(id)s.", id=v), code="unknown_point")
        if v not in out:
            out.append(v)
    return out


def _incident_message(incident_id: int, message_id: Any, field: str) -> Message:
    if isinstance(message_id, bool) or not isinstance(message_id, int):
        raise ValidationError(_l("%(field)s ska vara id för ett budskap.", field=field))
    m = db.session.get(Message, message_id, populate_existing=True)
    if m is None or m.incident_id != incident_id:
        raise ValidationError(_l("Händelsen har inget budskap med id %(id)s.", id=message_id), code="unknown_message")
    return m


def _fields(values: dict[str, Any], incident_id: int) -> dict[str, Any]:
    """Validate the editable fields present in `values`; returns the cleaned ones."""
    out: dict[str, Any] = {}
    if "channels" in values:
        out["channels"] = _channels(values["channels"])
    if "language" in values:
        out["language"] = _language(values["language"])
    if "headline" in values:
        out["headline"] = _text(values["headline"], "headline", MAX_HEADLINE, required=True)
    if "body" in values:
        out["body"] = _text(values["body"], "body", MAX_BODY, required=True)
    if "instruction" in values:
        out["instruction"] = _text(values["instruction"], "instruction", MAX_INSTRUCTION)
    if "web" in values:
        out["web"] = _web(values["web"])
    if "contact" in values:
        out["contact"] = _text(values["contact"], "contact", MAX_CONTACT)
    if "area_desc" in values:
        out["area_desc"] = _text(values["area_desc"], "area_desc", MAX_AREA)
    if "expires_at" in values:
        expires = aware_time(values["expires_at"], "expires_at")
        if expires is not None and expires <= utcnow():
            raise ValidationError(_l("Giltig till måste ligga i framtiden."), code="bad_time")
        out["expires_at"] = expires
    if "point_ids" in values:
        out["point_ids"] = _point_ids(values["point_ids"], incident_id)
    return out


# --- reading ---------------------------------------------------------------------


def _message(message_id: int, *, fresh: bool = False) -> Message:
    m = db.session.get(Message, message_id, populate_existing=fresh)
    if m is None:
        raise NotFound(_l("Budskap %(id)s finns inte.", id=message_id), code="not_found")
    return m


def get(*, viewer: User, message_id: int) -> Message:
    check(viewer, Perm.READ)
    return _message(message_id)


def list_messages(
    *, viewer: User, incident_id: int, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[Message]:
    """The messages of an incident, newest number first (paginated)."""
    check(viewer, Perm.READ)
    _incident(incident_id)
    stmt = sa.select(Message).where(Message.incident_id == incident_id)
    if status:
        if status not in STATUSES:
            raise ValidationError(_l("Okänd status."), code="bad_status")
        stmt = stmt.where(Message.status == status)
    limit = max(1, min(int(limit), PAGE_MAX))
    return list(db.session.scalars(stmt.order_by(Message.number.desc()).limit(limit).offset(max(0, int(offset)))))


def latest_per_channel(*, incident_id: int) -> list[dict[str, Any]]:
    """For the wall and the workspace: per channel, the latest published message still current
    (not superseded), in channel order."""
    rows = db.session.scalars(
        sa.select(Message)
        .where(
            Message.incident_id == incident_id,
            Message.status == "published",
            Message.superseded_by_id.is_(None),
        )
        .order_by(Message.published_at.desc(), Message.id.desc())
        .limit(200)
    )
    best: dict[str, tuple[datetime, Message]] = {}
    for m in rows:
        for p in m.publications or []:
            at = datetime.fromisoformat(p["at"])
            ch = p["channel"]
            if ch not in best or at > best[ch][0]:
                best[ch] = (at, m)
    out = []
    for ch in CHANNELS:
        if ch in best:
            at, m = best[ch]
            out.append({"channel": ch, "at": at.isoformat(), "message": to_dict(m)})
    return out


# --- writing ---------------------------------------------------------------------


def _announce(incident: Incident, actor: User | None, data: dict[str, Any]) -> None:
    db.session.flush()
    events.append_event(incident=incident, type="message.updated", actor=actor.username if actor else None, data=data)


def _touch(m: Message, actor: User) -> None:
    m.updated_at = utcnow()
    m.updated_by = actor.username
    m.version += 1


def _channel_names(channels: list[str]) -> str:
    return ", ".join(CHANNELS[c] for c in channels)


def _quote(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def create(*, actor: User, incident_id: int, **values: Any) -> Message:
    """Draft a message (or a new version of one: `supersedes`; a translation: `translation_of`)."""
    check(actor, Perm.WRITE_LOG)
    kind = values.pop("kind", None) or "alert"
    supersedes = values.pop("supersedes", None)
    translation_of = values.pop("translation_of", None)
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(sorted(unknown))))
    if kind not in ("alert", "cancel", "all_clear"):
        raise ValidationError(_l("Okänd typ av budskap."), code="bad_kind")
    values.setdefault("channels", None)
    values.setdefault("headline", None)
    values.setdefault("body", None)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        fields = _fields(values, incident.id)
        old = None
        if supersedes is not None:
            old = _incident_message(incident.id, supersedes, "supersedes")
            if old.status == "draft":
                raise Conflict(
                    _l("%(label)s är ett utkast; ändra det i stället för att ersätta det.", label=label(old)),
                    code="not_approved",
                )
            if old.superseded_by_id is not None:
                raise Conflict(
                    _l("%(label)s är redan ersatt av %(new)s.", label=label(old), new=_label_of(old.superseded_by_id)),
                    code="already_superseded",
                )
            if kind == "alert":
                kind = "update"
        elif kind == "cancel":
            raise ValidationError(_l("En återkallelse måste ange vilket budskap den återkallar."), code="missing_ref")
        original = None
        if translation_of is not None:
            original = _incident_message(incident.id, translation_of, "translation_of")
        number = (
            db.session.scalar(sa.select(sa.func.max(Message.number)).where(Message.incident_id == incident.id)) or 0
        ) + 1
        now = utcnow()
        m = Message(
            incident_id=incident.id,
            number=number,
            kind=kind,
            status="draft",
            channels=fields["channels"],
            language=fields.get("language", "sv"),
            headline=fields["headline"],
            body=fields["body"],
            instruction=fields.get("instruction"),
            web=fields.get("web"),
            contact=fields.get("contact"),
            area_desc=fields.get("area_desc"),
            expires_at=fields.get("expires_at"),
            point_ids=fields.get("point_ids", []),
            supersedes_id=old.id if old else None,
            translation_of_id=original.id if original else None,
            publications=[],
            author=actor.username,
            created_at=now,
            updated_at=now,
            updated_by=actor.username,
            version=1,
        )
        db.session.add(m)
        db.session.flush()
        text = f"Budskap {label(m)} ({KINDS[kind]}) skrivet som utkast för {_channel_names(m.channels)}: «{_quote(m.headline)}»."
        if old is not None:
            text += f" Ska ersätta {label(old)}."
        if original is not None:
            text += f" Översättning ({LANGUAGES.get(m.language, m.language)}) av {label(original)}."
        log.system_entry(incident=incident, actor=actor, text=text)
        _index(incident, m, new=True)
        _announce(incident, actor, to_dict(m))
    return m


def _index(incident: Incident, m: Message, *, new: bool = False) -> None:
    """Keep the message findable in search (crisis.search), in the write's transaction."""
    search.index_locked(
        kind="message",
        incident=incident,
        ref_id=m.id,
        number=m.number,
        title=m.headline,
        text="\n".join(t for t in (m.body, m.instruction or "") if t),
        extra=" ".join([m.author, m.area_desc or "", _channel_names(m.channels)]),
        occurred_at=m.created_at,
        new=new,
    )


def _locked(message_id: int) -> tuple[Incident, Message]:
    probe = db.session.scalar(sa.select(Message.incident_id).where(Message.id == message_id))
    if probe is None:
        raise NotFound(_l("Budskap %(id)s finns inte.", id=message_id), code="not_found")
    incident = events.lock_incident(incident_id=probe)
    return incident, _message(message_id, fresh=True)


def _check_version(m: Message, expected: Any) -> None:
    if expected is not None and expected != m.version:
        raise Conflict(
            _l(
                "Budskapet har ändrats av %(name)s sedan du öppnade det; ladda om och försök igen.",
                name=m.updated_by or "–",
            ),
            code="stale_version",
        )


def update(*, actor: User, message_id: int, expected_version: Any = None, **changes: Any) -> Message:
    """Edit a draft. An approved or published message never changes (write a new version)."""
    check(actor, Perm.WRITE_LOG)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(sorted(unknown))))
    with write_transaction(db.session):
        incident, m = _locked(message_id)
        _check_version(m, expected_version)
        if m.status != "draft":
            raise Conflict(
                _l(
                    "%(label)s är %(status)s och kan inte ändras; skriv en ny version som ersätter det.",
                    label=label(m),
                    status=STATUSES[m.status],
                ),
                code="not_draft",
            )
        fields = _fields(changes, incident.id)
        for k, v in fields.items():
            setattr(m, k, v)
        _touch(m, actor)
        log.system_entry(incident=incident, actor=actor, text=f"Utkastet till budskap {label(m)} ändrat.")
        _index(incident, m)
        _announce(incident, actor, to_dict(m))
    return m


def approve(*, actor: User, message_id: int, expected_version: Any = None) -> Message:
    """Approve a draft: its text is then fixed, its CAP can be made, and a superseded message shows "ersatt av"."""
    check(actor, Perm.READ)
    with write_transaction(db.session):
        incident, m = _locked(message_id)
        if actor.role.value not in approver_roles():
            raise Forbidden(
                _l("Budskap godkänns av: %(roles)s.", roles=", ".join(sorted(approver_roles()))),
                code="not_approver",
            )
        if not self_approval() and m.author == actor.username:
            raise Forbidden(_l("Den som skrivit ett budskap får inte själv godkänna det."), code="own_message")
        _check_version(m, expected_version)
        if m.status != "draft":
            raise Conflict(_l("%(label)s är redan %(status)s.", label=label(m), status=STATUSES[m.status]))
        old = None
        if m.supersedes_id is not None:
            old = _message(m.supersedes_id, fresh=True)
            if old.superseded_by_id is not None:
                raise Conflict(
                    _l("%(label)s är redan ersatt av %(new)s.", label=label(old), new=_label_of(old.superseded_by_id)),
                    code="already_superseded",
                )
        now = utcnow()
        if m.expires_at is not None and m.expires_at <= now:
            raise Conflict(
                _l("%(label)s har redan gått ut (giltig till); ändra tiden först.", label=label(m)), code="expired"
            )
        m.status = "approved"
        m.approved_by = actor.username
        m.approved_at = now
        _touch(m, actor)
        problems = capfeed.cap_problems(m, incident)
        if problems:
            # Approval is where the CAP is made: refuse rather than approve a message that can never have one.
            raise Conflict(
                _l("%(label)s kan inte bli CAP: %(reason)s.", label=label(m), reason="; ".join(problems)),
                code="cap_invalid",
            )
        text = f"Budskap {label(m)} godkänt av {actor.username}: «{_quote(m.headline)}»."
        if old is not None:
            old.superseded_by_id = m.id
            _touch(old, actor)
            text += f" {label(old)} är ersatt av {label(m)}."
        log.system_entry(incident=incident, actor=actor, text=text)
        if old is not None:
            _announce(incident, actor, to_dict(old))
        _announce(incident, actor, to_dict(m))
    return m


def publish(*, actor: User, message_id: int, channels: Any, where: Any = None) -> Message:
    """Record that an approved message was published on one or more of its channels (now)."""
    check(actor, Perm.WRITE_LOG)
    chans = _channels(channels)
    where_v = _text(where, "where", MAX_WHERE)
    with write_transaction(db.session):
        incident, m = _locked(message_id)
        if m.status == "draft":
            raise Conflict(
                _l("%(label)s är inte godkänt; ett budskap publiceras först när det är godkänt.", label=label(m)),
                code="not_approved",
            )
        if m.superseded_by_id is not None:
            raise Conflict(
                _l(
                    "%(label)s är ersatt av %(new)s; publicera det nya.",
                    label=label(m),
                    new=_label_of(m.superseded_by_id),
                ),
                code="superseded",
            )
        if m.expires_at is not None and m.expires_at <= utcnow():
            raise Conflict(_l("%(label)s gäller inte längre.", label=label(m)), code="expired")
        now = utcnow()
        pubs = list(m.publications or [])
        for c in chans:
            pubs.append({"channel": c, "at": now.isoformat(), "by": actor.username, "where": where_v})
        m.publications = pubs
        m.status = "published"
        if m.published_at is None:
            m.published_at = now
        _touch(m, actor)
        text = f"Budskap {label(m)} publicerat {timefmt.date_hhmm(now)} i {_channel_names(chans)}"
        text += f" ({where_v})." if where_v else "."
        log.system_entry(incident=incident, actor=actor, text=text)
        _announce(incident, actor, to_dict(m))
    return m


# --- VMA requests ----------------------------------------------------------------


def list_vma(*, viewer: User, incident_id: int, limit: int = 100, offset: int = 0) -> list[VmaRequest]:
    check(viewer, Perm.READ)
    _incident(incident_id)
    limit = max(1, min(int(limit), PAGE_MAX))
    return list(
        db.session.scalars(
            sa.select(VmaRequest)
            .where(VmaRequest.incident_id == incident_id)
            .order_by(VmaRequest.number.desc())
            .limit(limit)
            .offset(max(0, int(offset)))
        )
    )


def request_vma(*, actor: User, incident_id: int, authority: Any, text: Any, area_desc: Any = None) -> VmaRequest:
    """Record that the kommun asks an authority to send a VMA with the proposed text."""
    check(actor, Perm.WRITE_LOG)
    if not isinstance(authority, str) or authority not in AUTHORITIES:
        raise ValidationError(
            _l("VMA begärs hos: %(allowed)s.", allowed=", ".join(AUTHORITIES)), code="unknown_authority"
        )
    text_v = _text(text, "text", MAX_BODY, required=True)
    area_v = _text(area_desc, "area_desc", MAX_AREA)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        number = (
            db.session.scalar(sa.select(sa.func.max(VmaRequest.number)).where(VmaRequest.incident_id == incident.id))
            or 0
        ) + 1
        v = VmaRequest(
            incident_id=incident.id,
            number=number,
            authority=authority,
            text=text_v or "",
            area_desc=area_v,
            status="requested",
            requested_by=actor.username,
            requested_at=utcnow(),
            version=1,
        )
        db.session.add(v)
        db.session.flush()
        line = f"VMA begärt hos {AUTHORITIES[authority]} (begäran {number})"
        line += f" för {area_v}" if area_v else ""
        line += f". Föreslagen text: «{_quote(v.text, 300)}»"
        log.system_entry(incident=incident, actor=actor, text=line)
        _announce(incident, actor, vma_to_dict(v))
    return v


def update_vma(*, actor: User, vma_id: int, status: Any, note: Any = None, expected_version: Any = None) -> VmaRequest:
    """Record by hand what became of a VMA request: sent by the authority, or declined."""
    check(actor, Perm.WRITE_LOG)
    if status not in ("sent", "declined"):
        raise ValidationError(_l("Ange om VMA:t sänts av myndigheten eller avslagits."), code="bad_status")
    note_v = _text(note, "note", MAX_NOTE)
    with write_transaction(db.session):
        probe = db.session.scalar(sa.select(VmaRequest.incident_id).where(VmaRequest.id == vma_id))
        if probe is None:
            raise NotFound(_l("VMA-begäran %(id)s finns inte.", id=vma_id), code="not_found")
        incident = events.lock_incident(incident_id=probe)
        v = db.session.get(VmaRequest, vma_id, populate_existing=True)
        assert v is not None
        if expected_version is not None and expected_version != v.version:
            raise Conflict(_l("VMA-begäran har ändrats; ladda om och försök igen."), code="stale_version")
        if v.status != "requested":
            raise Conflict(
                _l("VMA-begäran %(n)s är redan %(status)s.", n=v.number, status=VMA_STATUSES[v.status]),
                code="already_resolved",
            )
        v.status = status
        v.note = note_v
        v.resolved_by = actor.username
        v.resolved_at = utcnow()
        v.version += 1
        line = f"VMA-begäran {v.number} hos {AUTHORITIES[v.authority]}: {VMA_STATUSES[status]}"
        line += f" ({note_v})." if note_v else "."
        log.system_entry(incident=incident, actor=actor, text=line)
        _announce(incident, actor, vma_to_dict(v))
    return v


def vma_status_text(incident_id: int) -> str:
    """For the lägesrapport: whether VMA has been requested and what became of it (plain Swedish)."""
    rows = list(
        db.session.scalars(
            sa.select(VmaRequest).where(VmaRequest.incident_id == incident_id).order_by(VmaRequest.number)
        )
    )
    if not rows:
        return "VMA har inte begärts."
    parts = []
    for v in rows:
        part = (
            f"VMA begärt hos {AUTHORITIES[v.authority]} {timefmt.date_hhmm(v.requested_at)}: {VMA_STATUSES[v.status]}"
        )
        if v.resolved_at is not None:
            part += f" {timefmt.date_hhmm(v.resolved_at)}"
        parts.append(part + ".")
    return " ".join(parts)


def report_prefill(*, incident: Incident, since: datetime | None) -> dict[str, Any]:
    """The lägesrapport's "VMA begärt": yes, with the time of the first request, once one was made."""
    first = db.session.scalars(
        sa.select(VmaRequest).where(VmaRequest.incident_id == incident.id).order_by(VmaRequest.number).limit(1)
    ).first()
    if first is None:
        return {}
    return {"vma_begard": True, "vma_begard_at": first.requested_at}
