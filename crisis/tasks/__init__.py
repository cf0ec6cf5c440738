"""Tasks (uppgifter) of an incident: who does what by when, with a version for concurrent edits."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The task board page and the tasks API routes."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.tasks import views

    app.register_blueprint(views.pages)
    registry.of(app).add_incident_nav("tasks.board", _l("Uppgifter"))
