"""Issue 15 in the browser: the report form has Länsstyrelsen's fields, prefilled, saved, shown when frozen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_lansstyrelsen_fields_are_filled_saved_and_shown(live_server, browser_page):
    url = live_server.url
    r = live_server.api("duty_officer").post(
        url + "/api/v1/incidents", json={"title": "Översvämning Horred", "kind": "översvämning"}
    )
    incident_id = r.json()["id"]
    staff = browser_page("staff")
    staff.goto(f"{url}/incidents/{incident_id}/reports")
    # The rhythm Länsstyrelsen asked for.
    staff.fill("#rhythm-times", "14:00, 08:00")
    staff.click("#rhythm-form button[type=submit]")
    expect(staff.locator("#rhythm-times")).to_have_value("08:00, 14:00")
    staff.click("#new-report")
    expect(staff.locator("#report-title")).to_have_text("Lägesrapport 1")
    # Prefilled: who writes it, and the period.
    assert staff.input_value("#f-kontaktperson")
    assert staff.input_value("#f-period_till")
    expect(staff.locator("#f-klassning")).to_have_value("K1")
    staff.fill("#f-kontakt_telefon", "0320-21 70 00")
    staff.fill("#f-omfattning", "Cirka 40 hushåll i Horred")
    staff.fill("#f-samverkan", "Räddningstjänsten Sjuhärad, Trafikverket")
    staff.fill("#f-trygghetspunkter", "Horreds bygdegård")
    staff.check("#f-vma_begard")
    staff.select_option("#f-kln_aktiverad", "false")
    staff.click("#report-form button[type=submit]")
    expect(staff.locator("#form-state")).to_contain_text("Sparat")
    # A K2 report without its OSL ground is refused, in Swedish, and nothing is lost.
    staff.select_option("#f-klassning", "K2")
    staff.click("#report-form button[type=submit]")
    expect(staff.locator("#form-error")).to_contain_text("OSL")
    staff.select_option("#f-klassning", "K1")
    staff.click("#report-form button[type=submit]")
    expect(staff.locator("#form-state")).to_contain_text("Sparat")
    rep = live_server.api("staff").get(f"{url}/api/v1/incidents/{incident_id}/reports").json()["items"][0]
    assert rep["omfattning"] == "Cirka 40 hushåll i Horred" and rep["vma_begard"] is True
    assert rep["kln_aktiverad"] is False and rep["kontakt_telefon"] == "0320-21 70 00"
    # Readers see the frozen-style view with the same facts.
    observer = browser_page("observer")
    observer.goto(f"{url}/incidents/{incident_id}/reports")
    expect(observer.locator("#report-view")).to_contain_text("Räddningstjänsten Sjuhärad, Trafikverket")
    expect(observer.locator("#report-view")).to_contain_text("Horreds bygdegård")
