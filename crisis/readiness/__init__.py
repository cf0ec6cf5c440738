"""Readiness (beredskapsläge) of the whole kommun: fred, skärpt or högsta beredskap.

Höjd beredskap is the government's decision, recorded here (date,
reference) by an admin or leader; it is never an incident's level. Every
screen shows it and learns of a change live (`readiness.changed`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The readiness page and API routes, and the banner every page shows."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.readiness import views

    app.register_blueprint(views.pages)
    registry.of(app).add_nav("readiness.page", _l("Beredskapsläge"), Perm.READ)
    app.jinja_env.globals.update(current_readiness=views.banner)
