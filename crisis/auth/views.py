"""Login/logout (page and API) and user administration."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pydantic
import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from crisis.api import operation
from crisis.api.schemas import Strict
from crisis.auth import service
from crisis.auth.forms import EmptyForm, LoginForm, TokenForm, UserCreateForm, UserUpdateForm
from crisis.auth.models import ApiToken, User
from crisis.auth.permissions import Perm, require
from crisis.errors import ApiError
from crisis.extensions import db, limiter, login_manager
from crisis.realtime import handlers as realtime_handlers

pages = Blueprint("auth", __name__)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    return service.load_session_user(session_id)


@login_manager.request_loader
def _load_from_bearer(req: Any) -> User | None:
    header = req.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return service.user_for_token(header[7:].strip())
    return None


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


@operation(
    "/auth/login",
    "POST",
    summary="Log in; sets the session cookie",
    tag="auth",
    body=LoginIn,
    response=UserOut,
    public=True,
    endpoint="login",
)
@limiter.limit(_login_limit)
def api_login(body: LoginIn) -> dict[str, Any]:
    user = service.authenticate(username=body.username, password=body.password)
    if user is None:
        raise ApiError(_l("Fel användarnamn eller lösenord."), code="invalid_credentials", status=401)
    login_user(user)
    return user.to_dict()


@operation("/auth/me", "GET", summary="The logged-in user", tag="auth", response=UserOut)
def api_me() -> dict[str, Any]:
    return current_user.to_dict()


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
        user = service.authenticate(username=form.username.data, password=form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Fel användarnamn eller lösenord."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@pages.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    form = EmptyForm()
    if form.validate_on_submit():
        user_id = current_user.id
        logout_user()
        realtime_handlers.disconnect_user(user_id)
    return redirect(url_for("auth.login"))


@pages.route("/admin/users", methods=["GET"])
@login_required
@require(Perm.ADMIN)
def admin_users() -> Any:
    return _render_admin()


def _render_admin(new_token: str | None = None) -> str:
    tokens = list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.created_at.desc())))
    return render_template(
        "auth/admin_users.html",
        users=service.list_users(),
        tokens=tokens,
        create_form=UserCreateForm(prefix="new"),
        token_form=TokenForm(prefix="tok"),
        empty_form=EmptyForm(),
        update_form_for=lambda u: UserUpdateForm(prefix=f"u{u.id}", role=u.role.value, active=u.active),
        new_token=new_token,
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
    user_id = request.form.get("user_id", type=int) or current_user.id
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
