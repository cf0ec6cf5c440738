"""Plain-text forms of a lägesrapport: the WIS paste and the prefill lines.

Pure module: no Flask, no database. It works on the report dictionary the
API returns (`crisis.reports.schemas.to_dict`). The record is kept in
Swedish whatever language the screen shows (like the log), because it is
sent to Länsstyrelsen as it stands; so the vocabulary here is fixed
Swedish, not translated.

`render_wis_text(report)` gives text ready to paste into WIS (Webbaserat
informationssystem, MCF's (formerly MSB's) system for sharing lägesbilder
between kommuner, Länsstyrelsen and the agencies): numbered headings in the usual
order of a Swedish lägesrapport, times in Europe/Stockholm, no markup, and
ÖVNING at the top and the bottom of an exercise report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from crisis import labels, record_sv, timefmt

STOCKHOLM: Final = timefmt.TZ
EXERCISE_MARK: Final = "ÖVNING"
EXERCISE_LINE: Final = "*** ÖVNING – ÖVNING – ÖVNING ***"

# The Swedish names come from their one home (the report is part of the record: fixed Swedish).
LEVELS_SV: Final = labels.LEVELS.swedish
CATEGORIES_SV: Final = labels.SITE_CATEGORIES.swedish
SITE_STATES_SV: Final = record_sv.SITE_STATES
STATUSES_SV: Final = labels.REPORT_STATUSES.swedish
SECTIONS: Final = (
    ("handelse", "Händelse"),
    ("konsekvenser", "Konsekvenser"),
    ("vidtagna_atgarder", "Vidtagna åtgärder"),
    ("beslut", "Beslut"),
    ("behov", "Behov"),
    ("prognos", "Prognos"),
    ("kommunikation", "Kommunikation"),
)
# What Länsstyrelsen asks for beyond the narrative (after "Nästa rapport", so the usual numbers stay).
LST_SECTIONS: Final = (
    ("omfattning", "Omfattning (antal berörda)"),
    ("sarbara_grupper", "Sårbara grupper"),
    ("samverkan", "Samverkan (med vilka)"),
    ("trygghetspunkter", "Öppna trygghetspunkter"),
    ("osakerheter", "Osäkerheter"),
)
EMPTY: Final = "–"


def yes_no(value: Any) -> str:
    return EMPTY if value is None else ("ja" if value else "nej")


def header_lines(report: Mapping[str, Any], recipient: str = "") -> list[str]:
    """Recipient, classification, contact, period, activation and VMA: the head of a report to Länsstyrelsen."""
    out: list[str] = []
    if recipient:
        out.append(f"Till: {recipient}")
    level = report.get("klassning") or "K1"
    ground = report.get("osl_grund")
    out.append(f"Klassning: {level}" + (f" – sekretess enligt {ground}" if ground else ""))
    contact = ", ".join(v for v in (_clean(report.get("kontaktperson")), _clean(report.get("kontakt_telefon"))) if v)
    out.append(f"Kontaktperson: {contact or EMPTY}")
    start, end = local_time(report.get("period_fran")), local_time(report.get("period_till"))
    out.append(f"Avser perioden: {start or EMPTY} – {end or EMPTY}")
    out.append(f"Central krisledning aktiverad: {yes_no(report.get('krisledning_aktiverad'))}")
    out.append(f"Krisledningsnämnden i funktion: {yes_no(report.get('kln_aktiverad'))}")
    vma = yes_no(bool(report.get("vma_begard")))
    if report.get("vma_begard") and report.get("vma_begard_at"):
        vma += f" ({local_time(report.get('vma_begard_at'))})"
    out.append(f"VMA begärt: {vma}")
    return out


def local_time(value: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An ISO string or aware datetime as Stockholm local time; '' for None."""
    if not value:
        return ""
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    return dt.astimezone(STOCKHOLM).strftime(fmt)


def is_exercise(report: Mapping[str, Any]) -> bool:
    if "exercise" in report:
        return bool(report["exercise"])
    mode = (report.get("snapshot") or {}).get("incident", {}).get("mode")
    return bool(mode == "exercise")


def _clean(text: Any) -> str:
    """Normalise newlines and trailing spaces; WIS takes plain text."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def site_lines(snapshot: Mapping[str, Any]) -> list[str]:
    """Site status for the konsekvenser section, compact enough for a report.

    One count line per category with any site down, degraded or at risk;
    then each site down or degraded (with its note); then the sites at risk
    by category on one line each; then those on backup power.
    """
    sites = snapshot.get("sites") or {}
    if not sites.get("available"):
        return []
    lines: list[str] = []
    for cat, counts in (sites.get("categories") or {}).items():
        if not any(counts.get(s) for s in ("down", "degraded", "at_risk")):
            continue  # all working, or simply not reported on yet: nothing to say
        parts = [
            f"{counts[s]} {SITE_STATES_SV[s]}" for s in ("down", "degraded", "at_risk", "operational") if counts.get(s)
        ]
        lines.append(f"{CATEGORIES_SV.get(cat, cat)}: {', '.join(parts)}")
    return lines + site_detail_lines(snapshot)


def site_detail_lines(snapshot: Mapping[str, Any]) -> list[str]:
    """The sites down or degraded, at risk (by category) and on backup power."""
    sites = snapshot.get("sites") or {}
    if not sites.get("available"):
        return []
    lines: list[str] = []
    problems = list(sites.get("problems") or ())
    failing = [p for p in problems if p.get("status") in ("down", "degraded")]
    if failing:
        lines.append("Ur drift eller begränsad drift:")
        for p in failing:
            cat = CATEGORIES_SV.get(p.get("category") or "", p.get("category") or "")
            note = f" – {p['note']}" if p.get("note") else ""
            lines.append(f"- {p.get('name') or p.get('key')} ({cat}): {SITE_STATES_SV[p['status']]}{note}")
    at_risk: dict[str, list[str]] = {}
    for p in problems:
        if p.get("at_risk") and p.get("status") not in ("down", "degraded"):
            at_risk.setdefault(p.get("category") or "", []).append(str(p.get("name") or p.get("key")))
    if at_risk:
        lines.append("I riskzon (beroende av verksamhet ur drift eller med begränsad drift):")
        for cat, names in at_risk.items():
            lines.append(f"- {CATEGORIES_SV.get(cat, cat)}: {', '.join(names)}")
    backup = list(sites.get("on_backup_power") or ())
    if backup:
        lines.append("På reservkraft:")
        for b in backup:
            cat = CATEGORIES_SV.get(b.get("category") or "", b.get("category") or "")
            fuel = b.get("fuel_left_hours")
            left = f", bränsle för cirka {fuel:g} h" if isinstance(fuel, (int, float)) else ""
            lines.append(f"- {b.get('name') or b.get('key')} ({cat}){left}")
    return lines


def log_lines(entries: Iterable[Mapping[str, Any]], *, decision: bool = False) -> list[str]:
    """Log entries as report lines: '14:32 (nr 12) text [beslutsfattare, mandat]'."""
    out = []
    for e in entries:
        line = f"{local_time(e.get('occurred_at'), '%H:%M')} (nr {e.get('number')}) {_clean(e.get('text'))}"
        if decision and (e.get("decided_by") or e.get("mandate")):
            who = ", ".join(x for x in (e.get("decided_by"), e.get("mandate")) if x)
            line += f" [{who}]"
        out.append(line)
    return out


def render_wis_text(report: Mapping[str, Any], *, kommun: str = "", recipient: str = "") -> str:
    """The report as plain text to paste into WIS."""
    snap = report.get("snapshot") or {}
    incident = snap.get("incident") or {}
    exercise = is_exercise(report)
    out: list[str] = []
    if exercise:
        out += [EXERCISE_LINE, ""]
    head = f"LÄGESRAPPORT NR {report.get('number')}"
    if kommun:
        head += f" – {kommun}"
    if exercise:
        head = f"{EXERCISE_MARK}: {head}"
    out.append(head)
    if report.get("supersedes"):
        out.append(f"Ersätter lägesrapport nr {report['supersedes']} (rättelse).")
    title = incident.get("title") or ""
    out.append(f"Händelse: {EXERCISE_MARK + ': ' if exercise else ''}{title}")
    level = snap.get("level") or incident.get("level")
    if level:
        out.append(f"Nivå: {LEVELS_SV.get(level, level)}")
    if snap.get("taken_at"):
        out.append(f"Lägesbild per: {local_time(snap['taken_at'])}")
    status = report.get("status") or "draft"
    if report.get("approved_at"):
        out.append(f"Fastställd: {local_time(report['approved_at'])} av {report.get('approved_by') or ''}".rstrip())
    else:
        out.append(f"Status: {STATUSES_SV.get(status, status)} – ej fastställd")
    out.append(f"Rapportör: {report.get('created_by') or ''}".rstrip())
    out += header_lines(report, recipient)
    for i, (field, label) in enumerate(SECTIONS, start=1):
        out += ["", f"{i}. {label.upper()}", _clean(report.get(field)) or EMPTY]
    out += ["", f"{len(SECTIONS) + 1}. NÄSTA RAPPORT", local_time(report.get("nasta_rapport")) or EMPTY]
    for i, (field, label) in enumerate(LST_SECTIONS, start=len(SECTIONS) + 2):
        out += ["", f"{i}. {label.upper()}", _clean(report.get(field)) or EMPTY]
    if exercise:
        out += ["", EXERCISE_LINE]
    return "\n".join(out) + "\n"
