"""The demo's year of history (seed hook): closed incidents of last year and this year, with level
decisions, one KLN activation, and lessons opened and closed, so the yearly follow-up is not empty.

Everything goes through the ordinary services (the log's hash chain is real),
inside `crisis.db.history_clock`, which stamps what is written with a past time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")

# title, kind, (year offset, month, day, hour), level steps [(hours after opening, level)], days open
HISTORY: list[tuple[str, str, tuple[int, int, int, int], list[tuple[int, str]], int]] = [
    ("Stormen Herminge: träd över ledningar", "storm", (-1, 1, 26, 7), [(3, "reinforced")], 2),
    ("Värmebölja: äldreboenden och hemtjänst", "värmebölja", (-1, 7, 14, 9), [], 6),
    ("Dricksvatten: E. coli i Fritsla", "dricksvatten", (-1, 11, 3, 6), [(1, "reinforced"), (4, "staff")], 9),
    ("IT-angrepp mot kommunens e-tjänster", "it-angrepp", (0, 3, 3, 8), [(2, "reinforced"), (6, "staff")], 4),
    ("Skogsbrand vid Tofteryd", "skogsbrand", (0, 6, 18, 14), [(2, "reinforced")], 3),
]
KLN_INCIDENT = "Dricksvatten: E. coli i Fritsla"


def load_demo_history() -> None:
    from crisis.auth import service as users
    from crisis.db import history_clock, utcnow

    tib = users.get_by_username(username="tib")
    chef = users.get_by_username(username="chef")
    dagbok = users.get_by_username(username="dagbok")
    if tib is None or chef is None or dagbok is None:
        return
    this_year = utcnow().astimezone(TZ).year
    for title, kind, (dy, month, day, hour), steps, days in HISTORY:
        opened = datetime(this_year + dy, month, day, hour, 0, tzinfo=TZ)
        if opened >= utcnow():  # early in the year: this year's history has not happened yet
            continue
        _one_incident(
            history_clock,
            tib=tib,
            chef=chef,
            dagbok=dagbok,
            title=title,
            kind=kind,
            opened=opened,
            steps=steps,
            days=days,
        )


def _one_incident(
    history_clock: Any,
    *,
    tib: Any,
    chef: Any,
    dagbok: Any,
    title: str,
    kind: str,
    opened: datetime,
    steps: list[tuple[int, str]],
    days: int,
) -> None:
    from crisis.db import utcnow
    from crisis.decisions import service as decisions
    from crisis.incidents import service as incidents
    from crisis.lessons import service as lessons
    from crisis.log import service as log

    if opened + timedelta(days=days) >= utcnow():
        return  # it would still be going on
    with history_clock(opened):
        inc = incidents.create(
            actor=tib, title=title, kind=kind, level="monitoring", description="Exempeldata (historik)."
        )
    with history_clock(opened + timedelta(minutes=20)):
        log.append(
            actor=dagbok,
            incident_id=inc.id,
            kind="incoming",
            counterpart="SOS Alarm",
            text=f"Larm om {kind}; TiB informerad och bedömer läget.",
        )
    for hours, level in steps:
        with history_clock(opened + timedelta(hours=hours)):
            decisions.record(
                actor=chef,
                incident_id=inc.id,
                type="level",
                level=level,
                text="",
                decided_by=chef.display_name,
                mandate="",
                mandate_key="krisledningschef",
                reason="Läget kräver mer samordning och stabsresurser.",
            )
    if title == KLN_INCIDENT:
        with history_clock(opened + timedelta(hours=6)):
            decisions.record(
                actor=chef,
                incident_id=inc.id,
                type="kln",
                text="",
                decided_by="Ordförande i krisledningsnämnden",
                mandate_key="kln_ordforande",
                mandate="",
                reason="Extraordinär händelse: dricksvattnet otjänligt för 8 000 invånare i flera dygn.",
                data={"action": "activate", "scope": "Dricksvattenförsörjningen i Fritsla och Kinna"},
            )
        with history_clock(opened + timedelta(days=days - 1)):
            decisions.record(
                actor=chef,
                incident_id=inc.id,
                type="kln",
                text="",
                decided_by="Ordförande i krisledningsnämnden",
                mandate_key="kln_ordforande",
                mandate="",
                reason="Dricksvattnet tjänligt igen; ordinarie ledning räcker.",
                data={"action": "stand_down"},
            )
    with history_clock(opened + timedelta(days=days)):
        lesson = lessons.create(
            actor=dagbok,
            incident_id=inc.id,
            owner="Säkerhetssamordnare",
            observation=f"{title}: lägesbilden till hemtjänsten kom sent första dygnet.",
            recommendation="Lägg hemtjänsten i sändlistan för lägesbilder från start.",
        )
        incidents.update(
            actor=chef,
            incident_id=inc.id,
            status="closed",
            decided_by=chef.display_name,
            mandate="Krisledningschef",
            reason="Normal drift återställd; inga kvarstående åtgärder i staben.",
        )
    done_at = opened + timedelta(days=days + 30)
    if opened.month < 10 and done_at < utcnow():  # the older lessons are done by now
        with history_clock(done_at):
            lessons.update(actor=chef, lesson_id=lesson.id, status="done")
