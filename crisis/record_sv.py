"""The fixed Swedish of the record: texts of system log entries, task origins, mail notes.

The log, task cards and reports are the legal record of a krisledning. They
are written once, in Swedish, and read the same by everyone (they are NOT
translated per user, unlike the screens around them). Rules for every text
here: plain Swedish a diarist would write; names and display labels, never
internal keys, file names or configuration names; times in Swedish time
(crisis.timefmt).

"Playbook" is called *spelbok* in Swedish, here and in the interface.

Pure module: labels come from crisis.labels (``.sv()``, the fixed Swedish),
nothing from the web layer or the services.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from crisis import labels
from crisis.timefmt import hhmm

PLAYBOOK = "spelbok"

# A site's state inside a sentence of the record ("ur drift", "okänd status", "i riskzon").
SITE_STATES = labels.SITE_STATES_IN_TEXT.swedish


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _join(items: Sequence[str]) -> str:
    """'a', 'a och b', 'a, b och c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


# --- spelböcker (playbooks) -------------------------------------------------------------


def playbook_activated(
    *,
    title: str,
    positions: int,
    tasks: int,
    checklist: int,
    callout: int,
    reminders: Iterable[tuple[str, int, datetime]] = (),
    categories: Iterable[str] = (),
) -> str:
    """The activation's summary. `reminders`: (kind code, every minutes, first time);
    `categories`: site category codes the map highlights."""
    parts = [
        f"Spelboken «{title}» aktiverad: {_count(positions, 'stabsfunktion', 'stabsfunktioner')}, "
        f"{_count(tasks, 'första uppgift', 'första uppgifter')}, "
        f"checklista med {_count(checklist, 'punkt', 'punkter')}, "
        f"larmlista med {_count(callout, 'kontakt', 'kontakter')}."
    ]
    rems = [
        f"{labels.REMINDER_KINDS.sv(kind).lower()} var {every} min, första kl. {hhmm(first)}"
        for kind, every, first in reminders
    ]
    if rems:
        parts.append("Återkommande påminnelser: " + "; ".join(rems) + ".")
    names = [labels.SITE_CATEGORIES.sv(c) for c in categories]
    if names:
        parts.append("Markeras på kartan: " + _join([n.lower() if n != "El" else "el" for n in names]) + ".")
    return " ".join(parts)


def task_origin_playbook(*, title: str, number: int) -> str:
    """A task's origin when a spelbok created it (shown on the task card)."""
    return f"Spelboken «{title}», uppgift {number}"


def reminders_stopped(reminders: Iterable[tuple[str, int]]) -> str:
    """(kind code, every minutes) of each reminder stopped when the incident closes."""
    names = [f"{labels.REMINDER_KINDS.sv(kind).lower()} var {every} min" for kind, every in reminders]
    return "Återkommande påminnelser stoppade: " + _join(names) + "."


def reminder_due(*, kind: str, text: str, position_label: str | None, next_at: datetime) -> str:
    who = f" Ansvarig: {position_label}." if position_label else ""
    return f"Påminnelse – {labels.REMINDER_KINDS.sv(kind, 'Påminnelse')}: {text}{who} Nästa gång kl. {hhmm(next_at)}."


def callout_state(*, name: str, role: str, state: str, note: str | None) -> str:
    who = f"{name} ({role})" if role else name
    text = f"Larmning: {who} – {labels.CALLOUT_STATES.sv(state)}."
    return f"{text} {note}" if note else text


# --- e-post om larmning (call-out mail) ------------------------------------------------------


def _mail_reason(error: str | None) -> str:
    """A readable Swedish reason for a technical mail error (the technical text stays in the outbox)."""
    e = error or ""
    if e.startswith("no_smtp_host"):
        return "ingen e-postserver är inställd"
    if e.startswith("smtp_auth_failed"):
        return "e-postservern godtog inte inloggningen: kontrollera användarnamn och lösenord"
    if e.startswith("smtp_auth_unsupported"):
        return "e-postservern erbjuder ingen inloggning"
    if e.startswith("smtp_login_needs_tls"):
        return "inloggning till e-postservern kräver krypterad anslutning (STARTTLS), som inte är påslagen"
    if e.startswith("smtp_starttls_unsupported"):
        return "e-postservern erbjuder ingen krypterad anslutning (STARTTLS)"
    if e.startswith("smtp_tls_failed"):
        return "den krypterade anslutningen till e-postservern misslyckades (certifikatet kunde inte godkännas)"
    if "RecipientsRefused" in e:
        return "e-postservern tog inte emot adressen"
    if "SenderRefused" in e:
        return "e-postservern tog inte emot avsändaradressen"
    if any(k in e for k in ("DataError", "ResponseException", "SMTPException", "NotSupported")):
        return "e-postservern avvisade meddelandet"
    if any(k in e for k in ("Timeout", "timed out")):
        return "e-postservern svarade inte i tid"
    return "e-postservern gick inte att nå"


def mail_sent(addresses: Sequence[str], subject: str) -> str:
    return f"E-post om larmningen skickad till {', '.join(addresses)} (ämne: «{subject}»)."


def mail_dry_run(addresses: Sequence[str], subject: str) -> str:
    return (
        "Provläge för e-post: inget skickades. E-post med ämnet "
        f"«{subject}» skulle ha gått till {', '.join(addresses)}."
    )


def mail_suppressed(addresses: Sequence[str]) -> str:
    return (
        f"ÖVNING: e-post till {', '.join(addresses)} skickades inte "
        "(adressen finns inte bland dem som får e-post under övningar)."
    )


def mail_failed(failures: Sequence[tuple[str, str | None]]) -> str:
    """(address, technical error) per failed message: one readable sentence."""
    by_reason: dict[str, list[str]] = {}
    for address, error in failures:
        by_reason.setdefault(_mail_reason(error), []).append(address)
    parts = [f"{_join(addrs)} ({reason})" for reason, addrs in by_reason.items()]
    return "E-post kunde inte skickas till " + "; ".join(parts) + ". Ring i stället."


# --- uppgifter (tasks) -----------------------------------------------------------------------


def task_details(*, position_label: str | None, assignee: str | None, due: str | None, priority: str | None) -> str:
    """' (funktion X, ansvarig Y, klar senast Z, prioritet hög)' or ''. `priority` is a code, normal left out."""
    parts = []
    if position_label:
        parts.append(f"funktion {position_label}")
    if assignee:
        parts.append(f"ansvarig {assignee}")
    if due:
        parts.append(f"klar senast {due}")
    if priority and priority != "normal":
        parts.append(f"prioritet {labels.PRIORITIES.sv(priority).lower()}")
    return f" ({', '.join(parts)})" if parts else ""


TASK_FIELDS = {
    "title": "titel",
    "description": "beskrivning",
    "status": "status",
    "priority": "prioritet",
    "position": "funktion",
    "assignee": "ansvarig",
    "due_at": "klar senast",
}


def task_status(code: str) -> str:
    return labels.TASK_STATUSES.sv(code).lower()


def task_priority(code: str) -> str:
    return labels.PRIORITIES.sv(code).lower()


# --- övningar (exercises) --------------------------------------------------------------------


def exercise_started(*, title: str, speed: float) -> str:
    return (
        f"ÖVNING startad: scenariot «{title}», hastighet {speed:g}×. "
        "Inspel kommer som inkommande poster till respektive funktion."
    )


def exercise_context(*, title: str, control: str) -> str:
    return f"Övning enligt scenariot «{title}», övningsledning: {control}."


def inject_channel(code: str) -> str:
    """'telefon', 'e-post', 'Rakel', 'WIS' (names stay capitalised inside a sentence)."""
    name = labels.INJECT_CHANNELS.sv(code)
    return name if name.isupper() or name == "Rakel" else name.lower()


# --- händelser (incidents) -------------------------------------------------------------------


def level(code: str) -> str:
    """A level inside a sentence: 'stabsläge', 'höjd beredskap'."""
    name = labels.LEVELS.sv(code)
    return name[0].lower() + name[1:]


# --- avvikelserapporter (deviation reports) --------------------------------------------------


def deviation_action(code: str) -> str:
    return labels.DEVIATION_ACTIONS.sv(code)


# --- beslut (decisions) -----------------------------------------------------------------------


# The origin of the level decision task a spelbok's proposed level creates.
LEVEL_PROPOSAL_ORIGIN = "Spelbokens nivåförslag (beslut krävs)"

# The mandate a TiB decides a level under when the delegationsordning names none.
TIB_MANDATE = "Tjänsteperson i beredskap (TiB) enligt instruktion för TiB"


def decision_type(code: str) -> str:
    """A decision type inside a sentence: 'inriktningsbeslut', 'beslut om krisledningsnämnden'."""
    name = labels.DECISION_TYPES.sv(code)
    return name[0].lower() + name[1:]


def decision_status(code: str) -> str:
    """A decision status inside a sentence: 'gäller', 'upphävt'."""
    return labels.DECISION_STATUSES.sv(code).lower()


def decision_label(number: int) -> str:
    """The decision's number as people say it: 'B-3'."""
    return f"B-{number}"


# --- beredskapsläge (readiness of the whole kommun) -----------------------------------------


def readiness_changed(*, readiness: str, reference: str | None, decided_on: str | None) -> str:
    """The entry written into every active incident when the kommun's readiness is recorded.

    `decided_on` is the date of the government's decision as YYYY-MM-DD.
    """
    source = ", ".join(x for x in (reference, decided_on) if x)
    source = f" ({source})" if source else ""
    if readiness == "peace":
        return (
            f"Regeringen har beslutat att höjd beredskap upphör{source}. Kommunen återgår till fredstida krisberedskap."
        )
    name = labels.READINESS.sv(readiness)
    name = name[0].lower() + name[1:]
    return f"Regeringen har beslutat om {name}{source}. Kommunstyrelsen leder under höjd beredskap."


# --- krisledningsnämnden (KLN) ---------------------------------------------------------------


def kln_activated() -> str:
    return (
        "Extraordinär händelse föreligger (lag 2006:544 2 kap. 3 §). "
        "Krisledningsnämnden träder i funktion genom ordförandens beslut."
    )


def kln_takeover(scope: str) -> str:
    return (
        "Krisledningsnämnden tar över beslutanderätten för "
        f"{scope} (lag 2006:544 2 kap. 4 §, i den utsträckning som behövs med hänsyn till händelsen)."
    )


def kln_stood_down() -> str:
    return (
        "Krisledningsnämndens verksamhet upphör (lag 2006:544 2 kap. 5 §). "
        "Beslutanderätten återgår till ordinarie nämnder."
    )
