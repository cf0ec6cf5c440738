"""The incident timeline: the log in time order, grouped by hour."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The timeline page."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.timeline import views

    app.register_blueprint(views.pages)
    registry.of(app).add_incident_nav("timeline.timeline", _l("Tidslinje"))
