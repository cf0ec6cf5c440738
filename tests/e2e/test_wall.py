"""The shared screen: live without interaction, readable from 5 metres, and it says so when the link drops."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SITES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [12.703, 57.513]},
     "properties": {"key": "wall-power-kinna", "name": "Kinna fördelningsstation", "category": "power"}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [12.69, 57.50]},
     "properties": {"key": "wall-water-kinna", "name": "Kinna vattenverk", "category": "water",
                    "depends_on": ["wall-power-kinna"]}},
]}


def _incident(live_server, title: str, mode: str = "real") -> int:
    r = live_server.api("duty_officer").post(live_server.url + "/api/v1/incidents",
                                            json={"title": title, "kind": "elavbrott", "level": "staff", "mode": mode})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _sites(live_server) -> None:
    r = live_server.api("admin").post(live_server.url + "/api/v1/sites/import",
                                      json={"filename": "wall.geojson", "content": json.dumps(SITES)})
    assert r.status_code == 200, r.text


def test_wall_shows_changes_made_elsewhere_without_interaction(live_server, browser_page):
    _sites(live_server)
    incident_id = _incident(live_server, "Elavbrott i Kinna")
    url, api = live_server.url, live_server.api
    wall = browser_page("observer", viewport=(1920, 1080))
    wall.goto(f"{url}/incidents/{incident_id}/wall")

    expect(wall.locator("#wall-incident-title")).to_have_text("Elavbrott i Kinna")
    expect(wall.locator("#wall-level")).to_have_text("Stabsläge")
    expect(wall.locator("#wall-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(wall.locator(".site-marker[data-site-key='wall-power-kinna']")).to_have_count(1)
    expect(wall.locator("#conn-status")).to_be_hidden()
    expect(wall.locator(".exercise-banner")).to_have_count(0)
    # A wall is read from 5 metres: no header menu, no scrolling, body text >= 28px at 1080p.
    expect(wall.locator(".topbar")).to_have_count(0)

    # Changes made elsewhere, through the API: each appears on the wall by itself.
    r = api("staff").post(f"{url}/api/v1/incidents/{incident_id}/log",
                          json={"text": "Ellevio: 3 200 kunder utan ström", "kind": "incoming",
                                "counterpart": "Ellevio"})
    assert r.status_code == 201, r.text
    expect(wall.locator("#wall-log li").first).to_contain_text("Ellevio: 3 200 kunder utan ström")

    r = api("staff").post(f"{url}/api/v1/incidents/{incident_id}/tasks",
                          json={"title": "Ring Ellevio om prognos", "position": "samverkan",
                                "due_at": "2020-01-01T10:00:00+01:00"})
    assert r.status_code == 201, r.text
    task = wall.locator("#wall-tasks .wt-task", has_text="Ring Ellevio om prognos")
    expect(task).to_be_visible()
    expect(task).to_contain_text("FÖRSENAD")  # overdue says so in words, not colour alone
    expect(wall.locator("#wall-tasks")).to_contain_text("Samverkan")  # grouped by position

    r = api("staff").put(f"{url}/api/v1/incidents/{incident_id}/sites/wall-power-kinna/status",
                         json={"status": "down", "note": "Transformatorhaveri"})
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-sites")).to_contain_text("Kinna fördelningsstation")
    expect(wall.locator("#wall-sites")).to_contain_text("ur drift")
    expect(wall.locator("#wall-sites")).to_contain_text("Kinna vattenverk")  # at risk through its dependency
    expect(wall.locator(".site-marker[data-site-key='wall-power-kinna']")).to_have_attribute("data-status", "down")

    r = api("staff").post(f"{url}/api/v1/incidents/{incident_id}/staffing",
                          json={"action": "check_in", "position": "stabschef"})
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-duty")).to_contain_text("Stabschef")

    r = api("leader").patch(f"{url}/api/v1/incidents/{incident_id}",
                            json={"level": "extraordinary", "decided_by": "Karin Lindqvist",
                                  "mandate": "Krisledningsplanen", "reason": "Långvarigt avbrott"})
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-level")).to_have_text("Extraordinär händelse")

    report = api("staff").post(f"{url}/api/v1/incidents/{incident_id}/reports", json={}).json()
    r = api("leader").post(f"{url}/api/v1/reports/{report['id']}/approve", json={})
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-report")).to_contain_text("Lägesrapport 1")

    sizes = wall.evaluate("""() => ({
        scroll: document.documentElement.scrollHeight, height: window.innerHeight,
        body: parseFloat(getComputedStyle(document.querySelector('#wall-log .wl-text')).fontSize),
        task: parseFloat(getComputedStyle(document.querySelector('#wall-tasks .wt-task')).fontSize),
        clock: parseFloat(getComputedStyle(document.querySelector('#wall-clock')).fontSize)})""")
    assert sizes["scroll"] <= sizes["height"], sizes
    assert sizes["body"] >= 28 and sizes["task"] >= 28 and sizes["clock"] >= 56, sizes


def test_wall_of_an_exercise_says_ovning(live_server, browser_page):
    incident_id = _incident(live_server, "Övning Höstvind", mode="exercise")
    wall = browser_page("staff", viewport=(1920, 1080))
    wall.goto(f"{live_server.url}/incidents/{incident_id}/wall")
    expect(wall.locator(".exercise-banner")).to_contain_text("ÖVNING")
    expect(wall.locator(".wall-title .exercise-tag")).to_have_text("ÖVNING")


def test_wall_says_when_the_server_is_gone_and_catches_up(live_server, browser_page):
    incident_id = _incident(live_server, "Storm över Fritsla")
    wall = browser_page("observer", viewport=(1920, 1080))
    wall.goto(f"{live_server.url}/incidents/{incident_id}/wall")
    expect(wall.locator("#wall-incident-title")).to_have_text("Storm över Fritsla")
    expect(wall.locator("#conn-status")).to_be_hidden()

    live_server.stop()
    notice = wall.locator("#conn-status")
    expect(notice).to_be_visible(timeout=15_000)
    expect(notice).to_contain_text("Ingen anslutning sedan")
    # prominent: huge type across the screen
    size = wall.evaluate("parseFloat(getComputedStyle(document.querySelector('#conn-status')).fontSize)")
    assert size >= 56, size

    live_server.start()
    # Written while the screen was cut off: it must arrive after the reconnect, with nobody touching the wall.
    r = live_server.api("staff").post(f"{live_server.url}/api/v1/incidents/{incident_id}/log",
                                      json={"text": "Skrivet medan storbilden var frånkopplad"})
    assert r.status_code == 201, r.text
    expect(notice).to_be_hidden(timeout=20_000)
    expect(wall.locator("#wall-log")).to_contain_text("Skrivet medan storbilden var frånkopplad")
    r = live_server.api("staff").post(f"{live_server.url}/api/v1/incidents/{incident_id}/log",
                                      json={"text": "Och live igen efteråt"})
    assert r.status_code == 201, r.text
    expect(wall.locator("#wall-log li").first).to_contain_text("Och live igen efteråt")
