"""The kinds of things the search index holds: the one registration point.

A kind is a key (what `index_locked(kind=...)` and the `kind` filter use),
a label (the /search page and its filter), where a hit is shown (an endpoint
taking `incident_id`, plus an anchor prefix for the hit's number) and how
users write its number ("B-3" for decision 3). See `crisis.search` for how a
new domain adds its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

KEY_RE = re.compile(r"^[a-z_]{1,20}$")


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: Any  # a lazy string
    endpoint: str  # a page endpoint taking incident_id
    anchor: str = ""  # fragment prefix; the hit's number follows ("entry-12")
    number_format: str = "{n}"  # how users write the number ("B-{n}")

    def number_text(self, number: int | None) -> str:
        return "" if number is None else self.number_format.format(n=number)


_KINDS: dict[str, SearchKind] = {}


def register(key: str, label: Any, endpoint: str, *, anchor: str = "", number_format: str = "{n}") -> SearchKind:
    """Add (or replace) a kind. Call it at import or from a domain's init_app."""
    if not KEY_RE.match(key):
        raise ValueError(f"search kind must match {KEY_RE.pattern}: {key!r}")
    kind = SearchKind(key, label, endpoint, anchor, number_format)
    _KINDS[key] = kind
    return kind


def get(key: str) -> SearchKind | None:
    return _KINDS.get(key)


def keys() -> list[str]:
    return list(_KINDS)


def all_kinds() -> list[SearchKind]:
    return list(_KINDS.values())


register("log", _l("Loggpost"), "web.incident", anchor="entry-")
register("decision", _l("Beslut"), "decisions.register", number_format="B-{n}")
register("task", _l("Uppgift"), "tasks.board", anchor="task-")
register("report", _l("Lägesrapport"), "reports.reports_page", anchor="report-")
