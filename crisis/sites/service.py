"""The site register and site status: the only writer of sites and statuses.

The register (create, update, retire, import) is for administrators
(`Perm.MANAGE_SITES`); a site's status within an incident is reported by the
staff (`Perm.WRITE_LOG`): every report writes a `status` log entry and a
`site.status` event in the same transaction, so every open map recolours.

`at_risk` is never stored: it is computed from the stored dependencies and
the latest statuses each time (`crisis.sites.risk`), so it is always
consistent with what the register and the reports say now.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Mapping, Optional, Union
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l, lazy_ngettext as _ln

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.enums import LogKind, SiteCategory, SiteState
from crisis import record_sv, timefmt
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.sites import importer, risk
from crisis.sites.models import Site, SiteStatus

MAX_NOTE = 2000
TZ = ZoneInfo("Europe/Stockholm")

# For ordering lists: the worst first.
_SEVERITY = {SiteState.DOWN.value: 0, SiteState.DEGRADED.value: 1}
# Register fields an administrator may set (the key only on create).
EDITABLE = ("name", "category", "geometry", "address", "owner", "contact", "backup_power", "fuel_hours",
            "styrel_priority", "depends_on")

SiteRef = Union[int, str]


class SiteFileRejected(ValidationError):
    """A site file with errors: nothing was stored. `errors` names each
    feature or row, as the importer reported it."""

    code = "site_file_rejected"

    def __init__(self, errors: list[str]) -> None:
        count = len(errors)
        super().__init__(_l("Filen med verksamheter avvisades (%(count)s fel); inget sparades: %(first)s%(more)s",
                            count=count, first=errors[0], more=" …" if count > 1 else ""), details=errors)
        self.errors = errors


# --------------------------------------------------------------------------
# Reading the register


def _all_sites(include_retired: bool = False) -> list[Site]:
    stmt = sa.select(Site).order_by(Site.name, Site.id)
    if not include_retired:
        stmt = stmt.where(Site.retired.is_(False))
    return list(db.session.scalars(stmt))


def _resolve(site_ref: SiteRef) -> Site:
    """A site by its numeric id, or by its key. Text made only of digits is
    taken as an id."""
    site: Optional[Site]
    if isinstance(site_ref, int) or (isinstance(site_ref, str) and site_ref.isdigit()):
        site = db.session.get(Site, int(site_ref))
    else:
        site = db.session.scalar(sa.select(Site).where(Site.key == str(site_ref)))
    if site is None:
        raise NotFound(_l("Verksamheten %(site)s finns inte.", site=site_ref))
    return site


def list_sites(*, viewer: User, include_retired: bool = False) -> list[Site]:
    check(viewer, Perm.READ)
    return _all_sites(include_retired)


def get(*, viewer: User, site_id: SiteRef) -> Site:
    check(viewer, Perm.READ)
    return _resolve(site_id)


def site_values(site: Site) -> dict[str, Any]:
    """The register's fields, JSON-ready; `to_feature` makes a Feature of it."""
    return {
        "id": site.id,
        "key": site.key,
        "name": site.name,
        "category": site.category.value,
        "geometry": site.geometry,
        "address": site.address,
        "owner": site.owner,
        "contact": site.contact,
        "backup_power": site.backup_power,
        "fuel_hours": site.fuel_hours,
        "styrel_priority": site.styrel_priority,
        "depends_on": list(site.depends_on or []),
        "retired": site.retired,
        "updated_at": site.updated_at.isoformat(),
    }


def _graph(sites: Iterable[Site]) -> dict[str, list[str]]:
    return {site.key: list(site.depends_on or []) for site in sites}


# --------------------------------------------------------------------------
# Status within an incident


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
        self.graph = _graph(self.sites)
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


def fuel_left_hours(fuel_hours: Optional[float], since: Optional[datetime], now: datetime) -> Optional[float]:
    """Hours of fuel left for a site on backup power since `since`, counted
    from the switch; None when it is not on backup power or its fuel is not
    known. Never negative (0 means the tank is empty by now)."""
    if since is None or fuel_hours is None:
        return None
    used = (now - since).total_seconds() / 3600
    return round(max(0.0, fuel_hours - used), 1)


def _latest(incident_id: int) -> dict[int, SiteStatus]:
    newest = (sa.select(sa.func.max(SiteStatus.id)).where(SiteStatus.incident_id == incident_id)
              .group_by(SiteStatus.site_id))
    rows = db.session.scalars(sa.select(SiteStatus).where(SiteStatus.id.in_(newest)))
    return {row.site_id: row for row in rows}


def situation(*, incident_id: int, include_retired: bool = False) -> Situation:
    """Sites, latest statuses and at_risk in one incident (no permission check:
    callers check)."""
    return Situation(_all_sites(include_retired), _latest(incident_id), utcnow())


def _incident(incident_id: int) -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    return incident


def feature_collection(*, viewer: User, incident_id: Optional[int] = None,
                       include_retired: bool = False) -> dict[str, Any]:
    """The register as GeoJSON; with an incident, every feature also has its
    status, at_risk (and causes), note, backup power and fuel left. The
    collection then carries `seq`, the incident's event sequence number it
    reflects, so a map can go live from exactly there."""
    check(viewer, Perm.READ)
    if incident_id is None:
        sites = _all_sites(include_retired)
        return importer.to_feature_collection([site_values(site) for site in sites])
    incident = _incident(incident_id)
    state = situation(incident_id=incident_id, include_retired=include_retired)
    return {"type": "FeatureCollection", "incident": incident.id, "seq": incident.last_seq,
            "generated_at": state.now.isoformat(), "features": [state.feature(site) for site in state.sites]}


def _parse_state(status: Any) -> SiteState:
    try:
        return SiteState(status)
    except ValueError:
        raise ValidationError(
            _l("Okänd status \"%(value)s\"; välj en av: %(allowed)s.", value=str(status)[:40],
               allowed=", ".join(s.value for s in SiteState))) from None


def _hhmm(moment: datetime) -> str:
    return timefmt.hhmm(moment)


def _names(sites: list[Site], limit: int = 8) -> str:
    names = [site.name for site in sorted(sites, key=lambda s: s.name)]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" och {len(names) - limit} till"
    return ", ".join(names)


def _status_text(site: Site, state: SiteState, note: Optional[str], was_since: Optional[datetime],
                 since: Optional[datetime], newly_at_risk: list[Site]) -> str:
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


def set_status(*, actor: User, incident_id: int, site_id: SiteRef, status: str, note: Optional[str] = None,
               on_backup_power: Optional[bool] = None) -> dict[str, Any]:
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
        site = _resolve(site_id)
        if site.retired:
            raise Conflict(_l("Verksamheten %(site)s är avvecklad; återställ den i registret först.", site=site.name),
                           code="site_retired")
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

        row = SiteStatus(incident_id=incident.id, site_id=site.id, status=state, note=note,
                         set_by_id=actor.id, set_by=actor.display_name, set_at=now,
                         on_backup_power_since=since)
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

        entry = log.write_entry(incident=incident, actor=actor, kind=LogKind.STATUS,
                                text=_status_text(site, state, note, was_since, since, newly_at_risk))
        row.log_number = entry.number
        db.session.add(row)
        data = view.feature(site)
        data["properties"]["log_number"] = entry.number
        data["at_risk_changed"] = changed
        events.append_event(incident=incident, type="site.status", actor=actor.username, data=data)
    return data


HISTORY_LIMIT = 50


def history(*, viewer: User, incident_id: int, site_id: SiteRef, limit: int = HISTORY_LIMIT,
            before: Optional[int] = None, log_before: Optional[int] = None) -> dict[str, Any]:
    """A site's panel: its Feature with status, the sites that put it at risk,
    one page of its status reports in the incident (newest first, older than
    report `before`), and one page of the log entries linked to it (its status
    entries, and entries naming it; newest first, numbered below `log_before`).
    Each page has at most `limit` items; `next_before` / `log_next_before`
    continue it, or are None at the end. Observers get no confidential entries."""
    check(viewer, Perm.READ)
    _incident(incident_id)
    site = _resolve(site_id)
    view = situation(incident_id=incident_id, include_retired=True)
    stmt = sa.select(SiteStatus).where(SiteStatus.incident_id == incident_id, SiteStatus.site_id == site.id)
    if before is not None:
        stmt = stmt.where(SiteStatus.id < before)
    rows = list(db.session.scalars(stmt.order_by(SiteStatus.id.desc()).limit(limit + 1)))
    next_before = rows[limit - 1].id if len(rows) > limit else None
    rows = rows[:limit]
    linked, log_next_before = _linked_log(viewer, incident_id, site, limit=limit, before=log_before)
    by_key = {s.key: s for s in view.sites}
    causes = [{"id": by_key[key].id, "key": key, "name": by_key[key].name, "status": view.states.get(key)}
              for key in view.causes(site) if key in by_key]
    return {
        "site": view.feature(site),
        "history": [row_dict(row) for row in rows],
        "next_before": next_before,
        "at_risk_causes": causes,
        "log": linked,
        "log_next_before": log_next_before,
    }


def _linked_log(viewer: User, incident_id: int, site: Site, *, limit: int,
                before: Optional[int]) -> tuple[list[dict[str, Any]], Optional[int]]:
    """One page of the entries linked to `site`, newest first, and the cursor for the next."""
    from crisis.auth.permissions import has_perm
    from crisis.enums import Classification
    from crisis.log.models import LogEntry

    status_numbers = sa.select(SiteStatus.log_number).where(
        SiteStatus.incident_id == incident_id, SiteStatus.site_id == site.id, SiteStatus.log_number.is_not(None))
    stmt = sa.select(LogEntry).where(
        LogEntry.incident_id == incident_id,
        sa.or_(LogEntry.number.in_(status_numbers),
               LogEntry.text.ilike(f"%{_like_escape(site.name)}%", escape="\\"),
               LogEntry.text.ilike(f"%{_like_escape(site.key)}%", escape="\\")))
    if not has_perm(viewer, Perm.READ_CONFIDENTIAL):
        stmt = stmt.where(LogEntry.classification != Classification.CONFIDENTIAL)
    if before is not None:
        stmt = stmt.where(LogEntry.number < before)
    entries = list(db.session.scalars(stmt.order_by(LogEntry.number.desc()).limit(limit + 1)))
    next_before = entries[limit - 1].number if len(entries) > limit else None
    entries = entries[:limit]
    corrections: dict[int, int] = {}
    if entries:
        corrections = dict(db.session.execute(sa.select(LogEntry.corrects, LogEntry.number).where(
            LogEntry.incident_id == incident_id,
            LogEntry.corrects.in_([e.number for e in entries]))).all())
    return [log.to_dict(e, corrections.get(e.number)) for e in entries], next_before


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def row_dict(row: SiteStatus) -> dict[str, Any]:
    """A status report as the API returns it."""
    return {
        "id": row.id,
        "status": row.status.value,
        "note": row.note,
        "set_by": row.set_by,
        "set_at": row.set_at.isoformat(),
        "on_backup_power": row.on_backup_power,
        "on_backup_power_since": row.on_backup_power_since.isoformat() if row.on_backup_power_since else None,
        "log_number": row.log_number,
    }


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
    categories = [{"category": c.value, **counts[c.value]} for c in SiteCategory if c.value in counts]
    totals = {s.value: 0 for s in SiteState} | {"at_risk": 0, "total": 0}
    for row in categories:
        for name in totals:
            totals[name] += row[name]

    def brief(site: Site) -> dict[str, Any]:
        props = view.status_properties(site)
        return {"id": site.id, "key": site.key, "name": site.name, "category": site.category.value,
                "styrel_priority": site.styrel_priority, "fuel_hours": site.fuel_hours, **props}

    attention = [site for site in view.sites
                 if view.state(site) in _SEVERITY or site.key in view.at_risk]
    attention.sort(key=lambda s: (s.styrel_priority is None, s.styrel_priority or 0,
                                  _SEVERITY.get(view.state(s), 2), s.name))
    backup = [brief(site) for site in view.sites
              if (row := view.latest.get(site.id)) is not None and row.on_backup_power]
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
    check(viewer, Perm.READ)
    _incident(incident_id)
    return summary_for_incident(incident_id)


# --------------------------------------------------------------------------
# Writing the register

_PLACE = re.compile(r'^feature 1(?: \(key "[^"]*"\))?: ')


def _validate(values: Mapping[str, Any], others: list[Site]) -> importer.SiteRecord:
    """One site's values checked by the same rules as a file import (the
    importer), including its dependencies against the other active sites."""
    properties = {name: values.get(name) for name in ("key", *EDITABLE) if name != "geometry"}
    feature = {"type": "Feature", "geometry": values.get("geometry"), "properties": properties}
    try:
        text = json.dumps({"type": "FeatureCollection", "features": [feature]}, allow_nan=True)
    except (TypeError, ValueError):
        raise ValidationError(_l("Verksamhetens uppgifter är inte giltiga JSON-värden.")) from None
    try:
        records = importer.parse_geojson(text, [s.key for s in others], existing_depends_on=_graph(others))
    except importer.SiteImportError as error:
        messages = [_PLACE.sub("", message).replace(" (feature 1)", "") for message in error.errors]
        raise ValidationError(_l("Uppgifterna om verksamheten är ogiltiga: %(errors)s", errors="; ".join(messages)), details=messages) from None
    return records[0]


def _apply(site: Site, record: importer.SiteRecord) -> bool:
    """Copy a validated record onto a site; True if anything changed."""
    values = record.to_dict()
    changed = False
    for name in EDITABLE:
        value = values[name]
        if name == "category":
            value = SiteCategory(value)
        if getattr(site, name) != value:
            setattr(site, name, value)
            changed = True
    return changed


def create(*, actor: User, data: Mapping[str, Any]) -> Site:
    """Add a site to the register. `data` has the register's fields (see
    EDITABLE) and `key`."""
    check(actor, Perm.MANAGE_SITES)
    with write_transaction(db.session):
        everyone = _all_sites(include_retired=True)
        existing = next((s for s in everyone if s.key == data.get("key")), None)
        if existing is not None:
            raise Conflict(
                _l("Det finns redan en avvecklad verksamhet med nyckeln \"%(key)s\"; återställ den i stället.",
                   key=existing.key) if existing.retired
                else _l("Det finns redan en verksamhet med nyckeln \"%(key)s\".", key=existing.key))
        record = _validate(data, [s for s in everyone if not s.retired])
        now = utcnow()
        site = Site(key=record.key, created_at=now, updated_at=now, retired=False)
        _apply(site, record)
        db.session.add(site)
    return site


def update(*, actor: User, site_id: SiteRef, data: Mapping[str, Any]) -> Site:
    """Change a site's register fields (PATCH semantics). The key never
    changes: other sites and old reports refer to it."""
    check(actor, Perm.MANAGE_SITES)
    unknown = sorted(set(data) - set(EDITABLE) - {"key"})
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(unknown)))
    with write_transaction(db.session):
        site = _resolve(site_id)
        if "key" in data and data["key"] != site.key:
            raise ValidationError(_l("En verksamhets nyckel kan inte ändras (andra verksamheter beror på den via nyckeln); "
                                     "avveckla den och skapa en ny."))
        merged = {**site_values(site), **data, "key": site.key}
        others = [s for s in _all_sites() if s.id != site.id]
        record = _validate(merged, others)
        if _apply(site, record):
            site.updated_at = utcnow()
    return site


def _dependents(site: Site) -> list[Site]:
    return [s for s in _all_sites() if s.id != site.id and site.key in (s.depends_on or [])]


def retire(*, actor: User, site_id: SiteRef) -> Site:
    """Take a site off the register (its reports are kept). Refused while
    other active sites depend on it."""
    check(actor, Perm.MANAGE_SITES)
    with write_transaction(db.session):
        site = _resolve(site_id)
        if site.retired:
            return site
        dependents = _dependents(site)
        if dependents:
            raise Conflict(_ln("%(num)s verksamhet beror på %(site)s: %(names)s; ta bort det beroendet först.",
                               "%(num)s verksamheter beror på %(site)s: %(names)s; ta bort de beroendena först.",
                               len(dependents), site=site.name, names=", ".join(s.name for s in dependents[:10])),
                           code="site_has_dependents")
        site.retired = True
        site.updated_at = utcnow()
    return site


def restore(*, actor: User, site_id: SiteRef) -> Site:
    """Bring a retired site back; its dependencies must still exist."""
    check(actor, Perm.MANAGE_SITES)
    with write_transaction(db.session):
        site = _resolve(site_id)
        if not site.retired:
            return site
        others = [s for s in _all_sites() if s.id != site.id]
        _validate(site_values(site), others)
        site.retired = False
        site.updated_at = utcnow()
    return site


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def import_file(*, actor: Optional[User], filename: str, text: str,
                progress: Optional[Callable[[int, int], None]] = None) -> ImportResult:
    """Import a GeoJSON or CSV site file: all or nothing, upsert by key.

    The whole file is validated first (the importer), with its dependencies
    checked against the file and the stored active sites together; any error
    raises SiteFileRejected listing every problem, and nothing is stored.
    Then every site is written in one transaction; `progress(done, total)`
    is called after each. A retired site named in the file comes back.
    `actor=None` is the command line (the operator of the server).
    """
    if actor is not None:
        check(actor, Perm.MANAGE_SITES)
    with write_transaction(db.session):
        everyone = {site.key: site for site in _all_sites(include_retired=True)}
        active = [site for site in everyone.values() if not site.retired]
        try:
            records = importer.parse_site_file(filename, text, [s.key for s in active],
                                               existing_depends_on=_graph(active))
        except importer.SiteImportError as error:
            raise SiteFileRejected(error.errors) from None
        result = ImportResult()
        now = utcnow()
        for done, record in enumerate(records, start=1):
            site = everyone.get(record.key)
            if site is None:
                site = Site(key=record.key, created_at=now, updated_at=now, retired=False)
                _apply(site, record)
                db.session.add(site)
                result.created.append(record.key)
            elif _apply(site, record) or site.retired:
                site.retired = False
                site.updated_at = now
                result.updated.append(record.key)
            else:
                result.unchanged.append(record.key)
            if progress is not None:
                progress(done, len(records))
    return result


def export_geojson(*, viewer: User, name: str) -> dict[str, Any]:
    """The active register as a FeatureCollection that `import-sites` takes back."""
    check(viewer, Perm.READ)
    collection = importer.to_feature_collection([site_values(s) for s in _all_sites()], name=name)
    return collection
