"""Krisledningsnämnden (KLN) in function only by its ordförande's (or vice ordförande's) decision,
LEH 2 kap. 3 §; refused under höjd beredskap; a refusal stores nothing; stand-down likewise."""

from __future__ import annotations

import re

import pytest


def _kln(action="activate", mandate_key="kln_ordforande", **extra):
    body = {
        "type": "kln",
        "decided_by": "Eva Ordförande",
        "mandate_key": mandate_key,
        "reason": "Elavbrottet kräver samordnade prioriteringar mellan förvaltningarna.",
        "data": {"action": action, **extra},
    }
    if mandate_key is None:
        body.pop("mandate_key")
        body["mandate"] = "Kommunstyrelsens ordförande"
    return body


def _state(client, incident_id):
    inc = client.get(f"/api/v1/incidents/{incident_id}").get_json()
    log = client.get(f"/api/v1/incidents/{incident_id}/log").get_json()["items"]
    decisions = client.get(f"/api/v1/incidents/{incident_id}/decisions").get_json()["items"]
    return inc, log, decisions


@pytest.mark.parametrize("mandate_key", ["kln_ordforande", "kln_vice_ordforande"])
def test_the_chair_or_vice_puts_kln_in_function(login, incident, mandate_key):
    client = login("leader")
    assert client.get(f"/api/v1/incidents/{incident.id}").get_json()["kln_active"] is False
    resp = client.post(f"/api/v1/incidents/{incident.id}/decisions", json=_kln(mandate_key=mandate_key))
    assert resp.status_code == 201, resp.get_json()
    d = resp.get_json()
    assert d["type"] == "kln" and d["data"] == {"action": "activate"} and d["mandate_key"] == mandate_key
    inc, log, _ = _state(client, incident.id)
    assert inc["kln_active"] is True and inc["extraordinary"] is True and inc["kln_since"]
    entry = log[0] if log[0]["kind"] == "decision" else next(e for e in log if e["kind"] == "decision")
    assert "Extraordinär händelse föreligger (lag 2006:544 2 kap. 3 §)" in entry["text"]
    assert "Krisledningsnämnden träder i funktion" in entry["text"]
    assert entry["decided_by"] == "Eva Ordförande"
    events = client.get(f"/api/v1/incidents/{incident.id}/events?since=0").get_json()["items"]
    updated = [e for e in events if e["type"] == "incident.updated" and e["data"]["kln_active"]]
    assert updated and updated[-1]["data"]["extraordinary"] is True


@pytest.mark.parametrize("mandate_key", ["krisledningschef", "kommundirektor", "tib", "krisledningsnamnden", None])
def test_other_mandates_are_refused_and_nothing_is_stored(login, incident, mandate_key):
    client = login("leader")
    inc0, log0, dec0 = _state(client, incident.id)
    resp = client.post(f"/api/v1/incidents/{incident.id}/decisions", json=_kln(mandate_key=mandate_key))
    assert 400 <= resp.status_code < 500, resp.get_json()
    if mandate_key != "tib":
        assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "kln_mandate_required"
        assert "ordförande eller vice ordförande" in resp.get_json()["error"]["message"]
    inc, log, dec = _state(client, incident.id)
    assert inc["kln_active"] is False and inc["extraordinary"] is False
    assert len(log) == len(log0) and dec == dec0 == []
    assert inc["last_seq"] == inc0["last_seq"]


def test_refused_under_hojd_beredskap(login, users, incident):
    from crisis.readiness import service as readiness

    readiness.record(actor=users["leader"], readiness="heightened", decided_at="2026-11-20", reference="Fö2026/01234")
    client = login("leader")
    _, log0, _ = _state(client, incident.id)
    resp = client.post(f"/api/v1/incidents/{incident.id}/decisions", json=_kln())
    assert resp.status_code == 409, resp.get_json()
    assert resp.get_json()["error"]["message"] == (
        "Under höjd beredskap leder kommunstyrelsen; krisledningsnämnden träder inte i funktion."
    )
    inc, log, dec = _state(client, incident.id)
    assert inc["kln_active"] is False and len(log) == len(log0) and dec == []


def test_takeover_and_stand_down(login, users, incident):
    client = login("leader")
    url = f"/api/v1/incidents/{incident.id}/decisions"
    # Neither is possible before KLN is in function.
    assert client.post(url, json=_kln("stand_down")).status_code == 409
    assert client.post(url, json=_kln("takeover", scope="Tekniska nämnden")).status_code == 409
    assert client.post(url, json=_kln()).status_code == 201
    assert client.post(url, json=_kln()).status_code == 409  # already in function
    assert client.post(url, json=_kln("takeover")).status_code == 422  # which nämnd?
    resp = client.post(url, json=_kln("takeover", mandate_key="krisledningsnamnden", scope="Tekniska nämnden"))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["data"] == {"action": "takeover", "scope": "Tekniska nämnden"}
    assert client.get(f"/api/v1/incidents/{incident.id}").get_json()["kln_active"] is True
    # Stand-down needs the chair too.
    assert client.post(url, json=_kln("stand_down", mandate_key="krisledningsnamnden")).status_code == 403
    resp = client.post(url, json=_kln("stand_down", mandate_key="kln_vice_ordforande"))
    assert resp.status_code == 201, resp.get_json()
    inc, log, dec = _state(client, incident.id)
    assert inc["kln_active"] is False and inc["kln_since"] is None and inc["extraordinary"] is False
    texts = [e["text"] for e in log if e["kind"] == "decision"]
    assert any("tar över beslutanderätten för Tekniska nämnden (lag 2006:544 2 kap. 4 §" in t for t in texts)
    assert any("Krisledningsnämndens verksamhet upphör (lag 2006:544 2 kap. 5 §)" in t for t in texts)
    assert [d["number"] for d in dec] == [3, 2, 1]


def test_unknown_action_is_refused(login, incident):
    resp = login("leader").post(f"/api/v1/incidents/{incident.id}/decisions", json=_kln("take_over_everything"))
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "kln_action_required"


def test_the_header_shows_kln_on_every_incident_page(login, incident):
    client = login("leader")
    pages = [
        f"/incidents/{incident.id}",
        f"/incidents/{incident.id}/tasks",
        f"/incidents/{incident.id}/map",
        f"/incidents/{incident.id}/reports",
        f"/incidents/{incident.id}/timeline",
        f"/incidents/{incident.id}/decisions",
    ]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        badge = re.search(r'<span id="incident-kln"[^>]*?( hidden)?>([^<]*)</span>', html)
        assert badge and badge.group(1) == " hidden" and badge.group(2) == "", path
    assert client.post(f"/api/v1/incidents/{incident.id}/decisions", json=_kln()).status_code == 201
    for path in [*pages, f"/incidents/{incident.id}/wall"]:
        html = client.get(path).get_data(as_text=True)
        badge = re.search(r'<span id="(?:incident|wall)-kln"[^>]*?( hidden)?>([^<]*)</span>', html)
        assert badge and badge.group(1) is None, path
        text = badge.group(2)
        assert re.fullmatch(
            r"Krisledningsnämnden i funktion sedan \d{4}-\d\d-\d\d \d\d:\d\d \(extraordinär händelse\)", text
        ), text


def test_openapi_incident_has_kln_fields(login):
    spec = login("staff").get("/api/openapi.json").get_json()
    props = spec["components"]["schemas"]["IncidentOut"]["properties"]
    assert {"kln_active", "kln_since", "extraordinary"} <= set(props)
