"""What each role may do. One table, used by views, the API and socket handlers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crisis.enums import Role
from crisis.errors import ApiError, Forbidden
from crisis.labels import ROLES


class Perm(StrEnum):
    READ = "read"  # see incidents, log (non-confidential), map, tasks
    READ_CONFIDENTIAL = "read_confidential"
    WRITE_LOG = "write_log"  # log entries, corrections, tasks, site status
    STAFFING = "staffing"  # check in / out, positions
    CREATE_INCIDENT = "create_incident"  # also: activate playbooks, TiB inbox
    LEAD = "lead"  # level changes, close incidents, approve reports
    DECIDE = "decide"  # record decisions (a TiB only up to CRISIS_TIB_MAX_LEVEL; leaders any)
    EXERCISES = "exercises"  # schedule and run exercises
    MANAGE_SITES = "manage_sites"
    ADMIN = "admin"  # users, tokens
    REPORT = "report"  # report deviations to the TiB inbox and follow one's own reports


_STAFF = {Perm.READ, Perm.READ_CONFIDENTIAL, Perm.WRITE_LOG, Perm.STAFFING, Perm.REPORT}

ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    # Förvaltningar and bolag: the report form and their own reports, nothing else.
    Role.REPORTER: frozenset({Perm.REPORT}),
    Role.OBSERVER: frozenset({Perm.READ}),
    Role.STAFF: frozenset(_STAFF),
    Role.DUTY_OFFICER: frozenset(_STAFF | {Perm.CREATE_INCIDENT, Perm.DECIDE}),
    Role.EXERCISE_CONTROL: frozenset(_STAFF | {Perm.EXERCISES}),
    Role.LEADER: frozenset(_STAFF | {Perm.CREATE_INCIDENT, Perm.LEAD, Perm.DECIDE}),
    Role.ADMIN: frozenset(set(Perm)),
}


def has_perm(user: Any, perm: Perm) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return perm in ROLE_PERMS.get(user.role, frozenset())


def check(user: Any, perm: Perm) -> None:
    """Raise the right 401/403 ApiError unless `user` has `perm`."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ApiError(_l("Du måste logga in."), code="unauthorized", status=401)
    if not has_perm(user, perm):
        raise Forbidden(
            _l("Din roll (%(role)s) får inte göra detta.", role=ROLES.get(user.role.value, user.role.value))
        )


F = TypeVar("F", bound=Callable[..., Any])


def require(perm: Perm) -> Callable[[F], F]:
    """Decorator for views: the current user must have `perm`."""

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(current_user, perm)
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return deco
