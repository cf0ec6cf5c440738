"""Task API: create, list with filters, patch with version (409 for the second of two clients), history,
make-a-task from a log entry, bad input (clear 4xx, nothing changed), roles, the board page."""

from __future__ import annotations

import pytest


def _new(client, incident_id, **body):
    body.setdefault("title", "Kontakta Elnätsbolaget")
    resp = client.post(f"/api/v1/incidents/{incident_id}/tasks", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _state(client, incident_id):
    tasks = client.get(f"/api/v1/incidents/{incident_id}/tasks").get_json()["items"]
    log = client.get(f"/api/v1/incidents/{incident_id}/log").get_json()["items"]
    return tasks, len(log)


def test_create_list_patch_history(login, incident):
    staff = login("staff")
    t = _new(
        staff,
        incident.id,
        description="Fråga om prognos",
        position="samband",
        assignee="staff",
        due_at="2026-11-24T18:00:00+01:00",
        priority="high",
    )
    assert {k: t[k] for k in ("title", "status", "priority", "position", "assignee", "due_at", "version")} == {
        "title": "Kontakta Elnätsbolaget",
        "status": "todo",
        "priority": "high",
        "position": "samband",
        "assignee": "staff",
        "due_at": "2026-11-24T17:00:00+00:00",
        "version": 1,
    }
    items = staff.get(f"/api/v1/incidents/{incident.id}/tasks").get_json()["items"]
    assert [i["id"] for i in items] == [t["id"]]
    resp = staff.patch(f"/api/v1/tasks/{t['id']}", json={"version": 1, "status": "doing"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "doing" and resp.get_json()["version"] == 2
    assert staff.get(f"/api/v1/tasks/{t['id']}").get_json()["version"] == 2
    hist = staff.get(f"/api/v1/tasks/{t['id']}/history").get_json()["items"]
    assert [(h["field"], h["old"], h["new"], h["actor"]) for h in hist] == [
        ("created", None, "Kontakta Elnätsbolaget", "staff"),
        ("status", "todo", "doing", "staff"),
    ]
    log = staff.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"]
    assert (
        log[-1]["kind"] == "system"
        and log[-1]["text"] == f"Uppgift {t['id']} 'Kontakta Elnätsbolaget': status att göra -> pågår."
    )
    # clearing with null
    resp = staff.patch(f"/api/v1/tasks/{t['id']}", json={"version": 2, "assignee": None, "due_at": None})
    assert resp.get_json()["assignee"] is None and resp.get_json()["due_at"] is None


def test_filters(login, users, incident):
    staff = login("staff")
    staff.post(f"/api/v1/incidents/{incident.id}/staffing", json={"action": "check_in", "position": "analys"})
    a = _new(staff, incident.id, title="Min", assignee="staff")
    b = _new(staff, incident.id, title="Min funktion", position="analys", due_at="2020-01-01T10:00:00+01:00")
    c = _new(staff, incident.id, title="Annan", position="samband")

    def q(s: str) -> list[int]:
        return [i["id"] for i in staff.get(f"/api/v1/incidents/{incident.id}/tasks?{s}").get_json()["items"]]

    assert q("mine=true") == [a["id"]]
    assert q("my_position=1") == [b["id"]]
    assert q("overdue=true") == [b["id"]]
    assert q("status=todo") == [a["id"], b["id"], c["id"]]
    assert q("status=done") == []
    resp = staff.get(f"/api/v1/incidents/{incident.id}/tasks?status=later")
    assert resp.status_code == 422 and "later" in resp.get_json()["error"]["message"]


def test_version_conflict_between_two_clients(login, incident):
    one, two = login("staff"), login("leader")
    t = _new(one, incident.id)
    # both load version 1
    assert one.get(f"/api/v1/tasks/{t['id']}").get_json()["version"] == 1
    assert two.get(f"/api/v1/tasks/{t['id']}").get_json()["version"] == 1
    assert one.patch(f"/api/v1/tasks/{t['id']}", json={"version": 1, "status": "doing"}).status_code == 200
    tasks_before, log_before = _state(two, incident.id)
    resp = two.patch(f"/api/v1/tasks/{t['id']}", json={"version": 1, "status": "cancelled"})
    assert resp.status_code == 409
    err = resp.get_json()["error"]
    assert err["code"] == "version_conflict"
    assert "staff" in err["message"] and "version 2" in err["message"]
    assert err["details"]["task"]["status"] == "doing" and err["details"]["current_version"] == 2
    assert _state(two, incident.id) == (tasks_before, log_before)
    # with the current version the second client's change goes through
    assert two.patch(f"/api/v1/tasks/{t['id']}", json={"version": 2, "status": "cancelled"}).status_code == 200


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"title": "T", "assignee": "nobody"}, 422, "unknown_assignee"),
        ({"title": "T", "due_at": "i morgon bitti"}, 422, "bad_due_at"),
        ({"title": "T", "due_at": "2026-11-24T16:00"}, 422, "bad_due_at"),
        ({"title": "T", "priority": "asap"}, 422, "validation_error"),
        ({"title": "T", "position": "brandchef"}, 422, "unknown_position"),
        ({"title": ""}, 422, "validation_error"),
        ({}, 422, "validation_error"),
        ({"title": "T", "owner": "x"}, 422, "validation_error"),
        ({"origin_log_number": 999}, 422, "unknown_log_entry"),
    ],
)
def test_bad_create_input(login, incident, body, status, code):
    staff = login("staff")
    before = _state(staff, incident.id)
    resp = staff.post(f"/api/v1/incidents/{incident.id}/tasks", json=body)
    assert resp.status_code == status, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == code and err["message"]
    assert _state(staff, incident.id) == before


def test_bad_patch_input(login, users, incident):
    from crisis.incidents import service as incidents

    other = incidents.create(actor=users["duty_officer"], title="Storm", kind="storm")
    staff = login("staff")
    t = _new(staff, incident.id)
    before = _state(staff, incident.id)
    cases = [
        ({"version": 1, "status": "finished"}, 422),
        ({"version": 1, "assignee": "ghost"}, 422),
        ({"version": 1, "due_at": "klockan fyra"}, 422),
        ({"version": 1, "position": "nope"}, 422),
        ({"version": 1, "incident": other.id, "status": "done"}, 422),
        ({"version": 1, "title": None}, 422),
        ({"version": 1, "status": None}, 422),
        ({"status": "done"}, 422),
        ({"version": "one", "status": "done"}, 422),
        ({"version": 1, "colour": "red"}, 422),
        ({"version": 7, "status": "done"}, 409),
    ]
    for body, status in cases:
        resp = staff.patch(f"/api/v1/tasks/{t['id']}", json=body)
        assert resp.status_code == status, (body, resp.get_json())
        assert resp.get_json()["error"]["message"]
    assert staff.patch("/api/v1/tasks/9999", json={"version": 1, "status": "done"}).status_code == 404
    assert staff.patch(f"/api/v1/tasks/{t['id']}", data="status=done").status_code == 415
    assert _state(staff, incident.id) == before
    wrong = staff.patch(f"/api/v1/tasks/{t['id']}", json={"version": 1, "incident": other.id, "status": "done"})
    assert wrong.get_json()["error"]["code"] == "wrong_incident"


def test_roles(app, login, incident):
    staff = login("staff")
    t = _new(staff, incident.id)
    observer = login("observer")
    assert observer.get(f"/api/v1/incidents/{incident.id}/tasks").status_code == 200
    assert observer.get(f"/api/v1/tasks/{t['id']}/history").status_code == 200
    assert observer.post(f"/api/v1/incidents/{incident.id}/tasks", json={"title": "X"}).status_code == 403
    assert observer.patch(f"/api/v1/tasks/{t['id']}", json={"version": 1, "status": "done"}).status_code == 403
    anon = app.test_client()
    assert anon.get(f"/api/v1/incidents/{incident.id}/tasks").status_code == 401
    assert anon.patch(f"/api/v1/tasks/{t['id']}", json={"version": 1, "status": "done"}).status_code == 401
    assert staff.get("/api/v1/incidents/999/tasks").status_code == 404
    assert staff.get("/api/v1/tasks/999").status_code == 404


def test_make_task_from_log_entry(login, incident):
    leader = login("leader")
    entry = leader.post(
        f"/api/v1/incidents/{incident.id}/log",
        json={
            "text": "Beslut: öppna trygghetspunkt i Kinnahallen",
            "kind": "decision",
            "decided_by": "Krisledningschef",
            "mandate": "krisledningsplanen",
        },
    ).get_json()
    staff = login("staff")
    t = _new(staff, incident.id, title=None, origin_log_number=entry["number"], position="resurs")
    assert t["title"] == "Beslut: öppna trygghetspunkt i Kinnahallen"
    assert t["origin_log_number"] == entry["number"] and t["origin"] == f"log:{entry['number']}"
    # the log side: tasks by the entry they came from
    linked = staff.get(f"/api/v1/incidents/{incident.id}/tasks?origin_log_number={entry['number']}").get_json()
    assert [i["id"] for i in linked["items"]] == [t["id"]]


def test_openapi_documents_the_task_api(app, login):
    spec = login("staff").get("/api/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/incidents/{incident_id}/tasks"])
    assert "patch" in spec["paths"]["/api/v1/tasks/{task_id}"]
    assert "get" in spec["paths"]["/api/v1/tasks/{task_id}/history"]


def test_board_page(login, incident):
    staff = login("staff")
    html = staff.get(f"/incidents/{incident.id}/tasks").get_data(as_text=True)
    for text in (
        "Att göra",
        "Pågår",
        "Blockerad",
        "Klar",
        "Avbruten",
        "Mina uppgifter",
        "Min funktion",
        "Försenade",
        'id="task-form"',
        "js/tasks.js",
    ):
        assert text in html
    assert "<script>" not in html.replace("<script src", "")  # no inline script (CSP)
    # the incident's sub-navigation links to the board
    ws = staff.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert f'href="/incidents/{incident.id}/tasks"' in ws
    observer = login("observer").get(f"/incidents/{incident.id}/tasks").get_data(as_text=True)
    assert 'id="task-form"' not in observer and 'data-can-write="false"' in observer
    assert login("staff").get("/incidents/999/tasks").status_code == 404
