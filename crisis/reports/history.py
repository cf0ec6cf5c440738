"""What changed between two versions of a lägesrapport: a field-by-field diff.

Pure module: no Flask, no database. It works on the report dictionaries the
API returns (`crisis.reports.schemas.to_dict`), so the same function serves
the page, the API and the tests. The previous version of a report is the
report it supersedes (a correction) or else the report before it.

Each change is a dict:

    {"field": "prognos", "kind": "changed" | "added" | "removed",
     "before": "...", "after": "...",
     "lines": [{"op": "-" | "+" | " ", "text": "..."}]}   # text fields only

Snapshot facts are compared as facts, not as JSON: the level, each site
category's counts (`field` "sites", `name` the category, before/after
{state: count}), which sites are down or at risk (`field` "site", `name`
the site, before/after its state code), the open and overdue task counts
("tasks.open_count", "tasks.overdue_count") and who holds which position
(`field` "staffing", `name` the position, before/after the holders).
Codes are left as codes: the page translates them.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

TEXT_FIELDS: tuple[str, ...] = (
    "handelse",
    "konsekvenser",
    "vidtagna_atgarder",
    "beslut",
    "behov",
    "prognos",
    "kommunikation",
    "cap_headline",
    "cap_description",
    "cap_instruction",
    "cap_area_desc",
    "kontaktperson",
    "kontakt_telefon",
    "omfattning",
    "sarbara_grupper",
    "samverkan",
    "trygghetspunkter",
    "osakerheter",
)
VALUE_FIELDS: tuple[str, ...] = (
    "nasta_rapport",
    "period_fran",
    "period_till",
    "krisledning_aktiverad",
    "kln_aktiverad",
    "vma_begard",
    "vma_begard_at",
    "klassning",
    "osl_grund",
    "cap_category",
    "cap_urgency",
    "cap_severity",
    "cap_certainty",
)
SITE_STATES: tuple[str, ...] = ("operational", "degraded", "down", "unknown", "at_risk")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _kind(before: str, after: str) -> str:
    if not before:
        return "added"
    if not after:
        return "removed"
    return "changed"


def line_diff(before: str, after: str) -> list[dict[str, str]]:
    """The lines of `before` and `after`, each marked kept (' '), removed ('-') or added ('+')."""
    a, b = before.splitlines(), after.splitlines()
    out: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend({"op": " ", "text": line} for line in a[i1:i2])
            continue
        out.extend({"op": "-", "text": line} for line in a[i1:i2])
        out.extend({"op": "+", "text": line} for line in b[j1:j2])
    return out


def _value_change(field: str, before: Any, after: Any) -> dict[str, Any] | None:
    b, a = _text(before), _text(after)
    if b == a:
        return None
    return {"field": field, "kind": _kind(b, a), "before": b, "after": a}


def _site_counts(snapshot: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    sites = snapshot.get("sites") or {}
    return {
        cat: {s: int(counts.get(s, 0) or 0) for s in SITE_STATES}
        for cat, counts in (sites.get("categories") or {}).items()
    }


def _nonzero(counts: Mapping[str, int] | None) -> dict[str, int]:
    return {state: counts[state] for state in SITE_STATES if counts and counts.get(state)}


def _counts_key(counts: Mapping[str, int] | None) -> str:
    return "x" if _nonzero(counts) else ""


def _site_problems(snapshot: Mapping[str, Any]) -> dict[str, str]:
    sites = snapshot.get("sites") or {}
    out = {}
    for p in sites.get("problems") or ():
        state = p.get("status") or "unknown"
        if p.get("at_risk") and state not in ("down", "degraded"):
            state = "at_risk"
        out[str(p.get("name") or p.get("key"))] = state
    return out


def _staffing(snapshot: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(p.get("label") or p.get("key")): ", ".join(p.get("holders") or ()) for p in snapshot.get("staffing") or ()
    }


def _snapshot_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    c = _value_change("level", before.get("level"), after.get("level"))
    if c:
        changes.append(c)

    b_counts, a_counts = _site_counts(before), _site_counts(after)
    for cat in sorted(set(b_counts) | set(a_counts)):
        b, a = b_counts.get(cat), a_counts.get(cat)
        if _nonzero(b) != _nonzero(a):
            changes.append(
                {
                    "field": "sites",
                    "name": cat,
                    "kind": _kind(_counts_key(b), _counts_key(a)),
                    "before": _nonzero(b),
                    "after": _nonzero(a),
                }
            )

    b_prob, a_prob = _site_problems(before), _site_problems(after)
    for name in sorted(set(b_prob) | set(a_prob)):
        c = _value_change("site", b_prob.get(name), a_prob.get(name))
        if c:
            changes.append(dict(c, name=name))

    b_tasks, a_tasks = before.get("tasks") or {}, after.get("tasks") or {}
    for key in ("open_count", "overdue_count"):
        c = _value_change(f"tasks.{key}", b_tasks.get(key), a_tasks.get(key))
        if c:
            changes.append(c)

    b_staff, a_staff = _staffing(before), _staffing(after)
    for label in [*b_staff, *(k for k in a_staff if k not in b_staff)]:
        c = _value_change("staffing", b_staff.get(label), a_staff.get(label))
        if c:
            changes.append(dict(c, name=label))
    return changes


def diff_reports(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every change from `before` (the previous version, or None for the first) to `after`."""
    if before is None:
        return []
    changes: list[dict[str, Any]] = []
    for field in TEXT_FIELDS:
        b, a = _text(before.get(field)), _text(after.get(field))
        if b != a:
            changes.append({"field": field, "kind": _kind(b, a), "before": b, "after": a, "lines": line_diff(b, a)})
    for field in VALUE_FIELDS:
        c = _value_change(field, before.get(field), after.get(field))
        if c:
            changes.append(c)
    if (before.get("area") or None) != (after.get("area") or None):
        changes.append(
            {
                "field": "area",
                "kind": _kind("x" if before.get("area") else "", "x" if after.get("area") else ""),
                "before": "",
                "after": "",
            }
        )
    changes += _snapshot_changes(before.get("snapshot") or {}, after.get("snapshot") or {})
    return changes
