"""The playbook API: list, activate (roles, bad input), call-out and checklist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log.models import LogEntry
from crisis.playbooks import registry

ROOT = Path(__file__).resolve().parents[2]


def _activate(client, key="elavbrott", **body):
    body.setdefault("title", "Elavbrott i Skene")
    body.setdefault("context", "Elnätsbolaget: 3 200 kunder utan ström sedan 02:40")
    return client.post(f"/api/v1/playbooks/{key}/activate", json=body)


def _log(incident_id: int) -> list[LogEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number))
    )


def test_list_playbooks_for_each_role(app, login):
    staff = login("staff").get("/api/v1/playbooks").get_json()
    assert len(staff["items"]) == 9 and "errors" not in staff
    elav = next(p for p in staff["items"] if p["key"] == "elavbrott")
    assert elav["default_level"] == "staff" and elav["callout"][0]["phone"].startswith("0320-00")
    assert elav["tasks"][0]["due_in_minutes"] == 30 and elav["reminders"][0]["every_minutes"] == 120

    observer = login("observer").get("/api/v1/playbooks").get_json()
    obs_elav = next(p for p in observer["items"] if p["key"] == "elavbrott")
    assert obs_elav["callout"] == [] and obs_elav["callout_count"] == len(elav["callout"])

    admin = login("admin").get("/api/v1/playbooks").get_json()
    assert admin["errors"] == [] and admin["loaded_at"]

    one = login("staff").get("/api/v1/playbooks/storm")
    assert one.status_code == 200 and one.get_json()["key"] == "storm"
    assert login("staff").get("/api/v1/playbooks/finns-inte").status_code == 404


def test_broken_files_are_shown_to_admins_and_the_rest_keeps_working(app, login, tmp_path):
    directory = tmp_path / "pb"
    directory.mkdir()
    shutil.copy(ROOT / "playbooks" / "storm.yaml", directory)
    shutil.copy(ROOT / "tests" / "fixtures" / "playbooks_broken" / "negative-due.yaml", directory)
    app.config["CRISIS_PLAYBOOK_DIR"] = str(directory)
    registry.reload(app)

    admin = login("admin")
    data = admin.get("/api/v1/playbooks").get_json()
    assert [p["key"] for p in data["items"]] == ["storm"]
    assert data["errors"] == [
        f"{directory / 'negative-due.yaml'}:11: tasks[0].due_in_minutes: must be a positive integer (minutes), got -10"
    ]
    page = admin.get("/playbooks").get_data(as_text=True)
    assert "negative-due.yaml:11: tasks[0].due_in_minutes" in page and "Filer med fel" in page

    staff = login("staff")
    assert "errors" not in staff.get("/api/v1/playbooks").get_json()
    staff_page = staff.get("/playbooks").get_data(as_text=True)
    assert "negative-due.yaml" not in staff_page and "Storm eller kraftigt oväder" in staff_page
    assert _activate(login("duty_officer"), "storm").status_code == 201
    assert _activate(login("duty_officer"), "negative-due").status_code == 404

    # Fixed on disk, reloaded on demand by an admin.
    (directory / "negative-due.yaml").unlink()
    assert admin.post("/playbooks/reload").status_code == 302
    assert admin.get("/api/v1/playbooks").get_json()["errors"] == []
    assert staff.post("/playbooks/reload").status_code == 403


@pytest.mark.parametrize("role", ["duty_officer", "leader", "admin"])
def test_activate_is_for_the_tib_leaders_and_admins(app, login, role):
    resp = _activate(login(role))
    assert resp.status_code == 201, resp.get_json()
    inc = resp.get_json()
    assert inc["title"] == "Elavbrott i Skene" and inc["kind"] == "elavbrott" and inc["level"] == "monitoring"
    assert inc["proposed_level"] == "staff"  # a proposal, whoever activates
    assert inc["mode"] == "real" and inc["status"] == "active"
    assert login("staff").get(f"/api/v1/incidents/{inc['id']}/tasks").get_json()["items"]


@pytest.mark.parametrize("role", ["staff", "observer", "exercise_control"])
def test_staff_and_observers_cannot_activate(app, login, role):
    resp = _activate(login(role))
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Incident)) == 0


def test_activate_needs_login(app):
    assert _activate(app.test_client()).status_code == 401


@pytest.mark.parametrize(
    "body,status",
    [
        ({"context": "x"}, 422),  # no title
        ({"title": "", "context": "x"}, 422),
        ({"title": "x" * 201}, 422),
        ({"title": "Storm", "context": "x" * 1001}, 422),
        ({"title": "Storm", "level": "staff"}, 422),  # unknown field
        ({"title": "Storm", "deviation": 0}, 422),
        ({"title": "Storm", "deviation": 12345}, 404),
    ],
)
def test_bad_activation_bodies_store_nothing(app, login, body, status):
    resp = login("duty_officer").post("/api/v1/playbooks/storm/activate", json=body)
    assert resp.status_code == status, resp.get_json()
    assert "error" in resp.get_json()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Incident)) == 0


def test_activate_unknown_playbook_and_non_json(app, login):
    client = login("duty_officer")
    assert client.post("/api/v1/playbooks/finns-inte/activate", json={"title": "x"}).status_code == 404
    assert client.post("/api/v1/playbooks/storm/activate", data="title=x").status_code == 415


def test_callout_marks_are_logged_and_broadcast(app, login):
    tib = login("duty_officer")
    inc = _activate(tib).get_json()
    url = f"/api/v1/incidents/{inc['id']}/callout"
    data = login("staff").get(url).get_json()
    assert data["counts"]["pending"] == len(data["items"]) == 10  # incl. KLN:s ordförande and SÄRF RCB
    names = [i["name"] for i in data["items"]]
    assert "Krisledningsnämndens ordförande (exempel)" in names
    assert "SÄRF, räddningschef i beredskap (exempel)" in names
    first = data["items"][0]
    assert first["name"] == "Kommundirektör (exempel)" and first["phone"] == "0320-00 01 01"

    staff = login("staff")
    for state, word in (("reached", "nådd"), ("not_reached", "ej nådd"), ("declined", "avböjer")):
        resp = staff.post(url, json={"entry": first["id"], "state": state, "note": "Ringde 03:20"})
        assert resp.status_code == 200, resp.get_json()
        entry = resp.get_json()["items"][0]
        assert entry["state"] == state and entry["updated_by"] == "Staff Testsson" and entry["note"] == "Ringde 03:20"
        assert (
            _log(inc["id"])[-1].text
            == f"Larmning: Kommundirektör (exempel) (Krisledningschef, beslutar om stabsläge) – {word}. Ringde 03:20"
        )
    assert resp.get_json()["counts"]["declined"] == 1
    events = list(
        db.session.scalars(sa.select(Event).where(Event.incident_id == inc["id"], Event.type == "callout.updated"))
    )
    assert len(events) == 4 and all(e.confidential for e in events)
    assert events[-1].data["items"][0]["state"] == "declined"

    added = staff.post(
        url, json={"action": "add", "name": "Räddningschef i beredskap", "role": "RCB", "phone": "0320-00 09 99"}
    )
    assert added.status_code == 200 and added.get_json()["items"][-1]["name"] == "Räddningschef i beredskap"


def test_callout_errors_and_roles(app, login):
    inc = _activate(login("duty_officer")).get_json()
    other = _activate(login("duty_officer"), "storm", title="Storm").get_json()
    url = f"/api/v1/incidents/{inc['id']}/callout"
    entry = login("staff").get(url).get_json()["items"][0]["id"]
    other_entry = login("staff").get(f"/api/v1/incidents/{other['id']}/callout").get_json()["items"][0]["id"]
    staff = login("staff")
    assert staff.post(url, json={"entry": entry, "state": "maybe"}).status_code == 422
    assert staff.post(url, json={"entry": entry}).status_code == 422
    assert staff.post(url, json={"entry": other_entry, "state": "reached"}).status_code == 404
    assert staff.post(url, json={"action": "add", "name": ""}).status_code == 422
    assert staff.post(url, json={"action": "add", "name": "X", "phone": "ring mig"}).status_code == 422
    assert staff.post(url, json={"action": "notify"}).status_code == 403
    observer = login("observer")
    assert observer.get(url).status_code == 403  # names and phone numbers: not for observers
    assert observer.post(url, json={"entry": entry, "state": "reached"}).status_code == 403
    assert login("staff").get("/api/v1/incidents/999/callout").status_code == 404
    # Closing waits for the open tasks (stand-down): the playbook's tasks are done first.
    for task in staff.get(f"/api/v1/incidents/{inc['id']}/tasks?status=todo,doing,blocked").get_json()["items"]:
        staff.patch(f"/api/v1/tasks/{task['id']}", json={"version": task["version"], "status": "done"})
    closed = login("leader").patch(
        f"/api/v1/incidents/{inc['id']}",
        json={"status": "closed", "decided_by": "KD", "mandate": "Krisledningsplanen", "reason": "Klart"},
    )
    assert closed.status_code == 200, closed.get_json()
    resp = staff.post(url, json={"entry": entry, "state": "reached"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "incident_closed"


def test_checklist_ticks_are_logged(app, login):
    inc = _activate(login("duty_officer")).get_json()
    url = f"/api/v1/incidents/{inc['id']}/checklist"
    items = login("observer").get(url).get_json()["items"]
    assert len(items) == 10 and not any(i["done"] for i in items)
    assert items[1]["text"] == "Bedöm om extraordinär händelse föreligger – kontakta KLN:s ordförande"
    staff = login("staff")
    resp = staff.post(url, json={"item": items[1]["id"], "done": True})
    assert resp.status_code == 200
    done = resp.get_json()["items"][1]
    assert done["done"] and done["done_by"] == "Staff Testsson" and done["done_at"]
    assert _log(inc["id"])[-1].text == f"Checklista: avbockad – {items[1]['text']}"
    count = len(_log(inc["id"]))
    assert staff.post(url, json={"item": items[1]["id"], "done": True}).status_code == 200
    assert len(_log(inc["id"])) == count  # no change, nothing logged
    resp = staff.post(url, json={"item": items[1]["id"], "done": False})
    assert not resp.get_json()["items"][1]["done"]
    assert _log(inc["id"])[-1].text.startswith("Checklista: avbockning ångrad")
    assert login("observer").post(url, json={"item": items[0]["id"], "done": True}).status_code == 403
    assert staff.post(url, json={"item": 99999, "done": True}).status_code == 404
    assert staff.post(url, json={"item": items[0]["id"]}).status_code == 422


def test_openapi_documents_the_playbook_and_deviation_routes(app, login):
    spec = login("staff").get("/api/openapi.json").get_json()
    for path in (
        "/api/v1/playbooks",
        "/api/v1/playbooks/{key}/activate",
        "/api/v1/incidents/{incident_id}/callout",
        "/api/v1/incidents/{incident_id}/checklist",
        "/api/v1/deviations",
        "/api/v1/deviations/{deviation_id}/assess",
    ):
        assert path in spec["paths"], path
    assert spec["paths"]["/api/v1/playbooks/{key}/activate"]["post"]["responses"]["201"]
