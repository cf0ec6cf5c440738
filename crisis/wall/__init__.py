"""The shared screen (storbild): the common operational picture of one incident."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The shared screen page."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.wall import views

    app.register_blueprint(views.pages)
    registry.of(app).add_incident_nav("wall.wall", _l("Storbild"))
