"""Search across the record (sök): a Swedish full-text index of log entries,
tasks and issued reports (other domains add theirs with
`crisis.search.service.index_locked`), the `/search` page, `GET /api/v1/search`
and the CSV export of the hits."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The search page (main menu, for leaders and admins) and the search API routes."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.search import views

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_nav("search.search_page", _l("Sök"), Perm.LEAD)
