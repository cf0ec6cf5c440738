"""Tasks (uppgifter) of an incident: who does what by when, with a version for concurrent edits."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The task board page, the tasks API routes, and the recovery of due-time reminders."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.tasks import views

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_incident_nav("tasks.board", _l("Uppgifter"))
    reg.on_scheduler_start("crisis.tasks.jobs:recover")  # due-time reminders lost in downtime
