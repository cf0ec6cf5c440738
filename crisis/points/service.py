"""Service points of an incident: trygghetspunkter, nödvattenplatser, krisstöd (POSOM) and evakueringslokaler.

A point is `planned` -> `open` -> `closed` (and may open again), optionally by
a decision (B-n of the incident's register). For nödvatten the delivered volume
is added over time (`add_litres`). Priority customers (e.g. dialysis at home)
are confidential: only users who may read confidential information see them,
and the `point.updated` event never carries them. Every write is one
transaction with a plain Swedish system entry in the log and a `point.updated`
event; a stale `version` is a 409.
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.decisions.models import Decision
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.incidents.service import existing as _incident
from crisis.log import service as log
from crisis.parsing import text_value
from crisis.points.models import ServicePoint

KINDS: dict[str, str] = {
    "trygghetspunkt": "trygghetspunkt",
    "nodvatten": "nödvattenplats",
    "krisstod": "krisstöd (POSOM)",
    "evakuering": "evakueringslokal",
}
STATUSES: dict[str, str] = {"planned": "planerad", "open": "öppen", "closed": "stängd"}

MAX_NAME = 200
MAX_ADDRESS = 300
MAX_HOURS = 200
MAX_STAFFING = 500
MAX_NOTE = 2000
MAX_CAPACITY = 1_000_000
MAX_LITRES = 100_000_000
PAGE_MAX = 200
FIELDS = frozenset(
    {
        "kind",
        "name",
        "address",
        "lat",
        "lon",
        "site_key",
        "hours",
        "staffing",
        "capacity",
        "backup_power",
        "rakel",
        "priority_count",
        "priority_note",
        "note",
    }
)


# --- serialising -----------------------------------------------------------------


def to_dict(p: ServicePoint, *, confidential: bool = False) -> dict[str, Any]:
    """The point as the API returns it; the priority customers only with `confidential`."""
    decision = db.session.get(Decision, p.decision_id) if p.decision_id else None
    return {
        "id": p.id,
        "incident": p.incident_id,
        "kind": p.kind,
        "name": p.name,
        "address": p.address,
        "lat": p.lat,
        "lon": p.lon,
        "site_key": p.site_key,
        "status": p.status,
        "opened_at": p.opened_at.isoformat() if p.opened_at else None,
        "closed_at": p.closed_at.isoformat() if p.closed_at else None,
        "decision": p.decision_id,
        "decision_label": f"B-{decision.number}" if decision else None,
        "hours": p.hours,
        "staffing": p.staffing,
        "capacity": p.capacity,
        "backup_power": bool(p.backup_power),
        "rakel": bool(p.rakel),
        "water_litres": p.water_litres,
        "priority_count": p.priority_count if confidential else None,
        "priority_note": p.priority_note if confidential else None,
        "priority_hidden": not confidential and (p.priority_count is not None or bool(p.priority_note)),
        "note": p.note,
        "created_by": p.created_by,
        "created_at": p.created_at.isoformat(),
        "updated_by": p.updated_by,
        "updated_at": p.updated_at.isoformat(),
        "version": p.version,
    }


def view_dict(viewer: User, p: ServicePoint) -> dict[str, Any]:
    return to_dict(p, confidential=has_perm(viewer, Perm.READ_CONFIDENTIAL))


# --- validation ------------------------------------------------------------------


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str | None:
    """Checked text, None when empty."""
    return text_value(value, field, limit, required=required) or None


def _int(value: Any, field: str, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise ValidationError(_l("%(field)s ska vara ett heltal 0–%(high)s.", field=field, high=high))
    return int(value)


def _coord(value: Any, field: str, limit: float) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(_l("%(field)s ska vara ett tal.", field=field))
    v = float(value)
    if not math.isfinite(v) or not -limit <= v <= limit:
        raise ValidationError(_l("%(field)s ligger utanför tillåtet intervall.", field=field), code="bad_coordinate")
    return v


def _bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_l("%(field)s ska vara ja eller nej.", field=field))
    return value


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - FIELDS
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(sorted(unknown))))
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k == "kind":
            if v not in KINDS:
                raise ValidationError(
                    _l("Okänd typ av plats; välj bland: %(allowed)s.", allowed=", ".join(KINDS)), code="unknown_kind"
                )
            out[k] = v
        elif k == "name":
            out[k] = _text(v, "name", MAX_NAME, required=True)
        elif k in ("address", "site_key"):
            out[k] = _text(v, k, MAX_ADDRESS if k == "address" else 64)
        elif k == "hours":
            out[k] = _text(v, k, MAX_HOURS)
        elif k == "staffing":
            out[k] = _text(v, k, MAX_STAFFING)
        elif k in ("note", "priority_note"):
            out[k] = _text(v, k, MAX_NOTE)
        elif k == "lat":
            out[k] = _coord(v, k, 90)
        elif k == "lon":
            out[k] = _coord(v, k, 180)
        elif k in ("capacity", "priority_count"):
            out[k] = _int(v, k, MAX_CAPACITY)
        elif k in ("backup_power", "rakel"):
            out[k] = _bool(v, k)
    if ("lat" in out) != ("lon" in out) or (out.get("lat") is None) != (out.get("lon") is None):
        raise ValidationError(_l("Ange både latitud och longitud, eller ingen."), code="bad_coordinate")
    return out


def _decision(incident_id: int, value: Any) -> Decision | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_l("decision ska vara id för ett beslut."))
    d = db.session.get(Decision, value)
    if d is None or d.incident_id != incident_id:
        raise ValidationError(_l("Händelsen har inget beslut med id %(id)s.", id=value), code="unknown_decision")
    return d


# --- reading ---------------------------------------------------------------------


def get(*, viewer: User, point_id: int) -> ServicePoint:
    check(viewer, Perm.READ)
    p = db.session.get(ServicePoint, point_id)
    if p is None:
        raise NotFound(_l("Plats %(id)s finns inte.", id=point_id), code="not_found")
    return p


def list_points(
    *,
    viewer: User,
    incident_id: int,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ServicePoint]:
    check(viewer, Perm.READ)
    _incident(incident_id)
    stmt = sa.select(ServicePoint).where(ServicePoint.incident_id == incident_id)
    if status:
        stmt = stmt.where(ServicePoint.status == status)
    if kind:
        stmt = stmt.where(ServicePoint.kind == kind)
    limit = max(1, min(int(limit), PAGE_MAX))
    return list(
        db.session.scalars(
            stmt.order_by(ServicePoint.kind, ServicePoint.name, ServicePoint.id)
            .limit(limit)
            .offset(max(0, int(offset)))
        )
    )


def open_points(*, incident_id: int) -> list[ServicePoint]:
    """The open points of an incident (for the wall, the map and the lägesrapport)."""
    return list(
        db.session.scalars(
            sa.select(ServicePoint)
            .where(ServicePoint.incident_id == incident_id, ServicePoint.status == "open")
            .order_by(ServicePoint.kind, ServicePoint.name, ServicePoint.id)
            .limit(PAGE_MAX)
        )
    )


def open_points_text(incident_id: int) -> str:
    """For the lägesrapport: the open service points in plain Swedish (no confidential details)."""
    rows = open_points(incident_id=incident_id)
    if not rows:
        return "Inga trygghetspunkter eller andra platser är öppna."
    parts = []
    for p in rows:
        part = f"{KINDS[p.kind].capitalize()} {p.name}"
        extra = [x for x in (p.address, p.hours) if x]
        if p.kind == "nodvatten" and p.water_litres:
            extra.append(f"{p.water_litres} liter utlämnat")
        if extra:
            part += f" ({', '.join(extra)})"
        parts.append(part + ".")
    return " ".join(parts)


# --- writing ---------------------------------------------------------------------


def _announce(incident: Incident, actor: User, p: ServicePoint) -> None:
    db.session.flush()
    # The event never carries the priority customers: every screen of the incident receives it.
    events.append_event(incident=incident, type="point.updated", actor=actor.username, data=to_dict(p))


def create(
    *, actor: User, incident_id: int, status: Any = "planned", decision: Any = None, **values: Any
) -> ServicePoint:
    check(actor, Perm.WRITE_LOG)
    values.setdefault("kind", None)
    values.setdefault("name", None)
    fields = _clean(values)
    if status not in ("planned", "open"):
        raise ValidationError(_l("En ny plats är planerad eller öppen."), code="bad_status")
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        d = _decision(incident.id, decision)
        now = utcnow()
        p = ServicePoint(
            incident_id=incident.id,
            status=status,
            opened_at=now if status == "open" else None,
            decision_id=d.id if d else None,
            backup_power=False,
            rakel=False,
            water_litres=0,
            created_by=actor.username,
            created_at=now,
            updated_by=actor.username,
            updated_at=now,
            version=1,
        )
        for k, v in fields.items():
            setattr(p, k, v)
        db.session.add(p)
        db.session.flush()
        verb = "öppnad" if status == "open" else "planerad"
        text = f"{KINDS[p.kind].capitalize()} {p.name} {verb}"
        if d is not None:
            text += f" enligt beslut B-{d.number}"
        text += f" ({p.address})." if p.address else "."
        log.system_entry(incident=incident, actor=actor, text=text)
        _announce(incident, actor, p)
    return p


def update(
    *,
    actor: User,
    point_id: int,
    expected_version: Any,
    status: Any = None,
    decision: Any = None,
    add_litres: Any = None,
    **values: Any,
) -> ServicePoint:
    """Change a point: its details, open or close it (optionally by a decision), add delivered water."""
    check(actor, Perm.WRITE_LOG)
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationError(_l("version saknas."), code="missing_version")
    fields = _clean(values)
    if "priority_count" in fields or "priority_note" in fields:
        check(actor, Perm.READ_CONFIDENTIAL)
    if status is not None and status not in STATUSES:
        raise ValidationError(_l("Okänd status."), code="bad_status")
    litres = _int(add_litres, "add_litres", MAX_LITRES)
    with write_transaction(db.session):
        probe = db.session.scalar(sa.select(ServicePoint.incident_id).where(ServicePoint.id == point_id))
        if probe is None:
            raise NotFound(_l("Plats %(id)s finns inte.", id=point_id), code="not_found")
        incident = events.lock_incident(incident_id=probe)
        p = db.session.get(ServicePoint, point_id, populate_existing=True)
        assert p is not None
        if expected_version != p.version:
            raise Conflict(
                _l("Platsen har ändrats av %(name)s sedan du öppnade den; ladda om.", name=p.updated_by or "–"),
                code="stale_version",
            )
        d = _decision(incident.id, decision)
        lines: list[str] = []
        now = utcnow()
        name = p.name
        for k, v in fields.items():
            setattr(p, k, v)
        if fields:
            changed = [k for k in fields if k not in ("priority_count", "priority_note")]
            if changed:
                lines.append(f"{KINDS[p.kind].capitalize()} {name}: uppgifter ändrade.")
            if len(changed) < len(fields):
                lines.append(f"{KINDS[p.kind].capitalize()} {name}: prioriterade kunder uppdaterade (sekretess).")
        if status is not None and status != p.status:
            if status == "planned":
                raise Conflict(_l("En öppnad plats kan bara stängas eller öppnas igen."), code="bad_transition")
            p.status = status
            if status == "open":
                p.opened_at = now
                p.closed_at = None
            else:
                p.closed_at = now
            if d is not None:
                p.decision_id = d.id
            verb = "öppnad" if status == "open" else "stängd"
            line = f"{KINDS[p.kind].capitalize()} {p.name} {verb}"
            line += f" enligt beslut B-{d.number}." if d is not None else "."
            lines.append(line)
        elif d is not None:
            p.decision_id = d.id
            lines.append(f"{KINDS[p.kind].capitalize()} {p.name} kopplad till beslut B-{d.number}.")
        if litres:
            if p.kind != "nodvatten":
                raise ValidationError(_l("Utlämnad volym gäller bara nödvattenplatser."), code="not_water")
            if p.water_litres + litres > MAX_LITRES:
                raise ValidationError(_l("Volymen blir orimligt stor."), code="too_large")
            p.water_litres += litres
            lines.append(f"Nödvattenplats {p.name}: {litres} liter utlämnade, totalt {p.water_litres} liter.")
        if not lines:
            raise ValidationError(_l("Inget att ändra."), code="no_change")
        p.updated_by = actor.username
        p.updated_at = now
        p.version += 1
        log.system_entry(incident=incident, actor=actor, text=" ".join(lines))
        _announce(incident, actor, p)
    return p


def report_prefill(*, incident: Incident, since: Any) -> dict[str, Any]:
    """The lägesrapport's open trygghetspunkter and other service points (nothing while the incident has none)."""
    has_any = db.session.scalar(sa.select(ServicePoint.id).where(ServicePoint.incident_id == incident.id).limit(1))
    return {"trygghetspunkter": open_points_text(incident.id)} if has_any is not None else {}
