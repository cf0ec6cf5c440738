"""One error type for the service layer, and the JSON/HTML handlers.

Services raise `ApiError` (or a subclass) for anything a user did wrong;
views let it propagate. API requests get `{"error": {"code", "message"}}`,
pages a readable page. Anything else is a bug and is logged as one.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

# Unexpected errors (every 500) with their traceback. Its own logger, given a
# handler if nothing configured logging, so the operator always sees them.
log = logging.getLogger("krisrum.errors")

# A user-facing message: a Swedish source string through the translation
# layer, e.g. `_l("Ingen händelse %(id)s.", id=incident_id)`.
Message = Any


class ApiError(Exception):
    """An error the user caused, with a stable machine `code`.

    The message is a lazy translation (`flask_babel.lazy_gettext`) of a Swedish
    source string; it is rendered when read (`.message`, `str(err)`), so a
    response gets the request's language and a CLI or scheduler run gets
    Swedish. tests/unit/test_translations.py enforces this at every call site.
    """

    status = 400
    code = "bad_request"

    def __init__(
        self, message: Message, *, code: str | None = None, status: int | None = None, details: Any = None
    ) -> None:
        super().__init__(message)
        self._message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details

    @property
    def message(self) -> str:
        return str(self._message)

    def __str__(self) -> str:
        return self.message


class ValidationError(ApiError):
    status = 422
    code = "validation_error"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class Conflict(ApiError):
    status = 409
    code = "conflict"


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: str, message: str, status: int, details: Any = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    resp = jsonify({"error": body})
    resp.status_code = status
    return resp


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


# What the user reads for an HTTP error raised by Flask or an extension
# (werkzeug's own descriptions are English).
_HTTP_MESSAGES: dict[int, Message] = {
    400: _l("Begäran kunde inte tolkas."),
    401: _l("Du måste logga in."),
    403: _l("Du har inte behörighet till detta."),
    404: _l("Sidan eller resursen finns inte."),
    405: _l("Metoden är inte tillåten här."),
    409: _l("Åtgärden krockar med nuvarande läge."),
    413: _l("Det du skickade är för stort."),
    415: _l("Innehållstypen stöds inte."),
    422: _l("Uppgifterna kunde inte behandlas."),
    429: _l("För många försök; vänta en stund och försök igen."),
}


def _http_message(err: HTTPException) -> str:
    from flask_wtf.csrf import CSRFError

    if isinstance(err, CSRFError):
        return str(_l("Formuläret har gått ut eller saknar säkerhetstoken (CSRF); ladda om sidan och försök igen."))
    message = _HTTP_MESSAGES.get(err.code or 500)
    return str(message) if message is not None else (err.description or err.name)


def ensure_error_log() -> None:
    """Unexpected errors reach stderr even when no logging is configured (gunicorn,
    `flask run`): without a handler Python would print only the message, not the traceback."""
    root = logging.getLogger()
    krisrum = logging.getLogger("krisrum")
    if not root.handlers and not krisrum.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        krisrum.addHandler(handler)


def register_error_handlers(app: Flask) -> None:
    ensure_error_log()

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError) -> Any:
        if _wants_json():
            return error_response(err.code, err.message, err.status, err.details)
        return render_template("error.html", status=err.status, message=err.message), err.status

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        status = err.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        if _wants_json():
            return error_response(code, _http_message(err), status)
        return render_template("error.html", status=status, message=_http_message(err)), status

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Any:
        log.exception("unhandled error (500) on %s %s", request.method, request.path)
        if _wants_json():
            return error_response("internal_error", str(_l("Internt fel; det har loggats.")), 500)
        return render_template("error.html", status=500, message=_l("Internt fel")), 500
