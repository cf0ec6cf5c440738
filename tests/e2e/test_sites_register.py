"""The site register: retiring a site is irreversible for the map, so it asks first in a proper dialog."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_retiring_a_site_asks_in_a_dialog_and_cancel_keeps_it(live_server, browser_page):
    sites = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [12.70, 57.51]},
                "properties": {"key": "reg-vv", "name": "Registrets vattenverk", "category": "water"},
            }
        ],
    }
    r = live_server.api("admin").post(
        live_server.url + "/api/v1/sites/import", json={"filename": "reg.geojson", "content": json.dumps(sites)}
    )
    assert r.status_code == 200, r.text
    page = browser_page("admin")
    page.goto(live_server.url + "/sites")
    retire = page.get_by_role("button", name="Avregistrera Registrets vattenverk")

    retire.click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Avregistrera verksamheten?")
    expect(dialog).to_contain_text("Registrets vattenverk")
    dialog.get_by_role("button", name="Avbryt").click()
    expect(dialog).to_have_count(0)
    expect(retire).to_be_focused()
    page.reload()
    expect(page.get_by_role("button", name="Avregistrera Registrets vattenverk")).to_be_visible()  # still there

    page.get_by_role("button", name="Avregistrera Registrets vattenverk").click()
    page.keyboard.press("Escape")  # Esc cancels too
    expect(page.locator("dialog.confirm-dialog")).to_have_count(0)

    page.get_by_role("button", name="Avregistrera Registrets vattenverk").click()
    page.locator("dialog.confirm-dialog").get_by_role("button", name="Avregistrera").click()
    expect(page.get_by_role("button", name="Avregistrera Registrets vattenverk")).to_have_count(0)
    expect(page.locator("#h-retired")).to_be_visible()
    keys = [
        f["properties"]["key"]
        for f in live_server.api("admin").get(live_server.url + "/api/v1/sites").json()["features"]
    ]
    assert "reg-vv" not in keys
