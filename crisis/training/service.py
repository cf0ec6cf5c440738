"""The training plan, the training record and the TiB roster: every read and write.

Read by every role that may read; written by leaders and admins (Perm.LEAD).
"Who is trained for stabschef" is `qualified(function="stabschef")`: the users
with a training record for that staff function, latest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.enums import STANDARD_POSITIONS
from crisis.errors import NotFound, ValidationError
from crisis.extensions import db
from crisis.parsing import FIRST_YEAR, LAST_YEAR, day_value, enum_value, text_value
from crisis.training.models import ActivityKind, ActivityStatus, RosterEntry, TrainingActivity, TrainingRecord

TZ = ZoneInfo("Europe/Stockholm")
# The roster's functions: the tjänsteman i beredskap, and the stabschef on call.
ROSTER_FUNCTIONS = ("tib", "stabschef")
FUNCTIONS: dict[str, str] = {"tib": "Tjänsteman i beredskap (TiB)", **STANDARD_POSITIONS}
MAX_WEEKS = 104


def function_label(key: str) -> Any:
    """The staff function's name in the current language."""
    from crisis import labels

    if key == "tib":
        return _l("Tjänsteman i beredskap (TiB)")
    return labels.POSITIONS[key] if key in labels.POSITIONS else key


def today() -> date:
    return utcnow().astimezone(TZ).date()


def period_of(day: date) -> str:
    """The mandate period (four years, elections in September 2022, 2026, ...) a day's plan belongs to:
    the plan follows the council's term, 2023–2026, 2027–2030."""
    start = 2023 + ((day.year - 2023) // 4) * 4
    return f"{start}-{start + 3}"


def _period(value: Any) -> str:
    text = text_value(value, "period", 9, required=True)
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts) or int(parts[1]) - int(parts[0]) != 3:
        raise ValidationError(_l('Perioden "%(value)s" ska skrivas ÅÅÅÅ-ÅÅÅÅ, fyra år (t.ex. 2023-2026).', value=text))
    return text


def _function(value: Any) -> str:
    key = text_value(value, "function", 64, required=True)
    if key not in FUNCTIONS:
        raise ValidationError(
            _l(
                'Okänd funktion "%(value)s"; välj en av: %(allowed)s.',
                value=key,
                allowed=", ".join(FUNCTIONS),
            )
        )
    return key


def _functions(value: Any) -> str:
    keys = value.split(",") if isinstance(value, str) else list(value or [])
    out: list[str] = []
    for k in keys:
        key = _function(k.strip() if isinstance(k, str) else k)
        if key not in out:
            out.append(key)
    return ",".join(out)


def _user(username: Any) -> User:
    name = text_value(username, "user", 64, required=True)
    user = db.session.scalar(sa.select(User).where(User.username == name))
    if user is None:
        raise ValidationError(_l('Det finns ingen användare "%(username)s".', username=name))
    return user


def usernames(*, viewer: User) -> list[tuple[str, str]]:
    """(username, display name) of every active user, for the pickers."""
    check(viewer, Perm.READ)
    rows = db.session.execute(
        sa.select(User.username, User.display_name).where(User.active).order_by(User.display_name)
    ).all()
    return [(u, n or u) for u, n in rows]


def _name(actor: User) -> str:
    return actor.display_name or actor.username


# --- the plan -------------------------------------------------------------------------------


def activity_dict(a: TrainingActivity) -> dict[str, Any]:
    return {
        "id": a.id,
        "period": a.period,
        "title": a.title,
        "kind": a.kind.value,
        "functions": a.function_keys,
        "planned_on": a.planned_on.isoformat(),
        "status": a.status.value,
        "held_on": a.held_on.isoformat() if a.held_on else None,
        "trained": len(a.records),
    }


def list_activities(
    *, viewer: User, period: str | None = None, limit: int = 500, offset: int = 0
) -> list[TrainingActivity]:
    check(viewer, Perm.READ)
    stmt = (
        sa.select(TrainingActivity)
        .order_by(TrainingActivity.planned_on, TrainingActivity.id)
        .limit(max(1, min(limit, 500)))
        .offset(max(0, offset))
    )
    if period:
        stmt = stmt.where(TrainingActivity.period == _period(period))
    return list(db.session.scalars(stmt))


def periods(*, viewer: User) -> list[str]:
    check(viewer, Perm.READ)
    have = set(db.session.scalars(sa.select(TrainingActivity.period).distinct()))
    have.add(period_of(today()))
    return sorted(have)


def get_activity(*, viewer: User, activity_id: int) -> TrainingActivity:
    check(viewer, Perm.READ)
    a = db.session.get(TrainingActivity, activity_id)
    if a is None:
        raise NotFound(_l("Aktivitet %(id)s finns inte i planen.", id=activity_id))
    return a


def create_activity(
    *,
    actor: User,
    title: Any,
    kind: Any,
    functions: Any,
    planned_on: Any,
    period: Any = None,
    status: Any = "planned",
    held_on: Any = None,
) -> TrainingActivity:
    check(actor, Perm.LEAD)
    day = day_value(planned_on, "planned_on", required=True)
    assert day is not None
    a = TrainingActivity(
        period=_period(period) if period else period_of(day),
        title=text_value(title, "title", 200, required=True),
        kind=enum_value(ActivityKind, kind, "kind"),
        functions=_functions(functions),
        planned_on=day,
        status=enum_value(ActivityStatus, status, "status"),
        held_on=day_value(held_on, "held_on"),
        created_by=_name(actor),
    )
    if a.status is ActivityStatus.HELD and a.held_on is None:
        a.held_on = day
    with write_transaction(db.session):
        db.session.add(a)
    return a


def set_status(*, actor: User, activity_id: int, status: Any, held_on: Any = None) -> TrainingActivity:
    check(actor, Perm.LEAD)
    state = enum_value(ActivityStatus, status, "status")
    day = day_value(held_on, "held_on")
    with write_transaction(db.session):
        a = get_activity(viewer=actor, activity_id=activity_id)
        a.status = state
        a.held_on = (day or a.held_on or a.planned_on) if state is ActivityStatus.HELD else None
    return a


# --- the training record --------------------------------------------------------------------


def record_dict(r: TrainingRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "user": r.user.username,
        "name": r.user.display_name,
        "function": r.function,
        "on": r.on.isoformat(),
        "activity": r.activity_id,
        "note": r.note,
    }


def list_records(
    *, viewer: User, function: str | None = None, limit: int = 500, offset: int = 0
) -> list[TrainingRecord]:
    check(viewer, Perm.READ)
    stmt = (
        sa.select(TrainingRecord)
        .order_by(TrainingRecord.on.desc(), TrainingRecord.id.desc())
        .limit(max(1, min(limit, 500)))
        .offset(max(0, offset))
    )
    if function:
        stmt = stmt.where(TrainingRecord.function == _function(function))
    return list(db.session.scalars(stmt))


def add_record(
    *, actor: User, user: Any, function: Any, on: Any = None, activity_id: int | None = None, note: Any = ""
) -> TrainingRecord:
    check(actor, Perm.LEAD)
    person = _user(user)
    key = _function(function)
    day = day_value(on, "on", required=activity_id is None)
    activity = None
    if activity_id is not None:
        activity = get_activity(viewer=actor, activity_id=activity_id)
        if activity.status is ActivityStatus.CANCELLED:
            raise ValidationError(_l("Aktiviteten är inställd; ingen kan ha deltagit i den."))
        day = day or activity.held_on or activity.planned_on
    assert day is not None
    r = TrainingRecord(
        user_id=person.id,
        function=key,
        on=day,
        activity_id=activity.id if activity else None,
        note=text_value(note, "note", 500),
        created_by=_name(actor),
    )
    with write_transaction(db.session):
        db.session.add(r)
    return r


@dataclass(frozen=True)
class Qualified:
    user: User
    function: str
    last: date
    times: int


def qualified(*, viewer: User, function: Any) -> list[Qualified]:
    """Who is trained (has a training record) for `function`, most recently trained first."""
    check(viewer, Perm.READ)
    key = _function(function)
    rows = db.session.execute(
        sa.select(TrainingRecord.user_id, sa.func.max(TrainingRecord.on), sa.func.count())
        .where(TrainingRecord.function == key)
        .group_by(TrainingRecord.user_id)
    ).all()
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_([r[0] for r in rows])))}
    out = [Qualified(user=users[uid], function=key, last=last, times=n) for uid, last, n in rows]
    return sorted(out, key=lambda q: (q.last, q.user.username), reverse=True)


def qualified_dict(q: Qualified) -> dict[str, Any]:
    return {
        "user": q.user.username,
        "name": q.user.display_name,
        "function": q.function,
        "last": q.last.isoformat(),
        "times": q.times,
    }


# --- the roster -----------------------------------------------------------------------------


def iso_week(day: date) -> tuple[int, int]:
    y, w, _d = day.isocalendar()
    return y, w


def _week(year: Any, week: Any) -> tuple[int, int]:
    try:
        y, w = int(year), int(week)
        date.fromisocalendar(y, w, 1)
    except (TypeError, ValueError):
        raise ValidationError(_l("Vecka %(week)s år %(year)s finns inte.", week=week, year=year)) from None
    if not 2000 <= y <= 2100:
        raise ValidationError(_l("Vecka %(week)s år %(year)s finns inte.", week=week, year=year))
    return y, w


@dataclass
class RosterWeek:
    year: int
    week: int
    monday: date
    on_duty: dict[str, User | None]
    warnings: list[str]


def roster(*, viewer: User, start: date | None = None, weeks: int = 12) -> list[RosterWeek]:
    """The coming `weeks` ISO weeks from `start` (today), who is on duty for each roster function, and
    the gaps: no one rostered, or the one rostered has no training record for the function."""
    check(viewer, Perm.READ)
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError(_l("Antal veckor ska vara 1–%(max)s.", max=MAX_WEEKS))
    begin = day_value(start, "start") or today()
    if begin.year >= LAST_YEAR:
        raise ValidationError(
            _l("%(field)s: året ska vara %(first)s–%(last)s.", field="start", first=FIRST_YEAR, last=LAST_YEAR - 1)
        )
    first = begin - timedelta(days=begin.weekday())
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    keys = [iso_week(m) for m in mondays]
    entries = db.session.scalars(
        sa.select(RosterEntry).where(sa.tuple_(RosterEntry.year, RosterEntry.week).in_(keys) if keys else sa.false())
    ).all()
    by = {(e.year, e.week, e.function): e for e in entries}
    trained = set(db.session.execute(sa.select(TrainingRecord.user_id, TrainingRecord.function).distinct()).tuples())
    out = []
    for monday, (y, w) in zip(mondays, keys, strict=True):
        on_duty: dict[str, User | None] = {}
        warnings: list[str] = []
        for f in ROSTER_FUNCTIONS:
            e = by.get((y, w, f))
            person = e.user if e else None
            on_duty[f] = person
            label = function_label(f)
            if person is None:
                warnings.append(str(_l("Ingen %(function)s schemalagd vecka %(week)s.", function=label, week=w)))
            elif (person.id, f) not in trained:
                warnings.append(
                    str(
                        _l(
                            "%(name)s har jour som %(function)s vecka %(week)s men är inte utbildad för funktionen.",
                            name=person.display_name or person.username,
                            function=label,
                            week=w,
                        )
                    )
                )
        out.append(RosterWeek(year=y, week=w, monday=monday, on_duty=on_duty, warnings=warnings))
    return out


def roster_dict(r: RosterWeek) -> dict[str, Any]:
    return {
        "year": r.year,
        "week": r.week,
        "monday": r.monday.isoformat(),
        "on_duty": {f: (u.username if u else None) for f, u in r.on_duty.items()},
        "warnings": r.warnings,
    }


def set_roster(*, actor: User, year: Any, week: Any, function: Any, user: Any) -> RosterEntry | None:
    """Put `user` (username; None or "" clears) on duty for `function` in ISO week `week` of `year`."""
    check(actor, Perm.LEAD)
    y, w = _week(year, week)
    f = _function(function)
    if f not in ROSTER_FUNCTIONS:
        raise ValidationError(_l("Schemat gäller bara: %(allowed)s.", allowed=", ".join(ROSTER_FUNCTIONS)))
    person = _user(user) if user else None
    with write_transaction(db.session):
        e = db.session.scalar(
            sa.select(RosterEntry).where(RosterEntry.year == y, RosterEntry.week == w, RosterEntry.function == f)
        )
        if person is None:
            if e is not None:
                db.session.delete(e)
            return None
        if e is None:
            e = RosterEntry(year=y, week=w, function=f, updated_by=_name(actor))
            db.session.add(e)
        e.user_id = person.id
        e.updated_by = _name(actor)
        e.updated_at = utcnow()
    db.session.refresh(e)
    return e


def trainings_held(year: int) -> list[TrainingActivity]:
    """The plan's activities held in `year` (for the yearly follow-up; no role check: the caller checks)."""
    return list(
        db.session.scalars(
            sa.select(TrainingActivity)
            .where(TrainingActivity.status == ActivityStatus.HELD)
            .where(TrainingActivity.held_on >= date(year, 1, 1), TrainingActivity.held_on <= date(year, 12, 31))
            .order_by(TrainingActivity.held_on)
        )
    )


def planned_in(year: int) -> list[TrainingActivity]:
    """The plan's activities planned for `year` (any status)."""
    return list(
        db.session.scalars(
            sa.select(TrainingActivity)
            .where(TrainingActivity.planned_on >= date(year, 1, 1), TrainingActivity.planned_on <= date(year, 12, 31))
            .order_by(TrainingActivity.planned_on)
        )
    )
