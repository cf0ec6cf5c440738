"""Search: `GET /api/v1/search`, the page `/search` and the CSV export of the hits."""

from __future__ import annotations

from typing import Any

import pydantic
from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crisis import csvexport
from crisis.api import operation
from crisis.errors import ApiError, ValidationError
from crisis.search import service
from crisis.search.schemas import SearchOut, SearchQuery, page_dict

pages = Blueprint("search", __name__)

KIND_LABELS = {"log": _l("Loggpost"), "task": _l("Uppgift"), "report": _l("Lägesrapport")}
# Where a hit of each kind is shown: (endpoint taking incident_id, anchor prefix). Other kinds: the incident.
KIND_PAGES = {
    "log": ("web.incident", "entry-"),
    "task": ("tasks.board", "task-"),
    "report": ("reports.reports_page", "report-"),
}


@operation(
    "/search",
    "GET",
    summary="Search the record (log, tasks, reports, …): ranked hits with the matching words highlighted",
    tag="search",
    query=SearchQuery,
    response=SearchOut,
    perm="lead (all incidents) or read (with incident)",
)
def search_api(query: SearchQuery) -> dict[str, Any]:
    return page_dict(
        service.search(
            viewer=current_user, q=query.q, filters=query.filters(), page=query.page, per_page=query.per_page
        )
    )


def _parse() -> SearchQuery:
    args = {k: v for k, v in request.args.to_dict().items() if v != ""}
    try:
        return SearchQuery.model_validate(args)
    except pydantic.ValidationError:
        raise ValidationError(_l("Kontrollera filtren: tiderna skrivs som 2026-11-24T14:00+01:00.")) from None


def hit_url(kind: str, incident_id: int, number: int | None) -> str:
    endpoint, anchor = KIND_PAGES.get(kind, ("web.incident", ""))
    url = url_for(endpoint, incident_id=incident_id)
    return f"{url}#{anchor}{number}" if anchor and number is not None else url


@pages.route("/search")
@login_required
def search_page() -> Any:
    error: str | None = None
    result = None
    query = SearchQuery()
    try:
        query = _parse()
        if query.q.strip():
            result = service.search(
                viewer=current_user, q=query.q, filters=query.filters(), page=query.page, per_page=query.per_page
            )
    except ApiError as e:
        if e.status in (401, 403):
            raise
        error = str(e.message)
    return render_template(
        "search/search.html",
        query=query,
        result=result,
        error=error,
        kind_labels=KIND_LABELS,
        hit_url=hit_url,
        args=request.args.to_dict(),
    )


@pages.route("/search/export.csv")
@login_required
def search_export() -> Any:
    query = _parse()
    rows = service.export_rows(viewer=current_user, q=query.q, filters=query.filters(), masked=query.masked)
    return csvexport.response("search-hits.csv", service.EXPORT_COLUMNS, rows)
