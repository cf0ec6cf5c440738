"""The site register (samhällsviktig verksamhet) and each site's status per incident.

A `Site` belongs to the kommun, not to an incident: the register is kept
between crises. A `SiteStatus` row is one report of a site's state within
one incident; rows are never changed, so every report is kept as history
and the current status is the latest row (highest id) for the site in that
incident. An exercise incident has its own statuses, so exercise reports
never mix with real ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis.db import utcnow
from crisis.enums import SiteCategory, SiteState
from crisis.extensions import db
from crisis.incidents.models import str_enum


class Site(db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[SiteCategory] = mapped_column(str_enum(SiteCategory))
    # A normalised RFC 7946 geometry: {"type": ..., "coordinates": ...}, WGS84 lon/lat.
    geometry: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    address: Mapped[str | None] = mapped_column(sa.String(500))
    owner: Mapped[str | None] = mapped_column(sa.String(500))
    contact: Mapped[str | None] = mapped_column(sa.String(500))
    backup_power: Mapped[bool] = mapped_column(default=False)
    fuel_hours: Mapped[float | None]
    # Styrel prioritetsklass 1 (highest) .. 8; None when the site has none.
    styrel_priority: Mapped[int | None]
    # Keys of the sites this one needs, in the order given.
    depends_on: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SiteStatus(db.Model):
    """One status report for one site in one incident (append-only)."""

    __tablename__ = "site_statuses"
    __table_args__ = (sa.Index("ix_site_statuses_incident_site", "incident_id", "site_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    status: Mapped[SiteState] = mapped_column(str_enum(SiteState))
    note: Mapped[str | None] = mapped_column(sa.Text)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    set_by: Mapped[str] = mapped_column(sa.String(200))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the site switched to backup power; None when it runs on the grid.
    # Carried forward from report to report while it stays on backup power,
    # so the fuel countdown starts at the switch, not at the latest report.
    on_backup_power_since: Mapped[datetime | None]
    # The `status` log entry written with this report (its number in the incident).
    log_number: Mapped[int | None]

    @property
    def on_backup_power(self) -> bool:
        return self.on_backup_power_since is not None
