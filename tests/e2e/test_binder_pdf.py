"""The reservpärm printed to A4 PDF by Chromium: one section a page or more, blank log sheets continuing the log's
numbers, and on EVERY page the marking (INTERN), the print time and the incident; the kommun-wide binder too.
And a log entry transcribed from paper, written through the workspace form."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(
    not (PDFTOTEXT and PDFINFO), reason="pdftotext/pdfinfo missing: apt-get install -y poppler-utils"
)
PRINTED = re.compile(r"Utskriven\d{4}-\d{2}-\d{2}\d{2}:\d{2}")


def _pdf(page, path) -> tuple[int, list[str]]:
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True, print_background=True)
    info = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size.group(1)) - 595.3) < 1 and abs(float(size.group(2)) - 841.9) < 1, info  # A4
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    return count, pages


def _incident(live_server, title: str) -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents",
        json={"title": title, "kind": "elavbrott", "level": "monitoring", "mode": "real"},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


@needs_poppler
def test_incident_binder_pdf_marks_every_page(live_server, browser_page, tmp_path):
    incident_id = _incident(live_server, "Elavbrott Skene")
    api = live_server.api("staff")
    for i in range(3):
        assert api.post(f"{live_server.url}/api/v1/incidents/{incident_id}/log", json={"text": f"Post {i}"}).ok
    last = api.get(f"{live_server.url}/api/v1/incidents/{incident_id}/log").json()["items"][-1]["number"]

    page = browser_page("staff")
    page.goto(f"{live_server.url}/incidents/{incident_id}/binder?sheets=3")
    count, pages = _pdf(page, tmp_path / "binder.pdf")
    # Title page with call-out lists, sambandsplan, actors, checklists, sites, lägesbild, 3 log sheets: a page
    # break before each, so at least 9 pages.
    assert count >= 9 and len(pages) == count, (count, len(pages))
    for n, text in enumerate(pages, start=1):
        flat = "".join(text.split())  # pdftotext may join or split words across columns
        assert "INTERN" in flat, (n, flat[:300])
        assert PRINTED.search(flat), (n, flat[-300:])
        assert f"Händelse{incident_id}:ElavbrottSkene" in flat, (n, flat[:300])
        assert f"Sida{n}av{count}" in flat, (n, flat[-300:])
    whole = "".join("".join(pages).split())
    assert "MARKKRISLED" in whole and "VGLSAMV1" in whole  # the sambandsplan (kommun default)
    assert "Loggblad3av3" in whole and "Signatur" in whole
    sheet = next(p for p in pages if "Loggblad 1 av 3" in p)
    assert re.search(rf"^\s*{last + 1}\s*$", sheet, re.M) or f" {last + 1} " in sheet, sheet[:600]


@needs_poppler
def test_kommun_binder_pdf_marks_every_page(live_server, browser_page, tmp_path):
    page = browser_page("observer")
    page.goto(f"{live_server.url}/binder?sheets=1")
    count, pages = _pdf(page, tmp_path / "kommun.pdf")
    assert count >= 6 and len(pages) == count
    for n, text in enumerate(pages, start=1):
        flat = "".join(text.split())
        assert "INTERN" in flat and "Reservpärm" in flat, (n, flat[:300])
        assert PRINTED.search(flat), (n, flat[-300:])
    whole = "".join(pages)
    assert "Aktörsregistret visas bara för staben." in whole  # an observer sees no actor register


def test_paper_entry_through_the_workspace_form(live_server, browser_page):
    incident_id = _incident(live_server, "Avbrott i Kinna")
    page = browser_page("staff")
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    page.fill("#entry-text", "Reservkraft startad i Skene (från loggbladet)")
    page.check("#entry-paper")
    expect(page.locator("#entry-paper-time")).to_be_visible(timeout=15000)
    page.click("#entry-form button[type=submit]")
    # Without the real time the server refuses, and says why.
    expect(page.locator("#entry-error")).to_contain_text("verkliga tidpunkten", timeout=15000)
    when = datetime.now(ZoneInfo("Europe/Stockholm")) - timedelta(hours=2)  # the form takes Swedish time
    page.fill("#entry-paper-time", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("#entry-form button[type=submit]")
    tag = page.locator("#log-list .paper-tag").first
    expect(tag).to_contain_text("Från papper", timeout=15000)
    entries = live_server.api("staff").get(f"{live_server.url}/api/v1/incidents/{incident_id}/log").json()["items"]
    paper = [e for e in entries if e["source"] == "paper"]
    assert len(paper) == 1 and paper[0]["text"].startswith("Reservkraft startad")
    assert not page.locator("#entry-paper").is_checked()  # the form returns to its defaults
