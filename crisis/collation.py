"""Swedish alphabetical order (pure): A–Z, then Å, Ä, Ö.

Python compares code points, which puts Ä (U+00C4) before Å (U+00C5) and
both after every ASCII letter only by accident; `sv_key` makes the order
the Swedish one, case-insensitive (ties broken by the original text, so the
order is total and stable). É sorts as E, Ü as Y, Æ as Ä and Ø as Ö, as in
Swedish dictionaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# Three code points after "z" and every other letter we map, in Swedish order.
_AFTER_Z = {"å": "\U000f0001", "ä": "\U000f0002", "ö": "\U000f0003"}
_FOLD = str.maketrans(
    {
        **_AFTER_Z,
        "æ": _AFTER_Z["ä"],
        "ø": _AFTER_Z["ö"],
        "é": "e",
        "è": "e",
        "ê": "e",
        "ë": "e",
        "á": "a",
        "à": "a",
        "ü": "y",
        "ç": "c",
        "ñ": "n",
    }
)


def sv_key(text: str | None) -> tuple[str, str]:
    """The sort key of a text in Swedish order."""
    s = text or ""
    return (s.lower().translate(_FOLD), s)


def sv_sorted(items: Iterable[T], key: Callable[[T], str | None]) -> list[T]:
    """`items` sorted in Swedish order of `key(item)`."""
    return sorted(items, key=lambda item: sv_key(key(item)))
