"""Crisis communication API: messages (draft, approve, publish, supersede, translate, cancel, all-clear),
VMA requests, service points, CAP 1.2 per message (validated against the OASIS schema) and the Atom feed
(read with feedparser); bad input is a clear 4xx that changes nothing; events."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
import pytest

from crisis.reports import cap

NS = {"cap": cap.CAP_NS}
MSG = {"channels": ["web", "sms"], "headline": "Elavbrott i Kinna", "body": "Ellevio lagar ledningarna."}


def _err(resp, status, code=None):
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert set(body["error"]) >= {"code", "message"}
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


def _events(incident_id, type_):
    from crisis.events import service as events

    return [e for e in events.since(incident_id=incident_id, seq=0, include_confidential=True) if e.type == type_]


def _log_texts(incident_id):
    import sqlalchemy as sa

    from crisis.extensions import db
    from crisis.log.models import LogEntry

    return [
        t
        for t in db.session.scalars(
            sa.select(LogEntry.text).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number)
        )
    ]


def _draft(client, incident, **kw):
    resp = client.post(f"/api/v1/incidents/{incident.id}/messages", json={**MSG, **kw})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()


def _cap(client, message_id):
    resp = client.get(f"/api/v1/messages/{message_id}/cap.xml")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert cap.validate_cap(resp.data) == []
    return ET.fromstring(resp.data)


def test_draft_approve_publish_lifecycle(login, incident):
    staff, leader = login("staff"), login("leader")
    m = _draft(staff, incident)
    assert (m["label"], m["status"], m["kind"], m["author"]) == ("M-1", "draft", "alert", "staff")
    # publishing a draft: 409, nothing changes
    _err(staff.post(f"/api/v1/messages/{m['id']}/publish", json={"channels": ["web"]}), 409, "not_approved")
    assert staff.get(f"/api/v1/messages/{m['id']}").get_json() == m
    # staff may not approve (roles), the author may not approve their own
    _err(staff.post(f"/api/v1/messages/{m['id']}/approve", json={}), 403, "not_approver")
    own = _draft(leader, incident)
    _err(leader.post(f"/api/v1/messages/{own['id']}/approve", json={}), 403, "own_message")
    # edit the draft, then approve
    m = staff.patch(f"/api/v1/messages/{m['id']}", json={"version": m["version"], "body": "Ny text."}).get_json()
    assert m["body"] == "Ny text."
    _err(leader.post(f"/api/v1/messages/{m['id']}/approve", json={"version": 1}), 409, "stale_version")
    m = leader.post(f"/api/v1/messages/{m['id']}/approve", json={"version": m["version"]}).get_json()
    assert (m["status"], m["approved_by"]) == ("approved", "leader")
    # an approved message never changes
    before = staff.get(f"/api/v1/messages/{m['id']}").get_json()
    _err(staff.patch(f"/api/v1/messages/{m['id']}", json={"version": m["version"], "body": "x"}), 409, "not_draft")
    # unknown channel: 422, nothing changes
    _err(staff.post(f"/api/v1/messages/{m['id']}/publish", json={"channels": ["fax"]}), 422, "unknown_channel")
    assert staff.get(f"/api/v1/messages/{m['id']}").get_json() == before
    m = staff.post(f"/api/v1/messages/{m['id']}/publish", json={"channels": ["web"], "where": "marks.se"}).get_json()
    assert m["status"] == "published"
    assert [(p["channel"], p["by"], p["where"]) for p in m["publications"]] == [("web", "staff", "marks.se")]
    latest = staff.get(f"/api/v1/incidents/{incident.id}/messages/latest").get_json()["items"]
    assert [(x["channel"], x["message"]["id"]) for x in latest] == [("web", m["id"])]
    texts = _log_texts(incident.id)
    assert any("Budskap M-1 godkänt av leader" in t for t in texts)
    assert any("Budskap M-1 publicerat" in t and "webb" in t and "marks.se" in t for t in texts)
    evs = _events(incident.id, "message.updated")
    assert [e.data["status"] for e in evs if e.data.get("id") == m["id"]] == [
        "draft",
        "draft",
        "approved",
        "published",
    ]
    # the observer reads, never writes
    obs = login("observer")
    assert obs.get(f"/api/v1/incidents/{incident.id}/messages").status_code == 200
    _err(obs.post(f"/api/v1/incidents/{incident.id}/messages", json=MSG), 403)


def test_self_approval_when_configured(app, login, incident):
    app.config["CRISIS_MESSAGE_SELF_APPROVAL"] = True
    leader = login("leader")
    own = _draft(leader, incident)
    assert leader.post(f"/api/v1/messages/{own['id']}/approve", json={}).get_json()["status"] == "approved"


def test_approver_roles_configurable(app, login, incident):
    app.config["CRISIS_MESSAGE_APPROVER_ROLES"] = ("staff",)
    m = _draft(login("duty_officer"), incident)
    _err(login("leader").post(f"/api/v1/messages/{m['id']}/approve", json={}), 403, "not_approver")
    assert login("staff").post(f"/api/v1/messages/{m['id']}/approve", json={}).get_json()["status"] == "approved"


def test_supersede_update_cancel_all_clear_and_cap(login, incident):
    staff, leader = login("staff"), login("leader")
    first = _draft(staff, incident, web="https://www.mark.se/kris", contact="Kommunens växel 0320-21 70 00")
    # a draft cannot make CAP
    _err(staff.get(f"/api/v1/messages/{first['id']}/cap.xml"), 409, "not_approved")
    # and cannot be superseded
    _err(staff.post(f"/api/v1/incidents/{incident.id}/messages", json={**MSG, "supersedes": first["id"]}), 409)
    first = leader.post(f"/api/v1/messages/{first['id']}/approve", json={}).get_json()
    root = _cap(staff, first["id"])
    assert root.findtext("cap:msgType", namespaces=NS) == "Alert"
    assert root.findtext("cap:status", namespaces=NS) == "Actual"
    info = root.find("cap:info", NS)
    assert info.findtext("cap:web", namespaces=NS) == "https://www.mark.se/kris"
    assert info.findtext("cap:contact", namespaces=NS) == "Kommunens växel 0320-21 70 00"
    geo = info.find("cap:area/cap:geocode", NS)
    assert (geo.findtext("cap:valueName", namespaces=NS), geo.findtext("cap:value", namespaces=NS)) == (
        "Kommunkod",
        "1463",
    )
    sender = root.findtext("cap:sender", namespaces=NS)
    first_ref = f"{sender},{root.findtext('cap:identifier', namespaces=NS)},{root.findtext('cap:sent', namespaces=NS)}"

    # a new version supersedes it: CAP Update referencing the first
    second = _draft(staff, incident, body="Strömmen är tillbaka i Kinna.", supersedes=first["id"])
    assert second["kind"] == "update" and second["supersedes_label"] == "M-1"
    assert staff.get(f"/api/v1/messages/{first['id']}").get_json()["superseded_by"] is None  # not before approval
    second = leader.post(f"/api/v1/messages/{second['id']}/approve", json={}).get_json()
    old = staff.get(f"/api/v1/messages/{first['id']}").get_json()
    assert (old["superseded_by"], old["superseded_by_label"]) == (second["id"], "M-2")
    root2 = _cap(staff, second["id"])
    assert root2.findtext("cap:msgType", namespaces=NS) == "Update"
    assert root2.findtext("cap:references", namespaces=NS) == first_ref
    # a superseded message cannot be published or superseded again
    _err(staff.post(f"/api/v1/messages/{first['id']}/publish", json={"channels": ["web"]}), 409, "superseded")
    _err(
        staff.post(f"/api/v1/incidents/{incident.id}/messages", json={**MSG, "supersedes": first["id"]}),
        409,
        "already_superseded",
    )

    # all clear: responseType AllClear, Update referencing M-2
    clear = _draft(
        staff, incident, kind="all_clear", headline="Faran över", body="Allt är normalt.", supersedes=second["id"]
    )
    leader.post(f"/api/v1/messages/{clear['id']}/approve", json={})
    root3 = _cap(staff, clear["id"])
    assert root3.findtext("cap:msgType", namespaces=NS) == "Update"
    assert root3.findtext("cap:info/cap:responseType", namespaces=NS) == "AllClear"
    second_ref = (
        f"{sender},{root2.findtext('cap:identifier', namespaces=NS)},{root2.findtext('cap:sent', namespaces=NS)}"
    )
    assert root3.findtext("cap:references", namespaces=NS) == second_ref

    # cancel needs a reference; then it is a CAP Cancel
    _err(staff.post(f"/api/v1/incidents/{incident.id}/messages", json={**MSG, "kind": "cancel"}), 422, "missing_ref")
    other = leader.post(f"/api/v1/messages/{_draft(staff, incident)['id']}/approve", json={}).get_json()
    cancel = _draft(
        staff, incident, kind="cancel", headline="Återkallat", body="Meddelandet gäller inte.", supersedes=other["id"]
    )
    leader.post(f"/api/v1/messages/{cancel['id']}/approve", json={})
    root4 = _cap(staff, cancel["id"])
    assert root4.findtext("cap:msgType", namespaces=NS) == "Cancel"
    assert root4.findtext("cap:references", namespaces=NS).startswith(f"{sender},{sender}.incident-")


def test_translation_and_language(login, incident):
    staff, leader = login("staff"), login("leader")
    sv = _draft(staff, incident)
    en = _draft(
        staff,
        incident,
        language="en",
        headline="Power cut in Kinna",
        body="Ellevio is repairing.",
        translation_of=sv["id"],
    )
    assert en["translation_of"] == sv["id"] and en["language"] == "en"
    leader.post(f"/api/v1/messages/{en['id']}/approve", json={})
    root = _cap(staff, en["id"])
    assert root.findtext("cap:info/cap:language", namespaces=NS) == "en"
    _err(staff.post(f"/api/v1/incidents/{incident.id}/messages", json={**MSG, "language": "<x>"}), 422, "bad_language")


@pytest.mark.parametrize(
    "bad",
    [
        {"channels": []},
        {"channels": ["fax"]},
        {"headline": ""},
        {"body": " "},
        {"web": "javascript:alert(1)"},
        {"expires_at": "imorgon"},
        {"expires_at": "2001-01-01T00:00:00+00:00"},
        {"point_ids": [999]},
        {"supersedes": 999},
        {"kind": "weird"},
        {"surprise": 1},
    ],
)
def test_bad_message_input_changes_nothing(login, incident, bad):
    staff = login("staff")
    before = len(_log_texts(incident.id))
    resp = staff.post(f"/api/v1/incidents/{incident.id}/messages", json={**MSG, **bad})
    assert 400 <= resp.status_code < 500
    assert "error" in resp.get_json()
    assert staff.get(f"/api/v1/incidents/{incident.id}/messages").get_json()["items"] == []
    assert len(_log_texts(incident.id)) == before


def test_unknown_message_is_404(login):
    staff = login("staff")
    _err(staff.get("/api/v1/messages/999"), 404)
    _err(staff.post("/api/v1/messages/999/approve", json={}), 404)
    _err(staff.post("/api/v1/messages/999/publish", json={"channels": ["web"]}), 404)


def test_vma_request_lifecycle(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/vma"
    _err(staff.post(base, json={"authority": "kommunen", "text": "x"}), 422)
    _err(staff.post(base, json={"authority": "polisen", "text": ""}), 422)
    assert staff.get(base).get_json()["items"] == []
    v = staff.post(base, json={"authority": "polisen", "text": "Stäng fönster och dörrar.", "area_desc": "Kinna"})
    assert v.status_code == 201
    v = v.get_json()
    assert (v["status"], v["authority"], v["number"]) == ("requested", "polisen", 1)
    assert any("VMA begärt hos Polisen" in t and "Stäng fönster" in t for t in _log_texts(incident.id))
    _err(staff.patch(f"/api/v1/vma/{v['id']}", json={"status": "requested"}), 422)
    v2 = staff.patch(f"/api/v1/vma/{v['id']}", json={"status": "sent", "note": "Sänt 14.05"}).get_json()
    assert (v2["status"], v2["resolved_by"]) == ("sent", "staff")
    _err(staff.patch(f"/api/v1/vma/{v['id']}", json={"status": "declined"}), 409, "already_resolved")
    assert [e.data["status"] for e in _events(incident.id, "message.updated") if e.data["object"] == "vma"] == [
        "requested",
        "sent",
    ]
    from crisis.messages.service import vma_status_text

    assert "VMA begärt hos Polisen" in vma_status_text(incident.id) and "sänt av myndigheten" in vma_status_text(
        incident.id
    )
    _err(login("observer").post(base, json={"authority": "polisen", "text": "x"}), 403)


def test_service_points_lifecycle(login, incident):
    staff, obs = login("staff"), login("observer")
    base = f"/api/v1/incidents/{incident.id}/points"
    p = staff.post(
        base,
        json={
            "kind": "nodvatten",
            "name": "Skene torg",
            "lat": 57.49,
            "lon": 12.64,
            "backup_power": True,
            "priority_count": 3,
            "priority_note": "Dialys i hemmet",
        },
    )
    assert p.status_code == 201, p.get_data(as_text=True)
    p = p.get_json()
    assert (p["status"], p["priority_count"], p["backup_power"]) == ("planned", 3, True)
    # confidential priority customers: hidden from the observer and from the event
    seen = obs.get(f"/api/v1/points/{p['id']}").get_json()
    assert seen["priority_count"] is None and seen["priority_note"] is None and seen["priority_hidden"] is True
    assert all(e.data["priority_note"] is None for e in _events(incident.id, "point.updated"))
    # open by a decision, add water twice, close
    import sqlalchemy as sa

    from crisis.auth.models import User
    from crisis.decisions import service as decisions
    from crisis.extensions import db

    leader = db.session.scalar(sa.select(User).where(User.username == "leader"))
    d = decisions.record(
        actor=leader,
        incident_id=incident.id,
        type="resource",
        text="Öppna nödvatten",
        decided_by="KC",
        mandate="Delegationsordningen",
        reason="Vattenverket ur drift",
    )
    p = staff.patch(
        f"/api/v1/points/{p['id']}", json={"version": p["version"], "status": "open", "decision": d.id}
    ).get_json()
    assert (p["status"], p["decision_label"]) == ("open", f"B-{d.number}")
    p = staff.patch(f"/api/v1/points/{p['id']}", json={"version": p["version"], "add_litres": 400}).get_json()
    p = staff.patch(f"/api/v1/points/{p['id']}", json={"version": p["version"], "add_litres": 250}).get_json()
    assert p["water_litres"] == 650
    from crisis.points.service import open_points_text

    assert "Skene torg" in open_points_text(incident.id) and "650 liter" in open_points_text(incident.id)
    assert staff.get(base + "?status=open").get_json()["items"][0]["id"] == p["id"]
    # stale version, bad input: 4xx, nothing changes
    _err(staff.patch(f"/api/v1/points/{p['id']}", json={"version": 1, "status": "closed"}), 409, "stale_version")
    _err(staff.patch(f"/api/v1/points/{p['id']}", json={"version": p["version"], "add_litres": -5}), 422)
    _err(staff.patch(f"/api/v1/points/{p['id']}", json={"version": p["version"], "lat": 1000}), 422)
    _err(staff.patch(f"/api/v1/points/{p['id']}", json={"version": p["version"], "decision": 999}), 422)
    _err(staff.patch(f"/api/v1/points/{p['id']}", json={"version": p["version"]}), 422, "no_change")
    assert staff.get(f"/api/v1/points/{p['id']}").get_json() == p
    p = staff.patch(f"/api/v1/points/{p['id']}", json={"version": p["version"], "status": "closed"}).get_json()
    assert p["status"] == "closed" and p["closed_at"]
    texts = _log_texts(incident.id)
    assert any("Nödvattenplats Skene torg öppnad enligt beslut B-" in t for t in texts)
    assert any("400 liter utlämnade, totalt 400 liter" in t for t in texts)
    assert any("Nödvattenplats Skene torg stängd." in t for t in texts)
    assert "Dialys" not in " ".join(texts)
    # trygghetspunkt: litres make no sense
    tp = staff.post(base, json={"kind": "trygghetspunkt", "name": "Biblioteket", "status": "open"}).get_json()
    _err(staff.patch(f"/api/v1/points/{tp['id']}", json={"version": tp["version"], "add_litres": 10}), 422, "not_water")
    _err(staff.post(base, json={"kind": "bunker", "name": "x"}), 422)
    _err(staff.post(base, json={"kind": "krisstod", "name": "x", "lat": 57.0}), 422)
    _err(obs.post(base, json={"kind": "krisstod", "name": "x"}), 403)
    # the observer cannot set confidential fields; staff can
    _err(staff.patch("/api/v1/points/999", json={"version": 1, "name": "x"}), 404)


def test_message_names_open_points_in_cap(login, incident):
    staff, leader = login("staff"), login("leader")
    tp = staff.post(
        f"/api/v1/incidents/{incident.id}/points",
        json={"kind": "trygghetspunkt", "name": "Kinnaborgs bibliotek", "status": "open", "hours": "08–20"},
    ).get_json()
    m = _draft(staff, incident, point_ids=[tp["id"]])
    assert m["points"] == [{"id": tp["id"], "name": "Kinnaborgs bibliotek", "kind": "trygghetspunkt", "status": "open"}]
    leader.post(f"/api/v1/messages/{m['id']}/approve", json={})
    root = _cap(staff, m["id"])
    assert "Kinnaborgs bibliotek (08–20)" in root.findtext("cap:info/cap:description", namespaces=NS)


def test_atom_feed_public_and_only_current_public_messages(app, login, incident, users):
    from crisis.incidents import service as incidents

    staff, leader = login("staff"), login("leader")
    published = _draft(staff, incident, headline="Publicerat budskap")
    leader.post(f"/api/v1/messages/{published['id']}/approve", json={})
    staff.post(f"/api/v1/messages/{published['id']}/publish", json={"channels": ["web"]})
    approved_only = _draft(staff, incident, headline="Bara godkänt")
    leader.post(f"/api/v1/messages/{approved_only['id']}/approve", json={})
    _draft(staff, incident, headline="Utkast")
    exercise = incidents.create(
        actor=users["leader"], title="Övning storm", kind="storm", level="monitoring", mode="exercise"
    )
    ex = _draft(staff, exercise, headline="Övningsbudskap")
    leader.post(f"/api/v1/messages/{ex['id']}/approve", json={})
    staff.post(f"/api/v1/messages/{ex['id']}/publish", json={"channels": ["web"]})

    anon = app.test_client()
    resp = anon.get("/api/v1/cap/feed.atom")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    feed = feedparser.parse(resp.data)
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Publicerat budskap"]
    link = feed.entries[0].link
    assert link.endswith(f"/api/v1/messages/{published['id']}/cap.xml")
    cap_resp = anon.get(link.split("localhost", 1)[1])
    assert cap_resp.status_code == 200 and cap.validate_cap(cap_resp.data) == []
    # not in the feed: not public without a login
    _err(anon.get(f"/api/v1/messages/{approved_only['id']}/cap.xml"), 404)
    _err(anon.get(f"/api/v1/messages/{ex['id']}/cap.xml"), 404)
    # the exercise CAP, for a logged-in user, says Exercise
    root = _cap(staff, ex["id"])
    assert root.findtext("cap:status", namespaces=NS) == "Exercise"
    # superseded: the feed shows the newer one once published
    newer = _draft(staff, incident, headline="Nyare version", supersedes=published["id"])
    leader.post(f"/api/v1/messages/{newer['id']}/approve", json={})
    staff.post(f"/api/v1/messages/{newer['id']}/publish", json={"channels": ["web"]})
    assert [e.title for e in feedparser.parse(anon.get("/api/v1/cap/feed.atom").data).entries] == ["Nyare version"]
    # with the feed not public, a login is needed
    app.config["CRISIS_CAP_FEED_PUBLIC"] = False
    _err(anon.get("/api/v1/cap/feed.atom"), 401)
    _err(anon.get(f"/api/v1/messages/{newer['id']}/cap.xml"), 401)
    assert staff.get("/api/v1/cap/feed.atom").status_code == 200


def test_openapi_lists_the_communication_api(login):
    spec = login("observer").get("/api/openapi.json").get_json()
    for path in (
        "/api/v1/incidents/{incident_id}/messages",
        "/api/v1/messages/{message_id}/approve",
        "/api/v1/messages/{message_id}/publish",
        "/api/v1/cap/feed.atom",
        "/api/v1/incidents/{incident_id}/points",
        "/api/v1/points/{point_id}",
        "/api/v1/incidents/{incident_id}/vma",
    ):
        assert path in spec["paths"], path


def test_communication_page(login, incident):
    staff = login("staff")
    resp = staff.get(f"/incidents/{incident.id}/communication")
    assert resp.status_code == 200
    assert "Kommunikation" in resp.get_data(as_text=True)


def test_approval_refuses_an_expired_message_and_changes_nothing(app, login, incident):
    from datetime import timedelta

    from crisis.db import utcnow
    from crisis.extensions import db
    from crisis.messages.models import Message

    staff, leader = login("staff"), login("leader")
    m = _draft(staff, incident, expires_at=(utcnow() + timedelta(hours=1)).isoformat())
    row = db.session.get(Message, m["id"])
    row.expires_at = utcnow() - timedelta(minutes=1)  # time has passed since the draft was written
    db.session.commit()
    before = staff.get(f"/api/v1/messages/{m['id']}").get_json()
    _err(leader.post(f"/api/v1/messages/{m['id']}/approve", json={}), 409, "expired")
    assert staff.get(f"/api/v1/messages/{m['id']}").get_json() == before


def test_approval_refuses_a_message_that_cannot_be_cap(login, incident, monkeypatch):
    from crisis.messages import capfeed

    staff, leader = login("staff"), login("leader")
    m = _draft(staff, incident)
    before = staff.get(f"/api/v1/messages/{m['id']}").get_json()

    def broken(message, inc):
        raise cap.CapInputError(["the area needs at least one polygon, circle or geocode"])

    monkeypatch.setattr(capfeed, "build_cap", broken)
    err = _err(leader.post(f"/api/v1/messages/{m['id']}/approve", json={}), 409, "cap_invalid")
    assert "polygon" in err["message"]
    assert staff.get(f"/api/v1/messages/{m['id']}").get_json() == before


def test_messages_are_found_by_search_in_their_word_forms(login, incident):
    staff, leader = login("staff"), login("leader")
    m = _draft(staff, incident)
    staff.patch(
        f"/api/v1/messages/{m['id']}", json={"version": m["version"], "body": "Hämta nödvattnet vid Örby skola."}
    )
    body = leader.get("/api/v1/search?q=nödvatten").get_json()
    hits = [h for h in body["items"] if h["kind"] == "message"]
    assert len(hits) == 1, body
    assert (hits[0]["number"], hits[0]["snippet"]) == (1, "Hämta <mark>nödvattnet</mark> vid Örby skola.")
    # the edit replaced the first text in the index
    assert not [h for h in leader.get("/api/v1/search?q=ledningarna").get_json()["items"] if h["kind"] == "message"]


def test_hidden_text_direction_characters_are_refused_in_messages_and_points(login, incident):
    staff = login("staff")
    bad = staff.post(f"/api/v1/incidents/{incident.id}/messages", json={**MSG, "body": "Ring 113 13\u202e31 311"})
    _err(bad, 422)
    assert staff.get(f"/api/v1/incidents/{incident.id}/messages").get_json()["items"] == []
    _err(staff.post(f"/api/v1/incidents/{incident.id}/points", json={"kind": "trygghetspunkt", "name": "A\x00B"}), 422)
