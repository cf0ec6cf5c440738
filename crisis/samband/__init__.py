"""The sambandsplan: the kommun's default (CRISIS_SAMBANDSPLAN_FILE, validated at startup) and each incident's copy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The samband page and API, and the kommun's plan."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.samband import plan, views

    path = app.config.get("CRISIS_SAMBANDSPLAN_FILE")
    app.extensions["krisrum_sambandsplan"] = plan.load(path) if path else None
    app.register_blueprint(views.pages)
    registry.of(app).add_incident_nav("samband.page", _l("Samband"))
