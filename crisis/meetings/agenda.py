"""The standard agenda (dagordning) of a stabsorientering, in order, and the meeting protocol text.

Pure module: the keys are stable codes, the labels Swedish (the record is kept
in Swedish; screens translate through the LabelTable).
"""

from __future__ import annotations

from collections.abc import Sequence

from crisis.labels import N_, LabelTable

AGENDA: tuple[str, ...] = (
    "attendance",
    "situation",
    "functions",
    "follow_up",
    "decisions_needed",
    "communication",
    "liaison",
    "endurance",
    "next_meeting",
)

AGENDA_LABELS = LabelTable(
    {
        "attendance": N_("Närvaro och roller"),
        "situation": N_("Läget"),
        "functions": N_("Per funktion"),
        "follow_up": N_("Uppföljning av beslut och uppgifter"),
        "decisions_needed": N_("Behov av beslut"),
        "communication": N_("Kommunikation"),
        "liaison": N_("Samverkan och rapportering"),
        "endurance": N_("Uthållighet"),
        "next_meeting": N_("Nästa möte"),
    }
)


def protocol_text(
    *,
    number: int,
    started: str,
    ended: str,
    chair: str,
    attendees: Sequence[str],
    notes: dict[str, str],
    decisions: Sequence[str],
    tasks: Sequence[str],
    next_meeting: str | None,
) -> str:
    """The meeting's record as one plain Swedish text (the log entry)."""
    lines = [f"Protokoll stabsorientering {number} ({started}–{ended})."]
    lines.append(f"Ordförande: {chair or 'ej angiven'}.")
    lines.append("Närvarande: " + (", ".join(attendees) if attendees else "ej antecknat") + ".")
    for i, key in enumerate(AGENDA, start=1):
        note = (notes.get(key) or "").strip()
        lines.append(f"{i}. {AGENDA_LABELS.sv(key)}: {note or '–'}")
    lines.append("Beslut: " + ("; ".join(decisions) if decisions else "inga") + ".")
    lines.append("Uppgifter: " + ("; ".join(tasks) if tasks else "inga") + ".")
    if next_meeting:
        lines.append(f"Nästa möte: {next_meeting}.")
    return "\n".join(lines)
