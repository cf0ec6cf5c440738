"""Issue 18: the workspace's search box filters the log as you type, in Swedish, without reloading."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_typing_in_the_search_box_filters_the_log_live(live_server, browser_page):
    api = live_server.api("staff")
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents",
        json={"title": "Elavbrott i Mark", "kind": "elavbrott", "level": "monitoring"},
    )
    assert r.status_code == 201, r.text
    incident_id = r.json()["id"]
    base = f"{live_server.url}/api/v1/incidents/{incident_id}/log"
    for text in ("Strömavbrott i Örby", "Vattenverket i Fritsla på reservkraft", "Ellevio: elavbrotten i Skene"):
        assert api.post(base, json={"text": text}).status_code == 201

    page = browser_page("staff")
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    log = page.locator("#log-list")
    expect(log.locator(".entry", has_text="Vattenverket i Fritsla")).to_be_visible()
    page.evaluate("window.__notReloaded = true")

    page.locator("#filter-text").press_sequentially("ÖRB", delay=60)
    expect(log.locator(".entry", has_text="Strömavbrott i Örby")).to_be_visible()
    expect(log).not_to_contain_text("Vattenverket i Fritsla")
    expect(log).not_to_contain_text("elavbrotten")

    page.locator("#filter-text").fill("")
    page.locator("#filter-text").press_sequentially("elavbrott ", delay=40)
    expect(log.locator(".entry", has_text="Ellevio: elavbrotten i Skene")).to_be_visible()
    expect(log).not_to_contain_text("Strömavbrott i Örby")

    # An entry written now that matches appears while the filter stays; the page never reloaded.
    assert api.post(base, json={"text": "Elavbrottet i Örby hävt"}).status_code == 201
    expect(log.locator(".entry", has_text="Elavbrottet i Örby hävt")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True
