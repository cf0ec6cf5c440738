"""The OpenID Connect login pages: /login/oidc (to the provider) and its callback.

Authlib does the protocol: discovery, the authorization code flow with PKCE (S256),
state and nonce in the session cookie, the token request and the ID token's
signature and claims. Only registered when CRISIS_OIDC_ISSUER is set.
"""

from __future__ import annotations

import time
from typing import Any

import requests
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from crisis.auth import oidc, views
from crisis.errors import ApiError
from crisis.extensions import limiter

pages = Blueprint("oidc", __name__)

TIMEOUT_SECONDS = 5  # a provider that does not answer in this time counts as down
NEXT_KEY = "krisrum_oidc_next"


def init_app(app: Flask) -> None:
    cfg = app.config
    oauth = OAuth(app)
    oauth.register(
        "kommun",
        client_id=cfg["CRISIS_OIDC_CLIENT_ID"],
        client_secret=cfg["CRISIS_OIDC_CLIENT_SECRET"],
        server_metadata_url=cfg["CRISIS_OIDC_ISSUER"] + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": cfg["CRISIS_OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT_SECONDS,
        },
    )
    app.extensions["krisrum_oidc"] = oauth
    app.register_blueprint(pages)


def _client() -> Any:
    return current_app.extensions["krisrum_oidc"].kommun


def _back_to_login() -> Any:
    return redirect(url_for("auth.login"))


def _unreachable() -> Any:
    flash(
        _(
            "Kommunens inloggning svarar inte just nu. Försök igen om en stund, "
            "eller logga in med ett lokalt reservkonto om du har ett."
        ),
        "error",
    )
    return _back_to_login()


@pages.route("/login/oidc", methods=["GET"])
@limiter.limit(views._login_limit)
def start() -> Any:
    if current_user.is_authenticated:
        return redirect(views._safe_next(request.args.get("next")))
    client = _client()
    # Fetch the provider's configuration anew: if it is down, say so here rather
    # than send the browser to an address that does not answer.
    client.server_metadata.pop("_loaded_at", None)
    try:
        client.load_server_metadata()
        session[NEXT_KEY] = views._safe_next(request.args.get("next"))
        return client.authorize_redirect(url_for("oidc.callback", _external=True))
    except (requests.RequestException, ValueError, RuntimeError) as e:
        current_app.logger.warning("OIDC provider unreachable: %s", e)
        return _unreachable()


@pages.route("/login/oidc/callback", methods=["GET"])
@limiter.limit(views._login_limit)
def callback() -> Any:
    if request.args.get("error"):
        flash(_("Inloggningen avbröts hos kommunens inloggning."), "error")
        return _back_to_login()
    try:
        token = _client().authorize_access_token()
    except requests.RequestException as e:
        current_app.logger.warning("OIDC token request failed: %s", e)
        return _unreachable()
    except Exception as e:  # noqa: BLE001 - anything the provider sends wrong is a refused login, never a 5xx
        current_app.logger.warning("OIDC login refused: %r", e)
        flash(_("Inloggningen kunde inte slutföras. Försök igen."), "error")
        return _back_to_login()
    claims = dict(token.get("userinfo") or {})
    cfg = current_app.config
    if cfg["CRISIS_OIDC_GROUPS_CLAIM"] not in claims or "preferred_username" not in claims:
        # Many providers put these only in the userinfo answer, not in the ID token.
        try:
            extra = dict(_client().userinfo(token=token))
        except Exception as e:  # noqa: BLE001 - as above
            current_app.logger.warning("OIDC userinfo failed: %r", e)
            extra = {}
        if extra.get("sub") == claims.get("sub"):
            claims = {**extra, **claims}
    try:
        user, key = oidc.login(
            claims=claims,
            groups_claim=cfg["CRISIS_OIDC_GROUPS_CLAIM"],
            role_map=cfg["CRISIS_OIDC_ROLE_MAP"],
            break_glass=cfg["CRISIS_BREAK_GLASS_USERS"],
            ip=request.remote_addr,
        )
    except ApiError as e:
        flash(e.message, "error")
        return _back_to_login()
    login_user(user)
    session[views.SESSION_KEY] = key
    session[views.SEEN_KEY] = time.time()
    return redirect(views._safe_next(session.pop(NEXT_KEY, None)))
