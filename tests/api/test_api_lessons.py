"""The lessons API and the /lessons page."""

from __future__ import annotations

from datetime import date, timedelta


def test_create_list_and_patch(login, incident):
    staff = login("staff")
    resp = staff.post(
        "/api/v1/lessons",
        json={
            "observation": "Sambandet med räddningstjänsten brast",
            "recommendation": "Öva RAKEL-samband",
            "owner": "Beredskapssamordnare",
            "deadline": "2026-05-01",
            "incident": incident.id,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "proposed" and body["incident"] == incident.id and body["deadline"] == "2026-05-01"
    items = login("observer").get(f"/api/v1/lessons?incident={incident.id}&open=true").get_json()["items"]
    assert [x["id"] for x in items] == [body["id"]]
    resp = login("leader").patch(f"/api/v1/lessons/{body['id']}", json={"status": "decided"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "decided"
    assert login("observer").get("/api/v1/lessons?status=done").get_json()["items"] == []
    assert [h["new"] for h in login("observer").get(f"/api/v1/lessons/{body['id']}").get_json()["history"]] == [
        "proposed",
        "decided",
    ]


def test_bad_input_and_roles(login):
    staff = login("staff")
    assert staff.post("/api/v1/lessons", json={"observation": ""}).status_code == 422
    assert staff.post("/api/v1/lessons", json={"observation": "x", "deadline": "igår"}).status_code == 422
    assert staff.post("/api/v1/lessons", json={"observation": "x", "colour": "red"}).status_code == 422
    assert staff.post("/api/v1/lessons", json={"observation": "x", "incident": 999}).status_code == 422
    assert staff.post("/api/v1/lessons", data="x").status_code == 415
    assert login("observer").post("/api/v1/lessons", json={"observation": "x"}).status_code == 403
    lid = staff.post("/api/v1/lessons", json={"observation": "x"}).get_json()["id"]
    assert staff.patch(f"/api/v1/lessons/{lid}", json={"status": "nope"}).status_code == 422
    assert staff.patch(f"/api/v1/lessons/{lid}", json={"status": None}).status_code == 422
    assert login("duty_officer").patch(f"/api/v1/lessons/{lid}", json={"status": "done"}).status_code == 403
    assert login("observer").patch(f"/api/v1/lessons/{lid}", json={"status": "done"}).status_code == 403
    assert staff.patch(f"/api/v1/lessons/{lid}", json={"status": "done"}).status_code == 200
    assert staff.get("/api/v1/lessons/999").status_code == 404
    assert staff.get("/api/v1/lessons?status=maybe").status_code == 422


def test_page_lists_groups_and_overdue_and_forms_work(login, users):
    from crisis.lessons import service

    late = service.create(
        actor=users["staff"], observation="Försenad åtgärd", deadline=date.today() - timedelta(days=2)
    )
    leader = login("leader")
    html = leader.get("/lessons").get_data(as_text=True)
    assert "Försenad åtgärd" in html and "FÖRSENAD" in html and "Föreslagen" in html and "Genomförd" in html
    assert 'href="/lessons"' in html  # in the main menu
    resp = leader.post(
        "/lessons",
        data={"observation": "Ny iakttagelse", "owner": "Stabschef", "deadline": "2026-09-01", "incident": ""},
    )
    assert resp.status_code == 303
    assert "Ny iakttagelse" in leader.get("/lessons").get_data(as_text=True)
    resp = leader.post(f"/lessons/{late.id}/status", data={"status": "done"})
    assert resp.status_code == 303
    assert service.get(viewer=users["leader"], lesson_id=late.id).status.value == "done"
    obs = login("observer")
    html = obs.get("/lessons").get_data(as_text=True)
    assert "Registrera en erfarenhet" not in html and "Ändra status" not in html
    assert obs.post("/lessons", data={"observation": "x"}).status_code == 403
    obs.post(f"/lessons/{late.id}/status", data={"status": "proposed"})
    assert service.get(viewer=users["leader"], lesson_id=late.id).status.value == "done"
