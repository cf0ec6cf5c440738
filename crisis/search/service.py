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

Speed (bench/search.py): a page of hits is found in two short queries. First
the *window*: the newest RANK_WINDOW + 1 matches that pass the filters, read
from the index in id order (SQLite: FTS5 MATCH ordered by rowid, PostgreSQL:
the GIN index or the btree indexes on time backwards, whichever the planner finds
cheaper); only those are ranked (bm25 / ts_rank), counted (capped: "more than
1 000 hits") and cut to the page. Then the page's rows are loaded with their
incident and highlighted. A search that matches more than RANK_WINDOW things
ranks the newest of them and says so; the CSV export has every hit.
"""

from __future__ import annotations

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
from crisis.search import kinds as search_kinds
from crisis.search import text as swedish
from crisis.search.models import SearchDoc, scope_tokens

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 500
EXPORT_CHUNK = 500
RANK_WINDOW = 1000  # the newest matches that are ranked and paged; more are counted as "more than 1 000"


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
    if search_kinds.get(kind) is None:
        raise ValueError(f"search kind {kind!r} is not registered (crisis.search.kinds.register)")
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
    scope = scope_tokens(incident.id, kind, row["classification"])
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
                sa.text("INSERT INTO search_fts (rowid, terms, scope) VALUES (:id, :terms, :scope)"),
                {"id": doc_id, "terms": row["terms"], "scope": scope},
            )
    else:
        db.session.execute(table.update().where(table.c.id == doc_id), row)
        if sqlite:
            db.session.execute(
                sa.text("UPDATE search_fts SET terms = :terms, scope = :scope WHERE rowid = :id"),
                {"id": doc_id, "terms": row["terms"], "scope": scope},
            )


# --- matching ---------------------------------------------------------------------


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


_FTS = sa.table("search_fts", sa.column("rowid"), sa.column("rank"))


def _fts_match(
    query: swedish.Query, *, incident_id: int | None = None, kind: str | None = None, confidential: bool = True
) -> sa.TextClause:
    """MATCH on search_fts: the words in `terms`, the filters as scope tokens
    (see crisis.search.models.scope_tokens), so SQLite answers them inside the index."""
    expr = f"terms : ({query.fts5()})"
    scope = [f"i{incident_id}"] if incident_id is not None else []
    if kind:
        scope.append(f"k{kind.replace('_', '')}")
    if scope:
        expr = f"({expr}) AND (scope : ({' AND '.join(scope)}))"
    if not confidential:
        expr = f"({expr}) NOT (scope : cconfidential)"
    return sa.text("search_fts MATCH :search_match").bindparams(search_match=expr)


def _tsv() -> sa.ColumnElement[Any]:
    return sa.literal_column("search_docs.tsv")


def _tsquery(query: swedish.Query) -> sa.ColumnElement[Any]:
    return sa.func.to_tsquery("simple", query.tsquery())


def _matched(
    stmt: sa.Select[Any], query: swedish.Query, *, incident_id: int | None = None, kind: str | None = None
) -> sa.Select[Any]:
    """`stmt` (over SearchDoc) restricted to the docs that match (unranked: no
    bm25 or ts_rank is computed). `incident_id` and `kind` narrow SQLite's index
    scan (the caller filters on them too)."""
    if _sqlite():
        match = _fts_match(query, incident_id=incident_id, kind=kind)
        fts = sa.select(_FTS.c.rowid.label("doc_id")).select_from(_FTS).where(match).subquery("fts")
        return stmt.join(fts, fts.c.doc_id == SearchDoc.id)
    return stmt.where(_tsv().op("@@")(_tsquery(query)))


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
    return _matched(stmt, query, incident_id=incident_id, kind=kind)


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
    total: int = 0  # hits found, counted up to RANK_WINDOW + 1 (0 on a page past the end)
    more: bool = False  # more than RANK_WINDOW hits: the newest are ranked, refine or export

    @property
    def total_text(self) -> str:
        """ "3 träffar", "över 1 000 träffar" (Swedish thousands separator)."""
        if self.more:
            return str(_l("Över %(n)s träffar", n=_thousands(RANK_WINDOW)))
        return str(_l("%(n)s träffar", n=self.total)) if self.total != 1 else str(_l("1 träff"))


def _thousands(n: int) -> str:
    """1000 -> "1 000" (a no-break space, as Swedish writes it)."""
    return f"{n:,}".replace(",", "\u00a0")


def _authorise(viewer: User, filters: Filters) -> None:
    if filters.incident_id is None:
        check(viewer, Perm.LEAD)  # across every incident and exercise: leaders and admins
        return
    check(viewer, Perm.READ)
    if db.session.get(Incident, filters.incident_id) is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=filters.incident_id))


def _conditions(filters: Filters, *, confidential: bool) -> list[sa.ColumnElement[bool]]:
    """The filters as conditions on SearchDoc alone (no join: the window query stays on the index)."""
    conds: list[sa.ColumnElement[bool]] = []
    if filters.incident_id is not None:
        conds.append(SearchDoc.incident_id == filters.incident_id)
    if filters.kind:
        if search_kinds.get(filters.kind) is None:
            raise ValidationError(
                _l(
                    'Okänd typ "%(value)s"; välj en av %(kinds)s.',
                    value=filters.kind,
                    kinds=", ".join(search_kinds.keys()),
                ),
                code="unknown_kind",
            )
        conds.append(SearchDoc.kind == filters.kind)
    if filters.mode:
        try:
            mode = Mode(filters.mode)
        except ValueError:
            raise ValidationError(_l('Okänt läge "%(value)s"; välj real eller exercise.', value=filters.mode)) from None
        conds.append(SearchDoc.incident_id.in_(sa.select(Incident.id).where(Incident.mode == mode)))
    if filters.start is not None and filters.end is not None and _utc(filters.start) > _utc(filters.end):
        raise ValidationError(_l("Från-tiden ligger efter till-tiden."), code="bad_time_range")
    if filters.start is not None:
        conds.append(SearchDoc.occurred_at >= _utc(filters.start))
    if filters.end is not None:
        conds.append(SearchDoc.occurred_at <= _utc(filters.end))
    if not confidential:
        conds.append(SearchDoc.classification != Classification.CONFIDENTIAL.value)
    return conds


def _window(filters: Filters, query: swedish.Query, *, confidential: bool) -> sa.Subquery:
    """The newest RANK_WINDOW + 1 matches that pass the filters, as (id, rank);
    a lower rank is a better hit. Ranking is computed for these rows only."""
    conds = _conditions(filters, confidential=confidential)
    if _sqlite():
        # FTS5 hands out its matches in rowid order (ORDER BY rowid DESC is
        # consumed by the virtual table), so the LIMIT stops the scan early
        # and bm25 is computed for the rows that are kept only. Rowid order
        # is write order, which is time order but for back-dated entries.
        match = _fts_match(query, incident_id=filters.incident_id, kind=filters.kind, confidential=confidential)
        return (
            sa.select(SearchDoc.id.label("id"), sa.literal_column("bm25(search_fts, 1.0, 0.0)").label("rank"))
            .select_from(_FTS)
            .join(SearchDoc, SearchDoc.id == _FTS.c.rowid)
            .where(match, *conds)
            .order_by(_FTS.c.rowid.desc())
            .limit(RANK_WINDOW + 1)
            .subquery("window")
        )
    tsq = _tsquery(query)
    newest = (
        sa.select(SearchDoc.id.label("id"), _tsv().label("tsv"))
        .where(_tsv().op("@@")(tsq), *conds)
        .order_by(SearchDoc.occurred_at.desc(), SearchDoc.id.desc())
        .limit(RANK_WINDOW + 1)
        .subquery("newest")
    )
    return sa.select(newest.c.id, (-sa.func.ts_rank(newest.c.tsv, tsq)).label("rank")).subquery("window")


def _utc(dt: datetime) -> datetime:
    """An aware UTC time (the UTC columns refuse naive ones; naive input is read as UTC)."""
    return dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC)


def _checked_query(q: str | None) -> swedish.Query:
    query = swedish.parse(q)
    if query.empty:
        raise ValidationError(_l("Skriv minst ett ord att söka efter (bokstäver eller siffror)."), code="empty_query")
    return query


def _notices(query: swedish.Query, *, more: bool) -> list[str]:
    notices = []
    if query.truncated:
        notices.append(
            str(
                _l(
                    "Sökningen var för lång: de första %(chars)s tecknen och högst %(terms)s ord användes.",
                    chars=swedish.MAX_QUERY,
                    terms=swedish.MAX_TERMS,
                )
            )
        )
    if more:
        notices.append(
            str(
                _l(
                    "Fler än %(n)s träffar: de %(n)s senaste är rangordnade här. Lägg till ord eller filter, "
                    "eller exportera alla träffar.",
                    n=_thousands(RANK_WINDOW),
                )
            )
        )
    return notices


def mask_text(osl_ground: str | None) -> str:
    """The text a confidential hit shows in a masked export (as the log export): the ground, never the content."""
    from crisis.log.classify import ground_text

    return ground_text(osl_ground)


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
    window = _window(filters, query, confidential=may_conf)
    # 1. rank, count and cut to the page: ids only, on the window's rows.
    ranked = db.session.execute(
        sa.select(window.c.id, sa.func.count().over().label("total"))
        .order_by(window.c.rank, window.c.id.desc())
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    ids = [r.id for r in ranked[:per_page]]
    total = ranked[0].total if ranked else 0
    # 2. the page's rows with their incident, highlighted.
    docs: dict[int, tuple[SearchDoc, str, Mode]] = {}
    if ids:
        for doc, title, mode in db.session.execute(
            sa.select(SearchDoc, Incident.title, Incident.mode)
            .join(Incident, Incident.id == SearchDoc.incident_id)
            .where(SearchDoc.id.in_(ids))
        ):
            docs[doc.id] = (doc, title, mode)
    hits = [
        Hit(doc=doc, incident_title=title, mode=mode.value, snippet=swedish.highlight(doc.text, query), masked=False)
        for doc, title, mode in (docs[i] for i in ids if i in docs)
    ]
    more = total > RANK_WINDOW
    _audit_reads(viewer, [h.doc for h in hits])
    return SearchPage(
        hits=hits,
        page=page,
        next_page=page + 1 if len(ranked) > per_page and page < MAX_PAGE else None,
        truncated=query.truncated,
        query=query,
        notices=_notices(query, more=more),
        total=total,
        more=more,
    )


def _audit_reads(viewer: User, docs: list[SearchDoc]) -> None:
    """Confidential log entries shown in the hits go to the read audit (crisis.log.reads; it commits)."""
    from crisis.log import reads

    shown: dict[int, list[int]] = {}
    for doc in docs:
        if doc.kind == "log" and doc.classification == Classification.CONFIDENTIAL.value and doc.number:
            shown.setdefault(doc.incident_id, []).append(doc.number)
    if not shown:
        return
    for doc in docs:
        db.session.expunge(doc)
    for incident_id, numbers in shown.items():
        reads.record(viewer=viewer, incident_id=incident_id, numbers=numbers, via="search")


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
    base = _matched(
        sa.select(SearchDoc, Incident.title, Incident.mode)
        .join(Incident, Incident.id == SearchDoc.incident_id)
        .where(*_conditions(filters, confidential=may_conf or masked)),
        query,
        incident_id=filters.incident_id,
        kind=filters.kind,
    )
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
                "occurred_at": doc.occurred_at,
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
