""" "Logga ut överallt" on the own account page asks first (Esc changes nothing), then ends every
session of the person: this browser lands on the login page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_log_out_everywhere_asks_first_then_ends_the_session(live_server, browser_page):
    page = browser_page("staff")
    page.goto(live_server.url + "/")
    page.locator(".usermenu a.who").click()
    expect(page).to_have_url(live_server.url + "/account")
    expect(page.get_by_role("heading", name="Mitt konto")).to_be_visible()

    page.get_by_role("button", name="Logga ut överallt").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Logga ut överallt?")
    expect(dialog.get_by_role("button", name="Avbryt")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/")  # still logged in

    page.goto(live_server.url + "/account")
    page.get_by_role("button", name="Logga ut överallt").click()
    dialog.get_by_role("button", name="Logga ut överallt").click()
    expect(page).to_have_url(live_server.url + "/login")
    expect(page.locator(".flash")).to_contain_text("Du är utloggad på alla enheter.")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/login?next=%2F")
