"""The JSON API under /api/v1: one blueprint, request parsing, and the OpenAPI registry.

Each domain's `views.py` declares its endpoints with `@operation(...)`,
which registers the Flask route *and* its OpenAPI description from the same
pydantic models that validate the request, so the spec cannot drift from
the code.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pydantic
from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from crisis import safejson
from crisis.api import idempotency
from crisis.errors import ApiError, ValidationError
from crisis.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # re-applied below for cookie-authenticated writes

PUBLIC_ENDPOINTS = {"api.login"}


@bp.before_request
def _authenticate() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        raise ApiError(
            _l("Du måste logga in (sessionscookie eller Authorization: Bearer)."), code="unauthorized", status=401
        )
    # The authorization matrix (crisis.auth.matrix): a role it refuses gets 403 here,
    # before the request is parsed; the service still checks its finer rules.
    from crisis.auth import gate

    refused = gate.check_api()
    if refused is not None:
        return refused  # type: ignore[no-any-return]
    # A browser session must prove the request came from our own pages; a
    # bearer token cannot be sent by another site, so it needs no CSRF token.
    # Only a token that really authenticates counts: any other Authorization
    # header (junk, Basic, a revoked token) leaves a cookie session protected.
    if (
        request.method not in ("GET", "HEAD", "OPTIONS")
        and not _bearer_authenticated()
        and current_app.config.get("WTF_CSRF_ENABLED", True)
    ):
        try:
            csrf.protect()
        except CSRFError:
            raise ApiError(
                _l(
                    "CSRF-token saknas eller är ogiltig: en skrivning med sessionscookie behöver huvudet "
                    "X-CSRFToken med csrf_token från inloggningssvaret (POST /api/v1/auth/login)."
                ),
                code="csrf_failed",
                status=400,
            ) from None


def _bearer_authenticated() -> bool:
    from crisis.auth import service as auth_service

    return auth_service.bearer_token(request.headers.get("Authorization", "")) is not None


def _unsafe(e: safejson.UnsafeJSON) -> ApiError:
    if e.reason == "int_out_of_range":
        return ValidationError(
            _l("Talet i fältet %(field)s är för stort (högst 2^63-1).", field=e.path or "(body)"),
            details=[{"field": e.path or "(body)", "message": "integer out of range"}],
        )
    if e.reason == "number_too_long":
        return ApiError(_l("Ett tal i JSON-innehållet har för många siffror."), code="malformed_json")
    return ApiError(
        _l("JSON-innehållet är för djupt nästlat (högst %(limit)s nivåer).", limit=safejson.MAX_DEPTH),
        code="malformed_json",
    )


def _refuse_nul(data: Any) -> None:
    where = safejson.nul_problem(data)
    if where is not None:
        raise ValidationError(
            _l("Fältet %(field)s innehåller ett NUL-tecken, som inte är tillåtet i text.", field=where),
            details=[{"field": where, "message": "NUL character not allowed"}],
        )


def _bounded(model: pydantic.BaseModel) -> pydantic.BaseModel:
    """Every integer the model holds fits 64 bits (pydantic also makes ints of strings)."""
    try:
        safejson.check_structure(model.model_dump())
    except safejson.UnsafeJSON as e:
        raise _unsafe(e) from None
    return model


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    body: type[pydantic.BaseModel] | None = None
    query: type[pydantic.BaseModel] | None = None
    response: Any = None
    status: int = 200
    public: bool = False
    perm: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    int_params: tuple[str, ...] = ()


REGISTRY: list[Operation] = []


def _format_errors(err: pydantic.ValidationError) -> tuple[str, list[dict[str, Any]]]:
    """The technical message (English, pydantic's) and the per-field details."""
    details = []
    for e in err.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in e["loc"]) or "(body)"
        details.append({"field": loc, "message": e["msg"]})
    first = details[0]
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{first['field']}: {first['message']}{more}", details


def parse_body(model: type[pydantic.BaseModel]) -> Any:
    if not request.is_json:
        raise ApiError(_l("Skicka JSON med Content-Type: application/json."), code="unsupported_media_type", status=415)
    raw = request.get_data(cache=True, as_text=True)
    try:
        data = safejson.loads(raw) if raw.strip() else None
    except safejson.UnsafeJSON as e:
        raise _unsafe(e) from None
    except json.JSONDecodeError as e:
        raise ApiError(
            _l(
                "Felaktig JSON på rad %(line)s, kolumn %(column)s: %(error)s.",
                line=e.lineno,
                column=e.colno,
                error=e.msg,
            ),
            code="malformed_json",
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(_l("Innehållet måste vara ett JSON-objekt."))
    _refuse_nul(data)
    try:
        return _bounded(model.model_validate(data))
    except pydantic.ValidationError as e:
        details = _format_errors(e)[1]
        raise ValidationError(
            _ln(
                "Ogiltigt värde i fältet %(field)s: %(error)s",
                "Ogiltiga värden i %(num)s fält, först %(field)s: %(error)s",
                len(details),
                field=details[0]["field"],
                error=details[0]["message"],
            ),
            details=details,
        ) from None


def parse_query(model: type[pydantic.BaseModel]) -> Any:
    args = request.args.to_dict()
    _refuse_nul(args)
    try:
        return _bounded(model.model_validate(args))
    except pydantic.ValidationError as e:
        details = _format_errors(e)[1]
        raise ValidationError(
            _ln(
                "Ogiltigt värde i fältet %(field)s: %(error)s",
                "Ogiltiga värden i %(num)s fält, först %(field)s: %(error)s",
                len(details),
                field=details[0]["field"],
                error=details[0]["message"],
            ),
            details=details,
        ) from None


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def operation(
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    body: type[pydantic.BaseModel] | None = None,
    query: type[pydantic.BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    public: bool = False,
    perm: str | None = None,
    endpoint: str | None = None,
    **extra: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an API route and describe it for /api/openapi.json.

    The view gets `body=` and/or `query=` (validated pydantic models) as
    keyword arguments, and returns a dict, a list (wrapped as `items`), or a
    Response.
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(kwargs: dict[str, Any]) -> Response:
            if body is not None:
                kwargs["body"] = parse_body(body)
            if query is not None:
                kwargs["query"] = parse_query(query)
            result = fn(**kwargs)
            if isinstance(result, Response):
                return result
            if isinstance(result, list):
                result = {"items": result}
            resp = jsonify(result)
            resp.status_code = status
            if response is not None and current_app.config.get("TESTING"):
                check_response(response, resp.get_json(), f"{method} {rule}")
            return resp

        @functools.wraps(fn)
        def view(**kwargs: Any) -> Any:
            # Writes honour an Idempotency-Key (per user): a retry returns the first answer.
            if idempotent and current_user.is_authenticated:
                return idempotency.run(current_user.id, lambda: call(kwargs))
            return call(kwargs)

        idempotent = method.upper() in idempotency.WRITE_METHODS and not public

        bp.add_url_rule(rule, endpoint or fn.__name__, view, methods=[method])
        REGISTRY.append(
            Operation(
                method=method.lower(),
                path="/api/v1" + _openapi_path(rule),
                summary=summary,
                tag=tag,
                body=body,
                query=query,
                response=response,
                status=status,
                public=public,
                perm=perm,
                extra=extra,
                int_params=tuple(re.findall(r"<int:([a-z_]+)>", rule)),
            )
        )
        return view

    return deco


class ResponseModelMismatch(AssertionError):
    """Under TESTING: an API response is not what its declared `response` model says."""


def check_response(model: Any, sent: Any, where: str) -> None:
    """The response as sent must be exactly its model: valid, nothing undeclared, no
    required field missing, no value the model would change.

    Runs in tests only (the `operation` decorator calls it under TESTING), so
    drift between a serialiser and its *Out model fails a test. Raised, not
    returned as a 500, so the failing test names the endpoint and the fields.
    """
    adapter = pydantic.TypeAdapter(model)
    name = getattr(model, "__name__", repr(model))
    try:
        # exclude_unset: a field with a default may be left out (the spec marks it optional).
        dumped = adapter.dump_python(adapter.validate_python(sent), mode="json", exclude_unset=True)
        problem = None if dumped == sent else f"differs from {name}: {_difference(sent, dumped)}"
    except pydantic.ValidationError as e:
        problem = f"does not match {name}: {e}"
    if problem:
        # Also recorded on the app: the test fixture fails the test even if
        # the test did not look at the (500) response.
        current_app.extensions.setdefault("krisrum_response_mismatches", []).append(f"{where}: {problem}")
        raise ResponseModelMismatch(f"{where}: response {problem}")


def _difference(sent: Any, dumped: Any, path: str = "") -> str:
    if isinstance(sent, dict) and isinstance(dumped, dict):
        undeclared = sorted(set(sent) - set(dumped))
        missing = sorted(set(dumped) - set(sent))
        if undeclared or missing:
            return f"at {path or '(top)'}: undeclared {undeclared}, not sent {missing}"
        for k in sent:
            if sent[k] != dumped[k]:
                return _difference(sent[k], dumped[k], f"{path}.{k}")
    if isinstance(sent, list) and isinstance(dumped, list) and len(sent) == len(dumped):
        for i, (a, b) in enumerate(zip(sent, dumped, strict=True)):
            if a != b:
                return _difference(a, b, f"{path}[{i}]")
    return f"at {path or '(top)'}: sent {sent!r:.200}, model gives {dumped!r:.200}"


def _bound_integers(schema: dict[str, Any]) -> dict[str, Any]:
    """Say in the schema what the API enforces for every integer: INT_MIN..INT_MAX (32 bits)."""
    if schema.get("type") == "integer":
        schema.setdefault("maximum", safejson.INT_MAX)
        schema.setdefault("minimum", safejson.INT_MIN)
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list):
            schema[key] = [_bound_integers(dict(s)) if isinstance(s, dict) else s for s in schema[key]]
    return schema


def component_name(title: str) -> str:
    """An OpenAPI component name (letters, digits, `.`, `_`, `-`) for a pydantic title:
    the generic `Items[IncidentOut]` becomes `IncidentList`."""
    generic = re.fullmatch(r"Items\[(\w+?)(?:Out)?\]", title)
    if generic:
        return f"{generic.group(1)}List"
    return re.sub(r"[^A-Za-z0-9._-]", "_", title)


def build_spec() -> dict[str, Any]:
    """OpenAPI 3.1 from the registry; schemas come from the pydantic models."""
    from crisis.api import schemas  # noqa: F401  (shared component schemas)

    components: dict[str, Any] = {"Error": schemas.ERROR_SCHEMA}
    paths: dict[str, Any] = {}

    def add(name: str, schema: dict[str, Any]) -> None:
        # Two different models under one name would silently describe one of
        # them wrongly: refuse (rename one of the classes).
        if name in components and components[name] != schema:
            raise ValueError(f"two different schemas are named {name!r} in the OpenAPI document")
        components[name] = schema

    def ref(model: Any, mode: Literal["validation", "serialization"] = "serialization") -> dict[str, Any]:
        adapter = pydantic.TypeAdapter(model)
        js = adapter.json_schema(ref_template="#/components/schemas/{model}", mode=mode)
        for name, sub in js.pop("$defs", {}).items():
            add(name, sub)
        title = js.get("title")
        if isinstance(model, type) and issubclass(model, pydantic.BaseModel) and title:
            name = component_name(title)
            js["title"] = name
            add(name, js)
            return {"$ref": f"#/components/schemas/{name}"}
        return js

    for op in REGISTRY:
        entry: dict[str, Any] = {"summary": op.summary, "tags": [op.tag], "responses": {}}
        if op.perm:
            entry["description"] = f"Requires the permission `{op.perm}`."
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(op.body)}}}
        # operation(..., multipart={"file": "what it is"}) describes a file upload (multipart/form-data).
        upload_fields: dict[str, str] = op.extra.get("multipart", {})
        if upload_fields:
            entry["requestBody"] = {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": sorted(upload_fields),
                            "properties": {
                                name: {"type": "string", "format": "binary", "description": text}
                                for name, text in upload_fields.items()
                            },
                        }
                    }
                },
            }
        params = []
        for name in re.findall(r"{([a-z_]+)}", op.path):
            params.append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0, "maximum": safejson.INT_MAX}
                    if name in op.int_params
                    else {"type": "string"},
                }
            )
        if op.query is not None:
            # Each parameter's schema as the model validates it: limits, defaults, choices.
            query_js = op.query.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
            for def_name, sub in query_js.pop("$defs", {}).items():
                add(def_name, sub)
            for name, f in op.query.model_fields.items():
                schema = _bound_integers(dict(query_js.get("properties", {}).get(name, {})))
                schema.pop("title", None)
                description = schema.pop("description", None) or f.description or ""
                params.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": f.is_required(),
                        "description": description,
                        "schema": schema,
                    }
                )
        if op.method in ("post", "put", "patch", "delete") and not op.public:
            params.append(
                {
                    "name": idempotency.HEADER,
                    "in": "header",
                    "required": False,
                    "description": "Makes the write safe to retry: a retry with the same key (per user, "
                    "kept 24 h) returns the first answer (header Idempotent-Replayed: true) and writes "
                    "nothing new; the same key with a different request is 422 "
                    "(idempotency_key_reused); while the first is still running, 409. 1-255 visible "
                    "ASCII characters, e.g. a UUID.",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
                }
            )
        if params:
            entry["parameters"] = params
        ok: dict[str, Any] = {"description": "OK"}
        if op.response is not None:
            # content_type: one media type, or a tuple of the types the answer may have (a stored file's).
            declared = op.extra.get("content_type", "application/json")
            ctypes = (declared,) if isinstance(declared, str) else tuple(declared)
            ok["content"] = {
                ctype: {"schema": ref(op.response) if ctype == "application/json" else {"type": "string"}}
                for ctype in ctypes
            }
        entry["responses"][str(op.status)] = ok
        # operation(..., errors={"429": "..."}) documents an operation's own error answers (e.g. login's 401 and 429).
        own_errors: dict[str, str] = op.extra.get("errors", {})
        for code, text in (
            ("400", "Bad request"),
            ("401", "Not logged in"),
            ("403", "Role not allowed"),
            ("404", "Not found"),
            ("409", "Conflict"),
            ("422", "Invalid input"),
            *own_errors.items(),
        ):
            if op.public and code in ("401", "403") and code not in own_errors:
                continue
            entry["responses"][code] = {
                "description": text,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        if op.public:
            entry["security"] = []
        paths.setdefault(op.path, {})[op.method] = entry

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Krisrum API",
            "version": "1",
            "description": 'The JSON API of Krisrum. Errors are {"error": {"code", "message"}}.',
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
    }


def openapi_view() -> Response:
    return jsonify(build_spec())
