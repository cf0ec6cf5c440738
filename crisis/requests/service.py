"""Resource requests (resursförfrågningar): begäran om stöd and erbjudanden between the kommun and its actors.

A request names what, how much (quantity + unit), why, how urgent
(akut/hög/normal) and the two sides: `from_actor` and `to_actor`, exactly one
of which is an actor of the register; the other (None) is the kommun itself.
Its lifecycle is requested -> confirmed -> delivered -> returned, or declined
from requested or confirmed; no other move. Every change is a row in the
history (who, when, from, to, note), a `system` log entry in plain Swedish
and a `request.updated` event carrying the request as the API returns it.
Changes carry the version the client saw (optimistic locking, like tasks).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.actors import service as actors
from crisis.actors.kinds import SELF_LABEL_SV
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.incidents.service import existing as _incident
from crisis.log import service as log
from crisis.parsing import text_value
from crisis.requests.labels import KINDS, OPEN, PRIORITIES, PRIORITY_SV, STATUS_SV, STATUSES, TRANSITIONS
from crisis.requests.models import ResourceRequest, ResourceRequestChange

MAX_PAGE = 200
MAX_WHAT = 200
MAX_UNIT = 40
MAX_PURPOSE = 2000
MAX_NOTE = 500
MAX_QUANTITY = 1_000_000
MAX_QUANTITY_TEXT = "1 000 000"


# --- serialising -----------------------------------------------------------------


def _side(actor_id: int | None) -> dict[str, Any] | None:
    if actor_id is None:
        return None
    return {"id": actor_id, "name": actors.name_of(actor_id) or "–"}


def history(request_id: int) -> list[ResourceRequestChange]:
    return list(
        db.session.scalars(
            sa.select(ResourceRequestChange)
            .where(ResourceRequestChange.request_id == request_id)
            .order_by(ResourceRequestChange.id)
        )
    )


def to_dict(req: ResourceRequest) -> dict[str, Any]:
    """The request as the API and the `request.updated` event carry it (None as a side = the kommun)."""
    return {
        "id": req.id,
        "incident": req.incident_id,
        "number": req.number,
        "label": f"R-{req.number}",
        "kind": req.kind,
        "what": req.what,
        "quantity": req.quantity,
        "unit": req.unit,
        "purpose": req.purpose or "",
        "priority": req.priority,
        "from_actor": _side(req.from_actor_id),
        "to_actor": _side(req.to_actor_id),
        "status": req.status,
        "open": req.status in OPEN,
        "history": [
            {
                "at": c.at.isoformat(),
                "by": c.by,
                "from_status": c.from_status,
                "to_status": c.to_status,
                "note": c.note or "",
            }
            for c in history(req.id)
        ],
        "version": req.version,
        "created_by": req.created_by,
        "created_at": req.created_at.isoformat(),
        "updated_by": req.updated_by,
        "updated_at": req.updated_at.isoformat(),
    }


# --- validation -------------------------------------------------------------------


def _choice(value: Any, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise ValidationError(
            _l(
                'Okänt värde "%(value)s" för %(field)s; välj ett av: %(allowed)s.',
                value=value if value is not None else "",
                field=field,
                allowed=", ".join(allowed),
            )
        )
    return str(value)


def _quantity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise ValidationError(
            _l("Mängden är ett heltal från 1 till %(max)s.", max=MAX_QUANTITY_TEXT),
            code="bad_quantity",
        )
    return int(value)


def _sides(from_actor: Any, to_actor: Any) -> tuple[int | None, int | None]:
    if (from_actor is None) == (to_actor is None):
        raise ValidationError(
            _l("Ange en aktör, antingen från eller till: den andra parten är kommunen själv."), code="bad_sides"
        )
    if from_actor is not None:
        return actors.active_actor(from_actor, "from_actor").id, None
    return None, actors.active_actor(to_actor, "to_actor").id


def _who(actor_id: int | None) -> str:
    """The actor's name, or "kommunen" for the kommun's own side."""
    return actors.name_of(actor_id) or SELF_LABEL_SV


def _summary(req: ResourceRequest) -> str:
    amount = f"{req.quantity} {req.unit} {req.what}".strip()
    giver, taker = _who(req.from_actor_id), _who(req.to_actor_id)
    if req.kind == "offer":
        line = f"{giver.capitalize() if giver == SELF_LABEL_SV else giver} erbjuder {taker} {amount}"
    else:
        line = f"{giver.capitalize() if giver == SELF_LABEL_SV else giver} begär {amount} av {taker}"
    return f"{line} (prioritet {PRIORITY_SV[req.priority]})."


# --- reading ----------------------------------------------------------------------


def _request(request_id: int, *, fresh: bool = False) -> ResourceRequest:
    row = db.session.get(ResourceRequest, request_id, populate_existing=fresh)
    if row is None:
        raise NotFound(_l("Resursförfrågan %(id)s finns inte.", id=request_id))
    return row


def get(*, viewer: User, request_id: int) -> ResourceRequest:
    check(viewer, Perm.READ)
    return _request(request_id)


def _priority_order() -> Any:
    return sa.case({p: i for i, p in enumerate(PRIORITIES)}, value=ResourceRequest.priority, else_=len(PRIORITIES))


def list_requests(
    *, viewer: User, incident_id: int, open_only: bool = False, limit: int = MAX_PAGE, offset: int = 0
) -> list[ResourceRequest]:
    """An incident's requests: open ones first, most urgent first, then oldest first (paginated)."""
    check(viewer, Perm.READ)
    _incident(incident_id)
    stmt = sa.select(ResourceRequest).where(ResourceRequest.incident_id == incident_id)
    if open_only:
        stmt = stmt.where(ResourceRequest.status.in_(sorted(OPEN)))
    is_closed = sa.case((ResourceRequest.status.in_(sorted(OPEN)), 0), else_=1)
    stmt = stmt.order_by(is_closed, _priority_order(), ResourceRequest.number)
    return list(db.session.scalars(stmt.limit(max(1, min(int(limit), MAX_PAGE))).offset(max(0, int(offset)))))


def open_needs_text(incident_id: int) -> str:
    """The lägesrapport's needs section: the kommun's open requests for support, most urgent first.

    Plain Swedish, one line per request; empty when there is none. No role
    check: the caller (the report's prefill) has checked the reader.
    """
    rows = db.session.scalars(
        sa.select(ResourceRequest)
        .where(
            ResourceRequest.incident_id == incident_id,
            ResourceRequest.kind == "request",
            ResourceRequest.from_actor_id.is_(None),
            ResourceRequest.status.in_(sorted(OPEN)),
        )
        .order_by(_priority_order(), ResourceRequest.number)
    )
    lines = []
    for req in rows:
        line = f"R-{req.number} ({PRIORITY_SV[req.priority]}): {req.quantity} {req.unit} {req.what}"
        line += f" från {_who(req.to_actor_id)}, {STATUS_SV[req.status]}"
        if req.purpose:
            line += f". Syfte: {req.purpose}"
        lines.append(line.rstrip(".") + ".")
    return "\n".join(lines)


# --- writing ----------------------------------------------------------------------


def _announce(incident: Incident, actor: User, req: ResourceRequest) -> None:
    db.session.flush()
    events.append_event(incident=incident, type="request.updated", actor=actor.username, data=to_dict(req))


def create(
    *,
    actor: User,
    incident_id: int,
    kind: Any = "request",
    what: Any,
    quantity: Any,
    unit: Any = "st",
    purpose: Any = "",
    priority: Any = "normal",
    from_actor: Any = None,
    to_actor: Any = None,
) -> ResourceRequest:
    """Record a request (or offer) as `requested`: history row, log entry, event. Validates everything first."""
    check(actor, Perm.WRITE_LOG)
    kind_v = _choice(kind, KINDS, "kind")
    what_v = text_value(what, "what", MAX_WHAT, required=True)
    quantity_v = _quantity(quantity)
    unit_v = text_value(unit, "unit", MAX_UNIT, required=True)
    purpose_v = text_value(purpose, "purpose", MAX_PURPOSE, required=False)
    priority_v = _choice(priority, PRIORITIES, "priority")
    with write_transaction(db.session):
        from_id, to_id = _sides(from_actor, to_actor)
        incident = events.lock_incident(incident_id=incident_id)
        number = (
            db.session.scalar(
                sa.select(sa.func.max(ResourceRequest.number)).where(ResourceRequest.incident_id == incident.id)
            )
            or 0
        ) + 1
        now = utcnow()
        req = ResourceRequest(
            incident_id=incident.id,
            number=number,
            kind=kind_v,
            what=what_v,
            quantity=quantity_v,
            unit=unit_v,
            purpose=purpose_v,
            priority=priority_v,
            from_actor_id=from_id,
            to_actor_id=to_id,
            status="requested",
            created_by=actor.username,
            created_at=now,
            updated_by=actor.username,
            updated_at=now,
            version=1,
        )
        db.session.add(req)
        db.session.flush()
        db.session.add(ResourceRequestChange(request_id=req.id, at=now, by=actor.username, to_status="requested"))
        text = f"Resursförfrågan R-{number}: {_summary(req)}"
        if purpose_v:
            text += f" Syfte: {purpose_v}"
        log.system_entry(incident=incident, actor=actor, text=text)
        _announce(incident, actor, req)
    return req


def transition(*, actor: User, request_id: int, status: Any, expected_version: Any, note: Any = "") -> ResourceRequest:
    """Move a request along its lifecycle. A stale version, a backwards or unknown move: 4xx, nothing changed."""
    check(actor, Perm.WRITE_LOG)
    target = _choice(status, STATUSES, "status")
    note_v = text_value(note, "note", MAX_NOTE, required=False)
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationError(_l("Ange versionen du såg (version)."), code="missing_version")
    probe = db.session.scalar(sa.select(ResourceRequest.incident_id).where(ResourceRequest.id == request_id))
    if probe is None:
        raise NotFound(_l("Resursförfrågan %(id)s finns inte.", id=request_id))
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=probe)
        req = _request(request_id, fresh=True)
        if expected_version != req.version:
            raise Conflict(
                _l(
                    "Förfrågan har ändrats av %(name)s sedan du öppnade den; ladda om och försök igen.",
                    name=req.updated_by or "–",
                ),
                code="stale_version",
            )
        if target not in TRANSITIONS[req.status]:
            raise Conflict(
                _l(
                    "En förfrågan som är %(current)s kan inte bli %(target)s.",
                    current=STATUS_SV[req.status],
                    target=STATUS_SV[target],
                ),
                code="bad_transition",
            )
        now = utcnow()
        db.session.add(
            ResourceRequestChange(
                request_id=req.id, at=now, by=actor.username, from_status=req.status, to_status=target, note=note_v
            )
        )
        req.status = target
        req.version += 1
        req.updated_at = now
        req.updated_by = actor.username
        text = f"Resursförfrågan R-{req.number} ({req.quantity} {req.unit} {req.what}) {STATUS_SV[target]}."
        if note_v:
            text += f" {note_v}"
        log.system_entry(incident=incident, actor=actor, text=text)
        _announce(incident, actor, req)
    return req


def report_prefill(*, incident: Incident, since: Any) -> dict[str, Any]:
    """The lägesrapport's needs (behov): the kommun's open requests for support, most urgent first."""
    text = open_needs_text(incident.id)
    return {"behov": text} if text else {}
