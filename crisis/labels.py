"""Display labels of the domain's codes: the one home of the Swedish names.

Each table maps a code (a stable key, e.g. ``Level.STAFF`` or ``"power"``) to
its Swedish name. Swedish is the source language of the translation catalog,
so the same table serves two readers:

* a screen: ``LEVELS["staff"]`` is a lazy translation, rendered in the
  request's language (English through crisis/translations);
* the record (log entries, task cards, reports are the legal record and are
  kept in fixed Swedish, whoever reads them): ``LEVELS.sv("staff")``.

Pure module: no import from the web layer or the services. Entries are marked
with ``N_`` so that babel extraction (and tests/unit/test_translations.py)
sees every Swedish name as a msgid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import lazy_gettext


def N_(text: str) -> str:
    """Mark a Swedish msgid for extraction; the value stays the Swedish text."""
    return text


class LabelTable(Mapping[str, Any]):
    """code -> Swedish name; ``table[code]`` translates lazily, ``table.sv(code)`` does not."""

    def __init__(self, swedish: Mapping[str, str]) -> None:
        self._sv = dict(swedish)

    def __getitem__(self, key: str) -> Any:
        return lazy_gettext(self._sv[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._sv)

    def __len__(self) -> int:
        return len(self._sv)

    @property
    def swedish(self) -> dict[str, str]:
        """code -> fixed Swedish name (a copy)."""
        return dict(self._sv)

    def sv(self, key: Any, default: str | None = None) -> str:
        """The fixed Swedish name (for the record); `default` (or the key) if unknown."""
        key = getattr(key, "value", key)
        if key in self._sv:
            return self._sv[key]
        return default if default is not None else str(key)


def as_strings(table: Mapping[str, Any]) -> dict[str, str]:
    """The table rendered in the current language (for JavaScript)."""
    return {k: str(v) for k, v in table.items()}


LEVELS = LabelTable(
    {
        "normal": N_("Normalläge"),
        "monitoring": N_("Bevakningsläge"),
        "reinforced": N_("Förstärkningsläge"),
        "staff": N_("Stabsläge"),
    }
)
DECISION_TYPES = LabelTable(
    {
        "direction": N_("Inriktningsbeslut"),
        "coordination": N_("Samordningsbeslut"),
        "priority": N_("Prioriteringsbeslut"),
        "resource": N_("Resursbeslut"),
        "delegation": N_("Delegationsbeslut"),
        "level": N_("Nivåbeslut"),
        "kln": N_("Beslut om krisledningsnämnden"),
        "stand_down": N_("Avvecklingsbeslut"),
        "other": N_("Övrigt beslut"),
    }
)
DECISION_STATUSES = LabelTable(
    {
        "in_force": N_("Gäller"),
        "superseded": N_("Ersatt"),
        "revoked": N_("Upphävt"),
        "done": N_("Genomfört"),
    }
)
READINESS = LabelTable(
    {
        "peace": N_("Fred (ingen höjd beredskap)"),
        "heightened": N_("Skärpt beredskap"),
        "highest": N_("Högsta beredskap"),
    }
)
LOG_KINDS = LabelTable(
    {
        "info": N_("Info"),
        "decision": N_("Beslut"),
        "action": N_("Åtgärd"),
        "incoming": N_("Inkommande"),
        "outgoing": N_("Utgående"),
        "status": N_("Status"),
        "system": N_("System"),
    }
)
CLASSIFICATIONS = LabelTable(
    {
        "public": N_("Offentlig"),
        "internal": N_("Intern"),
        "confidential": N_("Sekretess"),
    }
)
ROLES = LabelTable(
    {
        "admin": N_("Administratör"),
        "leader": N_("Krisledning (chef)"),
        "staff": N_("Stab"),
        "duty_officer": N_("Tjänsteperson i beredskap (TiB)"),
        "exercise_control": N_("Övningsledning"),
        "observer": N_("Observatör (läsbehörighet)"),
        "reporter": N_("Rapportör (förvaltning eller bolag)"),
    }
)
MODES = LabelTable({"real": N_("Skarp"), "exercise": N_("ÖVNING")})
STATUSES = LabelTable({"active": N_("Aktiv"), "standing_down": N_("Avveckling"), "closed": N_("Avslutad")})
POSITIONS = LabelTable(
    {
        "krisledningschef": N_("Krisledningschef"),
        "stabschef": N_("Stabschef"),
        "ledningsstod": N_("Ledningsstöd/dagbok"),
        "analys": N_("Analys/lägesbild"),
        "planering": N_("Planering"),
        "kommunikation": N_("Kommunikation"),
        "samverkan": N_("Samverkan"),
        "resurs": N_("Resurs/logistik"),
        "personal": N_("Personal"),
        "samband": N_("Samband"),
    }
)

# The site register.
SITE_CATEGORIES = LabelTable(
    {
        "health": N_("Vård"),
        "care": N_("Omsorg"),
        "rescue": N_("Räddningstjänst"),
        "water": N_("Dricksvatten"),
        "sewage": N_("Avlopp"),
        "power": N_("El"),
        "roads": N_("Väghållning"),
        "telecom": N_("Elektronisk kommunikation"),
        "school": N_("Skola och förskola"),
        "other": N_("Övrigt"),
    }
)
SITE_STATES = LabelTable(
    {
        "operational": N_("I drift"),
        "degraded": N_("Begränsad drift"),
        "down": N_("Ur drift"),
        "unknown": N_("Okänd"),
    }
)
# The same inside a sentence ("Kinna vårdcentral: ur drift."), with the derived "at risk".
SITE_STATES_IN_TEXT = LabelTable(
    {
        "operational": N_("i drift"),
        "degraded": N_("begränsad drift"),
        "down": N_("ur drift"),
        "unknown": N_("okänd status"),
        "at_risk": N_("i riskzon"),
    }
)

# Tasks.
TASK_STATUSES = LabelTable(
    {
        "todo": N_("Att göra"),
        "doing": N_("Pågår"),
        "blocked": N_("Blockerad"),
        "done": N_("Klar"),
        "cancelled": N_("Avbruten"),
    }
)
PRIORITIES = LabelTable({"high": N_("Hög"), "normal": N_("Normal"), "low": N_("Låg")})
TASK_FIELDS = LabelTable(
    {
        "created": N_("Skapad"),
        "title": N_("Titel"),
        "description": N_("Beskrivning"),
        "status": N_("Status"),
        "priority": N_("Prioritet"),
        "position": N_("Funktion"),
        "assignee": N_("Ansvarig"),
        "due_at": N_("Klar senast"),
    }
)

# Exercises.
EXERCISE_STATUSES = LabelTable(
    {
        "scheduled": N_("Planerad"),
        "running": N_("Pågår"),
        "paused": N_("Pausad"),
        "ended": N_("Avslutad"),
        "stopped": N_("ÖVNINGSSTOPP"),
    }
)
EXERCISE_FORMS = LabelTable(
    {
        "simulation": N_("Simuleringsövning"),
        "seminar": N_("Seminarieövning"),
        "kln": N_("Övning för krisledningsnämnden"),
        "incident": N_("Utvärdering av verklig händelse"),
    }
)
INJECT_CHANNELS = LabelTable(
    {
        "phone": N_("Telefon"),
        "email": N_("E-post"),
        "rakel": N_("Rakel"),
        "sms": N_("Sms"),
        "media": N_("Media"),
        "social": N_("Sociala medier"),
        "wis": N_("WIS"),
        "visit": N_("Besök"),
        "other": N_("Övrigt"),
    }
)

# Playbooks (spelböcker): call-out states and reminder kinds.
CALLOUT_STATES = LabelTable(
    {
        "pending": N_("ej larmad ännu"),
        "reached": N_("nådd"),
        "not_reached": N_("ej nådd"),
        "declined": N_("avböjer"),
    }
)
REMINDER_KINDS = LabelTable(
    {
        "report": N_("Lägesrapport"),
        "meeting": N_("Stabsmöte"),
        "check": N_("Kontroll"),
        "handover": N_("Avlösning"),
        "other": N_("Påminnelse"),
    }
)

# Deviation reports (avvikelserapporter): statuses and the steps of their history.
DEVIATION_STATUSES = LabelTable(
    {
        "new": N_("ny"),
        "monitoring": N_("under bevakning"),
        "dismissed": N_("avskriven"),
        "activated": N_("aktiverad"),
    }
)
DEVIATION_ACTIONS = LabelTable(
    {
        "reported": N_("rapporterad"),
        "monitoring": N_("bevakning"),
        "follow_up_due": N_("uppföljningstiden nådd"),
        "dismissed": N_("avskriven"),
        "activated": N_("spelbok aktiverad"),
    }
)

# Report (lägesrapport) statuses.
REPORT_STATUSES = LabelTable(
    {
        "draft": N_("Utkast"),
        "approved": N_("Fastställd"),
        "sent": N_("Skickad"),
        "acknowledged": N_("Kvitterad"),
    }
)

# Fields a user fills in, named in error messages: "Fältet Rubrik ...".
FIELDS = LabelTable(
    {
        "title": N_("Rubrik"),
        "text": N_("Text"),
        "description": N_("Beskrivning"),
        "reason": N_("Motivering"),
        "note": N_("Anteckning"),
        "sender": N_("Avsändare"),
        "expected_action": N_("Förväntad åtgärd"),
        "owner": N_("Ansvarig"),
        "observation": N_("Iakttagelse"),
        "recommendation": N_("Rekommendation"),
        "what": N_("Vad har hänt"),
        "contact": N_("Kontaktuppgifter"),
        "organisation": N_("Organisation"),
        "where": N_("Var"),
        "services": N_("Berörda verksamheter"),
        "name": N_("Namn"),
        "role": N_("Roll"),
        "context": N_("Bakgrund"),
        "decided_by": N_("Beslutsfattare"),
        "mandate": N_("Mandat"),
        "osl_ground": N_("Sekretessgrund (OSL)"),
        "counterpart": N_("Motpart"),
        "follow_up_at": N_("Uppföljningstid"),
        "since": N_("Sedan"),
        "occurred_at": N_("Tidpunkt"),
        "deadline": N_("Senast klart"),
        "evidence": N_("Underlag"),
        "worked": N_("Vad fungerade"),
        "did_not_work": N_("Vad fungerade inte"),
        "why": N_("Varför"),
        "position": N_("Funktion"),
        "verdict": N_("Bedömning"),
        "kind": N_("Slag"),
        "status": N_("Status"),
        "priority": N_("Prioritet"),
    }
)
DECISION_FIELDS = LabelTable(
    {
        "decided_by": N_("beslutsfattare (decided_by)"),
        "mandate": N_("mandat (mandate)"),
        "reason": N_("motivering (reason)"),
    }
)


def field(name: str) -> Any:
    """A field's display name for an error message: its Swedish label, else the name as given."""
    return FIELDS[name] if name in FIELDS else name
