"""An exercise in the browser: schedule, start now, an inject reaches the staff's log live,
participants never see what is coming, and ÖVNINGSSTOPP covers every open page at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_exercise_from_schedule_to_ovningsstopp(live_server, browser_page):
    control = browser_page("exercise_control")
    control.goto(f"{live_server.url}/exercises")
    control.select_option("#ex-scenario", "vinterelavbrott")
    control.fill("#ex-start", "2099-01-01T09:00")  # far ahead: started by hand below
    control.fill("#ex-speed", "60")
    control.fill("#ex-start", "")
    control.click("#schedule-form button[type=submit]")
    control.wait_for_url(re.compile(r"/exercises/\d+$"))
    exercise_id = int(control.url.rsplit("/", 1)[1])

    # Exercise control sees the whole script before the start.
    expect(control.locator("#inject-timeline .inject.upcoming")).to_have_count(20)
    control.click("button[data-action=start]")
    expect(control.locator("#ex-status")).to_have_text(re.compile("Pågår"))
    ex = live_server.api("exercise_control").get(f"{live_server.url}/api/v1/exercises/{exercise_id}").json()
    incident_id = ex["incident"]
    assert incident_id

    # A participant's workspace of the exercise incident says ÖVNING.
    staff = browser_page("staff")
    staff.goto(f"{live_server.url}/incidents/{incident_id}")
    expect(staff.locator(".exercise-banner")).to_be_visible()
    expect(staff.locator("#log-list .entry").first).to_be_visible()

    # An ad-hoc inject is delivered at once and appears in the staff's log, live.
    control.fill("#adhoc-sender", "Radio Sjuhärad (spelad)")
    control.select_option("#adhoc-channel", "media")
    control.select_option("#adhoc-target", "kommunikation")
    control.fill("#adhoc-text", "Vi sänder om fem minuter, kan ni ställa upp?")
    control.click("#adhoc-form button[type=submit]")
    entry = staff.locator("#log-list .entry", has_text="Vi sänder om fem minuter")
    expect(entry).to_be_visible()
    expect(entry.locator(".entry-text")).to_contain_text("ÖVNING – Inspel via media till Kommunikation")
    expect(control.locator("#inject-timeline .inject.delivered", has_text="adhoc-1")).to_be_visible()

    # The participant's view of the exercise shows the delivered inject, nothing ahead.
    peek = browser_page("staff")
    peek.goto(f"{live_server.url}/exercises/{exercise_id}")
    expect(peek.locator("#inject-timeline .inject.delivered")).to_have_count(1)
    expect(peek.locator("#inject-timeline .inject.upcoming")).to_have_count(0)
    expect(peek.locator("button[data-action=stop]")).to_have_count(0)

    # ÖVNINGSSTOPP: one click (plus the confirmation) and every open page shows it.
    control.on("dialog", lambda d: d.accept("Verklig händelse") if d.type == "prompt" else d.accept())
    control.click("button[data-action=stop]")
    notice = staff.locator("#exercise-stop")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("ÖVNINGSSTOPP")
    expect(notice).to_contain_text("Verklig händelse")
    expect(notice.locator("button")).to_be_focused()
    box = notice.bounding_box()
    assert box and box["width"] >= 1200 and box["height"] >= 800  # the whole screen
    expect(control.locator("#ex-status")).to_have_text(re.compile("ÖVNINGSSTOPP"))
    notice.locator("button").click()
    expect(staff.locator("#exercise-stop")).to_have_count(0)

    # The after-action report opens, marked ÖVNING.
    control.goto(f"{live_server.url}/exercises/{exercise_id}/evaluation")
    expect(control.locator(".exercise-banner").first).to_be_visible()
    expect(control.locator("body")).to_contain_text("adhoc-1")
