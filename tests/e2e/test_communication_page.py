"""The communication page in the browser: staff drafts a message, the leader approves it and records the
publishing, and the wall shows it under "Senaste budskap" live; an open trygghetspunkt shows on the wall;
publishing is not offered before approval, and the author is not offered to approve their own message."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_compose_approve_publish_shows_on_the_wall(live_server, browser_page):
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": "Storm i Mark", "kind": "storm", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    staff = browser_page("staff")
    leader = browser_page("leader")
    wall = browser_page("observer")
    wall.goto(f"{live_server.url}/incidents/{iid}/wall")
    expect(wall.locator("#wall-messages")).to_contain_text("Inget budskap publicerat")

    staff.goto(f"{live_server.url}/incidents/{iid}/communication")
    # a service point, open now
    staff.fill("#point-name", "Kinnaborgs bibliotek")
    staff.fill("#point-hours", "08–20")
    staff.check("#point-open")
    staff.click("#point-form button[type=submit]")
    expect(staff.locator("#point-list")).to_contain_text("Kinnaborgs bibliotek")
    expect(wall.locator("#wall-points")).to_contain_text("Kinnaborgs bibliotek (08–20)")

    staff.check("input[name=channel][value=radio]")
    staff.fill("#compose-headline", "Strömavbrott <i>i Skene</i>")
    staff.fill("#compose-body", "Ellevio lagar ledningarna.")
    staff.check("input[name=point]")
    staff.click("#compose-form button[type=submit]")
    card = staff.locator("#message-list .message", has_text="M-1")
    expect(card).to_contain_text("Utkast")
    expect(card.locator("[data-action=publish]")).to_have_count(0)  # not before approval
    expect(card.locator("[data-action=approve]")).to_have_count(0)  # staff does not approve

    leader.goto(f"{live_server.url}/incidents/{iid}/communication")
    lcard = leader.locator("#message-list .message", has_text="M-1")
    expect(lcard.locator(".msg-headline")).to_have_text("Strömavbrott <i>i Skene</i>")  # text, not markup
    lcard.locator("[data-action=approve]").click()
    expect(lcard).to_contain_text("Godkänt")
    expect(card).to_contain_text("Godkänt")  # live in the staff's page
    card.locator("input[value=web]").uncheck()
    card.locator("[data-action=publish]").click()
    expect(card).to_contain_text("Publicerat")

    item = wall.locator("#wall-messages li[data-channel=radio]")
    expect(item).to_contain_text("M-1: Strömavbrott <i>i Skene</i>")
    expect(wall.locator("#wall-messages li[data-channel=web]")).to_have_count(0)


def test_service_points_on_the_map_and_workspace_live(live_server, browser_page):
    api = live_server.api("staff")
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents",
        json={"title": "Vattenläcka", "kind": "dricksvatten", "level": "monitoring"},
    )
    iid = r.json()["id"]
    page = browser_page("observer")
    page.goto(f"{live_server.url}/incidents/{iid}/map")
    ws = browser_page("staff")
    ws.goto(f"{live_server.url}/incidents/{iid}")
    expect(ws.locator("#workspace-comm .comm-points")).to_contain_text("Inga öppna platser")
    p = api.post(
        f"{live_server.url}/api/v1/incidents/{iid}/points",
        json={"kind": "nodvatten", "name": "Skene torg", "lat": 57.49, "lon": 12.64, "status": "open"},
    )
    assert p.status_code == 201, p.text
    expect(page.locator(".point-icon .point-marker.point-nodvatten")).to_have_count(1)  # live, no reload
    expect(page.locator("#points-count")).to_have_text("(1)")
    expect(ws.locator("#workspace-comm .comm-points")).to_contain_text("Skene torg")
    p = p.json()
    closed = api.patch(f"{live_server.url}/api/v1/points/{p['id']}", json={"version": p["version"], "status": "closed"})
    assert closed.status_code == 200
    expect(page.locator(".point-icon .point-marker")).to_have_count(0)
    expect(ws.locator("#workspace-comm .comm-points")).to_contain_text("Inga öppna platser")
