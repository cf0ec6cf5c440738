"""Search across the record (sök): a Swedish full-text index of log entries,
decisions, tasks and issued reports, the `/search` page, `GET /api/v1/search`
and the CSV export of the hits.

Adding a kind (e.g. messages, resource requests) takes three small steps:

1. Register it once, where the domain is set up (its `init_app`), with its
   label, the page a hit links to (an endpoint taking `incident_id`), the
   anchor prefix of a hit's number on that page and how users write the
   number::

       from crisis.search import kinds
       kinds.register("message", _l("Meddelande"), "messages.inbox", anchor="message-")

   The /search page's type filter, the hit labels and links, and the `kind`
   filter's validation all read this registry (`crisis/search/kinds.py`).

2. Index in the service's write transaction, after the row has its id (again
   with the same (kind, ref_id) to re-index an edit)::

       from crisis.search import service as search
       search.index_locked(kind="message", incident=incident, ref_id=m.id, number=m.number,
                           title=m.subject, text=m.body, extra=m.sender,
                           classification=m.classification, osl_ground=m.osl_ground,
                           occurred_at=m.received_at, new=True)

3. Backfill existing rows in the domain's migration: insert into
   `search_docs` (terms = `crisis.search.text.terms(title + text + extra)`)
   and, on SQLite, into `search_fts (rowid, terms, scope)` with
   `crisis.search.models.scope_tokens(...)` (see the search migrations).
"""

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
