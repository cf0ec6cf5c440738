"""A resource request made in the staff workspace shows on the wall in another window without a reload,
most urgent first, and leaves the wall when it is declined; the workspace panel of a second staff window
follows too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_request_made_in_one_window_shows_on_the_wall_in_another(live_server, browser_page):
    url, api = live_server.url, live_server.api
    r = api("admin").post(url + "/api/v1/actors", json={"name": "Länsstyrelsen i VG (e2e)", "kind": "county"})
    assert r.status_code in (201, 409), r.text
    actor_id = next(
        a["id"]
        for a in api("staff").get(url + "/api/v1/actors").json()["items"]
        if a["name"] == "Länsstyrelsen i VG (e2e)"
    )
    inc = (
        api("duty_officer")
        .post(url + "/api/v1/incidents", json={"title": "Resurser e2e", "kind": "elavbrott", "level": "monitoring"})
        .json()
    )
    iid = inc["id"]
    # one request already open: the new, more urgent one must come first on the wall
    api("staff").post(
        f"{url}/api/v1/incidents/{iid}/requests",
        json={"what": "filtar", "quantity": 200, "priority": "normal", "to_actor": actor_id},
    )

    wall = browser_page("observer", viewport=(1920, 1080))
    wall.goto(f"{url}/incidents/{iid}/wall")
    expect(wall.locator("#wall-requests li.wr-request")).to_have_count(1)

    ws = browser_page("staff")
    ws.goto(f"{url}/incidents/{iid}")
    other = browser_page("staff")
    other.goto(f"{url}/incidents/{iid}")
    expect(other.locator("#requests-list li.request-item")).to_have_count(1)

    ws.locator("#requests-panel summary").click()
    ws.select_option("#req-actor", str(actor_id))
    ws.fill("#req-what", "mobila reservkraftverk")
    ws.fill("#req-quantity", "2")
    ws.select_option("#req-priority", "urgent")
    ws.locator("#request-form button[type=submit]").click()
    expect(ws.locator("#request-form-notice")).to_contain_text("R-2")

    first = wall.locator("#wall-requests li.wr-request").first
    expect(first).to_contain_text("AKUT")
    expect(first).to_contain_text("2 st mobila reservkraftverk")
    expect(first).to_contain_text("kommunen → Länsstyrelsen i VG (e2e)")
    expect(other.locator("#requests-list li.request-item").first).to_contain_text("mobila reservkraftverk")

    # declined: off the wall, still listed (closed) on the workspace
    item = other.locator("#requests-list li.request-item").first
    item.locator("button[data-to=declined]").click()
    expect(wall.locator("#wall-requests li.wr-request")).to_have_count(1)
    expect(wall.locator("#wall-requests")).not_to_contain_text("reservkraftverk")
    expect(ws.locator("#requests-list li.request-item:not(.open)")).to_contain_text("Avböjd")
