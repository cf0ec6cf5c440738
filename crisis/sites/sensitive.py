"""What the risk- och sårbarhetsanalys classifies about sites: who may see it.

A site's Styrel priority class and its hours of reservkraft fuel (and what is
derived from them: fuel left, when it runs out) tell an adversary which
services matter most and how long they hold out. Only the roles in
CRISIS_SITE_SENSITIVE_ROLES see them (by default every role except observers
and reporters); for everyone else they are taken out of every site answer:
the sites GeoJSON API, map popups, the site register page, the wall's summary
and the exports. A `site.status` event reaches every screen, so it never
carries them; a screen whose user may see them fetches the site again.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

SENSITIVE_PROPERTIES = ("styrel_priority", "fuel_hours", "fuel_left_hours", "fuel_runs_out_at")
HIDDEN_FLAG = "sensitive_hidden"


def may_see(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    role = getattr(user.role, "value", user.role)
    return role in current_app.config.get("CRISIS_SITE_SENSITIVE_ROLES", frozenset())


def strip(props: dict[str, Any]) -> dict[str, Any]:
    """The properties with the sensitive ones emptied (null), marked as hidden (in place; returned for chaining)."""
    for key in SENSITIVE_PROPERTIES:
        if key in props:
            props[key] = None
    props[HIDDEN_FLAG] = True
    return props


def feature_for(user: Any, feature: dict[str, Any]) -> dict[str, Any]:
    if not may_see(user):
        strip(feature.setdefault("properties", {}))
    return feature


def collection_for(user: Any, collection: dict[str, Any]) -> dict[str, Any]:
    if not may_see(user):
        for feature in collection.get("features") or ():
            strip(feature.setdefault("properties", {}))
    return collection


def summary_for(user: Any, summary: dict[str, Any]) -> dict[str, Any]:
    """The incident's site summary (wall, lägesbild) for `user`."""
    if not may_see(user):
        for key in ("attention", "on_backup_power"):
            for brief in summary.get(key) or ():
                strip(brief)
    return summary


def strip_report(report: dict[str, Any]) -> dict[str, Any]:
    """A lägesrapport's dict without the sites' Styrel class and fuel in its snapshot (in place)."""
    sites = (report.get("snapshot") or {}).get("sites")
    if isinstance(sites, dict):
        for key in ("problems", "on_backup_power"):
            for item in sites.get(key) or ():
                if isinstance(item, dict):
                    strip(item)
    return report


def report_for(user: Any, report: dict[str, Any]) -> dict[str, Any]:
    """The report as `user` may read it (the snapshot's site details, see `strip_report`)."""
    if not may_see(user):
        import copy

        report = strip_report(copy.deepcopy(report))
    return report
