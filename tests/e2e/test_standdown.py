"""Avveckling in the workspace: the open tasks are closed ("Klar") or handed over to the line organisation
("Lämna över"), the stand-down decision is refused while one is open and taken (with a confirmation) after;
the header and the wall then say Avveckling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_stand_down_with_task_actions(live_server, browser_page):
    url = live_server.url
    r = live_server.api("duty_officer").post(
        url + "/api/v1/incidents", json={"title": "Storm Mark", "kind": "storm", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    inc = r.json()["id"]
    staff = live_server.api("staff")
    for title in ("Röj väg 156", "Informera hemtjänsten"):
        assert staff.post(f"{url}/api/v1/incidents/{inc}/tasks", json={"title": title}).status_code == 201

    page = browser_page("leader", viewport=(1280, 900))
    page.goto(f"{url}/incidents/{inc}")
    page.locator("#standdown-panel summary").click()
    tasks = page.locator("#standdown-task-list")
    expect(tasks.locator("li")).to_have_count(2)

    # Refused while a task is open: the error lists it, nothing changes.
    page.get_by_role("button", name="Klar: Informera hemtjänsten").click()
    expect(tasks.locator("li")).to_have_count(1)
    page.fill("#standdown-mandate", "Krisledningsplanen 4.2")
    page.click("#standdown-incident")
    dialog = page.locator("dialog.confirm-dialog")
    dialog.locator("textarea").fill("Stormen har passerat")
    dialog.locator(".dialog-confirm").click()
    expect(page.locator("#standdown-error")).to_contain_text("1 uppgift är öppen: Röj väg 156")
    assert staff.get(f"{url}/api/v1/incidents/{inc}").json()["status"] == "active"

    page.get_by_role("button", name="Lämna över… Röj väg 156").click()
    page.get_by_label("Till förvaltning eller bolag").fill("Samhällsbyggnadsförvaltningen")
    page.get_by_role("button", name="Lämna över", exact=True).click()
    expect(page.locator("#standdown-none")).to_be_visible()

    page.click("#standdown-incident")
    dialog.locator("textarea").fill("Stormen har passerat")
    dialog.locator(".dialog-confirm").click()
    expect(page.locator("#incident-status")).to_have_text("Avveckling")
    expect(page.locator("#close-incident")).to_be_visible()
    assert staff.get(f"{url}/api/v1/incidents/{inc}").json()["status"] == "standing_down"

    wall = browser_page("observer", viewport=(1280, 900))
    wall.goto(f"{url}/incidents/{inc}/wall")
    expect(wall.locator("#wall-standing-down")).to_be_visible()
    expect(wall.locator("#wall-standing-down")).to_have_text("Avveckling")

    texts = [e["text"] for e in staff.get(f"{url}/api/v1/incidents/{inc}/log").json()["items"]]
    assert any("Överlämnad till Samhällsbyggnadsförvaltningen" in t for t in texts)
    assert any(
        "(avvecklingsbeslut): Händelsen går över i avveckling. Motivering: Stormen har passerat." in t for t in texts
    )
