"""axe-core on every page, in the states a user reaches (report selected, site panel open, phone width, dark
theme): no serious or critical violation. axe-core 4.14.1 is vendored under tests/e2e/vendor/ (MPL-2.0).

The pages' strict CSP (script-src 'self') would block the injected axe script, so this test alone runs in a
browser context with bypass_csp=True; nothing else about the pages changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.livehelpers import PASSWORD

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DESKTOP, PHONE, WALL = (1280, 900), (390, 844), (1920, 1080)


@pytest.fixture(scope="module")
def world(live_server) -> dict[str, Any]:
    """One incident with a log entry, a task, sites with a status, a draft report; an exercise; a deviation."""
    url, api = live_server.url, live_server.api
    sites = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [12.68, 57.50]},
                "properties": {"key": "axe-sub", "name": "Axe fördelningsstation", "category": "power"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [12.50, 57.37]},
                "properties": {
                    "key": "axe-vv",
                    "name": "Axe vattenverk",
                    "category": "water",
                    "depends_on": ["axe-sub"],
                    "backup_power": True,
                    "fuel_hours": 12,
                },
            },
        ],
    }
    assert (
        api("admin")
        .post(url + "/api/v1/sites/import", json={"filename": "axe.geojson", "content": json.dumps(sites)})
        .status_code
        == 200
    )
    inc = (
        api("duty_officer")
        .post(url + "/api/v1/incidents", json={"title": "Axe-händelse", "kind": "elavbrott", "level": "monitoring"})
        .json()
    )
    iid = inc["id"]
    assert api("staff").post(f"{url}/api/v1/incidents/{iid}/log", json={"text": "Första posten"}).status_code == 201
    assert (
        api("staff")
        .post(
            f"{url}/api/v1/incidents/{iid}/tasks",
            json={"title": "Ring Elnätsbolaget", "position": "samverkan", "due_at": "2020-01-01T10:00:00+01:00"},
        )
        .status_code
        == 201
    )
    assert (
        api("staff")
        .put(f"{url}/api/v1/incidents/{iid}/sites/axe-sub/status", json={"status": "down", "note": "Haveri"})
        .status_code
        == 200
    )
    report = api("staff").post(f"{url}/api/v1/incidents/{iid}/reports", json={}).json()
    ex = api("exercise_control").post(
        url + "/api/v1/exercises",
        json={
            "scenario": "vinterelavbrott",
            "speed": 60,
            "start_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
        },
    )
    assert ex.status_code == 201, ex.text
    assert (
        api("staff")
        .post(
            url + "/api/v1/deviations",
            json={
                "what": "Tryckfall i Fritsla",
                "contact": "VA-jouren 0320-00 05 05",
                "organisation": "Mark Vatten AB",
            },
        )
        .status_code
        == 201
    )
    return {"incident": iid, "report": report["id"], "exercise": ex.json()["id"]}


def _open_site_panel(page) -> None:
    page.wait_for_selector("#site-map-root[data-loaded=true]")
    page.locator("#site-table-body button", has_text="Axe fördelningsstation").click()
    page.wait_for_selector("#site-panel .status-history, #site-panel .hint")


def _select_report(page) -> None:
    page.locator(".rl-open").first.click()
    page.wait_for_selector("#report-title:not(:empty)")


def _open_menu(page) -> None:
    page.locator(".menu-toggle").click()


def _open_dialog(page) -> None:
    page.get_by_role("button", name="Avregistrera Axe vattenverk").click()
    page.wait_for_selector("dialog.confirm-dialog[open]")


def _open_standdown(page) -> None:
    page.locator(".close-panel summary").click()
    page.get_by_role("button", name="Lämna över… Ring Elnätsbolaget").click()
    page.wait_for_selector(".handover-line-form input")


def _open_handover(page) -> None:
    check_in = page.get_by_role("button", name="Checka in: Planering")
    check_in.click()
    page.get_by_role("button", name="Checka ut: Planering").click()
    page.wait_for_function("document.querySelector('#handover-text-planering').value.length > 0")


def _readiness_dialog(page) -> None:
    page.select_option("#readiness", "heightened")
    page.fill("#decided_at", "2026-11-20")
    page.fill("#reference", "Fö2026/01234")
    page.locator("#readiness-form button[type=submit]").click()
    page.wait_for_selector("dialog.confirm-dialog[open]")


# (id, role, viewport, colour scheme, path (formatted with world), action before axe)
STATES: list[tuple[str, str, tuple[int, int], str, str, Callable[[Any], None] | None]] = [
    ("login", "", DESKTOP, "light", "/login", None),
    ("start", "duty_officer", DESKTOP, "light", "/", None),
    ("start-phone-dark-menu", "duty_officer", PHONE, "dark", "/", _open_menu),
    ("activate-phone-dark", "duty_officer", PHONE, "dark", "/activate", None),
    ("workspace", "staff", DESKTOP, "light", "/incidents/{incident}", None),
    ("workspace-dark", "staff", DESKTOP, "dark", "/incidents/{incident}", None),
    ("workspace-phone-dark", "duty_officer", PHONE, "dark", "/incidents/{incident}", None),
    ("workspace-standdown", "leader", DESKTOP, "light", "/incidents/{incident}", _open_standdown),
    ("workspace-handover-phone-dark", "exercise_control", PHONE, "dark", "/incidents/{incident}", _open_handover),
    ("wall", "observer", WALL, "light", "/incidents/{incident}/wall", None),
    ("wall-dark", "observer", WALL, "dark", "/incidents/{incident}/wall", None),
    ("map-site-panel", "staff", DESKTOP, "light", "/incidents/{incident}/map", _open_site_panel),
    ("map-site-panel-dark", "staff", DESKTOP, "dark", "/incidents/{incident}/map", _open_site_panel),
    ("map-phone", "staff", PHONE, "light", "/incidents/{incident}/map", _open_site_panel),
    ("tasks", "staff", DESKTOP, "light", "/incidents/{incident}/tasks", None),
    ("tasks-dark", "staff", DESKTOP, "dark", "/incidents/{incident}/tasks", None),
    ("timeline", "observer", DESKTOP, "light", "/incidents/{incident}/timeline", None),
    ("decisions", "leader", DESKTOP, "light", "/incidents/{incident}/decisions", None),
    ("decisions-dark", "leader", DESKTOP, "dark", "/incidents/{incident}/decisions", None),
    ("decisions-print", "staff", DESKTOP, "light", "/incidents/{incident}/decisions/print", None),
    ("callout", "staff", DESKTOP, "light", "/incidents/{incident}/callout", None),
    ("reports-selected", "leader", DESKTOP, "light", "/incidents/{incident}/reports", _select_report),
    ("reports-selected-dark", "leader", DESKTOP, "dark", "/incidents/{incident}/reports", _select_report),
    ("report-print", "staff", DESKTOP, "light", "/reports/{report}/print", None),
    ("log-print", "staff", DESKTOP, "light", "/incidents/{incident}/log/print", None),
    ("inbox", "duty_officer", DESKTOP, "light", "/inbox", None),
    ("inbox-new", "staff", DESKTOP, "light", "/inbox/new", None),
    ("lessons", "leader", DESKTOP, "light", "/lessons", None),
    ("search", "leader", DESKTOP, "light", "/search?q=elavbrott", None),
    ("search-dark", "leader", DESKTOP, "dark", "/search?q=elavbrott", None),
    ("exercises", "exercise_control", DESKTOP, "light", "/exercises", None),
    ("exercise-control", "exercise_control", DESKTOP, "light", "/exercises/{exercise}", None),
    ("exercise-evaluation", "exercise_control", DESKTOP, "light", "/exercises/{exercise}/evaluation", None),
    ("playbooks", "leader", DESKTOP, "light", "/playbooks", None),
    ("sites-register", "admin", DESKTOP, "light", "/sites", None),
    ("sites-retire-dialog", "admin", DESKTOP, "light", "/sites", _open_dialog),
    ("sites-new", "admin", DESKTOP, "light", "/sites/new", None),
    ("admin-users", "admin", DESKTOP, "light", "/admin/users", None),
    ("admin-tokens", "admin", DESKTOP, "light", "/admin/tokens", None),
    ("readiness", "leader", DESKTOP, "light", "/readiness", None),
    ("readiness-confirm-dialog", "leader", DESKTOP, "dark", "/readiness", _readiness_dialog),
    ("account", "staff", DESKTOP, "light", "/account", None),
]


@pytest.mark.parametrize("name,role,viewport,scheme,path,action", STATES, ids=[s[0] for s in STATES])
def test_no_serious_or_critical_axe_violation(_browser, live_server, world, name, role, viewport, scheme, path, action):
    ctx = _browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        color_scheme=scheme,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        bypass_csp=True,
    )
    ctx.set_default_timeout(10_000)
    try:
        page = ctx.new_page()
        if role:
            page.goto(live_server.url + "/login")
            page.fill("#username", role.replace("_", "-"))
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda u: "/login" not in u)
        page.goto(live_server.url + path.format(**world))
        page.wait_for_load_state("networkidle")
        if action:
            action(page)
        page.wait_for_timeout(300)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.slice(0, 160))}));
        }""")
    finally:
        ctx.close()
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
