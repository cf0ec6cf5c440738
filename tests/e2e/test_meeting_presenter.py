"""A stabsorientering in presenter mode on the wall (1920x1080): the runner starts the meeting and moves
through the agenda (buttons on the meetings page, arrow keys / PageDown in presenter mode), the wall window
follows live and shows the lägesbild for "Läget"; a decision captured (with its confirm dialog) lands in the
register and on the wall's follow-up; a task captured in the meeting lands on the board; ending
asks first and writes the protocol to the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_presenter_mode_follows_the_runner(live_server, browser_page):
    url, api = live_server.url, live_server.api
    r = api("leader").post(
        url + "/api/v1/incidents", json={"title": "Elavbrott i Kinna", "kind": "elavbrott", "level": "normal"}
    )
    assert r.status_code == 201, r.text
    incident_id = r.json()["id"]
    r = api("staff").put(
        f"{url}/api/v1/incidents/{incident_id}/situation",
        json={
            "version": 0,
            "sections": {
                "handelse": "Elnätet nere i centrala Kinna",
                "konsekvenser": {"water": "Vattenverket på reservkraft"},
                "prognos": "Åter tidigast kl 20",
                "behov_av_beslut": "Öppna trygghetspunkt i Kinnaskolan?",
            },
        },
    )
    assert r.status_code == 200, r.text
    at = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    r = api("leader").post(
        f"{url}/api/v1/incidents/{incident_id}/meetings",
        json={"scheduled_at": at, "chair": "Stina Stabschef", "attendees": ["Krisledningschef", "Kommunikation"]},
    )
    assert r.status_code == 201, r.text
    meeting_id = r.json()["id"]

    wall = browser_page("staff", viewport=(1920, 1080))
    wall.goto(f"{url}/meetings/{meeting_id}/present")
    expect(wall.locator("#present-item")).to_have_text("Mötet har inte börjat.")

    runner = browser_page("leader")
    runner.goto(f"{url}/incidents/{incident_id}/meetings")
    expect(runner.locator("#h-run")).to_contain_text("Stabsorientering 1")
    runner.click("#run-start")
    expect(runner.locator("#run-agenda li.current")).to_contain_text("Närvaro och roller")
    expect(wall.locator("#present-item")).to_have_text("1. Närvaro och roller")
    expect(wall.locator("#present-body")).to_contain_text("Krisledningschef")

    runner.click("#run-next")
    expect(runner.locator("#run-agenda li.current")).to_contain_text("Läget")
    expect(wall.locator("#present-item")).to_have_text("2. Läget")
    expect(wall.locator("#present-body")).to_contain_text("Elnätet nere i centrala Kinna")
    expect(wall.locator("#present-body")).to_contain_text("Dricksvatten: Vattenverket på reservkraft")
    expect(wall.locator("#present-agenda li.current")).to_have_text("Läget")

    # The one running it drives with the keyboard (a clicker sends PageDown) from presenter mode.
    clicker = browser_page("leader", viewport=(1280, 800))
    clicker.goto(f"{url}/meetings/{meeting_id}/present")
    expect(clicker.locator("#present-item")).to_have_text("2. Läget")
    clicker.keyboard.press("PageDown")
    expect(wall.locator("#present-item")).to_have_text("3. Per funktion")
    clicker.keyboard.press("ArrowRight")
    expect(wall.locator("#present-item")).to_have_text("4. Uppföljning av beslut och uppgifter")
    expect(runner.locator("#run-agenda li.current")).to_contain_text("Uppföljning")

    # A task captured in the meeting lands on the board and on the wall's follow-up.
    runner.fill("#note-follow_up", "Reservkraften räcker till 22:00")
    runner.fill("#mtask-title", "Beställ diesel till vattenverket")
    runner.click("#mtask-form button[type=submit]")
    expect(runner.locator("#run-tasks")).to_contain_text("Beställ diesel till vattenverket")
    expect(wall.locator("#present-body")).to_contain_text("Beställ diesel till vattenverket")
    board = api("staff").get(f"{url}/api/v1/incidents/{incident_id}/tasks").json()["items"]
    assert [t["origin"] for t in board if t["title"] == "Beställ diesel till vattenverket"] == [f"meeting:{meeting_id}"]

    # A decision captured in the meeting, with the register's fields and its confirm dialog.
    runner.select_option("#dec-type", "direction")
    runner.fill("#dec-text", "Öppna trygghetspunkt i Kinnaskolan från kl 18")
    runner.fill("#dec-by", "Karin Krisledningschef")
    runner.fill("#dec-mandate", "Krisledningschef enligt delegationsordningen")
    runner.fill("#dec-reason", "Många hushåll utan el och värme")
    runner.click("#decision-form button[type=submit]")
    dialog = runner.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Öppna trygghetspunkt i Kinnaskolan")
    dialog.locator(".dialog-confirm").click()
    expect(runner.locator("#run-notice")).to_contain_text("Beslut B-1 registrerat.")
    expect(runner.locator("#run-decisions")).to_contain_text("B-1")
    expect(wall.locator("#present-body")).to_contain_text("B-1")
    register = api("staff").get(f"{url}/api/v1/incidents/{incident_id}/decisions").json()["items"]
    assert [(d["label"], d["meeting_id"]) for d in register] == [("B-1", meeting_id)]

    clicker.keyboard.press("ArrowRight")
    expect(wall.locator("#present-item")).to_have_text("5. Behov av beslut")
    expect(wall.locator("#present-body")).to_contain_text("Öppna trygghetspunkt i Kinnaskolan?")
    ARTIFACTS.mkdir(exist_ok=True)
    wall.screenshot(path=str(ARTIFACTS / "meeting-presenter-1920x1080.png"))
    runner.screenshot(path=str(ARTIFACTS / "meeting-runner.png"), full_page=True)
    # Readable from 5 metres: the item title is big.
    size = wall.locator("#present-item").evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    assert size >= 60, size

    # Ending asks first; cancel writes nothing, confirm writes the protocol.
    runner.click("#run-end")
    dialog = runner.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.locator(".dialog-cancel").click()
    assert api("staff").get(f"{url}/api/v1/meetings/{meeting_id}").json()["status"] == "running"
    runner.click("#run-end")
    runner.locator("dialog.confirm-dialog .dialog-confirm").click()
    expect(wall.locator("#present-item")).to_contain_text("Mötet är avslutat")
    log = api("staff").get(f"{url}/api/v1/incidents/{incident_id}/log?limit=200").json()["items"]
    protocol = [e for e in log if e["text"].startswith("Protokoll stabsorientering 1")]
    assert len(protocol) == 1
    assert "4. Uppföljning av beslut och uppgifter: Reservkraften räcker till 22:00" in protocol[0]["text"]
    assert "Beslut: B-1 Öppna trygghetspunkt i Kinnaskolan" in protocol[0]["text"]


def test_lagesbild_stale_save_keeps_the_text(live_server, browser_page):
    url, api = live_server.url, live_server.api
    r = api("leader").post(
        url + "/api/v1/incidents", json={"title": "Vattenläcka i Skene", "kind": "dricksvatten", "level": "normal"}
    )
    incident_id = r.json()["id"]
    page = browser_page("staff")
    page.goto(f"{url}/incidents/{incident_id}/situation")
    expect(page.locator("#situation-version")).to_contain_text("Ingen version sparad ännu.")
    page.fill("#sit-handelse", "Läcka på huvudledningen")
    page.fill("#sit-k-water", "Skene utan vatten")
    page.click("#situation-save")
    expect(page.locator("#situation-notice")).to_contain_text("Sparad som version 1.")
    # Someone else saves version 2 meanwhile.
    r = api("leader").put(
        f"{url}/api/v1/incidents/{incident_id}/situation",
        json={"version": 1, "sections": {"handelse": "Läckan lokaliserad"}},
    )
    assert r.status_code == 200, r.text
    page.fill("#sit-prognos", "Lagat till i morgon")
    page.click("#situation-save")
    expect(page.locator("#situation-error")).to_contain_text("Leader Testsson")
    expect(page.locator("#sit-prognos")).to_have_value("Lagat till i morgon")
    expect(page.locator("#situation-versions li")).to_have_count(2)
