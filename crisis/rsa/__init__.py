"""The RSA register (risk- och sårbarhetsanalys): risks with likelihood and consequence, shortcomings,
measures, links to playbooks, exercise scenarios and lessons, and the gaps between them.
Confidential (OSL 18 kap. 13 §)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The /rsa page and the RSA API routes (confidential readers only), and the demo register."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.rsa import demo, views

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_nav("rsa.page", _l("RSA"), Perm.READ_CONFIDENTIAL)
    reg.add_seed(demo.load_demo_rsa)
