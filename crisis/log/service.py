"""Writing and reading the situation log. The only writer of log entries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.enums import USER_LOG_KINDS, Classification, LogKind
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import classify, hashing, reads
from crisis.log.models import LogEntry
from crisis.search import service as search
from crisis.staffing.models import Assignment, Position
from crisis.textcheck import check_text

MAX_TEXT = 10_000
MAX_FUTURE = timedelta(minutes=5)
MAX_PAST = timedelta(days=30)
PAPER = "paper"  # LogEntry.source of an entry transcribed from the paper log
SOURCES = ("direct", PAPER)


def to_dict(entry: LogEntry, corrected_by: int | None = None) -> dict[str, Any]:
    return {
        "id": entry.id,
        "incident": entry.incident_id,
        "number": entry.number,
        "kind": entry.kind.value,
        "text": entry.text,
        "occurred_at": entry.occurred_at.isoformat(),
        "recorded_at": entry.recorded_at.isoformat(),
        "author": entry.author,
        "position": entry.position,
        "position_label": entry.position_label,
        "counterpart": entry.counterpart,
        "classification": entry.classification.value,
        "osl_ground": entry.osl_ground,
        "confidentiality": entry.confidentiality,
        "source": entry.source or "direct",
        "corrects": entry.corrects,
        "corrected_by": corrected_by,
        "decided_by": entry.decided_by,
        "mandate": entry.mandate,
        "hash": entry.hash,
    }


def masked_dict(entry: LogEntry, corrected_by: int | None = None) -> dict[str, Any]:
    """The entry as released under a public records request: confidential content masked."""
    d = to_dict(entry, corrected_by)
    if entry.classification is Classification.CONFIDENTIAL:
        # The ground, never the content: "Sekretess enligt 18 kap. 13 § OSL".
        masked = classify.ground_text(entry.osl_ground)
        d.update(text=masked, counterpart=None, decided_by=None, mandate=None, masked=True)
    return d


def _clean(value: str | None, field: str, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=field, limit=limit))
    check_text(value, field)
    return value or None


class Author(NamedTuple):
    """Who writes an entry, read once from the User (a commit expires ORM objects;
    reading these again inside the write transaction would cost a query)."""

    id: int
    username: str
    display_name: str

    @classmethod
    def of(cls, user: User | None) -> Author | None:
        return None if user is None else cls(user.id, user.username, user.display_name)


# Built once (compiled once): the position the author holds now, newest check-in first.
_HELD = (
    sa.select(Position.key, Position.label)
    .join(Assignment, Assignment.position_id == Position.id)
    .where(
        Position.incident_id == sa.bindparam("incident_id"),
        Assignment.user_id == sa.bindparam("user_id"),
        Assignment.checked_out_at.is_(None),
    )
    .order_by(Assignment.checked_in_at.desc())
    .limit(1)
)
_HELD_WANTED = _HELD.where(Position.key == sa.bindparam("wanted"))


def _held_position(incident_id: int, author: Author | None, wanted: str | None) -> tuple[str | None, str | None]:
    """The (key, label) of the position the author holds now in this incident (one indexed query)."""
    if author is None:
        return None, None
    params = {"incident_id": incident_id, "user_id": author.id}
    if wanted:
        row = db.session.execute(_HELD_WANTED, {**params, "wanted": wanted}).first()
        if row is None:
            raise ValidationError(
                _l("Du har inte funktionen %(position)s i den här händelsen; checka in först.", position=wanted)
            )
        return row[0], row[1]
    row = db.session.execute(_HELD, params).first()
    return (row[0], row[1]) if row else (None, None)


def write_entry(
    *,
    incident: Incident,
    actor: User | None,
    kind: LogKind,
    text: str,
    occurred_at: datetime | None = None,
    counterpart: str | None = None,
    classification: Classification = Classification.INTERNAL,
    osl_ground: str | None = None,
    corrects: int | None = None,
    decided_by: str | None = None,
    mandate: str | None = None,
    position: str | None = None,
    author: str | None = None,
    confidentiality: str | None = None,
    source: str | None = None,
) -> LogEntry:
    """Append an entry to a *locked* incident inside the caller's transaction.

    Other services call this for their `system` entries, so the entry and the
    change it records commit together or not at all.
    """
    return _write(
        incident=incident,
        writer=Author.of(actor),
        kind=kind,
        text=text,
        occurred_at=occurred_at,
        counterpart=counterpart,
        classification=classification,
        osl_ground=osl_ground,
        corrects=corrects,
        decided_by=decided_by,
        mandate=mandate,
        position=position,
        author=author,
        confidentiality=confidentiality,
        source=source,
    )


def _write(
    *,
    incident: Incident,
    writer: Author | None,
    kind: LogKind,
    text: str,
    occurred_at: datetime | None,
    counterpart: str | None,
    classification: Classification,
    osl_ground: str | None,
    corrects: int | None,
    decided_by: str | None,
    mandate: str | None,
    position: str | None,
    author: str | None,
    held: tuple[str | None, str | None] | None = None,
    confidentiality: str | None = None,
    source: str | None = None,
) -> LogEntry:
    # The cost of a write is counted in statements: the caller's lock (SELECT
    # ... FOR UPDATE), the position (when written by a person; `append` reads
    # it before taking the lock and passes it as `held`), the INSERT of
    # the entry and of its event, and at commit one UPDATE of the incident
    # (number, chain head, seq). The chain head is kept on the locked incident
    # row, so the previous entry is never read. The rows are inserted with
    # Core (no unit of work); the entry object returned is not in the session.
    now = utcnow()
    pos_key, pos_label = held if held is not None else _held_position(incident.id, writer, position)
    row: dict[str, Any] = dict(
        incident_id=incident.id,
        number=incident.last_log_number + 1,
        kind=kind,
        text=text,
        occurred_at=occurred_at or now,
        recorded_at=now,
        author_id=writer.id if writer else None,
        author=author or (writer.display_name if writer else "Krisrum"),
        position=pos_key,
        position_label=pos_label,
        counterpart=counterpart,
        classification=classification,
        osl_ground=osl_ground,
        confidentiality=confidentiality or classify.LEVEL_OF[classification.value],
        source=source if source == PAPER else None,
        corrects=corrects,
        decided_by=decided_by,
        mandate=mandate,
        prev_hash=incident.last_log_hash or hashing.GENESIS,
    )
    row["hash"] = hashing.entry_hash(row["prev_hash"], row)
    result = cast("sa.CursorResult[Any]", db.session.execute(LogEntry.__table__.insert(), row))
    pk = result.inserted_primary_key
    if pk is None:  # every supported database returns the new id of a single-row insert
        raise RuntimeError("the log insert returned no primary key")
    entry = LogEntry(id=pk[0], **row)
    incident.last_log_number = entry.number
    incident.last_log_hash = entry.hash
    search.index_locked(
        kind="log",
        incident=incident,
        ref_id=entry.id,
        number=entry.number,
        text=text,
        classification=classification,
        osl_ground=osl_ground,
        occurred_at=row["occurred_at"],
        extra=" ".join(v for v in (counterpart, row["author"], decided_by, mandate) if v),
        new=True,
    )
    # The event carries the entry as the API returns it (with its id).
    events.append_event(
        incident=incident,
        type="log.appended",
        actor=writer.username if writer else None,
        data=to_dict(entry),
        confidential=classification is Classification.CONFIDENTIAL,
    )
    return entry


def system_entry(*, incident: Incident, actor: User | None, text: str, **kw: Any) -> LogEntry:
    return write_entry(incident=incident, actor=actor, kind=LogKind.SYSTEM, text=text, **kw)


def _fields(entry: LogEntry) -> dict[str, Any]:
    return {f: getattr(entry, f) for f in hashing.ALL_HASHED_FIELDS}


def _validate_user_entry(
    *,
    text: str,
    kind: str,
    occurred_at: datetime | None,
    classification: str | None,
    osl_ground: str | None,
    decided_by: str | None,
    mandate: str | None,
    incident: Incident,
    confidentiality: str | None = None,
) -> tuple[LogKind, Classification, str, str | None]:
    if not text or not text.strip():
        raise ValidationError(_l("Texten är tom."))
    check_text(text, "text")
    if len(text) > MAX_TEXT:
        raise ValidationError(_l("Texten är längre än %(limit)s tecken.", limit=MAX_TEXT))
    try:
        kind_e = LogKind(kind)
    except ValueError:
        raise ValidationError(
            _l(
                'Okänd posttyp "%(value)s"; välj en av: %(allowed)s.',
                value=kind,
                allowed=", ".join(k.value for k in USER_LOG_KINDS),
            )
        ) from None
    if kind_e not in USER_LOG_KINDS:
        raise ValidationError(_l("Systemposter skrivs av Krisrum, inte för hand."))
    if classification is not None and classification not in {c.value for c in Classification}:
        raise ValidationError(
            _l(
                'Okänd klassificering "%(value)s"; välj en av: %(allowed)s.',
                value=classification,
                allowed=", ".join(c.value for c in Classification),
            )
        )
    resolved = _resolve_classification(classification, confidentiality, osl_ground)
    cls_e = Classification(resolved.classification)
    if kind_e is LogKind.DECISION and not (decided_by and mandate):
        raise ValidationError(_l("Ett beslut anger vem som beslutade (decided_by) och med vilket mandat (mandate)."))
    if occurred_at is not None:
        if occurred_at.tzinfo is None:
            raise ValidationError(
                _l(
                    "%(field)s behöver en tidszon (t.ex. %(example)s).",
                    field="occurred_at",
                    example="2026-11-24T14:32:00+01:00",
                )
            )
        now = utcnow()
        if occurred_at > now + MAX_FUTURE:
            raise ValidationError(_l("Tidpunkten (occurred_at) ligger i framtiden."))
        if occurred_at < incident.created_at - MAX_PAST:
            raise ValidationError(_l("Tidpunkten (occurred_at) ligger mer än 30 dagar före händelsens början."))
    return kind_e, cls_e, resolved.confidentiality, resolved.osl_ground


def _resolve_classification(
    classification: str | None, confidentiality: str | None, osl_ground: str | None
) -> classify.Resolved:
    try:
        return classify.resolve(classification, confidentiality, osl_ground)
    except classify.ClassificationError as e:
        code = f"classification_{e.code}"
        if e.code == "unknown_level":
            raise ValidationError(
                _l("Okänd konfidentialitetsnivå; välj en av: K0, K1, K2, K3 (KLASSA)."), code=code
            ) from None
        if e.code == "level_mismatch":
            raise ValidationError(
                _l(
                    "Klassificeringen stämmer inte med konfidentialitetsnivån: "
                    "K0 är offentlig, K1 intern, K2 och K3 sekretess."
                ),
                code=code,
            ) from None
        if e.code == "osl_not_confidential":
            raise ValidationError(
                _l(
                    "En post med sekretessgrund i OSL är sekretessbelagd; "
                    "välj sekretess (K2 eller K3) eller ta bort grunden."
                ),
                code=code,
            ) from None
        raise ValidationError(
            _l('En sekretessbelagd post behöver sin grund i OSL (t.ex. "18 kap. 13 § OSL").'), code=code
        ) from None


def append(
    *,
    actor: User,
    incident_id: int,
    text: str,
    kind: str = "info",
    occurred_at: datetime | None = None,
    counterpart: str | None = None,
    classification: str | None = None,
    osl_ground: str | None = None,
    decided_by: str | None = None,
    mandate: str | None = None,
    position: str | None = None,
    confidentiality: str | None = None,
    source: str | None = None,
) -> LogEntry:
    """Write a log entry by hand (quick entry, the API).

    `classification`, `confidentiality` (KLASSA level) and `osl_ground` complete
    each other; see crisis.log.classify for the rules. `source="paper"` records
    an entry transcribed from the paper log kept during an outage: it needs the
    real time it happened (`occurred_at`, in the past).
    """
    check(actor, Perm.WRITE_LOG)
    paper = _paper_source(source, occurred_at)
    counterpart = _clean(counterpart, "counterpart", 200)
    osl_ground = _clean(osl_ground, "osl_ground", 200)
    decided_by = _clean(decided_by, "decided_by", 200)
    mandate = _clean(mandate, "mandate", 300)
    writer = Author.of(actor)
    with write_transaction(db.session):
        # The position the author holds as they save, read before the incident
        # lock: one statement less while the lock is held (the lock serialises
        # every writer of the incident).
        held: tuple[str | None, str | None] | None = None
        try:
            held = _held_position(incident_id, writer, position)
        except ValidationError as not_held:
            held_error: ValidationError | None = not_held
        else:
            held_error = None
        incident = events.lock_incident(incident_id=incident_id)
        kind_e, cls_e, level, osl_ground = _validate_user_entry(
            text=text,
            kind=kind,
            occurred_at=occurred_at,
            classification=classification,
            osl_ground=osl_ground,
            decided_by=decided_by,
            mandate=mandate,
            incident=incident,
            confidentiality=confidentiality,
        )
        if held_error is not None:  # reported after "no such incident", "closed" and bad input, as before
            raise held_error
        entry = _write(
            incident=incident,
            writer=writer,
            kind=kind_e,
            text=text.strip(),
            occurred_at=occurred_at,
            counterpart=counterpart,
            classification=cls_e,
            osl_ground=osl_ground,
            corrects=None,
            decided_by=decided_by,
            mandate=mandate,
            position=position,
            author=None,
            held=held,
            confidentiality=level,
            source=PAPER if paper else None,
        )
    return entry


def _paper_source(source: str | None, occurred_at: datetime | None) -> bool:
    """Whether the entry is transcribed from paper; checks the time it then needs."""
    if source is None or source == "direct":
        return False
    if source != PAPER:
        raise ValidationError(
            _l('Okänd källa "%(value)s"; välj en av: %(allowed)s.', value=source, allowed=", ".join(SOURCES)),
            code="bad_source",
        )
    if occurred_at is None:
        raise ValidationError(
            _l("En post som skrevs på papper under avbrottet behöver den verkliga tidpunkten (occurred_at)."),
            code="paper_needs_time",
        )
    if occurred_at.tzinfo is not None and occurred_at > utcnow():
        raise ValidationError(
            _l("En post som skrevs på papper har en tidpunkt (occurred_at) som redan har varit."),
            code="paper_time_future",
        )
    return True


def correct(
    *,
    actor: User,
    incident_id: int,
    number: int,
    text: str,
    classification: str | None = None,
    osl_ground: str | None = None,
    declassify: bool = False,
    counterpart: str | None = None,
    decided_by: str | None = None,
    mandate: str | None = None,
    confidentiality: str | None = None,
) -> LogEntry:
    """A correction: a new entry pointing at entry `number`, which is then shown struck through.

    It inherits the original's classification, KLASSA level and OSL ground
    (a new ground may be given). Only a leader may give it a lower
    classification or level, and only by saying so (`declassify`); such a correction never
    copies the original's counterpart, decided_by or mandate: whatever of
    them may be less protected is given again (`counterpart`, `decided_by`,
    `mandate`), so nothing the original kept confidential leaks through it.
    """
    check(actor, Perm.WRITE_LOG)
    counterpart = _clean(counterpart, "counterpart", 200)
    decided_by = _clean(decided_by, "decided_by", 200)
    mandate = _clean(mandate, "mandate", 300)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        original = _get_entry(incident_id, number)
        if original.classification is Classification.CONFIDENTIAL and not has_perm(actor, Perm.READ_CONFIDENTIAL):
            raise NotFound(
                _l("Post %(number)s finns inte i händelse %(incident)s.", number=number, incident=incident_id)
            )
        if original.kind is LogKind.SYSTEM:
            # System entries record what the system did; a hand-written "correction" would misstate it.
            raise ValidationError(_("Systemposter kan inte rättas för hand."), code="system_entry")
        later = db.session.scalar(
            sa.select(LogEntry.number).where(LogEntry.incident_id == incident_id, LogEntry.corrects == number)
        )
        if later is not None:
            raise Conflict(
                _l(
                    "Post %(number)s är redan rättad av post %(later)s; rätta post %(later)s i stället.",
                    number=number,
                    later=later,
                )
            )
        # What is not given is inherited; what is given completes the rest (crisis.log.classify).
        cls_req = (
            classification
            if classification is not None
            else (None if confidentiality else original.classification.value)
        )
        level_req = (
            confidentiality if confidentiality is not None else (None if classification else original.confidentiality)
        )
        cls_value = cls_req or classify.CLASS_OF.get(level_req or "", original.classification.value)
        still_secret = cls_value == Classification.CONFIDENTIAL.value
        osl = _clean(osl_ground, "osl_ground", 200) or (original.osl_ground if still_secret else None)
        kind = original.kind  # never SYSTEM: refused above
        lowered = _lowers(original.classification, cls_value) or (
            level_req is not None and classify.level_lowered(original.confidentiality, level_req)
        )
        if lowered:
            if not declassify:
                raise ValidationError(
                    _l(
                        "En rättelse ärver originalets klassificering (%(classification)s). "
                        "Bara en ledare kan sänka den, och bara uttryckligen (declassify).",
                        classification=f"{original.classification.value}, {original.confidentiality or '-'}",
                    ),
                    code="classification_inherited",
                )
            check(actor, Perm.LEAD)
        elif counterpart or decided_by or mandate:
            raise ValidationError(
                _l(
                    "Motpart, beslutsfattare och mandat tas från originalet; ange dem bara när du sänker klassificeringen."
                )
            )
        if not lowered:
            counterpart, decided_by, mandate = original.counterpart, original.decided_by, original.mandate
        kind_e, cls_e, level, osl = _validate_user_entry(
            text=text,
            kind=kind.value,
            occurred_at=None,
            classification=cls_req,
            osl_ground=osl,
            decided_by=decided_by,
            mandate=mandate,
            incident=incident,
            confidentiality=level_req,
        )
        entry = write_entry(
            incident=incident,
            actor=actor,
            kind=kind_e,
            text=text.strip(),
            occurred_at=original.occurred_at,
            counterpart=counterpart,
            classification=cls_e,
            osl_ground=osl,
            corrects=number,
            decided_by=decided_by,
            mandate=mandate,
            confidentiality=level,
        )
    return entry


PROTECTION = {Classification.PUBLIC: 0, Classification.INTERNAL: 1, Classification.CONFIDENTIAL: 2}


def _lowers(original: Classification, requested: str) -> bool:
    """True when `requested` protects less than `original` (an unknown value is left to the validation)."""
    try:
        return PROTECTION[Classification(requested)] < PROTECTION[original]
    except ValueError:
        return False


def _get_entry(incident_id: int, number: int) -> LogEntry:
    entry = db.session.scalar(sa.select(LogEntry).where(LogEntry.incident_id == incident_id, LogEntry.number == number))
    if entry is None:
        raise NotFound(_l("Post %(number)s finns inte i händelse %(incident)s.", number=number, incident=incident_id))
    return entry


def list_entries(
    *,
    viewer: User,
    incident_id: int,
    kind: str | None = None,
    position: str | None = None,
    q: str | None = None,
    after: int | None = None,
    before: int | None = None,
    limit: int | None = None,
    include_confidential: bool | None = None,
) -> list[tuple[LogEntry, int | None]]:
    """Entries in number order with the number of the entry correcting each, if any.

    `after`/`before` keep only numbers strictly between them; `limit` keeps the
    latest N of what matches (still returned in number order).
    Observers never get confidential entries (`include_confidential` cannot widen that).
    """
    return log_page(
        viewer=viewer,
        incident_id=incident_id,
        kind=kind,
        position=position,
        q=q,
        after=after,
        before=before,
        limit=limit,
        include_confidential=include_confidential,
    )[0]


def log_page(
    *,
    viewer: User,
    incident_id: int,
    kind: str | None = None,
    position: str | None = None,
    q: str | None = None,
    after: int | None = None,
    before: int | None = None,
    limit: int | None = None,
    include_confidential: bool | None = None,
) -> tuple[list[tuple[LogEntry, int | None]], int | None]:
    """One page of the log: (entries in number order, next_before).

    next_before is the number to pass as `before` for the next older page of the
    same query, or None when nothing older matches.
    """
    check(viewer, Perm.READ)
    if db.session.get(Incident, incident_id) is None:
        raise NotFound(_l("Händelse %(id)s finns inte.", id=incident_id))
    may_conf = has_perm(viewer, Perm.READ_CONFIDENTIAL)
    show_conf = may_conf if include_confidential is None else (include_confidential and may_conf)
    stmt = sa.select(LogEntry).where(LogEntry.incident_id == incident_id)
    if not show_conf:
        stmt = stmt.where(LogEntry.classification != Classification.CONFIDENTIAL)
    if kind:
        try:
            stmt = stmt.where(LogEntry.kind == LogKind(kind))
        except ValueError:
            raise ValidationError(_l('Okänd posttyp "%(value)s".', value=kind)) from None
    if position:
        stmt = stmt.where(LogEntry.position == position)
    if q and q.strip():
        # The search index: Swedish case and word forms (see crisis.search.text).
        refs = search.matching_refs(kind="log", incident_id=incident_id, q=q)
        if refs is not None:
            stmt = stmt.where(LogEntry.id.in_(refs))
    if after:
        stmt = stmt.where(LogEntry.number > after)
    if before is not None:
        stmt = stmt.where(LogEntry.number < before)
    next_before: int | None = None
    if limit:
        # the latest `limit` entries (one more to learn whether older ones exist)
        entries = list(db.session.scalars(stmt.order_by(LogEntry.number.desc()).limit(limit + 1)))
        if len(entries) > limit:
            entries = entries[:limit]
            next_before = entries[-1].number
        entries.reverse()
    else:
        entries = list(db.session.scalars(stmt.order_by(LogEntry.number)))
    corrections: dict[int, int] = {}
    if entries:
        numbers = [e.number for e in entries]
        corrections = corrected_by(incident_id=incident_id, between=(numbers[0], numbers[-1]))
    secret = [e.number for e in entries if e.classification is Classification.CONFIDENTIAL]
    if secret:
        # The read audit (crisis.log.reads) commits: keep the entries read so far as they are.
        for e in entries:
            db.session.expunge(e)
        reads.record(viewer=viewer, incident_id=incident_id, numbers=secret, via="log")
    return [(e, corrections.get(e.number)) for e in entries], next_before


def corrected_by(
    *, incident_id: int, numbers: Sequence[int] = (), between: tuple[int, int] | None = None, upto: int | None = None
) -> dict[int, int]:
    """Which entry corrects each of `numbers` (or each entry numbered within `between`): {corrected: correction}.

    `upto` ignores corrections written after that entry number (an export's
    fixed end). The one query every page of the log uses to strike entries through.
    """
    if between is None and not numbers:
        return {}
    stmt = sa.select(LogEntry.corrects, LogEntry.number).where(LogEntry.incident_id == incident_id)
    if between is not None:
        stmt = stmt.where(LogEntry.corrects.between(*between))
    else:
        stmt = stmt.where(LogEntry.corrects.in_(list(numbers)))
    if upto is not None:
        stmt = stmt.where(LogEntry.number <= upto)
    return {corrected: number for corrected, number in db.session.execute(stmt).tuples() if corrected is not None}


def all_for_export(*, incident_id: int) -> list[tuple[LogEntry, int | None]]:
    """Every entry, including confidential ones (callers mask or check roles)."""
    entries = list(
        db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number))
    )
    corrections = {e.corrects: e.number for e in entries if e.corrects is not None}
    return [(e, corrections.get(e.number)) for e in entries]


def verify_chain(*, incident_id: int) -> hashing.ChainProblem | None:
    """Recompute the chain of one incident from the stored rows."""
    rows = db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number))

    def as_maps(entries: Iterable[LogEntry]) -> Iterable[dict[str, Any]]:
        for e in entries:
            d = _fields(e)
            d.update(prev_hash=e.prev_hash, hash=e.hash)
            yield d

    problem = hashing.verify(as_maps(rows))
    if problem is None:
        incident = db.session.get(Incident, incident_id)
        count = (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(LogEntry).where(LogEntry.incident_id == incident_id)
            )
            or 0
        )
        if incident is not None and count != incident.last_log_number:
            return hashing.ChainProblem(
                count + 1, f"entries after {count} are missing (the incident counted {incident.last_log_number})"
            )
        if incident is not None:
            last_hash = (
                db.session.scalar(
                    sa.select(LogEntry.hash).where(LogEntry.incident_id == incident_id, LogEntry.number == count)
                )
                if count
                else hashing.GENESIS
            )
            if last_hash != incident.last_log_hash:
                # The next entry would link to the wrong hash.
                return hashing.ChainProblem(count + 1, f"the incident's chain head does not match entry {count}")
    return problem
