"""The sections of the lägesbild, in order, with their Swedish names. Pure module."""

from __future__ import annotations

from typing import Any

from crisis.labels import N_, SITE_CATEGORIES, LabelTable

# Text sections; "konsekvenser" is a text per sector (the site categories) plus "general".
SECTIONS: tuple[str, ...] = (
    "handelse",
    "omfattning",
    "konsekvenser",
    "resurser",
    "aktorer",
    "kommunikation",
    "prognos",
    "behov_av_beslut",
)
SECTION_LABELS = LabelTable(
    {
        "handelse": N_("Händelse"),
        "omfattning": N_("Omfattning"),
        "konsekvenser": N_("Konsekvenser per sektor"),
        "resurser": N_("Resurser"),
        "aktorer": N_("Aktörer"),
        "kommunikation": N_("Kommunikation"),
        "prognos": N_("Prognos"),
        "behov_av_beslut": N_("Behov av beslut"),
    }
)
GENERAL = "general"
SECTORS: tuple[str, ...] = (GENERAL, *SITE_CATEGORIES)
SECTOR_LABELS = LabelTable({GENERAL: N_("Övergripande"), **{k: SITE_CATEGORIES.sv(k) for k in SITE_CATEGORIES}})
MAX_TEXT = 10000


def empty() -> dict[str, Any]:
    return {k: ({} if k == "konsekvenser" else "") for k in SECTIONS}


def consequence_lines(konsekvenser: dict[str, str]) -> list[str]:
    """ "El: text" per sector with text, in the sectors' order (the general one without a label)."""
    lines = []
    for key in SECTORS:
        text = (konsekvenser.get(key) or "").strip()
        if text:
            lines.append(text if key == GENERAL else f"{SECTOR_LABELS.sv(key)}: {text}")
    return lines
