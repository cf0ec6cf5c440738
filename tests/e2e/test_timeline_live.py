"""The timeline page goes live: a new log entry appears in its hour; the decisions filter holds."""

from __future__ import annotations

from datetime import UTC

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_new_entries_appear_live_and_filter_holds(live_server, browser_page):
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": "Storm Kinna", "kind": "storm", "level": "monitoring"}
    )
    incident_id = r.json()["id"]
    page = browser_page("observer")
    decisions = browser_page("leader")
    page.goto(f"{live_server.url}/incidents/{incident_id}/timeline")
    decisions.goto(f"{live_server.url}/incidents/{incident_id}/timeline?decisions=1")
    expect(page.locator("li[data-number='1']")).to_be_visible()
    expect(decisions.locator("#timeline-empty")).to_be_visible()
    api = live_server.api("leader")
    url = f"{live_server.url}/api/v1/incidents/{incident_id}/log"
    assert api.post(url, json={"text": "Vägverket: E6 <b>stängd</b>"}).status_code == 201
    assert (
        api.post(
            url,
            json={
                "text": "Beslut: öppna trygghetspunkt",
                "kind": "decision",
                "decided_by": "KLN ordf.",
                "mandate": "Delegation",
            },
        ).status_code
        == 201
    )
    expect(page.locator(".timeline-list li", has_text="E6 <b>stängd</b>")).to_be_visible()
    expect(page.locator("li.tl-decision", has_text="öppna trygghetspunkt")).to_be_visible()
    expect(decisions.locator("li.tl-decision", has_text="öppna trygghetspunkt")).to_be_visible()
    expect(decisions.locator("#timeline")).not_to_contain_text("E6")
    expect(decisions.locator("#timeline-empty")).to_be_hidden()


def test_earlier_hours_load_on_request(live_server, browser_page):
    from datetime import datetime, timedelta

    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": "Storm Kinna", "kind": "storm", "level": "monitoring"}
    )
    incident_id = r.json()["id"]
    api = live_server.api("leader")
    url = f"{live_server.url}/api/v1/incidents/{incident_id}/log"
    back = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    assert api.post(url, json={"text": "Tidigt larm från SMHI", "occurred_at": back}).status_code == 201
    assert (
        api.post(
            url,
            json={
                "text": "Hemlig tidig uppgift",
                "occurred_at": back,
                "classification": "confidential",
                "osl_ground": "OSL 21 kap. 3 §",
            },
        ).status_code
        == 201
    )
    page = browser_page("observer")
    page.goto(f"{live_server.url}/incidents/{incident_id}/timeline")
    expect(page.locator("li[data-number='1']")).to_be_visible()
    expect(page.locator("#timeline")).not_to_contain_text("Tidigt larm")
    earlier = page.get_by_role("button", name="Tidigare")
    earlier.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".timeline-list li", has_text="Tidigt larm från SMHI")).to_be_visible()
    expect(page.locator("#timeline-status")).to_contain_text(":00")
    expect(earlier).to_be_hidden()  # nothing earlier than that
    expect(page.locator("#timeline")).not_to_contain_text("Hemlig tidig")
    # the earlier hour comes before the latest one on the page
    hours = page.locator("section[data-hour]").evaluate_all("els => els.map(e => e.dataset.hour)")
    assert hours == sorted(hours) and len(hours) == 2
