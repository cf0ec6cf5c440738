"""The kinds of actor in the register (pure): key -> Swedish label (lazy, translated where shown)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

KINDS: dict[str, Any] = {
    "county": _l("Länsstyrelse"),
    "rescue": _l("Räddningstjänst"),
    "police": _l("Polis"),
    "region": _l("Region (hälso- och sjukvård)"),
    "power": _l("Elnätsbolag"),
    "telecom": _l("Teleoperatör"),
    "roads": _l("Trafikverket och väghållare"),
    "neighbour": _l("Grannkommun"),
    "water": _l("Dricksvatten (VAKA m.fl.)"),
    "municipal_company": _l("Kommunalt bolag"),
    "department": _l("Kommunens förvaltning"),
    "authority": _l("Statlig myndighet"),
    "business": _l("Näringsliv"),
    "voluntary": _l("Frivilliga"),
    "other": _l("Övrigt"),
}

# The kommun's own side of a request or conference (not an actor row).
SELF_LABEL_SV = "kommunen"
