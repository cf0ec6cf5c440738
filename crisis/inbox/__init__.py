"""The TiB inbox: reports of abnormal events (avvikelser) and their assessment."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The TiB inbox pages and API routes, the inbox counter in the menu, the demo deviations."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.inbox import views
    from crisis.inbox.demo import load_demo_deviations

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_nav("inbox.inbox", _l("Inkorg (TiB)"), Perm.CREATE_INCIDENT)
    reg.add_nav("inbox.new", _l("Rapportera avvikelse"), Perm.REPORT)
    app.jinja_env.globals.update(inbox_counts=views.inbox_counts)
    reg.add_seed(load_demo_deviations)
