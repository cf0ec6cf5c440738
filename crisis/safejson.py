"""JSON from outside (request bodies, uploaded files) parsed so that no input can crash the caller.

`json.loads` turns hostile input into exceptions nobody expects: a deeply
nested array is a RecursionError, a 5,000-digit number a ValueError (Python's
limit on int digits), and an integer above 2^31-1 parses fine but overflows
the database later. `loads` turns all of these into one `UnsafeJSON` error
with a reason, and `bounded_int_problem` / `nul_problem` find what a
validated value may still hold. Pure: no Flask, no database.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64
# What every integer column stores: PostgreSQL's `integer` is 32 bits (SQLite's is 64), so an id or a count
# beyond it would overflow the database (a 500) instead of being refused or not found.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
# U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates): they
# reorder how a text is shown, so a log line could read differently from what it says.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class UnsafeJSON(ValueError):
    """Input refused before it reached the caller. `reason` is one of
    `too_deep`, `number_too_long`, `int_out_of_range`; `path` says where."""

    def __init__(self, reason: str, path: str = "") -> None:
        super().__init__(f"{reason} at {path or '(top)'}")
        self.reason = reason
        self.path = path


def loads(text: str | bytes) -> Any:
    """`json.loads`, but nesting deeper than MAX_DEPTH, over-long numbers and
    integers outside INT_MIN..INT_MAX raise `UnsafeJSON` (malformed JSON still raises
    `json.JSONDecodeError`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise UnsafeJSON("too_deep") from None
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise UnsafeJSON("number_too_long") from None
    check_structure(data)
    return data


def _walk(value: Any) -> Any:
    """(path, value) for every value inside `value`, depth first, without recursion.
    Raises UnsafeJSON("too_deep") past MAX_DEPTH."""
    stack: list[tuple[str, Any, int]] = [("", value, 0)]
    while stack:
        path, item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UnsafeJSON("too_deep", path)
        yield path, item
        if isinstance(item, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v, depth + 1) for k, v in item.items())
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{i}]", v, depth + 1) for i, v in enumerate(item))


def check_structure(data: Any) -> None:
    """Raise UnsafeJSON if `data` nests too deeply or holds an integer outside INT_MIN..INT_MAX."""
    for path, item in _walk(data):
        if isinstance(item, int) and not isinstance(item, bool) and not INT_MIN <= item <= INT_MAX:
            raise UnsafeJSON("int_out_of_range", path)


def nul_problem(data: Any) -> str | None:
    """The path of the first string (value or key) holding a NUL character, else None."""
    for path, item in _walk(data):
        if isinstance(item, str) and "\x00" in item:
            return path or "(body)"
        if isinstance(item, dict) and any("\x00" in str(k) for k in item):
            return path or "(body)"
    return None


def has_bidi_control(text: str | None) -> bool:
    """True if `text` holds a bidirectional embedding, override or isolate character."""
    return bool(text) and any(ch in BIDI_CONTROLS for ch in text or "")


def int64(value: object) -> int:
    """A non-negative integer up to INT_MAX (what an id column stores), from its decimal text; ValueError otherwise.
    Usable as werkzeug's `type=` (`request.args.get("incident", type=int64)` gives None
    for junk or an id beyond what the database stores)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > INT_MAX:
        raise ValueError(f"not an id: {text[:30]!r}")
    return int(text)
