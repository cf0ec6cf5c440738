"""Höjd beredskap only by recording the government's decision (PUT /readiness), by a leader or admin;
it writes into every open incident's log and never touches an incident's level."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

HEIGHTENED = {"readiness": "heightened", "decided_at": "2026-11-20", "reference": "Fö2026/01234", "note": "Beslut 1"}


def test_default_is_peace(login):
    body = login("observer").get("/api/v1/readiness").get_json()
    assert body["current"]["readiness"] == "peace" and body["current"]["heightened"] is False
    assert body["history"] == []


@pytest.mark.parametrize("role", ["staff", "duty_officer", "exercise_control", "observer"])
def test_only_leader_or_admin_may_record(login, role):
    resp = login(role).put("/api/v1/readiness", json=HEIGHTENED)
    assert resp.status_code == 403, resp.get_json()
    assert login("leader").get("/api/v1/readiness").get_json()["current"]["readiness"] == "peace"


@pytest.mark.parametrize(
    "body,code",
    [
        ({"readiness": "heightened", "decided_at": "2026-11-20"}, "reference_required"),
        ({"readiness": "heightened", "decided_at": "2026-11-20", "reference": "  "}, "reference_required"),
        ({"readiness": "highest", "reference": "Fö2026/01234"}, "decided_at_required"),
    ],
)
def test_reference_and_date_are_required(login, body, code):
    client = login("leader")
    resp = client.put("/api/v1/readiness", json=body)
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == code, resp.get_json()
    assert client.get("/api/v1/readiness").get_json()["history"] == []


def test_unknown_value_and_future_date_are_refused(login):
    client = login("admin")
    assert client.put("/api/v1/readiness", json={**HEIGHTENED, "readiness": "heightened_alert"}).status_code in (
        400,
        422,
    )
    future = (date.today() + timedelta(days=3)).isoformat()
    assert client.put("/api/v1/readiness", json={**HEIGHTENED, "decided_at": future}).status_code == 422
    assert client.get("/api/v1/readiness").get_json()["history"] == []


def test_recording_writes_into_every_open_incident_and_keeps_levels(login, users, incident):
    from crisis.incidents import service as incidents

    other = incidents.create(actor=users["duty_officer"], title="Vattenläcka", kind="dricksvatten", level="monitoring")
    closed = incidents.create(actor=users["duty_officer"], title="Gammal", kind="storm", level="monitoring")
    from crisis.enums import IncidentStatus
    from crisis.extensions import db

    db.session.get(type(closed), closed.id).status = IncidentStatus.CLOSED  # closing itself is not under test
    db.session.commit()
    client = login("leader")
    levels = {i: client.get(f"/api/v1/incidents/{i}").get_json()["level"] for i in (incident.id, other.id)}
    before = {i: len(client.get(f"/api/v1/incidents/{i}/log").get_json()["items"]) for i in (other.id, closed.id)}
    resp = client.put("/api/v1/readiness", json=HEIGHTENED)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["current"]["readiness"] == "heightened" and body["current"]["reference"] == "Fö2026/01234"
    assert body["current"]["decided_at"] == "2026-11-20" and body["current"]["recorded_by"] == "Leader Testsson"
    for inc in (incident, other):
        items = client.get(f"/api/v1/incidents/{inc.id}/log").get_json()["items"]
        texts = [e["text"] for e in items if e["kind"] == "system"]
        assert (
            "Regeringen har beslutat om skärpt beredskap (Fö2026/01234, 2026-11-20). "
            "Kommunstyrelsen leder under höjd beredskap."
        ) in texts, texts
    assert {i: client.get(f"/api/v1/incidents/{i}").get_json()["level"] for i in levels} == levels
    assert len(client.get(f"/api/v1/incidents/{closed.id}/log").get_json()["items"]) == before[closed.id]

    # Back to peace needs a reference too; then it is history.
    assert client.put("/api/v1/readiness", json={"readiness": "peace"}).status_code == 400
    resp = client.put("/api/v1/readiness", json={"readiness": "peace", "reference": "Fö2026/05555"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["current"]["readiness"] == "peace"
    assert [h["readiness"] for h in body["history"]] == ["peace", "heightened"]
    items = client.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"]
    assert any("höjd beredskap upphör (Fö2026/05555)" in e["text"] for e in items)
    # Peace again while at peace: nothing to record.
    assert client.put("/api/v1/readiness", json={"readiness": "peace", "reference": "X"}).status_code == 409


def test_openapi_describes_readiness(login):
    spec = login("staff").get("/api/openapi.json").get_json()
    ops = spec["paths"]["/api/v1/readiness"]
    assert set(ops) >= {"get", "put"}


def test_the_hojd_beredskap_playbook_neither_sets_readiness_nor_a_heightened_level(login):
    client = login("duty_officer")
    resp = client.post("/api/v1/playbooks/hojd-beredskap/activate", json={"title": "Höjd beredskap beslutad"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["level"] in ("normal", "monitoring", "reinforced", "staff")
    # Opening an incident never sets extraordinär händelse (nor KLN in function) or höjd beredskap.
    assert resp.get_json()["extraordinary"] is False and resp.get_json()["kln_active"] is False
    assert client.get("/api/v1/readiness").get_json()["current"]["readiness"] == "peace"
