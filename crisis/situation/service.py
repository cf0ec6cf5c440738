"""The lägesbild: the staff's internal, versioned picture of an incident.

Each save is a new version (number, author, time), written with a system
log entry "Lägesbilden uppdaterad (version N)." and a `situation.updated`
event. A save names the version it was based on: a stale one is a 409 that
says who saved in between (nothing is written; the page keeps the text).

Who sees it: the lägesbild is an internal working document of the staff,
with assessments that are not part of the public record; observers
(liaisons) read only what the log shows them and do not see it. Reading
takes Perm.READ_CONFIDENTIAL (every staff role, not observers), writing
Perm.WRITE_LOG; the event is sent as confidential, so observers' screens
get a skip.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.situation import sections as sec
from crisis.situation.models import SituationVersion

MAX_PAGE = 100


def to_dict(row: SituationVersion | None, incident_id: int) -> dict[str, Any]:
    if row is None:
        return {
            "incident": incident_id,
            "version": 0,
            "sections": sec.empty(),
            "author": None,
            "created_at": None,
        }
    sections = sec.empty()
    sections.update(row.sections or {})
    return {
        "incident": row.incident_id,
        "version": row.version,
        "sections": sections,
        "author": row.author,
        "created_at": row.created_at.isoformat(),
    }


def _incident(incident_id: int) -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    return incident


def latest(incident_id: int) -> SituationVersion | None:
    """The current version, or None before the first save. No permission check: for other services."""
    return db.session.scalar(
        sa.select(SituationVersion)
        .where(SituationVersion.incident_id == incident_id)
        .order_by(SituationVersion.version.desc())
        .limit(1)
    )


def current_sections(*, incident_id: int) -> dict[str, Any] | None:
    """The current sections (all keys present), or None before the first save (reports' prefill)."""
    row = latest(incident_id)
    return to_dict(row, incident_id)["sections"] if row is not None else None


def current(*, viewer: User, incident_id: int) -> dict[str, Any]:
    check(viewer, Perm.READ_CONFIDENTIAL)
    _incident(incident_id)
    return to_dict(latest(incident_id), incident_id)


def versions(*, viewer: User, incident_id: int, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The versions, newest first (paginated)."""
    check(viewer, Perm.READ_CONFIDENTIAL)
    _incident(incident_id)
    limit = max(1, min(int(limit), MAX_PAGE))
    rows = db.session.scalars(
        sa.select(SituationVersion)
        .where(SituationVersion.incident_id == incident_id)
        .order_by(SituationVersion.version.desc())
        .limit(limit)
        .offset(max(0, int(offset)))
    )
    return [to_dict(r, incident_id) for r in rows]


def get_version(*, viewer: User, incident_id: int, version: int) -> dict[str, Any]:
    check(viewer, Perm.READ_CONFIDENTIAL)
    _incident(incident_id)
    row = db.session.scalar(
        sa.select(SituationVersion).where(
            SituationVersion.incident_id == incident_id, SituationVersion.version == version
        )
    )
    if row is None:
        raise NotFound(_l("Lägesbilden har ingen version %(version)s.", version=version))
    return to_dict(row, incident_id)


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_l("%(field)s måste vara text.", field=name))
    text: str = value.strip()
    if len(text) > sec.MAX_TEXT:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=name, limit=sec.MAX_TEXT))
    return text


def clean_sections(raw: Any) -> dict[str, Any]:
    """Validate the sections of a save; unknown sections or sectors are errors."""
    if not isinstance(raw, dict):
        raise ValidationError(_l("Lägesbildens avsnitt saknas."))
    unknown = set(raw) - set(sec.SECTIONS)
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(sorted(unknown))))
    out = sec.empty()
    for key in sec.SECTIONS:
        if key == "konsekvenser":
            cons = raw.get(key) or {}
            if not isinstance(cons, dict):
                raise ValidationError(_l("Konsekvenser anges per sektor."))
            bad = set(cons) - set(sec.SECTORS)
            if bad:
                raise ValidationError(_l("Okända sektorer: %(fields)s.", fields=", ".join(sorted(bad))))
            out[key] = {k: t for k in sec.SECTORS if (t := _text(cons.get(k), k))}
        else:
            out[key] = _text(raw.get(key), key)
    return out


def save(*, actor: User, incident_id: int, expected_version: Any, sections: Any) -> dict[str, Any]:
    """Save a new version based on `expected_version` (0 before the first); stale -> 409."""
    check(actor, Perm.WRITE_LOG)
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 0:
        raise ValidationError(_l("Skicka med versionen av lägesbilden som du utgick från (version)."))
    cleaned = clean_sections(sections)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        head = latest(incident_id)
        head_version = head.version if head is not None else 0
        if expected_version != head_version:
            who = head.author if head is not None else "–"
            raise Conflict(
                _l(
                    "Lägesbilden har ändrats av %(name)s (version %(version)s) sedan du öppnade den. "
                    "Din text finns kvar: jämför och spara igen.",
                    name=who,
                    version=head_version,
                ),
                code="stale_version",
                details={"version": head_version, "author": head.author if head is not None else None},
            )
        if head is not None and to_dict(head, incident_id)["sections"] == cleaned:
            return to_dict(head, incident_id)  # nothing changed: no new version, nothing in the log
        row = SituationVersion(
            incident_id=incident_id,
            version=head_version + 1,
            sections=cleaned,
            author_id=actor.id,
            author=actor.display_name,
            created_at=utcnow(),
        )
        db.session.add(row)
        db.session.flush()
        log.system_entry(incident=incident, actor=actor, text=f"Lägesbilden uppdaterad (version {row.version}).")
        data = to_dict(row, incident_id)
        events.append_event(
            incident=incident, type="situation.updated", actor=actor.username, data=data, confidential=True
        )
    return data
