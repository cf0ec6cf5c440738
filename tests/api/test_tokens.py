"""Tokens through the API (GET|POST /tokens, DELETE /tokens/{id}) and the login answer's
csrf_token, which a cookie API client sends as X-CSRFToken."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import PASSWORD, IsolatedSocketClient


def _create(client, **body):
    return client.post("/api/v1/tokens", json={"name": "integration", **body})


def test_a_user_makes_a_token_for_themself_and_it_authenticates(app, login, users):
    from crisis.auth.models import ApiToken
    from crisis.extensions import db

    resp = _create(login("staff"), name="Skript för lägesbild")
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["user"] == users["staff"].username and out["name"] == "Skript för lägesbild" and out["active"]
    secret = out["token"]
    # Stored as the model stores every token: only the SHA-256, never the secret.
    row = db.session.get(ApiToken, out["id"])
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in row.token_hash
    me = app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["username"] == users["staff"].username


@pytest.mark.parametrize("role", ["observer", "reporter", "duty_officer"])
def test_every_role_may_make_its_own_token(login, role):
    assert _create(login(role)).status_code == 201


def test_the_list_shows_own_tokens_never_the_secret(login, users):
    staff, leader = login("staff"), login("leader")
    mine = _create(staff).get_json()
    _create(leader)
    listed = staff.get("/api/v1/tokens").get_json()
    assert [t["id"] for t in listed["items"]] == [mine["id"]]
    assert "token" not in listed["items"][0] and mine["token"] not in str(listed)
    assert listed["page"] == 1 and listed["next_page"] is None


def test_admin_lists_all_paginated_and_makes_one_for_another_user(app, login, users):
    admin = login("admin")
    made = _create(admin, user=users["observer"].username)
    assert made.status_code == 201 and made.get_json()["user"] == users["observer"].username
    for role in ("staff", "leader"):
        _create(login(role))
    first = admin.get("/api/v1/tokens?per_page=2").get_json()
    assert len(first["items"]) == 2 and first["next_page"] == 2
    second = admin.get("/api/v1/tokens?per_page=2&page=2").get_json()
    assert len(second["items"]) == 1 and second["next_page"] is None
    assert {t["user"] for t in first["items"] + second["items"]} == {"observer", "staff", "leader"}
    # The observer's token acts as the observer.
    me = app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {made.get_json()['token']}"})
    assert me.get_json()["role"] == "observer"


def test_a_non_admin_cannot_make_a_token_for_someone_else(app, login, users):
    from crisis.auth.models import ApiToken
    from crisis.extensions import db

    resp = _create(login("leader"), user=users["admin"].username)
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    assert db.session.query(ApiToken).count() == 0
    # Naming oneself is fine.
    assert _create(login("leader"), user=users["leader"].username).status_code == 201


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x" * 101}, {"name": "ok", "extra": 1}, {"name": 5}, {"name": "ok", "user": "nobody"}],
)
def test_bad_token_requests_are_clear_4xx_and_make_nothing(app, login, body):
    from crisis.auth.models import ApiToken
    from crisis.extensions import db

    resp = login("admin").post("/api/v1/tokens", json=body)
    assert 400 <= resp.status_code < 500 and resp.get_json()["error"]["message"]
    assert db.session.query(ApiToken).count() == 0


def test_revoking_ends_the_token_and_its_socket(app, login, users):
    from crisis.extensions import socketio

    staff = login("staff")
    made = _create(staff).get_json()
    sock = IsolatedSocketClient(lambda: socketio.test_client(app, auth={"token": made["token"]}))
    assert sock.is_connected()
    resp = staff.delete(f"/api/v1/tokens/{made['id']}")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["revoked_at"] and not resp.get_json()["active"]
    assert not sock.is_connected()
    after = app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {made['token']}"})
    assert after.status_code == 401


def test_only_own_tokens_are_revoked_except_by_admins(app, login, users):
    leader_token = _create(login("leader")).get_json()
    resp = login("staff").delete(f"/api/v1/tokens/{leader_token['id']}")
    assert resp.status_code == 404
    assert (
        app.test_client()
        .get("/api/v1/auth/me", headers={"Authorization": f"Bearer {leader_token['token']}"})
        .status_code
        == 200
    )
    assert login("admin").delete(f"/api/v1/tokens/{leader_token['id']}").status_code == 200
    assert login("staff").delete("/api/v1/tokens/999999").status_code == 404


def test_tokens_are_in_the_openapi_spec(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/tokens"])
    assert "delete" in spec["paths"]["/api/v1/tokens/{token_id}"]
    created = spec["paths"]["/api/v1/tokens"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert created["$ref"].endswith("TokenCreatedOut")
    assert "token" in spec["components"]["schemas"]["TokenCreatedOut"]["properties"]
    assert "token" not in spec["components"]["schemas"]["TokenOut"]["properties"]
    assert "csrf_token" in spec["components"]["schemas"]["LoginOut"]["properties"]


# --- the login answer's csrf_token --------------------------------------------------------


@pytest.fixture
def csrf_app(tmp_path):
    from crisis.auth import service
    from crisis.extensions import db
    from tests.conftest import make_app

    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        service.create(username="tib", password=PASSWORD, role="duty_officer")
        yield app
        db.session.remove()


def test_a_cookie_client_writes_with_the_login_answers_csrf_token(csrf_app):
    client = csrf_app.test_client()
    resp = client.post("/api/v1/auth/login", json={"username": "tib", "password": PASSWORD})
    assert resp.status_code == 200
    csrf = resp.get_json()["csrf_token"]
    assert csrf
    body = {"title": "Vattenläcka", "kind": "vatten"}
    refused = client.post("/api/v1/incidents", json=body)
    assert refused.status_code == 400
    err = refused.get_json()["error"]
    assert err["code"] == "csrf_failed" and "X-CSRFToken" in err["message"]
    wrong = client.post("/api/v1/incidents", json=body, headers={"X-CSRFToken": "not-the-token"})
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "csrf_failed"
    assert client.post("/api/v1/incidents", json=body, headers={"X-CSRFToken": csrf}).status_code == 201
    # The token made through the API by this cookie session needs it too.
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 400
    assert client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRFToken": csrf}).status_code == 201
    # Another session's token does not fit this one.
    other = csrf_app.test_client()
    other.post("/api/v1/auth/login", json={"username": "tib", "password": PASSWORD})
    assert other.post("/api/v1/incidents", json=body, headers={"X-CSRFToken": "x" + csrf[1:]}).status_code == 400
