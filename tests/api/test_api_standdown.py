"""Avveckling through the API and on the pages: 409 with the open tasks, hand-over, standing_down visible
in the API, the workspace (header, close step), the wall and the start page."""

from __future__ import annotations

import re

DECISION = {"decided_by": "Karin Lindqvist", "mandate": "Krisledningsplanen 4.2", "reason": "Elen är tillbaka"}


def test_stand_down_via_api_and_pages(login, incident):
    staff, leader = login("staff"), login("leader")
    base = f"/api/v1/incidents/{incident.id}"
    task = staff.post(f"{base}/tasks", json={"title": "Kontrollera reservkraft"}).get_json()
    log_before = len(staff.get(f"{base}/log").get_json()["items"])

    refused = leader.patch(base, json={"status": "standing_down", **DECISION})
    assert refused.status_code == 409
    err = refused.get_json()["error"]
    assert err["code"] == "open_tasks" and "Kontrollera reservkraft" in err["message"]
    assert staff.get(base).get_json()["status"] == "active"
    assert len(staff.get(f"{base}/log").get_json()["items"]) == log_before

    assert staff.post(f"/api/v1/tasks/{task['id']}/hand-over", json={"version": 1, "to": ""}).status_code == 422
    handed = staff.post(f"/api/v1/tasks/{task['id']}/hand-over", json={"version": task["version"], "to": "Tekniska"})
    assert handed.status_code == 200, handed.get_json()
    assert handed.get_json()["status"] == "done"
    assert (
        login("observer").post(f"/api/v1/tasks/{task['id']}/hand-over", json={"version": 2, "to": "X"}).status_code
        == 403
    )

    assert staff.patch(base, json={"status": "standing_down", **DECISION}).status_code == 403
    ok = leader.patch(base, json={"status": "standing_down", **DECISION})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["status"] == "standing_down"
    assert [i["id"] for i in staff.get("/api/v1/incidents?status=standing_down").get_json()["items"]] == [incident.id]

    page = leader.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert re.search(r'id="incident-status" class="status-standing_down">Avveckling<', page)
    assert 'id="close-form"' in page and 'id="standdown-form"' not in page
    assert 'id="entry-form"' in page  # the log is still written in avveckling
    wall = staff.get(f"/incidents/{incident.id}/wall").get_data(as_text=True)
    assert re.search(r'<span id="wall-standing-down" class="wall-closed wall-standing-down">Avveckling</span>', wall)
    start = staff.get("/").get_data(as_text=True)
    assert "Elavbrott i Kinna" in start and 'class="status-standing_down">Avveckling<' in start
    tasks_page = staff.get(f"/incidents/{incident.id}/tasks").get_data(as_text=True)
    assert "Avveckling" in tasks_page

    closed = leader.patch(base, json={"status": "closed", **DECISION})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"


def test_active_workspace_shows_the_stand_down_form_not_the_close(login, incident):
    page = login("leader").get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="standdown-form"' in page and 'id="close-form"' not in page
    assert 'id="standdown-panel"' not in login("staff").get(f"/incidents/{incident.id}").get_data(as_text=True)


def test_openapi_describes_hand_over_and_the_status(login):
    spec = login("staff").get("/api/openapi.json").get_json()
    assert "post" in spec["paths"]["/api/v1/tasks/{task_id}/hand-over"]
    assert "standing_down" in str(spec["components"]["schemas"]["IncidentOut"])
