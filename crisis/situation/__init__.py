"""Lägesbild: the staff's internal, versioned picture of an incident (the lägesrapport is prefilled from it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The lägesbild page and API routes."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.situation import views

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    # Internal: observers do not see the lägesbild (crisis/situation/service.py).
    reg.add_incident_nav("situation.page", _l("Lägesbild"), Perm.READ_CONFIDENTIAL)
