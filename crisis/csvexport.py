"""The one place that writes CSV (pure: no database; Flask only in `response`).

Every CSV the application hands out goes through here, so they all share the
same dialect and the same protections:

- a UTF-8 byte order mark first (Excel then reads the file as UTF-8),
- ';' as the delimiter (what Swedish spreadsheet programs expect),
- spreadsheet formulas neutralised (CSV injection): every *line* of a cell
  that starts with = + - @ tab or carriage return gets a leading apostrophe
  (a later line too: "ok\n=HYPERLINK(...)" must not become a live formula
  in a program that splits the cell's lines), except a phone number ("+"
  followed by digits and spaces only, "+46 70 123 45 67") and cells that
  are numbers (int, float) in Python,
- times in Swedish local time as `YYYY-MM-DD HH:MM:SS` (no offset, no
  fractions: spreadsheets read it as a date and time): datetime values, and
  ISO time strings in columns whose name ends in "_at",
- streamed: `lines()` is a generator, so an export of any size is written
  a few rows at a time and never held whole in memory.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from crisis.timefmt import TZ

BOM = "\ufeff"
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PHONE = re.compile(r"^\+[0-9][0-9 ]*$")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # Swedish local time, as spreadsheets read dates
ROWS_PER_CHUNK = 200
_LINES = re.compile(r"(\r\n|\n|\r)")


def _safe_line(line: str) -> str:
    if line[:1] in FORMULA_STARTS and line[:1] and not PHONE.match(line):
        return "'" + line
    return line


def safe(value: Any) -> str:
    """A cell's text with spreadsheet formulas neutralised on every line."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number cannot carry a formula ("-5" stays a number)
    if isinstance(value, datetime):
        return local_time(value)
    s = str(value)
    if not s:
        return s
    # split keeping the line breaks (odd items), so the text is otherwise unchanged
    parts = _LINES.split(s)
    return "".join(p if i % 2 else _safe_line(p) for i, p in enumerate(parts))


def local_time(value: datetime) -> str:
    """ "2026-11-24 14:32:05" in Europe/Stockholm (naive values are read as UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(TZ).strftime(TIME_FORMAT)


def cell(column: str, value: Any) -> str:
    """One cell: times of "*_at" columns given as ISO strings are shown like datetimes."""
    if column.endswith("_at") and isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return local_time(parsed)
    return safe(value)


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
        writer.writerow([cell(c, row.get(c)) for c in columns])
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
