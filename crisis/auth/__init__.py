"""Users, roles, login and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The login pages, the user admin page, and the auth API routes."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth import views
    from crisis.auth.permissions import Perm

    app.register_blueprint(views.pages)
    registry.of(app).add_nav("auth.admin_users", _l("Användare"), Perm.ADMIN)
