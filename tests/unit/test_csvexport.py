"""The one CSV writer (pure)."""

from __future__ import annotations

import csv
import io

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
    assert got[1] == ['\'=HYPERLINK("x")', "'+46 70", ""]
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
