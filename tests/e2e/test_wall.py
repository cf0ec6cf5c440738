"""The shared screen: live without interaction, readable from 5 metres, and it says so when the link drops."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

SITES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [12.703, 57.513]},
            "properties": {"key": "wall-power-kinna", "name": "Kinna fördelningsstation", "category": "power"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [12.69, 57.50]},
            "properties": {
                "key": "wall-water-kinna",
                "name": "Kinna vattenverk",
                "category": "water",
                "depends_on": ["wall-power-kinna"],
            },
        },
    ],
}


def _incident(live_server, title: str, mode: str = "real") -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents",
        json={"title": title, "kind": "elavbrott", "level": "monitoring", "mode": mode},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _sites(live_server) -> None:
    r = live_server.api("admin").post(
        live_server.url + "/api/v1/sites/import", json={"filename": "wall.geojson", "content": json.dumps(SITES)}
    )
    assert r.status_code == 200, r.text


def test_wall_shows_changes_made_elsewhere_without_interaction(live_server, browser_page):
    _sites(live_server)
    incident_id = _incident(live_server, "Elavbrott i Kinna")
    url, api = live_server.url, live_server.api
    wall = browser_page("observer", viewport=(1920, 1080))
    wall.goto(f"{url}/incidents/{incident_id}/wall")

    expect(wall.locator("#wall-incident-title")).to_have_text("Elavbrott i Kinna")
    expect(wall.locator("#wall-level")).to_have_text("Bevakningsläge")
    expect(wall.locator("#wall-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(wall.locator(".site-marker[data-site-key='wall-power-kinna']")).to_have_count(1)
    expect(wall.locator("#conn-status")).to_be_hidden()
    expect(wall.locator(".exercise-banner")).to_have_count(0)
    # A wall is read from 5 metres: no header menu, no scrolling, body text >= 28px at 1080p.
    expect(wall.locator(".topbar")).to_have_count(0)

    # Changes made elsewhere, through the API: each appears on the wall by itself.
    r = api("staff").post(
        f"{url}/api/v1/incidents/{incident_id}/log",
        json={"text": "Elnätsbolaget: 3 200 kunder utan ström", "kind": "incoming", "counterpart": "Elnätsbolaget"},
    )
    assert r.status_code == 201, r.text
    expect(wall.locator("#wall-log li").first).to_contain_text("Elnätsbolaget: 3 200 kunder utan ström")

    r = api("staff").post(
        f"{url}/api/v1/incidents/{incident_id}/tasks",
        json={"title": "Ring Elnätsbolaget om prognos", "position": "samverkan", "due_at": "2020-01-01T10:00:00+01:00"},
    )
    assert r.status_code == 201, r.text
    task = wall.locator("#wall-tasks .wt-task", has_text="Ring Elnätsbolaget om prognos")
    expect(task).to_be_visible()
    expect(task).to_contain_text("FÖRSENAD")  # overdue says so in words, not colour alone
    expect(wall.locator("#wall-tasks")).to_contain_text("Samverkan")  # grouped by position

    r = api("staff").put(
        f"{url}/api/v1/incidents/{incident_id}/sites/wall-water-kinna/status", json={"status": "operational"}
    )
    assert r.status_code == 200, r.text
    r = api("staff").put(
        f"{url}/api/v1/incidents/{incident_id}/sites/wall-power-kinna/status",
        json={"status": "down", "note": "Transformatorhaveri"},
    )
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-sites")).to_contain_text("Kinna fördelningsstation")
    expect(wall.locator("#wall-sites")).to_contain_text("ur drift")
    expect(wall.locator("#wall-sites")).to_contain_text("Kinna vattenverk")  # at risk through its dependency
    expect(wall.locator(".site-marker[data-site-key='wall-power-kinna']")).to_have_attribute("data-status", "down")

    r = api("staff").post(
        f"{url}/api/v1/incidents/{incident_id}/staffing", json={"action": "check_in", "position": "stabschef"}
    )
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-duty")).to_contain_text("Stabschef")

    r = api("leader").patch(
        f"{url}/api/v1/incidents/{incident_id}",
        json={
            "level": "staff",
            "decided_by": "Karin Lindqvist",
            "mandate": "Krisledningsplanen",
            "reason": "Långvarigt avbrott",
        },
    )
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-level")).to_have_text("Stabsläge")

    report = api("staff").post(f"{url}/api/v1/incidents/{incident_id}/reports", json={}).json()
    r = api("staff").patch(f"{url}/api/v1/reports/{report['id']}", json={"cap_description": "Strömavbrott i Kinna."})
    assert r.status_code == 200, r.text
    r = api("leader").post(f"{url}/api/v1/reports/{report['id']}/approve", json={})
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-report")).to_contain_text("Lägesrapport 1")

    sizes = wall.evaluate("""() => ({
        scroll: document.documentElement.scrollHeight, height: window.innerHeight,
        body: parseFloat(getComputedStyle(document.querySelector('#wall-log .entry-text')).fontSize),
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
    # As prominent as before the level became the largest item: the tag is 1.35 x body text (37.8px at 1080p).
    tag = wall.evaluate("parseFloat(getComputedStyle(document.querySelector('.wall-title .exercise-tag')).fontSize)")
    assert tag >= 37, tag


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
    r = live_server.api("staff").post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/log",
        json={"text": "Skrivet medan storbilden var frånkopplad"},
    )
    assert r.status_code == 201, r.text
    expect(notice).to_be_hidden(timeout=20_000)
    expect(wall.locator("#wall-log")).to_contain_text("Skrivet medan storbilden var frånkopplad")
    r = live_server.api("staff").post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/log", json={"text": "Och live igen efteråt"}
    )
    assert r.status_code == 201, r.text
    expect(wall.locator("#wall-log li").first).to_contain_text("Och live igen efteråt")


UNKNOWN_SITES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [12.64, 57.487]},
            "properties": {"key": "wall-u-lasarett", "name": "Skene lasarett", "category": "health"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [12.78, 57.556]},
            "properties": {"key": "wall-u-fritsla", "name": "Fritsla vattenverk", "category": "water"},
        },
    ],
}


def test_wall_with_all_sites_unknown_says_so_and_never_reassures(live_server, browser_page):
    r = live_server.api("admin").post(
        live_server.url + "/api/v1/sites/import",
        json={"filename": "unknown.geojson", "content": json.dumps(UNKNOWN_SITES)},
    )
    assert r.status_code == 200, r.text
    incident_id = _incident(live_server, "Okänt läge")
    total = len(
        live_server.api("observer").get(f"{live_server.url}/api/v1/sites?incident={incident_id}").json()["features"]
    )
    assert total >= 2
    wall = browser_page("observer", viewport=(1920, 1080))
    wall.goto(f"{live_server.url}/incidents/{incident_id}/wall")
    note = wall.locator("#wall-sites-unknown")
    expect(note).to_be_visible()
    expect(note).to_contain_text(f"Okänd status: alla {total} verksamheter")
    expect(wall.locator("#wall-sites")).not_to_contain_text("All verksamhet i drift")
    expect(wall.locator(".wall-legend")).to_contain_text("okänd")

    # Every site but one reported operational: still not "all in operation".
    keys = [
        f["properties"]["key"]
        for f in live_server.api("observer")
        .get(f"{live_server.url}/api/v1/sites?incident={incident_id}")
        .json()["features"]
    ]
    for key in keys[1:]:
        r = live_server.api("staff").put(
            f"{live_server.url}/api/v1/incidents/{incident_id}/sites/{key}/status", json={"status": "operational"}
        )
        assert r.status_code == 200, r.text
    expect(note).to_contain_text(f"Okänd status: 1 av {total} verksamheter")
    expect(wall.locator("#wall-sites")).to_contain_text("Ingen rapporterad ur drift eller i riskzon")
    expect(wall.locator("#wall-sites")).not_to_contain_text("All verksamhet i drift")

    r = live_server.api("staff").put(
        f"{live_server.url}/api/v1/incidents/{incident_id}/sites/{keys[0]}/status", json={"status": "operational"}
    )
    assert r.status_code == 200, r.text
    expect(wall.locator("#wall-sites")).to_contain_text("All verksamhet i drift")
    expect(note).to_be_hidden()


# Every visible element: font size (elements with their own text) and whether its content is cut horizontally
# (any element outside the map whose content is wider than its box and does not overflow visibly).
_TEXT_AUDIT = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own && !el.textContent.trim()) continue;
    if (!own && el.closest('#wall-map')) continue;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || cs.visibility === 'hidden' || cs.display === 'none') continue;
    if (el.closest('.visually-hidden, [hidden]')) continue;
    if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) continue;
    out.push({tag: el.tagName, cls: String(el.className), text: el.textContent.trim().slice(0, 40), own: own,
              size: parseFloat(cs.fontSize), cut: el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== 'visible',
              ellipsis: cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1});
  }
  return out;
}"""

LONG_TASK = (
    "Ring Elnätsbolaget om prognos för återställning av elnätet i hela Kinna och Skene samt "
    "fråga om mobil reservkraft till Skene lasarett"
)


def test_wall_at_1080p_level_first_full_tasks_nothing_under_24px(live_server, browser_page):
    incident_id = _incident(live_server, "Elavbrott med långa uppgifter")
    url, api = live_server.url, live_server.api
    r = api("staff").post(
        f"{url}/api/v1/incidents/{incident_id}/tasks",
        json={"title": LONG_TASK, "position": "samverkan", "priority": "high", "due_at": "2020-01-01T10:00:00+01:00"},
    )
    assert r.status_code == 201, r.text
    r = api("staff").post(
        f"{url}/api/v1/incidents/{incident_id}/tasks",
        json={
            "title": "Kontrollera bränsle i reservkraftverket på Kinna vattenverk inför natten",
            "position": "resurs",
            "priority": "high",
            "due_at": "2099-01-01T22:15:00+01:00",
        },
    )
    assert r.status_code == 201, r.text
    r = api("staff").post(
        f"{url}/api/v1/incidents/{incident_id}/staffing", json={"action": "check_in", "position": "stabschef"}
    )
    assert r.status_code == 200, r.text
    r = api("staff").post(
        f"{url}/api/v1/incidents/{incident_id}/log",
        json={
            "text": "Räddningstjänsten rapporterar nedfallna träd över väg 156",
            "kind": "incoming",
            "counterpart": "Räddningstjänsten Mark",
        },
    )
    assert r.status_code == 201, r.text

    wall = browser_page("observer", viewport=(1920, 1080))
    wall.goto(f"{url}/incidents/{incident_id}/wall")
    late = wall.locator("#wall-tasks .wt-task", has_text="Ring Elnätsbolaget")
    expect(late).to_contain_text(LONG_TASK)
    expect(late).to_contain_text("klar 10:00")
    expect(wall.locator("#wall-tasks .wt-task", has_text="Kontrollera bränsle")).to_contain_text("klar 22:15")
    expect(wall.locator("#wall-duty")).to_contain_text("Stabschef")
    expect(wall.locator("#wall-log")).to_contain_text("Räddningstjänsten rapporterar")
    wall.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    wall.screenshot(path=str(ARTIFACTS / "wall-1920x1080.png"))

    # The full title and the due time are inside the visible task box (wrapped, not cut).
    box = late.bounding_box()
    due = late.locator(".wt-due").bounding_box()
    panel = wall.locator(".wall-tasks").bounding_box()
    assert box and due and panel
    assert due["y"] + due["height"] <= panel["y"] + panel["height"] + 1, (due, panel)
    assert box["x"] + box["width"] <= panel["x"] + panel["width"] + 1

    items = wall.evaluate(_TEXT_AUDIT)
    small = [i for i in items if i["own"] and i["size"] < 24]
    assert not small, small
    cut = [i for i in items if i["cut"] or i["ellipsis"]]
    assert not cut, cut

    level = wall.evaluate("parseFloat(getComputedStyle(document.querySelector('#wall-level')).fontSize)")
    biggest_other = max(i["size"] for i in items if i["own"] and "wall-level" not in i["cls"])
    assert level > biggest_other, (level, biggest_other)
    assert wall.evaluate("document.documentElement.scrollHeight") <= 1080
