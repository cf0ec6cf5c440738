"""Hot wash (direkt-återkoppling) in the browser: after an exercise ends, a participant fills the
short form and the answers appear in the evaluation for exercise control."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_hot_wash_form_reaches_the_evaluation(live_server, browser_page):
    api = live_server.api("exercise_control")
    r = api.post(f"{live_server.url}/api/v1/exercises", json={"scenario": "vinterelavbrott", "speed": 60})
    assert r.status_code == 201, r.text
    exercise_id = r.json()["id"]
    assert api.post(f"{live_server.url}/api/v1/exercises/{exercise_id}/start").status_code == 200
    assert api.post(f"{live_server.url}/api/v1/exercises/{exercise_id}/end").status_code == 200

    staff = browser_page("staff")
    staff.goto(f"{live_server.url}/exercises/{exercise_id}/hot-wash")
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Direkt-återkoppling")
    staff.get_by_label("Vad fungerade?").fill("Mötesrytmen höll hela övningen.")
    staff.get_by_label("Vad fungerade inte?").fill("Rakel-gruppen var fel.")
    staff.get_by_label("Varför?").fill("Talgruppsplanen var gammal.")
    staff.get_by_label("Din funktion (valfritt)").fill("Stabschef")
    staff.get_by_role("button", name="Skicka återkoppling").click()
    expect(staff.get_by_text("Din återkoppling är sparad")).to_be_visible(timeout=15_000)
    expect(staff.locator(".hot-wash-mine")).to_contain_text("Mötesrytmen höll hela övningen.")

    control = browser_page("exercise_control")
    control.goto(f"{live_server.url}/exercises/{exercise_id}/evaluation")
    section = control.locator("section[aria-labelledby=h-hotwash]")
    expect(section).to_contain_text("Rakel-gruppen var fel.", timeout=15_000)
    expect(section).to_contain_text("Stabschef")
    review = api.get(f"{live_server.url}/api/v1/exercises/{exercise_id}/review").json()
    assert [h["why"] for h in review["hot_wash"]] == ["Talgruppsplanen var gammal."]


def test_a_recommendation_becomes_a_lesson_after_confirming(live_server, browser_page):
    api = live_server.api("exercise_control")
    r = api.post(f"{live_server.url}/api/v1/exercises", json={"scenario": "vinterelavbrott", "speed": 60})
    exercise_id = r.json()["id"]
    assert api.post(f"{live_server.url}/api/v1/exercises/{exercise_id}/start").status_code == 200
    assert api.post(f"{live_server.url}/api/v1/exercises/{exercise_id}/end").status_code == 200
    rec = api.post(
        f"{live_server.url}/api/v1/exercises/{exercise_id}/review/findings",
        json={"kind": "recommendation", "text": "Byt talgruppsplan i Rakel.", "owner": "Säkerhetschefen"},
    )
    assert rec.status_code == 201, rec.text

    control = browser_page("exercise_control")
    control.goto(f"{live_server.url}/exercises/{exercise_id}/evaluation")
    control.locator(f"#finding-{rec.json()['id']} button").click()
    dialog = control.get_by_role("dialog")
    expect(dialog).to_contain_text("Gör rekommendationen till en erfarenhet?")
    dialog.get_by_role("button", name="Skapa erfarenhet").click()
    expect(control.locator(f"#finding-{rec.json()['id']}")).to_contain_text("Erfarenhet", timeout=15_000)
    lessons = api.get(f"{live_server.url}/api/v1/lessons").json()["items"]
    made = [x for x in lessons if x["recommendation"] == "Byt talgruppsplan i Rakel."]
    assert len(made) == 1 and made[0]["origin"]["exercise"] == exercise_id
