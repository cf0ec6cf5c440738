"""The TiB at 03:00 on a phone: from the start page to a live, staffed-up incident in three screens,
then the call-out with one tap per person; and the inbox: a report arrives live and becomes an incident."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = (390, 844)


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0] + 1, f"page is {width}px wide on a {PHONE[0]}px screen"


def test_tib_activates_a_playbook_on_a_phone(live_server, browser_page):
    tib = browser_page("duty_officer", viewport=PHONE)
    tib.goto(live_server.url + "/")
    _no_horizontal_scroll(tib)

    # Screen 1: choose
    tib.click("#start-activate")
    expect(tib.locator("h1")).to_have_text("Aktivera spelbok")
    _no_horizontal_scroll(tib)
    tib.get_by_role("link", name=re.compile("Långvarigt elavbrott")).click()

    # Screen 2: title and one line of context
    expect(tib.get_by_label("Rubrik")).to_have_value("Långvarigt elavbrott")
    tib.get_by_label("Rubrik").fill("Elavbrott Skene och Örby")
    tib.get_by_label("Läget just nu (en rad)").fill("Elnätsbolaget: 3 200 kunder utan ström sedan 02:40")
    _no_horizontal_scroll(tib)
    tib.get_by_role("button", name="Vidare").click()

    # Screen 3: confirm
    expect(tib.locator("h1")).to_have_text("Bekräfta aktiveringen")
    expect(tib.locator(".pb-summary")).to_contain_text("8 första uppgifter")
    _no_horizontal_scroll(tib)
    tib.get_by_role("button", name="Aktivera nu").click()

    # The live incident workspace
    tib.wait_for_url(re.compile(r"/incidents/\d+$"))
    incident_id = int(tib.url.rsplit("/", 1)[1])
    expect(tib.locator("#incident-title")).to_have_text("Elavbrott Skene och Örby")
    expect(tib.locator("#log-list .entry", has_text="Spelboken Långvarigt elavbrott aktiverad")).to_be_visible()
    expect(tib.locator("#log-list")).to_contain_text("Läget vid aktiveringen: Elnätsbolaget: 3 200 kunder")
    panel = tib.locator("#callout-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".callout-entry")).to_have_count(10)  # incl. KLN:s ordförande and SÄRF RCB
    first = panel.locator(".callout-entry").first
    expect(first.locator("a.callout-phone")).to_have_attribute("href", "tel:0320000101")
    _no_horizontal_scroll(tib)

    # A colleague at a laptop sees the marks live.
    desk = browser_page("staff")
    desk.goto(f"{live_server.url}/incidents/{incident_id}")
    expect(desk.locator("#callout-panel .callout-entry")).to_have_count(10)

    # One tap: reached.
    first.get_by_role("button", name="Nådd: Kommundirektör (exempel)", exact=True).click()
    expect(first.locator(".callout-state")).to_contain_text("Nådd")
    expect(first.get_by_role("button", name="Nådd: Kommundirektör (exempel)", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(tib.locator("#callout-counts")).to_have_text("1 nådda av 10 · 0 kvitterade")
    expect(tib.locator("#log-list .entry", has_text="Larmning: Kommundirektör (exempel)")).to_be_visible()
    expect(desk.locator("#callout-panel .callout-entry").first.locator(".callout-state")).to_contain_text("Nådd")
    second = panel.locator(".callout-entry").nth(1)
    second.get_by_role("button", name=re.compile("^Ej nådd")).click()
    expect(second.locator(".callout-state")).to_contain_text("Ej nådd")

    # The checklist, ticked on the phone, live at the desk.
    tib.locator("#checklist-list input[type=checkbox]").first.check()
    expect(tib.locator("#checklist-progress")).to_have_text("1 av 10 klara")
    expect(desk.locator("#checklist-list input[type=checkbox]").first).to_be_checked()

    # The tasks exist with due times.
    tasks = live_server.api("staff").get(f"{live_server.url}/api/v1/incidents/{incident_id}/tasks").json()["items"]
    # The playbook's 8 first tasks, plus the level decision task (its stabsläge is a proposal).
    assert len(tasks) == 9 and all(t["due_at"] for t in tasks if t["origin"] != "Spelbokens nivåförslag (beslut krävs)")


def test_a_report_arrives_live_in_the_inbox_and_becomes_an_incident(live_server, browser_page):
    tib = browser_page("duty_officer", viewport=PHONE)
    tib.goto(live_server.url + "/inbox")
    expect(tib.locator("#dev-todo")).to_contain_text("Inget att bedöma just nu.")

    reporter = browser_page("staff")
    reporter.goto(live_server.url + "/inbox/new")
    reporter.get_by_label("Förvaltning eller bolag").fill("Mark Vatten AB")
    reporter.get_by_label("Vad har hänt?").fill("Tryckfall i Fritsla, flera kunder utan vatten")
    reporter.get_by_label("Var?").fill("Fritsla norra")
    reporter.get_by_label("Vilka verksamheter påverkas eller kan påverkas?").fill("Dricksvatten, Fritslagården")
    reporter.get_by_label("Kontaktperson och telefon").fill("VA-jouren 0320-00 05 05")
    reporter.get_by_role("button", name="Skicka till TiB").click()
    expect(reporter.locator(".flash-ok")).to_contain_text("skickad till tjänstepersonen i beredskap")

    report = tib.locator("#dev-todo li.dev", has_text="Tryckfall i Fritsla")
    expect(report).to_be_visible()
    expect(report).to_contain_text("Mark Vatten AB")
    _no_horizontal_scroll(tib)
    report.get_by_role("link", name="Aktivera spelbok").click()
    tib.get_by_role("link", name=re.compile("Störning i dricksvattenförsörjningen")).click()
    expect(tib.get_by_label("Rubrik")).to_have_value("Tryckfall i Fritsla, flera kunder utan vatten")
    tib.get_by_role("button", name="Vidare").click()
    expect(tib.locator(".pb-deviation")).to_contain_text("Mark Vatten AB")
    tib.get_by_role("button", name="Aktivera nu").click()
    tib.wait_for_url(re.compile(r"/incidents/\d+$"))
    expect(tib.locator("#log-list .entry.system, #log-list .entry", has_text="Avvikelserapport").first).to_be_visible()
    expect(tib.locator("#log-list")).to_contain_text("Tryckfall i Fritsla")


def test_the_tib_dismisses_and_monitors_reports(live_server, browser_page):
    api = live_server.api("staff")
    for what in ("Brandlarm utan brand i Kinnaskolan", "Störning i trygghetslarmen i Örby"):
        r = api.post(
            f"{live_server.url}/api/v1/deviations",
            json={"what": what, "contact": "Jouren 0320-00 01 99", "organisation": "Kommunledningskontoret"},
        )
        assert r.status_code == 201, r.text
    tib = browser_page("leader")
    tib.goto(live_server.url + "/inbox")
    alarm = tib.locator("#dev-todo li.dev", has_text="Brandlarm utan brand")
    expect(alarm).to_be_visible()
    alarm.get_by_role("button", name="Avskriv…").click()  # final: asks in a dialog with its own reason
    tib.get_by_role("dialog").get_by_label("Skäl").fill("Felaktigt larm, återställt av räddningstjänsten")
    tib.get_by_role("dialog").get_by_role("button", name="Avskriv rapporten").click()
    done = tib.locator("#dev-done li.dev", has_text="Brandlarm utan brand")
    expect(done).to_contain_text("Avskriven")
    expect(done).to_contain_text("Felaktigt larm")

    tryg = tib.locator("#dev-todo li.dev", has_text="trygghetslarmen")
    tryg.get_by_label("Vad bevakas?").fill("Leverantören felsöker")
    tryg.get_by_role("button", name="Bevaka").click()
    watched = tib.locator("#dev-monitoring li.dev", has_text="trygghetslarmen")
    expect(watched).to_contain_text("Uppföljning")
    expect(watched).to_contain_text("Leverantören felsöker")
    expect(tib.locator("#dev-todo")).to_contain_text("Inget att bedöma just nu.")
