"""An exercise in the browser: schedule, start now, an inject reaches the staff's log live,
participants never see what is coming, and ÖVNINGSSTOPP covers every open page at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def scheduler_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A live server with the scheduler on (exercises start on their own)."""
    from tests.livehelpers import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("live-sched"), env={"CRISIS_SCHEDULER": "on"}).start()
    yield server
    server.stop()


@pytest.fixture
def browser_page_on(_browser: Any) -> Iterator[Callable[[Any], Callable[..., Any]]]:
    """browser_page for another live server: browser_page_on(server)("role")."""
    from tests.livehelpers import PASSWORD

    contexts: list[Any] = []
    errors: list[str] = []

    def _for(server: Any) -> Callable[..., Any]:
        def _open(role: str, viewport: tuple[int, int] = (1280, 900)) -> Any:
            ctx = _browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]}, locale="sv-SE", timezone_id="Europe/Stockholm"
            )
            ctx.set_default_timeout(20_000)
            contexts.append(ctx)
            page = ctx.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server.url + "/login")
            page.fill("#username", role.replace("_", "-"))
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
            return page

        return _open

    yield _for
    for ctx in contexts:
        ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


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

    # ÖVNINGSSTOPP: one click plus the confirmation dialog (with an optional reason) and every open page shows it.
    browser_dialogs: list[str] = []
    control.on("dialog", lambda d: (browser_dialogs.append(d.message), d.dismiss()))
    control.click("button[data-action=stop]")
    dialog = control.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("textarea").fill("Verklig händelse")
    dialog.locator(".dialog-confirm").click()
    assert browser_dialogs == []  # no window.confirm/prompt
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


def _exercise_page(live_server, browser_page, start_in_seconds: float) -> tuple[object, int]:
    from datetime import datetime, timedelta

    start = (datetime.now(UTC) + timedelta(seconds=start_in_seconds)).isoformat()
    r = live_server.api("exercise_control").post(
        f"{live_server.url}/api/v1/exercises", json={"scenario": "vinterelavbrott", "start_at": start, "speed": 60}
    )
    assert r.status_code == 201, r.text
    exercise_id = r.json()["id"]
    page = browser_page("exercise_control")
    page.goto(f"{live_server.url}/exercises/{exercise_id}")
    return page, exercise_id


def test_control_page_follows_a_scheduled_start_and_the_end_without_reload(scheduler_server, browser_page_on):
    browser_page = browser_page_on(scheduler_server)
    page, exercise_id = _exercise_page(scheduler_server, browser_page, 6)
    expect(page.locator("#ex-status")).to_have_text(re.compile("Planerad"))
    expect(page.locator("#ex-log-link")).to_be_hidden()
    page.evaluate("window.__notReloaded = true")
    # The scheduler starts it; the page notices by itself.
    expect(page.locator("#ex-status")).to_have_text(re.compile("Pågår"), timeout=30_000)
    expect(page.locator("#ex-log-link")).to_be_visible()
    expect(page.locator("#adhoc-panel")).to_be_visible()
    # Delivered injects show up live (speed 60: a scenario minute per second).
    expect(page.locator("#inject-timeline .inject.delivered").first).to_be_visible(timeout=30_000)
    # Ended elsewhere (another control screen): this page follows, live.
    r = scheduler_server.api("exercise_control").post(f"{scheduler_server.url}/api/v1/exercises/{exercise_id}/end")
    assert r.status_code == 200, r.text
    expect(page.locator("#ex-status")).to_have_text(re.compile("Avslutad"))
    assert page.evaluate("window.__notReloaded") is True


def test_ending_asks_first_and_cancel_ends_nothing(live_server, browser_page):
    page, exercise_id = _exercise_page(live_server, browser_page, 3600)
    page.click("button[data-action=start]")
    expect(page.locator("#ex-status")).to_have_text(re.compile("Pågår"))
    api = live_server.api("exercise_control")

    def status() -> str:
        return api.get(f"{live_server.url}/api/v1/exercises/{exercise_id}").json()["status"]

    dialog = page.locator("dialog.confirm-dialog")
    page.click("button[data-action=end]")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".dialog-cancel")).to_be_focused()  # the safe choice first
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert status() == "running"
    page.click("button[data-action=end]")
    dialog.locator(".dialog-cancel").click()
    assert status() == "running"
    page.click("button[data-action=end]")
    dialog.locator(".dialog-confirm").click()
    expect(page.locator("#ex-status")).to_have_text(re.compile("Avslutad"))
    assert status() == "ended"
