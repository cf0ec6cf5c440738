"""The staff workspace cannot mislead the record: the quick entry resets, corrections, stand-down and closing
each with its own reason in a dialog, check-out with a signed handover brief, times in Europe/Stockholm, density, keyboard, paging."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.livehelpers import PASSWORD

pytestmark = pytest.mark.e2e
TZ = ZoneInfo("Europe/Stockholm")


def _new_incident(live_server, title: str) -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": title, "kind": "elavbrott", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _log(live_server, incident_id: int, role: str = "leader", qs: str = "limit=500") -> list[dict]:
    r = live_server.api(role).get(f"{live_server.url}/api/v1/incidents/{incident_id}/log?{qs}")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _open(page, live_server, incident_id: int) -> None:
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    expect(page.locator("#log-list .entry").first).to_be_visible()


def test_quick_entry_returns_to_defaults_after_a_decision(live_server, browser_page):
    incident_id = _new_incident(live_server, "Vattenläcka Skene")
    page = browser_page("leader")
    _open(page, live_server, incident_id)
    summary = page.locator("#entry-summary")
    expect(summary).to_be_hidden()

    page.select_option("#entry-kind", "decision")
    page.fill("#entry-decided-by", "Karin Lindqvist, krisledningschef")
    page.fill("#entry-mandate", "Krisledningsplan 4.1")
    page.select_option("#entry-class", "confidential")
    page.fill("#entry-osl", "OSL 18 kap. 13 §")
    page.fill("#entry-counterpart", "Räddningstjänsten")
    # What is not the default is said in words before saving.
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Beslut")
    expect(summary).to_contain_text("Sekretess")
    expect(summary).to_contain_text("Räddningstjänsten")
    page.fill("#entry-text", "Beslut: trygghetspunkt öppnas i Skene")
    page.press("#entry-text", "Enter")
    expect(page.locator("#log-list .entry", has_text="trygghetspunkt öppnas")).to_be_visible()

    # Back to the defaults, visibly.
    expect(page.locator("#entry-kind")).to_have_value("info")
    expect(page.locator("#entry-class")).to_have_value("internal")
    expect(page.locator("#entry-decided-by")).to_have_value("")
    expect(page.locator("#entry-mandate")).to_have_value("")
    expect(page.locator("#entry-osl")).to_have_value("")
    expect(page.locator("#entry-counterpart")).to_have_value("")
    expect(page.locator("#decision-fields")).to_be_hidden()
    expect(summary).to_be_hidden()

    page.fill("#entry-text", "Vanlig notering efter beslutet")
    page.press("#entry-text", "Enter")
    expect(page.locator("#log-list .entry", has_text="Vanlig notering")).to_be_visible()

    entries = {e["text"]: e for e in _log(live_server, incident_id)}
    decision = entries["Beslut: trygghetspunkt öppnas i Skene"]
    assert (decision["kind"], decision["classification"], decision["decided_by"]) == (
        "decision",
        "confidential",
        "Karin Lindqvist, krisledningschef",
    )
    plain = entries["Vanlig notering efter beslutet"]
    assert plain["kind"] == "info" and plain["classification"] == "internal"
    assert plain["decided_by"] is None and plain["mandate"] is None and plain["osl_ground"] is None
    assert plain["counterpart"] is None

    # "Återställ till standard" undoes a choice before saving.
    page.select_option("#entry-kind", "decision")
    expect(summary).to_be_visible()
    page.click("#entry-reset")
    expect(page.locator("#entry-kind")).to_have_value("info")
    expect(summary).to_be_hidden()


def test_correction_box_saves_with_enter_and_system_entries_have_none(live_server, browser_page):
    incident_id = _new_incident(live_server, "Storm över Fritsla")
    page = browser_page("staff")
    _open(page, live_server, incident_id)
    page.fill("#entry-text", "3 200 kunder utan ström")
    page.press("#entry-text", "Enter")
    entry = page.locator("#log-list .entry", has_text="3 200 kunder")
    expect(entry).to_be_visible()
    number = entry.get_attribute("data-number")

    # System entries (the incident's opening) offer no "Rätta".
    system = page.locator("#log-list .entry.system").first
    expect(system).to_be_visible()
    expect(system.locator(".correct-btn")).to_have_count(0)

    # With a mouse the entry's buttons show on hover (and on keyboard focus).
    entry.hover()
    entry.locator(".correct-btn").click()
    box = page.locator(f"#corr-{number}")
    expect(box).to_be_focused()
    expect(box).to_have_value("")  # not prefilled: the original stays readable above
    box.type("2 300 kunder")
    box.press("Shift+Enter")
    box.type("utan ström")
    box.press("Enter")
    corr = page.locator("#log-list .entry", has_text="2 300 kunder")
    expect(corr).to_be_visible()
    expect(entry.locator("del.entry-text")).to_be_visible()
    saved = [e for e in _log(live_server, incident_id, "staff") if e["corrects"] == int(number)]
    assert len(saved) == 1 and saved[0]["text"] == "2 300 kunder\nutan ström"


def test_stand_down_and_closing_ask_and_use_their_own_reason(live_server, browser_page):
    incident_id = _new_incident(live_server, "Brand i Kinna centrum")
    page = browser_page("leader", viewport=(1440, 900))
    _open(page, live_server, incident_id)
    # The level form's reason must never become the stand-down or closing reason.
    page.locator(".level-shortcut summary").click()
    page.fill("#level-reason", "NIVÅ-MOTIVERING som inte gäller stängning")
    # Avveckling is not next to the level form.
    expect(page.locator("#level-form #standdown-incident")).to_have_count(0)
    page.locator(".close-panel summary").click()
    expect(page.locator("#standdown-none")).to_be_visible()  # no open tasks
    page.fill("#standdown-mandate", "Krisledningsplan 2.3")

    def status() -> str:
        return live_server.api("leader").get(f"{live_server.url}/api/v1/incidents/{incident_id}").json()["status"]

    dialog = page.locator("dialog.confirm-dialog")
    page.click("#standdown-incident")
    expect(dialog).to_be_visible()
    expect(dialog.locator("textarea")).to_be_focused()
    expect(dialog.locator("textarea")).to_have_value("")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("#standdown-incident")).to_be_focused()
    assert status() == "active"

    page.click("#standdown-incident")
    dialog.locator(".dialog-cancel").click()
    expect(dialog).to_have_count(0)
    assert status() == "active"

    # Tab stays inside the dialog.
    page.click("#standdown-incident")
    for _ in range(5):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('dialog') !== null")
    # A reason is required.
    dialog.locator(".dialog-confirm").click()
    expect(dialog.locator(".form-error")).not_to_be_empty()
    expect(dialog).to_be_visible()
    assert status() == "active"
    dialog.locator("textarea").fill("Branden släckt, eftersläckning hos räddningstjänsten")
    dialog.locator(".dialog-confirm").click()
    expect(page.locator("#incident-status")).to_have_text("Avveckling")
    assert status() == "standing_down"

    # After avveckling, the close step (the page is rendered anew).
    expect(page.locator("#close-incident")).to_be_visible()
    page.fill("#close-mandate", "Krisledningsplan 2.3")
    page.click("#close-incident")
    dialog.locator("textarea").fill("Branden släckt, ingen kvarstående påverkan")
    dialog.locator(".dialog-confirm").click()
    expect(page.locator("#incident-status")).to_have_text("Avslutad")
    assert status() == "closed"
    decisions = [e for e in _log(live_server, incident_id) if e["kind"] == "decision"]
    standdown, closing = decisions[-2], decisions[-1]
    assert "avveckling" in standdown["text"] and "eftersläckning" in standdown["text"]
    assert "Branden släckt, ingen kvarstående påverkan" in closing["text"]
    assert all("NIVÅ-MOTIVERING" not in d["text"] for d in (standdown, closing))
    assert closing["mandate"] == "Krisledningsplan 2.3"


def test_check_out_signs_a_multi_line_handover_brief(live_server, browser_page):
    incident_id = _new_incident(live_server, "Vattenbrist Horred")
    page = browser_page("staff")
    _open(page, live_server, incident_id)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    position = page.locator("#staffing-list .position").first
    position.get_by_role("button", name="Checka in").click()
    out = position.get_by_role("button", name="Checka ut")
    expect(out).to_be_visible()
    out.click()
    note = position.locator(".checkout-form textarea")
    expect(note).to_be_focused()
    note.type("Tankbil 2 står i Horred.")
    note.press("Enter")  # a new line, not a submit
    note.type("Ring Elnätsbolaget 06:00.")
    # Cancel keeps me checked in.
    position.locator(".checkout-form").get_by_role("button", name="Avbryt").click()
    expect(position.locator(".checkout-form")).to_have_count(0)
    expect(position.get_by_role("button", name="Checka ut")).to_be_visible()
    position.get_by_role("button", name="Checka ut").click()
    position.locator(".checkout-form textarea").fill("Tankbil 2 står i Horred.\nRing Elnätsbolaget 06:00.")
    position.locator(".checkout-form button[type=submit]").click()
    # Signing the brief asks first (an in-page dialog, not window.confirm).
    page.locator("dialog.confirm-dialog .dialog-confirm").click()
    expect(position.locator(".handover-box")).to_contain_text("Ring Elnätsbolaget 06:00.")
    assert dialogs == []  # no window.prompt
    staffing = live_server.api("staff").get(f"{live_server.url}/api/v1/incidents/{incident_id}/staffing").json()
    notes = [p["handover_note"] for p in staffing["items"] if p["handover_note"]]
    assert notes == ["Tankbil 2 står i Horred.\nRing Elnätsbolaget 06:00."]


def test_typed_time_is_stockholm_time_on_a_laptop_in_new_york(live_server, _browser):
    incident_id = _new_incident(live_server, "Elavbrott Örby")
    ctx = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE", timezone_id="America/New_York")
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/login")
        page.fill("#username", "staff")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        _open(page, live_server, incident_id)
        when = (datetime.now(TZ) - timedelta(minutes=7)).replace(second=0, microsecond=0)
        page.fill("#entry-time", when.strftime("%H:%M"))
        expect(page.locator("#entry-summary")).to_contain_text(when.strftime("%H:%M"))
        page.fill("#entry-text", "Larm från Elnätsbolaget")
        page.press("#entry-text", "Enter")
        expect(page.locator("#log-list .entry", has_text="Larm från Elnätsbolaget")).to_be_visible()
        entry = [e for e in _log(live_server, incident_id, "staff") if e["text"] == "Larm från Elnätsbolaget"][0]
        stored = datetime.fromisoformat(entry["occurred_at"]).astimezone(TZ)
        assert stored == when, (stored, when)
        # And it is shown as that Stockholm time, not New York's.
        expect(
            page.locator("#log-list .entry", has_text="Larm från Elnätsbolaget").locator(".entry-time")
        ).to_have_text(when.strftime("%H:%M"))
        assert not errors
    finally:
        ctx.close()


def test_density_shortcut_and_screenshots(live_server, browser_page):
    incident_id = _new_incident(live_server, "Elavbrott i Kinna")
    api = live_server.api("staff")
    for i in range(14):
        api.post(
            f"{live_server.url}/api/v1/incidents/{incident_id}/log",
            json={
                "text": f"Lägesuppdatering {i}: Elnätsbolaget rapporterar arbete i nätstation {i}",
                "kind": "incoming" if i % 2 else "info",
                "counterpart": "Elnätsbolaget" if i % 2 else None,
            },
        )
    # The leader: the most menu items (the header is tallest) and the level and closing panels.
    page = browser_page("leader", viewport=(1440, 900))
    _open(page, live_server, incident_id)
    expect(page.locator("#log-list .entry", has_text="Lägesuppdatering 13")).to_be_visible()
    box = page.locator("#entry-form").bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 900, box
    bottoms = page.eval_on_selector_all("#log-list .entry", "els => els.map(e => e.getBoundingClientRect().bottom)")
    assert sum(1 for b in bottoms if b <= 900) >= 8, bottoms
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workspace-1440x900.png"))

    # One shortcut to the log box, announced on the page.
    expect(page.locator("#entry-text")).to_have_attribute("aria-keyshortcuts", "Alt+N")
    expect(page.locator("label[for=entry-text]")).to_contain_text("Alt+N")
    page.locator("#filter-text").focus()
    page.keyboard.press("Alt+n")
    expect(page.locator("#entry-text")).to_be_focused()


def test_log_box_is_one_tap_away_on_a_phone(live_server, browser_page):
    incident_id = _new_incident(live_server, "Elavbrott TiB")
    page = browser_page("duty_officer", viewport=(390, 844))
    _open(page, live_server, incident_id)
    link = page.locator("#jump-to-entry")
    box = link.bounding_box()
    assert box and box["y"] + box["height"] <= 844, box
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workspace-390x844.png"))
    link.click()
    expect(page.locator("#entry-text")).to_be_focused()
    area = page.locator("#entry-text").bounding_box()
    assert area and 0 <= area["y"] <= 844, area


def test_log_loads_in_pages_and_searches_on_the_server(live_server, browser_page):
    incident_id = _new_incident(live_server, "Lång händelse")
    api = live_server.api("staff")
    for i in range(120):
        r = api.post(f"{live_server.url}/api/v1/incidents/{incident_id}/log", json={"text": f"Rad {i:03d}"})
        assert r.status_code == 201
    requests_seen: list[str] = []
    page = browser_page("staff", viewport=(1280, 900))
    page.on("request", lambda r: requests_seen.append(r.url) if "/log" in r.url and "/api/" in r.url else None)
    _open(page, live_server, incident_id)
    expect(page.locator("#log-list .entry", has_text="Rad 119")).to_be_visible()
    assert page.locator("#log-list .entry").count() <= 60
    expect(page.locator("#log-list .entry", has_text="Rad 000")).to_have_count(0)
    assert all("limit=" in u for u in requests_seen), requests_seen
    # Scrolling to the end loads the older pages, without duplicates.
    for _ in range(10):
        page.locator("#log-end").scroll_into_view_if_needed()
        if page.locator("#log-list .entry", has_text="Rad 000").count():
            break
        page.wait_for_timeout(300)
    expect(page.locator("#log-list .entry", has_text="Rad 000")).to_have_count(1)
    numbers = page.eval_on_selector_all("#log-list .entry", "els => els.map(e => +e.dataset.number)")
    assert numbers == sorted(set(numbers), reverse=True)
    # A search finds an old entry through the server.
    page.reload()
    expect(page.locator("#log-list .entry", has_text="Rad 119")).to_be_visible()
    page.fill("#filter-text", "Rad 004")
    expect(page.locator("#log-list .entry", has_text="Rad 004")).to_have_count(1)
    expect(page.locator("#log-list .entry")).to_have_count(1)
    assert any("q=Rad" in u for u in requests_seen), requests_seen


def test_the_position_written_as_is_shown_and_kept_on_purpose(live_server, browser_page):
    incident_id = _new_incident(live_server, "Två funktioner")
    page = browser_page("staff")
    _open(page, live_server, incident_id)
    expect(page.locator("#entry-as")).to_contain_text("inte incheckad")
    api = live_server.api("staff")
    for key in ("stabschef", "samverkan"):
        r = api.post(
            f"{live_server.url}/api/v1/incidents/{incident_id}/staffing", json={"action": "check_in", "position": key}
        )
        assert r.status_code == 200, r.text
    # Two held: a choice appears; the latest check-in is the default.
    expect(page.locator("#entry-position-field")).to_be_visible()
    expect(page.locator("#entry-as")).to_contain_text("Samverkan")
    page.select_option("#entry-position", "stabschef")
    expect(page.locator("#entry-as")).to_contain_text("Stabschef")
    for text in ("Första som stabschef", "Andra som stabschef"):
        page.fill("#entry-text", text)
        page.press("#entry-text", "Enter")
        expect(page.locator("#log-list .entry", has_text=text)).to_be_visible()
    expect(page.locator("#entry-position")).to_have_value("stabschef")
    stored = {e["text"]: e["position"] for e in _log(live_server, incident_id, "staff")}
    assert stored["Första som stabschef"] == "stabschef" and stored["Andra som stabschef"] == "stabschef"
