"""Swedish words for search (pure: no Flask, no database).

One behaviour on SQLite and PostgreSQL: the same Python code turns a text into
the *terms* that are indexed and a query into the terms that are looked up, so
both databases only ever compare lower-cased stems.

- Words are runs of letters and digits (`[^\\W_]+`); everything else (quotes,
  FTS5 operators, parentheses, `*`, `:`, `&`) separates words and is never
  passed to the database's query syntax.
- Lower-casing is Python's `str.lower`, which knows Å, Ä and Ö (SQLite's
  `lower()` does not); å, ä and ö stay letters of their own.
- Word forms: the Snowball Swedish stemmer (`snowballstemmer`, the pure-Python
  package Sphinx uses), plus one rule it lacks: the definite neuter ending
  "-et" (elavbrottet, vattenverket, beslutet), so "elavbrott" finds
  "elavbrottet" and "elavbrotten".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from markupsafe import Markup, escape

MAX_QUERY = 200  # characters of a query that are used; the rest is cut off (and the user told)
MAX_TERMS = 12  # words of a query that are used

WORD = re.compile(r"[^\W_]+")
_VOWELS = set("aeiouyåäö")
_DOUBLES = ("dd", "gd", "nn", "dt", "gt", "kt", "tt")
_stemmer = snowballstemmer.stemmer("swedish")


def _r1_start(word: str) -> int:
    """Snowball's R1 for Swedish: after the first non-vowel that follows a vowel, at least 3."""
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            return max(i + 1, 3)
    return len(word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one (already lower-cased) word."""
    s: str = _stemmer.stemWord(word)
    if s.endswith("et") and len(s) - 2 >= _r1_start(s):
        s = s[:-2]
        if s.endswith(_DOUBLES):
            s = s[:-1]
    return s


def words(text: str) -> list[str]:
    """The lower-cased words of a text, in order."""
    return WORD.findall(text.lower())


def terms(text: str) -> str:
    """What the index stores for a text: its stems, space separated."""
    return " ".join(stem(w) for w in words(text))


class Query(NamedTuple):
    """A parsed search: the stems to find (all of them), whether the last is a
    prefix (typing as you go), and whether the text was cut to MAX_QUERY."""

    stems: tuple[str, ...]
    prefix_last: bool
    truncated: bool

    @property
    def empty(self) -> bool:
        return not self.stems

    def fts5(self) -> str:
        """An FTS5 MATCH expression: every stem quoted (no operator can get in), AND-ed."""
        parts = [f'"{s}"' for s in self.stems]
        if self.prefix_last and parts:
            parts[-1] += "*"
        return " AND ".join(parts)

    def tsquery(self) -> str:
        """A PostgreSQL to_tsquery('simple', ...) expression: quoted lexemes, AND-ed."""
        parts = [f"'{s}'" for s in self.stems]
        if self.prefix_last and parts:
            parts[-1] += ":*"
        return " & ".join(parts)

    def like_pattern(self) -> str:
        """For the plain scan baseline: the first word as a LIKE pattern."""
        return "%" + self.stems[0] + "%" if self.stems else "%"


def parse(q: str | None) -> Query:
    """The stems of a query. The last word is matched as a prefix unless the
    query ends in a space, so a search box finds "Örby" while "Örb" is typed."""
    raw = q or ""
    truncated = len(raw) > MAX_QUERY
    raw = raw[:MAX_QUERY]
    ws = words(raw)
    if len(ws) > MAX_TERMS:
        ws, truncated = ws[:MAX_TERMS], True
    stems: list[str] = []
    for w in ws:
        s = stem(w)
        if s not in stems:
            stems.append(s)
    prefix_last = bool(ws) and not raw[-1:].isspace() and not truncated
    if prefix_last and stems and stem(ws[-1]) != stems[-1]:
        prefix_last = False  # the last word repeated an earlier one
    return Query(tuple(stems), prefix_last, truncated)


def _matches(word: str, query: Query) -> bool:
    s = stem(word)
    if s in query.stems:
        return True
    return (
        query.prefix_last and bool(query.stems) and (s.startswith(query.stems[-1]) or word.startswith(query.stems[-1]))
    )


def _segments(text: str) -> Iterator[tuple[str, bool]]:
    """(piece, is_word) covering the whole text."""
    pos = 0
    for m in WORD.finditer(text):
        if m.start() > pos:
            yield text[pos : m.start()], False
        yield m.group(), True
        pos = m.end()
    if pos < len(text):
        yield text[pos:], False


def highlight(text: str, query: Query, *, limit: int = 300) -> Markup:
    """The text (or an excerpt of at most about `limit` characters around the
    first match) HTML-escaped, with the matching words in <mark>. Escaping
    comes first: every piece is escaped, only the <mark> tags are markup."""
    segs = list(_segments(text))
    hits = [i for i, (piece, is_word) in enumerate(segs) if is_word and _matches(piece.lower(), query)]
    start, end = 0, len(segs)
    if len(text) > limit:
        # About a third of the excerpt before the first hit, the rest after it.
        first = hits[0] if hits else 0
        start = end = first
        before = 0
        while start > 0 and before + len(segs[start - 1][0]) <= limit // 3:
            start -= 1
            before += len(segs[start][0])
        size = before
        while end < len(segs) and size < limit:
            size += len(segs[end][0])
            end += 1
    hit_set = set(hits)
    out = [Markup("…") if start > 0 else Markup("")]
    for i in range(start, end):
        piece = segs[i][0]
        out.append(Markup("<mark>%s</mark>") % piece if i in hit_set else escape(piece))
    if end < len(segs):
        out.append(Markup("…"))
    return Markup("").join(out)
