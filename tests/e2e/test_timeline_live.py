"""The timeline page goes live: a new log entry appears in its hour; the decisions filter holds."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_new_entries_appear_live_and_filter_holds(live_server, browser_page):
    r = live_server.api("duty_officer").post(live_server.url + "/api/v1/incidents",
                                            json={"title": "Storm Kinna", "kind": "storm", "level": "staff"})
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
    assert api.post(url, json={"text": "Beslut: öppna trygghetspunkt", "kind": "decision",
                               "decided_by": "KLN ordf.", "mandate": "Delegation"}).status_code == 201
    expect(page.locator(".timeline-list li", has_text="E6 <b>stängd</b>")).to_be_visible()
    expect(page.locator("li.tl-decision", has_text="öppna trygghetspunkt")).to_be_visible()
    expect(decisions.locator("li.tl-decision", has_text="öppna trygghetspunkt")).to_be_visible()
    expect(decisions.locator("#timeline")).not_to_contain_text("E6")
    expect(decisions.locator("#timeline-empty")).to_be_hidden()
