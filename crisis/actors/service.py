"""The actor register (aktörsregister): who the kommun works with in a crisis and how to reach them.

Read by the staff roles (contact routes such as Rakel talk groups are not for
observers), written by admins. An actor is never deleted, only deactivated,
so that old requests and conferences still name it. The register travels as
a CSV file (';', UTF-8): `export_rows` writes it, `import_csv` reads it back
all-or-nothing (every error as "file:line: ..." and nothing changed).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.actors.kinds import KINDS
from crisis.actors.models import Actor
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.collation import sv_sorted
from crisis.csvexport import FORMULA_STARTS
from crisis.db import utcnow, write_transaction
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.extensions import db
from crisis.textcheck import check_text

MAX_PAGE = 500
MAX_ROWS = 2000
LIMITS = {"name": 200, "phone": 100, "email": 200, "rakel": 100, "alternative": 300, "notes": 2000}
FIELDS = ("name", "kind", "phone", "email", "rakel", "alternative", "notes")
CSV_COLUMNS = (*FIELDS, "active")
TRUE_WORDS = {"ja", "yes", "true", "1", "aktiv", ""}
FALSE_WORDS = {"nej", "no", "false", "0", "inaktiv"}


def to_dict(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "phone": actor.phone or "",
        "email": actor.email or "",
        "rakel": actor.rakel or "",
        "alternative": actor.alternative or "",
        "notes": actor.notes or "",
        "active": actor.active,
        "version": actor.version,
        "updated_by": actor.updated_by,
        "updated_at": actor.updated_at.isoformat(),
    }


# --- validation -------------------------------------------------------------------


def _clean(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validated fields (all of FIELDS unless `partial`); raises ValidationError naming the field."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        if name not in values:
            if partial:
                continue
            value: Any = "" if name != "kind" else None
        else:
            value = values[name]
        if name == "kind":
            if value not in KINDS:
                raise ValidationError(
                    _l(
                        'Okänd aktörstyp "%(value)s"; välj en av: %(allowed)s.',
                        value=value if value is not None else "",
                        allowed=", ".join(KINDS),
                    ),
                    code="bad_kind",
                )
            out[name] = value
            continue
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValidationError(_l("%(field)s måste vara text.", field=name))
        text = value.strip() if name == "notes" else " ".join(value.split())
        if len(text) > LIMITS[name]:
            raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=name, limit=LIMITS[name]))
        check_text(text, name)
        if name == "name" and not text:
            raise ValidationError(_l("Aktören behöver ett namn."), code="missing_name")
        if name == "email" and text and ("@" not in text or " " in text):
            raise ValidationError(_l('"%(value)s" är ingen e-postadress.', value=text), code="bad_email")
        out[name] = text
    if "active" in values:
        if not isinstance(values["active"], bool):
            raise ValidationError(_l("active är ja eller nej (true/false)."))
        out["active"] = values["active"]
    return out


def _by_name(name: str) -> Actor | None:
    return db.session.scalar(sa.select(Actor).where(sa.func.lower(Actor.name) == name.lower()))


# --- reading ----------------------------------------------------------------------


def _actor(actor_id: int) -> Actor:
    row = db.session.get(Actor, actor_id)
    if row is None:
        raise NotFound(_l("Aktör %(id)s finns inte i aktörsregistret.", id=actor_id), code="unknown_actor")
    return row


def get(*, viewer: User, actor_id: int) -> Actor:
    check(viewer, Perm.READ_CONFIDENTIAL)
    return _actor(actor_id)


def list_actors(*, viewer: User, include_inactive: bool = False, limit: int = MAX_PAGE, offset: int = 0) -> list[Actor]:
    """The register in Swedish alphabetical order (å, ä, ö last), active ones only unless asked."""
    check(viewer, Perm.READ_CONFIDENTIAL)
    stmt = sa.select(Actor)
    if not include_inactive:
        stmt = stmt.where(Actor.active.is_(True))
    rows = sv_sorted(db.session.scalars(stmt), key=lambda a: a.name)
    start = max(0, int(offset))
    return rows[start : start + max(1, min(int(limit), MAX_PAGE))]


def names(*, viewer: User) -> list[str]:
    """Active actors' names for a counterpart field's suggestions (anyone who may write the log)."""
    if not has_perm(viewer, Perm.WRITE_LOG):
        return []
    return sv_sorted(db.session.scalars(sa.select(Actor.name).where(Actor.active.is_(True))), key=lambda n: n)


def choices(*, viewer: User) -> list[tuple[int, str]]:
    """(id, name) of the active actors, in Swedish order, for the request and conference forms."""
    if not has_perm(viewer, Perm.READ):
        return []
    rows = db.session.execute(sa.select(Actor.id, Actor.name).where(Actor.active.is_(True))).all()
    return [(r.id, r.name) for r in sv_sorted(rows, key=lambda r: r.name)]


def active_actor(actor_id: Any, field: str) -> Actor:
    """For other domains: an actor that exists and is active, else a 422 naming the field."""
    if isinstance(actor_id, bool) or not isinstance(actor_id, int):
        raise ValidationError(_l("%(field)s ska vara en aktörs id.", field=field), code="unknown_actor")
    row = db.session.get(Actor, actor_id)
    if row is None:
        raise ValidationError(
            _l("Aktör %(id)s (%(field)s) finns inte i aktörsregistret.", id=actor_id, field=field),
            code="unknown_actor",
        )
    if not row.active:
        raise ValidationError(_l("%(name)s är inaktiverad i aktörsregistret.", name=row.name), code="inactive_actor")
    return row


def name_of(actor_id: int | None) -> str | None:
    if actor_id is None:
        return None
    row = db.session.get(Actor, actor_id)
    return row.name if row is not None else None


# --- writing ----------------------------------------------------------------------


def create(*, actor: User, data: dict[str, Any]) -> Actor:
    check(actor, Perm.ADMIN)
    values = _clean(data, partial=False)
    with write_transaction(db.session):
        if _by_name(values["name"]) is not None:
            raise Conflict(_l("%(name)s finns redan i aktörsregistret.", name=values["name"]), code="duplicate")
        now = utcnow()
        row = Actor(
            **{k: values[k] for k in FIELDS},
            active=values.get("active", True),
            created_at=now,
            updated_at=now,
            updated_by=actor.username,
            version=1,
        )
        db.session.add(row)
        db.session.flush()
    return row


def update(*, actor: User, actor_id: int, data: dict[str, Any], expected_version: int | None = None) -> Actor:
    """Change some fields (also `active`: deactivate instead of delete). A stale version is a 409."""
    check(actor, Perm.ADMIN)
    values = _clean(data, partial=True)
    with write_transaction(db.session):
        row = _actor(actor_id)
        db.session.refresh(row)
        if expected_version is not None and expected_version != row.version:
            raise Conflict(
                _l(
                    "Aktören har ändrats av %(name)s sedan du öppnade den; ladda om och försök igen.",
                    name=row.updated_by or "–",
                ),
                code="stale_version",
            )
        if "name" in values and values["name"].lower() != row.name.lower():
            if _by_name(values["name"]) is not None:
                raise Conflict(_l("%(name)s finns redan i aktörsregistret.", name=values["name"]), code="duplicate")
        changed = False
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
        if changed:
            row.version += 1
            row.updated_at = utcnow()
            row.updated_by = actor.username
    return row


# --- file import and export -------------------------------------------------------


def export_rows(*, viewer: User) -> list[dict[str, Any]]:
    """Every actor (inactive ones too) as CSV rows (CSV_COLUMNS), in Swedish order."""
    check(viewer, Perm.READ_CONFIDENTIAL)
    rows = sv_sorted(db.session.scalars(sa.select(Actor)), key=lambda a: a.name)
    return [{**{k: getattr(a, k) or "" for k in FIELDS}, "active": "ja" if a.active else "nej"} for a in rows]


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _unsafe(cell: str) -> str:
    """Undo the export's formula guard (csvexport.safe): "'+46 ..." reads back as "+46 ..."."""
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _parse_csv(filename: str, text: str) -> list[tuple[int, dict[str, Any]]]:
    errors: list[str] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = reader.fieldnames or []
    missing = [c for c in ("name", "kind") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        raise ValidationError(
            _l(
                "%(file)s:1: kolumnerna ska vara %(columns)s (saknas: %(missing)s; okända: %(unknown)s).",
                file=filename,
                columns=";".join(CSV_COLUMNS),
                missing=", ".join(missing) or "–",
                unknown=", ".join(unknown) or "–",
            ),
            code="bad_file",
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    try:
        for rec in reader:
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    _l("%(file)s: högst %(limit)s aktörer per fil.", file=filename, limit=MAX_ROWS), code="bad_file"
                )
            if None in rec:
                errors.append(f"{filename}:{line}: " + str(_l("för många fält på raden.")))
                continue
            values: dict[str, Any] = {k: _unsafe(v or "") for k, v in rec.items() if k in FIELDS}
            active_raw = (rec.get("active") or "").strip().lower()
            if active_raw in TRUE_WORDS:
                values["active"] = True
            elif active_raw in FALSE_WORDS:
                values["active"] = False
            else:
                errors.append(f"{filename}:{line}: " + str(_l("active ska vara ja eller nej.")))
                continue
            try:
                clean = _clean(values, partial=False)
            except ValidationError as e:
                errors.append(f"{filename}:{line}: {e.message}")
                continue
            key = clean["name"].lower()
            if key in seen:
                errors.append(
                    f"{filename}:{line}: "
                    + str(_l("%(name)s finns redan på rad %(line)s.", name=clean["name"], line=seen[key]))
                )
                continue
            seen[key] = line
            rows.append((line, clean))
    except csv.Error as e:
        errors.append(f"{filename}:{reader.line_num}: {e}")
    if errors:
        raise ValidationError(
            _l("%(file)s: inget importerades. %(errors)s", file=filename, errors=" ".join(errors[:20])),
            code="bad_file",
            details=errors,
        )
    return rows


def import_csv(*, actor: User | None, filename: str, text: str) -> ImportResult:
    """Add or update actors by name from a CSV file, all-or-nothing. `actor=None` is the command line."""
    if actor is not None:
        check(actor, Perm.ADMIN)
    rows = _parse_csv(filename, text)
    result = ImportResult()
    who = actor.username if actor is not None else None
    with write_transaction(db.session):
        now = utcnow()
        for _line, values in rows:
            row = _by_name(values["name"])
            if row is None:
                db.session.add(
                    Actor(
                        **{k: values[k] for k in FIELDS},
                        active=values.get("active", True),
                        created_at=now,
                        updated_at=now,
                        updated_by=who,
                        version=1,
                    )
                )
                result.created.append(values["name"])
                continue
            changed = False
            for key, value in values.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
                    changed = True
            if changed:
                row.version += 1
                row.updated_at = now
                row.updated_by = who
                result.updated.append(values["name"])
            else:
                result.unchanged.append(values["name"])
        db.session.flush()
    return result
