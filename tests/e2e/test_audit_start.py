"""The start page keeps the kommun's picture current (audit of issue 10's kind of flaw):
an incident opened, raised or closed elsewhere shows on an open start page without a reload, with the
kommun's level; the page says when its picture is from, and a failed refresh says the picture is old
instead of passing it off as current."""

from __future__ import annotations

import re
from datetime import UTC

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _refresh_now(page) -> None:
    """The tab coming back into view refreshes at once (the timer does it every 15 s)."""
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


def test_start_page_follows_incidents_and_the_kommun_level(live_server, browser_page):
    page = browser_page("staff")
    page.goto(live_server.url + "/")
    expect(page.locator("#start-updated")).to_contain_text("Uppdateras av sig själv · senast")
    api = live_server.api("leader")
    decision = {"decided_by": "Leader Testsson", "mandate": "Delegationsordningen p. 3.2", "reason": "Skyfall"}
    r = api.post(
        f"{live_server.url}/api/v1/incidents",
        json={"title": "Skyfall över Fritsla <i>centrum</i>", "kind": "översvämning", "level": "staff", **decision},
    )
    assert r.status_code == 201, r.text
    incident = r.json()

    # by the 15-second timer, without any help
    item = page.locator("#active-real li", has_text="Skyfall över Fritsla")
    expect(item).to_be_visible(timeout=25_000)
    expect(item.locator(".title")).to_have_text("Skyfall över Fritsla <i>centrum</i>")  # text, not markup
    expect(item.locator(".level-badge")).to_have_text("Stabsläge")
    expect(page.locator("#kommun-level strong")).to_have_text("Stabsläge")
    expect(page.locator("#kommun-level")).to_have_attribute("data-level", "staff")

    # an exercise never raises the kommun's level; it is listed as ÖVNING
    r = api.post(
        f"{live_server.url}/api/v1/incidents",
        json={"title": "Övning höjd beredskap", "kind": "övning", "level": "monitoring", "mode": "exercise"},
    )
    assert r.status_code == 201, r.text
    _refresh_now(page)
    expect(page.locator("#active-exercises li", has_text="Övning höjd beredskap")).to_contain_text("ÖVNING")
    expect(page.locator("#kommun-level strong")).to_have_text("Stabsläge")

    # closed elsewhere: gone from the active list, on the closed list, level back down
    r = live_server.api("leader").patch(
        f"{live_server.url}/api/v1/incidents/{incident['id']}",
        json={
            "status": "closed",
            "reason": "Vattnet har sjunkit undan",
            "decided_by": "Leader Testsson",
            "mandate": "Krisledningsnämndens delegation",
        },
    )
    assert r.status_code == 200, r.text
    _refresh_now(page)
    expect(page.locator("#active-real li", has_text="Skyfall över Fritsla")).to_have_count(0)
    expect(page.locator("#closed-list li", has_text="Skyfall över Fritsla")).to_be_visible()
    expect(page.locator("#kommun-level")).not_to_have_attribute("data-level", "staff")


def test_a_failed_refresh_says_the_picture_is_old(live_server, browser_page):
    page = browser_page("staff")
    page.goto(live_server.url + "/")
    shown_at = page.locator("#start-updated").inner_text()
    page.route(
        re.compile(r".*/api/v1/incidents\?status=active$"),
        lambda route: route.fulfill(status=503, body="Service Unavailable", content_type="text/plain"),
    )
    _refresh_now(page)
    error = page.locator("#start-error")
    expect(error).to_contain_text("Kunde inte uppdatera (serverfel 503)")
    expect(error).to_contain_text("Det som visas är läget " + shown_at.rsplit(" ", 1)[-1])
    expect(page.locator("#start-updated")).to_have_text("")
    assert "Service Unavailable" not in page.locator("main").inner_text()

    page.unroute(re.compile(r".*/api/v1/incidents\?status=active$"))
    _refresh_now(page)
    expect(page.locator("#start-error")).to_have_text("")
    expect(page.locator("#start-updated")).to_contain_text("senast")


def test_the_tibs_inbox_counter_follows(live_server, browser_page):
    tib = browser_page("duty_officer")
    tib.goto(live_server.url + "/")
    r = live_server.api("staff").post(
        f"{live_server.url}/api/v1/deviations",
        json={"what": "Strömavbrott i Horred", "contact": "Elnätsjouren 0320-00 02 02", "organisation": "Marks Elnät"},
    )
    assert r.status_code == 201, r.text
    dev_id = r.json()["id"]
    _refresh_now(tib)
    alert = tib.locator(".pb-start .pb-inbox-alert")
    expect(alert).to_have_text("Inkorgen: 1 ny avvikelserapport, 0 att följa upp")
    expect(alert.get_by_role("link")).to_have_attribute("href", "/inbox")

    r = live_server.api("duty_officer").post(
        f"{live_server.url}/api/v1/deviations/{dev_id}/assess", json={"action": "dismiss", "reason": "Planerat arbete"}
    )
    assert r.status_code == 200, r.text
    _refresh_now(tib)
    expect(alert).to_have_count(0)


def test_a_started_exercise_leaves_the_coming_list(live_server, browser_page):
    from datetime import datetime, timedelta

    control = live_server.api("exercise_control")
    start_at = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    r = control.post(
        f"{live_server.url}/api/v1/exercises",
        json={"scenario": "vinterelavbrott", "title": "Vinterövning Kinna", "start_at": start_at},
    )
    assert r.status_code == 201, r.text
    exercise = r.json()
    page = browser_page("staff")
    page.goto(live_server.url + "/")
    coming = page.locator("#coming-exercises li", has_text="Vinterövning Kinna")
    expect(coming).to_contain_text("Planerad")

    r = control.post(f"{live_server.url}/api/v1/exercises/{exercise['id']}/start")
    assert r.status_code == 200, r.text
    _refresh_now(page)
    expect(page.locator("#active-exercises li", has_text="Vinterövning Kinna")).to_contain_text("ÖVNING")
    expect(coming).to_have_count(0)  # no longer "Planerad" once it runs
