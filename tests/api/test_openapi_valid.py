"""/api/openapi.json is a valid OpenAPI 3.1 document (checked by openapi-spec-validator, written
elsewhere): component names follow the name rule, no two models share a name, every success
answer has a schema, and query parameters carry their limits."""

from __future__ import annotations

import re

import pydantic
import pytest


@pytest.fixture
def spec(app, login):
    resp = login("observer").get("/api/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def test_the_document_validates_with_openapi_spec_validator(spec):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

    errors = [str(e).splitlines()[0] for e in OpenAPIV31SpecValidator(spec).iter_errors()]
    assert not errors, errors
    validate(spec)  # raises on the first error


def test_component_names_follow_the_rule_and_lists_are_named(spec):
    names = list(spec["components"]["schemas"])
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", n) for n in names), names
    assert "IncidentList" in names and "TaskList" in names
    ok = spec["paths"]["/api/v1/incidents"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/IncidentList"}


def test_the_two_position_models_have_their_own_names(spec):
    schemas = spec["components"]["schemas"]
    assert "PositionOut" in schemas and "PlaybookPositionOut" in schemas
    assert schemas["PositionOut"] != schemas["PlaybookPositionOut"]


def test_two_models_with_one_name_are_refused():
    from crisis import api

    class Clash(pydantic.BaseModel):
        a: int

    first = Clash

    class Clash(pydantic.BaseModel):  # noqa: F811  (the point of the test)
        b: str

    saved = list(api.REGISTRY)
    try:
        api.REGISTRY.append(api.Operation(method="get", path="/clash-a", summary="a", tag="t", response=first))
        api.REGISTRY.append(api.Operation(method="get", path="/clash-b", summary="b", tag="t", response=Clash))
        with pytest.raises(ValueError, match="Clash"):
            api.build_spec()
    finally:
        api.REGISTRY[:] = saved


def test_every_success_answer_has_a_schema(spec):
    missing = [
        f"{method.upper()} {path} {code}"
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        for code, answer in op["responses"].items()
        if code.startswith("2") and code != "204" and "content" not in answer
    ]
    assert not missing, missing


def test_query_limits_are_described(spec):
    params = {p["name"]: p for p in spec["paths"]["/api/v1/incidents/{incident_id}/log"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 500 and params["limit"]["schema"]["minimum"] == 1
    assert params["limit"]["schema"]["default"] == 100
    after = params["after"]["schema"]["anyOf"][0]
    assert after["minimum"] == 0 and after["maximum"] == 2**31 - 1  # what PostgreSQL's integer column stores
    assert params["incident_id"]["schema"]["maximum"] == 2**31 - 1
    assert params["q"]["schema"]["anyOf"][0]["maxLength"] == 200


def test_every_answer_of_every_operation_has_a_schema(spec):
    """Errors too: each documented answer says what its body is (schemathesis checks bodies against it)."""
    missing = [
        f"{method.upper()} {path} {code}"
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        for code, answer in op["responses"].items()
        if code != "204" and not any("schema" in media for media in answer.get("content", {}).values())
    ]
    assert not missing, missing
    activate = spec["paths"]["/api/v1/playbooks/{key}/activate"]["post"]["responses"]
    assert "schema" in activate["201"]["content"]["application/json"]


def test_login_documents_its_own_refusals(spec):
    answers = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert {"200", "401", "422", "429"} <= set(answers), sorted(answers)
    assert answers["429"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "403" not in answers
