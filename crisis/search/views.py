"""Search: `GET /api/v1/search`, the page `/search` and the CSV export of the hits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pydantic
from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crisis import csvexport, timefmt
from crisis.api import operation
from crisis.errors import ApiError, ValidationError
from crisis.search import kinds as search_kinds
from crisis.search import service
from crisis.search.schemas import SearchOut, SearchQuery, page_dict

pages = Blueprint("search", __name__)

# The kinds, their labels and pages: crisis.search.kinds (the one registration point).


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


FIELD_NAMES = {
    "from": _l("Från"),
    "to": _l("Till"),
    "incident": _l("Händelse"),
    "page": _l("Sida"),
    "per_page": _l("Träffar per sida"),
    "q": _l("Sökord"),
}


def _parse() -> SearchQuery:
    args = {k: v for k, v in request.args.to_dict().items() if v != ""}
    try:
        return SearchQuery.model_validate(args)
    except pydantic.ValidationError as e:
        field = str(e.errors()[0]["loc"][0]) if e.errors() and e.errors()[0]["loc"] else ""
        if field in ("from", "to"):
            raise ValidationError(
                _l(
                    "%(field)s: skriv tiden som 2026-11-24 eller 2026-11-24 14:00 (svensk tid).",
                    field=FIELD_NAMES[field],
                ),
                code="bad_time",
            ) from None
        raise ValidationError(
            _l("Kontrollera fältet %(field)s.", field=FIELD_NAMES.get(field, field or "?")), code="bad_filter"
        ) from None


def hit_url(kind: str, incident_id: int, number: int | None) -> str:
    k = search_kinds.get(kind)
    url = url_for(k.endpoint if k else "web.incident", incident_id=incident_id)
    return f"{url}#{k.anchor}{number}" if k and k.anchor and number is not None else url


def hit_label(kind: str, number: int | None) -> str:
    """ "Beslut B-3", "Loggpost 12" """
    k = search_kinds.get(kind)
    if k is None:
        return kind if number is None else f"{kind} {number}"
    return f"{k.label} {k.number_text(number)}".strip()


def local_input(value: datetime | None) -> str:
    """A time as a datetime-local input's value (Swedish time)."""
    return value.astimezone(timefmt.TZ).strftime("%Y-%m-%dT%H:%M") if value else ""


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
        kinds=search_kinds.all_kinds(),
        hit_url=hit_url,
        hit_label=hit_label,
        from_value=local_input(query.from_) or request.args.get("from", "")[:40],
        to_value=local_input(query.to) or request.args.get("to", "")[:40],
        args=request.args.to_dict(),
    )


@pages.route("/search/export.csv")
@login_required
def search_export() -> Any:
    query = _parse()
    rows = service.export_rows(viewer=current_user, q=query.q, filters=query.filters(), masked=query.masked)
    return csvexport.response("search-hits.csv", service.EXPORT_COLUMNS, rows)
