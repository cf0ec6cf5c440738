"""The text of a handover brief (överlämning), in the fixed Swedish of the record.

Pure module: the handover service gathers the facts (crisis.staffing.handover)
and this module writes them as the plain Swedish text the leaving person edits
and signs. The signed text is a log entry, so it follows the rules of
crisis/record_sv.py: names and labels, never internal keys; Swedish time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crisis.timefmt import date_hhmm, hhmm

# How much of the record a brief quotes: the key entries and the longest text of one.
KEY_ENTRIES = 8
ENTRY_CHARS = 200
LIST_ITEMS = 8


@dataclass
class BriefEntry:
    number: int
    at: datetime
    kind: str  # the fixed Swedish label of the entry's kind
    text: str


@dataclass
class BriefTask:
    title: str
    status: str  # the fixed Swedish label of the status
    due_at: datetime | None
    overdue: bool


@dataclass
class BriefDecision:
    label: str  # "B-3"
    text: str
    follow_up_at: datetime | None


@dataclass
class BriefFacts:
    position_label: str
    holder_name: str
    since: datetime
    now: datetime
    entries_total: int = 0
    entries_position: int = 0
    decisions_total: int = 0
    key_entries: list[BriefEntry] = field(default_factory=list)
    open_tasks: list[BriefTask] = field(default_factory=list)
    pending_decisions: list[BriefDecision] = field(default_factory=list)
    overdue_tasks: list[str] = field(default_factory=list)  # titles, the whole incident
    sites_down: list[str] = field(default_factory=list)
    sites_at_risk: list[str] = field(default_factory=list)
    next_report_at: datetime | None = None


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _join(items: list[str]) -> str:
    """'a', 'a och b', 'a, b och c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def _short(text: str, limit: int = ENTRY_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _more(items: list[str], limit: int = LIST_ITEMS) -> str:
    shown = _join(items[:limit]) if len(items) <= limit else ", ".join(items[:limit])
    rest = len(items) - limit
    return shown + (f" och {rest} till" if rest > 0 else "")


def compose(facts: BriefFacts) -> str:
    """The brief as plain text, section by section; empty sections say so."""
    lines = [
        f"Överlämning: {facts.position_label}",
        f"Från {facts.holder_name}, i tjänst sedan {date_hhmm(facts.since)}, överlämnar {date_hhmm(facts.now)}.",
        "",
        "Sedan incheckningen",
        f"- {_count(facts.entries_total, 'dagbokspost', 'dagboksposter')} i händelsen, "
        f"varav {facts.entries_position} av eller till funktionen, "
        f"{_count(facts.decisions_total, 'beslut', 'beslut') if facts.decisions_total else 'inga beslut'}.",
    ]
    for e in facts.key_entries:
        lines.append(f"- Post {e.number} kl. {hhmm(e.at)} ({e.kind}): {_short(e.text)}")
    lines += ["", "Funktionens öppna uppgifter"]
    if facts.open_tasks:
        for t in facts.open_tasks:
            due = ""
            if t.due_at is not None:
                due = f", {'försenad sedan' if t.overdue else 'klar senast'} {date_hhmm(t.due_at)}"
            lines.append(f"- {_short(t.title)} ({t.status}{due})")
    else:
        lines.append("- Inga.")
    lines += ["", "Beslut att följa upp"]
    if facts.pending_decisions:
        for d in facts.pending_decisions:
            when = f", följs upp {date_hhmm(d.follow_up_at)}" if d.follow_up_at else ""
            lines.append(f"- {d.label}: {_short(d.text)}{when}")
    else:
        lines.append("- Inga.")
    lines += ["", "Att bevaka"]
    watch = []
    if facts.overdue_tasks:
        watch.append(
            f"- {_count(len(facts.overdue_tasks), 'försenad uppgift', 'försenade uppgifter')}: "
            f"{_more(facts.overdue_tasks)}."
        )
    if facts.sites_down:
        watch.append(f"- Ur drift eller begränsad drift: {_more(facts.sites_down)}.")
    if facts.sites_at_risk:
        watch.append(f"- I riskzon: {_more(facts.sites_at_risk)}.")
    if facts.next_report_at is not None:
        watch.append(f"- Nästa lägesrapport senast {date_hhmm(facts.next_report_at)}.")
    lines += watch or ["- Inget särskilt."]
    return "\n".join(lines)


def signed_entry(*, position_label: str, holder_name: str, signed_at: datetime, text: str) -> str:
    """The log entry of a signed brief: who handed over which position, when, and the brief itself."""
    return f"Överlämning signerad av {holder_name} ({position_label}) kl. {hhmm(signed_at)}:\n{text}"


def acknowledged_entry(*, position_label: str, from_name: str, by_name: str) -> str:
    return f"{by_name} kvitterar överlämningen för {position_label} från {from_name}."
