"""The one CSV writer (pure)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from crisis import csvexport


def test_bom_semicolons_and_formulas_neutralised():
    rows = [
        {"a": '=HYPERLINK("x")', "b": "+46 70", "c": None},
        {"a": "-1", "b": "@SUM", "c": "\tx"},
        {"a": "vanlig; text", "b": 'citat "x"', "c": 3},
    ]
    text = csvexport.text(["a", "b", "c"], rows)
    assert text.startswith("\ufeffa;b;c\r\n")
    got = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert got[1] == ['\'=HYPERLINK("x")', "+46 70", ""]
    assert got[2] == ["'-1", "'@SUM", "'\tx"]
    assert got[3] == ["vanlig; text", 'citat "x"', "3"]


def test_lines_are_a_lazy_generator_in_chunks():
    pulled = []

    def rows():
        for i in range(450):
            pulled.append(i)
            yield {"n": i}

    chunks = csvexport.lines(["n"], rows(), rows_per_chunk=200)
    first = next(chunks)
    assert len(pulled) == 200 and first.count("\r\n") == 201  # header + 200 rows, the rest not read yet
    rest = list(chunks)
    assert len(rest) == 2 and len(pulled) == 450
    assert (first + "".join(rest)).count("\r\n") == 451


def test_a_formula_after_a_line_break_is_neutralised_too():
    assert csvexport.safe('ok\n=HYPERLINK("http://x";"klicka")') == 'ok\n\'=HYPERLINK("http://x";"klicka")'
    assert csvexport.safe("rad 1\r\n@SUM(A1)\rb\n-2+3") == "rad 1\r\n'@SUM(A1)\rb\n'-2+3"
    assert csvexport.safe("\r=1") == "\r'=1"
    assert csvexport.safe("a\n\t=1") == "a\n'\t=1"
    assert csvexport.safe("vanlig\ntext") == "vanlig\ntext"
    # read back as a spreadsheet would: no line of the cell starts a formula
    text = csvexport.text(["a"], [{"a": "ok\n=1+1\n+SUM(A1)"}])
    [cell] = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1]
    assert not any(line[:1] in "=+-@\t" for line in cell.splitlines() if line)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+46 70 123 45 67", "+46 70 123 45 67"),  # a phone number: no visible apostrophe
        ("+46701234567", "+46701234567"),
        ("+46-70-123", "'+46-70-123"),  # arithmetic: neutralised
        ("+1+1", "'+1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("+", "'+"),
        (-5, "-5"),  # a number is a number
        (2.5, "2.5"),
        ("-5", "'-5"),  # text that starts with a minus may be a formula
        (True, "True"),
    ],
)
def test_phone_numbers_and_numbers(value, shown):
    assert csvexport.safe(value) == shown


def test_times_are_swedish_local_without_offset_or_fractions():
    winter = datetime(2026, 11, 24, 13, 32, 5, 123456, tzinfo=UTC)
    summer = datetime(2026, 7, 24, 13, 32, 5, tzinfo=UTC)
    assert csvexport.safe(winter) == "2026-11-24 14:32:05"
    assert csvexport.safe(summer) == "2026-07-24 15:32:05"
    # ISO strings in "*_at" columns (the services' dicts) too; other columns keep their text
    rows = [{"occurred_at": winter.isoformat(), "text": winter.isoformat(), "due_at": None, "x_at": "inte en tid"}]
    text = csvexport.text(["occurred_at", "text", "due_at", "x_at"], rows)
    got = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1]
    assert got == ["2026-11-24 14:32:05", "2026-11-24T13:32:05.123456+00:00", "", "inte en tid"]
