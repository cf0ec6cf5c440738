"""The exercise API and pages: shapes, roles, bad input, what participants may see, exports."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from crisis.db import utcnow
from crisis.exercises import service
from crisis.exercises.models import Exercise, InjectDelivery
from crisis.extensions import db

API = "/api/v1"


@pytest.fixture
def control(login: Callable[[str], Any]) -> Any:
    return login("exercise_control")


def create(client: Any, **body: Any) -> Any:
    body.setdefault("scenario", "vinterelavbrott")
    return client.post(f"{API}/exercises", json=body)


def started(client: Any, speed: float = 60) -> dict[str, Any]:
    ex = create(client, speed=speed).get_json()
    resp = client.post(f"{API}/exercises/{ex['id']}/start")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Exercise))


def test_scenarios_list_hides_the_script_from_participants(login: Callable[[str], Any], control: Any) -> None:
    items = control.get(f"{API}/scenarios").get_json()["items"]
    keys = {s["key"] for s in items}
    assert {"vinterelavbrott", "fororenat-vatten"} <= keys
    winter = next(s for s in items if s["key"] == "vinterelavbrott")
    assert winter["inject_count"] == 20 and len(winter["injects"]) == 20 and winter["playbook"] == "elavbrott"
    for role in ("staff", "observer"):
        for s in login(role).get(f"{API}/scenarios").get_json()["items"]:
            assert s.get("injects") is None
            assert s["inject_count"] >= 15 or s["form"] != "simulation"  # seminars have questions, not injects


def test_schedule_and_read_back_uses_the_contract_fields(control: Any) -> None:
    start_at = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
    resp = create(control, start_at=start_at.isoformat(), speed=60)
    assert resp.status_code == 201, resp.get_json()
    ex = resp.get_json()
    assert {"id", "scenario", "start_at", "speed", "status", "incident"} <= set(ex)
    assert (ex["scenario"], ex["speed"], ex["status"], ex["incident"]) == ("vinterelavbrott", 60.0, "scheduled", None)
    assert ex["start_at"] == start_at.isoformat()
    listed = control.get(f"{API}/exercises").get_json()["items"]
    assert [e["id"] for e in listed] == [ex["id"]]
    assert control.get(f"{API}/exercises?status=scheduled").get_json()["items"][0]["id"] == ex["id"]
    assert control.get(f"{API}/exercises?status=bogus").status_code == 422


@pytest.mark.parametrize(
    "body, status",
    [
        ({"scenario": "finns-inte"}, 422),
        ({"start_at": "2020-01-01T09:00:00+01:00"}, 422),
        ({"start_at": "2030-01-01T09:00:00"}, 422),
        ({"start_at": "tomorrow"}, 422),
        ({"speed": 0}, 422),
        ({"speed": 0.09}, 422),
        ({"speed": 600.5}, 422),
        ({"speed": "fast"}, 422),
        ({"speed": 60, "colour": "red"}, 422),
    ],
)
def test_bad_input_is_4xx_and_nothing_is_stored(control: Any, body: dict[str, Any], status: int) -> None:
    resp = create(control, **body)
    assert resp.status_code == status, resp.get_json()
    assert "error" in resp.get_json() and resp.get_json()["error"]["message"]
    assert count() == 0


def test_malformed_json_is_400(control: Any) -> None:
    resp = control.post(f"{API}/exercises", data="{nope", content_type="application/json")
    assert resp.status_code == 400 and count() == 0


@pytest.mark.parametrize("role", ["staff", "leader", "duty_officer", "observer"])
def test_participants_cannot_schedule_or_run(login: Callable[[str], Any], control: Any, role: str) -> None:
    client = login(role)
    assert create(client).status_code == 403
    ex = create(control).get_json()
    for action in ("start", "pause", "resume", "end"):
        assert client.post(f"{API}/exercises/{ex['id']}/{action}").status_code == 403
    assert (
        client.post(
            f"{API}/exercises/{ex['id']}/injects",
            json={"sender": "x", "channel": "phone", "text": "y", "target_position": "va"},
        ).status_code
        == 403
    )
    assert count() == 1


def test_not_logged_in_is_401(app: Any) -> None:
    client = app.test_client()
    assert client.get(f"{API}/exercises").status_code == 401
    assert client.get(f"{API}/scenarios").status_code == 401


def test_unknown_exercise_is_404(control: Any) -> None:
    assert control.get(f"{API}/exercises/999").status_code == 404
    assert control.post(f"{API}/exercises/999/start").status_code == 404


def test_run_through_the_api(control: Any) -> None:
    ex = started(control)
    assert ex["status"] == "running" and ex["incident"]
    incident = control.get(f"{API}/incidents/{ex['incident']}").get_json()
    assert incident["mode"] == "exercise"
    assert control.post(f"{API}/exercises/{ex['id']}/start").status_code == 409
    assert control.post(f"{API}/exercises/{ex['id']}/pause").get_json()["status"] == "paused"
    assert control.post(f"{API}/exercises/{ex['id']}/pause").status_code == 409
    assert control.post(f"{API}/exercises/{ex['id']}/resume").get_json()["status"] == "running"
    assert control.post(f"{API}/exercises/{ex['id']}/speed", json={"speed": 120}).get_json()["speed"] == 120
    assert control.post(f"{API}/exercises/{ex['id']}/speed", json={"speed": 1000}).status_code == 422
    resp = control.post(
        f"{API}/exercises/{ex['id']}/injects",
        json={
            "sender": "Radio Sjuhärad (spelad)",
            "channel": "media",
            "text": "Vi vill ha en intervju.",
            "target_position": "kommunikation",
        },
    )
    assert resp.status_code == 201 and resp.get_json()["state"] == "delivered"
    assert (
        control.post(
            f"{API}/exercises/{ex['id']}/injects",
            json={"sender": "x", "channel": "fax", "text": "y", "target_position": "va"},
        ).status_code
        == 422
    )
    assert control.post(f"{API}/exercises/{ex['id']}/end").get_json()["status"] == "ended"
    assert control.get(f"{API}/incidents/{ex['incident']}").get_json()["status"] == "closed"


def test_an_exercise_incident_cannot_be_patched_to_real(login: Callable[[str], Any], control: Any) -> None:
    ex = started(control)
    resp = login("leader").patch(f"{API}/incidents/{ex['incident']}", json={"mode": "real"})
    assert resp.status_code == 422
    assert control.get(f"{API}/incidents/{ex['incident']}").get_json()["mode"] == "exercise"


def test_participants_never_get_upcoming_injects(login: Callable[[str], Any], control: Any) -> None:
    ex = started(control)
    service.deliver(ex["id"], "elnat-larm")
    upcoming_texts = [
        d.text
        for d in db.session.scalars(
            sa.select(InjectDelivery).where(
                InjectDelivery.exercise_id == ex["id"], InjectDelivery.inject_id != "elnat-larm"
            )
        )
    ]
    for role in ("staff", "leader", "duty_officer", "observer"):
        client = login(role)
        for path in (
            f"/exercises/{ex['id']}",
            f"/exercises/{ex['id']}/evaluation",
            "/exercises",
            f"/incidents/{ex['incident']}/events?since=0",
            f"/incidents/{ex['incident']}/log",
        ):
            resp = client.get(API + path)
            assert resp.status_code == 200, (role, path)
            body = resp.get_data(as_text=True)
            assert not any(json.dumps(t, ensure_ascii=False)[1:-1] in body or t in body for t in upcoming_texts), (
                role,
                path,
            )
        d = client.get(f"{API}/exercises/{ex['id']}").get_json()
        assert [i["id"] for i in d["injects"]] == ["elnat-larm"] and d["control"] is False
        page = client.get(f"/exercises/{ex['id']}").get_data(as_text=True)
        assert not any(t in page for t in upcoming_texts)
    full = control.get(f"{API}/exercises/{ex['id']}").get_json()
    assert len(full["injects"]) == 20 and full["control"] is True


def test_ovningsstopp_via_the_api(login: Callable[[str], Any], control: Any) -> None:
    ex = started(control)
    assert login("staff").post(f"{API}/exercises/{ex['id']}/stop", json={}).status_code == 403
    resp = login("leader").post(f"{API}/exercises/{ex['id']}/stop", json={"reason": "Verklig händelse"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "stopped"
    events = control.get(f"{API}/incidents/{ex['incident']}/events?since=0").get_json()["items"]
    stop = [e for e in events if e["type"] == "exercise.updated" and e["data"].get("stop")]
    assert stop and stop[0]["data"]["status"] == "stopped"
    assert control.post(f"{API}/exercises/{ex['id']}/stop", json={}).status_code == 409


def test_observations_api(login: Callable[[str], Any], control: Any) -> None:
    ex = started(control)
    service.deliver(ex["id"], "elnat-larm")
    observer = login("observer")
    resp = observer.post(
        f"{API}/exercises/{ex['id']}/observations", json={"text": "Bra första kontakt.", "inject": "elnat-larm"}
    )
    assert resp.status_code == 201 and resp.get_json()["inject"] == "elnat-larm"
    assert login("staff").post(f"{API}/exercises/{ex['id']}/observations", json={"text": "x"}).status_code == 403
    assert observer.post(f"{API}/exercises/{ex['id']}/observations", json={"text": ""}).status_code == 422
    assert [o["text"] for o in control.get(f"{API}/exercises/{ex['id']}/observations").get_json()["items"]] == [
        "Bra första kontakt."
    ]
    assert login("staff").get(f"{API}/exercises/{ex['id']}/observations").status_code == 403


def test_evaluation_exports(login: Callable[[str], Any], control: Any, users: dict[str, Any]) -> None:
    from crisis.log import service as log
    from crisis.staffing import service as staffing

    ex = started(control)
    staffing.check_in(actor=users["staff"], incident_id=ex["incident"], position="samverkan")
    service.deliver(ex["id"], "elnat-larm")
    log.append(actor=users["staff"], incident_id=ex["incident"], text="=Elnätsbolaget ringd")
    report = control.get(f"{API}/exercises/{ex['id']}/evaluation").get_json()
    assert report["summary"]["answered"] == 1 and report["summary"]["injects"] == 20
    page = control.get(f"/exercises/{ex['id']}/evaluation")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "ÖVNING" in html and "elnat-larm" in html and "#nummer" in html
    resp = control.get(f"/exercises/{ex['id']}/evaluation.csv")
    assert resp.status_code == 200 and "OVNING-utvardering" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "marking" and len(rows) == 21 and all(r[0] == "ÖVNING" for r in rows[1:])
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["inject"] == "elnat-larm" and first["first_response_how"] == "position"
    # times in Swedish local time as spreadsheets read them (no offset, no fractions)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", first["delivered_at"]), first["delivered_at"]
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    resp = control.get(f"/exercises/{ex['id']}/evaluation.json")
    data = json.loads(resp.get_data(as_text=True))
    assert data["marking"] == "ÖVNING" and data["exercise"]["id"] == ex["id"]
    # participants' export holds delivered injects only, and says it is not complete
    staff_rows = list(
        csv.reader(
            io.StringIO(
                login("staff").get(f"/exercises/{ex['id']}/evaluation.csv").get_data(as_text=True).lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    assert len(staff_rows) == 2


def test_pages(login: Callable[[str], Any], control: Any) -> None:
    page = control.get("/exercises")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="scenario"' in html and "vinterelavbrott" in html
    staff_page = login("staff").get("/exercises").get_data(as_text=True)
    assert 'name="scenario"' not in staff_page  # no schedule form for participants
    # schedule through the form: start in an hour, Stockholm time
    from crisis.web.template_helpers import TZ

    local = (utcnow() + timedelta(hours=1)).astimezone(TZ).strftime("%Y-%m-%dT%H:%M")
    resp = control.post(
        "/exercises", data={"scenario": "fororenat-vatten", "start_at": local, "speed": "2,5", "title": ""}
    )
    assert resp.status_code == 302
    ex = db.session.scalars(sa.select(Exercise)).one()
    assert ex.speed == 2.5 and ex.title.startswith("Förorenat")
    assert ex.start_at.astimezone(TZ).strftime("%Y-%m-%dT%H:%M") == local
    bad = control.post("/exercises", data={"scenario": "fororenat-vatten", "start_at": "", "speed": "9999"})
    assert bad.status_code == 302 and count() == 1
    # the start page lists the coming exercise for everyone
    for role in ("staff", "observer"):
        start = login(role).get("/").get_data(as_text=True)
        assert 'id="coming-exercises"' in start and ex.title in start
    control_page = control.get(f"/exercises/{ex.id}").get_data(as_text=True)
    assert "ÖVNINGSSTOPP" in control_page and 'data-action="start"' in control_page
    staff_control = login("staff").get(f"/exercises/{ex.id}").get_data(as_text=True)
    assert 'data-action="start"' not in staff_control and 'data-action="stop"' not in staff_control
    assert 'data-action="stop"' in login("leader").get(f"/exercises/{ex.id}").get_data(as_text=True)
    assert login("staff").post("/exercises", data={"scenario": "fororenat-vatten"}).status_code == 403


def test_exercise_incident_pages_and_exports_say_ovning(login: Callable[[str], Any], control: Any) -> None:
    ex = started(control)
    service.deliver(ex["id"], "elnat-larm")
    staff = login("staff")
    for path in (
        f"/incidents/{ex['incident']}",
        f"/incidents/{ex['incident']}/log/print",
        f"/exercises/{ex['id']}",
        f"/exercises/{ex['id']}/evaluation",
    ):
        resp = staff.get(path)
        assert resp.status_code == 200, path
        assert "ÖVNING" in resp.get_data(as_text=True), path
    csv_resp = staff.get(f"/incidents/{ex['incident']}/log.csv")
    assert "OVNING-" in csv_resp.headers["Content-Disposition"]
    assert "ÖVNING – Inspel via telefon till Samverkan" in csv_resp.get_data(as_text=True)


def test_openapi_documents_the_exercise_api(app: Any) -> None:
    spec = app.test_client().get("/api/openapi.json").get_json()
    for path in (
        "/api/v1/scenarios",
        "/api/v1/exercises",
        "/api/v1/exercises/{exercise_id}",
        "/api/v1/exercises/{exercise_id}/start",
        "/api/v1/exercises/{exercise_id}/stop",
        "/api/v1/exercises/{exercise_id}/injects",
        "/api/v1/exercises/{exercise_id}/observations",
        "/api/v1/exercises/{exercise_id}/evaluation",
    ):
        assert path in spec["paths"], path
