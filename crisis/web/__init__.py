"""Server-rendered pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The start, incident and language pages, the print marks, and the Jinja helpers every page uses."""
    from crisis.web import printmarks, template_helpers, views

    app.register_blueprint(views.bp)
    app.register_blueprint(printmarks.pages)
    template_helpers.register(app)
