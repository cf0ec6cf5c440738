"""The evaluation API and pages: scenario objectives and forms, judging, hot wash, findings -> lessons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crisis.enums import IncidentStatus
from crisis.exercises import service
from crisis.extensions import db

API = "/api/v1"


@pytest.fixture
def control(login: Callable[[str], Any]) -> Any:
    return login("exercise_control")


def ended(client: Any, scenario: str = "vinterelavbrott") -> dict[str, Any]:
    ex = client.post(f"{API}/exercises", json={"scenario": scenario, "speed": 60}).get_json()
    assert client.post(f"{API}/exercises/{ex['id']}/start").status_code == 200
    for d in service.deliveries(ex["id"]):
        d.due_at = None
    db.session.commit()
    if scenario == "vinterelavbrott":
        assert service.deliver(ex["id"], "elnat-larm") is not None
    resp = client.post(f"{API}/exercises/{ex['id']}/end")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_the_scenarios_api_shows_objectives_form_and_questions(login: Callable[[str], Any]) -> None:
    items = {s["key"]: s for s in login("staff").get(f"{API}/scenarios").get_json()["items"]}
    winter = items["vinterelavbrott"]
    assert winter["form"] == "simulation"
    assert winter["objectives"][0] == {
        "key": "lagesbild",
        "text": "Staben etablerar en gemensam lägesbild inom 60 minuter från start.",
        "injects": ["elnat-larm", "lst-tib"],
    }
    seminar = items["dammbrott-viskan-seminarium"]
    assert (seminar["form"], seminar["inject_count"]) == ("seminar", 0)
    assert seminar["questions"][0]["key"] == "forsta-timmen"
    assert items["kln-langvarigt-elavbrott"]["form"] == "kln"


def test_judging_objectives_and_injects_over_the_api(login: Callable[[str], Any], control: Any) -> None:
    ex = ended(control)
    url = f"{API}/exercises/{ex['id']}/review"
    resp = control.put(f"{url}/objectives/lagesbild", json={"verdict": "not_met", "evidence": "Ingen lägesbild."})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["verdict"] == "not_met"
    assert control.put(f"{url}/objectives/lagesbild", json={"verdict": "not_met"}).status_code == 422
    assert control.put(f"{url}/objectives/nope", json={"verdict": "met"}).status_code == 404
    assert control.put(f"{url}/objectives/lagesbild", json={"verdict": "great"}).status_code in (400, 422)
    assert login("staff").put(f"{url}/objectives/lagesbild", json={"verdict": "met"}).status_code == 403
    resp = control.put(f"{url}/injects/elnat-larm", json={"verdict": "done", "note": "Bra."})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["verdict"], body["note"]) == ("done", "Bra.")
    review = login("staff").get(url).get_json()
    assert review["objective_counts"]["not_met"] == 1
    assert review["injects"][0]["verdict"] == "done"


def test_hot_wash_and_findings_to_lesson_over_the_api(login: Callable[[str], Any], control: Any) -> None:
    ex = ended(control)
    url = f"{API}/exercises/{ex['id']}/review"
    staff = login("staff")
    resp = staff.post(f"{url}/hot-wash", json={"worked": "Ledningen", "did_not_work": "Rakel", "position": "Stab"})
    assert resp.status_code == 201, resp.get_json()
    assert staff.post(f"{url}/hot-wash", json={}).status_code == 422
    rec = control.post(
        f"{url}/findings",
        json={
            "kind": "recommendation",
            "text": "Öva Rakel varje månad.",
            "owner": "Säkerhetssamordnaren",
            "deadline": "2027-02-01",
        },
    )
    assert rec.status_code == 201, rec.get_json()
    fid = rec.get_json()["id"]
    assert staff.post(f"{API}/findings/{fid}/lesson").status_code == 403
    made = control.post(f"{API}/findings/{fid}/lesson")
    assert made.status_code == 201, made.get_json()
    lesson_id = made.get_json()["lesson"]
    lesson = control.get(f"{API}/lessons/{lesson_id}").get_json()
    assert (lesson["recommendation"], lesson["owner"], lesson["deadline"], lesson["exercise"]) == (
        "Öva Rakel varje månad.",
        "Säkerhetssamordnaren",
        "2027-02-01",
        ex["id"],
    )
    assert lesson["origin"] == {
        "finding": fid,
        "exercise": ex["id"],
        "incident": None,
        "text": "Öva Rakel varje månad.",
    }
    assert control.post(f"{API}/findings/{fid}/lesson").status_code == 422
    lessons_page = control.get("/lessons").get_data(as_text=True)
    assert f"/exercises/{ex['id']}/evaluation#finding-{fid}" in lessons_page
    review = control.get(url).get_json()
    assert [h["worked"] for h in review["hot_wash"]] == ["Ledningen"]
    assert review["recommendations"][0]["lesson"] == lesson_id
    page = control.get(f"/exercises/{ex['id']}/evaluation").get_data(as_text=True)
    assert "Öva Rakel varje månad." in page and "Ledningen" in page and "Rekommendationer och åtgärdsplan" in page


def test_hot_wash_page(login: Callable[[str], Any], control: Any) -> None:
    ex = ended(control)
    staff = login("staff")
    page = staff.get(f"/exercises/{ex['id']}/hot-wash").get_data(as_text=True)
    assert 'name="did_not_work"' in page
    resp = staff.post(f"/exercises/{ex['id']}/hot-wash", data={"worked": "Mötesrytmen"})
    assert resp.status_code == 302
    assert "Mötesrytmen" in staff.get(f"/exercises/{ex['id']}/hot-wash").get_data(as_text=True)


def test_real_incident_evaluation_api_and_page(login: Callable[[str], Any], incident: Any) -> None:
    leader = login("leader")
    url = f"{API}/incidents/{incident.id}/review"
    assert leader.post(f"{url}/questions", json={"text": "För tidigt?"}).status_code == 422  # still active
    assert login("staff").get(url).status_code == 403
    incident.status = IncidentStatus.STANDING_DOWN
    db.session.commit()
    q = leader.post(f"{url}/questions", json={"text": "Fungerade larmningen?"})
    assert q.status_code == 201, q.get_json()
    key = q.get_json()["key"]
    assert leader.put(f"{url}/objectives/{key}", json={"verdict": "met"}).status_code == 200
    assert login("staff").post(f"{url}/hot-wash", json={"why": "Ingen reservkraft"}).status_code == 201
    review = login("staff").get(url).get_json()
    assert review["evidence"]["incident"] == incident.id and review["objective_counts"]["met"] == 1
    page = leader.get(f"/incidents/{incident.id}/evaluation").get_data(as_text=True)
    assert "Fungerade larmningen?" in page and "Underlag från händelsen" in page


def test_seminar_control_page_shows_the_questions_in_order(control: Any) -> None:
    ex = control.post(f"{API}/exercises", json={"scenario": "dammbrott-viskan-seminarium", "speed": 1}).get_json()
    assert ex["form"] == "seminar"
    html = control.get(f"/exercises/{ex['id']}").get_data(as_text=True)
    first = html.index("Dammägaren ringer kommunens TiB")
    second = html.index("Vem beslutar om utrymning")
    assert first < second and 'value="forsta-timmen" data-question="true"' in html
    assert "Seminarieövning" in html and "Övningsmål" in html
    assert control.post(f"{API}/exercises/{ex['id']}/start").status_code == 200
    note = control.post(
        f"{API}/exercises/{ex['id']}/observations", json={"text": "Oklart mandat.", "inject": "utrymning"}
    )
    assert note.status_code == 201, note.get_json()
    review = control.get(f"{API}/exercises/{ex['id']}/review").get_json()
    assert review["injects"] == [] and review["questions"][1]["answers"][0]["text"] == "Oklart mandat."


def test_evaluator_forms_on_the_evaluation_page(login: Callable[[str], Any], control: Any) -> None:
    ex = ended(control)
    page = f"/exercises/{ex['id']}/evaluation"
    html = control.get(page).get_data(as_text=True)
    assert 'name="what" value="objective"' in html and 'name="what" value="inject"' in html
    form = {"what": "objective", "key": "budskap", "verdict": "partly", "evidence": "Bara webben.", "log_refs": "#4, 7"}
    assert control.post(page, data=form).status_code == 303
    obs = {"what": "finding", "kind": "observation", "text": "Webben uppdaterades sent."}
    assert control.post(page, data=obs).status_code == 303
    bad = {"what": "finding", "kind": "observation", "text": "x", "owner": "Någon"}
    assert control.post(page, data=bad).status_code == 303  # refused with a message, nothing stored
    assert login("staff").post(page, data=form).status_code == 403
    review = control.get(f"{API}/exercises/{ex['id']}/review").get_json()
    budskap = next(o for o in review["objectives"] if o["key"] == "budskap")
    assert (budskap["verdict"], budskap["log_refs"]) == ("partly", [4, 7])
    assert [f["text"] for f in review["observations"]] == ["Webben uppdaterades sent."]
    assert "Bara webben." in control.get(page).get_data(as_text=True)
    staff_html = login("staff").get(page).get_data(as_text=True)
    assert 'name="what"' not in staff_html
