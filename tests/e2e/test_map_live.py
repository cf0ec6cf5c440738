"""The map: a status change in one page recolours the marker in another, live."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def _feature(key, deps=(), category="power", lon=12.68, lat=57.50, **props):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "key": key,
            "name": props.pop("name", key),
            "category": category,
            "depends_on": list(deps),
            **props,
        },
    }


def _setup(live_server):
    sites = {
        "type": "FeatureCollection",
        "features": [
            # Far enough apart not to overlap at the kommun-wide zoom (overlapping markers cluster).
            _feature("e2e-sub", name="Testbyns fördelningsstation"),
            _feature(
                "e2e-vv",
                ["e2e-sub"],
                category="water",
                lon=12.50,
                lat=57.37,
                name="Testbyns vattenverk",
                styrel_priority=2,
                backup_power=True,
                fuel_hours=24,
            ),
            _feature(
                "e2e-sabo",
                ["e2e-vv"],
                category="care",
                lon=12.86,
                lat=57.60,
                name="Testbyns äldreboende",
                styrel_priority=1,
            ),
            _feature("e2e-road", category="roads", name="Testvägen", lon=12.45, lat=57.56),
        ],
    }
    r = live_server.api("admin").post(
        live_server.url + "/api/v1/sites/import", json={"filename": "e2e.geojson", "content": json.dumps(sites)}
    )
    assert r.status_code == 200, r.text
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents",
        json={"title": "Storm över testbyn", "kind": "storm", "level": "monitoring"},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def marker(page, key):
    return page.locator(f'.leaflet-marker-pane .site-marker[data-site-key="{key}"]')


def test_status_change_in_one_page_recolours_the_marker_in_another(live_server, browser_page):
    incident_id = _setup(live_server)
    staff = browser_page("staff")
    observer = browser_page("observer")
    for page in (staff, observer):
        page.goto(f"{live_server.url}/incidents/{incident_id}/map")
        expect(page.locator("#site-map-root")).to_have_attribute("data-loaded", "true")
        expect(marker(page, "e2e-sub")).to_have_attribute("data-status", "unknown")
    # No internet for the background map: a notice, and the sites still show on a plain background.
    expect(observer.locator("#tile-notice")).to_be_visible()
    expect(marker(observer, "e2e-sabo")).to_be_visible()
    expect(observer.locator("#status-form")).to_have_count(0)

    # Keyboard path without the map: the site list opens the panel.
    staff.locator("#site-table-body button", has_text="Testbyns fördelningsstation").focus()
    staff.keyboard.press("Enter")
    expect(staff.locator("#site-panel")).to_be_visible()
    expect(staff.locator("#site-panel-title")).to_have_text("Testbyns fördelningsstation")
    staff.select_option("#status-select", "down")
    staff.fill("#status-note", "Elnätsbolaget: stormskador")
    staff.click("#status-form button[type=submit]")
    expect(staff.locator("#status-ok")).to_have_text("Status sparad")

    # The other page recolours without a reload: the site itself and the cascade.
    sub = marker(observer, "e2e-sub")
    expect(sub).to_have_attribute("data-status", "down")
    expect(sub).to_have_class("site-marker status-down cat-power")
    expect(sub.locator(".symbol")).to_have_text("✕")
    for key in ("e2e-vv", "e2e-sabo"):
        expect(marker(observer, key)).to_have_attribute("data-at-risk", "true")
        expect(marker(observer, key).locator(".risk-badge")).to_have_text("!")
    expect(marker(observer, "e2e-road")).to_have_attribute("data-at-risk", "false")
    # Text alternative on the marker, the table, the summary and the attention list follow too.
    icon = observer.locator(".leaflet-marker-icon", has=observer.locator('[data-site-key="e2e-sub"]'))
    expect(icon).to_have_attribute("aria-label", "Testbyns fördelningsstation, El: Ur drift")
    expect(observer.locator('#site-table-body tr[data-site-key="e2e-sub"]')).to_contain_text("Ur drift")
    expect(observer.locator('#summary-body tr[data-category="power"] td').nth(2)).to_have_text("1")
    # Down first; the unreported sites (also those at risk) are counted, not listed.
    expect(observer.locator("#attention-list li").first).to_contain_text("Testbyns fördelningsstation")
    expect(observer.locator("#attention-list")).not_to_contain_text("Testbyns äldreboende")
    expect(observer.locator("#attention-unknown")).to_contain_text("Okänd status: 3 av 4 verksamheter")
    expect(observer.locator("#attention-unknown")).to_contain_text("Varav 2 i riskzon")

    # Backup power with a fuel countdown, set in the observer's view by the staff page.
    staff.locator("#site-table-body button", has_text="Testbyns vattenverk").click()
    expect(staff.locator("#site-panel-title")).to_have_text("Testbyns vattenverk")
    staff.select_option("#status-select", "degraded")
    staff.check("#status-backup")
    staff.click("#status-form button[type=submit]")
    expect(marker(observer, "e2e-vv")).to_have_attribute("data-status", "degraded")
    # An observer is told that it is on backup power, but not for how long (RSA: CRISIS_SITE_SENSITIVE_ROLES).
    expect(observer.locator('#backup-list [data-site-key="e2e-vv"]')).to_contain_text(
        "Drifttid på reservkraft visas inte för din roll"
    )
    expect(staff.locator('#backup-list [data-site-key="e2e-vv"]')).to_contain_text("Bränsle kvar: ca 24,0 h")
    expect(observer.locator("#attention-list .styrel").first).to_have_text("Styrel-klass dold")

    # The observer's open panel shows the history and the linked status log entry.
    observer.locator("#site-table-body button", has_text="Testbyns fördelningsstation").click()
    expect(observer.locator("#site-panel .status-history li")).to_have_count(1)
    expect(observer.locator("#site-panel .linked-log")).to_contain_text("Elnätsbolaget: stormskador")
    # and it follows the next change live.
    r = live_server.api("staff").put(
        f"{live_server.url}/api/v1/incidents/{incident_id}/sites/e2e-sub/status",
        json={"status": "operational", "note": "Åter i drift"},
    )
    assert r.status_code == 200, r.text
    expect(observer.locator("#site-panel .status-history li")).to_have_count(2)
    expect(marker(observer, "e2e-sub")).to_have_attribute("data-status", "operational")
    expect(marker(observer, "e2e-sabo")).to_have_attribute("data-at-risk", "true")  # through the degraded vv
    expect(marker(observer, "e2e-vv")).to_have_attribute("data-at-risk", "false")


def test_category_toggle_hides_the_layer_and_the_rows(live_server, browser_page):
    incident_id = _setup(live_server)
    page = browser_page("observer")
    page.goto(f"{live_server.url}/incidents/{incident_id}/map")
    expect(page.locator("#site-map-root")).to_have_attribute("data-loaded", "true")
    expect(marker(page, "e2e-road")).to_have_count(1)
    page.locator('.cat-toggle[value="roads"]').uncheck()
    expect(marker(page, "e2e-road")).to_have_count(0)
    expect(page.locator('#site-table-body tr[data-site-key="e2e-road"]')).to_have_count(0)
    page.locator('.cat-toggle[value="roads"]').check()
    expect(marker(page, "e2e-road")).to_have_count(1)


def test_attention_lists_down_before_at_risk_clusters_overlaps_and_names_towns(live_server, browser_page):
    """Down before at risk (even with a better Styrel class), overlapping markers cluster under the worst
    status with a text alternative, Enter opens the cluster, and the towns are named without any tiles."""
    sites = {
        "type": "FeatureCollection",
        "features": [
            _feature("cl-a", name="Klustrets fördelningsstation", lon=12.6200, lat=57.3000, styrel_priority=3),
            _feature(
                "cl-b",
                ["cl-a"],
                category="water",
                lon=12.6203,
                lat=57.3002,
                name="Klustrets vattenverk",
                styrel_priority=1,
            ),
            _feature("cl-c", category="care", lon=12.6206, lat=57.2998, name="Klustrets äldreboende"),
        ],
    }
    r = live_server.api("admin").post(
        live_server.url + "/api/v1/sites/import", json={"filename": "cluster.geojson", "content": json.dumps(sites)}
    )
    assert r.status_code == 200, r.text
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": "Kluster", "kind": "storm", "level": "monitoring"}
    )
    incident_id = r.json()["id"]
    for key, status in (("cl-b", "operational"), ("cl-c", "operational"), ("cl-a", "down")):
        r = live_server.api("staff").put(
            f"{live_server.url}/api/v1/incidents/{incident_id}/sites/{key}/status", json={"status": status}
        )
        assert r.status_code == 200, r.text
    page = browser_page("observer")
    page.goto(f"{live_server.url}/incidents/{incident_id}/map")
    expect(page.locator("#site-map-root")).to_have_attribute("data-loaded", "true")

    items = page.locator("#attention-list li")
    expect(items.first).to_contain_text("Klustrets fördelningsstation")  # down, Styrel 3
    expect(items.nth(1)).to_contain_text("Klustrets vattenverk")  # at risk, Styrel 1

    # The three markers overlap: one cluster, worst status down, a count and a text alternative.
    cluster = page.locator(".leaflet-marker-icon.cluster-icon", has=page.locator(".site-cluster.status-down"))
    expect(cluster).to_have_count(1)
    expect(cluster.locator(".count")).to_have_text("3")
    expect(cluster).to_have_attribute(
        "aria-label", re.compile(r"^3 verksamheter på samma plats: 1 ur drift, 2 i drift, 1 i riskzon")
    )
    expect(marker(page, "cl-a")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-clusters-places.png"), full_page=True)
    cluster.focus()
    page.keyboard.press("Enter")
    expect(marker(page, "cl-a")).to_have_count(1)

    # Place names from the local file, with no background tiles (the tile server does not answer).
    labels = page.locator(".leaflet-pane .place-label")
    for town in ("Kinna", "Skene", "Fritsla", "Horred", "Sätila", "Hyssna", "Örby", "Öxabäck", "Björketorp"):
        expect(labels.filter(has_text=town)).to_have_count(1)
