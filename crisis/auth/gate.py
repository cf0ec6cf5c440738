"""Enforce the authorization matrix (crisis.auth.matrix) at the edge: every page and
API request is checked against its entry before it is parsed; a refused role gets
403 (API: the JSON error; pages: the readable error page), marked with the header
`X-Krisrum-Refused: role`, and a page that needs a login sends a visitor to it.
The services still apply their own, finer rules. An endpoint missing from the
table is let through to its view's own checks (and fails tests/web/test_authz_matrix.py)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crisis.auth import matrix
from crisis.errors import error_response
from crisis.extensions import login_manager
from crisis.labels import ROLES

REFUSED_HEADER = "X-Krisrum-Refused"


def _role() -> Any:
    return current_user.role if current_user.is_authenticated else None


def _refusal(api: bool) -> Any:
    role = current_user.role.value
    message = str(_l("Din roll (%(role)s) får inte göra detta.", role=ROLES.get(role, role)))
    if api:
        resp = error_response("forbidden", message, 403)
    else:
        resp = current_app.make_response((render_template("error.html", status=403, message=message), 403))
    resp.headers[REFUSED_HEADER] = "role"
    return resp


def api_path() -> str:
    """The OpenAPI path of the matched API rule: /api/v1/tasks/<int:task_id> -> /api/v1/tasks/{task_id}."""
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def check_api() -> Any:
    """Called by the API blueprint once the user is known (after the 401 check)."""
    if not current_app.config.get("KRISRUM_MATRIX_GATE", True):  # tests probe the services alone
        return None
    rule = matrix.for_api(request.method, api_path())
    if rule is not None and not rule.allows(_role()):
        return _refusal(api=True)
    return None


def _check_page() -> Any:
    endpoint = request.endpoint
    if not current_app.config.get("KRISRUM_MATRIX_GATE", True):
        return None
    if endpoint is None or endpoint.startswith("api."):
        return None  # 404/405, or the API blueprint's own gate
    rule = matrix.for_page(endpoint)
    if rule is None or rule.allows(_role()):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return _refusal(api=False)


def socket_allows(event: str) -> bool:
    """Whether the current user may use this Socket.IO event (unlisted: no)."""
    rule = matrix.SOCKET.get(event)
    return rule is not None and rule.allows(_role())


def install(app: Flask) -> None:
    app.before_request(_check_page)
