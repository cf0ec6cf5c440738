"""The decision register in two browsers: a decision recorded in one page (after a confirm dialog that shows
the exact log text) appears live in the other; cancelling the dialog records nothing; a level decision from a
spelbok's proposal clears the "Beslut krävs" banner."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _new_incident(live_server, title="Elavbrott i Kinna") -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": title, "kind": "elavbrott", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_record_a_decision_with_confirm_and_see_it_live(live_server, browser_page):
    incident_id = _new_incident(live_server)
    leader = browser_page("leader")
    watcher = browser_page("observer")
    for page in (leader, watcher):
        page.goto(f"{live_server.url}/incidents/{incident_id}/decisions")
        expect(page.locator("#decision-list")).not_to_have_attribute("aria-busy", "true")
    expect(watcher.locator("#decision-form")).to_have_count(0)  # observers only read

    leader.select_option("#decision-type", "direction")
    leader.fill("#decision-text", "Prioritera vård och omsorg <b>först</b>")
    leader.fill("#decision-reason", "Många äldre utan ström")
    leader.fill("#decision-executed-by", "Stabschefen")
    leader.select_option("#decision-mandate-key", "krisledningschef")

    # Cancel first: nothing is recorded.
    leader.click("#decision-submit")
    dialog = leader.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        "Beslut B-1 (inriktningsbeslut): Prioritera vård och omsorg <b>först</b>. Motivering: Många äldre utan ström. "
        "Verkställs av: Stabschefen. Anmäls till kommunstyrelsen."
    )
    dialog.locator(".dialog-cancel").click()
    expect(dialog).to_have_count(0)
    r = live_server.api("observer").get(f"{live_server.url}/api/v1/incidents/{incident_id}/decisions")
    assert r.json()["items"] == []

    leader.click("#decision-submit")
    leader.locator("dialog.confirm-dialog .dialog-confirm").click()
    expect(leader.locator("#decision-list .decision")).to_have_count(1)

    card = watcher.locator("#decision-list .decision", has_text="B-1")
    expect(card).to_be_visible()
    expect(card.locator(".decision-text")).to_have_text("Prioritera vård och omsorg <b>först</b>")  # text, not markup
    expect(card).to_contain_text("Inriktningsbeslut")
    expect(card).to_contain_text("Krisledningschef enligt delegationsordningen p. 3.2")
    expect(watcher.locator("#report-list")).to_contain_text("kommunstyrelsen")
    expect(watcher.locator("#report-list")).to_contain_text("Ej anmält")

    log = live_server.api("observer").get(f"{live_server.url}/api/v1/incidents/{incident_id}/log?kind=decision").json()
    assert log["items"][-1]["text"].startswith("Beslut B-1 (inriktningsbeslut): Prioritera vård och omsorg")


def test_proposed_level_banner_goes_when_the_leader_decides(live_server, browser_page):
    r = live_server.api("duty_officer").post(
        f"{live_server.url}/api/v1/playbooks/elavbrott/activate", json={"title": "Elavbrott Skene", "context": ""}
    )
    assert r.status_code == 201, r.text
    incident_id = r.json()["id"]
    staff = browser_page("staff")
    staff.goto(f"{live_server.url}/incidents/{incident_id}")
    expect(staff.locator("#proposed-level-banner")).to_contain_text("Beslut krävs")

    leader = browser_page("leader")
    leader.goto(f"{live_server.url}/incidents/{incident_id}")
    leader.locator("#proposed-level-banner a").click()
    expect(leader.locator("#decision-list")).not_to_have_attribute("aria-busy", "true")  # the page's script is there
    expect(leader.locator("#decision-type")).to_have_value("level")
    expect(leader.locator("#decision-level")).to_have_value("staff")
    leader.fill("#decision-reason", "Många abonnenter utan ström")
    leader.click("#decision-submit")
    dialog = leader.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("Beslut B-1 (nivåbeslut): Nivån ändras från bevakningsläge till stabsläge.")
    dialog.locator(".dialog-confirm").click()
    expect(staff.locator("#incident-level")).to_have_text("Stabsläge")
    expect(staff.locator("#proposed-level-banner")).to_be_hidden()
