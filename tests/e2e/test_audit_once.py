"""Forms that write to the record are sent once (audit of issue 10's kind of flaw): a second tap on
"Aktivera nu" while the first is still on its way must not open a second incident (and send the
call-out twice); the same holds for opening an incident from the start page."""

from __future__ import annotations

import re

import pytest

from tests.polling import wait_in_page

pytestmark = pytest.mark.e2e


def _titles(live_server) -> list[str]:
    items = live_server.api("observer").get(f"{live_server.url}/api/v1/incidents").json()["items"]
    return [i["title"] for i in items]


def _taps(page, selector: str, n: int) -> None:
    """n taps 150 ms apart, as a hurried thumb does while the first is still on its way."""
    page.wait_for_load_state("load")
    page.evaluate(
        """([sel, n]) => new Promise(done => {
        let i = 0;
        const tap = () => { document.querySelector(sel).click(); if (++i < n) setTimeout(tap, 150); else done(); };
        tap();
    })""",
        [selector, n],
    )


def _sent(page, held: list, settle_ms: int = 700) -> int:
    """How many times the form was sent: once the first has reached the route (up to 20 s on a
    loaded machine), a further while for any later one."""
    wait_in_page(page, lambda: bool(held), timeout=20)
    page.wait_for_timeout(settle_ms)
    return len(held)


def _hold(page, pattern):
    held = []
    page.route(pattern, lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    return held


def test_a_second_tap_on_activate_does_not_open_a_second_incident(live_server, browser_page):
    tib = browser_page("duty_officer", viewport=(390, 844))
    tib.goto(f"{live_server.url}/activate/elavbrott")
    tib.get_by_label("Rubrik").fill("Elavbrott i Kinna – dubbeltryck")
    tib.get_by_role("button", name="Vidare").click()
    held = _hold(tib, re.compile(r".*/activate/elavbrott/go$"))
    _taps(tib, "#activate-now", 3)
    assert _sent(tib, held) == 1, f"the form was sent {len(held)} times"
    held[0].continue_()
    tib.wait_for_url(re.compile(r"/incidents/\d+$"))
    assert _titles(live_server).count("Elavbrott i Kinna – dubbeltryck") == 1


def test_a_double_click_on_open_incident_opens_one(live_server, browser_page):
    page = browser_page("duty_officer")
    page.goto(live_server.url + "/")
    page.locator("#title").fill("Gasläcka i Skene – dubbelklick")
    page.locator("#kind").fill("gasläcka")
    held = _hold(page, re.compile(r".*/incidents$"))
    _taps(page, "#h-new ~ form button[type=submit]", 2)
    assert _sent(page, held) == 1, f"the form was sent {len(held)} times"
    held[0].continue_()
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    assert _titles(live_server).count("Gasläcka i Skene – dubbelklick") == 1
