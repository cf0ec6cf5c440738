"""The TiB at 03:00: a phone (390x844) in dark mode. The header menu folds behind a real menu button
(aria-expanded), every page follows prefers-color-scheme: dark, and the TiB flow fits the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.livehelpers import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture
def dark_phone(_browser, live_server):
    ctx = _browser.new_context(viewport=PHONE, color_scheme="dark", locale="sv-SE", timezone_id="Europe/Stockholm")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/login")
    page.fill("#username", "duty-officer")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    yield page
    ctx.close()
    assert not errors, errors


def _check_dark_and_fits(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-dark-{name}.png"))
    colours = page.evaluate("""() => ({bg: getComputedStyle(document.body).backgroundColor,
        fg: getComputedStyle(document.body).color,
        width: document.documentElement.scrollWidth})""")
    assert _luminance(colours["bg"]) < 0.05, colours  # dark background
    assert _contrast(colours["bg"], colours["fg"]) >= 4.5, colours
    assert colours["width"] <= PHONE["width"] + 1, colours


def test_tib_flow_on_a_dark_phone_with_a_folding_menu(live_server, dark_phone):
    page = dark_phone
    page.goto(live_server.url + "/")
    toggle = page.locator(".menu-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".mainnav")).to_be_hidden()
    # The folded header is one short line.
    assert page.locator(".topbar").bounding_box()["height"] <= 64
    _check_dark_and_fits(page, "1-start")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    nav = page.locator(".mainnav")
    expect(nav).to_be_visible()
    for link in nav.locator("a").all():  # every menu item is on the screen, none cut off
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    _check_dark_and_fits(page, "2-menu-open")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()

    page.click("#start-activate")
    expect(page.locator("h1")).to_have_text("Aktivera spelbok")
    _check_dark_and_fits(page, "3-choose")
    page.get_by_role("link", name=re.compile("Långvarigt elavbrott")).click()
    page.get_by_label("Rubrik").fill("Elavbrott natt")
    _check_dark_and_fits(page, "4-title")
    page.get_by_role("button", name="Vidare").click()
    expect(page.locator("h1")).to_have_text("Bekräfta aktiveringen")
    _check_dark_and_fits(page, "5-confirm")
    page.get_by_role("button", name="Aktivera nu").click()
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    expect(page.locator("#log-list .entry").first).to_be_visible()
    _check_dark_and_fits(page, "6-workspace")
    page.screenshot(path=str(ARTIFACTS / "phone-dark-6-workspace-full.png"), full_page=True)


def test_wide_screen_shows_the_menu_without_a_button(live_server, browser_page):
    page = browser_page("staff", viewport=(1280, 800))
    page.goto(live_server.url + "/")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator(".mainnav")).to_be_visible()
    # light theme by default
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert _luminance(bg) > 0.8, bg
