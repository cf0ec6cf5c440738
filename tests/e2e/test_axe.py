"""axe-core on every page, in the states a user reaches (report selected, site panel open, phone width, dark
theme): no serious or critical violation. axe-core 4.14.1 is vendored under tests/e2e/vendor/ (MPL-2.0).

The pages' strict CSP (script-src 'self') would block the injected axe script, so this test alone runs in a
browser context with bypass_csp=True; nothing else about the pages changes."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crisis.enums import Role
from crisis.training.service import today as swedish_today
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
    actor = api("admin").post(url + "/api/v1/actors", json={"name": "Axe länsstyrelse", "kind": "county"}).json()
    assert (
        api("staff")
        .post(
            f"{url}/api/v1/incidents/{iid}/requests",
            json={"what": "reservkraftverk", "quantity": 2, "priority": "urgent", "to_actor": actor["id"]},
        )
        .status_code
        == 201
    )
    conference = api("staff").post(
        f"{url}/api/v1/incidents/{iid}/samverkan",
        json={"held_at": datetime.now(UTC).isoformat(), "called_by": actor["id"], "agreed": "Ses igen 14:00"},
    )
    assert conference.status_code == 201, conference.text
    # The samlad lägesbild as a file: the conference's file list is on the page too.
    lagesbild = api("staff").post(
        f"{url}/api/v1/samverkan/{conference.json()['id']}/files",
        files={"file": ("Samlad lägesbild VGR.pdf", b"%PDF-1.4\n% axe\n%%EOF\n", "application/pdf")},
    )
    assert lagesbild.status_code == 201, lagesbild.text
    report = api("staff").post(f"{url}/api/v1/incidents/{iid}/reports", json={}).json()
    # Crisis communication: a published message naming an open trygghetspunkt, a draft, a VMA request.
    tp = api("staff").post(
        f"{url}/api/v1/incidents/{iid}/points",
        json={"kind": "trygghetspunkt", "name": "Kinnaborg", "status": "open", "hours": "08–20"},
    )
    assert tp.status_code == 201, tp.text
    msg = api("staff").post(
        f"{url}/api/v1/incidents/{iid}/messages",
        json={
            "channels": ["web", "radio"],
            "headline": "Elavbrott",
            "body": "Ellevio lagar.",
            "point_ids": [tp.json()["id"]],
        },
    )
    assert msg.status_code == 201, msg.text
    assert api("leader").post(f"{url}/api/v1/messages/{msg.json()['id']}/approve", json={}).status_code == 200
    assert (
        api("staff").post(f"{url}/api/v1/messages/{msg.json()['id']}/publish", json={"channels": ["web"]}).status_code
        == 200
    )
    api("staff").post(
        f"{url}/api/v1/incidents/{iid}/messages", json={"channels": ["sms"], "headline": "Utkast", "body": "Text"}
    )
    api("staff").post(f"{url}/api/v1/incidents/{iid}/vma", json={"authority": "polisen", "text": "Stäng fönster"})
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
    meeting = api("leader").post(
        f"{url}/api/v1/incidents/{iid}/meetings", json={"scheduled_at": datetime.now(UTC).isoformat()}
    )
    assert meeting.status_code == 201, meeting.text
    features = api("admin").get(url + "/api/v1/sites").json()["features"]
    site = next(f for f in features if f["properties"]["key"] == "axe-sub")
    playbook = api("duty_officer").get(url + "/api/v1/playbooks").json()["items"][0]["key"]
    drill = api("exercise_control").post(url + "/api/v1/drills", json={"playbook": "elavbrott"})
    assert drill.status_code == 201, drill.text
    # The plan, the record, the roster and the RSA register have something to show.
    today = swedish_today()  # the app's calendar (Europe/Stockholm), as the roster and follow-up pages use
    act = api("leader").post(
        url + "/api/v1/training/activities",
        json={
            "title": "Axe stabsövning",
            "kind": "exercise",
            "functions": ["stabschef"],
            "planned_on": today.isoformat(),
            "status": "held",
        },
    )
    assert act.status_code == 201, act.text
    rec = api("leader").post(
        url + "/api/v1/training/records", json={"user": "staff", "function": "stabschef", "activity": act.json()["id"]}
    )
    assert rec.status_code == 201, rec.text
    week = today.isocalendar()
    roster = api("leader").put(
        url + "/api/v1/roster", json={"year": week[0], "week": week[1], "function": "tib", "user": "duty-officer"}
    )
    assert roster.status_code == 200, roster.text
    risk = api("leader").post(
        url + "/api/v1/rsa/risks", json={"title": "Axe elavbrott", "likelihood": 3, "consequence": 5}
    )
    assert risk.status_code == 201, risk.text
    measure = api("leader").post(f"{url}/api/v1/rsa/risks/{risk.json()['id']}/measures", json={"text": "Reservkraft"})
    assert measure.status_code == 201, measure.text
    return {
        "drill": drill.json()["id"],
        "ack_token": "axe-unknown-acknowledgement-token-000000000",
        "incident": iid,
        "report": report["id"],
        "exercise": ex.json()["id"],
        "meeting": meeting.json()["id"],
        "site": site.get("id") or site["properties"]["id"],
        "playbook": playbook,
        "actor": actor["id"],
        "year": today.year,
    }


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
    ("communication", "leader", DESKTOP, "light", "/incidents/{incident}/communication", None),
    ("communication-dark", "staff", DESKTOP, "dark", "/incidents/{incident}/communication", None),
    ("communication-phone", "observer", PHONE, "light", "/incidents/{incident}/communication", None),
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
    ("training", "leader", DESKTOP, "light", "/training", None),
    ("training-dark", "leader", DESKTOP, "dark", "/training", None),
    ("rsa", "leader", DESKTOP, "light", "/rsa", None),
    ("rsa-dark", "leader", DESKTOP, "dark", "/rsa", None),
    ("followup", "observer", DESKTOP, "light", "/followup/{year}", None),
    ("search", "leader", DESKTOP, "light", "/search?q=elavbrott", None),
    ("search-dark", "leader", DESKTOP, "dark", "/search?q=elavbrott", None),
    ("exercises", "exercise_control", DESKTOP, "light", "/exercises", None),
    ("exercise-control", "exercise_control", DESKTOP, "light", "/exercises/{exercise}", None),
    ("exercise-evaluation", "exercise_control", DESKTOP, "light", "/exercises/{exercise}/evaluation", None),
    ("playbooks", "leader", DESKTOP, "light", "/playbooks", None),
    ("drills", "exercise_control", DESKTOP, "light", "/exercises/drills", None),
    ("drill-dark", "exercise_control", DESKTOP, "dark", "/exercises/drills/{drill}", None),
    ("ack-invalid", None, PHONE, "light", "/ack/{ack_token}", None),
    ("sites-register", "admin", DESKTOP, "light", "/sites", None),
    ("sites-retire-dialog", "admin", DESKTOP, "light", "/sites", _open_dialog),
    ("sites-new", "admin", DESKTOP, "light", "/sites/new", None),
    ("actors", "staff", DESKTOP, "light", "/actors", None),
    ("actors-admin-dark", "admin", DESKTOP, "dark", "/actors", None),
    ("samverkan", "staff", DESKTOP, "light", "/incidents/{incident}/samverkan", None),
    ("admin-users", "admin", DESKTOP, "light", "/admin/users", None),
    ("admin-reads", "admin", DESKTOP, "light", "/admin/reads", None),
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
    ctx.set_default_timeout(20_000)
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


@pytest.fixture(scope="module")
def oidc_server(tmp_path_factory):
    """A server with login over OpenID Connect configured; its provider does not answer."""
    from tests.livehelpers import LiveServer

    server = LiveServer(
        tmp_path_factory.mktemp("axe-oidc"),
        env={
            "CRISIS_OIDC_ISSUER": "http://127.0.0.1:9",
            "CRISIS_OIDC_CLIENT_ID": "krisrum",
            "CRISIS_OIDC_CLIENT_SECRET": "secret",
            "CRISIS_OIDC_ROLE_MAP": "krisledning=leader",
            "CRISIS_LOCAL_LOGIN": "break-glass",
            "CRISIS_BREAK_GLASS_USERS": "admin",
        },
    ).start(timeout=120)
    yield server
    server.stop()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_oidc_login_page_has_no_serious_axe_violation(_browser, oidc_server, scheme):
    """The login page with the kommun's login button, after the provider did not answer (its message shown)."""
    ctx = _browser.new_context(
        viewport={"width": DESKTOP[0], "height": DESKTOP[1]}, color_scheme=scheme, locale="sv-SE", bypass_csp=True
    )
    ctx.set_default_timeout(20_000)
    try:
        page = ctx.new_page()
        page.goto(oidc_server.url + "/login")
        page.click("a.login-oidc")
        page.wait_for_selector("text=Kommunens inloggning svarar inte just nu")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help}));
        }""")
    finally:
        ctx.close()
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


# --- every page, as every role -------------------------------------------------------------------------------------

# URL arguments of the page routes, filled in from the world; a page with an argument not here fails the sweep.
ARGS = {
    "incident_id": "incident",
    "exercise_id": "exercise",
    "meeting_id": "meeting",
    "report_id": "report",
    "site_id": "site",
    "key": "playbook",
    "actor_id": "actor",
    "drill_id": "drill",
    "token": "ack_token",
    "year": "year",
}
# GET routes outside /api that are not HTML pages (downloads, feeds, styles, health).
NOT_PAGES = re.compile(r"^/(static/|healthz$|print/.*\.css$)|\.(csv|json|xml|txt|geojson|atom|zip|js)$")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def page_rules() -> list[str]:
    """Every GET page route of the app (from its url_map, so a new page is swept without editing this file)."""
    from crisis import create_app

    tmp = tempfile.mkdtemp(prefix="krisrum-rules-")
    app = create_app(
        {
            "CRISIS_TESTING": "on",
            "CRISIS_DATABASE_URL": f"sqlite:///{tmp}/rules.sqlite3",
            "CRISIS_SCHEDULER": "off",
            "CRISIS_MESSAGE_QUEUE": "",
            "TESTING": True,
        }
    )
    rules = {
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in (r.methods or ()) and not r.rule.startswith("/api/") and not NOT_PAGES.search(r.rule)
    }
    return sorted(rules)


def page_path(rule: str, world: dict[str, Any]) -> str:
    def fill(m: re.Match[str]) -> str:
        name = m.group(1).split(":")[-1]
        assert name in ARGS, f"page {rule}: add its argument {name!r} to ARGS (and the world) so it is swept"
        return str(world[ARGS[name]])

    return re.sub(r"<([^>]+)>", fill, rule)


def test_page_rules_are_derived_from_the_app():
    rules = page_rules()
    assert "/incidents/<int:incident_id>/wall" in rules and "/login" in rules and "/admin/users" in rules
    assert not any(r.endswith(".csv") or r.startswith("/static") for r in rules)
    assert all(
        re.findall(r"<(?:[^:>]+:)?([^>]+)>", r) == [] or set(re.findall(r"<(?:[^:>]+:)?([^>]+)>", r)) <= set(ARGS)
        for r in rules
    ), rules


# Dark mode is one stylesheet for every role: it is swept as the role that sees the most controls
# (admin), the read-only one (observer) and the one with its own page (reporter); light as every role.
DARK_ROLES = ("admin", "observer", "reporter")


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_page_as_every_role_has_no_wcag_aa_violation(_browser, live_server, world, role):
    """Each role opens every page (or the refusal it gets): 0 WCAG 2.1 A/AA violations (dark too, see DARK_ROLES)."""
    paths = [page_path(rule, world) for rule in page_rules()]
    found: dict[str, Any] = {}
    skipped = 0
    schemes = ("light", "dark") if role in DARK_ROLES else ("light",)
    for scheme in schemes:
        ctx = _browser.new_context(
            viewport={"width": DESKTOP[0], "height": DESKTOP[1]},
            color_scheme=scheme,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            bypass_csp=True,
        )
        ctx.set_default_timeout(20_000)
        try:
            page = ctx.new_page()
            page.goto(live_server.url + "/login")
            page.fill("#username", role.replace("_", "-"))
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda u: "/login" not in u)
            refusals_checked: set[int] = set()
            for path in paths:
                response = page.goto(live_server.url + path)
                status = response.status if response else 0
                if status in (403, 404) and status in refusals_checked:
                    skipped += 1
                    # The refusal page is one template: once per role and colour scheme is enough
                    # (a reporter is refused some 40 pages; checking each cost a minute of CI).
                    continue
                if status in (403, 404):
                    refusals_checked.add(status)
                page.wait_for_load_state("networkidle")
                page.add_script_tag(path=str(AXE))
                result = page.evaluate(
                    """async (tags) => {
                    const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
                    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.slice(0, 160))}));
                }""",
                    WCAG_AA,
                )
                if result:
                    found[f"{scheme} {path}"] = result
        finally:
            ctx.close()
    print(
        f"\naxe sweep as {role}: {len(paths)} pages x {len(schemes)} colour schemes, {skipped} repeated refusals"
        f" not re-checked, {len(found)} with violations"
    )
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
