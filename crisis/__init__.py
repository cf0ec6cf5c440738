"""Krisrum: the real-time command tool of a municipality's central krisledning."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from crisis import extensions as ext
from crisis import safejson
from crisis.config import ROOT, load_config

SUPPORTED_LOCALES = ("sv", "en")


class BoundedIntConverter(IntegerConverter):
    """werkzeug's `int` converter, bounded to what the database stores (safejson.INT_MAX: 32 bits on PostgreSQL)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", safejson.INT_MAX)
        super().__init__(map, *args, **kwargs)


def _select_locale() -> str:
    if not has_request_context():  # CLI, scheduler: the record's language
        return "sv"
    lang = session.get("lang")
    if lang in SUPPORTED_LOCALES:
        return lang
    return "sv"


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config(overrides))
    # Every `<int:...>` in a URL is at most 2^63-1: a larger one matches no
    # route (404) instead of overflowing the database (500).
    app.url_map.converters["int"] = BoundedIntConverter
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "crisis" / "translations")

    # Rate-limit counters live in Redis when there is one (shared by all
    # web processes), else in this process.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["CRISIS_MESSAGE_QUEUE"] or "memory://")

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(ROOT / "migrations"))
    ext.login_manager.init_app(app)
    ext.login_manager.login_view = "auth.login"
    ext.login_manager.login_message = None
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: "Europe/Stockholm")
    ext.limiter.init_app(app)
    # Socket handlers must be imported before init_app: Flask-SocketIO keeps
    # handlers declared before the first init_app and installs them on every
    # server it creates; ones declared later would reach only the first app.
    from crisis.realtime import handlers  # noqa: F401

    ext.socketio.init_app(
        app, message_queue=app.config["CRISIS_MESSAGE_QUEUE"] or None, cors_allowed_origins=None, manage_session=True
    )

    from crisis import models  # noqa: F401  (register every table)
    from crisis.db import configure_sqlite
    from crisis.errors import register_error_handlers
    from crisis.realtime import bus, websocket

    with app.app_context():
        configure_sqlite(ext.db.engine)
    bus.install()
    websocket.install()  # whole WebSocket frames (simple-websocket writes partial ones under load)
    register_error_handlers(app)
    _register_domains(app)
    _register_security_headers(app)

    from crisis.cli import register_cli

    register_cli(app)
    return app


def _register_domains(app: Flask) -> None:
    from crisis import api, registry
    from crisis.domains import init_domains

    registry.install(app)
    init_domains(app)
    # Last: each domain's views module has now added its routes to the API blueprint.
    app.register_blueprint(api.bp)
    app.add_url_rule("/api/openapi.json", "openapi", api.openapi_view)


def _register_security_headers(app: Flask) -> None:
    from crisis.assets import CDN_ORIGINS

    tile_origin = "{0.scheme}://{0.netloc}".format(urlsplit(app.config["CRISIS_TILE_URL"].replace("{s}", "a")))
    tile_hosts = tile_origin.replace("://a.", "://*.")
    cdn = " ".join(CDN_ORIGINS) if app.config["CRISIS_ASSETS"] == "cdn" else ""
    csp = "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {cdn}".strip(),
            f"style-src 'self' {cdn}".strip(),
            f"img-src 'self' data: {tile_hosts}",
            "connect-src 'self' ws: wss:",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

    @app.after_request
    def _headers(resp: Any) -> Any:
        resp.headers.setdefault("Content-Security-Policy", csp)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        if request.path.startswith("/api/") or (current_user and current_user.is_authenticated):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp
