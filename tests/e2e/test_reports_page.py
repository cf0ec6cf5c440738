"""The lägesrapport page: draft prefilled from the incident, edited, approved by the leader, seen live by others."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_draft_edit_approve_send_live(live_server, browser_page):
    url = live_server.url
    r = live_server.api("duty_officer").post(url + "/api/v1/incidents",
                                            json={"title": "Vattenläcka Skene", "kind": "dricksvatten"})
    incident_id = r.json()["id"]
    live_server.api("staff").post(f"{url}/api/v1/incidents/{incident_id}/log",
                                  json={"text": "Ledningen avstängd vid Skene torg.", "kind": "action"})

    staff = browser_page("staff")
    staff.goto(f"{url}/incidents/{incident_id}/reports")
    expect(staff.locator("#report-list-empty")).to_be_visible()
    staff.click("#new-report")
    expect(staff.locator("#report-title")).to_have_text("Lägesrapport 1")
    # prefilled from the log, with the snapshot beside it
    assert "Ledningen avstängd vid Skene torg." in staff.input_value("#f-vidtagna_atgarder")
    expect(staff.locator("#snapshot")).to_contain_text("Ledningen avstängd vid Skene torg.")
    staff.fill("#f-prognos", "Vattnet åter i kväll.")
    staff.click("#report-form button[type=submit]")
    expect(staff.locator("#form-state")).to_contain_text("Sparat")
    expect(staff.locator("#approve-report")).to_have_count(0)  # staff may not approve

    leader = browser_page("leader")
    leader.goto(f"{url}/incidents/{incident_id}/reports")
    expect(leader.locator("#f-prognos")).to_have_value("Vattnet åter i kväll.")
    expect(leader.locator("#x-cap")).to_be_hidden()  # no CAP link for a draft
    # Approving asks first, in a dialog; cancelling changes nothing.
    leader.click("#approve-report")
    dialog = leader.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("Fastställa lägesrapport 1?")
    dialog.get_by_role("button", name="Avbryt").click()
    expect(leader.locator("#report-status")).to_have_text("Utkast")
    # Confirmed, but the public information is missing: told in Swedish which CAP field, still a draft.
    leader.click("#approve-report")
    leader.locator("dialog.confirm-dialog").get_by_role("button", name="Fastställ").click()
    expect(leader.locator("#form-error")).to_contain_text("Information till allmänheten")
    expect(leader.locator("#report-status")).to_have_text("Utkast")
    expect(leader.locator("#f-cap_description")).to_be_focused()
    leader.fill("#f-cap_description", "Inget vatten i Skene centrum i dag. Nödvatten vid Skene torg.")
    leader.click("#approve-report")
    leader.locator("dialog.confirm-dialog").get_by_role("button", name="Fastställ").click()
    expect(leader.locator("#report-status")).to_have_text("Fastställd")
    cap = leader.locator("#x-cap")
    expect(cap).to_be_visible()
    resp = leader.request.get(url + cap.get_attribute("href"))
    body = resp.text()
    assert resp.status == 200 and ("<cap:alert" in body or "<alert" in body), body[:200]
    expect(leader.locator("#report-view")).to_contain_text("Vattnet åter i kväll.")

    # the staff page follows by itself: frozen view, the send form
    expect(staff.locator("#report-status")).to_have_text("Fastställd")
    expect(staff.locator("#report-form")).to_be_hidden()
    staff.click("#send-form button[type=submit]")
    expect(staff.locator("#report-status")).to_have_text("Skickad")
    expect(staff.locator("#report-meta")).to_contain_text("Länsstyrelsen")
    expect(leader.locator("#report-status")).to_have_text("Skickad")
