"""The övnings- och utbildningsplan per mandate period, the training record ("who is trained for
stabschef") and the TiB roster (who is on duty which ISO week), with its gap warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The /training page, the training and roster API routes, and the demo plan and roster."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.training import demo, views

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_nav("training.page", _l("Övning och utbildning"), Perm.READ)
    reg.add_seed(demo.load_demo_training)
