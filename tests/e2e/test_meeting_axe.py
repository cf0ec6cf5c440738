"""axe-core on the stabsorientering page (a running meeting), presenter mode (1920x1080) and the lägesbild page:
no serious or critical violation (same method as test_axe.py: bypass_csp only to inject axe)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.test_axe import AXE
from tests.livehelpers import PASSWORD

pytestmark = pytest.mark.e2e


def _axe(browser, base: str, path: str, role: str, viewport: tuple[int, int]) -> list[dict]:
    ctx = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        bypass_csp=True,
    )
    ctx.set_default_timeout(20_000)
    try:
        page = ctx.new_page()
        page.goto(base + "/login")
        page.fill("#username", role)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda u: "/login" not in u)
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.slice(0, 160))}));
        }""")
    finally:
        ctx.close()
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_meeting_pages_pass_axe(_browser, live_server):
    url, api = live_server.url, live_server.api
    inc = api("leader").post(url + "/api/v1/incidents", json={"title": "Axe-möte", "kind": "elavbrott"}).json()
    api("staff").put(
        f"{url}/api/v1/incidents/{inc['id']}/situation",
        json={"version": 0, "sections": {"handelse": "Test", "konsekvenser": {"power": "Ström borta"}}},
    )
    at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    m = api("leader").post(f"{url}/api/v1/incidents/{inc['id']}/meetings", json={"scheduled_at": at}).json()
    api("leader").post(f"{url}/api/v1/meetings/{m['id']}/start")
    api("leader").post(f"{url}/api/v1/meetings/{m['id']}/advance", json={"step": 1})
    for path, role, viewport in (
        (f"/incidents/{inc['id']}/meetings", "leader", (1280, 900)),
        (f"/meetings/{m['id']}/present", "staff", (1920, 1080)),
        (f"/incidents/{inc['id']}/situation", "staff", (1280, 900)),
        (f"/meetings/{m['id']}/protocol", "observer", (1280, 900)),
    ):
        bad = _axe(_browser, url, path, role, viewport)
        assert not bad, path + "\n" + json.dumps(bad, ensure_ascii=False, indent=1)
