"""A form that a page script sends (no action, no method) never submits natively, even when it is sent
before its script has loaded: the browser would otherwise reload the page with every field — a decision's
text, a log entry — in the URL, the history and the server's access log, and drop what was typed."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

_SUBMIT = """sel => {
    const form = document.querySelector(sel);
    let prevented = null;
    // Bubble phase on window: runs after every other listener has had its say.
    const seen = ev => { prevented = ev.defaultPrevented; };
    window.addEventListener("submit", seen);
    form.requestSubmit();
    window.removeEventListener("submit", seen);
    return prevented;
}"""


def _incident(live_server, title: str) -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": title, "kind": "elavbrott", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_script_form_sent_before_its_script_loaded_stays_on_the_page(live_server, browser_page):
    incident_id = _incident(live_server, "Elavbrott i Kinna")
    leader = browser_page("leader")
    # The page's own script never arrives (a slow link, as seen from the form).
    leader.route("**/static/js/decisions.js", lambda route: route.abort())
    url = f"{live_server.url}/incidents/{incident_id}/decisions"
    leader.goto(url)
    leader.fill("#decision-reason", "Konfidentiell motivering")
    assert leader.evaluate(_SUBMIT, "#decision-form") is True
    leader.click("#decision-submit")
    leader.wait_for_load_state("load")
    assert leader.url == url
    expect(leader.locator("#decision-reason")).to_have_value("Konfidentiell motivering")
    assert (
        live_server.api("observer").get(f"{live_server.url}/api/v1/incidents/{incident_id}/decisions").json()["items"]
        == []
    )


def test_a_press_made_while_the_page_loads_is_answered_once_its_script_has_run(live_server, browser_page):
    incident_id = _incident(live_server, "Vattenläcka i Skene")
    leader = browser_page("leader")
    # The page's script is held back (a slow link): the form is there, its handler is not yet.
    held: list = []
    leader.route("**/static/js/decisions.js", lambda route: held.append(route))
    leader.goto(f"{live_server.url}/incidents/{incident_id}/decisions", wait_until="commit")
    expect(leader.locator("#decision-submit")).to_be_visible()
    deadline = time.monotonic() + 15
    while not held and time.monotonic() < deadline:
        leader.wait_for_timeout(50)
    assert held, "the page never asked for its script"
    assert leader.evaluate("document.readyState") == "loading"
    leader.fill("#decision-text", "Tankbilar till Skene")
    leader.fill("#decision-reason", "Ledningsbrott vid Skene torg")
    leader.click("#decision-submit")
    leader.click("#decision-submit")  # pressed twice while nothing seemed to happen
    dialog = leader.locator("dialog.confirm-dialog")
    expect(dialog).to_have_count(0)
    held[0].continue_()
    # The script has run: the press is answered, and a decision still asks first.
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Tankbilar till Skene")
    expect(leader.locator("#decision-text")).to_have_value("Tankbilar till Skene")
    dialog.locator(".dialog-confirm").click()
    expect(leader.locator("#decision-list .decision")).to_have_count(1)
    expect(dialog).to_have_count(0)
    decisions = live_server.api("observer").get(f"{live_server.url}/api/v1/incidents/{incident_id}/decisions")
    assert [d["text"] for d in decisions.json()["items"]] == ["Tankbilar till Skene"]


def test_a_form_with_a_method_still_submits(live_server, browser_page):
    page = browser_page("staff")
    page.goto(live_server.url + "/search")
    page.fill("input[name=q]", "vattenverk")
    # A submit event that does not navigate: the guard leaves this form alone.
    dispatched = _SUBMIT.replace(
        "form.requestSubmit();", "form.dispatchEvent(new Event('submit', {cancelable: true, bubbles: true}));"
    )
    assert page.evaluate(dispatched, "form.search-form") is False
