"""What the reservpärm holds, gathered from the other domains for one reader.

Readers without access to confidential data (observers) get the structure
without personal phone numbers, the actor register or the sensitive site
fields (Styrel priority, fuel hours).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from crisis.actors import service as actors
from crisis.actors.models import Actor
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.playbooks import registry as playbooks
from crisis.playbooks.loader import Playbook
from crisis.playbooks.models import PlaybookActivation
from crisis.samband import service as samband
from crisis.sites import register as sites
from crisis.sites import sensitive
from crisis.sites.models import Site
from crisis.situation import service as situation

ROWS_PER_SHEET = 22
DEFAULT_SHEETS = 3
MAX_SHEETS = 20


@dataclass
class Binder:
    incident: Incident | None
    playbooks: list[Playbook]
    plan: dict[str, Any]
    actors: list[Actor] | None  # None: the reader may not see the register
    sites: list[Site]
    show_sensitive: bool  # Styrel priority and fuel hours
    show_phones: bool  # the call-out lists' phone numbers
    sheets: list[list[int]] = field(default_factory=list)  # the numbers of each blank log sheet's rows
    situation: dict[str, Any] | None = None


def sheet_count(raw: Any) -> int:
    """The number of blank log sheets asked for (?sheets=N), within 1..MAX_SHEETS."""
    try:
        n = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_SHEETS
    return max(1, min(MAX_SHEETS, n))


def _sheets(first: int, count: int) -> list[list[int]]:
    return [list(range(first + i * ROWS_PER_SHEET, first + (i + 1) * ROWS_PER_SHEET)) for i in range(count)]


def _common(viewer: User) -> dict[str, Any]:
    confidential = has_perm(viewer, Perm.READ_CONFIDENTIAL)
    return {
        "actors": actors.list_actors(viewer=viewer) if confidential else None,
        "sites": sites.list_sites(viewer=viewer),
        "show_sensitive": sensitive.may_see(viewer),
        "show_phones": confidential,
    }


def for_incident(*, viewer: User, incident_id: int, sheets: int = DEFAULT_SHEETS) -> Binder:
    """The incident's reservpärm: its playbook (or all), its sambandsplan, log sheets from its next number."""
    check(viewer, Perm.READ)
    incident = incidents.existing(incident_id)
    key = db.session.scalar(
        sa.select(PlaybookActivation.playbook_key).where(PlaybookActivation.incident_id == incident_id)
    )
    catalog = playbooks.catalog().playbooks
    chosen = [catalog[key]] if key in catalog else sorted(catalog.values(), key=lambda p: p.title)
    return Binder(
        incident=incident,
        playbooks=chosen,
        plan=samband.get(viewer=viewer, incident_id=incident_id)["plan"],
        sheets=_sheets(incident.last_log_number + 1, sheets),
        # The lägesbild is the staff's (observers do not see it).
        situation=situation.current_sections(incident_id=incident_id)
        if has_perm(viewer, Perm.READ_CONFIDENTIAL)
        else None,
        **_common(viewer),
    )


def for_kommun(*, viewer: User, sheets: int = DEFAULT_SHEETS) -> Binder:
    """The normal-times reservpärm: every playbook, the kommun's sambandsplan, log sheets from 1."""
    check(viewer, Perm.READ)
    return Binder(
        incident=None,
        playbooks=sorted(playbooks.catalog().playbooks.values(), key=lambda p: p.title),
        plan=samband.kommun_plan(viewer=viewer),
        sheets=_sheets(1, sheets),
        **_common(viewer),
    )
