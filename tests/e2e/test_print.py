"""Printing: every printed page carries the incident, its classification marking and "sida N av M", every page
of an exercise says ÖVNING, and the print views are A4. Checked in the PDF Chromium makes (CSS paged media)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import requests

pytestmark = pytest.mark.e2e

PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(
    not (PDFTOTEXT and PDFINFO), reason="pdftotext/pdfinfo missing: apt-get install -y poppler-utils"
)


def _pdf_pages(page, path) -> list[str]:
    page.emulate_media(media="print")
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    info = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size.group(1)) - 595.3) < 1 and abs(float(size.group(2)) - 841.9) < 1, info  # A4
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _incident(live_server, title: str, mode: str) -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents",
        json={"title": title, "kind": "storm", "level": "monitoring", "mode": mode},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


@needs_poppler
def test_every_printed_log_page_of_an_exercise_says_ovning_incident_marking_and_page(
    live_server, browser_page, tmp_path
):
    incident_id = _incident(live_server, "Övning Stormnatt", "exercise")
    api = live_server.api("staff")
    for i in range(70):
        r = api.post(
            f"{live_server.url}/api/v1/incidents/{incident_id}/log",
            json={
                "text": f"Post {i}: lägesinformation från räddningstjänsten om fällda träd och "
                "strömavbrott i norra delen av kommunen, uppföljning om en timme."
            },
        )
        assert r.status_code == 201, r.text
    r = api.post(
        f"{live_server.url}/api/v1/incidents/{incident_id}/log",
        json={"text": "Uppgift om enskild", "classification": "confidential", "osl_ground": "OSL 26:1"},
    )
    assert r.status_code == 201, r.text

    page = browser_page("staff")
    page.goto(f"{live_server.url}/incidents/{incident_id}/log/print")
    pages = _pdf_pages(page, tmp_path / "log.pdf")
    assert len(pages) >= 3, len(pages)
    for n, text in enumerate(pages, start=1):
        flat = "".join(text.split())  # pdftotext may join or split words across columns
        assert "ÖVNING" in flat, (n, flat[:300])
        assert f"Händelse{incident_id}:ÖvningStormnatt" in flat and f"Händelse {incident_id}: Övning" in text, (
            n,
            flat[:300],
        )
        assert "SEKRETESS" in flat, (n, flat[:300])
        assert f"Sida{n}av{len(pages)}" in flat, (n, flat[-300:])

    # The masked copy for a public-records request is marked as such on every page.
    page.goto(f"{live_server.url}/incidents/{incident_id}/log/print?masked=1")
    masked = _pdf_pages(page, tmp_path / "masked.pdf")
    assert all("UTLÄMNANDEEXEMPLAR" in p for p in masked)


@needs_poppler
def test_every_printed_report_page_carries_incident_marking_and_page(live_server, browser_page, tmp_path):
    incident_id = _incident(live_server, "Elavbrott Kinna", "real")
    api = live_server.api("staff")
    report = api.post(f"{live_server.url}/api/v1/incidents/{incident_id}/reports", json={}).json()
    r = api.patch(
        f"{live_server.url}/api/v1/reports/{report['id']}",
        json={"konsekvenser": "\n".join(f"Konsekvens {i}: många hushåll utan ström och värme." for i in range(90))},
    )
    assert r.status_code == 200, r.text
    page = browser_page("staff")
    page.goto(f"{live_server.url}/reports/{report['id']}/print")
    pages = _pdf_pages(page, tmp_path / "report.pdf")
    assert len(pages) >= 2, len(pages)
    for n, text in enumerate(pages, start=1):
        flat = "".join(text.split())  # pdftotext may join or split words across columns
        assert f"Händelse{incident_id}:ElavbrottKinna" in flat, (n, flat[:300])
        assert "INTERN" in flat, (n, flat[:300])
        assert f"Sida{n}av{len(pages)}" in flat, (n, flat[-300:])
        assert "ÖVNING" not in flat  # a real incident is never marked as an exercise


def test_print_marks_stylesheet_escapes_titles_and_checks_access(live_server):
    incident_id = _incident(live_server, 'Brand "}@import url(x); body{', "real")
    css = live_server.api("observer").get(f"{live_server.url}/print/marks.css?incident={incident_id}")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "@import" not in css.text and '"}' not in css.text.split("@top-left", 1)[1].split(";", 1)[0][:-1]
    assert "counter(pages)" in css.text and "size: A4" in css.text
    bad = live_server.api("observer").get(f"{live_server.url}/print/marks.css?incident={incident_id}&marking=x")
    assert bad.status_code == 422
    assert live_server.api("observer").get(f"{live_server.url}/print/marks.css?incident=999999").status_code == 404
    anon = requests.get(f"{live_server.url}/print/marks.css?incident={incident_id}", allow_redirects=False)
    assert anon.status_code in (302, 401)
