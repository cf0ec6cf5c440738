"""Meetings (stabsorientering) API: lifecycle with the agenda in order, notes, a task captured onto the board,
ending writes the protocol as one log entry and plans the next meeting, the rhythm, roles and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crisis.meetings.agenda import AGENDA

FUTURE = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0).isoformat()


def _plan(client, incident_id, **body):
    body.setdefault("scheduled_at", FUTURE)
    resp = client.post(f"/api/v1/incidents/{incident_id}/meetings", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _log(client, incident_id):
    return client.get(f"/api/v1/incidents/{incident_id}/log?limit=200").get_json()["items"]


def test_lifecycle_agenda_notes_task_and_protocol(login, incident):
    staff = login("staff")
    m = _plan(staff, incident.id, chair="Stina Stabschef", attendees=["Krisledningschef", "Kommunikation"])
    assert m["number"] == 1 and m["status"] == "planned"
    assert [a["key"] for a in m["agenda"]] == list(AGENDA)
    assert [a["label"] for a in m["agenda"]][:2] == ["Närvaro och roller", "Läget"]
    assert m["agenda"][-1]["label"] == "Nästa möte"
    mid = m["id"]
    # not running yet: no navigation, no end
    assert staff.post(f"/api/v1/meetings/{mid}/advance", json={"step": 1}).status_code == 409
    assert staff.post(f"/api/v1/meetings/{mid}/end", json={}).status_code == 409

    started = staff.post(f"/api/v1/meetings/{mid}/start").get_json()
    assert started["status"] == "running" and started["current_item"] == 0 and started["started_at"]
    assert staff.post(f"/api/v1/meetings/{mid}/start").status_code == 409
    nxt = staff.post(f"/api/v1/meetings/{mid}/advance", json={"step": 1}).get_json()
    assert nxt["current_item"] == 1 and nxt["current_key"] == "situation"
    back = staff.post(f"/api/v1/meetings/{mid}/advance", json={"step": -1}).get_json()
    assert back["current_item"] == 0
    assert staff.post(f"/api/v1/meetings/{mid}/advance", json={"step": -1}).status_code == 422
    assert staff.post(f"/api/v1/meetings/{mid}/advance", json={"to": 9}).status_code == 422
    assert staff.post(f"/api/v1/meetings/{mid}/advance", json={"to": 4}).get_json()["current_key"] == "decisions_needed"

    resp = staff.patch(
        f"/api/v1/meetings/{mid}",
        json={"notes": {"situation": "Elen åter i Skene", "communication": "Pressträff 15:00"}},
    )
    assert resp.status_code == 200, resp.get_json()
    notes = {a["key"]: a["note"] for a in resp.get_json()["agenda"]}
    assert notes["situation"] == "Elen åter i Skene" and notes["attendance"] == ""
    assert staff.patch(f"/api/v1/meetings/{mid}", json={"notes": {"weather": "x"}}).status_code == 422
    assert staff.patch(f"/api/v1/meetings/{mid}", json={"version": 1, "chair": "x"}).status_code == 409

    task = staff.post(
        f"/api/v1/meetings/{mid}/tasks", json={"title": "Ordna reservkraft till Hajomgården", "position": "resurs"}
    )
    assert task.status_code == 201, task.get_json()
    task = task.get_json()
    assert task["origin"] == f"meeting:{mid}" and task["position"] == "resurs"
    board = staff.get(f"/api/v1/incidents/{incident.id}/tasks").get_json()["items"]
    assert task["id"] in [t["id"] for t in board]
    assert staff.get(f"/api/v1/meetings/{mid}").get_json()["tasks"] == [
        {"id": task["id"], "title": "Ordna reservkraft till Hajomgården", "status": "todo"}
    ]

    before = len(_log(staff, incident.id))
    next_at = (datetime.now(UTC) + timedelta(hours=4)).replace(microsecond=0)
    ended = staff.post(f"/api/v1/meetings/{mid}/end", json={"next_at": next_at.isoformat()})
    assert ended.status_code == 200, ended.get_json()
    ended = ended.get_json()
    assert ended["status"] == "ended" and ended["record_log_number"]
    log = _log(staff, incident.id)
    new = log[before:]
    protocol = [e for e in new if e["number"] == ended["record_log_number"]]
    assert len(protocol) == 1 and protocol[0]["kind"] == "info"
    text = protocol[0]["text"]
    assert text.startswith("Protokoll stabsorientering 1")
    assert "Ordförande: Stina Stabschef." in text and "Närvarande: Krisledningschef, Kommunikation." in text
    assert "2. Läget: Elen åter i Skene" in text and "6. Kommunikation: Pressträff 15:00" in text
    assert "3. Per funktion: –" in text
    assert f"uppgift {task['id']} 'Ordna reservkraft till Hajomgården'" in text
    assert "meeting" not in text and "situation" not in text  # plain Swedish, no internal keys
    # the next meeting is planned at the time given
    items = staff.get(f"/api/v1/incidents/{incident.id}/meetings").get_json()["items"]
    assert [(i["number"], i["status"]) for i in items] == [(2, "planned"), (1, "ended")]
    assert datetime.fromisoformat(items[0]["scheduled_at"]) == next_at
    assert items[0]["chair"] == "Stina Stabschef"
    # an ended meeting does not change
    assert staff.patch(f"/api/v1/meetings/{mid}", json={"notes": {"situation": "x"}}).status_code == 409
    assert staff.post(f"/api/v1/meetings/{mid}/tasks", json={"title": "x"}).status_code == 409


def test_rhythm_plans_the_next_meeting(login, incident):
    staff = login("staff")
    resp = staff.put(f"/api/v1/incidents/{incident.id}/meetings/rhythm", json={"times": ["16:00", "08:00", "12:00"]})
    assert resp.status_code == 200, resp.get_json()
    r = resp.get_json()
    assert r["times"] == ["08:00", "12:00", "16:00"] and len(r["next"]) == 3
    items = staff.get(f"/api/v1/incidents/{incident.id}/meetings").get_json()["items"]
    assert len(items) == 1 and items[0]["scheduled_at"] == r["next"][0]
    # every 2 hours from 07:00
    r2 = staff.put(f"/api/v1/incidents/{incident.id}/meetings/rhythm", json={"every_hours": 2, "start": "07:00"})
    assert r2.get_json()["times"][:2] == ["01:00", "03:00"] and len(r2.get_json()["times"]) == 12
    # still one planned meeting (not one per save)
    assert len(staff.get(f"/api/v1/incidents/{incident.id}/meetings").get_json()["items"]) == 1
    # ending without next_at plans the next rhythm time (only when none is planned)
    mid = items[0]["id"]
    staff.post(f"/api/v1/meetings/{mid}/start")
    staff.post(f"/api/v1/meetings/{mid}/end", json={})
    items = staff.get(f"/api/v1/incidents/{incident.id}/meetings").get_json()["items"]
    assert [i["status"] for i in items] == ["planned", "ended"]
    log = _log(staff, incident.id)
    assert any(e["text"].startswith("Mötesrytm: 08:00, 12:00, 16:00") for e in log)
    bad = staff.put(f"/api/v1/incidents/{incident.id}/meetings/rhythm", json={"times": ["25:00"]})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "bad_rhythm"


def test_roles_and_bad_input(login, incident):
    staff, obs = login("staff"), login("observer")
    m = _plan(staff, incident.id)
    assert obs.get(f"/api/v1/incidents/{incident.id}/meetings").status_code == 200
    assert obs.get(f"/api/v1/meetings/{m['id']}").status_code == 200
    assert obs.post(f"/api/v1/incidents/{incident.id}/meetings", json={"scheduled_at": FUTURE}).status_code == 403
    for path, body in (
        ("start", None),
        ("advance", {"step": 1}),
        ("end", {}),
        ("tasks", {"title": "x"}),
    ):
        assert obs.post(f"/api/v1/meetings/{m['id']}/{path}", json=body).status_code == 403, path
    assert obs.patch(f"/api/v1/meetings/{m['id']}", json={"chair": "x"}).status_code == 403
    assert obs.put(f"/api/v1/incidents/{incident.id}/meetings/rhythm", json={"times": ["08:00"]}).status_code == 403
    # bad input
    r = staff.post(f"/api/v1/incidents/{incident.id}/meetings", json={"scheduled_at": "i morgon"})
    assert r.status_code == 422
    assert staff.post(f"/api/v1/incidents/{incident.id}/meetings", json={}).status_code == 422
    assert staff.post("/api/v1/incidents/9999/meetings", json={"scheduled_at": FUTURE}).status_code == 404
    assert staff.get("/api/v1/meetings/9999").status_code == 404
    staff.post(f"/api/v1/meetings/{m['id']}/start")
    assert staff.post(f"/api/v1/meetings/{m['id']}/advance", json={}).status_code == 422
    assert staff.post(f"/api/v1/meetings/{m['id']}/advance", json={"step": 2}).status_code == 422
    assert staff.post(f"/api/v1/meetings/{m['id']}/tasks", json={"title": " "}).status_code == 422
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert staff.post(f"/api/v1/meetings/{m['id']}/end", json={"next_at": past}).status_code == 422
    # a second meeting cannot start while one runs
    m2 = _plan(staff, incident.id)
    assert staff.post(f"/api/v1/meetings/{m2['id']}/start").get_json()["error"]["code"] == "meeting_running"


def test_meeting_updated_event_reaches_screens(socket_client, login, incident):
    staff = login("staff")
    watcher = socket_client("observer")
    watcher.emit("join", {"incident": incident.id, "since": incident.last_seq}, callback=True)
    watcher.get_received()
    m = _plan(staff, incident.id)
    staff.post(f"/api/v1/meetings/{m['id']}/start")
    staff.post(f"/api/v1/meetings/{m['id']}/advance", json={"step": 1})
    got = [
        a["args"][0]
        for a in watcher.get_received()
        if a["name"] == "event" and a["args"][0]["type"] == "meeting.updated"
    ]
    assert [e["data"]["current_item"] for e in got][-1] == 1
    assert got[-1]["data"]["status"] == "running"


def test_decision_captured_in_meeting_lands_in_register_and_log(login, incident):
    leader, staff = login("leader"), login("staff")
    m = _plan(leader, incident.id, chair="Krisledningschefen")
    mid = m["id"]
    body = {
        "type": "direction",
        "text": "Öppna trygghetspunkt i Kinnaskolan från kl 18",
        "decided_by": "Karin Krisledningschef",
        "mandate": "Krisledningschef enligt delegationsordningen",
        "reason": "Många hushåll utan el och värme",
        "follow_up_at": (datetime.now(UTC) + timedelta(hours=3)).isoformat(),
    }
    # not while planned
    assert leader.post(f"/api/v1/meetings/{mid}/decisions", json=body).status_code == 409
    leader.post(f"/api/v1/meetings/{mid}/start")
    # staff may not decide; an observer neither
    assert staff.post(f"/api/v1/meetings/{mid}/decisions", json=body).status_code == 403
    assert login("observer").post(f"/api/v1/meetings/{mid}/decisions", json=body).status_code == 403
    # decided_by, mandate and reason are required, as in the register
    for missing in ("decided_by", "reason"):
        bad = {k: v for k, v in body.items() if k != missing}
        assert leader.post(f"/api/v1/meetings/{mid}/decisions", json=bad).status_code == 422, missing
    assert leader.post(f"/api/v1/meetings/{mid}/decisions", json={**body, "mandate": ""}).status_code == 422
    assert leader.post(f"/api/v1/meetings/{mid}/decisions", json={**body, "type": "whim"}).status_code == 422

    resp = leader.post(f"/api/v1/meetings/{mid}/decisions", json=body)
    assert resp.status_code == 201, resp.get_json()
    d = resp.get_json()
    assert d["meeting_id"] == mid and d["label"] == "B-1" and d["status"] == "in_force"
    register = staff.get(f"/api/v1/incidents/{incident.id}/decisions").get_json()["items"]
    assert [(x["id"], x["meeting_id"]) for x in register] == [(d["id"], mid)]
    log = _log(staff, incident.id)
    entry = [e for e in log if e["number"] == d["log_number"]][0]
    assert entry["kind"] == "decision" and "Öppna trygghetspunkt i Kinnaskolan" in entry["text"]
    assert entry["decided_by"] == "Karin Krisledningschef"
    meeting = staff.get(f"/api/v1/meetings/{mid}").get_json()
    assert meeting["decisions"] == [
        {"id": d["id"], "number": 1, "label": "B-1", "text": d["title"]},
    ]
    ended = leader.post(f"/api/v1/meetings/{mid}/end", json={}).get_json()
    protocol = [e for e in _log(staff, incident.id) if e["number"] == ended["record_log_number"]][0]
    assert f"Beslut: B-1 {d['title']}." in protocol["text"]
