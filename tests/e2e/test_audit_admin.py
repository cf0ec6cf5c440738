"""User administration asks before what cannot be taken back (audit of issue 10's kind of flaw):
revoking an API token, and deactivating a user (thrown out of every screen at once). Esc or Avbryt
changes nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_revoking_a_token_asks_first(live_server, browser_page):
    page = browser_page("admin")
    page.goto(live_server.url + "/admin/users")
    page.get_by_label("Namn på token").fill("Lägesbild till länsstyrelsen")
    page.get_by_role("button", name="Skapa token").click()
    expect(page.locator("code.token")).to_be_visible()
    page.goto(live_server.url + "/admin/users")
    row = page.locator("tr", has_text="Lägesbild till länsstyrelsen")

    row.get_by_role("button", name="Återkalla").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Återkalla tokenen Lägesbild till länsstyrelsen?")
    expect(dialog.get_by_role("button", name="Avbryt")).to_be_focused()  # the safe choice first
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.reload()
    expect(row.get_by_role("button", name="Återkalla")).to_be_visible()  # nothing was revoked

    row.get_by_role("button", name="Återkalla").click()
    dialog.get_by_role("button", name="Återkalla").click()
    expect(page.locator(".flash-ok, .flash")).to_contain_text("Tokenen återkallades.")
    expect(page.locator("tr", has_text="Lägesbild till länsstyrelsen")).to_contain_text("Återkallad")


def test_deactivating_a_user_asks_first(live_server, browser_page):
    page = browser_page("admin")
    page.goto(live_server.url + "/admin/users")
    page.locator("#new-username").fill("vikarie")
    page.locator("#new-display_name").fill("Vera Vikarie")
    page.locator("#new-password").fill("vikarie-losen-1")
    page.get_by_role("button", name="Skapa användare").click()
    row = page.locator("tr", has_text="Vera Vikarie")
    expect(row).to_be_visible()

    # a role change alone does not ask
    row.locator("select").select_option("leader")
    row.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(".flash-ok")).to_contain_text("Användaren uppdaterades.")

    row.get_by_label("Aktiv").uncheck()
    row.get_by_role("button", name="Spara").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Inaktivera Vera Vikarie?")
    dialog.get_by_role("button", name="Avbryt").click()
    page.reload()
    expect(row.get_by_label("Aktiv")).to_be_checked()  # still active

    row.get_by_label("Aktiv").uncheck()
    row.get_by_role("button", name="Spara").click()
    dialog.get_by_role("button", name="Inaktivera").click()
    expect(page.locator(".flash-ok")).to_contain_text("Användaren uppdaterades.")
    expect(row.get_by_label("Aktiv")).not_to_be_checked()
