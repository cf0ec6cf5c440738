"""A screen refused by a full server says so, in Swedish, and gets in by itself
once a slot frees up (headless Chromium against a server with CRISIS_MAX_SOCKETS=1)."""

from __future__ import annotations

import pytest

from tests.livehelpers import PASSWORD, LiveServer

pytestmark = [pytest.mark.live, pytest.mark.e2e, pytest.mark.slow]

FULL = "Servern har för många anslutningar just nu – försöker igen"


def test_a_refused_screen_shows_the_message_and_retries(tmp_path, _browser):
    """Uses the session's browser (tests/e2e/conftest.py): a second sync Playwright in one process fails."""
    from playwright.sync_api import expect

    browser = _browser
    server = LiveServer(tmp_path, env={"CRISIS_MAX_SOCKETS": "1"}).start()
    try:
        inc = (
            server.api("duty_officer")
            .post(server.url + "/api/v1/incidents", json={"title": "Fullt", "kind": "test"})
            .json()
        )
        errors: list[str] = []

        def open_page():
            ctx = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
            page = ctx.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server.url + "/login")
            page.fill("#username", "staff")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
            page.goto(f"{server.url}/incidents/{inc['id']}")
            return ctx, page

        first_ctx, first = open_page()
        expect(first.locator("#conn-status")).to_be_hidden()  # connected: the one slot
        first.wait_for_timeout(500)
        _ctx, second = open_page()
        status = second.locator("#conn-status")
        expect(status).to_have_text(FULL, timeout=15_000)
        first_ctx.close()  # the slot frees up; the second screen retries within 5-15 s
        expect(status).to_be_hidden(timeout=30_000)
        _ctx.close()
        assert not errors, errors
    finally:
        server.stop()
