"""Users, roles, login and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The login pages, the user admin page, the auth and token API routes, and the
    authorization matrix's gate in front of every page."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth import gate, views
    from crisis.auth.permissions import Perm

    app.register_blueprint(views.pages)
    if app.config.get("CRISIS_OIDC_ISSUER"):
        from crisis.auth import oidc_views

        oidc_views.init_app(app)  # login with the kommun's identity provider
    gate.install(app)  # the authorization matrix, enforced for every page
    registry.of(app).add_nav("auth.admin_users", _l("Användare"), Perm.ADMIN)
