"""The search API's shapes."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pydantic

from crisis.search.service import Filters, Hit, SearchPage
from crisis.timefmt import TZ

TIME_HELP = "2026-11-24, 2026-11-24T14:00 (Swedish time) or with an offset (2026-11-24T14:00+01:00)"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_when(value: Any, *, end: bool) -> datetime | None:
    """A filter time: a date (the whole day: from its start, to its end), a
    date and time without offset (Europe/Stockholm, as a datetime-local
    input sends it) or an ISO time with offset. Raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(f"write the time as {TIME_HELP}")
    text = value.strip()
    try:
        if _DATE.match(text):
            day = date.fromisoformat(text)
            if end:
                return datetime.combine(day + timedelta(days=1), time(), TZ) - timedelta(microseconds=1)
            return datetime.combine(day, time(), TZ)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"write the time as {TIME_HELP}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=TZ)


class SearchQuery(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)

    q: str = pydantic.Field("", max_length=2000, description="Words to find (Swedish word forms match; cut at 200)")
    incident: int | None = pydantic.Field(None, description="Only this incident (staff may search their incident)")
    kind: str | None = pydantic.Field(None, max_length=20, description="log, task, report, …")
    mode: str | None = pydantic.Field(None, max_length=20, description="real or exercise")
    from_: datetime | None = pydantic.Field(
        None, alias="from", description=f"Not before: {TIME_HELP}; a date alone means from its start"
    )
    to: datetime | None = pydantic.Field(None, description=f"Not after: {TIME_HELP}; a date alone means to its end")
    page: int = pydantic.Field(1, ge=1, le=500)
    per_page: int = pydantic.Field(20, ge=1, le=100)
    masked: bool = pydantic.Field(True, description="Export: mask confidential hits (public-records copy)")

    @pydantic.field_validator("from_", mode="before")
    @classmethod
    def _from(cls, value: Any) -> datetime | None:
        return parse_when(value, end=False)

    @pydantic.field_validator("to", mode="before")
    @classmethod
    def _to(cls, value: Any) -> datetime | None:
        return parse_when(value, end=True)

    def filters(self) -> Filters:
        return Filters(incident_id=self.incident, kind=self.kind, mode=self.mode, start=self.from_, end=self.to)


class SearchHitOut(pydantic.BaseModel):
    kind: str
    incident: int
    incident_title: str
    mode: str
    number: int | None
    title: str
    snippet: str = pydantic.Field(description="HTML: the text escaped, matching words in <mark>")
    classification: str
    osl_ground: str | None
    occurred_at: str


class SearchOut(pydantic.BaseModel):
    items: list[SearchHitOut]
    page: int
    next_page: int | None
    total: int = pydantic.Field(description="Hits found, counted up to 1001 (see more)")
    more: bool = pydantic.Field(description="More than 1000 hits: the newest 1000 are ranked; refine or export")
    notices: list[str] = pydantic.Field(description="E.g. that a too long query was cut")


def hit_dict(hit: Hit) -> dict[str, Any]:
    d = hit.doc
    return {
        "kind": d.kind,
        "incident": d.incident_id,
        "incident_title": hit.incident_title,
        "mode": hit.mode,
        "number": d.number,
        "title": d.title,
        "snippet": str(hit.snippet),
        "classification": d.classification,
        "osl_ground": d.osl_ground,
        "occurred_at": d.occurred_at.isoformat(),
    }


def page_dict(page: SearchPage) -> dict[str, Any]:
    return {
        "items": [hit_dict(h) for h in page.hits],
        "page": page.page,
        "next_page": page.next_page,
        "total": page.total,
        "more": page.more,
        "notices": page.notices,
    }
