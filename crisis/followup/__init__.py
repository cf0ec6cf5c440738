"""The yearly follow-up (årlig uppföljning) for kommunstyrelsen and Länsstyrelsen: printable A4 and CSV.
Also seeds the demo's year of history (past incidents, decisions, lessons)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The /followup/{year} page, its CSV and API, and the demo's year of history."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.followup import demo, views

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_nav("followup.current", _l("Årlig uppföljning"), Perm.READ)
    reg.add_seed(demo.load_demo_history)
