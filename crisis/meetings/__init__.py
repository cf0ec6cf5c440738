"""Stabsorienteringar: an incident's staff meetings with the standard agenda, presenter mode and rhythm."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The meetings pages (list, run, present, protocol) and API routes."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.meetings import views
    from crisis.meetings.demo import load_demo_meetings

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_incident_nav("meetings.page", _l("Stabsorientering"))
    app.jinja_env.globals.update(next_meeting_of=views.next_meeting_of)
    reg.add_seed(load_demo_meetings)  # the lägesbild and the rhythm of the demo incident
