"""HTTP API: auth, incidents, log, staffing, events, errors, OpenAPI."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD


def test_healthz_needs_no_login(app):
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}


def test_api_requires_login(app, incident):
    resp = app.test_client().get("/api/v1/incidents")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


def test_login_wrong_password(app, users):
    resp = app.test_client().post("/api/v1/auth/login", json={"username": "staff", "password": "wrong"})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "invalid_credentials"


def test_bearer_token(app, users):
    from crisis.auth import service

    _tok, plain = service.create_token(user_id=users["staff"].id, name="WIS-integration")
    client = app.test_client()
    resp = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {plain}"})
    assert resp.status_code == 200 and resp.get_json()["username"] == "staff"
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    service.revoke_token(token_id=_tok.id)
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def leader_patch_level(login, iid, level):
    resp = login("leader").patch(
        f"/api/v1/incidents/{iid}", json={"level": level, "decided_by": "x", "mandate": "y", "reason": "z"}
    )
    return resp.status_code


def test_incident_lifecycle(login, users):
    tib = login("duty_officer")
    resp = tib.post("/api/v1/incidents", json={"title": "Vattenläcka Skene", "kind": "dricksvatten"})
    assert resp.status_code == 201
    inc = resp.get_json()
    assert {k: inc[k] for k in ("title", "kind", "mode", "level", "status")} == {
        "title": "Vattenläcka Skene",
        "kind": "dricksvatten",
        "mode": "real",
        "level": "monitoring",
        "status": "active",
    }
    assert inc["proposed_level"] is None
    iid = inc["id"]
    # A level change is a decision: staff may not, a leader must give who/mandate/why.
    staff = login("staff")
    assert (
        staff.patch(
            f"/api/v1/incidents/{iid}",
            json={"level": "staff", "decided_by": "x", "mandate": "y", "reason": "z"},
        ).status_code
        == 403
    )
    # The TiB may not decide stabsläge (above CRISIS_TIB_MAX_LEVEL).
    resp = tib.patch(
        f"/api/v1/incidents/{iid}", json={"level": "staff", "decided_by": "x", "mandate": "y", "reason": "z"}
    )
    assert resp.status_code == 403 and "stabsläge beslutas av krisledningschefen" in resp.get_json()["error"]["message"]
    # Extraordinär händelse and höjd beredskap are not levels.
    assert leader_patch_level(login, iid, "extraordinary") == 422
    leader = login("leader")
    resp = leader.patch(f"/api/v1/incidents/{iid}", json={"level": "staff"})
    assert resp.status_code == 422 and "decided_by" in resp.get_json()["error"]["message"]
    resp = leader.patch(
        f"/api/v1/incidents/{iid}",
        json={
            "level": "staff",
            "decided_by": "Karin Lindqvist, kommundirektör",
            "mandate": "LEH 2 kap. 2 §, krisledningsnämndens ordförande",
            "reason": "Flera verksamheter påverkade",
        },
    )
    assert resp.status_code == 200 and resp.get_json()["level"] == "staff"
    log = leader.get(f"/api/v1/incidents/{iid}/log?kind=decision").get_json()["items"]
    assert log[-1]["decided_by"] == "Karin Lindqvist, kommundirektör"
    assert log[-1]["text"].startswith("Beslut B-1 (nivåbeslut): Nivån ändras från bevakningsläge till stabsläge.")
    decisions = leader.get(f"/api/v1/incidents/{iid}/decisions").get_json()["items"]
    assert [(d["label"], d["type"], d["log_number"]) for d in decisions] == [("B-1", "level", log[-1]["number"])]
    assert leader.patch(f"/api/v1/incidents/{iid}", json={"mode": "exercise"}).status_code == 422
    resp = leader.patch(
        f"/api/v1/incidents/{iid}",
        json={"status": "closed", "decided_by": "KD", "mandate": "Krisledningsplan", "reason": "Klart"},
    )
    assert resp.get_json()["status"] == "closed"
    assert staff.post(f"/api/v1/incidents/{iid}/log", json={"text": "x"}).status_code == 409


def test_observer_and_staff_cannot_open_incidents(login):
    for role in ("observer", "staff"):
        assert login(role).post("/api/v1/incidents", json={"title": "x", "kind": "y"}).status_code == 403


def test_log_api_and_filters(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    r = staff.post(
        base,
        json={
            "text": "Samtal från SOS",
            "kind": "incoming",
            "counterpart": "SOS Alarm",
            "occurred_at": "2026-11-24T03:12:00+01:00",
        },
    )
    if r.status_code == 422:  # the bound is relative to the incident's start; use now instead
        r = staff.post(base, json={"text": "Samtal från SOS", "kind": "incoming", "counterpart": "SOS Alarm"})
    assert r.status_code == 201, r.get_json()
    entry = r.get_json()
    assert set(entry) >= {
        "number",
        "kind",
        "text",
        "occurred_at",
        "recorded_at",
        "author",
        "position",
        "counterpart",
        "classification",
        "corrects",
        "hash",
    }
    staff.post(
        base,
        json={
            "text": "Beslut om trygghetspunkt",
            "kind": "decision",
            "decided_by": "KD",
            "mandate": "Krisledningsplan 4.1",
        },
    )
    assert [e["kind"] for e in staff.get(base + "?kind=decision").get_json()["items"]] == ["decision"]
    assert len(staff.get(base + "?q=sos").get_json()["items"]) == 1
    assert len(staff.get(base + "?limit=1").get_json()["items"]) == 1
    corr = staff.post(f"{base}/{entry['number']}/correction", json={"text": "Samtal från SOS Alarm, Göteborg"})
    assert corr.status_code == 201 and corr.get_json()["corrects"] == entry["number"]
    items = {e["number"]: e for e in staff.get(base).get_json()["items"]}
    assert items[entry["number"]]["corrected_by"] == corr.get_json()["number"]


@pytest.mark.parametrize(
    "body, status",
    [
        ({"text": ""}, 422),
        ({"text": "x" * 100_000}, 422),
        ({"text": "x", "kind": "rumour"}, 422),
        ({"text": 5}, 422),
        ({"text": ["a"]}, 422),
        ({"text": "x", "occurred_at": "igår"}, 422),
        ({"text": "x", "occurred_at": "2026-11-24T10:00:00"}, 422),  # no time zone
        ({"text": "x", "occurred_at": "2999-01-01T00:00:00+00:00"}, 422),
        ({"text": "x", "classification": "confidential"}, 422),
        ({"text": "x", "unknown_field": 1}, 422),
        ({}, 422),
    ],
)
def test_bad_log_input_is_a_clear_4xx_and_stores_nothing(login, incident, body, status):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    before = len(staff.get(base).get_json()["items"])
    resp = staff.post(base, json=body)
    assert resp.status_code == status
    err = resp.get_json()["error"]
    assert err["code"] and err["message"]
    assert len(staff.get(base).get_json()["items"]) == before


def test_malformed_json_and_wrong_content_type(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    resp = staff.post(base, data="{not json", content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "malformed_json"
    assert staff.post(base, data="[1, 2]", content_type="application/json").status_code == 422
    assert staff.post(base, data="text=hej", content_type="application/x-www-form-urlencoded").status_code == 415


def test_unknown_things_are_404(login, incident):
    staff = login("staff")
    assert staff.get("/api/v1/incidents/9999").status_code == 404
    assert staff.post("/api/v1/incidents/9999/log", json={"text": "x"}).status_code == 404
    assert staff.post(f"/api/v1/incidents/{incident.id}/log/999/correction", json={"text": "x"}).status_code == 404
    assert staff.get("/api/v1/nothing-here").status_code == 404


def test_staffing_api(login, incident, users):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/staffing"
    r = staff.post(base, json={"action": "check_in", "position": "kommunikation"})
    assert r.status_code == 200
    pos = {p["key"]: p for p in r.get_json()["items"]}
    assert [h["user"] for h in pos["kommunikation"]["holders"]] == ["staff"]
    assert staff.post(base, json={"action": "check_in", "position": "kommunikation"}).status_code == 409
    # Staff may not register someone else; the TiB may.
    assert staff.post(base, json={"action": "check_in", "position": "analys", "user": "leader"}).status_code == 403
    tib = login("duty_officer")
    assert tib.post(base, json={"action": "check_in", "position": "analys", "user": "leader"}).status_code == 200
    r = staff.post(
        base,
        json={
            "action": "check_out",
            "position": "kommunikation",
            "handover_note": "Pressmeddelande 2 väntar på godkännande",
        },
    )
    pos = {p["key"]: p for p in r.get_json()["items"]}
    assert pos["kommunikation"]["holders"] == []
    assert pos["kommunikation"]["handover_note"] == "Pressmeddelande 2 väntar på godkännande"
    assert staff.post(base, json={"action": "check_in", "position": "nope"}).status_code == 404
    assert login("observer").post(base, json={"action": "check_in", "position": "analys"}).status_code == 403
    r = staff.post(base, json={"action": "add_position", "position": "va-enheten", "label": "VA-enheten"})
    assert "va-enheten" in [p["key"] for p in r.get_json()["items"]]
    texts = [e["text"] for e in staff.get(f"/api/v1/incidents/{incident.id}/log?kind=system").get_json()["items"]]
    assert any("checkar in som Kommunikation" in t for t in texts)
    assert any("Överlämning: Pressmeddelande 2" in t for t in texts)


def test_events_api_replays_in_order_and_hides_confidential_from_observers(login, incident):
    staff = login("staff")
    staff.post(f"/api/v1/incidents/{incident.id}/log", json={"text": "Öppen"})
    staff.post(
        f"/api/v1/incidents/{incident.id}/log",
        json={"text": "Hemlig", "classification": "confidential", "osl_ground": "OSL 18:13"},
    )
    evs = staff.get(f"/api/v1/incidents/{incident.id}/events?since=0").get_json()["items"]
    seqs = [e["seq"] for e in evs]
    assert seqs == sorted(seqs) and seqs == list(range(1, len(seqs) + 1))
    assert set(evs[0]) == {"incident", "seq", "type", "at", "actor", "data"}
    obs = login("observer").get(f"/api/v1/incidents/{incident.id}/events?since=0").get_json()["items"]
    assert not any(e["type"] == "log.appended" and e["data"]["text"] == "Hemlig" for e in obs)
    later = staff.get(f"/api/v1/incidents/{incident.id}/events?since={seqs[-2]}").get_json()["items"]
    assert [e["seq"] for e in later] == [seqs[-1]]
    assert staff.get(f"/api/v1/incidents/{incident.id}/events?since=-1").status_code == 422


def test_openapi_describes_the_api(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/auth/login",
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/incidents/{incident_id}/log",
        "/api/v1/incidents/{incident_id}/log/{n}/correction",
        "/api/v1/incidents/{incident_id}/staffing",
        "/api/v1/incidents/{incident_id}/events",
    ):
        assert path in spec["paths"], path
    body = spec["paths"]["/api/v1/incidents/{incident_id}/log"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("LogEntryIn")
    assert "LogEntryIn" in spec["components"]["schemas"]


def test_csrf_is_required_for_cookie_writes_but_not_bearer(tmp_path):
    from crisis.auth import service
    from crisis.extensions import db
    from tests.conftest import make_app

    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        service.create(username="tib", password=PASSWORD, role="duty_officer")
        _t, token = service.create_token(user_id=service.get_by_username(username="tib").id, name="t")
        client = app.test_client()
        assert client.post("/api/v1/auth/login", json={"username": "tib", "password": PASSWORD}).status_code == 200
        body = {"title": "x", "kind": "y"}
        resp = client.post("/api/v1/incidents", json=body)
        assert resp.status_code == 400 and "CSRF" in resp.get_json()["error"]["message"]
        page = client.get("/").get_data(as_text=True)
        csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
        assert client.post("/api/v1/incidents", json=body, headers={"X-CSRFToken": csrf}).status_code == 201
        other = app.test_client()
        assert (
            other.post("/api/v1/incidents", json=body, headers={"Authorization": f"Bearer {token}"}).status_code == 201
        )
        db.session.remove()


def test_login_is_rate_limited(tmp_path):
    from crisis.extensions import db
    from tests.conftest import make_app

    app = make_app(tmp_path / "rl", CRISIS_LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        codes = [
            client.post("/api/v1/auth/login", json={"username": "a", "password": "b"}).status_code for _ in range(5)
        ]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        assert (
            client.post("/api/v1/auth/login", json={"username": "a", "password": "b"}).get_json()["error"]["code"]
            == "rate_limited"
        )
        db.session.remove()
