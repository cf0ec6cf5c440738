"""Site status within an incident: the only writer of site statuses.

A site's status is reported by the staff (`Perm.WRITE_LOG`): every report
writes a `status` log entry and a `site.status` event in the same
transaction, so every open map recolours. Also the map's view of the
register in an incident (features with status), a site's history panel and
the summary (map panel, wall screen, lägesrapport).

`at_risk` is never stored: it is computed from the stored dependencies and
the latest statuses each time (`crisis.sites.risk`), so it is always
consistent with what the register and the reports say now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import record_sv, timefmt
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.collation import sv_key
from crisis.db import utcnow, write_transaction
from crisis.enums import LogKind, SiteCategory, SiteState
from crisis.errors import Conflict, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.log import service as log
from crisis.sites import importer, risk, sensitive
from crisis.sites.models import Site, SiteStatus
from crisis.sites.register import SiteRef, all_sites, dependency_graph, resolve
from crisis.sites.schemas import row_dict, site_values

MAX_NOTE = 2000

# For ordering lists: the worst first.
_SEVERITY = {SiteState.DOWN.value: 0, SiteState.DEGRADED.value: 1}


@dataclass
class Situation:
    """The register as seen in one incident at one moment."""

    sites: list[Site]
    latest: dict[int, SiteStatus]  # site id -> latest report
    now: datetime
    graph: dict[str, list[str]] = field(init=False)
    states: dict[str, str] = field(init=False)
    at_risk: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.graph = dependency_graph(self.sites)
        self.recompute()

    def recompute(self) -> None:
        by_id = {site.id: site for site in self.sites}
        self.states = {by_id[sid].key: row.status.value for sid, row in self.latest.items() if sid in by_id}
        self.at_risk = risk.compute_at_risk(self.graph, self.states)

    def state(self, site: Site) -> str:
        return self.states.get(site.key, SiteState.UNKNOWN.value)

    def causes(self, site: Site) -> list[str]:
        if site.key not in self.at_risk:
            return []
        return risk.at_risk_causes(self.graph, self.states, site.key)

    def status_properties(self, site: Site) -> dict[str, Any]:
        row = self.latest.get(site.id)
        since = row.on_backup_power_since if row else None
        runs_out = None
        if since is not None and site.fuel_hours is not None:
            runs_out = since + timedelta(hours=site.fuel_hours)
        return {
            "status": self.state(site),
            "at_risk": site.key in self.at_risk,
            "at_risk_causes": self.causes(site),
            "note": row.note if row else None,
            "set_by": row.set_by if row else None,
            "set_at": row.set_at.isoformat() if row else None,
            "on_backup_power": since is not None,
            "on_backup_power_since": since.isoformat() if since else None,
            "fuel_left_hours": fuel_left_hours(site.fuel_hours, since, self.now),
            "fuel_runs_out_at": runs_out.isoformat() if runs_out else None,
        }

    def feature(self, site: Site) -> dict[str, Any]:
        return importer.to_feature({**site_values(site), **self.status_properties(site)})


def fuel_left_hours(fuel_hours: float | None, since: datetime | None, now: datetime) -> float | None:
    """Hours of fuel left for a site on backup power since `since`, counted
    from the switch; None when it is not on backup power or its fuel is not
    known. Never negative (0 means the tank is empty by now)."""
    if since is None or fuel_hours is None:
        return None
    used = (now - since).total_seconds() / 3600
    return round(max(0.0, fuel_hours - used), 1)


def _latest(incident_id: int) -> dict[int, SiteStatus]:
    newest = (
        sa.select(sa.func.max(SiteStatus.id)).where(SiteStatus.incident_id == incident_id).group_by(SiteStatus.site_id)
    )
    rows = db.session.scalars(sa.select(SiteStatus).where(SiteStatus.id.in_(newest)))
    return {row.site_id: row for row in rows}


def situation(*, incident_id: int, include_retired: bool = False) -> Situation:
    """Sites, latest statuses and at_risk in one incident (no permission check:
    callers check)."""
    return Situation(all_sites(include_retired), _latest(incident_id), utcnow())


def feature_collection(
    *, viewer: User, incident_id: int | None = None, include_retired: bool = False
) -> dict[str, Any]:
    """The register as GeoJSON; with an incident, every feature also has its
    status, at_risk (and causes), note, backup power and fuel left. The
    collection then carries `seq`, the incident's event sequence number it
    reflects, so a map can go live from exactly there."""
    check(viewer, Perm.READ)
    if incident_id is None:
        sites = all_sites(include_retired)
        return sensitive.collection_for(viewer, importer.to_feature_collection([site_values(site) for site in sites]))
    incident = incidents.get(viewer=viewer, incident_id=incident_id)
    state = situation(incident_id=incident_id, include_retired=include_retired)
    return sensitive.collection_for(
        viewer,
        {
            "type": "FeatureCollection",
            "incident": incident.id,
            "seq": incident.last_seq,
            "generated_at": state.now.isoformat(),
            "features": [state.feature(site) for site in state.sites],
        },
    )


def _parse_state(status: Any) -> SiteState:
    try:
        return SiteState(status)
    except ValueError:
        raise ValidationError(
            _l(
                'Okänd status "%(value)s"; välj en av: %(allowed)s.',
                value=str(status)[:40],
                allowed=", ".join(s.value for s in SiteState),
            )
        ) from None


def _hhmm(moment: datetime) -> str:
    return timefmt.hhmm(moment)


def _names(sites: list[Site], limit: int = 8) -> str:
    names = [site.name for site in sorted(sites, key=lambda s: sv_key(s.name))]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" och {len(names) - limit} till"
    return ", ".join(names)


def _status_text(
    site: Site,
    state: SiteState,
    note: str | None,
    was_since: datetime | None,
    since: datetime | None,
    newly_at_risk: list[Site],
) -> str:
    text = f"{site.name}: {record_sv.SITE_STATES[state.value]}."
    if since is not None and was_since is None:
        text += f" Går på reservkraft sedan {_hhmm(since)}."
        if site.fuel_hours is not None:
            text += f" Bränsle för cirka {site.fuel_hours:g} timmar."
    elif since is not None:
        text += f" På reservkraft sedan {_hhmm(since)}."
    elif was_since is not None:
        text += " Åter på ordinarie elförsörjning."
    if note:
        text += f" {note}" + ("" if note.endswith((".", "!", "?", "…")) else ".")
    if newly_at_risk:
        text += f" I riskzon genom beroende: {_names(newly_at_risk)}."
    return text


def set_status(
    *,
    actor: User,
    incident_id: int,
    site_id: SiteRef,
    status: str,
    note: str | None = None,
    on_backup_power: bool | None = None,
) -> dict[str, Any]:
    """Report a site's status in an incident.

    `on_backup_power`: True = runs on backup power (the fuel countdown starts
    now unless it already did), False = back on the grid, None = unchanged.
    Writes a `status` log entry and a `site.status` event whose data is the
    site's Feature (with status and at_risk) plus `at_risk_changed`: every
    other site whose at_risk or at_risk_causes changed, so a map can recolour
    without asking again. Returns that same object.
    """
    check(actor, Perm.WRITE_LOG)
    state = _parse_state(status)
    if note is not None and not isinstance(note, str):
        raise ValidationError(_l("Anteckningen måste vara text."))
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise ValidationError(_l("Anteckningen är längre än %(limit)s tecken.", limit=MAX_NOTE))
    if on_backup_power is not None and not isinstance(on_backup_power, bool):
        raise ValidationError(_l("on_backup_power ska vara true, false eller utelämnas."))
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        site = resolve(site_id)
        if site.retired:
            raise Conflict(
                _l("Verksamheten %(site)s är avvecklad; återställ den i registret först.", site=site.name),
                code="site_retired",
            )
        view = situation(incident_id=incident_id)
        previous = view.latest.get(site.id)
        was_since = previous.on_backup_power_since if previous else None
        now = view.now
        since = was_since
        if on_backup_power is True and since is None:
            since = now
        elif on_backup_power is False:
            since = None

        # Everything that depends on this site, directly or not, may change.
        affected = risk.compute_at_risk(view.graph, {site.key: SiteState.DOWN.value})
        by_key = {s.key: s for s in view.sites}
        before = {key: (key in view.at_risk, view.causes(by_key[key])) for key in affected if key in by_key}

        row = SiteStatus(
            incident_id=incident.id,
            site_id=site.id,
            status=state,
            note=note,
            set_by_id=actor.id,
            set_by=actor.display_name,
            set_at=now,
            on_backup_power_since=since,
        )
        view.latest[site.id] = row
        view.recompute()
        changed = []
        newly_at_risk = []
        for key, (was_at_risk, was_causes) in sorted(before.items()):
            other = by_key[key]
            is_at_risk, causes = key in view.at_risk, view.causes(other)
            if (is_at_risk, causes) != (was_at_risk, was_causes):
                changed.append({"id": other.id, "key": key, "at_risk": is_at_risk, "at_risk_causes": causes})
                if is_at_risk and not was_at_risk:
                    newly_at_risk.append(other)

        entry = log.write_entry(
            incident=incident,
            actor=actor,
            kind=LogKind.STATUS,
            text=_status_text(site, state, note, was_since, since, newly_at_risk),
        )
        row.log_number = entry.number
        db.session.add(row)
        data = view.feature(site)
        data["properties"]["log_number"] = entry.number
        data["at_risk_changed"] = changed
        # Every screen gets the event: never with what the RSA classifies (crisis.sites.sensitive).
        broadcast = {**data, "properties": sensitive.strip(dict(data["properties"]))}
        events.append_event(incident=incident, type="site.status", actor=actor.username, data=broadcast)
    return sensitive.feature_for(actor, data)


HISTORY_LIMIT = 50


def history(
    *,
    viewer: User,
    incident_id: int,
    site_id: SiteRef,
    limit: int = HISTORY_LIMIT,
    before: int | None = None,
    log_before: int | None = None,
) -> dict[str, Any]:
    """A site's panel: its Feature with status, the sites that put it at risk,
    one page of its status reports in the incident (newest first, older than
    report `before`), and one page of the log entries linked to it (its status
    entries, and entries naming it; newest first, numbered below `log_before`).
    Each page has at most `limit` items; `next_before` / `log_next_before`
    continue it, or are None at the end. Observers get no confidential entries."""
    incidents.get(viewer=viewer, incident_id=incident_id)
    site = resolve(site_id)
    view = situation(incident_id=incident_id, include_retired=True)
    stmt = sa.select(SiteStatus).where(SiteStatus.incident_id == incident_id, SiteStatus.site_id == site.id)
    if before is not None:
        stmt = stmt.where(SiteStatus.id < before)
    rows = list(db.session.scalars(stmt.order_by(SiteStatus.id.desc()).limit(limit + 1)))
    next_before = rows[limit - 1].id if len(rows) > limit else None
    rows = rows[:limit]
    linked, log_next_before = _linked_log(viewer, incident_id, site, limit=limit, before=log_before)
    by_key = {s.key: s for s in view.sites}
    causes = [
        {"id": by_key[key].id, "key": key, "name": by_key[key].name, "status": view.states.get(key)}
        for key in view.causes(site)
        if key in by_key
    ]
    return {
        "site": view.feature(site),
        "history": [row_dict(row) for row in rows],
        "next_before": next_before,
        "at_risk_causes": causes,
        "log": linked,
        "log_next_before": log_next_before,
    }


def _linked_log(
    viewer: User, incident_id: int, site: Site, *, limit: int, before: int | None
) -> tuple[list[dict[str, Any]], int | None]:
    """One page of the entries linked to `site`, newest first, and the cursor for the next."""
    from crisis.auth.permissions import has_perm
    from crisis.enums import Classification
    from crisis.log.models import LogEntry

    status_numbers = sa.select(SiteStatus.log_number).where(
        SiteStatus.incident_id == incident_id, SiteStatus.site_id == site.id, SiteStatus.log_number.is_not(None)
    )
    stmt = sa.select(LogEntry).where(
        LogEntry.incident_id == incident_id,
        sa.or_(
            LogEntry.number.in_(status_numbers),
            LogEntry.text.ilike(f"%{_like_escape(site.name)}%", escape="\\"),
            LogEntry.text.ilike(f"%{_like_escape(site.key)}%", escape="\\"),
        ),
    )
    if not has_perm(viewer, Perm.READ_CONFIDENTIAL):
        stmt = stmt.where(LogEntry.classification != Classification.CONFIDENTIAL)
    if before is not None:
        stmt = stmt.where(LogEntry.number < before)
    entries = list(db.session.scalars(stmt.order_by(LogEntry.number.desc()).limit(limit + 1)))
    next_before = entries[limit - 1].number if len(entries) > limit else None
    entries = entries[:limit]
    corrections = log.corrected_by(incident_id=incident_id, numbers=[e.number for e in entries])
    return [log.to_dict(e, corrections.get(e.number)) for e in entries], next_before


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --------------------------------------------------------------------------
# Summary (the map's panel, the wall screen, the lägesrapport)


def summary_for_incident(incident_id: int) -> dict[str, Any]:
    """Per category: how many sites are operational, degraded, down, unknown
    and at risk; the sites needing attention (down, degraded or at risk)
    ordered by Styrel priority (1 first, none last), then the worst status;
    and the sites on backup power with the hours of fuel left.

    No permission check: the caller (a page, the wall, a report) checks READ.
    """
    view = situation(incident_id=incident_id)
    counts: dict[str, dict[str, int]] = {}
    for site in view.sites:
        row = counts.setdefault(site.category.value, {s.value: 0 for s in SiteState} | {"at_risk": 0, "total": 0})
        row[view.state(site)] += 1
        row["total"] += 1
        if site.key in view.at_risk:
            row["at_risk"] += 1
    categories: list[dict[str, Any]] = [
        {"category": c.value, **counts[c.value]} for c in SiteCategory if c.value in counts
    ]
    totals = {s.value: 0 for s in SiteState} | {"at_risk": 0, "total": 0}
    for cat in categories:
        for name in totals:
            totals[name] += cat[name]

    def brief(site: Site) -> dict[str, Any]:
        props = view.status_properties(site)
        return {
            "id": site.id,
            "key": site.key,
            "name": site.name,
            "category": site.category.value,
            "styrel_priority": site.styrel_priority,
            "fuel_hours": site.fuel_hours,
            **props,
        }

    attention = [site for site in view.sites if view.state(site) in _SEVERITY or site.key in view.at_risk]
    attention.sort(
        key=lambda s: (s.styrel_priority is None, s.styrel_priority or 0, _SEVERITY.get(view.state(s), 2), s.name)
    )
    backup = [
        brief(site)
        for site in view.sites
        if (latest := view.latest.get(site.id)) is not None and latest.on_backup_power
    ]
    backup.sort(key=lambda b: (b["fuel_left_hours"] is None, b["fuel_left_hours"] or 0, b["name"]))
    return {
        "incident": incident_id,
        "generated_at": view.now.isoformat(),
        "categories": categories,
        "totals": totals,
        "attention": [brief(site) for site in attention],
        "on_backup_power": backup,
    }


def get_summary(*, viewer: User, incident_id: int) -> dict[str, Any]:
    incidents.get(viewer=viewer, incident_id=incident_id)
    return sensitive.summary_for(viewer, summary_for_incident(incident_id))
