"""Lessons (erfarenheter): observations and recommendations followed until done."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The lessons page and API routes."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.lessons import views

    app.register_blueprint(views.pages)
    registry.of(app).add_nav("lessons.index", _l("Erfarenheter"), Perm.READ)
