"""The höjd beredskap banner appears live on an open workspace when a leader records skärpt beredskap
in another window (after the confirm dialog that shows exactly what will be recorded)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_banner_appears_live_on_an_open_workspace(live_server, browser_page):
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": "Storm Ylva", "kind": "storm", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    incident_id = r.json()["id"]

    staff = browser_page("staff")
    staff.goto(f"{live_server.url}/incidents/{incident_id}")
    banner = staff.locator("#readiness-banner")
    expect(banner).to_be_hidden()
    expect(staff.locator("#conn-status")).to_be_hidden()
    # The workspace is live (its log shows a new entry) before the leader acts.
    live_server.api("staff").post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/log", json={"text": "Ansluten", "kind": "info"}
    )
    expect(staff.locator("#log-list")).to_contain_text("Ansluten")

    decided = (date.today() - timedelta(days=1)).isoformat()
    leader = browser_page("leader")
    leader.goto(f"{live_server.url}/readiness")
    leader.select_option("#readiness", "heightened")
    leader.fill("#decided_at", decided)
    leader.fill("#reference", "Fö2026/01234")
    leader.click("#readiness-form button[type=submit]")
    dialog = leader.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        f"Beredskapsläge: Skärpt beredskap. Regeringens beslut {decided}, diarienummer Fö2026/01234."
    )
    dialog.locator("button.dialog-confirm").click()
    leader.wait_for_url(f"{live_server.url}/readiness")
    expect(leader.locator("#readiness-banner")).to_have_text(
        f"HÖJD BEREDSKAP – skärpt beredskap sedan {decided} (Fö2026/01234)"
    )

    expect(banner).to_be_visible()
    expect(banner).to_have_text(f"HÖJD BEREDSKAP – skärpt beredskap sedan {decided} (Fö2026/01234)")
    # The log of the open incident has the entry too (it came live as well).
    expect(staff.locator("#log-list")).to_contain_text("Kommunstyrelsen leder under höjd beredskap.")


def test_kln_badge_appears_live_in_the_header_and_on_the_wall(live_server, browser_page):
    # The server is shared by this module: back to peace first (under höjd beredskap KLN is refused).
    leader = live_server.api("leader")
    if leader.get(live_server.url + "/api/v1/readiness").json()["current"]["readiness"] != "peace":
        r = leader.put(live_server.url + "/api/v1/readiness", json={"readiness": "peace", "reference": "Fö2026/09000"})
        assert r.status_code == 200, r.text
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": "Skyfall i Kinna", "kind": "oversvamning"}
    )
    assert r.status_code == 201, r.text
    incident_id = r.json()["id"]
    staff = browser_page("staff")
    staff.goto(f"{live_server.url}/incidents/{incident_id}")
    wall = browser_page("observer")
    wall.goto(f"{live_server.url}/incidents/{incident_id}/wall")
    badge, tile = staff.locator("#incident-kln"), wall.locator("#wall-kln")
    expect(badge).to_be_hidden()
    expect(tile).to_be_hidden()
    expect(staff.locator("#conn-status")).to_be_hidden()
    expect(wall.locator("#conn-status")).to_be_hidden()

    resp = live_server.api("leader").post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/decisions",
        json={
            "type": "kln",
            "decided_by": "Eva Ordförande",
            "mandate_key": "kln_ordforande",
            "reason": "Skyfallet kräver samordning av flera förvaltningar.",
            "data": {"action": "activate"},
        },
    )
    assert resp.status_code == 201, resp.text
    for node in (badge, tile):
        expect(node).to_be_visible()
        expect(node).to_contain_text("Krisledningsnämnden i funktion sedan")
        expect(node).to_contain_text("(extraordinär händelse)")
