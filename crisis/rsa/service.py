"""The RSA register (risk- och sårbarhetsanalys): every read and write, and the gaps it shows.

The register is confidential (OSL 18 kap. 13 §: uppgifter om risker och
sårbarheter i kommunens beredskap): only roles that may read confidential
data (Perm.READ_CONFIDENTIAL) read it, observers and reporters are refused.
Leaders and admins (Perm.LEAD) write it.

Gaps: a risk with no playbook, a linked playbook that was never exercised
(no held exercise ran a scenario of it), a risk with no exercise scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.extensions import db
from crisis.parsing import day_value, enum_value, text_value
from crisis.rsa.models import MeasureStatus, RsaMeasure, RsaRisk

MAX_TEXT = 5000


def _grade(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(_l("%(field)s ska vara ett heltal 1–5.", field=field))
    try:
        n = int(value)
    except ValueError:
        raise ValidationError(_l("%(field)s ska vara ett heltal 1–5.", field=field)) from None
    if not 1 <= n <= 5:
        raise ValidationError(_l("%(field)s ska vara ett heltal 1–5.", field=field))
    return n


def _keys(value: Any, field: str, known: set[str]) -> str:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    out: list[str] = []
    for item in items:
        key = str(item).strip()
        if not key:
            continue
        if key not in known:
            raise ValidationError(
                _l(
                    'Okänd nyckel "%(key)s" för %(field)s; kända: %(known)s.',
                    key=key,
                    field=field,
                    known=", ".join(sorted(known)) or "–",
                )
            )
        if key not in out:
            out.append(key)
    return ",".join(out)


def _playbook_keys() -> set[str]:
    from crisis.playbooks import registry

    return set(registry.catalog().playbooks)


def _scenario_keys() -> set[str]:
    from crisis.exercises import service as exercises

    return set(exercises.load_all().scenarios)


def _lesson_ids(value: Any) -> str:
    from crisis.lessons.models import Lesson

    items = value.split(",") if isinstance(value, str) else list(value or [])
    ids: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.isdigit() or db.session.get(Lesson, int(text)) is None:
            raise ValidationError(_l("Erfarenhet %(id)s finns inte.", id=text))
        if int(text) not in ids:
            ids.append(int(text))
    return ",".join(str(i) for i in ids)


def _name(actor: User) -> str:
    return actor.display_name or actor.username


# --- reads ----------------------------------------------------------------------------------


def list_risks(*, viewer: User) -> list[RsaRisk]:
    check(viewer, Perm.READ_CONFIDENTIAL)
    rows = db.session.scalars(sa.select(RsaRisk)).all()
    return sorted(rows, key=lambda r: (-r.score, r.title))


def get(*, viewer: User, risk_id: int) -> RsaRisk:
    check(viewer, Perm.READ_CONFIDENTIAL)
    risk = db.session.get(RsaRisk, risk_id)
    if risk is None:
        raise NotFound(_l("Risk %(id)s finns inte i RSA-registret.", id=risk_id))
    return risk


def exercised_playbooks() -> set[str]:
    """Playbooks that a held (ended or stopped) exercise ran a scenario of."""
    from crisis.exercises.models import OVER_STATUSES, Exercise

    return set(
        db.session.scalars(sa.select(Exercise.playbook_key).where(Exercise.status.in_(OVER_STATUSES)).distinct())
    )


@dataclass(frozen=True)
class Gap:
    code: str  # no_playbook | playbook_never_exercised | no_scenario
    risk_id: int
    text: str


def gaps_of(risk: RsaRisk, exercised: set[str]) -> list[Gap]:
    out = []
    if not risk.playbook_keys:
        out.append(Gap("no_playbook", risk.id, str(_l("Risk utan playbook"))))
    for key in risk.playbook_keys:
        if key not in exercised:
            out.append(Gap("playbook_never_exercised", risk.id, str(_l("Playbook %(key)s aldrig övad", key=key))))
    if not risk.scenario_keys:
        out.append(Gap("no_scenario", risk.id, str(_l("Risk utan övningsscenario"))))
    return out


def gaps(*, viewer: User) -> list[Gap]:
    risks = list_risks(viewer=viewer)
    exercised = exercised_playbooks()
    return [g for r in risks for g in gaps_of(r, exercised)]


def measure_dict(m: RsaMeasure) -> dict[str, Any]:
    return {
        "id": m.id,
        "risk": m.risk_id,
        "text": m.text,
        "owner": m.owner,
        "due": m.due.isoformat() if m.due else None,
        "status": m.status.value,
        "done_on": m.done_on.isoformat() if m.done_on else None,
    }


def to_dict(r: RsaRisk, exercised: set[str] | None = None) -> dict[str, Any]:
    ex = exercised_playbooks() if exercised is None else exercised
    return {
        "id": r.id,
        "title": r.title,
        "description": r.description,
        "likelihood": r.likelihood,
        "consequence": r.consequence,
        "score": r.score,
        "shortcomings": r.shortcomings,
        "playbooks": r.playbook_keys,
        "scenarios": r.scenario_keys,
        "lessons": r.lesson_ids,
        "measures": [measure_dict(m) for m in r.measures],
        "gaps": [g.code for g in gaps_of(r, ex)],
        "version": r.version,
        "updated_by": r.updated_by,
        "updated_at": r.updated_at.isoformat(),
    }


# --- writes ---------------------------------------------------------------------------------


def create(
    *,
    actor: User,
    title: Any,
    likelihood: Any,
    consequence: Any,
    description: Any = "",
    shortcomings: Any = "",
    playbooks: Any = (),
    scenarios: Any = (),
    lessons: Any = (),
) -> RsaRisk:
    check(actor, Perm.LEAD)
    risk = RsaRisk(
        title=text_value(title, "title", 200, required=True),
        description=text_value(description, "description", MAX_TEXT),
        likelihood=_grade(likelihood, "likelihood"),
        consequence=_grade(consequence, "consequence"),
        shortcomings=text_value(shortcomings, "shortcomings", MAX_TEXT),
        playbooks=_keys(playbooks, "playbooks", _playbook_keys()),
        scenarios=_keys(scenarios, "scenarios", _scenario_keys()),
        lessons=_lesson_ids(lessons),
        updated_by=_name(actor),
    )
    with write_transaction(db.session):
        db.session.add(risk)
    return risk


_FIELDS = ("title", "description", "likelihood", "consequence", "shortcomings", "playbooks", "scenarios", "lessons")


def update(*, actor: User, risk_id: int, expected_version: Any = None, **changes: Any) -> RsaRisk:
    """Change fields of a risk; `expected_version` (when given) must be the version the client saw."""
    check(actor, Perm.LEAD)
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(sorted(unknown))))
    values: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "title":
            values[field] = text_value(value, "title", 200, required=True)
        elif field in ("description", "shortcomings"):
            values[field] = text_value(value, field, MAX_TEXT)
        elif field in ("likelihood", "consequence"):
            values[field] = _grade(value, field)
        elif field == "playbooks":
            values[field] = _keys(value, field, _playbook_keys())
        elif field == "scenarios":
            values[field] = _keys(value, field, _scenario_keys())
        else:
            values[field] = _lesson_ids(value)
    with write_transaction(db.session):
        risk = get(viewer=actor, risk_id=risk_id)
        if expected_version is not None and expected_version != risk.version:
            raise Conflict(_l("Risken har ändrats av någon annan; ladda om och försök igen."))
        for field, value in values.items():
            setattr(risk, field, value)
        risk.version += 1
        risk.updated_by = _name(actor)
        risk.updated_at = utcnow()
    return risk


def add_measure(*, actor: User, risk_id: int, text: Any, owner: Any = "", due: Any = None) -> RsaMeasure:
    check(actor, Perm.LEAD)
    m = RsaMeasure(
        text=text_value(text, "text", MAX_TEXT, required=True),
        owner=text_value(owner, "owner", 200),
        due=day_value(due, "due"),
    )
    with write_transaction(db.session):
        risk = get(viewer=actor, risk_id=risk_id)
        m.risk_id = risk.id
        db.session.add(m)
    return m


def set_measure_status(*, actor: User, measure_id: int, status: Any, done_on: Any = None) -> RsaMeasure:
    check(actor, Perm.LEAD)
    state = enum_value(MeasureStatus, status, "status")
    day = day_value(done_on, "done_on")
    with write_transaction(db.session):
        m = db.session.get(RsaMeasure, measure_id)
        if m is None:
            raise NotFound(_l("Åtgärd %(id)s finns inte.", id=measure_id))
        m.status = state
        if state is MeasureStatus.DONE:
            m.done_on = day or m.done_on or utcnow().date()
        else:
            m.done_on = None
    return m


def measures_done(year: int) -> list[RsaMeasure]:
    """Measures done in `year` (for the yearly follow-up; counts only, the caller checks the role)."""
    return list(
        db.session.scalars(
            sa.select(RsaMeasure)
            .where(RsaMeasure.status == MeasureStatus.DONE)
            .where(RsaMeasure.done_on >= date(year, 1, 1), RsaMeasure.done_on <= date(year, 12, 31))
            .order_by(RsaMeasure.done_on)
        )
    )
