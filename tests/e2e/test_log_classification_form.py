"""Issue 14: the quick entry records the KLASSA level and the OSL paragraph chosen from the list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_workspace_record import _log, _new_incident, _open

pytestmark = pytest.mark.e2e


def test_quick_entry_records_level_and_osl_paragraph(live_server, browser_page):
    incident_id = _new_incident(live_server, "Ras vid Viskan")
    page = browser_page("staff")
    _open(page, live_server, incident_id)
    expect(page.locator("#level-field")).to_be_hidden()
    page.select_option("#entry-class", "confidential")
    expect(page.locator("#level-field")).to_be_visible()
    page.select_option("#entry-level", "K3")
    page.select_option("#entry-osl-choice", "18 kap. 8 § OSL")
    page.fill("#entry-text", "Bevakning av vattenverket i Kinna")
    page.press("#entry-text", "Enter")
    expect(page.locator("#log-list .entry", has_text="vattenverket")).to_be_visible()
    expect(page.locator("#log-list .entry", has_text="vattenverket")).to_contain_text("K3")
    entry = [e for e in _log(live_server, incident_id) if "vattenverket" in e["text"]][0]
    assert (entry["classification"], entry["confidentiality"], entry["osl_ground"]) == (
        "confidential",
        "K3",
        "18 kap. 8 § OSL",
    )
    expect(page.locator("#entry-osl-choice")).to_have_value("")
    expect(page.locator("#entry-level")).to_have_value("K2")
