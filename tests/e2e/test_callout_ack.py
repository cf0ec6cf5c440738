"""The call-out panel in the browser: one person acknowledges by the link (no login), the
scheduler raises "Ej kvitterat" for the others after CRISIS_CALLOUT_ACK_MINUTES (1 here) with
nobody touching the page, and one confirmed click calls out the proposed ersättare."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

KD = "Kommundirektör (exempel)"
BS = "Beredskapssamordnare (exempel)"


@pytest.fixture(scope="module")
def ack_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.livehelpers import LiveServer

    server = LiveServer(
        tmp_path_factory.mktemp("live-ack"), env={"CRISIS_SCHEDULER": "on", "CRISIS_CALLOUT_ACK_MINUTES": "1"}
    ).start(timeout=90)
    yield server
    server.stop()


def _token(server: Any, name: str) -> str:
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        (body,) = conn.execute(
            "select m.body from mail_messages m join callout_entries e on e.id = m.callout_entry_id "
            "where e.name = ? order by m.id desc limit 1",
            (name,),
        ).fetchone()
    return re.search(r"/ack/([A-Za-z0-9_-]+)", body).group(1)


def test_not_acknowledged_then_the_substitute_is_called_out(ack_server, _browser):
    from tests.livehelpers import PASSWORD

    resp = ack_server.api("duty_officer").post(
        f"{ack_server.url}/api/v1/playbooks/elavbrott/activate", json={"title": "Elavbrott Skene", "notify": True}
    )
    assert resp.status_code == 201, resp.text
    incident_id = resp.json()["id"]

    ctx = _browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(ack_server.url + "/login")
        page.fill("#username", "duty-officer")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{ack_server.url}/incidents/{incident_id}/callout")
        kd = page.locator(".callout-entry", has_text=KD).first
        bs = page.locator(".callout-entry", has_text=BS).first
        expect(kd.locator(".callout-ack.waiting")).to_contain_text("väntar på kvittens", timeout=15_000)
        expect(page.locator("#callout-sms-off")).to_be_visible()

        # The beredskapssamordnare acknowledges from the e-mail's link, not logged in.
        anon = _browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
        try:
            ack_page = anon.new_page()
            ack_page.goto(f"{ack_server.url}/ack/{_token(ack_server, BS)}")
            expect(ack_page.locator("h1")).to_have_text("Kvittera larm")
            assert "Elavbrott" not in ack_page.content()
            ack_page.click("#ack-confirm")
            expect(ack_page.locator("#ack-done")).to_contain_text("Tack! Din kvittens är registrerad")
        finally:
            anon.close()
        expect(bs.locator(".callout-ack.acked")).to_contain_text("Kvitterat", timeout=15_000)
        expect(page.locator("#callout-counts")).to_contain_text("1 kvitterade")

        # After a minute the scheduler raises "Ej kvitterat" on the open page, by itself.
        expect(kd.locator(".callout-ack.overdue")).to_contain_text("Ej kvitterat efter 1 minuter", timeout=150_000)
        expect(bs.locator(".callout-ack.overdue")).to_have_count(0)
        button = kd.locator(".callout-call-substitute")
        expect(button).to_have_text("Larma ersättaren Biträdande kommundirektör (exempel)")

        button.click()
        dialog = page.locator("dialog.confirm-dialog")
        expect(dialog).to_contain_text("i stället för Kommundirektör (exempel)")
        dialog.locator(".dialog-confirm").click()
        sub = page.locator(".callout-entry", has_text="Ersättare för Kommundirektör (exempel)")
        expect(sub).to_have_count(1, timeout=15_000)
        expect(sub.locator(".callout-ack.waiting")).to_be_visible()
        expect(kd.locator(".callout-substitute.called")).to_contain_text("Ersättaren Biträdande kommundirektör")
        expect(kd.locator(".callout-call-substitute")).to_have_count(0)
    finally:
        ctx.close()
    assert not errors, errors
