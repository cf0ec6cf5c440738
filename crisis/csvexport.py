"""The one place that writes CSV (pure: no database; Flask only in `response`).

Every CSV the application hands out goes through here, so they all share the
same dialect and the same protections:

- a UTF-8 byte order mark first (Excel then reads the file as UTF-8),
- ';' as the delimiter (what Swedish spreadsheet programs expect),
- spreadsheet formulas neutralised (CSV injection): a cell starting with
  = + - @ tab or carriage return gets a leading apostrophe,
- streamed: `lines()` is a generator, so an export of any size is written
  a few rows at a time and never held whole in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

BOM = "\ufeff"
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 200


def safe(value: Any) -> str:
    """A cell's text with spreadsheet formulas neutralised."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in FORMULA_STARTS else s


def lines(
    columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *, rows_per_chunk: int = ROWS_PER_CHUNK
) -> Iterator[str]:
    """The CSV text in chunks: BOM and header first, then `rows_per_chunk` rows per chunk.

    Each row is a mapping; the cells are `row.get(column)` for each column.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=DELIMITER)
    buf.write(BOM)
    writer.writerow(columns)
    pending = 0
    for row in rows:
        writer.writerow([safe(row.get(c)) for c in columns])
        pending += 1
        if pending >= rows_per_chunk:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
            pending = 0
    yield buf.getvalue()


def text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """The whole CSV as one string (for small files only)."""
    return "".join(lines(columns, rows))


def response(filename: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Any:
    """A streamed `text/csv` download. Call inside a request; the rows are read
    while the response is sent (with the request context kept alive)."""
    from flask import Response, stream_with_context

    resp = Response(
        stream_with_context(lines(columns, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Cache-Control"] = "no-store"
    return resp
