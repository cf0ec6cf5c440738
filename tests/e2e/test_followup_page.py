"""The yearly follow-up page in a browser: the year's counts, the year picker, the CSV link and the
printed A4 (navigation hidden); and the /training page: plan, record and roster through its forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from crisis.training.service import today as swedish_today

pytestmark = pytest.mark.e2e

# The app counts years and roster weeks by the Swedish calendar (Europe/Stockholm): between 23:00 and
# midnight UTC the machine's date.today() is still the day before.


def test_the_yearly_report_page(live_server, browser_page):
    year = swedish_today().year
    tib = live_server.api("duty_officer")
    for title, kind in (("Storm Ylva", "storm"), ("Skogsbrand Tofteryd", "skogsbrand")):
        r = tib.post(live_server.url + "/api/v1/incidents", json={"title": title, "kind": kind, "level": "monitoring"})
        assert r.status_code == 201, r.text
    leader = live_server.api("leader")
    r = leader.post(
        live_server.url + "/api/v1/training/activities",
        json={
            "title": "Stabsövning storm",
            "kind": "exercise",
            "functions": ["stabschef"],
            "planned_on": swedish_today().isoformat(),
            "status": "held",
        },
    )
    assert r.status_code == 201, r.text
    expected = leader.get(f"{live_server.url}/api/v1/followup/{year}").json()

    page = browser_page("observer")
    page.goto(f"{live_server.url}/followup/{year}")
    expect(page.locator("h1")).to_have_text(f"Årlig uppföljning {year}")
    expect(page.locator("#count-incidents")).to_have_text(str(expected["incidents"]))
    expect(page.locator("#incidents-by-kind")).to_contain_text("skogsbrand")
    expect(page.locator("#count-ex-held")).to_have_text(str(expected["exercises_held"]))
    expect(page.locator("#exercise-plan")).to_contain_text("Stabsövning storm")

    # The CSV link hands out the spreadsheet.
    with page.expect_download() as dl:
        page.click("#csv-link")
    assert dl.value.suggested_filename == f"uppfoljning-{year}.csv"

    # Printed: the picker and the menu are not on paper, the counts are.
    page.emulate_media(media="print")
    expect(page.locator("#year")).to_be_hidden()
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("#count-incidents")).to_be_visible()
    page.emulate_media(media="screen")

    # The year picker shows last year (nothing happened then in this database).
    page.select_option("#year", str(year - 1))
    page.click("nav.no-print button[type=submit]")
    page.wait_for_url(f"{live_server.url}/followup/{year - 1}")
    expect(page.locator("#count-incidents")).to_have_text("0")


def test_the_training_page_plans_records_and_rosters(live_server, browser_page):
    page = browser_page("leader")
    page.goto(f"{live_server.url}/training")
    page.fill("#a-title", "Stabsutbildning grund")
    page.select_option("#a-kind", "training")
    page.fill("#a-date", swedish_today().isoformat())
    page.check("input[name=functions][value=stabschef]")
    page.click("#plan form.stack-form button[type=submit]")
    expect(page.locator("#plan-table")).to_contain_text("Stabsutbildning grund")

    page.select_option("#t-user", "staff")
    page.select_option("#t-function", "stabschef")
    page.fill("#t-on", swedish_today().isoformat())
    page.click("#record form.stack-form button[type=submit]")
    expect(page.locator("#record-table")).to_contain_text("Staff Testsson")

    page.select_option("#function", "stabschef")
    page.click("#qualified form button[type=submit]")
    expect(page.locator("#qualified-list")).to_contain_text("Staff Testsson")

    # Roster: no one on duty yet, so this week warns; a trained stabschef clears that warning.
    monday = swedish_today() - timedelta(days=swedish_today().weekday())
    y, w, _d = monday.isocalendar()
    row = page.locator(f"#week-{y}-{w}")
    expect(row).to_contain_text("Ingen Stabschef schemalagd")
    page.select_option("#r-week", str(w))
    page.fill("#r-year", str(y))
    page.select_option("#r-function", "stabschef")
    page.select_option("#r-user", "staff")
    page.click("#roster form.stack-form button[type=submit]")
    expect(page.locator(f"#week-{y}-{w}")).to_contain_text("Staff Testsson")
    expect(page.locator(f"#week-{y}-{w}")).not_to_contain_text("Ingen Stabschef schemalagd")

    # An observer reads the page but has no forms.
    obs = browser_page("observer")
    obs.goto(f"{live_server.url}/training")
    expect(obs.locator("#qualified-list")).to_contain_text("Staff Testsson")
    expect(obs.locator("#a-title")).to_have_count(0)
