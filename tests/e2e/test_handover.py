"""The handover in the workspace on a phone (390x844): the staff member checks out with the generated
brief (edits it, signs with a confirmation), the duty officer checks in, sees the brief and acknowledges."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

PHONE = (390, 844)


def test_handover_sign_and_acknowledge_on_a_phone(live_server, browser_page):
    url = live_server.url
    r = live_server.api("duty_officer").post(
        url + "/api/v1/incidents", json={"title": "Elavbrott Kinna", "kind": "elavbrott", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    inc = r.json()["id"]
    staff_api = live_server.api("staff")
    assert staff_api.post(
        f"{url}/api/v1/incidents/{inc}/staffing", json={"action": "check_in", "position": "samband"}
    ).ok
    assert staff_api.post(
        f"{url}/api/v1/incidents/{inc}/tasks", json={"title": "Kontrollera Rakel-terminaler", "position": "samband"}
    ).ok

    page = browser_page("staff", viewport=PHONE)
    page.goto(f"{url}/incidents/{inc}")
    page.get_by_role("button", name="Checka ut: Samband").click()
    area = page.locator("#handover-text-samband")
    expect(page.get_by_role("button", name="Signera och checka ut")).to_be_enabled()
    text = area.input_value()
    assert "Överlämning: Samband" in text and "Kontrollera Rakel-terminaler" in text
    area.fill(text + "\nRing Elnätsbolaget kl. 16.00 om mast 3.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "handover-sign-390x844.png"), full_page=False)
    page.get_by_role("button", name="Signera och checka ut").click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Signera överlämningen för Samband?")
    dialog.locator("button.dialog-confirm").click()
    expect(page.locator("#pos-samband .handover-box.pending")).to_contain_text("Överlämning från Staff Testsson")
    expect(page.get_by_role("button", name="Checka in: Samband")).to_be_visible()

    other = browser_page("duty_officer", viewport=PHONE)
    other.goto(f"{url}/incidents/{inc}")
    other.get_by_role("button", name="Checka in: Samband").click()
    box = other.locator("#pos-samband .handover-box.pending")
    expect(box.locator(".handover-text")).to_be_visible()
    expect(box.locator(".handover-text")).to_contain_text("Ring Elnätsbolaget kl. 16.00 om mast 3.")
    ack = other.get_by_role("button", name="Kvittera överlämning: Samband")
    expect(ack).to_be_visible()
    other.evaluate("document.querySelector('#pos-samband .handover-box').scrollIntoView({block: 'start'})")
    other.screenshot(path=str(ARTIFACTS / "handover-acknowledge-390x844.png"), full_page=False)
    ack.click()
    expect(other.locator("#pos-samband .handover-box.acked")).to_contain_text("kvitterad av Duty_Officer Testsson")
    # The leaving person's page sees it live.
    expect(page.locator("#pos-samband .handover-box.acked")).to_be_visible()

    log = staff_api.get(f"{url}/api/v1/incidents/{inc}/log").json()["items"]
    texts = [e["text"] for e in log]
    signed = [t for t in texts if t.startswith("Överlämning signerad av Staff Testsson (Samband)")]
    assert len(signed) == 1 and signed[0].endswith("Ring Elnätsbolaget kl. 16.00 om mast 3.")
    assert "Duty_Officer Testsson kvitterar överlämningen för Samband från Staff Testsson." in texts
