"""The task board in two browsers: a task created and moved in one page appears and moves in the other,
live; moving works by keyboard and by drag and drop; an overdue task says so in text; a stale edit gets a
clear conflict message; "Gör till uppgift" in the log makes a linked task."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _new_incident(live_server, title="Elavbrott i Kinna") -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": title, "kind": "elavbrott", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _board(page, live_server, incident_id):
    page.goto(f"{live_server.url}/incidents/{incident_id}/tasks")
    expect(page.locator("#task-count")).not_to_have_text("")


def test_task_moved_in_one_page_moves_in_the_other(live_server, browser_page):
    incident_id = _new_incident(live_server)
    mover = browser_page("staff")
    watcher = browser_page("observer")
    for page in (mover, watcher):
        _board(page, live_server, incident_id)

    mover.fill("#task-title", "Öppna trygghetspunkt <b>Kinnahallen</b>")
    mover.select_option("#task-position", "resurs")
    mover.select_option("#task-assignee", "staff")
    mover.select_option("#task-priority", "high")
    mover.click("#task-form button[type=submit]")

    card = watcher.locator("#tasks-todo .task-card", has_text="Öppna trygghetspunkt")
    expect(card).to_be_visible()
    expect(card.locator(".task-title")).to_have_text("Öppna trygghetspunkt <b>Kinnahallen</b>")  # text, not markup
    expect(watcher.locator("#task-form")).to_have_count(0)  # observers only watch

    # keyboard: focus the card, Shift+arrow right -> "Pågår" (a plain arrow writes nothing)
    mine = mover.locator("#tasks-todo .task-card", has_text="Öppna trygghetspunkt")
    mine.focus()
    mover.keyboard.press("Shift+ArrowRight")
    expect(mover.locator("#tasks-doing .task-card", has_text="Öppna trygghetspunkt")).to_be_focused()
    expect(mover.locator("#task-live")).to_contain_text("Pågår")
    expect(watcher.locator("#tasks-doing .task-card", has_text="Öppna trygghetspunkt")).to_be_visible()
    expect(watcher.locator("#tasks-todo .task-card")).to_have_count(0)

    # "Flytta till" select + button
    moved = mover.locator("#tasks-doing .task-card", has_text="Öppna trygghetspunkt")
    moved.locator(".move-select").select_option("blocked")
    moved.locator(".move-btn").click()
    expect(watcher.locator("#tasks-blocked .task-card", has_text="Öppna trygghetspunkt")).to_be_visible()

    # drag and drop onto "Klar"
    mover.locator("#tasks-blocked .task-card").drag_to(mover.locator('.task-column[data-status="done"]'))
    expect(watcher.locator("#tasks-done .task-card", has_text="Öppna trygghetspunkt")).to_be_visible()
    expect(watcher.locator('[data-count-for="done"]')).to_have_text("(1)")

    # history is visible on the card
    done = watcher.locator("#tasks-done .task-card")
    done.locator(".task-history summary").click()
    expect(done.locator(".task-history-list li")).to_have_count(4)


def test_a_late_answer_to_create_does_not_pull_focus_from_the_card(live_server, browser_page):
    """The live event can show the new card before the POST's answer arrives; a user who has gone on to
    the card keeps their focus when the answer comes (it used to jump back to the title, so the next
    Shift+arrow moved nothing and the move's focus was lost)."""
    incident_id = _new_incident(live_server, "Vattenläcka i Fritsla")
    page = browser_page("staff")
    _board(page, live_server, incident_id)
    held = []

    def _hold(route):
        if route.request.method != "POST":
            route.continue_()
            return
        held.append((route, route.fetch()))  # the server has written it; the page does not know yet

    page.route(re.compile(r".*/api/v1/incidents/\d+/tasks$"), _hold)
    page.fill("#task-title", "Kör ut nödvatten till Fritsla")
    page.click("#task-form button[type=submit]")
    card = page.locator("#tasks-todo .task-card", has_text="Kör ut nödvatten")
    expect(card).to_be_visible()  # from the live event
    assert len(held) == 1
    card.focus()
    route, response = held[0]
    route.fulfill(response=response)
    expect(page.locator("#task-title")).to_have_value("")  # the answer has been handled
    expect(card).to_be_focused()
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#tasks-doing .task-card", has_text="Kör ut nödvatten")).to_be_focused()


def test_overdue_filters_and_conflict(live_server, browser_page):
    incident_id = _new_incident(live_server, "Vattenläcka Skene")
    api = live_server.api("leader")
    late = api.post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/tasks",
        json={"title": "Provtagning dricksvatten", "due_at": "2020-01-01T10:00:00+01:00", "assignee": "staff"},
    ).json()
    api.post(f"{live_server.url}/api/v1/incidents/{incident_id}/tasks", json={"title": "Pressmeddelande"})
    page = browser_page("staff")
    _board(page, live_server, incident_id)
    card = page.locator(f"#task-{late['id']}")
    expect(card.locator(".overdue-badge")).to_have_text("⚠ FÖRSENAD")
    page.check("#filter-overdue")
    expect(page.locator(".task-card:visible")).to_have_count(1)
    page.uncheck("#filter-overdue")
    page.check("#filter-mine")
    expect(page.locator(".task-card:visible")).to_have_count(1)
    page.uncheck("#filter-mine")

    # the user opens the edit form; meanwhile someone else changes the task
    card.locator(".task-edit summary").click()
    card.locator(".task-edit-form input[id$='-title']").fill("Provtagning, ny text")
    r = api.patch(f"{live_server.url}/api/v1/tasks/{late['id']}", json={"version": 1, "priority": "high"})
    assert r.status_code == 200
    expect(card.locator(".prio")).to_contain_text("Hög")  # live update, edit form kept open
    card.locator(".task-edit-form button[type=submit]").click()
    expect(card.locator(".task-msg")).to_contain_text("Någon annan hann ändra uppgiften")
    expect(card.locator(".task-title")).to_have_text("Provtagning dricksvatten")  # reloaded, nothing lost silently


def test_make_task_from_log_entry(live_server, browser_page):
    incident_id = _new_incident(live_server, "Storm i Horred")
    page = browser_page("staff")
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    page.fill("#entry-text", "Röj träd över väg 154 vid Horred")
    page.press("#entry-text", "Enter")
    entry = page.locator("#log-list .entry", has_text="Röj träd")
    expect(entry).to_be_visible()
    entry.hover()  # with a mouse, an entry's buttons show on hover (or keyboard focus)
    entry.locator(".make-task-btn").click()
    link = entry.locator(".entry-task")
    expect(link).to_contain_text("Röj träd över väg 154")
    link.click()
    expect(page.locator("#tasks-todo .task-card", has_text="Röj träd")).to_be_focused()
    expect(page.locator("#tasks-todo .task-card .task-origin a")).to_contain_text("Från loggpost")
