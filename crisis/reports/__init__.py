"""Reports (lägesrapporter) and the public warnings derived from them.

`cap` is pure (no Flask, no database): it renders OASIS CAP 1.2 public
warnings and validates them against the schema shipped in `schema/`, so the
export can be tested and reused without an application context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The report pages and API routes, the demo report, the reminder recovery at scheduler start."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.reports import views
    from crisis.reports.demo import load_demo_report

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_incident_nav("reports.reports_page", _l("Lägesrapporter"))
    reg.add_seed(load_demo_report)  # needs the demo sites: reports come after sites in DOMAINS
    reg.on_scheduler_start("crisis.reports.jobs:recover")  # next-report reminders lost in downtime
