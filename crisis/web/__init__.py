"""Server-rendered pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The start, incident and language pages, and the Jinja helpers every page uses."""
    from crisis.web import template_helpers, views

    app.register_blueprint(views.bp)
    template_helpers.register(app)
