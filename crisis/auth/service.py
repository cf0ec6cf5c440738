"""Users, passwords and API tokens. Every write to users goes through here."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

from crisis import safejson
from crisis.auth.models import ApiToken, FailedLogin, User, UserSession
from crisis.collation import sv_key
from crisis.db import utcnow, write_transaction
from crisis.enums import Role
from crisis.errors import ApiError, Conflict, Forbidden, NotFound, ValidationError
from crisis.extensions import db
from crisis.realtime import handlers as realtime_handlers

_hasher = PasswordHasher()
# A valid hash of a random password, verified when the username is unknown so
# that a failed login takes the same time either way.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(_l("Lösenordet måste vara minst %(limit)s tecken.", limit=MIN_PASSWORD))
    if len(password) > 256:
        raise ValidationError(_l("Lösenordet får vara högst %(limit)s tecken.", limit=256))


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(
            _l(
                'Okänd roll "%(value)s"; välj en av: %(allowed)s.',
                value=value,
                allowed=", ".join(r.value for r in Role),
            )
        ) from None


def get(*, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("Användare %(id)s finns inte.", id=user_id))
    return user


def get_by_username(*, username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username.lower()))


def list_users() -> list[User]:
    return sorted(db.session.scalars(sa.select(User).order_by(User.id)), key=lambda u: sv_key(u.username))


def create(
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise ValidationError(_l('Ett användarnamn är 2–64 tecken: a–z, 0–9, ".", "_" eller "-".'))
    _check_password_rules(password)
    role_enum = parse_role(role)
    with write_transaction(db.session):
        if get_by_username(username=username) is not None:
            raise Conflict(_l('Användarnamnet "%(username)s" är upptaget.', username=username))
        user = User(
            username=username,
            display_name=(display_name or username).strip()[:200],
            role=role_enum,
            password_hash=_hasher.hash(password),
            phone=phone or None,
            email=email or None,
        )
        db.session.add(user)
    return user


def update(
    *,
    user_id: int,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
    display_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> User:
    """Change a user. A new role, deactivation or a new password ends the user's
    sessions (the epoch is bumped) and, once committed, their open sockets: a
    socket keeps the session it was authorised with, so it must not outlive it."""
    with write_transaction(db.session):
        user = get(user_id=user_id)
        end_sessions = False
        if role is not None and parse_role(role) != user.role:
            user.role = parse_role(role)
            end_sessions = True
        if active is not None and active != user.active:
            user.active = active
            end_sessions = True
        if password:
            _check_password_rules(password)
            user.password_hash = _hasher.hash(password)
            end_sessions = True
        if display_name is not None and display_name.strip():
            user.display_name = display_name.strip()[:200]
        if phone is not None:
            user.phone = phone.strip() or None
        if email is not None:
            user.email = email.strip() or None
        if end_sessions:
            user.session_epoch += 1
    if end_sessions:
        realtime_handlers.disconnect_user(user.id)
    return user


def authenticate(*, username: str, password: str) -> User | None:
    """The active user with these credentials, or None. Constant-ish time."""
    user = get_by_username(username=username.strip()) if username else None
    try:
        if user is None:
            _hasher.verify(_DUMMY_HASH, password or "x")
            return None
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    return user


# A session row older than this is dead whatever its cookie says (and pruned).
SESSION_MAX_AGE = timedelta(days=31)
FAILED_LOGIN_KEEP = timedelta(days=90)


@dataclass(frozen=True)
class LoginPolicy:
    """Per-account slowing down: after `max_failures` refused logins within
    `window`, the account takes no password until the window has passed."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def load_session_user(session_id: str, session_key: str | None = None) -> tuple[User, int] | None:
    """flask-login's user_loader: `id:epoch`, so a bumped epoch ends old sessions,
    and the session's own key, whose row a logout ends. The user and the row's id."""
    try:
        uid_s, epoch_s = session_id.split(":", 1)
        uid, epoch = int(uid_s), int(epoch_s)
    except ValueError:
        return None
    if not session_key or not 0 < uid <= safejson.INT_MAX:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    row = db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == _key_digest(session_key)))
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return None
    if utcnow() - row.created_at > SESSION_MAX_AGE:
        return None
    return user, row.id


def start_session(*, user: User, ip: str | None) -> str:
    """A new server-side session for a login; returns the key the cookie carries.
    Prunes the user's dead rows, so the table does not grow without bound."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction(db.session):
        db.session.execute(
            sa.delete(UserSession).where(
                UserSession.user_id == user.id,
                sa.or_(UserSession.ended_at < now - timedelta(days=1), UserSession.created_at < now - SESSION_MAX_AGE),
            )
        )
        db.session.add(UserSession(user_id=user.id, key_hash=_key_digest(key), ip=(ip or None) and ip[:45]))
    return key


def end_session(*, session_key: str | None) -> int | None:
    """Logout: the session is dead on the server (a copied cookie too). Its row id, if any."""
    if not session_key:
        return None
    with write_transaction(db.session):
        row = db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == _key_digest(session_key)))
        if row is None:
            return None
        if row.ended_at is None:
            row.ended_at = utcnow()
        row_id = row.id
    realtime_handlers.disconnect_session(row_id)
    return row_id


def end_all_sessions(*, user_id: int) -> int:
    """Log out everywhere: every browser session of the user ends and their sockets
    close. API tokens stay (revoke them separately). Returns how many sessions were open."""
    with write_transaction(db.session):
        user = get(user_id=user_id)
        result = db.session.execute(
            sa.update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
        user.session_epoch += 1
    realtime_handlers.disconnect_user(user_id)
    return int(getattr(result, "rowcount", 0) or 0)


def open_session_count(*, user_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UserSession)
            .where(
                UserSession.user_id == user_id,
                UserSession.ended_at.is_(None),
                UserSession.created_at > utcnow() - SESSION_MAX_AGE,
            )
        )
        or 0
    )


def _recent_failures(username: str, since: datetime) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(FailedLogin)
            .where(FailedLogin.username == username, FailedLogin.at > since)
        )
        or 0
    )


def login(*, username: str, password: str, ip: str | None, policy: LoginPolicy | None = None) -> User:
    """The active user with these credentials. A refused login is recorded (name,
    account, time, address); after too many for one account within the window,
    that account takes no password at all (429) until the window has passed,
    whichever address the attempts come from."""
    policy = policy or LoginPolicy()
    name = (username or "").strip().lower()[:64]
    now = utcnow()
    locked = bool(name) and _recent_failures(name, now - policy.window) >= policy.max_failures
    user = None if locked else authenticate(username=name, password=password)
    if user is not None:
        return user
    known = get_by_username(username=name) if name else None
    with write_transaction(db.session):
        db.session.execute(sa.delete(FailedLogin).where(FailedLogin.at < now - FAILED_LOGIN_KEEP))
        db.session.add(
            FailedLogin(username=name, user_id=known.id if known else None, ip=(ip or None) and ip[:45], locked=locked)
        )
    if locked:
        raise ApiError(
            _l(
                "För många misslyckade inloggningar för kontot; försök igen om %(minutes)s minuter.",
                minutes=int(policy.window.total_seconds() // 60),
            ),
            code="account_locked",
            status=429,
        )
    raise ApiError(_l("Fel användarnamn eller lösenord."), code="invalid_credentials", status=401)


def login_session(
    *, username: str, password: str, ip: str | None, policy: LoginPolicy | None = None
) -> tuple[User, str]:
    """`login`, then `start_session`: the user and the key their session cookie carries."""
    user = login(username=username, password=password, ip=ip, policy=policy)
    return user, start_session(user=user, ip=ip)


def failed_logins(*, page: int = 1, per_page: int = 50) -> tuple[list[FailedLogin], int]:
    """Refused logins, newest first, one page; and how many there are in all."""
    page = max(1, min(page, 10_000))
    total = int(db.session.scalar(sa.select(sa.func.count()).select_from(FailedLogin)) or 0)
    rows = db.session.scalars(
        sa.select(FailedLogin)
        .order_by(FailedLogin.at.desc(), FailedLogin.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user_id: int, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token; the plain token is returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError(_l("En token behöver ett namn på 1–100 tecken."))
    plain = "krt_" + secrets.token_urlsafe(32)
    with write_transaction(db.session):
        get(user_id=user_id)
        tok = ApiToken(user_id=user_id, name=name, token_hash=_token_digest(plain))
        db.session.add(tok)
    return tok, plain


def revoke_token(*, token_id: int) -> None:
    """Revoke a token; once committed, the sockets it opened close too."""
    with write_transaction(db.session):
        tok = db.session.get(ApiToken, token_id)
        if tok is None:
            raise NotFound(_l("Token %(id)s finns inte.", id=token_id))
        if tok.revoked_at is None:
            tok.revoked_at = utcnow()
    realtime_handlers.disconnect_token(token_id)


def user_for_token(token: str) -> User | None:
    tok = valid_token(token)
    return tok.user if tok is not None else None


def valid_token(token: str) -> ApiToken | None:
    """The unrevoked token of an active user with this plain text, else None."""
    if not token:
        return None
    tok = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if tok is None or tok.revoked_at is not None or not tok.user.active:
        return None
    return tok


# In a Socket.IO connection's own server-side session (never a cookie): the id of the
# token its handshake carried in the `auth` payload `{"token"}` (crisis.realtime.handlers).
SOCKET_TOKEN_KEY = "krisrum_socket_token"


def valid_token_id(token_id: Any) -> ApiToken | None:
    """The token with this id if it is still unrevoked and its user active, else None."""
    if not isinstance(token_id, int) or isinstance(token_id, bool) or not 0 < token_id <= 2**63 - 1:
        return None
    tok = db.session.get(ApiToken, token_id)
    if tok is None or tok.revoked_at is not None or not tok.user.active:
        return None
    return tok


def bearer_token(authorization: str) -> ApiToken | None:
    """The valid token an `Authorization: Bearer …` header carries, else None
    (junk, another scheme or a revoked token)."""
    if not authorization.startswith("Bearer "):
        return None
    return valid_token(authorization[7:].strip())


# --- tokens through the API: each user their own; admins anyone's ---------------------------

TOKENS_PER_PAGE = 50


def _logged_in(actor: Any) -> User:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ApiError(_l("Du måste logga in."), code="unauthorized", status=401)
    user: User = actor
    return user


def _is_admin(user: User) -> bool:
    from crisis.auth.permissions import Perm, has_perm

    return has_perm(user, Perm.ADMIN)


def token_to_dict(tok: ApiToken) -> dict[str, Any]:
    """A token as the API shows it: never its secret (only the SHA-256 of it is stored)."""
    return {
        "id": tok.id,
        "name": tok.name,
        "user": tok.user.username,
        "created_at": tok.created_at.isoformat(),
        "revoked_at": tok.revoked_at.isoformat() if tok.revoked_at else None,
        "active": tok.revoked_at is None and tok.user.active,
    }


def issue_token(*, actor: Any, name: str, username: str | None = None) -> tuple[ApiToken, str]:
    """A new bearer token for the actor, or (admins only) for the user named `username`.
    The plain token is returned once; only its SHA-256 is stored."""
    user = _logged_in(actor)
    owner = user
    if username is not None and username.strip().lower() != user.username:
        if not _is_admin(user):
            raise Forbidden(_l("Bara en administratör får skapa en token åt en annan användare."))
        found = get_by_username(username=username.strip())
        if found is None:
            raise NotFound(_l('Användaren "%(name)s" finns inte.', name=username.strip()[:64]))
        owner = found
    return create_token(user_id=owner.id, name=name)


def list_tokens(*, viewer: Any, page: int = 1, per_page: int = TOKENS_PER_PAGE) -> tuple[list[ApiToken], bool]:
    """One page of tokens, newest first: the viewer's own (admins: everyone's); and whether more follow."""
    user = _logged_in(viewer)
    page = max(1, min(page, 10_000))
    per_page = max(1, min(per_page, 200))
    stmt = sa.select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if not _is_admin(user):
        stmt = stmt.where(ApiToken.user_id == user.id)
    rows = list(db.session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)))
    return rows[:per_page], len(rows) > per_page


def revoke_token_as(*, actor: Any, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (admins: any); its sockets close once committed.
    Another user's token is "not found" to a non-admin (its existence is not disclosed)."""
    user = _logged_in(actor)
    tok = db.session.get(ApiToken, token_id)
    if tok is None or (tok.user_id != user.id and not _is_admin(user)):
        raise NotFound(_l("Token %(id)s finns inte.", id=token_id))
    revoke_token(token_id=token_id)
    db.session.refresh(tok)
    return tok
