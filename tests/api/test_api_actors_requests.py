"""Actors, resource requests and samverkan conferences over the API: the register (roles, Swedish order,
deactivate instead of delete), requests with their whole lifecycle (every allowed and refused move),
optimistic locking, unknown actors, the log and the `request.updated` event, and conferences whose
agreements become a decision or a task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from crisis.events.models import Event
from crisis.extensions import db

STATUSES = ("requested", "confirmed", "delivered", "returned", "declined")
# Written out here, not imported: the test must catch a wrong table in the code.
ALLOWED = {
    "requested": {"confirmed", "declined"},
    "confirmed": {"delivered", "declined"},
    "delivered": {"returned"},
    "returned": set(),
    "declined": set(),
}

NOW = datetime.now(UTC).replace(microsecond=0)


def _actor(client, name, kind="county", **extra):
    resp = client.post("/api/v1/actors", json={"name": name, "kind": kind, **extra})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _request(client, incident_id, **body):
    resp = client.post(f"/api/v1/incidents/{incident_id}/requests", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _log(client, incident_id):
    return client.get(f"/api/v1/incidents/{incident_id}/log?limit=200").get_json()["items"]


def _events(incident_id, type_):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.incident_id == incident_id, Event.type == type_).order_by(Event.seq)
        )
    )


# --- the register ----------------------------------------------------------------


def test_register_roles_order_and_deactivate(login):
    admin, staff, observer = login("admin"), login("staff"), login("observer")
    for name in ("Örby vägförening", "Borås stad", "Ängabo FRG", "Åsa kommun", "Alingsås kommun"):
        _actor(admin, name, kind="neighbour", phone="0320-xx xx xx (exempel)")
    names = [a["name"] for a in staff.get("/api/v1/actors").get_json()["items"]]
    assert names == ["Alingsås kommun", "Borås stad", "Åsa kommun", "Ängabo FRG", "Örby vägförening"]
    # staff read, only admins write; observers (liaisons) do not see contact routes
    assert staff.post("/api/v1/actors", json={"name": "X", "kind": "other"}).status_code == 403
    assert observer.get("/api/v1/actors").status_code == 403
    first = staff.get("/api/v1/actors").get_json()["items"][0]
    # a stale version is refused and changes nothing
    resp = admin.patch(f"/api/v1/actors/{first['id']}", json={"version": first["version"] + 5, "phone": "1"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "stale_version"
    off = admin.patch(f"/api/v1/actors/{first['id']}", json={"version": first["version"], "active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert "Alingsås kommun" not in [a["name"] for a in staff.get("/api/v1/actors").get_json()["items"]]
    everyone = staff.get("/api/v1/actors?inactive=true").get_json()["items"]
    assert "Alingsås kommun" in [a["name"] for a in everyone]
    assert staff.get(f"/api/v1/actors/{first['id']}").get_json()["active"] is False
    # there is no delete
    assert admin.delete(f"/api/v1/actors/{first['id']}").status_code in (404, 405)


def test_register_bad_input(login):
    admin = login("admin")
    _actor(admin, "Polisen LPO Borås", kind="police")
    assert admin.post("/api/v1/actors", json={"name": "polisen lpo borås", "kind": "police"}).status_code == 409
    assert admin.post("/api/v1/actors", json={"name": "Y", "kind": "spaceforce"}).status_code == 422
    assert admin.post("/api/v1/actors", json={"name": "  ", "kind": "other"}).status_code == 422
    assert admin.post("/api/v1/actors", json={"name": "Z", "kind": "other", "email": "nope"}).status_code == 422
    assert admin.post("/api/v1/actors", json={"name": "A\u202eB", "kind": "other"}).status_code == 422
    assert admin.get("/api/v1/actors/999999").status_code == 404
    assert [a["name"] for a in admin.get("/api/v1/actors").get_json()["items"]] == ["Polisen LPO Borås"]


# --- requests ----------------------------------------------------------------------


@pytest.fixture
def lst(login):
    return _actor(login("admin"), "Länsstyrelsen i Västra Götalands län", kind="county")


def test_request_created_logged_and_announced(login, incident, lst):
    staff = login("staff")
    req = _request(
        staff,
        incident.id,
        what="mobila reservkraftverk",
        quantity=2,
        unit="st",
        purpose="Särskilt boende i Skene",
        priority="urgent",
        to_actor=lst["id"],
    )
    assert req["status"] == "requested" and req["label"] == "R-1" and req["version"] == 1
    assert req["from_actor"] is None and req["to_actor"] == {"id": lst["id"], "name": lst["name"]}
    assert req["history"][0]["to_status"] == "requested" and req["history"][0]["by"] == "staff"
    texts = [e["text"] for e in _log(staff, incident.id)]
    assert any(
        "Resursförfrågan R-1: Kommunen begär 2 st mobila reservkraftverk av Länsstyrelsen" in t and "akut" in t
        for t in texts
    )
    evs = _events(incident.id, "request.updated")
    assert len(evs) == 1 and evs[0].data["id"] == req["id"] and evs[0].data["status"] == "requested"
    # the observer (a liaison) reads requests but cannot make them
    observer = login("observer")
    assert observer.get(f"/api/v1/incidents/{incident.id}/requests").status_code == 200
    resp = observer.post(f"/api/v1/incidents/{incident.id}/requests", json={"what": "x", "quantity": 1, "to_actor": 1})
    assert resp.status_code == 403


@pytest.mark.parametrize("start", ["requested", "confirmed", "delivered", "returned", "declined"])
def test_every_transition_allowed_or_refused(login, incident, lst, start):
    """From each status, every target: the allowed ones move, the others are 409 and change nothing."""
    staff = login("staff")
    paths = {
        "requested": [],
        "confirmed": ["confirmed"],
        "delivered": ["confirmed", "delivered"],
        "returned": ["confirmed", "delivered", "returned"],
        "declined": ["declined"],
    }
    for target in STATUSES:
        req = _request(staff, incident.id, what="vattendunkar", quantity=500, unit="st", to_actor=lst["id"])
        for step in paths[start]:
            req = staff.patch(f"/api/v1/requests/{req['id']}", json={"version": req["version"], "status": step})
            assert req.status_code == 200, req.get_json()
            req = req.get_json()
        assert req["status"] == start
        before_log = len(_log(staff, incident.id))
        before_events = len(_events(incident.id, "request.updated"))
        resp = staff.patch(f"/api/v1/requests/{req['id']}", json={"version": req["version"], "status": target})
        if target in ALLOWED[start]:
            assert resp.status_code == 200, (start, target, resp.get_json())
            moved = resp.get_json()
            assert moved["status"] == target and moved["version"] == req["version"] + 1
            assert moved["history"][-1]["from_status"] == start and moved["history"][-1]["to_status"] == target
            assert len(_log(staff, incident.id)) == before_log + 1
        else:
            assert resp.status_code == 409, (start, target)
            assert resp.get_json()["error"]["code"] == "bad_transition"
            assert staff.get(f"/api/v1/requests/{req['id']}").get_json() == req
            assert len(_log(staff, incident.id)) == before_log
            assert len(_events(incident.id, "request.updated")) == before_events


def test_stale_version_unknown_status_and_note(login, incident, lst):
    staff = login("staff")
    req = _request(staff, incident.id, what="sandsäckar", quantity=1000, to_actor=lst["id"])
    ok = staff.patch(
        f"/api/v1/requests/{req['id']}", json={"version": 1, "status": "confirmed", "note": "Levereras 14:00"}
    )
    assert ok.status_code == 200 and ok.get_json()["history"][-1]["note"] == "Levereras 14:00"
    assert any("R-1 (1000 st sandsäckar) bekräftad. Levereras 14:00" in e["text"] for e in _log(staff, incident.id))
    stale = staff.patch(f"/api/v1/requests/{req['id']}", json={"version": 1, "status": "delivered"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert staff.patch(f"/api/v1/requests/{req['id']}", json={"version": 2, "status": "lost"}).status_code == 422
    assert staff.patch(f"/api/v1/requests/{req['id']}", json={"status": "delivered"}).status_code == 422
    assert staff.patch("/api/v1/requests/999999", json={"version": 1, "status": "confirmed"}).status_code == 404
    assert staff.get(f"/api/v1/requests/{req['id']}").get_json()["status"] == "confirmed"


def test_bad_requests_change_nothing(login, incident, lst):
    staff, admin = login("staff"), login("admin")
    url = f"/api/v1/incidents/{incident.id}/requests"
    base = {"what": "tält", "quantity": 3}
    bad = [
        {**base},  # neither side
        {**base, "from_actor": lst["id"], "to_actor": lst["id"]},  # both sides
        {**base, "to_actor": 999999},  # unknown actor
        {**base, "to_actor": lst["id"], "quantity": 0},
        {**base, "to_actor": lst["id"], "quantity": 10**12},
        {**base, "to_actor": lst["id"], "priority": "panik"},
        {**base, "to_actor": lst["id"], "what": ""},
        {**base, "to_actor": lst["id"], "what": "a\x00b"},
    ]
    for body in bad:
        resp = staff.post(url, json=body)
        assert 400 <= resp.status_code < 500, (body, resp.status_code)
        assert set(resp.get_json()["error"]) >= {"code", "message"}
    unknown = staff.post(url, json={**base, "to_actor": 999999}).get_json()["error"]
    assert unknown["code"] == "unknown_actor"
    # a deactivated actor takes no new requests
    admin.patch(f"/api/v1/actors/{lst['id']}", json={"active": False})
    assert staff.post(url, json={**base, "to_actor": lst["id"]}).get_json()["error"]["code"] == "inactive_actor"
    assert staff.get(url).get_json()["items"] == []
    assert _events(incident.id, "request.updated") == []


def test_offer_from_neighbour_list_order_and_needs_text(app, login, incident, lst):
    staff, admin = login("staff"), login("admin")
    boras = _actor(admin, "Borås stad", kind="neighbour")
    offer = _request(
        staff,
        incident.id,
        kind="offer",
        what="personal till trygghetspunkt",
        quantity=4,
        unit="personer",
        from_actor=boras["id"],
    )
    assert offer["from_actor"]["name"] == "Borås stad" and offer["to_actor"] is None
    assert any("Borås stad erbjuder kommunen 4 personer" in e["text"] for e in _log(staff, incident.id))
    normal = _request(staff, incident.id, what="filtar", quantity=200, priority="normal", to_actor=lst["id"])
    urgent = _request(staff, incident.id, what="nödvattentank", quantity=1, priority="urgent", to_actor=lst["id"])
    done = _request(staff, incident.id, what="fältsängar", quantity=50, priority="urgent", to_actor=lst["id"])
    staff.patch(f"/api/v1/requests/{done['id']}", json={"version": 1, "status": "declined"})
    items = staff.get(f"/api/v1/incidents/{incident.id}/requests").get_json()["items"]
    assert [r["id"] for r in items] == [urgent["id"], offer["id"], normal["id"], done["id"]]
    opened = staff.get(f"/api/v1/incidents/{incident.id}/requests?open=true").get_json()["items"]
    assert done["id"] not in [r["id"] for r in opened]
    from crisis.requests.service import open_needs_text

    text = open_needs_text(incident.id)
    lines = text.splitlines()
    assert len(lines) == 2  # the kommun's own open requests only: not the offer, not the declined one
    assert lines[0].startswith("R-3 (akut): 1 st nödvattentank från Länsstyrelsen")
    assert lines[1].startswith("R-2 (normal): 200 st filtar")


# --- samverkan conferences --------------------------------------------------------


def test_conference_logged_and_agreements_become_decision_and_task(login, incident, lst):
    admin, staff, leader = login("admin"), login("staff"), login("leader")
    rcb = _actor(admin, "Räddningstjänsten Sjuhärad, RCB", kind="rescue")
    resp = staff.post(
        f"/api/v1/incidents/{incident.id}/samverkan",
        json={
            "held_at": (NOW - timedelta(minutes=30)).isoformat(),
            "called_by": lst["id"],
            "participants": [lst["id"], rcb["id"]],
            "participants_other": ["Borås stad"],
            "reported": "Två boenden på reservkraft.",
            "agreed": "Länsstyrelsen samordnar reservkraft.",
            "situation": "3 200 kunder utan el i länet.",
            "next_at": (NOW + timedelta(hours=3)).isoformat(),
        },
    )
    assert resp.status_code == 201, resp.get_json()
    conf = resp.get_json()
    assert conf["kind"] == "samverkan" and conf["label"] == "S-1"
    assert [p["name"] for p in conf["participants"]] == [lst["name"], rcb["name"]]
    entry = next(e for e in _log(staff, incident.id) if e["number"] == conf["log_number"])
    assert entry["kind"] == "info"
    assert entry["text"].startswith("Samverkanskonferens S-1")
    assert "sammankallad av Länsstyrelsen i Västra Götalands län" in entry["text"]
    assert "Överenskommet: Länsstyrelsen samordnar reservkraft." in entry["text"]
    assert "Nästa samverkanskonferens:" in entry["text"]
    evs = _events(incident.id, "meeting.updated")
    assert evs[-1].data["kind"] == "samverkan" and evs[-1].data["id"] == conf["id"]

    # a task, in one step, linked
    task_resp = staff.post(
        f"/api/v1/samverkan/{conf['id']}/agreements", json={"text": "Kontakta elnätsbolaget om prognos", "to": "task"}
    )
    assert task_resp.status_code == 201, task_resp.get_json()
    task_id = task_resp.get_json()["task"]
    tasks = staff.get(f"/api/v1/incidents/{incident.id}/tasks").get_json()["items"]
    assert any(t["id"] == task_id and t["title"] == "Kontakta elnätsbolaget om prognos" for t in tasks)
    # a decision needs the right to decide
    body = {
        "text": "Kommunen öppnar trygghetspunkt i Skene",
        "to": "decision",
        "decided_by": "Anna Berg, krisledningschef",
        "mandate": "Delegationsordningen p. 3.2",
    }
    assert staff.post(f"/api/v1/samverkan/{conf['id']}/agreements", json=body).status_code == 403
    dec_resp = leader.post(f"/api/v1/samverkan/{conf['id']}/agreements", json=body)
    assert dec_resp.status_code == 201, dec_resp.get_json()
    decision = staff.get(f"/api/v1/decisions/{dec_resp.get_json()['decision']}").get_json()
    assert decision["type"] == "coordination" and decision["data"] == {"samverkan": conf["id"]}
    assert "samverkanskonferens S-1" in decision["reason"]
    again = staff.get(f"/api/v1/samverkan/{conf['id']}").get_json()
    assert [(a["task"], a["decision"]) for a in again["agreements"]] == [
        (task_id, None),
        (None, decision["id"]),
    ]
    # a decision without its decider is refused and links nothing
    bad = leader.post(f"/api/v1/samverkan/{conf['id']}/agreements", json={"text": "x", "to": "decision"})
    assert bad.status_code == 422
    assert len(staff.get(f"/api/v1/samverkan/{conf['id']}").get_json()["agreements"]) == 2


def test_conference_bad_input(login, incident, lst):
    staff = login("staff")
    url = f"/api/v1/incidents/{incident.id}/samverkan"
    assert staff.post(url, json={"held_at": "igår"}).status_code == 422
    assert staff.post(url, json={"held_at": NOW.isoformat(), "called_by": 999999}).status_code == 422
    assert staff.post(url, json={"held_at": NOW.isoformat(), "participants": [lst["id"], 999999]}).status_code == 422
    past = (NOW - timedelta(hours=1)).isoformat()
    assert staff.post(url, json={"held_at": NOW.isoformat(), "next_at": past}).status_code == 422
    assert login("observer").post(url, json={"held_at": NOW.isoformat()}).status_code == 403
    assert staff.get(url).get_json()["items"] == []
    assert staff.post("/api/v1/samverkan/999999/agreements", json={"text": "x", "to": "task"}).status_code == 404


def test_openapi_describes_actors_requests_and_samverkan(login):
    spec = login("observer").get("/api/openapi.json").get_json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/actors"])
    assert {"get", "patch"} <= set(paths["/api/v1/actors/{actor_id}"])
    assert {"get", "post"} <= set(paths["/api/v1/incidents/{incident_id}/requests"])
    assert {"get", "patch"} <= set(paths["/api/v1/requests/{request_id}"])
    assert {"get", "post"} <= set(paths["/api/v1/incidents/{incident_id}/samverkan"])
    assert "post" in paths["/api/v1/samverkan/{conference_id}/agreements"]
