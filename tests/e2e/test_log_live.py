"""The foundation's promise: an entry written in one browser appears in another, live."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _new_incident(live_server, title: str = "Elavbrott i Kinna") -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": title, "kind": "elavbrott", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_entry_written_in_one_page_appears_in_the_other(live_server, browser_page):
    incident_id = _new_incident(live_server)
    writer = browser_page("staff")
    reader = browser_page("observer")
    for page in (writer, reader):
        page.goto(f"{live_server.url}/incidents/{incident_id}")
        expect(page.locator("#log-list .entry").first).to_be_visible()

    writer.fill("#entry-text", "Elnätsbolaget: 3 200 kunder utan ström i Skene <script>alert(1)</script>")
    writer.fill("#entry-counterpart", "Elnätsbolagets driftcentral")
    writer.select_option("#entry-kind", "incoming")
    writer.press("#entry-text", "Enter")

    entry = reader.locator("#log-list .entry", has_text="3 200 kunder")
    expect(entry).to_be_visible()
    # User text is shown as text, never run as markup.
    expect(entry.locator(".entry-text")).to_contain_text("<script>alert(1)</script>")
    expect(entry.locator(".counterpart")).to_have_text("Elnätsbolagets driftcentral")
    # The writer's field is cleared and keeps focus for the next entry.
    expect(writer.locator("#entry-text")).to_have_value("")
    expect(writer.locator("#entry-text")).to_be_focused()


def test_confidential_entry_never_reaches_an_observer(live_server, browser_page):
    incident_id = _new_incident(live_server, "Hot mot förtroendevald")
    staff = browser_page("staff")
    observer = browser_page("observer")
    for page in (staff, observer):
        page.goto(f"{live_server.url}/incidents/{incident_id}")
        expect(page.locator("#log-list .entry").first).to_be_visible()
    staff.select_option("#entry-class", "confidential")
    staff.fill("#entry-osl", "OSL 18 kap. 13 §")
    staff.fill("#entry-text", "Hemlig uppgift om hotbilden")
    staff.click("#entry-form button[type=submit]")
    expect(staff.locator("#log-list .entry", has_text="Hemlig uppgift")).to_be_visible()
    # A public entry written after it reaches the observer; the secret never does.
    staff.select_option("#entry-class", "public")
    staff.fill("#entry-text", "Öppen uppgift efter den hemliga")
    staff.click("#entry-form button[type=submit]")
    expect(observer.locator("#log-list .entry", has_text="Öppen uppgift")).to_be_visible()
    expect(observer.locator("#log-list")).not_to_contain_text("Hemlig uppgift")


def test_offline_notice_and_catch_up(live_server, browser_page):
    incident_id = _new_incident(live_server, "Storm över Fritsla")
    page = browser_page("staff")
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    expect(page.locator("#log-list .entry").first).to_be_visible()
    expect(page.locator("#conn-status")).to_be_hidden()

    live_server.stop()
    expect(page.locator("#conn-status")).to_be_visible(timeout=15_000)
    expect(page.locator("#conn-status")).to_contain_text("Ingen anslutning sedan")

    live_server.start()
    # Written while the page was disconnected; it must arrive after reconnecting.
    r = live_server.api("staff").post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/log", json={"text": "Skrivet medan skärmen var frånkopplad"}
    )
    assert r.status_code == 201, r.text
    expect(page.locator("#conn-status")).to_be_hidden(timeout=20_000)
    expect(page.locator("#log-list .entry", has_text="medan skärmen var frånkopplad")).to_be_visible()
