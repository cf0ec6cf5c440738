"""The decision register (beslut) of an incident: numbered decisions with mandate, follow-up and status.

Levels are decisions: the only way an incident's level changes is a level
decision recorded here. The mandates come from the kommun's
delegationsordning (CRISIS_DELEGATION_FILE), validated at startup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The register page, the decisions API routes, and the delegationsordning."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.decisions import mandates, views

    path = app.config.get("CRISIS_DELEGATION_FILE")
    app.extensions["krisrum_mandates"] = mandates.load(path) if path else ()
    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_incident_nav("decisions.register", _l("Beslut"))
