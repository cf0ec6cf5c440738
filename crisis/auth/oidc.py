"""Login with the kommun's identity provider (OpenID Connect): who may log in, with which role.

The protocol (authorization code flow with PKCE, ID token checks) is Authlib's, in
`oidc_views.py`; this module gets the provider's verified claims and owns every write:
the account is created or updated on each login (the role follows the provider's
groups every time, so a change there takes effect on the next login), then it gets
the same server-side session as a local login. A refusal is recorded with the
refused local logins, so the admin page shows both.

Local accounts stay as break-glass for when the provider is unreachable (an IT
attack may take it down): with CRISIS_LOCAL_LOGIN=break-glass only the accounts in
CRISIS_BREAK_GLASS_USERS may log in with a password, and the provider can never
take one of them over.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth import service
from crisis.auth.models import FailedLogin, User
from crisis.auth.permissions import ROLE_PERMS
from crisis.db import write_transaction
from crisis.enums import Role
from crisis.errors import ApiError
from crisis.extensions import db
from crisis.realtime import handlers as realtime_handlers

# Not an Argon2 hash: a password never matches it (service.authenticate refuses it).
NO_PASSWORD = "!oidc"
_NOT_USERNAME = re.compile(r"[^a-z0-9._-]+")


def enabled(config: Mapping[str, Any]) -> bool:
    return bool(config.get("CRISIS_OIDC_ISSUER"))


def check_local_login(config: Mapping[str, Any], username: str) -> None:
    """Refuse a password login that the configuration leaves to the identity provider."""
    if not enabled(config) or config.get("CRISIS_LOCAL_LOGIN", "all") == "all":
        return
    if (username or "").strip().lower() in config.get("CRISIS_BREAK_GLASS_USERS", []):
        return
    raise ApiError(
        _l(
            "Logga in med kommunens inloggning. Lokala konton används bara som reserv "
            "när kommunens inloggning inte fungerar."
        ),
        code="local_login_disabled",
        status=403,
    )


def _rank(role: Role) -> tuple[int, int]:
    # The most privileged role has the most permissions (admin has all of them);
    # a tie goes to the role listed first in the enum.
    order = list(Role)
    return len(ROLE_PERMS.get(role, frozenset())), -order.index(role)


def role_for(groups: Sequence[str], role_map: Mapping[str, str]) -> Role | None:
    """The most privileged Krisrum role the provider's groups map to; None if none does."""
    roles = {Role(role_map[g]) for g in groups if g in role_map}
    return max(roles, key=_rank) if roles else None


def groups_of(claims: Mapping[str, Any], claim: str) -> list[str]:
    """The groups claim as a list of strings (a provider may send one group as a string)."""
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def username_for(claims: Mapping[str, Any]) -> str:
    """preferred_username (else sub), made a Krisrum username: lower case, a–z 0–9 . _ -."""
    raw = claims.get("preferred_username")
    if not isinstance(raw, str) or not raw.strip():
        raw = str(claims.get("sub", ""))
    name = _NOT_USERNAME.sub("-", raw.strip().lower()).strip("-._")[:64]
    return name if service.USERNAME_RE.match(name) else ""


def _refuse(username: str, user: User | None, ip: str | None, error: ApiError) -> ApiError:
    """Record a refused login (shown on the admin page with the refused local ones)."""
    with write_transaction(db.session):
        db.session.add(
            FailedLogin(username=username[:64], user_id=user.id if user else None, ip=(ip or None) and ip[:45])
        )
    return error


def login(
    *,
    claims: Mapping[str, Any],
    groups_claim: str,
    role_map: Mapping[str, str],
    break_glass: Sequence[str],
    ip: str | None,
) -> tuple[User, str]:
    """The user the provider vouches for (created or updated now) and the key of their
    new session; or an ApiError with a readable Swedish message (the refusal recorded)."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not 0 < len(sub) <= 255:
        raise ApiError(_l("Kommunens inloggning skickade ingen giltig användaridentitet."), code="oidc_invalid")
    username = username_for(claims)
    if not username:
        raise ApiError(_l("Kommunens inloggning skickade inget användbart användarnamn."), code="oidc_invalid")
    linked = db.session.scalar(sa.select(User).where(User.oidc_subject == sub))
    same_name = service.get_by_username(username=username)
    role = role_for(groups_of(claims, groups_claim), role_map)
    if role is None:
        raise _refuse(
            username,
            linked,
            ip,
            ApiError(
                _l(
                    "Ditt konto hos kommunens inloggning har ingen grupp som ger behörighet till Krisrum. "
                    "Kontakta kommunens IT-stöd om du ska ha tillgång."
                ),
                code="oidc_no_role",
                status=403,
            ),
        )
    user = linked
    if user is None and same_name is not None:
        # A local account of the same name is linked on its first login with the
        # provider; a break-glass account never is, nor one linked to another subject.
        if same_name.oidc_subject is not None or same_name.username in break_glass:
            raise _refuse(
                username,
                same_name,
                ip,
                ApiError(
                    _l(
                        'Användarnamnet "%(username)s" tillhör ett annat konto i Krisrum. '
                        "Kontakta Krisrums administratör.",
                        username=username,
                    ),
                    code="oidc_username_taken",
                    status=409,
                ),
            )
        user = same_name
    if user is not None and not user.active:
        raise _refuse(
            username, user, ip, ApiError(_l("Ditt konto är avstängt i Krisrum."), code="account_inactive", status=403)
        )
    display = claims.get("name")
    display_name = display.strip()[:200] if isinstance(display, str) and display.strip() else username
    email = claims.get("email")
    role_changed = False
    with write_transaction(db.session):
        if user is None:
            user = User(username=username, display_name=display_name, role=role, password_hash=NO_PASSWORD)
            db.session.add(user)
        else:
            if user.role != role:
                user.role = role
                # As service.update: a new role ends the user's other sessions and sockets.
                user.session_epoch += 1
                role_changed = True
            if user.username != username and (same_name is None or same_name.id == user.id):
                user.username = username
            user.display_name = display_name
        user.oidc_subject = sub
        if isinstance(email, str) and "@" in email and len(email) <= 254:
            user.email = email.strip()
    if role_changed:
        realtime_handlers.disconnect_user(user.id)
    return user, service.start_session(user=user, ip=ip)
