"""Resource requests (resursförfrågningar) of an incident: begäran om stöd and erbjudanden, with their lifecycle.

No pages of their own: a panel on the incident workspace and a block on the
wall (static/js/requests.js, static/js/wall.js), live through `request.updated`.
`service.open_needs_text(incident_id)` gives the lägesrapport's needs section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The requests API routes and the panel's words for the templates."""
    from crisis.reports import prefill
    from crisis.requests import service, views

    app.jinja_env.globals.update(request_strings=views.request_strings)
    prefill.add_provider(app, service.report_prefill)  # the lägesrapport's needs, most urgent first
