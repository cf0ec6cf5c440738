"""Every CSV export (issue 14, interop): one charset, formulas neutralised on
every line of a cell, phone numbers as written, times in Swedish local time."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import pytest

from crisis.log import service as log

LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
HIDDEN = 'Läget är lugnt\n=HYPERLINK("http://evil.example/";"Klicka här")'
PHONE = "+46 70 123 45 67"


@pytest.fixture
def tricky(users: dict[str, Any], incident: Any) -> Any:
    log.append(actor=users["staff"], incident_id=incident.id, text=HIDDEN, counterpart=PHONE)
    log.append(actor=users["staff"], incident_id=incident.id, text="@SUM(A1)\n+1+1 är inte en formel")
    return incident


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _no_live_formula(cell: str) -> bool:
    return not any(line[:1] in ("=", "+", "-", "@", "\t") for line in re.split(r"\r\n|\n|\r", cell) if line) or (
        re.fullmatch(r"\+[0-9][0-9 ]*", cell) is not None
    )


def _check(resp: Any) -> list[dict[str, str]]:
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(resp.get_data(as_text=True))
    for row in rows:
        for key, value in row.items():
            assert _no_live_formula(value or ""), (key, value)
    return rows


def test_log_csv(login: Any, tricky: Any) -> None:
    rows = _check(login("staff").get(f"/incidents/{tricky.id}/log.csv"))
    by_text = {r["text"].split("\n")[0]: r for r in rows}
    hidden = by_text["Läget är lugnt"]
    assert hidden["text"] == 'Läget är lugnt\n\'=HYPERLINK("http://evil.example/";"Klicka här")'
    assert hidden["counterpart"] == PHONE  # no visible apostrophe
    assert by_text["'@SUM(A1)"]["text"] == "'@SUM(A1)\n'+1+1 är inte en formel"
    for r in rows:
        assert LOCAL_TIME.match(r["occurred_at"]) and LOCAL_TIME.match(r["recorded_at"]), r


def test_search_export_csv(login: Any, tricky: Any) -> None:
    rows = _check(login("leader").get("/search/export.csv?q=hyperlink"))
    assert len(rows) == 1 and rows[0]["text"].endswith('\'=HYPERLINK("http://evil.example/";"Klicka här")')
    assert LOCAL_TIME.match(rows[0]["occurred_at"])


def test_archive_log_csv(login: Any, tricky: Any) -> None:
    resp = login("leader").get(f"/api/v1/incidents/{tricky.id}/archive")
    assert resp.status_code == 200
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        text = zf.read("log.csv").decode("utf-8")
        readme = zf.read("README.txt").decode("utf-8") if "README.txt" in zf.namelist() else ""
    rows = _rows(text)
    for r in rows:
        assert _no_live_formula(r["text"])
        assert LOCAL_TIME.match(r["occurred_at"])
        # the exact time the hash covers is kept for verification
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", r["occurred_at_utc"])
    assert "Europe/Stockholm" in readme
