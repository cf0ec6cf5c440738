"""Lessons (erfarenheter): the only writer. Created by anyone who may write the log;
changed (status, owner, deadline) by a leader or the one who wrote it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis import labels
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.errors import Forbidden, NotFound, ValidationError
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.lessons.models import OPEN_LESSON_STATUSES, Lesson, LessonChange, LessonStatus
from crisis.parsing import day_value, enum_value

TZ = ZoneInfo("Europe/Stockholm")
MAX_TEXT = 5000


def today() -> date:
    return utcnow().astimezone(TZ).date()


def is_overdue(lesson: Lesson, on: date | None = None) -> bool:
    return lesson.status in OPEN_LESSON_STATUSES and lesson.deadline is not None and lesson.deadline < (on or today())


def change_dict(c: LessonChange) -> dict[str, Any]:
    return {"field": c.field, "old": c.old, "new": c.new, "at": c.at.isoformat(), "by": c.by}


def to_dict(lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "incident": lesson.incident_id,
        "exercise": lesson.exercise_id,
        "observation": lesson.observation,
        "recommendation": lesson.recommendation,
        "owner": lesson.owner,
        "deadline": lesson.deadline.isoformat() if lesson.deadline else None,
        "status": lesson.status.value,
        "overdue": is_overdue(lesson),
        "created_by": lesson.created_by,
        "created_at": lesson.created_at.isoformat(),
        "updated_by": lesson.updated_by,
        "updated_at": lesson.updated_at.isoformat(),
        "history": [change_dict(c) for c in lesson.changes],
        "origin": _origin(lesson.id),
    }


def _origin(lesson_id: int) -> dict[str, Any] | None:
    from crisis.exercises.evaluations import lesson_origin

    return lesson_origin(lesson_id)


def _text(value: Any, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_l("%(field)s måste vara text.", field=labels.field(field)))
    text: str = value.strip()
    if required and not text:
        raise ValidationError(_l("Fältet %(field)s är tomt.", field=labels.field(field)))
    if len(text) > limit:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=labels.field(field), limit=limit))
    return text


def _status(value: Any) -> LessonStatus:
    return enum_value(LessonStatus, value, "status")


def _deadline(value: Any) -> date | None:
    if isinstance(value, datetime):
        value = value.date()
    return day_value(value, "deadline")


def _owner(owner: Any, owner_user: str | None) -> tuple[str, int | None]:
    if owner_user:
        user = db.session.scalar(sa.select(User).where(User.username == owner_user))
        if user is None:
            raise ValidationError(_l('Det finns ingen användare "%(username)s".', username=owner_user))
        text = _text(owner, "owner", required=False, limit=200) or user.display_name
        return text, user.id
    return _text(owner, "owner", required=False, limit=200), None


def _actor_name(actor: User) -> str:
    return actor.display_name or actor.username


def get(*, viewer: User, lesson_id: int) -> Lesson:
    check(viewer, Perm.READ)
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound(_l("Erfarenhet %(id)s finns inte.", id=lesson_id))
    return lesson


def list_lessons(
    *, viewer: User, status: str | None = None, incident_id: int | None = None, open_only: bool = False
) -> list[Lesson]:
    check(viewer, Perm.READ)
    stmt = sa.select(Lesson)
    if status:
        stmt = stmt.where(Lesson.status == _status(status))
    if incident_id is not None:
        stmt = stmt.where(Lesson.incident_id == incident_id)
    if open_only:
        stmt = stmt.where(Lesson.status.in_(OPEN_LESSON_STATUSES))
    # Deadlines first (soonest first), then the newest without a deadline.
    stmt = stmt.order_by(Lesson.deadline.is_(None), Lesson.deadline, Lesson.id.desc())
    return list(db.session.scalars(stmt))


def create(
    *,
    actor: User,
    observation: str,
    recommendation: str = "",
    owner: str | None = None,
    owner_user: str | None = None,
    deadline: Any = None,
    incident_id: int | None = None,
    exercise_id: int | None = None,
    status: str = "proposed",
) -> Lesson:
    check(actor, Perm.WRITE_LOG)
    from crisis.exercises.models import Exercise

    observation = _text(observation, "observation", required=True)
    recommendation = _text(recommendation, "recommendation", required=False)
    owner_text, owner_id = _owner(owner, owner_user)
    when = _deadline(deadline)
    state = _status(status)
    if incident_id is not None and db.session.get(Incident, incident_id) is None:
        raise ValidationError(_l("Händelse %(id)s finns inte.", id=incident_id))
    if exercise_id is not None:
        exercise = db.session.get(Exercise, exercise_id)
        if exercise is None:
            raise ValidationError(_l("Övning %(id)s finns inte.", id=exercise_id))
        if incident_id is None:
            incident_id = exercise.incident_id
    name = _actor_name(actor)
    with write_transaction(db.session):
        lesson = Lesson(
            incident_id=incident_id,
            exercise_id=exercise_id,
            observation=observation,
            recommendation=recommendation,
            owner=owner_text,
            owner_user_id=owner_id,
            deadline=when,
            status=state,
            created_by_id=actor.id,
            created_by=name,
            updated_by=name,
        )
        db.session.add(lesson)
        db.session.flush()
        db.session.add(LessonChange(lesson_id=lesson.id, field="status", old=None, new=state.value, by=name))
    return lesson


_UNSET: Any = object()


def may_change(user: User, lesson: Lesson) -> bool:
    return has_perm(user, Perm.LEAD) or (has_perm(user, Perm.WRITE_LOG) and lesson.created_by_id == user.id)


def update(
    *,
    actor: User,
    lesson_id: int,
    status: Any = _UNSET,
    owner: Any = _UNSET,
    owner_user: str | None = None,
    deadline: Any = _UNSET,
) -> Lesson:
    """Change status, owner and/or deadline; each change goes into the lesson's history."""
    lesson = get(viewer=actor, lesson_id=lesson_id)
    if not may_change(actor, lesson):
        raise Forbidden(_l("Bara krisledningen eller den som skrev erfarenheten får ändra den."))
    diffs: list[tuple[str, str | None, str | None]] = []
    new_status: LessonStatus | None = None
    new_owner: str | None = None
    new_owner_id: int | None = None
    new_deadline: date | None = None
    if status is not _UNSET:
        new_status = _status(status)
        if new_status is not lesson.status:
            diffs.append(("status", lesson.status.value, new_status.value))
    if owner is not _UNSET or owner_user:
        new_owner, new_owner_id = _owner(None if owner is _UNSET else owner, owner_user)
        if new_owner != lesson.owner or new_owner_id != lesson.owner_user_id:
            diffs.append(("owner", lesson.owner or None, new_owner or None))
    if deadline is not _UNSET:
        new_deadline = _deadline(deadline)
        if new_deadline != lesson.deadline:
            diffs.append(
                (
                    "deadline",
                    lesson.deadline.isoformat() if lesson.deadline else None,
                    new_deadline.isoformat() if new_deadline else None,
                )
            )
    if not diffs:
        return lesson
    name = _actor_name(actor)
    lesson_id = lesson.id
    with write_transaction(db.session):
        locked = db.session.get(Lesson, lesson_id)
        if locked is None:  # lessons are never deleted; say so rather than crash if one were
            raise NotFound(_l("Erfarenhet %(id)s finns inte.", id=lesson_id))
        lesson = locked
        now = utcnow()
        for field, old, new in diffs:
            if field == "status" and new_status is not None:
                lesson.status = new_status
            elif field == "owner" and new_owner is not None:
                lesson.owner, lesson.owner_user_id = new_owner, new_owner_id
            else:
                lesson.deadline = new_deadline
            db.session.add(LessonChange(lesson_id=lesson.id, field=field, old=old, new=new, at=now, by=name))
        lesson.updated_at, lesson.updated_by = now, name
    db.session.refresh(lesson)
    return lesson
