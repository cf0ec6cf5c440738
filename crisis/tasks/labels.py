"""Display labels for task codes (Swedish source strings, translated lazily)."""

from __future__ import annotations

from crisis import labels

# The tables live in crisis.labels (the one home of display labels).
STATUSES = labels.TASK_STATUSES
PRIORITIES = labels.PRIORITIES
FIELDS = labels.TASK_FIELDS


def js_strings() -> dict[str, object]:
    """Strings the board script needs, in the request's language."""
    from flask_babel import gettext as _

    return {
        "statuses": {k: str(v) for k, v in STATUSES.items()},
        "priorities": {k: str(v) for k, v in PRIORITIES.items()},
        "fields": {k: str(v) for k, v in FIELDS.items()},
        "overdue": _("FÖRSENAD"),
        "due": _("Klar senast"),
        "move_to": _("Flytta till"),
        "move": _("Flytta"),
        "moved": _("Uppgift %(id)s flyttad till %(status)s", id="{id}", status="{status}"),
        "created": _("Uppgift %(id)s skapad: %(title)s", id="{id}", title="{title}"),
        "updated_by": _("Uppgift %(id)s ändrad av %(who)s", id="{id}", who="{who}"),
        "now_overdue": _("Uppgift %(id)s är försenad: %(title)s", id="{id}", title="{title}"),
        "conflict": _(
            "Någon annan hann ändra uppgiften. Kortet visar nu den senaste versionen – gör din ändring igen."
        ),
        "edit": _("Ändra"),
        "save": _("Spara"),
        "history": _("Historik"),
        "no_history": _("Ingen historik"),
        "from_log": _("Från loggpost %(n)s", n="{n}"),
        "origin": _("Ursprung"),
        "nobody": _("Ingen"),
        "no_position": _("Ingen funktion"),
        "position": _("Funktion"),
        "assignee": _("Ansvarig"),
        "priority": _("Prioritet"),
        "title": _("Titel"),
        "description": _("Beskrivning"),
        "priority_label": _("Prioritet: %(p)s", p="{p}"),
        "empty": _("Inga uppgifter"),
        "count": _("%(shown)s av %(total)s uppgifter visas", shown="{shown}", total="{total}"),
        "keyboard_hint": _("Pil vänster/höger flyttar kortet"),
        "version": _("version %(v)s", v="{v}"),
    }
