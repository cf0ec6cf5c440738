"""The site register: the only writer of sites (create, update, retire, restore,
import from a file) and its reading (list, get, export).

The register is kept by administrators (`Perm.MANAGE_SITES`). A site's status
within an incident is `crisis.sites.status`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

from crisis import safejson
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.collation import sv_key
from crisis.db import utcnow, write_transaction
from crisis.enums import SiteCategory
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.extensions import db
from crisis.sites import importer, sensitive
from crisis.sites.models import Site
from crisis.sites.schemas import site_values

# Register fields an administrator may set (the key only on create).
EDITABLE = (
    "name",
    "category",
    "geometry",
    "address",
    "owner",
    "contact",
    "backup_power",
    "fuel_hours",
    "styrel_priority",
    "depends_on",
)

SiteRef = int | str


class SiteFileRejected(ValidationError):
    """A site file with errors: nothing was stored. `errors` names each
    feature or row, as the importer reported it."""

    code = "site_file_rejected"

    def __init__(self, errors: list[str]) -> None:
        count = len(errors)
        super().__init__(
            _l(
                "Filen med verksamheter avvisades (%(count)s fel); inget sparades: %(first)s%(more)s",
                count=count,
                first=errors[0],
                more=" …" if count > 1 else "",
            ),
            details=errors,
        )
        self.errors = errors


# --------------------------------------------------------------------------
# Reading the register


def all_sites(include_retired: bool = False) -> list[Site]:
    stmt = sa.select(Site).order_by(Site.id)
    if not include_retired:
        stmt = stmt.where(Site.retired.is_(False))
    return sorted(db.session.scalars(stmt), key=lambda s: sv_key(s.name))  # Swedish order: …Z, Å, Ä, Ö


def resolve(site_ref: SiteRef) -> Site:
    """A site by its numeric id, or by its key. Text made only of digits is
    taken as an id."""
    site: Site | None
    if isinstance(site_ref, int) or (isinstance(site_ref, str) and site_ref.isascii() and site_ref.isdigit()):
        # An id beyond what the column stores (or 5,000 digits) is no site, not a database overflow.
        number = int(site_ref) if len(str(site_ref)) <= 19 else -1
        site = db.session.get(Site, number) if 0 <= number <= safejson.INT_MAX else None
    else:
        site = db.session.scalar(sa.select(Site).where(Site.key == str(site_ref)))
    if site is None:
        raise NotFound(_l("Verksamheten %(site)s finns inte.", site=site_ref))
    return site


def list_sites(*, viewer: User, include_retired: bool = False) -> list[Site]:
    check(viewer, Perm.READ)
    return all_sites(include_retired)


def get(*, viewer: User, site_id: SiteRef) -> Site:
    check(viewer, Perm.READ)
    return resolve(site_id)


def dependency_graph(sites: Iterable[Site]) -> dict[str, list[str]]:
    return {site.key: list(site.depends_on or []) for site in sites}


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
        records = importer.parse_geojson(text, [s.key for s in others], existing_depends_on=dependency_graph(others))
    except importer.SiteImportError as error:
        messages = [_PLACE.sub("", message).replace(" (feature 1)", "") for message in error.errors]
        raise ValidationError(
            _l("Uppgifterna om verksamheten är ogiltiga: %(errors)s", errors="; ".join(messages)), details=messages
        ) from None
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
        everyone = all_sites(include_retired=True)
        existing = next((s for s in everyone if s.key == data.get("key")), None)
        if existing is not None:
            raise Conflict(
                _l(
                    'Det finns redan en avvecklad verksamhet med nyckeln "%(key)s"; återställ den i stället.',
                    key=existing.key,
                )
                if existing.retired
                else _l('Det finns redan en verksamhet med nyckeln "%(key)s".', key=existing.key)
            )
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
        site = resolve(site_id)
        if "key" in data and data["key"] != site.key:
            raise ValidationError(
                _l(
                    "En verksamhets nyckel kan inte ändras (andra verksamheter beror på den via nyckeln); "
                    "avveckla den och skapa en ny."
                )
            )
        merged = {**site_values(site), **data, "key": site.key}
        others = [s for s in all_sites() if s.id != site.id]
        record = _validate(merged, others)
        if _apply(site, record):
            site.updated_at = utcnow()
    return site


def _dependents(site: Site) -> list[Site]:
    return [s for s in all_sites() if s.id != site.id and site.key in (s.depends_on or [])]


def retire(*, actor: User, site_id: SiteRef) -> Site:
    """Take a site off the register (its reports are kept). Refused while
    other active sites depend on it."""
    check(actor, Perm.MANAGE_SITES)
    with write_transaction(db.session):
        site = resolve(site_id)
        if site.retired:
            return site
        dependents = _dependents(site)
        if dependents:
            raise Conflict(
                _ln(
                    "%(num)s verksamhet beror på %(site)s: %(names)s; ta bort det beroendet först.",
                    "%(num)s verksamheter beror på %(site)s: %(names)s; ta bort de beroendena först.",
                    len(dependents),
                    site=site.name,
                    names=", ".join(s.name for s in dependents[:10]),
                ),
                code="site_has_dependents",
            )
        site.retired = True
        site.updated_at = utcnow()
    return site


def restore(*, actor: User, site_id: SiteRef) -> Site:
    """Bring a retired site back; its dependencies must still exist."""
    check(actor, Perm.MANAGE_SITES)
    with write_transaction(db.session):
        site = resolve(site_id)
        if not site.retired:
            return site
        others = [s for s in all_sites() if s.id != site.id]
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


def import_file(
    *, actor: User | None, filename: str, text: str, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
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
        everyone = {site.key: site for site in all_sites(include_retired=True)}
        active = [site for site in everyone.values() if not site.retired]
        try:
            records = importer.parse_site_file(
                filename, text, [s.key for s in active], existing_depends_on=dependency_graph(active)
            )
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
    collection = importer.to_feature_collection([site_values(s) for s in all_sites()], name=name)
    return sensitive.collection_for(viewer, collection)
