"""The sambandsplan of an incident: read it (the kommun's default until the first edit), change it."""

from __future__ import annotations

import copy
from typing import Any

import pydantic
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.errors import Conflict, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.log import service as log
from crisis.samband import plan as plans
from crisis.samband.models import IncidentSamband

# The Swedish names of the plan's sections, for the log text.
SECTION_NAMES = {
    "rakel": "Rakel-talgrupper",
    "phones": "telefonnummer",
    "satellite": "satellittelefoner",
    "runners": "ordonnanser",
    "meeting_points": "mötesplatser",
    "notes": "anteckningar",
}


def default_plan() -> dict[str, Any]:
    """The kommun's sambandsplan, loaded at startup (an empty plan if none is configured)."""
    loaded: dict[str, Any] | None = current_app.extensions.get("krisrum_sambandsplan")
    return copy.deepcopy(loaded) if loaded is not None else plans.empty()


def _row(incident_id: int) -> IncidentSamband | None:
    return db.session.scalar(sa.select(IncidentSamband).where(IncidentSamband.incident_id == incident_id))


def to_dict(incident_id: int, row: IncidentSamband | None) -> dict[str, Any]:
    if row is None:
        return {
            "incident": incident_id,
            "version": 0,
            "updated_at": None,
            "updated_by": None,
            "plan": default_plan(),
        }
    return {
        "incident": incident_id,
        "version": row.version,
        "updated_at": row.updated_at.isoformat(),
        "updated_by": row.updated_by,
        "plan": copy.deepcopy(row.plan),
    }


def get(*, viewer: User, incident_id: int) -> dict[str, Any]:
    """The incident's plan; version 0 while it is still the kommun's default (never edited)."""
    check(viewer, Perm.READ)
    incidents.existing(incident_id)
    return to_dict(incident_id, _row(incident_id))


def kommun_plan(*, viewer: User) -> dict[str, Any]:
    """The kommun's default plan (the normal-times reservpärm)."""
    check(viewer, Perm.READ)
    return default_plan()


def _validated(value: Any) -> dict[str, Any]:
    try:
        return plans.Plan.model_validate(value).model_dump()
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValidationError(
            _l("Sambandsplanen är felaktig (%(where)s): %(message)s", where=where or "plan", message=first["msg"]),
            code="bad_plan",
        ) from None


def update(*, actor: User, incident_id: int, expected_version: Any, plan: Any) -> dict[str, Any]:
    """Replace the incident's plan. `expected_version` is the version read (0 for the default); stale is a 409."""
    check(actor, Perm.WRITE_LOG)
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationError(_l("version saknas."), code="missing_version")
    new = _validated(plan)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        row = _row(incident_id)
        current = row.version if row is not None else 0
        if expected_version != current:
            raise Conflict(
                _l(
                    "Sambandsplanen har ändrats av %(name)s sedan du öppnade den; ladda om.",
                    name=(row.updated_by if row is not None else None) or "–",
                ),
                code="stale_version",
            )
        old = row.plan if row is not None else default_plan()
        changed = [SECTION_NAMES[k] for k in SECTION_NAMES if old.get(k) != new.get(k)]
        if row is None:
            row = IncidentSamband(incident_id=incident_id, plan=new, version=1, updated_by=actor.display_name)
            db.session.add(row)
        else:
            row.plan = new
            row.version += 1
            row.updated_by = actor.display_name
            row.updated_at = utcnow()
        db.session.flush()
        if changed:
            text = "Sambandsplanen ändrades: " + ", ".join(changed) + "."
        else:
            text = "Sambandsplanen sparades utan ändringar."
        # The log entry's event (log.appended) tells the other screens.
        log.system_entry(incident=incident, actor=actor, text=text)
        result = to_dict(incident_id, row)
    return result
