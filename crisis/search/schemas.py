"""The search API's shapes."""

from __future__ import annotations

from typing import Any

import pydantic

from crisis.search.service import Filters, Hit, SearchPage


class SearchQuery(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)

    q: str = pydantic.Field("", max_length=2000, description="Words to find (Swedish word forms match; cut at 200)")
    incident: int | None = pydantic.Field(None, description="Only this incident (staff may search their incident)")
    kind: str | None = pydantic.Field(None, max_length=20, description="log, task, report, …")
    mode: str | None = pydantic.Field(None, max_length=20, description="real or exercise")
    from_: pydantic.AwareDatetime | None = pydantic.Field(None, alias="from", description="Not before (ISO time)")
    to: pydantic.AwareDatetime | None = pydantic.Field(None, description="Not after (ISO time)")
    page: int = pydantic.Field(1, ge=1, le=500)
    per_page: int = pydantic.Field(20, ge=1, le=100)
    masked: bool = pydantic.Field(True, description="Export: mask confidential hits (public-records copy)")

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
        "notices": page.notices,
    }
