"""Search across the record: the one index writer (`index_locked`) and the readers.

A domain plugs in with one call, inside the write transaction of the thing it
indexes (after the row has its id):

    from crisis.search import service as search
    search.index_locked(kind="decision", incident=incident, ref_id=d.id, number=d.number,
                        title=..., text=..., classification=..., osl_ground=..., occurred_at=...)

Calling it again for the same (kind, ref_id) replaces the indexed text. Who
may see a hit follows the log's rule: confidential hits only for roles with
READ_CONFIDENTIAL (observers never); searching across incidents needs LEAD
(leaders, admins); within one incident READ.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow
from crisis.enums import Classification, Mode
from crisis.errors import NotFound, ValidationError
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.search import text as swedish
from crisis.search.models import SearchDoc

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 500
EXPORT_CHUNK = 500
KIND_RE = re.compile(r"^[a-z_]{1,20}$")


# --- writing ----------------------------------------------------------------------


def index_locked(
    *,
    kind: str,
    incident: Incident,
    ref_id: int,
    text: str,
    title: str = "",
    number: int | None = None,
    classification: Classification | str = Classification.INTERNAL,
    osl_ground: str | None = None,
    occurred_at: datetime | None = None,
    extra: str = "",
    new: bool = False,
) -> None:
    """Index (or re-index) one thing inside the caller's write transaction.

    `text` is what a hit shows (highlighted); `title` and `extra` (e.g. the
    author, the counterpart) are searchable too. Never commits.
    """
    if not KIND_RE.match(kind):
        raise ValueError(f"search kind must match {KIND_RE.pattern}: {kind!r}")
    row: dict[str, Any] = dict(
        incident_id=incident.id,
        kind=kind,
        ref_id=ref_id,
        number=number,
        title=title[:300],
        text=text,
        terms=swedish.terms(f"{title}\n{text}\n{extra}"),
        classification=Classification(classification).value,
        osl_ground=osl_ground,
        occurred_at=_utc(occurred_at or utcnow()),
    )
    table = SearchDoc.__table__
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    doc_id = (
        None
        if new
        else db.session.scalar(sa.select(SearchDoc.id).where(SearchDoc.kind == kind, SearchDoc.ref_id == ref_id))
    )
    if doc_id is None:
        doc_id = db.session.execute(table.insert().returning(table.c.id), row).scalar_one()
        if sqlite:
            db.session.execute(
                sa.text("INSERT INTO search_fts (rowid, terms) VALUES (:id, :terms)"),
                {"id": doc_id, "terms": row["terms"]},
            )
    else:
        db.session.execute(table.update().where(table.c.id == doc_id), row)
        if sqlite:
            db.session.execute(
                sa.text("UPDATE search_fts SET terms = :terms WHERE rowid = :id"), {"id": doc_id, "terms": row["terms"]}
            )


# --- matching ---------------------------------------------------------------------


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _match(stmt: sa.Select[Any], query: swedish.Query, *, ranked: bool) -> sa.Select[Any]:
    """`stmt` (over SearchDoc) restricted to the docs that match, ordered by rank if `ranked`."""
    if _sqlite():
        # MATCH and FTS5's own `rank` (bm25) in a subquery: the matches are
        # ranked inside the virtual table, then joined to their rows.
        fts = (
            sa.select(sa.literal_column("rowid").label("doc_id"), sa.literal_column("rank").label("rank"))
            .select_from(sa.table("search_fts"))
            .where(sa.text("search_fts MATCH :search_match").bindparams(search_match=query.fts5()))
            .subquery("fts")
        )
        stmt = stmt.join(fts, fts.c.doc_id == SearchDoc.id)
        if ranked:
            stmt = stmt.order_by(fts.c.rank, SearchDoc.occurred_at.desc())
        return stmt
    tsv: sa.ColumnElement[Any] = sa.literal_column("search_docs.tsv")
    tsq = sa.func.to_tsquery("simple", query.tsquery())
    stmt = stmt.where(tsv.op("@@")(tsq))
    if ranked:
        stmt = stmt.order_by(sa.func.ts_rank(tsv, tsq).desc(), SearchDoc.occurred_at.desc())
    return stmt


def matching_refs(*, kind: str, incident_id: int, q: str) -> sa.Select[Any] | None:
    """A subquery of the ref_ids of `kind` in the incident that match `q`, or
    None when `q` is blank (nothing filtered). For the log's filter. A query
    of only syntax characters ("%", "*") has no words and matches nothing."""
    if not (q or "").strip():
        return None
    query = swedish.parse(q)
    stmt = sa.select(SearchDoc.ref_id).where(SearchDoc.incident_id == incident_id, SearchDoc.kind == kind)
    if query.empty:
        return stmt.where(sa.false())
    return _match(stmt, query, ranked=False)


# --- reading ----------------------------------------------------------------------


@dataclass
class Filters:
    incident_id: int | None = None
    kind: str | None = None
    mode: str | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass
class Hit:
    doc: SearchDoc
    incident_title: str
    mode: str
    snippet: Markup
    masked: bool


@dataclass
class SearchPage:
    hits: list[Hit]
    page: int
    next_page: int | None
    truncated: bool
    query: swedish.Query
    notices: list[str] = field(default_factory=list)


def _authorise(viewer: User, filters: Filters) -> None:
    if filters.incident_id is None:
        check(viewer, Perm.LEAD)  # across every incident and exercise: leaders and admins
        return
    check(viewer, Perm.READ)
    if db.session.get(Incident, filters.incident_id) is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=filters.incident_id))


def _filtered(filters: Filters, query: swedish.Query, *, confidential: bool, ranked: bool) -> sa.Select[Any]:
    stmt = sa.select(SearchDoc, Incident.title, Incident.mode).join(Incident, Incident.id == SearchDoc.incident_id)
    if filters.incident_id is not None:
        stmt = stmt.where(SearchDoc.incident_id == filters.incident_id)
    if filters.kind:
        if not KIND_RE.match(filters.kind):
            raise ValidationError(_l('Okänd typ "%(value)s".', value=filters.kind))
        stmt = stmt.where(SearchDoc.kind == filters.kind)
    if filters.mode:
        try:
            stmt = stmt.where(Incident.mode == Mode(filters.mode))
        except ValueError:
            raise ValidationError(_l('Okänt läge "%(value)s"; välj real eller exercise.', value=filters.mode)) from None
    if filters.start is not None:
        stmt = stmt.where(SearchDoc.occurred_at >= _utc(filters.start))
    if filters.end is not None:
        stmt = stmt.where(SearchDoc.occurred_at <= _utc(filters.end))
    if not confidential:
        stmt = stmt.where(SearchDoc.classification != Classification.CONFIDENTIAL.value)
    return _match(stmt, query, ranked=ranked)


def _utc(dt: datetime) -> datetime:
    """An aware UTC time (the UTC columns refuse naive ones; naive input is read as UTC)."""
    return dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC)


def _checked_query(q: str | None) -> swedish.Query:
    query = swedish.parse(q)
    if query.empty:
        raise ValidationError(_l("Skriv minst ett ord att söka efter (bokstäver eller siffror)."), code="empty_query")
    return query


def _notices(query: swedish.Query) -> list[str]:
    if query.truncated:
        return [
            str(
                _l(
                    "Sökningen var för lång: de första %(chars)s tecknen och högst %(terms)s ord användes.",
                    chars=swedish.MAX_QUERY,
                    terms=swedish.MAX_TERMS,
                )
            )
        ]
    return []


def mask_text(osl_ground: str | None) -> str:
    """The text a confidential hit shows in a masked export (as the log export)."""
    return f"[Maskerad – sekretess enligt {osl_ground}]"


def search(
    *,
    viewer: User,
    q: str | None,
    filters: Filters | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """One page of ranked hits, each with its matching words highlighted."""
    filters = filters or Filters()
    _authorise(viewer, filters)
    query = _checked_query(q)
    page = max(1, min(page, MAX_PAGE))
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    may_conf = has_perm(viewer, Perm.READ_CONFIDENTIAL)
    stmt = (
        _filtered(filters, query, confidential=may_conf, ranked=True).limit(per_page + 1).offset((page - 1) * per_page)
    )
    rows = db.session.execute(stmt).all()
    hits = [
        Hit(doc=doc, incident_title=title, mode=mode.value, snippet=swedish.highlight(doc.text, query), masked=False)
        for doc, title, mode in rows[:per_page]
    ]
    return SearchPage(
        hits=hits,
        page=page,
        next_page=page + 1 if len(rows) > per_page and page < MAX_PAGE else None,
        truncated=query.truncated,
        query=query,
        notices=_notices(query),
    )


EXPORT_COLUMNS = [
    "incident",
    "incident_title",
    "mode",
    "kind",
    "number",
    "occurred_at",
    "title",
    "classification",
    "osl_ground",
    "text",
]


def export_rows(
    *, viewer: User, q: str | None, filters: Filters | None = None, masked: bool = True
) -> Iterator[dict[str, Any]]:
    """Every hit (in time order, read in chunks) as a CSV row: the copy for a
    public-records request. Confidential hits are masked when `masked` or the
    viewer may not read them; a viewer who may not read them gets them masked
    only in a masked export (as crisis.log.export)."""
    filters = filters or Filters()
    _authorise(viewer, filters)
    query = _checked_query(q)
    may_conf = has_perm(viewer, Perm.READ_CONFIDENTIAL)
    base = _filtered(filters, query, confidential=may_conf or masked, ranked=False)
    return _export_iter(base, masked=masked or not may_conf)


def _export_iter(base: sa.Select[Any], *, masked: bool) -> Iterator[dict[str, Any]]:
    last: tuple[datetime, int] | None = None
    while True:
        stmt = base.order_by(SearchDoc.occurred_at, SearchDoc.id).limit(EXPORT_CHUNK)
        if last is not None:
            stmt = stmt.where(
                sa.or_(
                    SearchDoc.occurred_at > last[0],
                    sa.and_(SearchDoc.occurred_at == last[0], SearchDoc.id > last[1]),
                )
            )
        rows = db.session.execute(stmt).all()
        for doc, title, mode in rows:
            conf = doc.classification == Classification.CONFIDENTIAL.value
            yield {
                "incident": doc.incident_id,
                "incident_title": title,
                "mode": mode.value,
                "kind": doc.kind,
                "number": doc.number,
                "occurred_at": doc.occurred_at.isoformat(),
                "title": doc.title,
                "classification": doc.classification,
                "osl_ground": doc.osl_ground,
                "text": mask_text(doc.osl_ground) if (conf and masked) else doc.text,
            }
        if len(rows) < EXPORT_CHUNK:
            return
        last = (rows[-1][0].occurred_at, rows[-1][0].id)
        for row in rows:
            db.session.expunge(row[0])
