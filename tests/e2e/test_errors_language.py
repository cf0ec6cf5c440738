"""Errors a user meets in the browser are in the user's language: a service error, and a proxy's bare 502."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _new_incident(live_server) -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents",
        json={"title": "Elavbrott i Kinna", "kind": "elavbrott", "level": "monitoring"},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_a_decision_without_mandate_is_refused_in_swedish_and_then_in_english(live_server, browser_page):
    incident_id = _new_incident(live_server)
    page = browser_page("staff")
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    expect(page.locator("#log-list .entry").first).to_be_visible()

    # The API answers 422 with a translated message; the page shows it as it is.
    page.route(
        "**/api/v1/incidents/*/log",
        lambda route: (
            route.continue_(post_data='{"text": "x", "kind": "decision"}')
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.fill("#entry-text", "Skolorna stänger")
    page.press("#entry-text", "Enter")
    expect(page.locator("#entry-error")).to_contain_text("Ett beslut anger vem som beslutade")

    # A proxy in front of Krisrum answers 502 with an HTML body: still a Swedish sentence.
    page.unroute("**/api/v1/incidents/*/log")
    page.route(
        "**/api/v1/incidents/*/log",
        lambda route: (
            route.fulfill(status=502, content_type="text/html", body="<html>Bad Gateway</html>")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.fill("#entry-text", "Skolorna stänger")
    page.press("#entry-text", "Enter")
    expect(page.locator("#entry-error")).to_have_text("Servern svarade med fel 502. Försök igen om en stund.")

    # English, chosen from the header: the same errors in English.
    page.unroute("**/api/v1/incidents/*/log")
    page.locator("button[lang=en]").click()
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    page.route(
        "**/api/v1/incidents/*/log",
        lambda route: (
            route.continue_(post_data='{"text": "x", "kind": "decision"}')
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.fill("#entry-text", "Schools close")
    page.press("#entry-text", "Enter")
    expect(page.locator("#entry-error")).to_contain_text("A decision records who decided")
