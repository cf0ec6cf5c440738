"""Display labels for the domain's codes, through the translation layer.

Swedish is the source language of the catalog (msgids are Swedish); the
English catalog translates them. Lazy strings, so each request gets its own
locale.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

LEVELS = {
    "normal": _l("Normalläge"),
    "monitoring": _l("Bevakningsläge"),
    "reinforced": _l("Förstärkningsläge"),
    "staff": _l("Stabsläge"),
    "extraordinary": _l("Extraordinär händelse"),
    "heightened_alert": _l("Höjd beredskap"),
}
LOG_KINDS = {
    "info": _l("Info"),
    "decision": _l("Beslut"),
    "action": _l("Åtgärd"),
    "incoming": _l("Inkommande"),
    "outgoing": _l("Utgående"),
    "status": _l("Status"),
    "system": _l("System"),
}
CLASSIFICATIONS = {
    "public": _l("Offentlig"),
    "internal": _l("Intern"),
    "confidential": _l("Sekretess"),
}
ROLES = {
    "admin": _l("Administratör"),
    "leader": _l("Krisledning (chef)"),
    "staff": _l("Stab"),
    "duty_officer": _l("Tjänsteman i beredskap (TiB)"),
    "exercise_control": _l("Övningsledning"),
    "observer": _l("Observatör (läsbehörighet)"),
}
MODES = {"real": _l("Skarp"), "exercise": _l("ÖVNING")}
STATUSES = {"active": _l("Aktiv"), "closed": _l("Avslutad")}
POSITIONS = {
    "krisledningschef": _l("Krisledningschef"),
    "stabschef": _l("Stabschef"),
    "ledningsstod": _l("Ledningsstöd/dagbok"),
    "analys": _l("Analys/lägesbild"),
    "planering": _l("Planering"),
    "kommunikation": _l("Kommunikation"),
    "samverkan": _l("Samverkan"),
    "resurs": _l("Resurs/logistik"),
    "personal": _l("Personal"),
    "samband": _l("Samband"),
}


def as_strings(table: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in table.items()}
