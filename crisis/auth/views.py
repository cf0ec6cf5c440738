"""Login/logout (page and API) and user administration."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pydantic
import sqlalchemy as sa
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from crisis.api import operation
from crisis.api.schemas import Strict
from crisis.auth import oidc, service
from crisis.auth.forms import EmptyForm, LoginForm, TokenForm, UserCreateForm, UserUpdateForm
from crisis.auth.models import ApiToken, User
from crisis.auth.permissions import Perm, require
from crisis.errors import ApiError
from crisis.extensions import db, limiter, login_manager
from crisis.safejson import int64
from crisis.web import offline

pages = Blueprint("auth", __name__)


# In the signed session cookie: the key of the server-side session row, and
# when the session was last used (for the idle timeout).
SESSION_KEY = "krisrum_sid"
SEEN_KEY = "krisrum_seen"
SEEN_REFRESH_SECONDS = 60


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    now = time.time()
    seen = session.get(SEEN_KEY)
    idle = current_app.config["CRISIS_SESSION_IDLE_MINUTES"] * 60
    if not isinstance(seen, int | float) or isinstance(seen, bool) or now - seen > idle:
        return None
    found = service.load_session_user(session_id, session.get(SESSION_KEY))
    if found is None:
        return None
    user, row_id = found
    g.krisrum_session_id = row_id  # the socket handshake joins this session's room
    if now - seen > SEEN_REFRESH_SECONDS:
        session[SEEN_KEY] = now
    return user


@login_manager.request_loader
def _load_from_bearer(req: Any) -> User | None:
    tok = service.bearer_token(req.headers.get("Authorization", ""))
    if tok is None and getattr(req, "sid", None) is not None and session.get(service.SOCKET_TOKEN_KEY) is not None:
        # A socket event: the token is checked again at every event (revoked, user deactivated).
        tok = service.valid_token_id(session.get(service.SOCKET_TOKEN_KEY))
    if tok is None:
        return None
    g.krisrum_token_id = tok.id  # the socket handshake joins this token's room
    return tok.user


def _login(username: str, password: str) -> User:
    """Check the credentials (recorded and slowed per account by the service) and begin a session."""
    cfg = current_app.config
    oidc.check_local_login(cfg, username)  # with OIDC, perhaps only break-glass accounts
    policy = service.LoginPolicy(
        max_failures=cfg["CRISIS_LOGIN_MAX_FAILURES"], window=timedelta(minutes=cfg["CRISIS_LOGIN_LOCKOUT_MINUTES"])
    )
    user, key = service.login_session(username=username, password=password, ip=request.remote_addr, policy=policy)
    login_user(user)
    session[SESSION_KEY] = key
    session[SEEN_KEY] = time.time()
    return user


def _forget_session() -> str | None:
    key = session.pop(SESSION_KEY, None)
    session.pop(SEEN_KEY, None)
    logout_user()
    return key


def _login_limit() -> str:
    return current_app.config["CRISIS_LOGIN_RATE_LIMIT"]


# --- API ---


class LoginIn(Strict):
    username: str = pydantic.Field(min_length=1, max_length=64)
    password: str = pydantic.Field(min_length=1, max_length=256)


class UserOut(pydantic.BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    phone: str | None = None
    email: str | None = None
    active: bool


class LoginOut(UserOut):
    csrf_token: str = pydantic.Field(
        description="Send it as the X-CSRFToken header with every write made with this session cookie "
        "(not needed with a bearer token)."
    )


@operation(
    "/auth/login",
    "POST",
    summary="Log in; sets the session cookie and returns the CSRF token its writes carry",
    tag="auth",
    body=LoginIn,
    response=LoginOut,
    public=True,
    endpoint="login",
    errors={"401": "Wrong username or password", "429": "Too many attempts (per address or per account)"},
)
@limiter.limit(_login_limit)
def api_login(body: LoginIn) -> dict[str, Any]:
    user = _login(body.username, body.password)
    # Bound to this session: a cookie client (requests.Session, a script) writes with
    # `X-CSRFToken: <csrf_token>` instead of scraping it from a page.
    return {**user.to_dict(), "csrf_token": generate_csrf()}


@operation("/auth/me", "GET", summary="The logged-in user", tag="auth", response=UserOut)
def api_me() -> dict[str, Any]:
    return current_user.to_dict()


class TokenIn(Strict):
    name: str = pydantic.Field(min_length=1, max_length=100, description="What the token is for")
    user: str | None = pydantic.Field(
        None, min_length=1, max_length=64, description="Admins only: the username the token is for"
    )


class TokenOut(pydantic.BaseModel):
    id: int
    name: str
    user: str = pydantic.Field(description="The username the token acts as")
    created_at: str
    revoked_at: str | None
    active: bool = pydantic.Field(description="Not revoked, and its user is active")


class TokenCreatedOut(TokenOut):
    token: str = pydantic.Field(
        description="The secret: send it as `Authorization: Bearer <token>` or as the Socket.IO `auth` "
        "payload `{token}`. Shown only in this answer; only its SHA-256 is stored."
    )


class TokenQuery(pydantic.BaseModel):
    page: int = pydantic.Field(1, ge=1, le=10_000)
    per_page: int = pydantic.Field(service.TOKENS_PER_PAGE, ge=1, le=200)


class TokenPageOut(pydantic.BaseModel):
    items: list[TokenOut]
    page: int
    next_page: int | None


@operation(
    "/tokens",
    "GET",
    summary="API tokens: your own (admins: everyone's), newest first, paginated; never the secret",
    tag="auth",
    query=TokenQuery,
    response=TokenPageOut,
)
def api_tokens(query: TokenQuery) -> dict[str, Any]:
    rows, more = service.list_tokens(viewer=current_user, page=query.page, per_page=query.per_page)
    return {
        "items": [service.token_to_dict(t) for t in rows],
        "page": query.page,
        "next_page": query.page + 1 if more else None,
    }


@operation(
    "/tokens",
    "POST",
    summary="Create an API token for yourself (admins: for `user`); the secret is in this answer only",
    tag="auth",
    body=TokenIn,
    response=TokenCreatedOut,
    status=201,
)
def api_token_create(body: TokenIn) -> dict[str, Any]:
    tok, plain = service.issue_token(actor=current_user, name=body.name, username=body.user)
    return {**service.token_to_dict(tok), "token": plain}


@operation(
    "/tokens/<int:token_id>",
    "DELETE",
    summary="Revoke a token (your own; admins any); the sockets it opened close",
    tag="auth",
    response=TokenOut,
)
def api_token_revoke(token_id: int) -> dict[str, Any]:
    return service.token_to_dict(service.revoke_token_as(actor=current_user, token_id=token_id))


# --- Pages ---


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("web.index")


@pages.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            _login(form.username.data, form.password.data)
            return redirect(_safe_next(request.args.get("next")))
        except ApiError as e:
            flash(e.message, "error")
            status = e.status
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@pages.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    form = EmptyForm()
    if form.validate_on_submit():
        # Ended on the server: a copy of the cookie is dead too; this session's sockets close.
        service.end_session(session_key=_forget_session())
        # What the device kept for a network drop goes with the session (crisis/web/offline.py).
        return offline.clear_site_data(redirect(url_for("auth.login")))
    return redirect(url_for("auth.login"))


@pages.route("/account", methods=["GET"])
@login_required
def account() -> Any:
    return render_template(
        "auth/account.html", open_sessions=service.open_session_count(user_id=current_user.id), form=EmptyForm()
    )


@pages.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Any:
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    service.end_all_sessions(user_id=current_user.id)
    _forget_session()
    flash(_("Du är utloggad på alla enheter."), "ok")
    return offline.clear_site_data(redirect(url_for("auth.login")))


@pages.route("/admin/users/<int:user_id>/logout-everywhere", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def admin_users_logout_everywhere(user_id: int) -> Any:
    if EmptyForm().validate_on_submit():
        try:
            service.end_all_sessions(user_id=user_id)
            flash(_("Användaren är utloggad på alla enheter."), "ok")
        except ApiError as e:
            flash(e.message, "error")
    return redirect(url_for("auth.admin_users"))


@pages.route("/admin/users", methods=["GET"])
@login_required
@require(Perm.ADMIN)
def admin_users() -> Any:
    return _render_admin()


FAILED_PER_PAGE = 50


def _render_admin(new_token: str | None = None) -> str:
    tokens = list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.created_at.desc())))
    failed_page = max(1, min(request.args.get("failed_page", 1, type=int64) or 1, 10_000))
    failed, failed_total = service.failed_logins(page=failed_page, per_page=FAILED_PER_PAGE)
    return render_template(
        "auth/admin_users.html",
        users=service.list_users(),
        tokens=tokens,
        create_form=UserCreateForm(prefix="new"),
        token_form=TokenForm(prefix="tok"),
        empty_form=EmptyForm(),
        update_form_for=lambda u: UserUpdateForm(prefix=f"u{u.id}", role=u.role.value, active=u.active),
        new_token=new_token,
        failed=failed,
        failed_page=failed_page,
        failed_pages=max(1, -(-failed_total // FAILED_PER_PAGE)),
        failed_total=failed_total,
    )


@pages.route("/admin/users", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def admin_users_create() -> Any:
    form = UserCreateForm(prefix="new")
    if form.validate_on_submit():
        try:
            user = service.create(
                username=form.username.data,
                password=form.password.data,
                role=form.role.data,
                display_name=form.display_name.data,
                phone=form.phone.data,
                email=form.email.data,
            )
            flash(_("Användaren %(name)s skapades.", name=user.username), "ok")
        except ApiError as e:
            flash(e.message, "error")
    else:
        for field, errors in form.errors.items():
            flash(_("%(field)s: %(errors)s", field=getattr(form, field).label.text, errors="; ".join(errors)), "error")
    return redirect(url_for("auth.admin_users"))


@pages.route("/admin/users/<int:user_id>", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def admin_users_update(user_id: int) -> Any:
    form = UserUpdateForm(prefix=f"u{user_id}")
    if form.validate_on_submit():
        if user_id == current_user.id and (form.role.data != "admin" or not form.active.data):
            flash(_("Du kan inte ta bort din egen administratörsroll."), "error")
        else:
            try:
                service.update(
                    user_id=user_id, role=form.role.data, active=form.active.data, password=form.password.data or None
                )
                flash(_("Användaren uppdaterades."), "ok")
            except ApiError as e:
                flash(e.message, "error")
    else:
        for field, errors in form.errors.items():
            flash(_("%(field)s: %(errors)s", field=getattr(form, field).label.text, errors="; ".join(errors)), "error")
    return redirect(url_for("auth.admin_users"))


@pages.route("/admin/tokens", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def admin_tokens_create() -> Any:
    form = TokenForm(prefix="tok")
    if not form.validate_on_submit():
        flash(_("Tokenen behöver ett namn."), "error")
        return redirect(url_for("auth.admin_users"))
    user_id = request.form.get("user_id", type=int64) or current_user.id
    tok, plain = service.create_token(user_id=user_id, name=form.name.data)
    # Shown once, on this response only; never stored in plain text.
    return _render_admin(new_token=plain)


@pages.route("/admin/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def admin_tokens_revoke(token_id: int) -> Any:
    if EmptyForm().validate_on_submit():
        service.revoke_token(token_id=token_id)
        flash(_("Tokenen återkallades."), "ok")
    return redirect(url_for("auth.admin_users"))
